"""A restricted user's roster import and export stay inside their units (review fixes)."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from access.scopes import visible
from people.models import Person, Position
from people.roster import COLUMNS, ID_ELSEWHERE, NAMESAKE_ELSEWHERE, export_rows, import_roster
from tests.factories import PersonFactory, UserFactory, grant
from tests.people.test_roster import MAI_ID, mai, xlsx

pytestmark = pytest.mark.django_db

NGOAI_ID = "002185054321"  # Hà Giang, a woman born 1985


@pytest.fixture
def ngoai(tree):  # type: ignore[no-untyped-def]
    """Lò Thị Ngoài, registered in Thanh Vân: outside a Cán Tỷ clerk's units."""
    return PersonFactory(
        family_name="Lò", middle_name="Thị", given_name="Ngoài", sex="F",
        birth_date=date(1985, 1, 1), citizen_id=NGOAI_ID, phone="0911111111",
        home_unit=tree.thanh_van,
    )  # fmt: skip


@pytest.fixture
def can_ty_clerk(tree):  # type: ignore[no-untyped-def]
    clerk = UserFactory()
    grant(clerk, tree.can_ty, "clerk")
    return clerk


def can_ty_row(**changes: object) -> dict:
    return mai(**{"Mã xã": "00880", "Thôn, tổ dân phố": "Lùng Cúng"}) | changes


def texts(result) -> str:  # type: ignore[no-untyped-def]
    return " | ".join(str(p) for p in result.errors)


def test_it_does_not_name_the_holder_of_an_id_outside_the_users_units(ngoai, can_ty_clerk):
    row = can_ty_row(**{"Số CCCD": NGOAI_ID})  # Giàng Thị Mai, 12/03/1985, with Ngoài's number
    result = import_roster(xlsx([row]), filename="a.xlsx", user=can_ty_clerk, dry_run=True)
    assert [(p.row, p.column, p.reason) for p in result.errors] == [(3, "Số CCCD", ID_ELSEWHERE)]
    assert "Ngoài" not in texts(result) and "01/01/1985" not in texts(result)


def test_it_never_updates_or_appoints_a_person_outside_the_users_units_by_id(ngoai, can_ty_clerk):
    row = can_ty_row(
        **{"Họ và tên": "Lò Thị Ngoài", "Ngày sinh": date(1985, 1, 1), "Số CCCD": NGOAI_ID}
    )
    row["Điện thoại"] = "0922222222"
    result = import_roster(xlsx([row]), filename="a.xlsx", user=can_ty_clerk)
    assert [(p.column, p.reason) for p in result.errors] == [("Số CCCD", ID_ELSEWHERE)]
    assert not result.written
    ngoai.refresh_from_db()
    assert ngoai.phone == "0911111111"
    assert not Position.objects.exists()
    assert not visible(can_ty_clerk, Person).filter(pk=ngoai.pk).exists()


def test_a_name_and_birth_date_match_outside_the_users_units_is_an_error_not_an_update(
    ngoai, can_ty_clerk
):
    row = can_ty_row(**{"Họ và tên": "Lò Thị Ngoài", "Ngày sinh": "01/01/1985", "Số CCCD": None})
    row["Điện thoại"] = "0922222222"
    result = import_roster(xlsx([row]), filename="a.xlsx", user=can_ty_clerk)
    assert [(p.column, p.reason) for p in result.errors] == [("Họ và tên", NAMESAKE_ELSEWHERE)]
    assert "01/01/1985" not in texts(result)
    ngoai.refresh_from_db()
    assert ngoai.phone == "0911111111"
    assert not Position.objects.exists()
    assert Person.objects.count() == 1  # no duplicate either
    assert not visible(can_ty_clerk, Person).filter(pk=ngoai.pk).exists()


def test_a_namesake_inside_the_users_units_is_matched_before_one_outside(tree, ngoai, can_ty_clerk):
    ngoai.citizen_id = None
    ngoai.save()
    here = PersonFactory(
        family_name="Lò", middle_name="Thị", given_name="Ngoài", sex="F",
        birth_date=date(1985, 1, 1), citizen_id=NGOAI_ID[:-1] + "9", home_unit=tree.can_ty,
    )  # fmt: skip
    row = can_ty_row(**{"Họ và tên": "Lò Thị Ngoài", "Ngày sinh": "01/01/1985", "Số CCCD": None})
    result = import_roster(xlsx([row]), filename="a.xlsx", user=can_ty_clerk)
    assert result.errors == []
    assert Position.objects.get().person == here


