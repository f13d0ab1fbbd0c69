from datetime import date

import pytest

from certificates.models import Certificate, Verification
from certificates.services import VERIFY_RATE, reissue_certificate, revoke_certificate
from tests.certificates.conftest import close_a_course

pytestmark = pytest.mark.django_db

KEYS = {
    "status",
    "number",
    "holder_name",
    "birth_year",
    "programme",
    "course_dates",
    "issuer",
    "issued_on",
    "revoked_on",
    "revocation_reason",
    "superseded_by",
}


@pytest.fixture
def certificate(party_issuer) -> Certificate:  # type: ignore[no-untyped-def]
    close_a_course(n=1)
    return Certificate.objects.get()


def test_it_answers_the_api_with_exactly_the_public_keys(client, certificate):
    response = client.get(f"/api/v1/verify/{certificate.code}/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == KEYS
    assert body["status"] == "valid" and body["number"] == "1-GCN/BTGDV"
    assert body["birth_year"] == 1980 and body["holder_name"] == certificate.holder_name
    assert body["issuer"] == "Ban Tuyên giáo và Dân vận Tỉnh ủy Tuyên Quang"
    assert body["issued_on"] == certificate.issued_on.isoformat()
    assert body["revoked_on"] is None and body["superseded_by"] is None


def test_it_shows_revocation_with_date_and_reason(client, certificate, admin_user):
    revoke_certificate(certificate=certificate, reason="Khai man hồ sơ", by=admin_user)
    body = client.get(f"/api/v1/verify/{certificate.code}/").json()
    assert body["status"] == "revoked" and body["revocation_reason"] == "Khai man hồ sơ"
    assert body["revoked_on"] == date.today().isoformat()
    page = client.get(f"/xac-minh/{certificate.code}/").content.decode()
    assert "đã bị thu hồi" in page and "Khai man hồ sơ" in page


def test_it_points_a_superseded_certificate_to_the_new_one(client, certificate):
    new = reissue_certificate(certificate=certificate)
    body = client.get(f"/api/v1/verify/{certificate.code}/").json()
    assert body["status"] == "superseded" and body["superseded_by"] == new.code
    page = client.get(f"/xac-minh/{certificate.code}/").content.decode()
    assert f'href="/xac-minh/{new.code}/"' in page and new.number in page


def test_it_shows_the_birth_year_only(client, certificate):
    page = client.get(f"/xac-minh/{certificate.code}/").content.decode()
    assert "1980" in page and "01/01/1980" not in page


def test_it_answers_404_with_a_message_for_an_unknown_code(client, db):
    response = client.get("/xac-minh/KHONGCOMA234/")
    assert response.status_code == 404
    assert "Không tìm thấy giấy chứng nhận" in response.content.decode()
    api = client.get("/api/v1/verify/KHONGCOMA234/")
    assert api.status_code == 404 and "Không tìm thấy" in api.json()["detail"]


def test_it_logs_every_verification(client, certificate):
    client.get(f"/xac-minh/{certificate.code}/", HTTP_USER_AGENT="Zalo scanner")
    client.get("/api/v1/verify/SAIMA2345678/")
    logged = list(Verification.objects.order_by("at", "pk"))
    assert [(v.found, v.channel, v.certificate_id) for v in logged] == [
        (True, "web", certificate.pk),
        (False, "api", None),
    ]
    assert logged[0].user_agent == "Zalo scanner" and logged[0].ip == "127.0.0.1"


def test_it_rate_limits_per_client(client, certificate):
    for _ in range(VERIFY_RATE):
        assert client.get(f"/api/v1/verify/{certificate.code}/").status_code == 200
    blocked = client.get(f"/xac-minh/{certificate.code}/")
    assert blocked.status_code == 429 and "quá nhiều lần" in blocked.content.decode()
    assert client.get(f"/api/v1/verify/{certificate.code}/").status_code == 429
    other = client.get(f"/api/v1/verify/{certificate.code}/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_it_looks_up_by_number_and_birth_date(client, certificate):
    found = client.get(
        "/xac-minh/tra-cuu/", {"number": "Số 1-GCN/BTGDV", "birth_date": "01/01/1980"}
    )
    assert found.status_code == 200 and "hợp lệ" in found.content.decode()
    wrong = client.get("/xac-minh/tra-cuu/", {"number": "1-GCN/BTGDV", "birth_date": "02/01/1980"})
    assert wrong.status_code == 404 and "Không tìm thấy" in wrong.content.decode()
    form = client.get("/xac-minh/tra-cuu/")
    assert form.status_code == 200 and 'name="birth_date"' in form.content.decode()
