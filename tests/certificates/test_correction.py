"""A result corrected after its certificate was revoked (thu hồi rồi mới điều chỉnh kết quả)."""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from certificates.services import revoke_certificate
from tests.certificates.conftest import close_a_course
from training.models import Enrollment, TrainingRecord

pytestmark = pytest.mark.django_db


def correct(client, enrollment: Enrollment):  # type: ignore[no-untyped-def]
    url = reverse("training:override", args=[enrollment.course_id, enrollment.pk])
    return client.post(url, {"completed": "0", "reason": "Vắng buổi chiều, điểm danh nhầm"})


def test_a_result_is_corrected_once_its_certificate_is_revoked(
    admin_client, admin_user, party_issuer
):
    closed = close_a_course(n=1)
    enrollment = closed.course.enrollments.get(person=closed.people[0])
    certificate = Certificate.objects.get(enrollment=enrollment)

    refused = correct(admin_client, enrollment)
    assert "hãy thu hồi giấy trước" in admin_client.get(refused.url).content.decode()
    assert TrainingRecord.objects.filter(enrollment=enrollment).exists()

    revoke_certificate(certificate=certificate, reason="Điểm danh nhầm", by=admin_user)
    done = correct(admin_client, enrollment)

    page = admin_client.get(done.url).content.decode()
    assert "Đã điều chỉnh kết quả" in page and "thu hồi giấy trước" not in page
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.NOT_COMPLETED
    # No longer counted as trained: the record is gone; the revoked certificate stays in the
    # register with its number, holder and course.
    assert not TrainingRecord.objects.filter(person=closed.people[0]).exists()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert (certificate.enrollment, certificate.course) == (enrollment, closed.course)
    assert certificate.training_record is None
