"""load_units on the real data bundled with vietnamadminunits."""

import json
import time
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from people.demo import ensure_units
from people.models import Level, Unit, UnitAncestry, UnitLineage, UnitPlacement
from people.services import create_village, parent_on, resolve_commune

pytestmark = pytest.mark.django_db
BEFORE, LAST_OLD_DAY, REFORM = date(2024, 5, 1), date(2025, 6, 30), date(2025, 7, 1)


def load(*codes: str) -> str:
    out = StringIO()
    call_command("load_units", *[a for c in codes for a in ("--province", c)], stdout=out)
    return out.getvalue()


def unit(edition: str, key: str) -> Unit:
    return Unit.objects.get(edition=edition, source_key=key)


def snapshot() -> tuple:
    return tuple(
        sorted(model.objects.values_list(*fields))
        for model, fields in (
            (Unit, ("pk", "name", "short_name", "code", "kind", "valid_from", "valid_to")),
            (UnitPlacement, ("pk", "unit_id", "parent_id", "valid_from", "valid_to")),
            (UnitAncestry, ("pk", "ancestor_id", "descendant_id", "depth", "valid_to")),
            (UnitLineage, ("pk", "old_id", "new_id", "kind", "is_default")),
        )
    )


@pytest.fixture
def hg_tq() -> str:
    return load("02", "08")


def test_it_loads_ha_giang_as_11_districts_and_193_communes(hg_tq):
    ha_giang = unit("legacy", "tinhhagiang")
    assert (ha_giang.code, ha_giang.name, ha_giang.short_name) == (
        "02",
        "Tỉnh Hà Giang",
        "Hà Giang",
    )
    assert (ha_giang.valid_from, ha_giang.valid_to) == (None, LAST_OLD_DAY)
    inside = Unit.objects.within(ha_giang, on=BEFORE)
    assert Counter(inside.values_list("level", flat=True)) == {
        Level.PROVINCE: 1,
        Level.DISTRICT: 11,
        Level.COMMUNE: 193,
    }
    kinds = Counter(inside.filter(level=Level.COMMUNE).values_list("kind", flat=True))
    assert kinds == {"xa": 175, "thi_tran": 13, "phuong": 5}
    assert not Unit.objects.within(ha_giang, on=REFORM).exists()


def test_it_keys_units_by_the_package_keys(hg_tq):
    quan_ba = unit("legacy", "tinhhagiang_huyenquanba")
    thanh_van = unit("legacy", "tinhhagiang_huyenquanba_xathanhvan")
    assert (quan_ba.kind, quan_ba.short_name) == ("huyen", "Quản Bạ")
    assert (thanh_van.name, thanh_van.code, thanh_van.short_name) == (
        "Xã Thanh Vân",
        "00889",
        "Thanh Vân",
    )
    assert parent_on(thanh_van, BEFORE) == quan_ba
    assert unit("legacy", "tinhhagiang_thanhphohagiang").kind == "thanh_pho"


def test_it_loads_new_tuyen_quang_with_124_communes_73_from_ha_giang(hg_tq):
    tuyen_quang = unit("2025", "tinhtuyenquang")
    assert (tuyen_quang.code, tuyen_quang.valid_from, tuyen_quang.valid_to) == ("08", REFORM, None)
    communes = Unit.objects.within(tuyen_quang, on=REFORM).filter(level=Level.COMMUNE)
    assert communes.count() == 124
    assert not Unit.objects.within(tuyen_quang, on=LAST_OLD_DAY).exists()
    from_ha_giang = Unit.objects.within(unit("legacy", "tinhhagiang"), on=BEFORE)
    heirs = communes.filter(predecessor_links__old__in=from_ha_giang).distinct()
    assert heirs.count() == 73


def test_it_loads_both_old_provinces_merged_into_tuyen_quang(hg_tq):
    assert set(Unit.objects.filter(level=Level.PROVINCE).values_list("edition", "name")) == {
        ("legacy", "Tỉnh Hà Giang"),
        ("legacy", "Tỉnh Tuyên Quang"),
        ("2025", "Tỉnh Tuyên Quang"),
    }
    olds = UnitLineage.objects.filter(new__source_key="tinhtuyenquang", old__level=Level.PROVINCE)
    assert set(olds.values_list("old__code", "kind")) == {("02", "whole"), ("08", "whole")}
    assert "Kế thừa cũ → mới: 337 dòng" in hg_tq


def test_it_resolves_reused_codes_against_the_date(hg_tq):
    assert resolve_commune("00889", BEFORE).name == "Xã Thanh Vân"
    assert resolve_commune("00889", LAST_OLD_DAY).name == "Xã Thanh Vân"
    assert resolve_commune("00889", REFORM).name == "Xã Nghĩa Thuận"
    assert resolve_commune("00733", REFORM).name == "Xã Sà Phìn"
    assert resolve_commune("00733", BEFORE).name == "Xã Sủng Là"


