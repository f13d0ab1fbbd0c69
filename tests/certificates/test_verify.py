import base64
from datetime import date

import pytest

from certificates.models import Certificate, Verification
from certificates.services import (
    VERIFY_RATE,
    CertificateError,
    reissue_certificate,
    revoke_certificate,
)
from people.models import Grant
from tests.certificates.conftest import close_a_course
from tests.factories import UserFactory, grant

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
    "revocation_category",
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
    assert body["revocation_reason"] is None and body["revocation_category"] is None


def test_it_shows_the_public_the_revocation_date_and_category_only(client, certificate, admin_user):
    revoke_certificate(
        certificate=certificate,
        reason="Khai man hồ sơ",
        category=Certificate.RevocationCategory.WRONG_DETAILS,
        by=admin_user,
    )
    body = client.get(f"/api/v1/verify/{certificate.code}/").json()
    assert body["status"] == "revoked" and body["revoked_on"] == date.today().isoformat()
    assert body["revocation_category"] == "wrong_details"
    assert body["revocation_reason"] == "Sai thông tin"
    page = client.get(f"/xac-minh/{certificate.code}/").content.decode()
    assert "đã bị thu hồi" in page and "Sai thông tin" in page
    assert "Khai man" not in page and "Khai man" not in str(body)


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


# --- The free-text reason is for staff; nothing personal beyond the certificate -----------


@pytest.fixture
def revoked(tree, party_issuer) -> Certificate:  # type: ignore[no-untyped-def]
    """A certificate of a person registered in Xã Nghĩa Thuận, revoked with a private note."""
    close_a_course(n=1, unit=tree.nghia_thuan)
    certificate = Certificate.objects.get()
    return revoke_certificate(
        certificate=certificate,
        reason="Học viên nhờ người khác học thay",
        category=Certificate.RevocationCategory.RESULT_CORRECTED,
        by=None,
    )


def _user(unit, role=Grant.Role.ORGANISER):  # type: ignore[no-untyped-def]
    user = UserFactory()
    grant(user, unit, role)
    return user


def _answers(client, certificate) -> tuple[dict, str]:  # type: ignore[no-untyped-def]
    body = client.get(f"/api/v1/verify/{certificate.code}/").json()
    page = client.get(f"/xac-minh/{certificate.code}/").content.decode()
    return body, page


def test_it_shows_staff_who_see_the_certificate_the_free_text_reason(client, tree, revoked):
    client.force_login(_user(tree.nghia_thuan, Grant.Role.COMMISSION))
    body, page = _answers(client, revoked)
    assert body["revocation_reason"] == "Học viên nhờ người khác học thay"
    assert body["revocation_category"] == "result_corrected"
    assert "Điều chỉnh kết quả" in page and "Học viên nhờ người khác học thay" in page


def test_it_shows_staff_of_other_units_only_the_category(client, tree, revoked):
    client.force_login(_user(tree.can_ty_new))
    body, page = _answers(client, revoked)
    assert body["revocation_reason"] == "Điều chỉnh kết quả"
    assert "Điều chỉnh kết quả" in page and "nhờ người khác" not in page


def test_it_gives_the_free_text_to_staff_signed_in_with_basic_auth(client, tree, revoked):
    user = _user(tree.tuyen_quang)
    token = base64.b64encode(f"{user.username}:matkhau123".encode()).decode()
    body = client.get(f"/api/v1/verify/{revoked.code}/", HTTP_AUTHORIZATION=f"Basic {token}").json()
    assert body["revocation_reason"] == "Học viên nhờ người khác học thay"
    assert client.get(f"/api/v1/verify/{revoked.code}/").json()["revocation_reason"] == (
        "Điều chỉnh kết quả"
    )


def test_it_leaks_nothing_personal_on_the_public_page_and_api(client, tree, revoked):
    person = revoked.person
    person.citizen_id = "008080012345"
    person.phone = "0912345678"
    person.email = "an@example.vn"
    person.ethnicity = "Mông"
    person.birth_date = date(1980, 3, 17)
    person.save()
    Certificate.objects.filter(pk=revoked.pk).update(
        holder_birth_date=date(1980, 3, 17),
        unit_name="Chi bộ thôn Nà Mạ",
        role_label="Bí thư chi bộ",
    )
    body, page = _answers(client, revoked)
    assert set(body) == KEYS and body["birth_year"] == 1980
    for secret in (
        "008080012345",
        "0912345678",
        "an@example.vn",
        "Mông",
        "17/03/1980",
        "1980-03-17",
        "Nghĩa Thuận",  # the holder's registered unit: not on the certificate
        "nhờ người khác",
    ):
        assert secret not in page, secret
        assert secret not in str(body), secret
    assert revoked.holder_name in page and "1980" in page


def test_it_revokes_through_the_api_with_a_category_or_as_other_for_old_callers(
    client, tree, party_issuer
):
    close_a_course(n=3, unit=tree.nghia_thuan)
    first, second, third = Certificate.objects.order_by("serial")
    client.force_login(_user(tree.tuyen_quang))
    url = "/api/v1/certificates/{}/revoke/"
    old = client.post(url.format(first.pk), {"reason": "Sai"}, content_type="application/json")
    assert old.status_code == 200 and old.json()["revocation_category"] == "other"
    new = client.post(
        url.format(second.pk),
        {"reason": "Nhầm người", "reason_category": "issued_by_mistake"},
        content_type="application/json",
    )
    assert new.status_code == 200 and new.json()["revocation_category"] == "issued_by_mistake"
    bad = client.post(
        url.format(third.pk),
        {"reason": "x", "reason_category": "bogus"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "Loại lý do thu hồi" in str(bad.json())
    no_reason = client.post(
        url.format(third.pk), {"reason_category": "other"}, content_type="application/json"
    )
    assert no_reason.status_code == 400
    assert [c.revocation_category for c in Certificate.objects.order_by("serial")] == [
        "other",
        "issued_by_mistake",
        "",
    ]


def test_it_requires_a_category_on_the_revoke_form(client, tree, party_issuer):
    close_a_course(n=1, unit=tree.nghia_thuan)
    certificate = Certificate.objects.get()
    client.force_login(_user(tree.tuyen_quang))
    form = client.get(f"/giay-chung-nhan/{certificate.pk}/").content.decode()
    assert 'name="reason_category"' in form and "Điều chỉnh kết quả" in form
    url = f"/giay-chung-nhan/{certificate.pk}/thu-hoi/"
    refused = client.post(url, {"reason": "Sai ngày sinh"}, follow=True)
    assert "Phải chọn loại lý do thu hồi" in refused.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == "valid"
    client.post(url, {"reason": "Sai ngày sinh", "reason_category": "wrong_details"})
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revocation_category) == ("revoked", "wrong_details")
    detail = client.get(f"/giay-chung-nhan/{certificate.pk}/").content.decode()
    assert "Sai thông tin" in detail and "Sai ngày sinh" in detail


def test_it_refuses_revoking_with_an_unknown_category_in_the_service(revoked, party_issuer):
    close_a_course(n=1)
    valid = Certificate.objects.get(status="valid")
    with pytest.raises(CertificateError, match="Loại lý do thu hồi"):
        revoke_certificate(certificate=valid, reason="x", category="bogus", by=None)
