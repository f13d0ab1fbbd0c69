"""GET /api/v1/coverage/ and /api/v1/gaps/: the same JSON, scoped to the caller's grants."""

import pytest
from rest_framework.test import APIClient

from people.models import Grant
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def admin():  # type: ignore[no-untyped-def]
    return client_for(UserFactory(is_superuser=True))


@pytest.fixture
def commune_clerk(tree):  # type: ignore[no-untyped-def]
    user = UserFactory()
    grant(user, tree.nghia_thuan, Grant.Role.COMMISSION)
    return client_for(user)


def test_it_returns_the_report_json(tree, villages, admin):
    response = admin.get(
        "/api/v1/coverage/", {"target": "nq33-village", "unit": "00889", "as_of": "31/03/2026"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["unit"]["name"] == "Xã Nghĩa Thuận"
    assert (body["holders"], body["trained"], body["percent"], body["persons_percent"]) == (
        6,
        3,
        50.0,
        40.0,
    )
    assert [c["unit"]["name"] for c in body["children"]] == ["Thôn Lùng Hòa", "Thôn Nà Mạ"]


def test_it_reads_a_unit_by_our_own_key_and_the_area_of_a_former_unit(tree, villages, admin):
    by_id = admin.get(
        "/api/v1/coverage/",
        {"target": "nq33-village", "unit_id": tree.thanh_van.pk, "as_of": "2024-12-31"},
    )
    assert by_id.json()["holders"] == 5
    area = admin.get(
        "/api/v1/coverage/", {"target": "nq33-village", "area_of": "02", "as_of": "2026-03-31"}
    )
    assert area.status_code == 200
    assert area.json()["area_of"]["name"] == "Tỉnh Hà Giang"
    assert [c["unit"]["code"] for c in area.json()["children"]] == ["00883", "00889"]


def test_it_defaults_to_the_whole_country_for_a_superuser(tree, villages, admin):
    body = admin.get("/api/v1/coverage/", {"target": "nq33-village", "as_of": "2026-03-31"}).json()
    assert body["unit"]["name"] == "Toàn quốc"
    assert body["holders"] == 6


def test_it_defaults_to_the_granted_unit(tree, villages, commune_clerk):
    body = commune_clerk.get(
        "/api/v1/coverage/", {"target": "nq33-village", "as_of": "2026-03-31"}
    ).json()
    assert body["unit"]["name"] == "Xã Nghĩa Thuận"
    assert body["holders"] == 6


def test_it_hides_units_outside_the_grants(tree, villages, commune_clerk):
    response = commune_clerk.get(
        "/api/v1/coverage/", {"target": "nq33-village", "unit": "08", "as_of": "2026-03-31"}
    )
    assert response.status_code == 404
    response = commune_clerk.get(
        "/api/v1/gaps/", {"target": "nq33-village", "unit": "00883", "as_of": "2026-03-31"}
    )
    assert response.status_code == 404


def test_it_refuses_anonymous_callers(tree):
    assert APIClient().get("/api/v1/coverage/", {"target": "nq33-village"}).status_code in (
        401,
        403,
    )


def test_it_explains_bad_parameters_in_vietnamese(tree, admin):
    response = admin.get(
        "/api/v1/coverage/", {"target": "nq33-village", "unit": "02", "as_of": "2026-03-31"}
    )
    assert response.status_code == 400
    assert "02" in response.json()["detail"]
    assert admin.get("/api/v1/coverage/", {"unit": "08"}).status_code == 400
    assert (
        admin.get("/api/v1/coverage/", {"target": "nq33-village", "as_of": "hôm qua"}).status_code
        == 400
    )


def test_it_pages_the_gaps_and_masks_ids(tree, villages, commune_clerk):
    villages.people["P2"].citizen_id = "002085001299"
    villages.people["P2"].save()
    response = commune_clerk.get(
        "/api/v1/gaps/",
        {"target": "nq33-village", "unit": "00889", "as_of": "31/03/2026", "page_size": 2},
    )
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 5
    assert body["previous"] is None and "page=2" in body["next"]
    assert [r["full_name"] for r in body["results"]] == ["Sùng Thị Dua", None]
    last = commune_clerk.get(body["next"].replace("page=2", "page=3")).json()
    assert [r["citizen_id"] for r in last["results"]] == ["002*******99"]


def test_it_shows_ids_to_a_clerk(tree, villages):
    user = UserFactory()
    grant(user, tree.nghia_thuan, Grant.Role.CLERK)
    villages.people["P2"].citizen_id = "002085001299"
    villages.people["P2"].save()
    rows = (
        client_for(user)
        .get("/api/v1/gaps/", {"target": "nq33-village", "as_of": "31/03/2026"})
        .json()["results"]
    )
    assert [r["citizen_id"] for r in rows if r["full_name"] == "Vàng Seo Dình"] == ["002085001299"]


def test_the_api_report_is_a_few_queries(tree, villages, admin, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        response = admin.get(
            "/api/v1/coverage/", {"target": "nq33-village", "unit": "02", "as_of": "31/12/2024"}
        )
    assert response.json()["holders"] == 5


def test_it_shows_a_former_province_s_commissioner_its_area_after_the_reform(tree, villages):
    user = UserFactory()
    grant(user, tree.ha_giang, Grant.Role.COMMISSION)
    client = client_for(user)
    before = client.get("/api/v1/coverage/", {"target": "nq33-village", "as_of": "31/12/2024"})
    after = client.get("/api/v1/coverage/", {"target": "nq33-village", "as_of": "31/03/2026"})
    assert before.json()["unit"]["name"] == "Tỉnh Hà Giang"
    assert after.json()["unit"]["level"] == "units"
    assert [c["unit"]["code"] for c in after.json()["children"]] == ["00883", "00889"]
    assert after.json()["holders"] == 6
    area = client.get(
        "/api/v1/coverage/", {"target": "nq33-village", "area_of": "02", "as_of": "31/03/2026"}
    )
    assert area.status_code == 200
    drill = client.get(
        "/api/v1/coverage/", {"target": "nq33-village", "unit": "00889", "as_of": "31/03/2026"}
    )
    assert drill.json()["holders"] == 6
    outside = client.get(
        "/api/v1/coverage/", {"target": "nq33-village", "unit": "08", "as_of": "31/03/2026"}
    )
    assert outside.status_code == 404


def test_it_lists_the_gaps_of_the_area_of_a_former_unit(tree, villages, admin):
    body = admin.get(
        "/api/v1/gaps/", {"target": "nq33-village", "area_of": "02", "as_of": "2026-03-31"}
    ).json()
    # Nghĩa Thuận: 3 untrained + 2 vacant seats; Cán Tỷ mới: Thôn Cán Hạ's 4 vacant seats.
    assert body["count"] == 9
    assert [r["commune"] for r in body["results"]].count("Xã Cán Tỷ") == 4
