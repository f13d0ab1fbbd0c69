"""Attendance can only be taken for sessions whose day (Asia/Ho_Chi_Minh) has come."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from training import calendar
from training.models import Attendance, Course, Session
from training.services import TrainingError, invite, record_attendance

pytestmark = pytest.mark.django_db


def local_today():  # type: ignore[no-untyped-def]
    return calendar.local_date(timezone.now())


def session_on(course: Course, day, start: time = time(7, 30)) -> Session:  # type: ignore[no-untyped-def]
    starts = calendar.at(day, start)
    return Session.objects.create(
        course=course, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )


def test_it_refuses_attendance_for_a_future_session(course, place):
    day = local_today() + timedelta(days=21)
    session = session_on(course, day)
    e = invite(course=course, person=place.holders[0])
    with pytest.raises(TrainingError) as err:
        record_attendance(session=session, marks={e.pk: Attendance.Status.PRESENT})
    assert str(err.value) == f"Buổi học ngày {day:%d/%m/%Y} chưa diễn ra: chưa thể điểm danh"
    assert not Attendance.objects.exists()
    course.refresh_from_db()
    assert course.status == Course.Status.OPEN


def test_it_reads_the_session_day_in_vietnam_time(course, place):
    """A session at 00:30 tomorrow in Hà Nội is still in the future, whatever the UTC date."""
    tomorrow = local_today() + timedelta(days=1)
    session = session_on(course, tomorrow, time(0, 30))
    e = invite(course=course, person=place.holders[0])
    with pytest.raises(TrainingError, match="chưa diễn ra"):
        record_attendance(session=session, marks={e.pk: Attendance.Status.PRESENT})


def test_it_accepts_attendance_for_a_session_later_today(course, place):
    session = session_on(course, local_today(), time(23, 0))
    session.ends_at = session.starts_at + timedelta(minutes=30)
    session.save()
    e = invite(course=course, person=place.holders[0])
    assert record_attendance(session=session, marks={e.pk: Attendance.Status.PRESENT}) == 1


def test_it_shows_a_future_session_as_not_open_and_refuses_the_post(
    client, course, place, organiser
):
    day = local_today() + timedelta(days=21)
    session = session_on(course, day)
    e = invite(course=course, person=place.holders[0])
    client.force_login(organiser)
    url = reverse("training:attendance", args=[course.pk, session.pk])
    page = client.get(url).content.decode()
    assert f"Buổi học ngày {day:%d/%m/%Y} chưa diễn ra" in page
    assert 'name="m' not in page
    assert "Lưu điểm danh</button>" not in page
    assert place.holders[0].full_name in page
    response = client.post(url, {f"m{e.pk}": "present"}, follow=True)
    assert "chưa thể điểm danh" in response.content.decode()
    assert not Attendance.objects.exists()
    course.refresh_from_db()
    assert course.status == Course.Status.OPEN


def test_it_refuses_future_marks_through_the_api(course, place, organiser):
    past = session_on(course, local_today() - timedelta(days=2))
    future = session_on(course, local_today() + timedelta(days=21))
    e = invite(course=course, person=place.holders[0])
    api = APIClient()
    api.force_authenticate(organiser)
    marks = [
        {"session": past.pk, "enrollment": e.pk, "status": "present"},
        {"session": future.pk, "enrollment": e.pk, "status": "present"},
    ]
    response = api.post("/api/v1/attendance/", marks, format="json")
    assert response.status_code == 400
    assert "chưa diễn ra" in str(response.json())
    assert not Attendance.objects.exists()


def test_it_still_shows_the_grid_for_a_past_session(client, course, place, organiser):
    session = session_on(course, local_today() - timedelta(days=1))
    invite(course=course, person=place.holders[0])
    client.force_login(organiser)
    page = client.get(reverse("training:attendance", args=[course.pk, session.pk])).content
    assert 'name="m' in page.decode()
