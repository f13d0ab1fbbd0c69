from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from people.models import Grant, Level, Organisation, OrgKind, Person, Position, Role, Unit
from people.services import appoint, create_village
from tests.factories import PersonFactory, UserFactory, grant, make_unit, role

pytestmark = pytest.mark.django_db
ID_WOMAN_1985 = "002185054321"


@dataclass
class Area:
    village: Unit
    lao_va_chai: Unit
    cell: Organisation
    far_cell: Organisation
    secretary: Person
    far_person: Person


@pytest.fixture
def area(tree) -> Area:  # type: ignore[no-untyped-def]
    legacy = {"edition": Unit.Edition.LEGACY, "valid_to": date(2025, 6, 30)}
    yen_minh = make_unit(
        name="Huyện Yên Minh", level=Level.DISTRICT, kind=Unit.Kind.HUYEN, parent=tree.ha_giang,
        **legacy,
    )  # fmt: skip
    lvc = make_unit(
        name="Xã Lao Và Chải", level=Level.COMMUNE, kind=Unit.Kind.XA, parent=yen_minh, **legacy
    )
    village = create_village(commune=tree.thanh_van, name="Thủy Tinh")
    cell = Organisation.objects.create(
        kind=OrgKind.PARTY_CELL, name="Chi bộ Thủy Tinh", unit=village
    )
    far_cell = Organisation.objects.create(
        kind=OrgKind.PARTY_CELL, name="Chi bộ Lao Và Chải", unit=lvc
    )
    secretary = PersonFactory(
        family_name="Thào", middle_name="Thị", given_name="Thủy", sex="F",
        birth_date=date(1985, 3, 2), citizen_id=ID_WOMAN_1985, ethnicity="Mông",
    )  # fmt: skip
    far = PersonFactory(family_name="Vàng", middle_name="Mí", given_name="Sính")
    secretary_role = role("party_cell_secretary")
    appoint(person=secretary, role=secretary_role, organisation=cell, start=date(2024, 1, 1))
    appoint(person=far, role=secretary_role, organisation=far_cell, start=date(2024, 1, 1))
    return Area(village, lvc, cell, far_cell, secretary, far)


def _staff(unit: Unit, grant_role: str) -> Client:
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="people"))
    grant(user, unit, grant_role)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clerk(tree) -> Client:  # type: ignore[no-untyped-def]
    return _staff(tree.quan_ba, Grant.Role.CLERK)


@pytest.fixture
def commission(tree) -> Client:  # type: ignore[no-untyped-def]
    return _staff(tree.quan_ba, Grant.Role.COMMISSION)


def _link(unit: Unit) -> str:
    """A unit's row in a changelist (its name may also appear in the unit filter)."""
    return f"/admin/people/unit/{unit.pk}/change/"