def test_a_user_granted_both_units_still_matches_the_person(tree, ngoai):
    clerk = UserFactory()
    grant(clerk, tree.quan_ba, "clerk")
    row = can_ty_row(
        **{"Họ và tên": "Lò Thị Ngoài", "Ngày sinh": date(1985, 1, 1), "Số CCCD": NGOAI_ID}
    )
    result = import_roster(xlsx([row]), filename="a.xlsx", user=clerk)
    assert result.errors == [] and result.written
    assert Position.objects.get().person == ngoai
    assert Person.objects.count() == 1


def test_a_command_import_matches_people_anywhere(tree, ngoai):
    row = can_ty_row(**{"Họ và tên": "Lò Thị Ngoài", "Ngày sinh": "01/01/1985", "Số CCCD": None})
    result = import_roster(xlsx([row]), filename="a.xlsx")
    assert result.errors == []
    assert Position.objects.get().person == ngoai


# ---- export: ethnicity for administrators only


@pytest.fixture
def exported(tree):  # type: ignore[no-untyped-def]
    assert import_roster(xlsx([mai()]), filename="a.xlsx").written
    return tree


def download(client, user, unit) -> list:  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(reverse("people:export"), {"unit": unit.pk, "as_of": "01/06/2024"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [c.value for c in sheet[3]]


@pytest.mark.parametrize(
    ("role", "ethnicity", "citizen_id"),
    [
        ("clerk", None, MAI_ID),
        ("administrator", "Mông", MAI_ID),
        ("commission", None, "002*******34"),
    ],
)
def test_the_export_gives_ethnicity_to_administrators_only(
    client, exported, role, ethnicity, citizen_id
):
    user = UserFactory()
    grant(user, exported.ha_giang, role)
    row = download(client, user, exported.ha_giang)
    assert row[COLUMNS.index("Dân tộc")] == ethnicity
    assert row[COLUMNS.index("Số CCCD")] == citizen_id


def test_a_superuser_export_has_ethnicity(client, exported):
    row = download(client, UserFactory(is_superuser=True), exported.ha_giang)
    assert row[COLUMNS.index("Dân tộc")] == "Mông"


def test_export_rows_can_show_ids_without_ethnicity(exported):
    row = next(export_rows(Position.objects.all(), reveal=True, ethnicity=False))
    assert row[COLUMNS.index("Dân tộc")] == ""
    assert row[COLUMNS.index("Số CCCD")] == MAI_ID


# ---- bad query strings of the roster pages are never a 500


@pytest.mark.parametrize("name", ["people:roster", "people:export"])
@pytest.mark.parametrize("unit", ["²", "１２", "99999999999999999999999"])
def test_an_unreadable_unit_is_never_a_server_error(client, exported, name, unit):
    client.raise_request_exception = False
    user = UserFactory()
    grant(user, exported.ha_giang, "clerk")
    client.force_login(user)
    response = client.get(reverse(name), {"unit": unit})
    assert response.status_code in (200, 404)


def test_the_roster_refuses_nul_characters_in_its_text_filters(client, exported):
    client.raise_request_exception = False
    user = UserFactory()
    grant(user, exported.ha_giang, "clerk")
    client.force_login(user)
    response = client.get(
        reverse("people:roster"), {"as_of": "01/06/2024", "q": "gi\x00ang", "role": "\x00"}
    )
    assert response.status_code == 400 and "NUL" in response.content.decode()


@pytest.mark.parametrize("as_of", ["31/02/2025", "01/01/0000", "01/01/10000", "abc"])
def test_an_impossible_date_is_a_message_on_the_page_and_a_400_on_export(client, exported, as_of):
    user = UserFactory()
    grant(user, exported.ha_giang, "clerk")
    client.force_login(user)
    page = client.get(reverse("people:roster"), {"as_of": as_of, "page": "abc"})
    assert page.status_code == 200 and page.context["date_error"]
    assert client.get(reverse("people:export"), {"as_of": as_of}).status_code == 400


def test_the_page_links_do_not_repeat_the_page_parameter(client, exported):
    user = UserFactory()
    grant(user, exported.ha_giang, "clerk")
    client.force_login(user)
    response = client.get(reverse("people:roster"), {"as_of": "01/06/2024", "page": "2"})
    assert "page=" not in response.context["query"]
    assert "as_of=" in response.context["query"]
