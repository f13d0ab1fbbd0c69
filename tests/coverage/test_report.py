"""The report JSON on hand-computed scenarios (see conftest.py for the people and dates)."""

from datetime import date, timedelta

import pytest

from coverage.report import coverage_report, percent
from coverage.services import CoverageError
from people.models import Level, Organisation, OrgKind
from tests.coverage.conftest import D1, D2, hold, org, person, record
from training.models import Target

pytestmark = pytest.mark.django_db
PERSON_KEYS = {
    "holders",
    "trained",
    "percent",
    "persons",
    "persons_trained",
    "persons_percent",
    "due",
    "overdue",
    "vacant",
}


def figures(report: dict) -> dict:
    return {k: v for k, v in report.items() if k in PERSON_KEYS}


def child(report: dict, name: str) -> dict:
    return next(c for c in report["children"] if c["unit"]["name"] == name)


def test_it_counts_the_new_commune_after_the_reform(tree, villages):
    report = coverage_report(target_code="nq33-village", unit=tree.nghia_thuan, on=D2)
    assert report["target"] == "nq33-village"
    assert report["as_of"] == "2026-03-31"
    assert report["unit"] == {
        "id": tree.nghia_thuan.pk,
        "code": "00889",
        "name": "Xã Nghĩa Thuận",
        "level": "commune",
    }
    # P1 ×2 and P6 trained; P2 wrong programme, P3 new, P5 the replacement secretary.
    assert figures(report) == {
        "holders": 6,
        "trained": 3,
        "percent": 50.0,
        "persons": 5,
        "persons_trained": 2,
        "persons_percent": 40.0,
        "due": 1,
        "overdue": 2,
        "vacant": 2,
    }
    assert [c["unit"]["name"] for c in report["children"]] == ["Thôn Lùng Hòa", "Thôn Nà Mạ"]


def test_it_counts_a_person_with_two_roles_once(tree, villages):
    report = coverage_report(target_code="nq33-village", unit=tree.nghia_thuan, on=D2)
    assert figures(child(report, "Thôn Nà Mạ")) == {
        "holders": 4,
        "trained": 2,
        "percent": 50.0,
        "persons": 3,
        "persons_trained": 1,
        "persons_percent": 33.3,
        "due": 1,
        "overdue": 1,
        "vacant": 0,
    }


def test_it_counts_the_secretary_in_office_on_the_date(tree, villages):
    before = coverage_report(target_code="nq33-village", unit=tree.thanh_van, on=date(2025, 6, 30))
    assert child(before, "Thôn Lùng Hòa")["trained"] == 1  # P4, trained, still in office
    after = coverage_report(target_code="nq33-village", unit=tree.nghia_thuan, on=D2)
    assert figures(child(after, "Thôn Lùng Hòa")) == {
        "holders": 2,
        "trained": 1,
        "percent": 50.0,
        "persons": 2,
        "persons_trained": 1,
        "persons_percent": 50.0,
        "due": 0,
        "overdue": 1,
        "vacant": 2,
    }


def test_it_counts_a_record_completed_on_the_as_of_date(tree, villages):
    on_the_day = coverage_report(target_code="nq33-village", unit=tree.nghia_thuan, on=D2)
    day_before = coverage_report(
        target_code="nq33-village", unit=tree.nghia_thuan, on=D2 - timedelta(days=1)
    )
    assert child(on_the_day, "Thôn Lùng Hòa")["trained"] == 1
    assert child(day_before, "Thôn Lùng Hòa")["trained"] == 0


def test_it_ignores_a_record_of_a_programme_the_target_does_not_accept(tree, villages):
    report = coverage_report(target_code="nq33-village", unit=tree.nghia_thuan, on=D2)
    assert child(report, "Thôn Nà Mạ")["trained"] == 2  # P2's nv-mttq does not count
    record(villages.people["P2"], "xdd-kndv", date(2026, 1, 5))
    report = coverage_report(target_code="nq33-village", unit=tree.nghia_thuan, on=D2)
    assert child(report, "Thôn Nà Mạ")["trained"] == 3


