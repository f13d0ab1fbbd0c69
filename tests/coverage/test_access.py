"""Who sees which coverage figures and names, who enters indicators, and pages that never fail.

On top of the `villages` scenario (tests/coverage/conftest.py): old Xã Lao Và Chải of Huyện Yên
Minh (Hà Giang) merges, with Thanh Vân of Quản Bạ, into Xã Nghĩa Thuận on 1/7/2025. Its Thôn Xa
has an untrained party cell secretary, Sùng Thị Ngoài. A Quản Bạ commissioner must never see her
nor count her; a Hà Giang commissioner may (both old districts are his).
"""

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from coverage.gaps import gaps
from coverage.models import FrozenReport, Indicator, IndicatorValue
from coverage.services import (
    CoverageError,
    freeze_report,
    import_indicator_values,
    record_indicator_value,
)
from people.models import Grant, Level, OrgKind, Unit, UnitLineage
from people.services import create_village
from tests.conftest import LEGACY_END
from tests.coverage.conftest import D2, hold, org, person
from tests.coverage.conftest_ui import ui  # noqa: F401
from tests.coverage.test_indicators import sheet
from tests.factories import UserFactory, grant, make_unit

NGOAI = "Sùng Thị Ngoài"


@dataclass
class YenMinh:
    district: Unit
    commune: Unit
    village: Unit
    quan_ba_user: object
    ha_giang_user: object


@pytest.fixture
def yen_minh(tree, villages) -> YenMinh:  # type: ignore[no-untyped-def]
    legacy = {"edition": Unit.Edition.LEGACY, "valid_to": LEGACY_END}
    district = make_unit(
        name="Huyện Yên Minh", level=Level.DISTRICT, kind=Unit.Kind.HUYEN, code="029",
        parent=tree.ha_giang, **legacy,
    )  # fmt: skip
    commune = make_unit(
        name="Xã Lao Và Chải", level=Level.COMMUNE, kind=Unit.Kind.XA, code="00907",
        parent=district, **legacy,
    )  # fmt: skip
    UnitLineage.objects.create(old=commune, new=tree.nghia_thuan, kind=UnitLineage.Kind.WHOLE)
    village = create_village(commune=commune, name="Thôn Xa")
    hold(person(NGOAI, sex="F"), "party_cell_secretary", org(village, OrgKind.PARTY_CELL),
         date(2020, 1, 1))  # fmt: skip
    quan_ba_user, ha_giang_user = UserFactory(), UserFactory()
    grant(quan_ba_user, tree.quan_ba, Grant.Role.COMMISSION)
    grant(ha_giang_user, tree.ha_giang, Grant.Role.COMMISSION)
    return YenMinh(district, commune, village, quan_ba_user, ha_giang_user)


def api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def names(body: dict) -> list[str]:
    return [r["full_name"] for r in body["results"] if r["full_name"]]


# ---- 1. Named people and figures from another old district ----------------------------------


def test_it_hides_a_new_commune_formed_partly_from_another_old_district(tree, yen_minh):
    client = api(yen_minh.quan_ba_user)
    params = {"target": "nq33-village", "unit_id": tree.nghia_thuan.pk, "as_of": "2026-03-31"}
    listed = client.get("/api/v1/gaps/", params)
    assert listed.status_code == 404
    assert NGOAI not in listed.content.decode()
    assert client.get("/api/v1/coverage/", params).status_code == 404


def test_it_refuses_the_area_of_a_former_unit_reaching_outside_the_grants(tree, yen_minh):
    client = api(yen_minh.quan_ba_user)
    params = {"target": "nq33-village", "area_of": "027", "as_of": "2026-03-31"}
    assert client.get("/api/v1/gaps/", params).status_code == 404
    assert client.get("/api/v1/coverage/", params).status_code == 404


def test_it_counts_only_new_communes_wholly_inside_a_former_unit_grant(tree, yen_minh):
    client = api(yen_minh.quan_ba_user)
    report = client.get("/api/v1/coverage/", {"target": "nq33-village", "as_of": "2026-03-31"})
    assert report.status_code == 200
    assert report.json()["unit"]["id"] == tree.can_ty_new.pk
    listed = client.get("/api/v1/gaps/", {"target": "nq33-village", "as_of": "2026-03-31"})
    assert NGOAI not in names(listed.json())


