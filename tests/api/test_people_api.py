import base64
import re
from datetime import date

import pytest
from rest_framework.test import APIClient

from people.models import Level, Organisation, OrgKind, Person, Position, Unit
from people.services import appoint
from tests.api.conftest import ID_MAN_1980, ID_WOMAN_1985
from tests.factories import PersonFactory, UserFactory, make_unit, role

pytestmark = pytest.mark.django_db
UNITS, PEOPLE, POSITIONS = "/api/v1/units/", "/api/v1/people/", "/api/v1/positions/"
ORGS, ROLES = "/api/v1/organisations/", "/api/v1/roles/"


def ids(response) -> set[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def only(response) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert len(rows) == 1, rows
    return rows[0]


# Access and scoping


def test_it_refuses_anonymous_callers():
    assert APIClient().get(UNITS).status_code in (401, 403)


def test_it_accepts_basic_auth(tree, registry):
    user = UserFactory(username="bantuyengiao", password="taphuan2026")
    user.grants.create(unit=tree.quan_ba, role="commission")
    client = APIClient()
    token = base64.b64encode(b"bantuyengiao:taphuan2026").decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    row = only(client.get(UNITS, {"code": "00889", "as_of": "2025-06-01"}))
    assert row["id"] == tree.thanh_van.pk


def test_it_shows_a_user_only_the_units_inside_their_grant(tree, registry, commission):
    seen = ids(commission.get(UNITS, {"page_size": 500}))
    assert {tree.quan_ba.pk, tree.thanh_van.pk, tree.can_ty.pk, registry.village.pk} <= seen
    assert registry.yen_minh.pk not in seen
    assert registry.lao_va_chai.pk not in seen
    assert tree.ha_giang.pk not in seen
    assert tree.nghia_thuan.pk not in seen


def test_it_shows_the_new_province_the_village_that_moved_in(tree, registry, new_province_clerk):
    seen = ids(new_province_clerk.get(UNITS, {"as_of": "2026-01-15"}))
    assert seen == {
        tree.tuyen_quang.pk,
        tree.nghia_thuan.pk,
        tree.can_ty_new.pk,
        registry.village.pk,
    }
    assert ids(new_province_clerk.get(ORGS)) == {registry.cell.pk}
    assert ids(new_province_clerk.get(PEOPLE)) == {registry.secretary.pk}


def test_it_scopes_people_positions_and_organisations(registry, commission):
    assert ids(commission.get(PEOPLE)) == {registry.secretary.pk}
    assert ids(commission.get(POSITIONS)) == {registry.position.pk}
    assert ids(commission.get(ORGS)) == {registry.cell.pk}
    assert commission.get(f"{PEOPLE}{registry.far_secretary.pk}/").status_code == 404
    assert commission.get(f"{UNITS}{registry.lao_va_chai.pk}/").status_code == 404


def test_it_gives_a_user_without_grants_nothing(registry):
    client = APIClient()
    client.force_login(UserFactory())
    assert ids(client.get(UNITS)) == set()
    assert ids(client.get(PEOPLE)) == set()


def test_it_shows_a_superuser_everything(tree, registry):
    client = APIClient()
    client.force_login(UserFactory(is_superuser=True))
    assert ids(client.get(PEOPLE)) == {registry.secretary.pk, registry.far_secretary.pk}
    assert registry.lao_va_chai.pk in ids(client.get(UNITS, {"page_size": 100}))


# Citizen IDs and ethnicity


def test_it_masks_citizen_ids_for_the_commission(registry, commission):
    row = only(commission.get(PEOPLE))
    assert row["citizen_id"] == "002*******21"
    assert "ethnicity" not in row
    assert row["full_name"] == "Thào Thị Thủy"


def test_it_shows_full_ids_to_clerks_but_not_ethnicity(registry, clerk):
    row = only(clerk.get(PEOPLE))
    assert row["citizen_id"] == ID_WOMAN_1985
    assert "ethnicity" not in row


def test_it_shows_ethnicity_to_administrators(registry, administrator):
    row = administrator.get(f"{PEOPLE}{registry.secretary.pk}/").json()
    assert row["ethnicity"] == "Mông"
    assert row["citizen_id"] == ID_WOMAN_1985


def test_it_masks_ids_on_a_single_person_too(registry, organiser):
    row = organiser.get(f"{PEOPLE}{registry.secretary.pk}/").json()
    assert row["citizen_id"] == "002*******21"


def test_it_lets_only_id_readers_look_people_up_by_id_in_a_post_body(registry, clerk, commission):
    lookup = f"{PEOPLE}lookup/"
    found = clerk.post(lookup, {"citizen_id": "002 185 054 321"}, format="json")
    assert found.status_code == 200
    assert [p["id"] for p in found.json()["results"]] == [registry.secretary.pk]
    assert found.json()["results"][0]["citizen_id"] == ID_WOMAN_1985
    assert clerk.post(lookup, {"citizen_id": ID_MAN_1980}, format="json").json()["count"] == 0
    assert commission.post(lookup, {"citizen_id": ID_WOMAN_1985}, format="json").status_code == 403
    assert clerk.post(lookup, {"citizen_id": "12"}, format="json").status_code == 400


def test_it_refuses_a_citizen_id_in_the_query_string(registry, clerk, commission):
    refused = clerk.get(PEOPLE, {"citizen_id": ID_WOMAN_1985})
    assert refused.status_code == 400
    assert "POST /api/v1/people/lookup/" in refused.json()["errors"]["citizen_id"][0]
    assert commission.get(PEOPLE, {"citizen_id": ID_WOMAN_1985}).status_code == 403


# Unit filters


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2025-06-30", "thanh_van"), ("30/06/2025", "thanh_van"), ("2025-08-01", "nghia_thuan")],
)
def test_it_resolves_a_reused_code_on_the_as_of_date(tree, as_of, expected):
    client = APIClient()
    client.force_login(UserFactory(is_superuser=True))
    row = only(client.get(UNITS, {"code": "00889", "as_of": as_of}))
    assert row["id"] == getattr(tree, expected).pk
    assert row["code"] == "00889"
    assert {"id", "code", "name", "level", "kind", "parent", "valid_from", "valid_to"} <= set(row)


