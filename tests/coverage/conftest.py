"""Hand-computed coverage scenarios on the `tree` fixture (tests/conftest.py).

Dates: D1 = 31/12/2024 (old tree: Hà Giang > Quản Bạ > Thanh Vân, Cán Tỷ); D2 = 31/03/2026
(new tree: Tuyên Quang > Nghĩa Thuận, Cán Tỷ). Targets keep their seeded rules; deadline
31/12/2025 and grace 180 days are set explicitly so the arithmetic below does not depend on seeds.

nq33-village, villages A = Thôn Nà Mạ and B = Thôn Lùng Hòa (Thanh Vân → Nghĩa Thuận), C = Thôn
Cán Hạ (Cán Tỷ → Cán Tỷ mới, no positions at all):
  A  P1 Lò Thị Mai        party_cell_secretary + mobilization_team_head from 01/01/2020,
                          xdd-kndv 10/05/2023
     P2 Vàng Seo Dình     village_cadre_in_charge from 01/03/2021, only nv-mttq (wrong programme)
     P3 Nguyễn Văn Bình   front_committee_head from 15/11/2025, no record
  B  P4 Hoàng Văn Cường   party_cell_secretary 01/01/2019–31/08/2025, xdd-kndv 01/06/2022
     P5 Sùng Thị Dua      party_cell_secretary from 01/09/2025, no record
     P6 Giàng A Páo       mobilization_team_head from 01/01/2024,
                          xdd-kndv completed 31/03/2026 (= D2)
"""

from dataclasses import dataclass
from datetime import date

import pytest

from people.models import Organisation, OrgKind, Person, Unit
from people.services import appoint, create_village
from tests.factories import PersonFactory, role
from training.models import Programme, Target, TrainingRecord

D1 = date(2024, 12, 31)
D2 = date(2026, 3, 31)


def person(full_name: str, **kwargs) -> Person:  # type: ignore[no-untyped-def]
    family, *middle, given = full_name.split(" ")
    return PersonFactory(
        family_name=family, middle_name=" ".join(middle), given_name=given, **kwargs
    )


def org(unit: Unit, kind: str, name: str = "", start=None, end=None) -> Organisation:  # type: ignore[no-untyped-def]
    return Organisation.objects.create(
        unit=unit,
        kind=kind,
        name=name or f"{OrgKind(kind).label} {unit.name}",
        start=start,
        end=end,
    )


def hold(who: Person, role_code: str, where: Organisation, start: date, end=None):  # type: ignore[no-untyped-def]
    return appoint(person=who, role=role(role_code), organisation=where, start=start, end=end)


def record(who: Person, programme: str, completed_on: date, expires_on=None) -> TrainingRecord:  # type: ignore[no-untyped-def]
    return TrainingRecord.objects.create(
        person=who,
        programme=Programme.objects.get(code=programme),
        completed_on=completed_on,
        expires_on=expires_on,
    )


@pytest.fixture
def targets(db):  # type: ignore[no-untyped-def]
    Target.objects.filter(code__startswith="nq33-").update(
        deadline=date(2025, 12, 31), grace_days=180, member_share=1, recognised_since=None
    )


@dataclass
class Villages:
    a: Unit
    b: Unit
    c: Unit
    people: dict


