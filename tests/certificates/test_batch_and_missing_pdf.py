"""Issuing a course in a batch goes on past a refused trainee and says who and why; a PDF
missing from media is rendered again from the certificate's snapshot, or a Vietnamese 404."""

import io
import zipfile
from datetime import datetime, timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from certificates.models import Certificate
from certificates.services import issue_certificate, issue_for_course
from people.models import Grant
from tests.factories import PersonFactory, UserFactory, grant
from training import services as training
from training.models import Course, Programme, TrainingRecord

pytestmark = pytest.mark.django_db


def course_of_nine(unit, *, close: bool = True):  # type: ignore[no-untyped-def]
    """Nine trainees attend one past session; the first in name order (An) already holds a
    certificate for this training, issued by hand for a record imported before the course."""
    programme = Programme.objects.create(
        code="bd-dv", title="Bồi dưỡng nghiệp vụ công tác dân vận", has_certificate=True
    )
    course = Course.objects.create(
        programme=programme, title="Lớp bồi dưỡng khóa I", venue="Hội trường xã",
        venue_unit=unit, capacity=20, status=Course.Status.OPEN,
    )  # fmt: skip
    start = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=2), datetime.min.time())
    ) + timedelta(hours=8)
    session = training.add_session(
        course=course, starts_at=start, ends_at=start + timedelta(hours=4)
    ).sessions[0]
    first = PersonFactory(given_name="An", home_unit=unit)
    people = [first] + [PersonFactory(home_unit=unit) for _ in range(8)]
    record = TrainingRecord.objects.create(
        person=first, programme=programme, completed_on=timezone.localdate() - timedelta(days=2)
    )
    held = issue_certificate(record=record, issuer=_issuer())
    marks = {training.invite(course=course, person=p).pk: "present" for p in people}
    training.record_attendance(session=session, marks=marks)
    if close:
        training.close_course(course=course)  # in the test's transaction: no issue yet
    return course, first, held


def _issuer():  # type: ignore[no-untyped-def]
    from certificates.models import Issuer

    return Issuer.objects.get(is_default=True)


def test_a_batch_issues_every_other_trainee_and_reports_the_refused_one(tree, party_issuer):
    course, first, held = course_of_nine(tree.nghia_thuan)
    batch = issue_for_course(course=course)
    assert len(batch.issued) == 8 and first.pk not in {c.person_id for c in batch.issued}
    (refused,) = batch.refused
    assert refused.person == str(first)
    assert refused.reason == (
        f"{first} đã có giấy chứng nhận số {held.number} cho chương trình này."
    )
    assert Certificate.objects.filter(course=course).count() == 8
    assert f"Đã cấp 8 giấy chứng nhận; 1 người không được cấp: {first}:" in batch.summary()
    numbers = sorted(Certificate.objects.values_list("serial", flat=True))
    assert numbers == list(range(1, 10))  # no gap left by the refused one


def test_the_command_issues_the_rest_names_the_refused_and_fails(tree, party_issuer):
    course, first, _ = course_of_nine(tree.nghia_thuan)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="Đã cấp 8 giấy chứng nhận .* 1 người không được cấp"):
        call_command("issue_certificates", "--course", str(course.pk), stdout=out, stderr=err)
    assert out.getvalue().count("GCN/BTGDV") == 8
    assert f"Không cấp: {first}: {first} đã có giấy chứng nhận số" in err.getvalue()


def test_closing_a_course_issues_on_commit_for_all_but_the_refused(tree, party_issuer):
    course, first, _ = course_of_nine(tree.nghia_thuan, close=False)
    with TestCase.captureOnCommitCallbacks(execute=True):
        training.close_course(course=course)
    assert course.certificate_batch.refused[0].person == str(first)  # type: ignore[attr-defined]
    assert Certificate.objects.filter(course=course).count() == 8


