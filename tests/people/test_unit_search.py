"""The unit picker: a unit found by part of its name without diacritics or by its code, among
the user's units existing on the day — JSON for the autocomplete, a page without JavaScript,
and the planning form's unit field taking a name."""

from datetime import date

import pytest

from people.models import Grant
from people.unit_search import search_units
from tests.factories import UserFactory, grant
from tests.training import test_planning_support as support
from tests.training.test_planning_support import World, fill_village

world = support.world
catalogue = support.catalogue
planner = support.planner
pytestmark = pytest.mark.django_db
BEFORE, AFTER = date(2025, 3, 31), date(2025, 8, 1)


def test_it_finds_a_unit_by_part_of_its_name_without_diacritics_on_the_day(client, tree):  # type: ignore[no-untyped-def]
    client.force_login(UserFactory(is_superuser=True))
    before = client.get("/don-vi/tim.json", {"q": "thanh van", "ngay": "31/03/2025"}).json()
    assert [m["label"] for m in before["results"]] == [
        "Xã Thanh Vân (cũ) (00889) — Huyện Quản Bạ, đến 30/06/2025"
    ]
    after = client.get("/don-vi/tim.json", {"q": "nghia thuan", "ngay": "01/08/2025"}).json()
    assert [m["label"] for m in after["results"]] == [
        "Xã Nghĩa Thuận (00889) — Tỉnh Tuyên Quang, từ 01/07/2025"
    ]
    # Thanh Vân no longer exists on 01/08/2025; a code finds the unit carrying it that day.
    assert client.get("/don-vi/tim.json", {"q": "thanh van", "ngay": "01/08/2025"}).json() == {
        "results": [],
        "on": "01/08/2025",
    }
    by_code = client.get("/don-vi/tim.json", {"q": "00889", "ngay": "31/03/2025"}).json()
    assert [m["name"] for m in by_code["results"]] == ["Xã Thanh Vân"]
    # Every match of «can ty» on 31/03/2025: the old commune only (the new one begins later).
    admin = UserFactory(is_superuser=True)
    assert [m.code for m in search_units(admin, "CAN TY", on=BEFORE)] == ["00880"]


def test_it_offers_only_the_users_own_units(client, tree):  # type: ignore[no-untyped-def]
    clerk = UserFactory(username="nhaplieu-ct")
    grant(clerk, tree.can_ty, Grant.Role.CLERK)
    client.force_login(clerk)
    found = client.get("/don-vi/tim.json", {"q": "xa", "ngay": "31/03/2025"}).json()["results"]
    assert [m["name"] for m in found] == ["Xã Cán Tỷ"]
    assert client.get("/don-vi/tim.json", {"q": "quan ba"}).json()["results"] == []


def test_it_explains_a_date_it_cannot_read_and_needs_a_login(client, tree):  # type: ignore[no-untyped-def]
    assert client.get("/don-vi/tim.json", {"q": "xa"}).status_code == 302
    client.force_login(UserFactory(is_superuser=True))
    response = client.get("/don-vi/tim.json", {"q": "xa", "ngay": "31/02/2025"})
    assert response.status_code == 400 and response.json()["results"] == []
    assert "31/02/2025" in response.json()["detail"]


def test_the_search_page_works_without_javascript(client, tree):  # type: ignore[no-untyped-def]
    client.force_login(UserFactory(is_superuser=True))
    page = client.get("/don-vi/tim/", {"q": "Cán Tỷ", "ngay": "01/08/2025"}).content.decode()
    assert "<strong>00883</strong> Xã Cán Tỷ (00883) — Tỉnh Tuyên Quang, từ 01/07/2025" in page
    assert "00880" not in page
    empty = client.get("/don-vi/tim/", {"q": "khong co", "ngay": "01/08/2025"}).content.decode()
    assert "Không có đơn vị nào khớp" in empty


def test_the_planning_form_takes_a_unit_name_and_lists_the_candidates_of_an_ambiguous_one(
    client, planner, world: World
):  # type: ignore[no-untyped-def]
    fill_village(world.na_ma, ["Thào Mí A"])
    client.force_login(planner)
    query = {
        "target": "nq33-village",
        "as_of": "03/03/2025",
        "start": "10/03/2025",
        "capacity": "10",
        "days": "1",
    }
    page = client.get("/lop/lap-ke-hoach/", query | {"unit": "ha giang"})
    assert page.status_code == 200 and page.context["plan"].unit == world.tree.ha_giang
    assert 'data-unit-search="/don-vi/tim.json"' in page.content.decode()
    both = client.get("/lop/lap-ke-hoach/", query | {"unit": "xa"}).content.decode()
    assert "Có nhiều đơn vị khớp «xa»" in both and "Xã Cán Tỷ (cũ) (00880)" in both
    none = client.get("/lop/lap-ke-hoach/", query | {"unit": "khong co"}).content.decode()
    assert "Không có đơn vị nào tên «khong co»" in none