def test_it_keeps_the_area_of_a_former_province_for_its_commissioner(tree, yen_minh):
    client = api(yen_minh.ha_giang_user)
    area = client.get(
        "/api/v1/gaps/", {"target": "nq33-village", "area_of": "02", "as_of": "2026-03-31"}
    )
    assert area.status_code == 200
    assert NGOAI in names(area.json())
    commune = client.get(
        "/api/v1/coverage/",
        {"target": "nq33-village", "unit_id": tree.nghia_thuan.pk, "as_of": "2026-03-31"},
    )
    assert commune.status_code == 200 and commune.json()["holders"] == 7


def test_it_lists_only_named_rows_inside_the_grants(tree, yen_minh):
    everyone = gaps(target_code="nq33-village", unit=tree.nghia_thuan, on=D2)
    assert NGOAI in [r["full_name"] for r in everyone]
    mine = gaps(
        target_code="nq33-village", unit=tree.nghia_thuan, on=D2, user=yen_minh.quan_ba_user
    )
    shown = [r["full_name"] for r in mine if r["full_name"]]
    assert NGOAI not in shown
    assert {"Sùng Thị Dua", "Nguyễn Văn Bình", "Vàng Seo Dình"} <= set(shown)
    assert not any(r["village"] == "Thôn Xa" for r in mine)
    assert all(not k.startswith("_") for r in mine for k in r)


def test_it_keeps_another_district_s_people_out_of_the_html_lists(client, tree, yen_minh):
    client.force_login(yen_minh.quan_ba_user)
    params = {
        "target": "nq33-village", "kind": "untrained", "unit": tree.quan_ba.pk,
        "area_of": tree.quan_ba.pk, "as_of": "31/03/2026",
    }  # fmt: skip
    r = client.get(reverse("coverage:gaps"), params)
    assert r.status_code == 200
    html = r.content.decode()
    assert NGOAI not in html
    assert "ngoài phạm vi được phân quyền" in html
    dashboard = client.get(reverse("coverage:dashboard"), params)
    assert dashboard.status_code == 200
    assert dashboard.context["scope"].area_of is None
    sheet_ = client.get(reverse("coverage:report_xlsx"), params)
    assert sheet_.status_code == 200
    book = load_workbook(io.BytesIO(sheet_.content))
    cells = {
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    }
    assert NGOAI not in cells
    assert client.get(reverse("coverage:gaps"), {**params, "unit": tree.nghia_thuan.pk,
                                                 "area_of": ""}).status_code == 404  # fmt: skip


# ---- 2. Who enters indicators and freezes reports --------------------------------------------


def test_it_lets_only_enterer_roles_record_indicator_values(ui):  # noqa: F811
    dossiers = Indicator.objects.get(code="nq33-dossiers")
    organiser = UserFactory()
    grant(organiser, ui.tree.quan_ba, Grant.Role.ORGANISER)
    values = {"indicator": dossiers, "year": 2025, "quarter": None, "value": Decimal("97"),
              "source": ""}  # fmt: skip
    with pytest.raises(CoverageError, match="không có quyền nhập số liệu"):
        record_indicator_value(unit=ui.tree.quan_ba, by=organiser, **values)
    with pytest.raises(CoverageError, match="Chỉ quản trị"):
        import_indicator_values(
            file=sheet([["027", "", "nq33-dossiers", 2024, None, 97, ""]]), by=organiser
        )
    # A clerk's role counts on the unit it was granted, not on another unit seen as organiser.
    mixed = UserFactory()
    grant(mixed, ui.tree.can_ty, Grant.Role.CLERK)
    grant(mixed, ui.tree.quan_ba, Grant.Role.ORGANISER)
    with pytest.raises(CoverageError):
        record_indicator_value(unit=ui.tree.thanh_van, by=mixed, **values)
    with pytest.raises(CoverageError) as error:
        import_indicator_values(
            file=sheet([["00889", "", "nq33-dossiers", 2024, None, 97, ""]]), by=mixed
        )
    assert error.value.errors == ["Dòng 4: bạn không có quyền nhập số liệu cho Xã Thanh Vân"]
    assert not IndicatorValue.objects.exists()
    record_indicator_value(unit=ui.tree.can_ty, by=mixed, **values)
    record_indicator_value(unit=ui.tree.quan_ba, by=ui.commission, **values)
    assert IndicatorValue.objects.count() == 2