@pytest.mark.django_db(transaction=True)
def test_closing_on_the_page_and_the_api_says_who_got_no_certificate(tree):
    from tests.certificates.conftest import make_party_issuer

    make_party_issuer()
    organiser = UserFactory()
    grant(organiser, tree.tuyen_quang, Grant.Role.ORGANISER)
    course, first, _ = course_of_nine(tree.nghia_thuan, close=False)
    from django.test import Client

    web = Client()
    web.force_login(organiser)
    page = web.post(reverse("training:results", args=[course.pk]), {"close": "1"}, follow=True)
    html = page.content.decode()
    assert "Đã cấp 8 giấy chứng nhận; 1 người không được cấp" in html and str(first) in html
    other, second, _ = _second_course(tree)
    api = APIClient()
    api.force_authenticate(organiser)
    body = api.post(f"/api/v1/courses/{other.pk}/close/").json()
    assert len(body["certificates"]["issued"]) == 8
    assert [r["person"] for r in body["certificates"]["refused"]] == [str(second)]


def _second_course(tree):  # type: ignore[no-untyped-def]
    Programme.objects.filter(code="bd-dv").update(code="bd-dv-1")
    return course_of_nine(tree.nghia_thuan, close=False)


# ---------------------------------------------------------------- a PDF missing from media


@pytest.fixture
def closed(tree, party_issuer):  # type: ignore[no-untyped-def]
    from tests.certificates.conftest import close_a_course

    return close_a_course(n=3, unit=tree.nghia_thuan)


@pytest.fixture
def organiser(tree):  # type: ignore[no-untyped-def]
    user = UserFactory()
    grant(user, tree.tuyen_quang, Grant.Role.ORGANISER)
    return user


def text_of(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_missing_pdf_is_rendered_again_from_the_snapshot_and_stored(client, organiser, closed):
    certificate = Certificate.objects.filter(course=closed.course).first()
    before = text_of(certificate.pdf.read())
    certificate.pdf.close()
    default_storage.delete(certificate.pdf.name)
    client.force_login(organiser)
    response = client.get(reverse("certificates:pdf", args=[certificate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    again = b"".join(response.streaming_content)
    assert text_of(again) == before  # the same text: number, holder, dates, QR link
    assert default_storage.exists(Certificate.objects.get(pk=certificate.pk).pdf.name)


def test_the_api_and_the_course_bundles_render_missing_pdfs_again(client, organiser, closed):
    for certificate in Certificate.objects.filter(course=closed.course):
        default_storage.delete(certificate.pdf.name)
    api = APIClient()
    api.force_authenticate(organiser)
    one = Certificate.objects.filter(course=closed.course).first()
    assert api.get(f"/api/v1/certificates/{one.pk}/pdf/").status_code == 200
    for certificate in Certificate.objects.filter(course=closed.course):
        default_storage.delete(certificate.pdf.name)
    client.force_login(organiser)
    merged = client.get(f"/giay-chung-nhan/lop/{closed.course.pk}/pdf/")
    assert merged.status_code == 200 and len(PdfReader(io.BytesIO(merged.content)).pages) == 3
    bundle = client.get(f"/giay-chung-nhan/lop/{closed.course.pk}/zip/")
    assert len(zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()) == 3


def test_a_pdf_that_cannot_be_rendered_again_is_a_404_with_a_vietnamese_message(
    client, organiser, closed, party_issuer
):
    certificate = Certificate.objects.filter(course=closed.course).first()
    default_storage.delete(certificate.pdf.name)
    party_issuer.seal_image.name = "certificates/seals/da-mat.png"  # gone from media too
    party_issuer.save(update_fields=["seal_image"])
    client.force_login(organiser)
    response = client.get(reverse("certificates:pdf", args=[certificate.pk]))
    message = f"Không tìm thấy tệp PDF của giấy chứng nhận số {certificate.number}"
    assert response.status_code == 404 and message in response.content.decode()
    assert client.get(f"/giay-chung-nhan/lop/{closed.course.pk}/pdf/").status_code == 404
    api = APIClient()
    api.force_authenticate(organiser)
    refused = api.get(f"/api/v1/certificates/{certificate.pk}/pdf/")
    assert refused.status_code == 404 and message in refused.json()["detail"]


def test_the_register_writes_a_formula_like_holder_name_as_text(client, organiser, closed):
    from openpyxl import load_workbook

    from certificates.bulk import register_xlsx

    Certificate.objects.filter(course=closed.course).update(holder_name="=1+2")
    issuer = Certificate.objects.first().issuer
    sheet = load_workbook(
        io.BytesIO(register_xlsx(issuer=issuer, year=timezone.localdate().year))
    ).active
    names = {(c.value, c.data_type) for c in sheet["C"][2:]}
    assert names == {("=1+2", "s")}