def _rows(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return response.content.decode()


def test_it_finds_thuy_without_accents(tree, area, admin_client):
    people = _rows(admin_client.get("/admin/people/person/", {"q": "Thuy"}))
    assert "Thào Thị Thủy" in people
    assert "Vàng Mí Sính" not in people
    units = _rows(admin_client.get("/admin/people/unit/", {"q": "Thuy"}))
    assert _link(area.village) in units
    assert "Thôn Thủy Tinh" in units
    assert _link(tree.thanh_van) not in units


def test_it_finds_quan_ba_without_accents(tree, admin_client):
    units = _rows(admin_client.get("/admin/people/unit/", {"q": "Quan Ba"}))
    assert _link(tree.quan_ba) in units
    assert _link(tree.ha_giang) not in units


def test_it_finds_a_unit_by_its_code(tree, admin_client):
    units = _rows(admin_client.get("/admin/people/unit/", {"q": "00889"}))
    assert _link(tree.thanh_van) in units
    assert _link(tree.nghia_thuan) in units
    assert _link(tree.can_ty) not in units


def test_it_scopes_the_lists_to_the_users_units(tree, area, clerk):
    units = _rows(clerk.get("/admin/people/unit/"))
    assert _link(tree.thanh_van) in units
    assert _link(area.lao_va_chai) not in units
    assert _link(tree.ha_giang) not in units
    assert "Lao Và Chải" not in _rows(clerk.get("/admin/people/organisation/"))
    assert "Vàng Mí Sính" not in _rows(clerk.get("/admin/people/person/"))
    positions = _rows(clerk.get("/admin/people/position/"))
    assert "Thào Thị Thủy" in positions
    assert "Vàng Mí Sính" not in positions
    far = Position.objects.get(person=area.far_person)
    assert clerk.get(f"/admin/people/position/{far.pk}/change/").status_code == 302


def test_it_masks_citizen_ids_for_the_commission(area, commission, clerk):
    listed = _rows(commission.get("/admin/people/person/"))
    assert "002*******21" in listed
    assert ID_WOMAN_1985 not in listed
    form = _rows(commission.get(f"/admin/people/person/{area.secretary.pk}/change/"))
    assert ID_WOMAN_1985 not in form
    assert "Mông" not in form
    assert ID_WOMAN_1985 in _rows(clerk.get("/admin/people/person/"))


def test_it_shows_ethnicity_to_superusers(area, admin_client):
    form = _rows(admin_client.get(f"/admin/people/person/{area.secretary.pk}/change/"))
    assert 'value="Mông"' in form


def test_it_filters_by_unit(tree, area, admin_client):
    url = "/admin/people/organisation/"
    listed = _rows(admin_client.get(url, {"don_vi": tree.quan_ba.pk}))
    assert "Chi bộ Thủy Tinh" in listed
    assert "Chi bộ Lao Và Chải" not in listed
    people = _rows(admin_client.get("/admin/people/person/", {"don_vi": area.lao_va_chai.pk}))
    assert "Vàng Mí Sính" in people
    assert "Thào Thị Thủy" not in people
    positions = _rows(admin_client.get("/admin/people/position/", {"don_vi": tree.thanh_van.pk}))
    assert "Thào Thị Thủy" in positions
    assert "Vàng Mí Sính" not in positions


def test_it_offers_the_communes_of_the_chosen_province(tree, area, admin_client):
    page = _rows(admin_client.get("/admin/people/organisation/", {"don_vi": tree.ha_giang.pk}))
    assert "Xã Lao Và Chải" in page
    assert "Xã Nghĩa Thuận" not in page


def test_it_limits_autocomplete_choices_to_the_users_units(area, clerk):
    params = {
        "app_label": "people", "model_name": "position", "field_name": "organisation",
        "term": "chi bo",
    }  # fmt: skip
    response = clerk.get("/admin/autocomplete/", params)
    assert response.status_code == 200
    names = {row["text"] for row in response.json()["results"]}
    assert names == {"Chi bộ Thủy Tinh"}


def _position_form(area, **changes) -> dict:  # type: ignore[no-untyped-def]
    return {
        "person": PersonFactory(home_unit=area.village).pk,
        "role": role("party_cell_secretary").pk,
        "organisation": area.cell.pk,
        "start": "01/03/2025",
        "end": "",
        "legal_basis": "",
    } | changes


def test_it_shows_a_service_refusal_as_a_form_error(area, clerk):
    response = clerk.post("/admin/people/position/add/", _position_form(area))
    assert response.status_code == 200
    assert "chỉ có một người" in response.content.decode()
    assert Position.objects.filter(organisation=area.cell).count() == 1


def test_it_appoints_through_the_service(area, clerk):
    data = _position_form(area, role=role("village_cadre_in_charge").pk, legal_basis=" 5-QĐ ")
    response = clerk.post("/admin/people/position/add/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    position = Position.objects.get(role__code="village_cadre_in_charge")
    assert position.start == date(2025, 3, 1)
    assert position.legal_basis == "5-QĐ"


def test_it_refuses_an_organisation_outside_the_users_units(area, clerk):
    data = _position_form(
        area, organisation=area.far_cell.pk, role=role("village_cadre_in_charge").pk
    )
    response = clerk.post("/admin/people/position/add/", data)
    assert response.status_code == 200
    assert not Position.objects.filter(role__code="village_cadre_in_charge").exists()


def test_it_ends_a_position_and_refuses_an_end_before_its_start(area, clerk):
    position = Position.objects.get(person=area.secretary)
    url = f"/admin/people/position/{position.pk}/change/"
    bad = clerk.post(url, {"end": "01/01/2023", "legal_basis": ""})
    assert bad.status_code == 200
    assert "Ngày kết thúc trước ngày bắt đầu" in bad.content.decode()
    good = clerk.post(url, {"end": "31/12/2025", "legal_basis": "9-QĐ"})
    assert good.status_code == 302
    position.refresh_from_db()
    assert (position.end, position.legal_basis) == (date(2025, 12, 31), "9-QĐ")


def test_it_checks_a_citizen_id_against_sex_on_the_person_form(tree, clerk):
    data = {
        "family_name": "Lò", "middle_name": "Văn", "given_name": "Pó", "full_name": "Lò Văn Pó",
        "birth_date": "02/03/1985", "sex": "M", "citizen_id": ID_WOMAN_1985, "legacy_id": "",
        "phone": "", "email": "", "home_unit": tree.can_ty.pk, "user": "",
    }  # fmt: skip
    response = clerk.post("/admin/people/person/add/", data)
    assert response.status_code == 200
    assert "giới tính" in response.content.decode()
    assert not Person.objects.filter(full_name="Lò Văn Pó").exists()
    data["sex"] = "F"
    assert clerk.post("/admin/people/person/add/", data).status_code == 302


def test_it_edits_the_role_catalogue(admin_client):
    front = role("front_key_cadre")
    data = {
        "code": front.code, "label": "Cán bộ chủ chốt MTTQ", "org_kinds": ["front_committee"],
        "level": front.level, "min_holders": 0, "order": front.order,
    }  # fmt: skip
    response = admin_client.post(f"/admin/people/role/{front.pk}/change/", data)
    assert response.status_code == 302
    front.refresh_from_db()
    assert front.label == "Cán bộ chủ chốt MTTQ"
    assert front.org_kinds == ["front_committee"]
    assert "Cán bộ chủ chốt MTTQ" in _rows(admin_client.get("/admin/people/role/", {"q": "mttq"}))


def test_it_rebuilds_the_tree_when_a_placement_changes(tree, admin_client):
    village = make_unit(name="Thôn Mới", level=Level.VILLAGE, kind=Unit.Kind.THON)
    data = {"unit": village.pk, "parent": tree.can_ty.pk, "valid_from": "", "valid_to": ""}
    assert admin_client.post("/admin/people/unitplacement/add/", data).status_code == 302
    assert village in Unit.objects.within(tree.quan_ba, on=date(2024, 1, 1))


@pytest.mark.parametrize(
    "model",
    ["unit", "unitplacement", "unitlineage", "organisation", "role", "person", "position", "grant"],
)
def test_it_renders_every_list_and_form_in_vietnamese(tree, area, admin_client, model):
    listed = _rows(admin_client.get(f"/admin/people/{model}/"))
    assert 'lang="vi"' in listed
    if model != "unit":
        assert admin_client.get(f"/admin/people/{model}/add/").status_code == 200


@pytest.mark.parametrize("model", ["unit", "organisation", "person", "position"])
def test_it_lists_fifty_rows_in_a_constant_number_of_queries(
    tree, clerk, model, django_assert_max_num_queries
):
    for n in range(50):
        village = make_unit(
            name=f"Thôn {n}", level=Level.VILLAGE, kind=Unit.Kind.THON, parent=tree.can_ty
        )
        cell = Organisation.objects.create(
            kind=OrgKind.PARTY_CELL, name=f"Chi bộ {n}", unit=village
        )
        Position.objects.create(
            person=PersonFactory(), role=role("party_cell_secretary"), organisation=cell,
            start=date(2024, 1, 1),
        )  # fmt: skip
    with django_assert_max_num_queries(12):
        assert clerk.get(f"/admin/people/{model}/").status_code == 200


def test_it_shows_roles_to_staff_but_lets_only_administrators_change_them(tree):
    user = UserFactory(is_staff=True)
    grant(user, tree.quan_ba, Grant.Role.CLERK)
    client = Client()
    client.force_login(user)
    secretary = Role.objects.get(code="party_cell_secretary")
    assert client.get("/admin/people/role/").status_code == 200  # the catalogue is read by all
    assert client.get("/admin/people/role/add/").status_code == 403
    change = f"/admin/people/role/{secretary.pk}/change/"
    assert client.post(change, {"label": "Bị sửa", "code": "x"}).status_code == 403
    assert (
        client.post(f"/admin/people/role/{secretary.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Role.objects.get(pk=secretary.pk).label == "Bí thư chi bộ"


def test_it_refuses_to_reopen_a_seat_someone_else_took(area, clerk):
    position = Position.objects.get(person=area.secretary)
    assert (
        clerk.post(
            f"/admin/people/position/{position.pk}/change/",
            {"end": "30/06/2025", "legal_basis": ""},
        ).status_code
        == 302
    )
    successor = PersonFactory(family_name="Giàng", middle_name="Seo", given_name="Pháo")
    appoint(
        person=successor, role=role("party_cell_secretary"), organisation=area.cell,
        start=date(2025, 7, 1),
    )  # fmt: skip
    response = clerk.post(
        f"/admin/people/position/{position.pk}/change/", {"end": "", "legal_basis": ""}
    )
    assert response.status_code == 200
    assert "Không thể bỏ ngày kết thúc" in response.content.decode()
    position.refresh_from_db()
    assert position.end == date(2025, 6, 30)


def test_it_lets_the_commission_read_but_not_write(area, commission):
    url = f"/admin/people/person/{area.secretary.pk}/change/"
    page = _rows(commission.get(url))
    assert "Thào Thị Thủy" in page
    assert 'name="_save"' not in page
    assert commission.post(url, {"full_name": "Đổi Tên", "sex": "F"}).status_code == 403
    assert commission.get("/admin/people/position/add/").status_code == 403
    area.secretary.refresh_from_db()
    assert area.secretary.full_name == "Thào Thị Thủy"


def test_it_lets_only_administrators_edit_the_role_catalogue(tree, clerk):
    front = role("front_key_cadre")
    page = _rows(clerk.get(f"/admin/people/role/{front.pk}/change/"))
    assert 'name="_save"' not in page
    admin_user = UserFactory(is_staff=True)
    admin_user.user_permissions.set(Permission.objects.filter(content_type__app_label="people"))
    grant(admin_user, tree.ha_giang, Grant.Role.ADMINISTRATOR)
    client = Client()
    client.force_login(admin_user)
    assert 'name="_save"' in _rows(client.get(f"/admin/people/role/{front.pk}/change/"))


def test_it_rebuilds_the_tree_when_a_unit_gets_a_parent_inline(tree, admin_client):
    village = make_unit(name="Thôn Lẻ", level=Level.VILLAGE, kind=Unit.Kind.THON)
    data = {
        "name": "Thôn Lẻ", "short_name": "", "code": "", "level": "village", "kind": "thon",
        "valid_from": "", "valid_to": "",
        "placements-TOTAL_FORMS": "1", "placements-INITIAL_FORMS": "0",
        "placements-MIN_NUM_FORMS": "0", "placements-MAX_NUM_FORMS": "1000",
        "placements-0-parent": tree.thanh_van.pk, "placements-0-valid_from": "",
        "placements-0-valid_to": "30/06/2025",
    }  # fmt: skip
    response = admin_client.post(f"/admin/people/unit/{village.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert village in Unit.objects.within(tree.quan_ba, on=date(2024, 1, 1))
    assert village not in Unit.objects.within(tree.quan_ba, on=date(2025, 7, 1))