def test_it_ignores_an_expired_record(tree, villages):
    # On 05/01/2026 P1 ×2 and P2 (record valid until that day) are trained; P6 not yet.
    record(villages.people["P2"], "xdd-kndv", date(2024, 1, 5), expires_on=date(2026, 1, 5))
    last_day = coverage_report(
        target_code="nq33-village", unit=tree.nghia_thuan, on=date(2026, 1, 5)
    )
    expired = coverage_report(
        target_code="nq33-village", unit=tree.nghia_thuan, on=date(2026, 1, 6)
    )
    assert (last_day["trained"], expired["trained"]) == (3, 2)


def test_it_ignores_records_before_the_recognised_since_date(tree, villages):
    Target.objects.filter(code="nq33-village").update(recognised_since=date(2023, 1, 1))
    report = coverage_report(target_code="nq33-village", unit=tree.thanh_van, on=D1)
    # P4's record of 01/06/2022 no longer counts; P1's of 10/05/2023 does.
    assert (report["holders"], report["trained"]) == (5, 2)


def test_it_tells_due_from_overdue_by_the_grace_period(tree, villages):
    # P3 appointed 15/11/2025: on 31/03/2026 inside the 180 days (due); on 01/06/2026 past them.
    report = coverage_report(target_code="nq33-village", unit=tree.nghia_thuan, on=D2)
    assert child(report, "Thôn Nà Mạ")["due"] == 1
    later = coverage_report(target_code="nq33-village", unit=tree.nghia_thuan, on=date(2026, 6, 1))
    assert (later["due"], later["overdue"]) == (0, 3)
    # The last day of P3's grace is 15/11/2025 + 180 days = 14/05/2026.
    last = coverage_report(target_code="nq33-village", unit=tree.nghia_thuan, on=date(2026, 5, 14))
    assert (last["due"], last["overdue"]) == (1, 2)


def test_it_counts_everyone_untrained_as_due_before_the_deadline(tree, villages):
    report = coverage_report(target_code="nq33-village", unit=tree.thanh_van, on=D1)
    assert figures(report) == {
        "holders": 5,
        "trained": 3,
        "percent": 60.0,
        "persons": 4,
        "persons_trained": 2,
        "persons_percent": 50.0,
        "due": 2,
        "overdue": 0,
        "vacant": 3,
    }


def test_it_uses_start_plus_grace_alone_without_a_deadline(tree, villages):
    Target.objects.filter(code="nq33-village").update(deadline=None)
    report = coverage_report(target_code="nq33-village", unit=tree.thanh_van, on=D1)
    # P2 (01/03/2021) is past 180 days; P6 (01/01/2024) too.
    assert (report["due"], report["overdue"]) == (0, 2)


def test_it_reports_vacant_seats_beside_the_percentage(tree, villages):
    report = coverage_report(target_code="nq33-village", unit=tree.quan_ba, on=D1)
    assert report["vacant"] == 7  # Nà Mạ 1 (Front head), Lùng Hòa 2, Cán Hạ 4
    assert [(c["unit"]["code"], c["vacant"], c["percent"]) for c in report["children"]] == [
        ("00880", 4, None),
        ("00889", 3, 60.0),
    ]


def test_it_resolves_one_code_to_two_communes_across_the_reform(tree, villages):
    from coverage.units import resolve_unit

    before = coverage_report(target_code="nq33-village", unit=resolve_unit("00889", D1), on=D1)
    after = coverage_report(target_code="nq33-village", unit=resolve_unit("00889", D2), on=D2)
    assert before["unit"]["name"] == "Xã Thanh Vân"
    assert after["unit"]["name"] == "Xã Nghĩa Thuận"
    assert (before["holders"], after["holders"]) == (5, 6)


def test_it_reports_a_village_under_its_old_and_its_new_commune(tree, villages):
    old = coverage_report(target_code="nq33-village", unit=tree.ha_giang, on=D1)
    new = coverage_report(target_code="nq33-village", unit=tree.tuyen_quang, on=D2)
    old_commune = coverage_report(target_code="nq33-village", unit=tree.thanh_van, on=D1)
    assert "Thôn Nà Mạ" in [c["unit"]["name"] for c in old_commune["children"]]
    assert [c["unit"]["name"] for c in old["children"]] == ["Huyện Quản Bạ"]
    assert [(c["unit"]["name"], c["holders"]) for c in new["children"]] == [
        ("Xã Cán Tỷ", 0),
        ("Xã Nghĩa Thuận", 6),
    ]
    with pytest.raises(CoverageError):
        coverage_report(target_code="nq33-village", unit=tree.thanh_van, on=D2)


