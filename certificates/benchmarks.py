"""Benchmarks of certificate issuing (run with `manage.py bench bulk_issue`)."""

import tempfile
import time
from datetime import date, datetime, timedelta

from django.test.utils import override_settings
from django.utils import timezone

from certificates.models import Issuer, IssuerName
from certificates.services import issue_for_course
from people.benchmarks import rolled_back
from people.models import Level, Organisation, OrgKind, Person, Unit
from training.models import Course, Enrollment, Programme, Session, TrainingRecord

BULK = 1000


def _course_with_completions(count: int) -> Course:
    """A course with one session and `count` completed enrolments with their records."""
    unit = Unit.objects.create(
        name="Xã Đo Hiệu Năng", level=Level.COMMUNE, kind=Unit.Kind.XA, edition=Unit.Edition.E2025
    )
    organiser = Organisation.objects.create(
        kind=OrgKind.FRONT_COMMITTEE, name="Ủy ban MTTQ xã Đo Hiệu Năng", unit=unit
    )
    issuer = Issuer.objects.create(
        code="bench-issuer",
        kind=Issuer.Kind.FRONT,
        number_suffix="BENCH",
        place_name="Tuyên Quang",
        signatory_title="CHỦ TỊCH",
        signatory_name="Nguyễn Văn Đo",
        organisation=organiser,
    )
    IssuerName.objects.create(issuer=issuer, name="Ủy ban MTTQ Việt Nam xã Đo Hiệu Năng")
    programme = Programme.objects.create(
        code="bench-programme", title="Bồi dưỡng nghiệp vụ công tác dân vận", has_certificate=True
    )
    course = Course.objects.create(
        programme=programme, organiser=organiser, title="Lớp đo hiệu năng", venue="Hội trường xã"
    )
    start = timezone.make_aware(datetime(2026, 2, 3, 8))
    Session.objects.create(course=course, starts_at=start, ends_at=start + timedelta(hours=4))
    people = Person.objects.bulk_create(
        Person(
            family_name="Nguyễn",
            middle_name="Thị",
            given_name=f"Hương {i}",
            full_name=f"Nguyễn Thị Hương {i}",
            sort_key=f"huong {i:05d}",
            birth_date=date(1980, 1, 1) + timedelta(days=i),
        )
        for i in range(count)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(
            course=course,
            person=p,
            status=Enrollment.Status.COMPLETED,
            role_label="Trưởng ban công tác Mặt trận",
            unit_name="Thôn Nà Lại",
        )
        for p in people
    )
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            person_id=e.person_id,
            programme=programme,
            completed_on=date(2026, 2, 3),
            course=course,
            enrollment=e,
            source=TrainingRecord.Source.COURSE,
        )
        for e in enrollments
    )
    return course


def bulk_issue(count: int = BULK) -> dict[str, float]:
    """Seconds to number, snapshot, render and store 1,000 certificates of one course (each in
    its own transaction, as after closing a course); everything is rolled back."""
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        with rolled_back():
            course = _course_with_completions(count)
            started, cpu = time.perf_counter(), time.process_time()
            issued = issue_for_course(course=course).issued
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "certificates": len(issued),
        "seconds": round(seconds, 2),
        # CPU time of this process: what the run costs on one core, whatever else is running.
        "cpu_seconds": round(cpu, 2),
        "ms_per_certificate": round(1000 * seconds / max(len(issued), 1), 1),
    }


BENCHMARKS = {"bulk_issue": bulk_issue}