def test_it_gives_the_parent_on_the_as_of_date(tree, registry, administrator, new_province_clerk):
    url = f"{UNITS}{registry.village.pk}/"
    assert administrator.get(url, {"as_of": "2025-06-30"}).json()["parent"] == tree.thanh_van.pk
    assert new_province_clerk.get(url, {"as_of": "2025-07-01"}).json()["parent"] == (
        tree.nghia_thuan.pk
    )
    thanh_van = only(administrator.get(UNITS, {"code": "00889", "as_of": "2024-01-01"}))
    assert thanh_van["parent"] == tree.quan_ba.pk


def test_it_gives_a_legacy_unit_its_last_parent_without_as_of(tree, registry, administrator):
    assert administrator.get(f"{UNITS}{tree.thanh_van.pk}/").json()["parent"] == tree.quan_ba.pk
    village = administrator.get(f"{UNITS}{registry.village.pk}/").json()
    assert village["parent"] == tree.nghia_thuan.pk  # today, the village sits in the new commune
    assert administrator.get(f"{UNITS}{tree.ha_giang.pk}/").json()["parent"] is None
    # With `as_of`, a unit not valid on that date is not there at all.
    on_a_date = administrator.get(f"{UNITS}{tree.thanh_van.pk}/", {"as_of": "2025-08-01"})
    assert on_a_date.status_code == 404


def test_it_filters_units_within_an_ancestor_on_a_date(tree, registry, administrator):
    before = ids(administrator.get(UNITS, {"within": tree.quan_ba.pk, "as_of": "2025-01-01"}))
    assert before == {tree.quan_ba.pk, tree.thanh_van.pk, tree.can_ty.pk, registry.village.pk}
    after = ids(administrator.get(UNITS, {"within": tree.quan_ba.pk, "as_of": "2025-08-01"}))
    assert after == set()


def test_it_filters_units_within_on_today_without_as_of(tree, registry, new_province_clerk):
    seen = ids(new_province_clerk.get(UNITS, {"within": tree.nghia_thuan.pk}))
    assert seen == {tree.nghia_thuan.pk, registry.village.pk}


