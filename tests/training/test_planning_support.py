"""Builders shared by the planning, sign-in sheet, attendance import and reminder tests.

(A module of the planning tests rather than conftest.py, which the training core owns.)
"""

from dataclasses import dataclass
from datetime import date

import pytest

from people.models import Grant, Level, Person, Unit, UnitLineage
from people.services import appoint, create_village, find_or_create_organisation
from tests.conftest import Tree
from tests.factories import UserFactory, grant, make_unit, role

KIND_OF = {
    "party_cell_secretary": "party_cell",
    "village_cadre_in_charge": "party_cell",
    "front_committee_head": "front_work_committee",
    "mobilization_team_head": "mobilization_team",
    "inspection_board_head": "people_inspection_board",
    "inspection_board_member": "people_inspection_board",
    "investment_board_head": "investment_supervision_board",
    "investment_board_member": "investment_supervision_board",
}
SINCE = date(2024, 1, 1)


def person(full_name: str, **fields: object) -> Person:
    p = Person(full_name=full_name, **fields)
    p.save()
    return p


def hold(who: Person, role_code: str, unit: Unit, start: date = SINCE) -> None:
    organisation = find_or_create_organisation(unit=unit, kind=KIND_OF[role_code])
    appoint(person=who, role=role(role_code), organisation=organisation, start=start)


def fill_village(village: Unit, names: list[str], role_code: str = "party_cell_secretary") -> None:
    """Each name holds `role_code` in its own organisation (single seats need one each)."""
    for name in names:
        organisation = find_or_create_organisation(
            unit=village, kind=KIND_OF[role_code], name=f"Tổ chức của {name}"
        )
        appoint(person=person(name), role=role(role_code), organisation=organisation, start=SINCE)


@dataclass
class World:
    tree: Tree
    yen_minh: Unit
    lao_va_chai: Unit
    yen_minh_new: Unit
    na_ma: Unit
    khau_lan: Unit
    lung_thang: Unit
    sung_che: Unit


@pytest.fixture
def world(tree: Tree, catalogue: None) -> World:
    """The shared tree plus a second district (Yên Minh), whose Xã Lao Và Chải became part of
    the new Xã Yên Minh on 1/7/2025, and four villages."""
    K = Unit.Kind
    legacy = {"edition": Unit.Edition.LEGACY, "valid_to": date(2025, 6, 30)}
    yen_minh = make_unit(
        name="Huyện Yên Minh", level=Level.DISTRICT, kind=K.HUYEN, code="028",
        parent=tree.ha_giang, **legacy,
    )  # fmt: skip
    lao_va_chai = make_unit(
        name="Xã Lao Và Chải", level=Level.COMMUNE, kind=K.XA, code="00895",
        parent=yen_minh, **legacy,
    )  # fmt: skip
    yen_minh_new = make_unit(
        name="Xã Yên Minh", level=Level.COMMUNE, kind=K.XA, code="00901", parent=tree.tuyen_quang,
        edition=Unit.Edition.E2025, valid_from=date(2025, 7, 1),
    )  # fmt: skip
    UnitLineage.objects.create(old=lao_va_chai, new=yen_minh_new, kind=UnitLineage.Kind.WHOLE)
    return World(
        tree=tree,
        yen_minh=yen_minh,
        lao_va_chai=lao_va_chai,
        yen_minh_new=yen_minh_new,
        na_ma=create_village(commune=tree.thanh_van, name="Nà Mạ"),
        khau_lan=create_village(commune=tree.thanh_van, name="Khâu Làn"),
        lung_thang=create_village(commune=tree.can_ty, name="Lùng Thàng"),
        sung_che=create_village(commune=lao_va_chai, name="Sủng Chè"),
    )


@pytest.fixture
def planner(world: World):  # type: ignore[no-untyped-def]
    user = UserFactory(username="kehoach")
    grant(user, world.tree.ha_giang, Grant.Role.ORGANISER)
    grant(user, world.tree.tuyen_quang, Grant.Role.ORGANISER)
    return user


@pytest.fixture
def catalogue(db: None, seeded_catalogues: None) -> None:
    """The seeded roles, programmes and targets (tests/conftest.py restores them after a flush)."""
