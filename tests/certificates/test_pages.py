import io
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.services import reissue_certificate, revoke_certificate
from people.models import Grant
from tests.certificates.conftest import close_a_course, link_issuer
from tests.factories import UserFactory, grant
from training.models import Programme, TrainingRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(tree):  # type: ignore[no-untyped-def]
    user = UserFactory()
    grant(user, tree.tuyen_quang, Grant.Role.ORGANISER)
    return user


@pytest.fixture
def closed(tree, party_issuer):  # type: ignore[no-untyped-def]
    return close_a_course(n=3, unit=tree.nghia_thuan)


def test_it_lists_certificates_in_few_queries(
    client, organiser, closed, django_assert_max_num_queries
):
    client.force_login(organiser)
    with django_assert_max_num_queries(20):
        response = client.get("/giay-chung-nhan/")
    page = response.content.decode()
    assert response.status_code == 200
    assert all(p.full_name in page for p in closed.people)
    filtered = client.get("/giay-chung-nhan/", {"q": closed.people[0].given_name.lower()})
    assert closed.people[0].full_name in filtered.content.decode()
    assert closed.people[1].full_name not in filtered.content.decode()
    revoked = client.get("/giay-chung-nhan/", {"status": "revoked"}).content.decode()
    assert closed.people[0].full_name not in revoked


def test_it_downloads_a_course_as_one_merged_pdf(client, organiser, closed):
    client.force_login(organiser)
    response = client.get(f"/giay-chung-nhan/lop/{closed.course.pk}/pdf/")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 3
    names = [page.extract_text() for page in reader.pages]
    assert all(any(p.full_name in text for text in names) for p in closed.people)


def test_it_downloads_a_course_as_a_zip(client, organiser, closed):
    client.force_login(organiser)
    response = client.get(f"/giay-chung-nhan/lop/{closed.course.pk}/zip/")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert len(archive.namelist()) == 3
    assert all(name.endswith(".pdf") and "GCN_BTGDV" in name for name in archive.namelist())


def test_it_exports_the_register_and_reads_back(client, organiser, closed, party_issuer):
    first = Certificate.objects.order_by("serial").first()
    revoke_certificate(certificate=first, reason="Cấp nhầm", by=organiser)
    second = Certificate.objects.order_by("serial")[1]
    new = reissue_certificate(certificate=second)
    client.force_login(organiser)
    year = first.year
    response = client.get("/giay-chung-nhan/so-cap/", {"issuer": party_issuer.pk, "year": year})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[1]) == [
        "STT",
        "Số GCN",
        "Họ và tên",
        "Ngày sinh",
        "Chương trình",
        "Khóa học",
        "Ngày cấp",
        "Trạng thái",
        "Ghi chú",
    ]
    data = rows[2:]
    assert [r[1] for r in data] == [f"{i}-GCN/BTGDV" for i in range(1, 5)]
    assert data[0][7] == "Đã thu hồi" and "Cấp nhầm" in data[0][8]
    assert data[1][7] == "Đã được cấp lại" and new.number in data[1][8]
    assert data[2][3] == "01/01/1980"


def test_it_issues_by_hand_revokes_and_reissues_from_the_pages(
    client, tree, organiser, closed, party_issuer
):
    link_issuer(party_issuer, tree.tuyen_quang)
    client.force_login(organiser)
    record = TrainingRecord.objects.filter(course=closed.course).first()
    certificate = Certificate.objects.get(training_record=record)
    response = client.post(
        f"/giay-chung-nhan/{certificate.pk}/thu-hoi/",
        {"reason": "", "reason_category": "wrong_details"},
    )
    certificate.refresh_from_db()
    assert certificate.status == "valid"
    client.post(
        f"/giay-chung-nhan/{certificate.pk}/thu-hoi/",
        {"reason": "Sai thông tin", "reason_category": "wrong_details"},
    )
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    listing = client.get("/giay-chung-nhan/").content.decode()
    assert f'name="record" value="{record.pk}"' in listing
    response = client.post(
        "/giay-chung-nhan/cap/", {"record": record.pk, "issuer": party_issuer.pk}
    )
    new = Certificate.objects.get(training_record=record, status="valid")
    assert response.status_code == 302 and new.number == "4-GCN/BTGDV"
    client.post(f"/giay-chung-nhan/{new.pk}/cap-lai/")
    new.refresh_from_db()
    assert new.status == "superseded" and new.superseded_by.number == "5-GCN/BTGDV"


