"""Who may issue, revoke and reissue (administrators and organisers, in their own units), with
which issuer's numbers, and answers to malformed parameters (never a 500)."""

from datetime import date

import pytest

from certificates.models import Certificate, Issuer, NumberCounter
from people.models import Grant
from tests.certificates.conftest import close_a_course, link_issuer, make_front_issuer
from tests.factories import PersonFactory, UserFactory, grant
from training.models import Programme, TrainingRecord

pytestmark = pytest.mark.django_db

API = "/api/v1/certificates/"


def _user(*grants):  # type: ignore[no-untyped-def]
    user = UserFactory()
    for unit, role in grants:
        grant(user, unit, role)
    return user


def _record(unit, code: str = "p-access") -> TrainingRecord:  # type: ignore[no-untyped-def]
    programme, _ = Programme.objects.get_or_create(
        code=code, defaults={"title": "Chương trình có giấy", "has_certificate": True}
    )
    return TrainingRecord.objects.create(
        person=PersonFactory(home_unit=unit), programme=programme, completed_on=date(2024, 1, 2)
    )


@pytest.fixture
def province_issuer(tree, party_issuer) -> Issuer:  # type: ignore[no-untyped-def]
    return link_issuer(party_issuer, tree.tuyen_quang)


@pytest.fixture
def commune_issuer(tree) -> Issuer:  # type: ignore[no-untyped-def]
    return link_issuer(make_front_issuer(), tree.nghia_thuan)


@pytest.fixture
def closed(tree, province_issuer):  # type: ignore[no-untyped-def]
    return close_a_course(n=2, unit=tree.nghia_thuan)


# --- The Commission reads only ---------------------------------------------------------------


def test_it_forbids_the_commission_to_revoke_and_reissue_on_the_pages(client, tree, closed):
    client.force_login(_user((tree.tuyen_quang, Grant.Role.COMMISSION)))
    certificate = Certificate.objects.order_by("serial").first()
    revoke = client.post(f"/giay-chung-nhan/{certificate.pk}/thu-hoi/", {"reason": "Sai"})
    reissue = client.post(f"/giay-chung-nhan/{certificate.pk}/cap-lai/")
    assert revoke.status_code == 403 and reissue.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == "valid" and Certificate.objects.count() == 2
    page = client.get(f"/giay-chung-nhan/{certificate.pk}/").content.decode()
    assert "Thu hồi giấy chứng nhận" not in page and "Cấp lại" not in page


def test_it_forbids_the_commission_to_issue_on_the_page(client, tree, province_issuer):
    record = _record(tree.nghia_thuan)
    client.force_login(_user((tree.tuyen_quang, Grant.Role.COMMISSION)))
    listing = client.get("/giay-chung-nhan/").content.decode()
    assert "Cấp giấy chứng nhận cho kết quả tập huấn" not in listing
    assert "Sổ cấp giấy chứng nhận" in listing  # the register is a read: still offered
    response = client.post(
        "/giay-chung-nhan/cap/", {"record": record.pk, "issuer": province_issuer.pk}
    )
    assert response.status_code == 403
    assert not Certificate.objects.exists() and not NumberCounter.objects.exists()


def test_it_forbids_the_commission_every_write_through_the_api(client, tree, closed):
    client.force_login(_user((tree.tuyen_quang, Grant.Role.COMMISSION)))
    certificate = Certificate.objects.order_by("serial").first()
    record = _record(tree.nghia_thuan)
    issuer = certificate.issuer
    body = {"training_record": record.pk, "issuer": issuer.pk}
    assert client.post(API, body, content_type="application/json").status_code == 403
    revoke = client.post(
        f"{API}{certificate.pk}/revoke/", {"reason": "Sai"}, content_type="application/json"
    )
    assert revoke.status_code == 403
    assert client.post(f"{API}{certificate.pk}/reissue/").status_code == 403
    assert list(Certificate.objects.values_list("status", flat=True)) == ["valid", "valid"]
    assert client.get(f"{API}{certificate.pk}/").status_code == 200  # reading stays allowed


# --- Writes only inside the units where the user holds a writer role ---------------------------


