import io

import pytest

from people.models import Organisation, OrgKind
from training import demo
from training.models import Course, Enrollment, TrainingRecord

pytestmark = pytest.mark.django_db


def test_it_builds_demo_courses_once(place):
    Organisation.objects.create(kind=OrgKind.AGENCY, name=demo.OLD_ORGANISER, unit=place.province)
    out = io.StringIO()
    demo.load(stdout=out)
    assert "lớp đã kết thúc" in out.getvalue()
    courses = Course.objects.count()
    assert Course.objects.filter(status=Course.Status.COMPLETED).exists()
    results = Enrollment.objects.filter(course__status=Course.Status.COMPLETED)
    assert results.exists()
    assert set(results.values_list("status", flat=True)) <= {"completed", "not_completed"}
    completed = results.filter(status="completed").count()
    assert TrainingRecord.objects.filter(source="course").count() == completed
    assert Course.objects.filter(status=Course.Status.OPEN, sessions__isnull=False).exists()
    demo.load(stdout=out)
    assert "đã có: bỏ qua" in out.getvalue()
    assert Course.objects.count() == courses
