import pytest

from certificates.models import Certificate
from people.models import Grant
from tests.certificates.conftest import close_a_course, link_issuer
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_communes(tree, party_issuer):  # type: ignore[no-untyped-def]
    link_issuer(party_issuer, tree.tuyen_quang)
    here = close_a_course(n=2, unit=tree.nghia_thuan)
    there = close_a_course(n=1, unit=tree.can_ty_new)
    return here, there


def _user(unit, role=Grant.Role.ORGANISER):  # type: ignore[no-untyped-def]
    user = UserFactory()
    grant(user, unit, role)
    return user


def test_it_lists_only_certificates_of_the_users_units(client, tree, two_communes):
    here, _ = two_communes
    client.force_login(_user(tree.nghia_thuan))
    body = client.get("/api/v1/certificates/").json()
    assert body["count"] == 2
    row = body["results"][0]
    assert {"id", "number", "code", "holder_name", "status", "verify_url"} <= set(row)
    assert row["verify_url"] == f"https://taphuan.example.vn/xac-minh/{row['code']}/"
    assert {r["holder_name"] for r in body["results"]} == {p.full_name for p in here.people}


def test_it_hides_other_units_certificates_and_their_pdf(client, tree, two_communes):
    _, there = two_communes
    client.force_login(_user(tree.nghia_thuan))
    other = Certificate.objects.get(person=there.people[0])
    assert client.get(f"/api/v1/certificates/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/certificates/{other.pk}/pdf/").status_code == 404


def test_it_serves_the_stored_pdf(client, tree, two_communes):
    client.force_login(_user(tree.tuyen_quang))
    certificate = Certificate.objects.first()
    response = client.get(f"/api/v1/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == certificate.pdf.open("rb").read()


def test_it_requires_a_reason_to_revoke(client, tree, two_communes):
    client.force_login(_user(tree.tuyen_quang))
    certificate = Certificate.objects.first()
    url = f"/api/v1/certificates/{certificate.pk}/revoke/"
    assert client.post(url, {}, content_type="application/json").status_code == 400
    response = client.post(url, {"reason": "Cấp nhầm"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    again = client.post(url, {"reason": "Lần hai"}, content_type="application/json")
    assert again.status_code == 400


def test_it_reissues_through_the_api(client, tree, two_communes):
    client.force_login(_user(tree.tuyen_quang))
    old = Certificate.objects.order_by("serial").first()
    response = client.post(f"/api/v1/certificates/{old.pk}/reissue/")
    assert response.status_code == 201
    new = response.json()
    old.refresh_from_db()
    assert old.status == "superseded" and old.superseded_by_id == new["id"]
    assert new["number"] == "4-GCN/BTGDV" and new["status"] == "valid"


def test_it_forbids_revoking_to_clerks(client, tree, two_communes):
    client.force_login(_user(tree.tuyen_quang, Grant.Role.CLERK))
    certificate = Certificate.objects.first()
    url = f"/api/v1/certificates/{certificate.pk}/revoke/"
    assert client.post(url, {"reason": "x"}, content_type="application/json").status_code == 403


def test_it_lists_issuers(client, tree, two_communes):
    client.force_login(_user(tree.tuyen_quang))
    body = client.get("/api/v1/issuers/").json()
    assert [i["name"] for i in body["results"]] == ["Ban Tuyên giáo và Dân vận Tỉnh ủy Tuyên Quang"]
    assert client.get("/api/v1/issuers/").status_code == 200


def test_it_requires_login_for_the_certificates_api(client, two_communes):
    assert client.get("/api/v1/certificates/").status_code in (401, 403)


def test_it_issues_by_hand_for_a_visible_record(client, tree, party_issuer):
    from datetime import date

    from tests.factories import PersonFactory
    from training.models import Programme, TrainingRecord

    programme = Programme.objects.create(code="p-api", title="Chương trình", has_certificate=True)
    mine = TrainingRecord.objects.create(
        person=PersonFactory(home_unit=tree.nghia_thuan),
        programme=programme,
        completed_on=date(2024, 1, 2),
    )
    other = TrainingRecord.objects.create(
        person=PersonFactory(home_unit=tree.can_ty_new),
        programme=programme,
        completed_on=date(2024, 1, 2),
    )
    link_issuer(party_issuer, tree.nghia_thuan)
    client.force_login(_user(tree.nghia_thuan))
    url = "/api/v1/certificates/"
    body = {"training_record": mine.pk, "issuer": party_issuer.pk}
    made = client.post(url, body, content_type="application/json")
    assert made.status_code == 201 and made.json()["number"] == "1-GCN/BTGDV"
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 400 and "đã có giấy chứng nhận" in again.json()["detail"]
    hidden = {"training_record": other.pk, "issuer": party_issuer.pk}
    assert client.post(url, hidden, content_type="application/json").status_code == 400