def test_it_filters_children_of_a_parent_on_a_date(tree, registry, administrator):
    children = ids(administrator.get(UNITS, {"parent": tree.quan_ba.pk, "as_of": "2024-01-01"}))
    assert children == {tree.thanh_van.pk, tree.can_ty.pk}
    villages = ids(administrator.get(UNITS, {"parent": tree.thanh_van.pk, "as_of": "2024-01-01"}))
    assert villages == {registry.village.pk}
    assert ids(administrator.get(UNITS, {"parent": tree.thanh_van.pk, "as_of": "2025-08-01"})) == (
        set()
    )


def test_it_searches_units_without_accents(tree, registry, administrator):
    assert only(administrator.get(UNITS, {"search": "Quan Ba"}))["id"] == tree.quan_ba.pk
    assert only(administrator.get(UNITS, {"search": "na ma"}))["id"] == registry.village.pk
    assert only(administrator.get(UNITS, {"search": "THANH VÂN"}))["id"] == tree.thanh_van.pk


def test_it_lists_units_top_down(tree, registry, administrator):
    levels = [row["level"] for row in administrator.get(UNITS).json()["results"]]
    assert levels == [
        "province",
        "district",
        "district",
        "commune",
        "commune",
        "commune",
        "village",
    ]


def test_it_filters_units_by_level(tree, registry, administrator):
    communes = ids(administrator.get(UNITS, {"level": "commune"}))
    assert communes == {tree.thanh_van.pk, tree.can_ty.pk, registry.lao_va_chai.pk}
    assert ids(administrator.get(UNITS, {"level": "village"})) == {registry.village.pk}


def test_it_rejects_a_bad_date(administrator):
    response = administrator.get(UNITS, {"as_of": "31/02/2025"})
    assert response.status_code == 400
    assert "as_of" in response.json()["errors"]


# Other filters


def test_it_filters_organisations(tree, registry, administrator):
    assert ids(administrator.get(ORGS, {"within": tree.quan_ba.pk, "as_of": "2025-01-01"})) == {
        registry.cell.pk
    }
    assert ids(administrator.get(ORGS, {"unit": registry.lao_va_chai.pk})) == {registry.far_cell.pk}
    assert ids(administrator.get(ORGS, {"search": "lao va"})) == {registry.far_cell.pk}
    assert ids(administrator.get(ORGS, {"kind": "people_inspection_board"})) == set()


def test_it_filters_people(tree, registry, administrator):
    assert ids(administrator.get(PEOPLE, {"search": "thuy"})) == {registry.secretary.pk}
    assert ids(administrator.get(PEOPLE, {"search": "Thuỷ"})) == {registry.secretary.pk}
    in_quan_ba = {"unit": tree.quan_ba.pk, "as_of": "2025-01-01"}
    assert ids(administrator.get(PEOPLE, in_quan_ba)) == {registry.secretary.pk}
    assert ids(administrator.get(PEOPLE, {"unit": tree.quan_ba.pk, "as_of": "2023-06-01"})) == set()


def test_it_lists_people_in_vietnamese_order(tree, registry, administrator):
    for family, middle, given in [
        ("Lê", "Văn", "Đức"),
        ("Nông", "Thị", "Dung"),
        ("Trần", "", "An"),
    ]:
        PersonFactory(
            family_name=family, middle_name=middle, given_name=given, home_unit=tree.can_ty
        )
    names = [row["given_name"] for row in administrator.get(PEOPLE).json()["results"]]
    assert names == ["An", "Dung", "Đức", "Sính", "Thủy"]


def test_it_filters_positions(tree, registry, administrator):
    appoint(
        person=registry.secretary, role=role("mobilization_team_head"),
        organisation=Organisation.objects.create(
            kind=OrgKind.MOBILIZATION_TEAM, name="Tổ dân vận Nà Mạ", unit=registry.village
        ),
        start=date(2025, 9, 1),
    )  # fmt: skip
    assert ids(administrator.get(POSITIONS, {"as_of": "2025-01-01"})) == {
        registry.position.pk,
        Position.objects.get(person=registry.far_secretary).pk,
    }
    row = only(administrator.get(POSITIONS, {"unit": tree.quan_ba.pk, "as_of": "2025-01-01"}))
    assert row == {
        "id": registry.position.pk,
        "person": registry.secretary.pk,
        "person_name": "Thào Thị Thủy",
        "role": "party_cell_secretary",
        "organisation": registry.cell.pk,
        "unit": registry.village.pk,
        "start": "2024-01-01",
        "end": None,
        "legal_basis": "12-QĐ/ĐU",
    }
    assert len(ids(administrator.get(POSITIONS, {"person": registry.secretary.pk}))) == 2
    team = administrator.get(POSITIONS, {"role": "mobilization_team_head"})
    assert only(team)["role"] == "mobilization_team_head"