@pytest.fixture
def villages(tree, targets) -> Villages:  # type: ignore[no-untyped-def]
    a = create_village(commune=tree.thanh_van, name="Thôn Nà Mạ")
    b = create_village(commune=tree.thanh_van, name="Thôn Lùng Hòa")
    c = create_village(commune=tree.can_ty, name="Thôn Cán Hạ")
    cell_a, cell_b = org(a, OrgKind.PARTY_CELL), org(b, OrgKind.PARTY_CELL)
    team_a, team_b = org(a, OrgKind.MOBILIZATION_TEAM), org(b, OrgKind.MOBILIZATION_TEAM)
    front_a = org(a, OrgKind.FRONT_WORK_COMMITTEE)
    p = {
        "P1": person("Lò Thị Mai", citizen_id="002185001234", sex="F", birth_date=date(1985, 4, 2)),
        "P2": person("Vàng Seo Dình"),
        "P3": person("Nguyễn Văn Bình"),
        "P4": person("Hoàng Văn Cường"),
        "P5": person("Sùng Thị Dua", sex="F"),
        "P6": person("Giàng A Páo"),
    }
    hold(p["P1"], "party_cell_secretary", cell_a, date(2020, 1, 1))
    hold(p["P1"], "mobilization_team_head", team_a, date(2020, 1, 1))
    record(p["P1"], "xdd-kndv", date(2023, 5, 10))
    hold(p["P2"], "village_cadre_in_charge", cell_a, date(2021, 3, 1))
    record(p["P2"], "nv-mttq", date(2023, 5, 10))
    hold(p["P3"], "front_committee_head", front_a, date(2025, 11, 15))
    hold(p["P4"], "party_cell_secretary", cell_b, date(2019, 1, 1), date(2025, 8, 31))
    record(p["P4"], "xdd-kndv", date(2022, 6, 1))
    hold(p["P5"], "party_cell_secretary", cell_b, date(2025, 9, 1))
    hold(p["P6"], "mobilization_team_head", team_b, date(2024, 1, 1))
    record(p["P6"], "xdd-kndv", D2)
    return Villages(a, b, c, p)


@dataclass
class Boards:
    inspection: Organisation
    ended: Organisation
    school: Organisation
    people: dict


@pytest.fixture
def boards(tree, targets) -> Boards:  # type: ignore[no-untyped-def]
    """nq33-boards in Cán Tỷ (old tree); Thanh Vân has no inspection board at all.

    - Ban thanh tra nhân dân xã Cán Tỷ: head H1 and members M1–M3 trained (nv-ttnd), M4 holds
      only nv-gsdtcd (the other board's programme) → 4 of 5 trained: not covered at 100%.
    - Ban GSĐTCĐ đường liên thôn: 01/01/2023–30/06/2024, head and member trained: it ended.
    - Ban GSĐTCĐ trường Cán Tỷ: from 01/09/2024, head I1 and member I2 trained (nv-gsdtcd).
    """
    pib = org(tree.can_ty, OrgKind.PEOPLE_INSPECTION_BOARD, "Ban thanh tra nhân dân xã Cán Tỷ")
    road = org(
        tree.can_ty,
        OrgKind.INVESTMENT_SUPERVISION_BOARD,
        "Ban GSĐTCĐ đường liên thôn",
        start=date(2023, 1, 1),
        end=date(2024, 6, 30),
    )
    school = org(
        tree.can_ty,
        OrgKind.INVESTMENT_SUPERVISION_BOARD,
        "Ban GSĐTCĐ trường Cán Tỷ",
        start=date(2024, 9, 1),
    )
    since = date(2022, 1, 1)
    p = {code: person(name) for code, name in BOARD_PEOPLE.items()}
    hold(p["H1"], "inspection_board_head", pib, since)
    for code in ("M1", "M2", "M3", "M4"):
        hold(p[code], "inspection_board_member", pib, since)
    for code in ("H1", "M1", "M2", "M3"):
        record(p[code], "nv-ttnd", date(2022, 3, 1))
    record(p["M4"], "nv-gsdtcd", date(2022, 3, 1))
    hold(p["R1"], "investment_board_head", road, date(2023, 1, 1))
    hold(p["R2"], "investment_board_member", road, date(2023, 1, 1))
    hold(p["I1"], "investment_board_head", school, date(2024, 9, 1))
    hold(p["I2"], "investment_board_member", school, date(2024, 9, 1))
    for code in ("R1", "R2", "I1", "I2"):
        record(p[code], "nv-gsdtcd", date(2023, 2, 1))
    return Boards(pib, road, school, p)


BOARD_PEOPLE = {
    "H1": "Lý Văn Hùng",
    "M1": "Đặng Thị Lan",
    "M2": "Phàn Văn Minh",
    "M3": "Triệu Thị Nga",
    "M4": "Ma Văn Ổn",
    "R1": "Hầu A Lử",
    "R2": "Mua Thị Sùng",
    "I1": "Vừ Mí Tráng",
    "I2": "Lầu Thị Vàng",
}