def test_it_lets_a_commune_organiser_revoke_only_in_its_commune(client, tree, province_issuer):
    here = close_a_course(n=1, unit=tree.nghia_thuan)
    there = close_a_course(n=1, unit=tree.can_ty_new)
    # Reads the whole province as the Commission, organises in Nghĩa Thuận only.
    user = _user(
        (tree.tuyen_quang, Grant.Role.COMMISSION), (tree.nghia_thuan, Grant.Role.ORGANISER)
    )
    client.force_login(user)
    mine = Certificate.objects.get(person=here.people[0])
    theirs = Certificate.objects.get(person=there.people[0])
    assert client.get(f"/giay-chung-nhan/{theirs.pk}/").status_code == 200
    url = f"/giay-chung-nhan/{theirs.pk}/thu-hoi/"
    assert client.post(url, {"reason": "Sai"}).status_code == 403
    api = client.post(f"{API}{theirs.pk}/revoke/", {"reason": "Sai"}, "application/json")
    assert api.status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == "valid"
    assert (
        "Thu hồi giấy chứng nhận"
        not in client.get(f"/giay-chung-nhan/{theirs.pk}/").content.decode()
    )
    client.post(
        f"/giay-chung-nhan/{mine.pk}/thu-hoi/",
        {"reason": "Sai tên", "reason_category": "wrong_details"},
    )
    mine.refresh_from_db()
    assert mine.status == "revoked"


def test_it_refuses_issuing_for_a_record_outside_the_writers_units(client, tree, province_issuer):
    other = _record(tree.can_ty_new)
    user = _user(
        (tree.tuyen_quang, Grant.Role.COMMISSION), (tree.nghia_thuan, Grant.Role.ORGANISER)
    )
    client.force_login(user)
    assert other.person.full_name not in client.get("/giay-chung-nhan/").content.decode()
    page = client.post("/giay-chung-nhan/cap/", {"record": other.pk, "issuer": province_issuer.pk})
    body = {"training_record": other.pk, "issuer": province_issuer.pk}
    api = client.post(API, body, content_type="application/json")
    assert page.status_code == 403 and api.status_code == 403
    assert not Certificate.objects.exists()


# --- Whose numbers a user may use ------------------------------------------------------------


def test_it_refuses_the_provincial_numbering_to_a_commune_organiser(
    client, tree, province_issuer, commune_issuer
):
    record = _record(tree.nghia_thuan)
    client.force_login(_user((tree.nghia_thuan, Grant.Role.ORGANISER)))
    listing = client.get("/giay-chung-nhan/").content.decode()
    pending = listing.split("Cấp giấy chứng nhận cho kết quả tập huấn")[1]
    assert record.person.full_name in pending
    assert f'<option value="{commune_issuer.pk}"' in pending
    assert f'<option value="{province_issuer.pk}"' not in pending
    page = client.post("/giay-chung-nhan/cap/", {"record": record.pk, "issuer": province_issuer.pk})
    assert page.status_code == 302
    assert (
        "không được cấp giấy chứng nhận với số" in client.get("/giay-chung-nhan/").content.decode()
    )
    body = {"training_record": record.pk, "issuer": province_issuer.pk}
    api = client.post(API, body, content_type="application/json")
    assert api.status_code == 403 and "không được cấp" in api.json()["detail"]
    assert not NumberCounter.objects.filter(issuer=province_issuer).exists()
    made = client.post(
        API, {"training_record": record.pk, "issuer": commune_issuer.pk}, "application/json"
    )
    assert made.status_code == 201 and made.json()["number"] == "1/GCN-UBMTTQ"


def test_it_lets_a_provincial_organiser_use_the_provincial_numbering(client, tree, province_issuer):
    record = _record(tree.nghia_thuan)
    client.force_login(_user((tree.tuyen_quang, Grant.Role.ORGANISER)))
    response = client.post(
        "/giay-chung-nhan/cap/", {"record": record.pk, "issuer": province_issuer.pk}
    )
    assert response.status_code == 302
    assert Certificate.objects.get(training_record=record).number == "1-GCN/BTGDV"


def test_it_keeps_issuers_without_an_organisation_for_administrators(client, tree, party_issuer):
    record = _record(tree.nghia_thuan)
    body = {"training_record": record.pk, "issuer": party_issuer.pk}
    client.force_login(_user((tree.tuyen_quang, Grant.Role.ORGANISER)))
    assert client.post(API, body, content_type="application/json").status_code == 403
    client.force_login(_user((tree.nghia_thuan, Grant.Role.ADMINISTRATOR)))
    made = client.post(API, body, content_type="application/json")
    assert made.status_code == 201 and made.json()["number"] == "1-GCN/BTGDV"


