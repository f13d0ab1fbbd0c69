"""Every refusal of the API has one shape, {"detail", "code", "errors"}, in Vietnamese, made by
one exception handler: field errors, domain errors, permission, missing objects and routes."""

from datetime import date

import pytest

pytestmark = pytest.mark.django_db

SHAPE = {"detail", "code", "errors"}


def test_it_names_the_fields_a_write_got_wrong(clerk, registry):
    response = clerk.post(
        "/api/v1/positions/",
        {"person": registry.secretary.pk, "organisation": registry.cell.pk, "start": "31/02/2024"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] in {"invalid", "required"}
    assert set(body["errors"]) >= {"role", "start"}
    assert all(isinstance(m, str) for found in body["errors"].values() for m in found)


def test_a_domain_refusal_is_a_400_with_the_services_message(clerk, registry):
    """Ending a position before it started is refused by people.services (a PeopleError)."""
    response = clerk.patch(
        f"/api/v1/positions/{registry.position.pk}/",
        {"end": date(2023, 1, 1).isoformat()},
        format="json",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] == "registry"
    assert body["errors"] == {}
    assert body["detail"] and body["detail"].isascii() is False  # a Vietnamese sentence


def test_an_unknown_target_is_not_found(commission):
    response = commission.get("/api/v1/coverage/?target=khong-co")
    assert response.status_code == 404
    assert response.json() == {
        "detail": response.json()["detail"],
        "code": "coverage",
        "errors": {},
    }
    assert "khong-co" in response.json()["detail"]


def test_permission_and_missing_objects_answer_in_the_same_shape(clerk, registry):
    refused = clerk.post("/api/v1/programmes/", {"code": "x", "title": "x"}, format="json")
    missing = clerk.get("/api/v1/people/999999/")
    assert refused.status_code == 403 and set(refused.json()) == SHAPE
    assert refused.json()["code"] == "permission_denied"
    assert missing.status_code == 404 and set(missing.json()) == SHAPE
    assert missing.json()["code"] == "not_found"


def test_an_api_address_that_matches_no_route_is_a_json_404(clerk):
    for address in ("/api/v1/courses/-3/invite-gaps/", "/api/v1/khong-co/"):
        response = clerk.get(address)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["code"] == "not_found"
    page = clerk.get("/khong-co-trang-nay/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_filter_naming_an_id_that_does_not_exist_gives_an_empty_page(clerk):
    response = clerk.get("/api/v1/enrollments/?course=999999")
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert clerk.get("/api/v1/enrollments/?course=abc").status_code == 400


def test_unauthenticated_calls_get_the_shape_too(client):
    response = client.get("/api/v1/people/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert set(response.json()) == SHAPE


def test_malformed_requests_the_fuzzer_found_are_refused(clerk, organiser, registry):
    """`page_size=null`, an unknown `format` and a list where an object belongs passed once."""
    assert clerk.get("/api/v1/people/?page_size=null").status_code == 400
    assert clerk.get("/api/v1/people/?page_size=0").status_code == 400
    assert clerk.get("/api/v1/people/?page_size=25").status_code == 200
    bogus = clerk.get("/api/v1/people/?format=bogus")
    assert bogus.status_code == 404 and set(bogus.json()) == SHAPE
    listed = organiser.post("/api/v1/attendance/", [], format="json")
    assert listed.status_code == 400 and set(listed.json()) == SHAPE