def test_it_lists_the_role_catalogue_for_everyone(commission):
    codes = [row["code"] for row in commission.get(ROLES, {"page_size": 100}).json()["results"]]
    assert "party_cell_secretary" in codes
    assert "investment_board_member" in codes


# Pagination


def test_it_paginates_with_page_size(tree, registry, administrator):
    body = administrator.get(UNITS, {"page_size": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert len(body["results"]) == 2
    assert (
        body["count"]
        == Unit.objects.filter(
            pk__in=[tree.ha_giang.pk, tree.quan_ba.pk, tree.thanh_van.pk, tree.can_ty.pk]
            + [registry.village.pk, registry.yen_minh.pk, registry.lao_va_chai.pk]
        ).count()
    )
    assert "page=2" in body["next"]
    assert body["previous"] is None


# Writes


def test_it_creates_a_person_through_the_service(tree, clerk):
    payload = {
        "family_name": "  Nguyễn ",
        "middle_name": "Văn",
        "given_name": "Nam",
        "birth_date": "01/02/1980",
        "sex": "M",
        "citizen_id": "002 080 012 345",
        "home_unit": tree.can_ty.pk,
    }
    response = clerk.post(PEOPLE, payload, format="json")
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert person.citizen_id == ID_MAN_1980
    assert person.family_name == "Nguyễn"
    assert response.json()["full_name"] == "Nguyễn Văn Nam"


def test_it_turns_a_contradicting_id_into_a_400(tree, clerk):
    payload = {"full_name": "Lò Thị Mai", "sex": "F", "citizen_id": ID_MAN_1980}
    payload["home_unit"] = tree.can_ty.pk
    response = clerk.post(PEOPLE, payload, format="json")
    assert response.status_code == 400
    assert "giới tính" in response.json()["detail"]
    assert not Person.objects.filter(full_name="Lò Thị Mai").exists()


def test_it_refuses_a_person_outside_the_clerks_units(registry, clerk):
    payload = {"full_name": "Lò Thị Mai", "home_unit": registry.lao_va_chai.pk}
    assert_outside(clerk.post(PEOPLE, payload, format="json"), "home_unit")
    assert clerk.post(PEOPLE, {"full_name": "Lò Thị Mai"}, format="json").status_code == 403
    assert not Person.objects.filter(full_name="Lò Thị Mai").exists()


def test_it_updates_a_person_without_erasing_known_values(registry, clerk):
    url = f"{PEOPLE}{registry.secretary.pk}/"
    response = clerk.patch(url, {"phone": "0912345678"}, format="json")
    assert response.status_code == 200, response.content
    registry.secretary.refresh_from_db()
    assert registry.secretary.phone == "0912345678"
    assert registry.secretary.citizen_id == ID_WOMAN_1985


def test_it_lets_a_clerk_write_only_where_they_are_clerk(tree, registry):
    user = UserFactory()
    user.grants.create(unit=tree.ha_giang, role="commission")
    user.grants.create(unit=tree.quan_ba, role="clerk")
    client = APIClient()
    client.force_login(user)
    far = client.patch(f"{PEOPLE}{registry.far_secretary.pk}/", {"phone": "0900"}, format="json")
    assert far.status_code == 403
    near = client.patch(f"{PEOPLE}{registry.secretary.pk}/", {"phone": "0900"}, format="json")
    assert near.status_code == 200
    assert Person.objects.get(pk=registry.far_secretary.pk).phone == ""


def test_it_refuses_writes_from_the_commission_and_organisers(
    tree, registry, commission, organiser
):
    for client in (commission, organiser):
        payload = {"full_name": "Lò Thị Mai", "home_unit": tree.can_ty.pk}
        assert client.post(PEOPLE, payload, format="json").status_code == 403
        url = f"{POSITIONS}{registry.position.pk}/"
        assert client.patch(url, {"end": "2025-12-31"}, format="json").status_code == 403
    assert not Person.objects.filter(full_name="Lò Thị Mai").exists()


def test_it_appoints_and_refuses_a_second_holder_of_a_single_seat(registry, clerk):
    other = PersonFactory(home_unit=registry.village)
    payload = {
        "person": other.pk,
        "role": "party_cell_secretary",
        "organisation": registry.cell.pk,
        "start": "2025-03-01",
    }
    response = clerk.post(POSITIONS, payload, format="json")
    assert response.status_code == 400
    assert "chỉ có một người" in response.json()["detail"]
    payload["role"] = "village_cadre_in_charge"
    response = clerk.post(POSITIONS, payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["unit"] == registry.village.pk


def test_it_ends_a_position(registry, clerk):
    url = f"{POSITIONS}{registry.position.pk}/"
    response = clerk.patch(url, {"end": "2025-12-31"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["end"] == "2025-12-31"
    bad = clerk.patch(url, {"end": "2023-01-01"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["detail"] == "Ngày kết thúc trước ngày bắt đầu"


def assert_outside(response, field: str) -> None:  # type: ignore[no-untyped-def]
    """A row outside the caller's units is answered like one that does not exist."""
    assert response.status_code == 400, response.content
    assert "trong phạm vi của bạn" in response.json()["errors"][field][0]


def test_it_refuses_an_appointment_outside_the_clerks_units(registry, clerk):
    payload = {
        "person": registry.secretary.pk,
        "role": "village_cadre_in_charge",
        "organisation": registry.far_cell.pk,
        "start": "2025-03-01",
    }
    assert_outside(clerk.post(POSITIONS, payload, format="json"), "organisation")
    assert not Position.objects.filter(organisation=registry.far_cell, person=registry.secretary)


def test_it_hides_positions_outside_the_clerks_units(registry, clerk):
    url = f"{POSITIONS}{Position.objects.get(person=registry.far_secretary).pk}/"
    assert clerk.patch(url, {"end": "2025-12-31"}, format="json").status_code == 404


def test_it_creates_a_village_that_moves_with_its_commune(tree, clerk, new_province_clerk):
    response = clerk.post(UNITS, {"name": "bản Lùng Hoà", "parent": tree.thanh_van.pk})
    assert response.status_code == 201, response.content
    village = response.json()
    assert village["name"] == "Bản Lùng Hoà"
    assert village["level"] == "village"
    url = f"{UNITS}{village['id']}/"
    assert new_province_clerk.get(url, {"as_of": "2025-08-01"}).json()["parent"] == (
        tree.nghia_thuan.pk
    )


def test_it_refuses_a_village_under_a_commune_outside_the_grant(registry, new_province_clerk):
    payload = {"name": "Thôn Mới", "parent": registry.lao_va_chai.pk}
    assert_outside(new_province_clerk.post(UNITS, payload), "parent")
    assert not Unit.objects.filter(name="Thôn Mới").exists()


def test_it_creates_and_edits_organisations_in_scope(tree, registry, clerk):
    payload = {
        "kind": "people_inspection_board",
        "name": "Ban TTND xã Cán Tỷ",
        "unit": tree.can_ty.pk,
    }
    response = clerk.post(ORGS, payload, format="json")
    assert response.status_code == 201, response.content
    url = f"{ORGS}{response.json()['id']}/"
    bad = clerk.patch(url, {"start": "2025-01-01", "end": "2024-01-01"}, format="json")
    assert bad.status_code == 400
    assert_outside(clerk.patch(url, {"unit": registry.lao_va_chai.pk}, format="json"), "unit")
    assert Organisation.objects.get(pk=response.json()["id"]).unit == tree.can_ty


def test_it_lets_only_administrators_edit_roles(clerk, administrator):
    role_id = role("front_key_cadre").pk
    url = f"{ROLES}{role_id}/"
    assert clerk.patch(url, {"label": "Cán bộ chủ chốt MTTQ"}, format="json").status_code == 403
    response = administrator.patch(url, {"label": "Cán bộ chủ chốt MTTQ"}, format="json")
    assert response.status_code == 200
    assert role("front_key_cadre").label == "Cán bộ chủ chốt MTTQ"


# Query counts


def _fifty_villages_with_holders(commune: Unit) -> None:
    for n in range(50):
        village = make_unit(
            name=f"Thôn {n}", level=Level.VILLAGE, kind=Unit.Kind.THON, parent=commune
        )
        cell = Organisation.objects.create(
            kind=OrgKind.PARTY_CELL, name=f"Chi bộ {n}", unit=village
        )
        person = PersonFactory(citizen_id=f"00208001{n:04d}")
        Position.objects.create(
            person=person,
            role=role("party_cell_secretary"),
            organisation=cell,
            start=date(2024, 1, 1),
        )


@pytest.mark.parametrize("url", [UNITS, ORGS, PEOPLE, POSITIONS, ROLES])
def test_it_lists_fifty_rows_in_a_constant_number_of_queries(
    tree, clerk, url, django_assert_max_num_queries
):
    _fifty_villages_with_holders(tree.can_ty)
    # Session, user, count, page; people also read the caller's grant roles once.
    with django_assert_max_num_queries(5):
        response = clerk.get(url, {"page_size": 50})
    assert response.status_code == 200
    if url != ROLES:
        assert len(response.json()["results"]) == 50


# Schema and docs


def test_it_serves_the_openapi_schema(administrator):
    response = administrator.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    units = schema["paths"]["/api/v1/units/"]["get"]
    names = {p["name"] for p in units["parameters"]}
    assert {"as_of", "code", "level", "within", "parent", "search", "page_size"} <= names
    assert "/api/v1/positions/{id}/" in schema["paths"]


def test_it_serves_the_docs_without_any_cdn(administrator):
    response = administrator.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    urls = re.findall(r"""(?:src|href)=["']([^"']+)""", html)
    assert urls
    # Static files, and Swagger UI's start-up script served by the docs view itself.
    assert all(u.startswith("/static/") or u == "/api/docs/?script=" for u in urls), urls
    assert not re.search(r"https?://(?!127\.0\.0\.1|testserver|localhost)", html)


# Bad filter values are a 400 naming the parameter, never a 500

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (UNITS, "within"),
        (UNITS, "parent"),
        (ORGS, "within"),
        (ORGS, "unit"),
        (PEOPLE, "unit"),
        (POSITIONS, "unit"),
        (POSITIONS, "person"),
    ],
)
@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "1e20", "abc", "²", "1.5", "0"])
def test_it_answers_400_to_an_id_filter_that_is_no_id(clerk, registry, path, name, value):
    clerk.raise_request_exception = False
    response = clerk.get(path, {name: value})
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [name]


def test_it_says_why_an_id_filter_is_refused(clerk, registry):
    too_big = clerk.get(UNITS, {"within": HUGE}).json()["errors"]["within"][0]
    assert too_big == "Số id quá lớn (tối đa 9223372036854775807)"
    assert clerk.get(UNITS, {"within": "abc"}).json()["errors"]["within"][0] == (
        "Phải là một số id (số nguyên dương)"
    )


def test_the_largest_id_is_still_a_valid_filter(clerk, registry):
    assert ids(clerk.get(UNITS, {"within": str(2**63 - 1)})) == set()
    assert ids(clerk.get(POSITIONS, {"person": str(2**63 - 1)})) == set()


@pytest.mark.parametrize("path", [UNITS, ORGS, PEOPLE, POSITIONS])
@pytest.mark.parametrize("as_of", ["01/01/0000", "01/01/10000", "31/02/2025", "0000-01-01"])
def test_it_answers_400_to_a_date_out_of_range(clerk, registry, path, as_of):
    clerk.raise_request_exception = False
    response = clerk.get(path, {"as_of": as_of, "unit": registry.village.pk})
    assert response.status_code == 400, response.content
    assert "as_of" in response.json()["errors"]


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31"])
def test_the_first_and_last_days_of_the_calendar_are_valid_dates(clerk, registry, as_of):
    assert clerk.get(UNITS, {"as_of": as_of, "within": registry.village.pk}).status_code == 200
    assert clerk.get(POSITIONS, {"as_of": as_of, "unit": registry.village.pk}).status_code == 200