def test_it_refuses_reissuing_with_the_provincial_numbering_to_a_commune_organiser(
    client, tree, closed
):
    client.force_login(_user((tree.nghia_thuan, Grant.Role.ORGANISER)))
    certificate = Certificate.objects.order_by("serial").first()
    assert client.post(f"{API}{certificate.pk}/reissue/").status_code == 403
    page = client.post(f"/giay-chung-nhan/{certificate.pk}/cap-lai/")
    assert page.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "valid" and Certificate.objects.count() == 2
    # Revoking spends no number: allowed for a certificate of the commune.
    client.post(
        f"/giay-chung-nhan/{certificate.pk}/thu-hoi/",
        {"reason": "Sai tên", "reason_category": "wrong_details"},
    )
    certificate.refresh_from_db()
    assert certificate.status == "revoked"


# --- Malformed parameters: 400 or a message, never a 500 -----------------------------------------


def test_it_answers_400_to_a_malformed_register_request(client, tree, closed, province_issuer):
    client.force_login(_user((tree.tuyen_quang, Grant.Role.ORGANISER)))
    url = "/giay-chung-nhan/so-cap/"
    for params in (
        {"issuer": "abc"},
        {"issuer": "²"},
        {"issuer": "99999999999999999999"},
        {"issuer": province_issuer.pk, "year": "10000"},
        {"issuer": province_issuer.pk, "year": "1899"},
        {"issuer": province_issuer.pk, "year": "năm"},
    ):
        response = client.get(url, params)
        assert response.status_code == 400, params
        assert "hợp lệ" in response.content.decode() or "Năm phải" in response.content.decode()
    good = client.get(url, {"issuer": province_issuer.pk, "year": "2100"})
    assert good.status_code == 200


def test_it_answers_a_message_to_a_malformed_issue_form(client, tree, province_issuer):
    record = _record(tree.nghia_thuan)
    client.force_login(_user((tree.tuyen_quang, Grant.Role.ORGANISER)))
    for data in (
        {"record": "abc", "issuer": province_issuer.pk},
        {"record": record.pk, "issuer": "abc"},
        {"record": "²", "issuer": province_issuer.pk},
        {},
    ):
        response = client.post("/giay-chung-nhan/cap/", data, follow=True)
        assert response.status_code == 200, data
        assert "Chưa chọn kết quả tập huấn hoặc cơ quan cấp hợp lệ" in response.content.decode()
    assert not Certificate.objects.exists()


def test_it_answers_400_to_malformed_api_numbers(client, tree, province_issuer):
    record = _record(tree.nghia_thuan)
    client.force_login(_user((tree.tuyen_quang, Grant.Role.ORGANISER)))
    for body in (
        {"training_record": "abc", "issuer": province_issuer.pk},
        {"training_record": 10**20, "issuer": province_issuer.pk},
        {"training_record": record.pk, "issuer": -1},
    ):
        assert client.post(API, body, content_type="application/json").status_code == 400
    assert client.get(API, {"year": "abc"}).status_code == 400


def test_it_refuses_nul_characters_in_public_look_ups_and_search(client, tree, closed):
    # A NUL in the address is a 400 (config.middleware.RejectNulMiddleware); in a header
    # (the user agent, logged with every look-up) it is dropped.
    certificate = Certificate.objects.first()
    assert client.get(f"/xac-minh/{certificate.code}%00/").status_code == 400
    assert client.get(f"/api/v1/verify/%00{certificate.code}/").status_code == 400
    birth = certificate.holder_birth_date.strftime("%d/%m/%Y")
    nul_number = {"number": f"{certificate.number}\x00", "birth_date": birth}
    assert client.get("/xac-minh/tra-cuu/", nul_number).status_code == 400
    found = client.get(
        "/xac-minh/tra-cuu/",
        {"number": certificate.number, "birth_date": birth},
        HTTP_USER_AGENT="a\x00b",
    )
    assert found.status_code == 200 and certificate.holder_name in found.content.decode()
    bad_date = client.get(
        "/xac-minh/tra-cuu/", {"number": certificate.number, "birth_date": "31/02/1980"}
    )
    assert bad_date.status_code == 400 and "Ngày sinh" in bad_date.content.decode()
    client.force_login(_user((tree.tuyen_quang, Grant.Role.ORGANISER)))
    nul_search = client.get("/giay-chung-nhan/", {"q": f"{certificate.number}\x00"})
    assert nul_search.status_code == 400
    search = client.get("/giay-chung-nhan/", {"q": certificate.number, "course": "²"})
    assert search.status_code == 200 and certificate.holder_name in search.content.decode()
