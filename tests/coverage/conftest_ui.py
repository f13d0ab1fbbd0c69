"""A hand-built scenario for the coverage pages, imported by the UI test modules.

Tree (tests/conftest.py `tree`): Hà Giang > Quản Bạ > Thanh Vân, Cán Tỷ until 30/06/2025;
Tuyên Quang > Nghĩa Thuận (from Thanh Vân), Cán Tỷ mới (from Cán Tỷ) from 01/07/2025.

Villages: Thôn Nà Khoang (Thanh Vân → Nghĩa Thuận), Thôn Lùng Cúng (Cán Tỷ → Cán Tỷ mới).
- An Thị Hoa: party cell secretary AND mobilisation-team head of Nà Khoang since 2020, trained
  (xdd-kndv, 01/05/2024): two positions, one person.
- Bùi Văn Bình: party cell secretary of Lùng Cúng since 15/01/2025, untrained: due before the
  deadline 31/12/2025, overdue after it (start + 180 days is earlier).
- Seats: Nà Khoang has 2 vacant (cadre in charge, Front work committee head), Lùng Cúng 3.
- Thanh Vân People's Inspection Board: head Cao Văn Chung trained (nv-ttnd), member Đỗ Thị Dung
  untrained → the board is not covered. Cán Tỷ has no inspection board (a vacant board).
- Thanh Vân Front committee: key cadre Em Thị Én trained (nv-mttq).

Hand-computed on 31/03/2025 for Quản Bạ, nq33-village: holders 3, trained 2, 66.7%,
persons 2, persons trained 1 (50.0%), due 1, overdue 0, vacant 5; Thanh Vân 100.0%, Cán Tỷ 0.0%.
On 05/02/2026 for Tuyên Quang: the same numbers except due 0, overdue 1.
nq33-teams: 2 villages, 1 covered (50.0%). nq33-boards: 1 board, 0 covered, vacant 1.
nq33-front: 1/1. nq33-agency: no holders (percent —).
"""

from dataclasses import dataclass
from datetime import date

import pytest

from people.models import Grant, OrgKind, Unit
from people.services import (
    PersonData,
    appoint,
    create_village,
    find_or_create_organisation,
    save_person,
)
from tests.factories import UserFactory, grant, role
from training.models import Programme, TrainingRecord

BEFORE = date(2025, 3, 31)
AFTER = date(2026, 2, 5)


@dataclass
class Scenario:
    tree: object
    na_khoang: Unit
    lung_cung: Unit
    admin: object
    commission: object
    can_ty_clerk: object


def _person(family: str, middle: str, given: str, sex: str = "F") -> object:
    return save_person(
        PersonData(
            family_name=family,
            middle_name=middle,
            given_name=given,
            sex=sex,
            birth_date=date(1980, 5, 1),
        )
    )


def _org(unit: Unit, kind: str) -> object:
    return find_or_create_organisation(unit=unit, kind=kind)


def _train(person: object, code: str, day: date) -> None:
    TrainingRecord.objects.create(
        person=person, programme=Programme.objects.get(code=code), completed_on=day
    )


def build_scenario(tree) -> Scenario:  # type: ignore[no-untyped-def]
    nk = create_village(commune=tree.thanh_van, name="Thôn Nà Khoang")
    lc = create_village(commune=tree.can_ty, name="Thôn Lùng Cúng")
    hoa = _person("An", "Thị", "Hoa")
    appoint(
        person=hoa,
        role=role("party_cell_secretary"),
        organisation=_org(nk, OrgKind.PARTY_CELL),
        start=date(2020, 1, 1),
    )
    appoint(
        person=hoa,
        role=role("mobilization_team_head"),
        organisation=_org(nk, OrgKind.MOBILIZATION_TEAM),
        start=date(2020, 1, 1),
    )
    _train(hoa, "xdd-kndv", date(2024, 5, 1))
    binh = _person("Bùi", "Văn", "Bình", "M")
    appoint(
        person=binh,
        role=role("party_cell_secretary"),
        organisation=_org(lc, OrgKind.PARTY_CELL),
        start=date(2025, 1, 15),
    )
    board = _org(tree.thanh_van, OrgKind.PEOPLE_INSPECTION_BOARD)
    chung, dung = _person("Cao", "Văn", "Chung", "M"), _person("Đỗ", "Thị", "Dung")
    appoint(
        person=chung, role=role("inspection_board_head"), organisation=board, start=date(2021, 1, 1)
    )
    appoint(
        person=dung,
        role=role("inspection_board_member"),
        organisation=board,
        start=date(2021, 1, 1),
    )
    _train(chung, "nv-ttnd", date(2022, 3, 1))
    en = _person("Em", "Thị", "Én")
    appoint(
        person=en,
        role=role("front_key_cadre"),
        organisation=_org(tree.thanh_van, OrgKind.FRONT_COMMITTEE),
        start=date(2021, 1, 1),
    )
    _train(en, "nv-mttq", date(2022, 3, 1))
    admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    commission = UserFactory(username="banduvan", first_name="Ban", last_name="Dân vận")
    grant(commission, tree.ha_giang, Grant.Role.COMMISSION)
    grant(commission, tree.tuyen_quang, Grant.Role.COMMISSION)
    clerk = UserFactory(username="canty")
    grant(clerk, tree.can_ty, Grant.Role.CLERK)
    grant(clerk, tree.can_ty_new, Grant.Role.CLERK)
    return Scenario(tree, nk, lc, admin, commission, clerk)


@pytest.fixture
def ui(tree, settings) -> Scenario:  # type: ignore[no-untyped-def]
    # Trend points cost a report each: computed only in the tests that look at the trend.
    settings.COVERAGE_TREND_BUDGET = 0
    return build_scenario(tree)