def test_it_shows_trainees_their_own_certificates_only(client, closed):
    mine, other = closed.people[0], closed.people[1]
    user = UserFactory()
    mine.user = user
    mine.save()
    client.force_login(user)
    page = client.get("/cua-toi/").content.decode()
    own = Certificate.objects.get(person=mine)
    theirs = Certificate.objects.get(person=other)
    assert own.number in page and theirs.number not in page
    assert client.get(f"/giay-chung-nhan/{own.pk}/pdf/").status_code == 200
    assert client.get(f"/giay-chung-nhan/{theirs.pk}/pdf/").status_code == 404
    listing = client.get("/giay-chung-nhan/").content.decode()
    assert own.number in listing and theirs.number not in listing


def test_it_issues_a_course_from_the_command(tree, party_issuer):
    closed = close_a_course(n=2, unit=tree.nghia_thuan)
    Certificate.objects.filter(course=closed.course).update(
        status="revoked", revocation_category="other", revocation_reason="x"
    )
    out = io.StringIO()
    call_command("issue_certificates", "--course", str(closed.course.pk), stdout=out)
    assert "Đã cấp 0 giấy chứng nhận" in out.getvalue()  # those enrolments already have one
    other = close_a_course(n=2, unit=tree.nghia_thuan, code="nv-khac", certifying=False)
    Programme.objects.filter(code="nv-khac").update(has_certificate=True)
    call_command("issue_certificates", "--course", str(other.course.pk), stdout=out)
    assert "Đã cấp 2 giấy chứng nhận" in out.getvalue()
    assert Certificate.objects.filter(course=other.course, status="valid").count() == 2


def test_it_shows_certificates_in_the_admin_without_delete(admin_client, closed):
    certificate = Certificate.objects.first()
    listing = admin_client.get("/admin/certificates/certificate/")
    assert listing.status_code == 200 and certificate.number in listing.content.decode()
    change = admin_client.get(f"/admin/certificates/certificate/{certificate.pk}/change/")
    assert change.status_code == 200
    assert (
        admin_client.get(f"/admin/certificates/certificate/{certificate.pk}/delete/").status_code
        == 403
    )
    assert admin_client.get("/admin/certificates/issuer/").status_code == 200


def test_it_limits_the_register_to_the_users_scope(client, tree, closed, party_issuer):
    elsewhere = close_a_course(n=1, unit=tree.can_ty_new, code="nv-xa-khac")
    user = UserFactory()
    grant(user, tree.nghia_thuan, Grant.Role.ORGANISER)
    client.force_login(user)
    year = Certificate.objects.first().year
    response = client.get("/giay-chung-nhan/so-cap/", {"issuer": party_issuer.pk, "year": year})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    names = {r[2] for r in rows[2:]}
    assert names == {p.full_name for p in closed.people}
    assert elsewhere.people[0].full_name not in names


def test_closing_says_how_many_certificates_were_issued_and_links_to_them(
    client, organiser, tree, party_issuer, django_capture_on_commit_callbacks
):
    ready = close_a_course(n=3, unit=tree.nghia_thuan, close=False)
    client.force_login(organiser)
    results = f"/lop/{ready.course.pk}/ket-qua/"

    with django_capture_on_commit_callbacks(execute=True):
        closing = client.post(results, {"close": "1"})
    page = client.get(closing.url).content.decode()

    assert "Đã cấp 3 giấy chứng nhận" in page
    pdf = f"/giay-chung-nhan/lop/{ready.course.pk}/pdf/"
    archive = f"/giay-chung-nhan/lop/{ready.course.pk}/zip/"
    assert f'href="{pdf}"' in page and f'href="{archive}"' in page
    with zipfile.ZipFile(io.BytesIO(client.get(archive).content)) as files:
        assert len(files.namelist()) == 3
    assert len(PdfReader(io.BytesIO(client.get(pdf).content)).pages) == 3
    # Said again on every later visit, with the links.
    assert 'id="course-certificates"' in client.get(results).content.decode()