def test_it_keeps_the_three_split_communes_with_one_default_successor(hg_tq):
    parts = UnitLineage.objects.filter(kind="part", old__source_key__startswith="tinhhagiang_")
    assert set(parts.values_list("old__name", "new__name", "is_default")) == {
        ("Phường Quang Trung", "Phường Hà Giang 1", False),
        ("Phường Quang Trung", "Phường Hà Giang 2", True),
        ("Xã Việt Lâm", "Xã Việt Lâm", True),
        ("Xã Việt Lâm", "Xã Vị Xuyên", False),
        ("Xã Yên Định", "Xã Minh Ngọc", False),
        ("Xã Yên Định", "Xã Ngọc Đường", True),
    }
    thanh_van = unit("legacy", "tinhhagiang_huyenquanba_xathanhvan")
    assert list(thanh_van.successor_links.values_list("new__name", "kind")) == [
        ("Xã Nghĩa Thuận", "whole")
    ]


def test_it_moves_a_village_of_an_old_commune_to_its_successor(hg_tq):
    thanh_van = unit("legacy", "tinhhagiang_huyenquanba_xathanhvan")
    village = create_village(commune=thanh_van, name="Lùng Khúy")
    assert parent_on(village, LAST_OLD_DAY) == thanh_van
    assert parent_on(village, REFORM).name == "Xã Nghĩa Thuận"
    split = create_village(
        commune=unit("legacy", "tinhhagiang_huyenbacme_xayendinh"), name="Nà Pồng"
    )
    assert parent_on(split, REFORM).name == "Xã Ngọc Đường"
    tuyen_quang = unit("2025", "tinhtuyenquang")
    assert set(Unit.objects.within(tuyen_quang, on=REFORM).filter(level=Level.VILLAGE)) == {
        village,
        split,
    }


def test_it_changes_nothing_when_run_again(hg_tq):
    create_village(commune=unit("legacy", "tinhhagiang_huyenquanba_xathanhvan"), name="Nà Mạ")
    before = snapshot()
    output = load("08", "02")
    assert snapshot() == before
    assert "Thay đổi: không có" in output


def test_it_updates_a_renamed_unit_in_place(hg_tq):
    thanh_van = unit("legacy", "tinhhagiang_huyenquanba_xathanhvan")
    Unit.objects.filter(pk=thanh_van.pk).update(name="Xã Cũ", code="99999")
    load("02")
    thanh_van.refresh_from_db()
    assert (thanh_van.name, thanh_van.code, thanh_van.search_text) == (
        "Xã Thanh Vân",
        "00889",
        "xa thanh van",
    )
    assert Unit.objects.filter(source_key=thanh_van.source_key).count() == 1


def test_it_loads_the_same_provinces_from_an_old_or_a_new_code():
    load("02")
    assert Unit.objects.filter(level=Level.PROVINCE).count() == 3
    assert UnitLineage.objects.count() == 337


def test_it_refuses_an_unknown_province_code():
    with pytest.raises(CommandError, match="99"):
        load("99")
    assert not Unit.objects.exists()


@pytest.mark.slow
def test_it_loads_the_whole_country_in_seconds():
    started = time.perf_counter()
    output = load()
    seconds = time.perf_counter() - started
    provinces = Unit.objects.filter(level=Level.PROVINCE)
    assert provinces.filter(edition="legacy").count() == 63
    assert provinces.filter(edition="2025").count() == 34
    assert Unit.objects.filter(edition="legacy", level=Level.DISTRICT).count() == 696
    assert Unit.objects.filter(edition="legacy", level=Level.COMMUNE).count() == 10035
    assert Unit.objects.filter(edition="2025", level=Level.COMMUNE).count() == 3321
    assert Unit.objects.within(unit("2025", "thanhphohanoi"), on=REFORM).count() == 127
    # Island districts without communes (Côn Đảo, Lý Sơn...) became đặc khu whole.
    assert UnitLineage.objects.filter(old__level=Level.DISTRICT, new__kind="dac_khu").count() == 5
    assert "Danh mục từ 01/07/2025: 34 cấp tỉnh, 3321 cấp xã" in output
    assert seconds < 60


def test_it_lists_and_runs_benchmarks_leaving_nothing_behind():
    out = StringIO()
    call_command("bench", stdout=out)
    assert {"load_units_country", "subtree_query"} <= set(out.getvalue().split())
    out = StringIO()
    call_command("bench", "subtree_query", stdout=out)
    result = json.loads(out.getvalue())["subtree_query"]
    assert result["villages"] > 1900
    assert (result["queries_before"], result["queries_after"]) == (1, 1)
    assert result["units_before"] == 1 + 11 + 193 + result["villages"]
    assert not Unit.objects.exists()


def test_it_refuses_an_unknown_benchmark():
    with pytest.raises(CommandError, match="nope"):
        call_command("bench", "nope")


def test_it_loads_the_units_for_the_demo_when_they_are_missing():
    out = StringIO()
    ensure_units(out)
    assert "Chưa có danh mục đơn vị" in out.getvalue()
    assert unit("legacy", "tinhhagiang_huyenquanba").code == "029"
    ensure_units(out)
    assert out.getvalue().count("Chưa có") == 1