def test_it_freezes_only_for_the_commission_on_its_own_units(ui):  # noqa: F811
    on = date(2025, 3, 31)
    clerk = UserFactory()
    grant(clerk, ui.tree.quan_ba, Grant.Role.CLERK)
    with pytest.raises(CoverageError, match="Chỉ Ban Tuyên giáo"):
        freeze_report(target_code="nq33-village", unit=ui.tree.quan_ba, on=on, by=clerk, note="")
    mixed = UserFactory()
    grant(mixed, ui.tree.can_ty, Grant.Role.COMMISSION)
    grant(mixed, ui.tree.quan_ba, Grant.Role.ORGANISER)
    with pytest.raises(CoverageError, match="không có quyền chốt"):
        freeze_report(target_code="nq33-village", unit=ui.tree.quan_ba, on=on, by=mixed, note="")
    assert not FrozenReport.objects.exists()
    freeze_report(target_code="nq33-village", unit=ui.tree.can_ty, on=on, by=mixed, note="")
    assert FrozenReport.objects.count() == 1


# ---- 3. Pages that used to fail -----------------------------------------------------------------


def test_it_shows_a_former_district_s_user_the_area_of_the_district(client, ui):  # noqa: F811
    user = UserFactory()
    grant(user, ui.tree.quan_ba, Grant.Role.COMMISSION)
    client.force_login(user)
    r = client.get(reverse("coverage:dashboard"))
    assert r.status_code == 200
    assert r.context["scope"].area_of == ui.tree.quan_ba
    assert "Huyện Quản Bạ không tồn tại" in r.content.decode()
    listed = client.get(reverse("coverage:gaps"), {"target": "nq33-village", "kind": "untrained"})
    assert listed.status_code == 200
    assert "Bùi Văn Bình" in listed.content.decode()


def test_it_falls_back_to_a_new_commune_wholly_inside_a_former_unit_grant(client, tree, yen_minh):
    client.force_login(yen_minh.quan_ba_user)
    r = client.get(reverse("coverage:dashboard"), {"as_of": "31/03/2026"})
    assert r.status_code == 200
    assert r.context["scope"].unit == tree.can_ty_new and r.context["scope"].area_of is None


def test_it_explains_a_day_before_a_new_unit_existed(client, ui):  # noqa: F811
    user = UserFactory()
    grant(user, ui.tree.tuyen_quang, Grant.Role.COMMISSION)
    client.force_login(user)
    params = {"as_of": "31/12/2024"}
    for name in ("dashboard", "gaps"):
        r = client.get(reverse(f"coverage:{name}"), {**params, "target": "nq33-village"})
        assert r.status_code == 200
        assert "Tỉnh Tuyên Quang không tồn tại vào ngày 31/12/2024" in r.content.decode()
    for name in ("report_csv", "report_xlsx"):
        r = client.get(reverse(f"coverage:{name}"), params)
        assert r.status_code == 400
        assert "không tồn tại vào ngày 31/12/2024" in r.content.decode()


@pytest.mark.parametrize("raw", ["31/12/10000", "31/12/0000", "0000-01-01", "01/01/0001",
                                 "31/12/9999"])  # fmt: skip
def test_it_refuses_dates_out_of_range_everywhere(client, ui, raw):  # noqa: F811
    client.force_login(ui.admin)
    for name in ("dashboard", "gaps"):
        r = client.get(reverse(f"coverage:{name}"), {"as_of": raw, "target": "nq33-village"})
        assert r.status_code == 200
        assert r.context["scope"].on == date.today()
        assert "hợp lệ" in r.content.decode() or "ngoài khoảng" in r.content.decode()
    for name in ("report_csv", "report_xlsx"):
        r = client.get(reverse(f"coverage:{name}"), {"as_of": raw})
        assert r.status_code == 400, name
        assert "ngày" in r.content.decode().lower()
    for url in ("/api/v1/coverage/", "/api/v1/gaps/"):
        r = api(ui.admin).get(url, {"target": "nq33-village", "as_of": raw})
        assert r.status_code == 400
        assert "ngày" in r.json()["detail"].lower()


@pytest.mark.parametrize("raw", ["NaN", "sNaN", "Infinity", "-inf", "1e20"])
def test_it_refuses_values_that_are_not_finite_numbers(client, ui, raw):  # noqa: F811
    client.force_login(ui.commission)
    # A count, not a percentage: no upper bound of 100 to stop infinities.
    policies = Indicator.objects.get(code="nq33-supervision")
    r = client.post(
        reverse("coverage:indicators"),
        {"indicator": policies.pk, "unit": ui.tree.quan_ba.pk, "year": "2025", "value": raw},
        follow=True,
    )
    assert r.status_code == 200
    assert "không" in [str(m) for m in r.context["messages"]][0]
    with pytest.raises(CoverageError) as error:
        import_indicator_values(
            file=sheet([["027", "", "nq33-supervision", 2024, None, raw, ""]]), by=ui.commission
        )
    assert error.value.errors[0].startswith("Dòng 4: cột «Giá trị»")
    assert not IndicatorValue.objects.exists()
