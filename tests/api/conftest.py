"""A small registry on top of the `tree` fixture, with users of each grant role."""

from dataclasses import dataclass
from datetime import date

import pytest
from rest_framework.test import APIClient

from people.models import Grant, Level, Organisation, OrgKind, Person, Position, Unit
from people.services import appoint, create_village
from tests.factories import PersonFactory, UserFactory, grant, make_unit, role

# Valid numbers: Hà Giang (002), a man born 1980 (digit 0, "80"), a woman born 1985 (1, "85").
ID_MAN_1980 = "002080012345"
ID_WOMAN_1985 = "002185054321"


@dataclass
class Registry:
    village: Unit  # Thôn Nà Mạ: under Thanh Vân until 30/06/2025, then under Nghĩa Thuận
    yen_minh: Unit  # another old district of Hà Giang
    lao_va_chai: Unit  # a commune of Yên Minh
    cell: Organisation  # the party cell of Thôn Nà Mạ
    far_cell: Organisation  # a party cell in Lao Và Chải
    secretary: Person  # Thào Thị Thủy, secretary of the Nà Mạ cell since 2024
    far_secretary: Person
    position: Position


@pytest.fixture
def registry(tree) -> Registry:  # type: ignore[no-untyped-def]
    K, E = Unit.Kind, Unit.Edition
    legacy = {"edition": E.LEGACY, "valid_to": date(2025, 6, 30)}
    ym = make_unit(
        name="Huyện Yên Minh", level=Level.DISTRICT, kind=K.HUYEN, code="028",
        parent=tree.ha_giang, **legacy,
    )  # fmt: skip
    lvc = make_unit(
        name="Xã Lao Và Chải", level=Level.COMMUNE, kind=K.XA, code="00790", parent=ym, **legacy
    )
    village = create_village(commune=tree.thanh_van, name="Nà Mạ")
    cell = Organisation.objects.create(kind=OrgKind.PARTY_CELL, name="Chi bộ Nà Mạ", unit=village)
    far_cell = Organisation.objects.create(
        kind=OrgKind.PARTY_CELL, name="Chi bộ Lao Và Chải", unit=lvc
    )
    secretary = PersonFactory(
        family_name="Thào", middle_name="Thị", given_name="Thủy", sex="F",
        birth_date=date(1985, 3, 2), citizen_id=ID_WOMAN_1985, ethnicity="Mông",
    )  # fmt: skip
    far = PersonFactory(family_name="Vàng", middle_name="Mí", given_name="Sính")
    position = appoint(
        person=secretary, role=role("party_cell_secretary"), organisation=cell,
        start=date(2024, 1, 1), legal_basis="12-QĐ/ĐU",
    )  # fmt: skip
    appoint(
        person=far, role=role("party_cell_secretary"), organisation=far_cell,
        start=date(2024, 1, 1),
    )  # fmt: skip
    return Registry(village, ym, lvc, cell, far_cell, secretary, far, position)


def _client_for(unit: Unit, grant_role: str) -> APIClient:
    user = UserFactory()
    grant(user, unit, grant_role)
    client = APIClient()
    client.force_login(user)
    client.user = user  # type: ignore[attr-defined]
    return client


@pytest.fixture
def commission(tree) -> APIClient:  # type: ignore[no-untyped-def]
    """Ban Tuyên giáo và Dân vận, granted old Quản Bạ: reads, IDs masked."""
    return _client_for(tree.quan_ba, Grant.Role.COMMISSION)


@pytest.fixture
def organiser(tree) -> APIClient:  # type: ignore[no-untyped-def]
    return _client_for(tree.quan_ba, Grant.Role.ORGANISER)


@pytest.fixture
def clerk(tree) -> APIClient:  # type: ignore[no-untyped-def]
    """A clerk of old Quản Bạ: writes there, sees full IDs, not ethnicity."""
    return _client_for(tree.quan_ba, Grant.Role.CLERK)


@pytest.fixture
def new_province_clerk(tree) -> APIClient:  # type: ignore[no-untyped-def]
    return _client_for(tree.tuyen_quang, Grant.Role.CLERK)


@pytest.fixture
def administrator(tree) -> APIClient:  # type: ignore[no-untyped-def]
    return _client_for(tree.ha_giang, Grant.Role.ADMINISTRATOR)