def test_it_reports_every_province_without_a_unit(tree, villages):
    report = coverage_report(target_code="nq33-village", unit=None, on=D2)
    assert report["unit"] == {"id": None, "code": "", "name": "Toàn quốc", "level": "country"}
    assert [c["unit"]["code"] for c in report["children"]] == ["08"]
    assert report["holders"] == 6


def test_it_reports_the_area_of_a_former_province_after_the_reform(tree, villages):
    report = coverage_report(target_code="nq33-village", unit=None, on=D2, area_of=tree.ha_giang)
    assert report["area_of"]["code"] == "02"
    assert report["unit"]["name"] == "Địa bàn Tỉnh Hà Giang (cũ)"
    assert [c["unit"]["code"] for c in report["children"]] == ["00883", "00889"]
    assert (report["holders"], report["trained"], report["vacant"]) == (6, 3, 6)


def test_it_reports_the_area_of_a_former_commune_split_in_two(tree, villages):
    from people.models import UnitLineage

    UnitLineage.objects.create(
        old=tree.thanh_van, new=tree.can_ty_new, kind=UnitLineage.Kind.PART, is_default=False
    )
    report = coverage_report(target_code="nq33-village", unit=None, on=D2, area_of=tree.thanh_van)
    assert [c["unit"]["code"] for c in report["children"]] == ["00883", "00889"]


def test_it_counts_commune_level_holders_in_the_commune_but_in_no_village(tree, villages):
    front = org(tree.nghia_thuan, OrgKind.FRONT_COMMITTEE, start=date(2025, 7, 1))
    union = org(villages.a, OrgKind.WOMEN_UNION)
    hold(person("Hà Thị Yến"), "front_key_cadre", front, date(2025, 7, 1))
    hold(villages.people["P1"], "mass_org_key_cadre", union, date(2020, 1, 1))
    record(villages.people["P1"], "nv-mttq", date(2025, 8, 1))
    report = coverage_report(target_code="nq33-front", unit=tree.nghia_thuan, on=D2)
    assert (report["holders"], report["trained"], report["percent"]) == (2, 1, 50.0)
    assert (report["persons"], report["vacant"]) == (2, 0)
    assert [(c["unit"]["name"], c["holders"]) for c in report["children"]] == [
        ("Thôn Lùng Hòa", 0),
        ("Thôn Nà Mạ", 1),
    ]


def test_it_ignores_positions_in_an_organisation_that_ended(tree, villages):
    Organisation.objects.filter(unit=villages.a, kind=OrgKind.FRONT_WORK_COMMITTEE).update(
        end=date(2025, 12, 31)
    )
    report = coverage_report(target_code="nq33-village", unit=tree.nghia_thuan, on=D2)
    assert (report["holders"], report["vacant"]) == (5, 3)


def test_it_rounds_percentages_half_up_to_one_decimal():
    assert percent(2, 3) == 66.7
    assert percent(1, 3) == 33.3
    assert percent(1, 8) == 12.5
    assert percent(1, 16) == 6.3  # 6.25 → 6.3, not banker's 6.2
    assert percent(0, 0) is None


def test_it_refuses_an_unknown_target(tree):
    with pytest.raises(CoverageError, match="nq33-nothing"):
        coverage_report(target_code="nq33-nothing", unit=tree.thanh_van, on=D1)


def test_a_commune_report_is_a_few_queries(tree, villages, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        report = coverage_report(target_code="nq33-village", unit=tree.nghia_thuan, on=D2)
    assert report["holders"] == 6


def test_a_province_report_is_a_few_queries(tree, villages, django_assert_max_num_queries):
    for i in range(5):
        extra = org(villages.c, OrgKind.PARTY_CELL, f"Chi bộ phụ {i}")
        hold(person(f"Thào Văn Sơn{i}"), "party_cell_secretary", extra, date(2020, 1, 1))
    for code in ("nq33-village", "nq33-boards", "nq33-teams"):
        with django_assert_max_num_queries(10):
            coverage_report(target_code=code, unit=tree.ha_giang, on=D1)
    with django_assert_max_num_queries(10):
        report = coverage_report(target_code="nq33-village", unit=None, on=D1)
    assert report["holders"] == 10
    assert Level.PROVINCE == report["children"][0]["unit"]["level"]
