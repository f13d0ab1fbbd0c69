"""Benchmarks of training (run with `manage.py bench <name>`); each works in a rolled-back
transaction on synthetic people, so it may run on the development database."""

import time
from collections.abc import Callable
from datetime import date, timedelta
from datetime import time as clock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from people.benchmarks import rolled_back
from people.models import Person
from training.calendar import at, working_days
from training.models import Attendance, Course, Programme, Session
from training.services import (
    close_course,
    create_course,
    invite,
    invite_many,
    record_attendance,
)

PEOPLE = 500
SESSIONS = 5


def _course(capacity: int) -> tuple[Course, list[Session]]:
    course = create_course(
        programme=Programme.objects.get(code="xdd-kndv"), title="Bench", capacity=capacity
    )
    first = timezone.localdate() - timedelta(days=30)
    days = working_days(first, SESSIONS)
    sessions = Session.objects.bulk_create(
        Session(course=course, starts_at=at(d, clock(7)), ends_at=at(d, clock(11))) for d in days
    )
    return course, sessions


def _people(n: int) -> list[Person]:
    people = [Person(full_name=f"Người Thử {i}", birth_date=date(1980, 1, 1)) for i in range(n)]
    for p in people:
        p.sort_key = p.name_key = p.search_text = p.full_name
    return Person.objects.bulk_create(people)


def course_lifecycle() -> dict[str, float]:
    """Invite 500 people (capacity 400), mark 5 sessions, close: seconds and queries."""
    result: dict[str, float] = {}
    with rolled_back():
        course, sessions = _course(capacity=PEOPLE * 4 // 5)
        people = _people(PEOPLE)
        half = PEOPLE // 2
        started = time.perf_counter()
        enrollments = [invite(course=course, person=p) for p in people[:half]]
        result["invite_one_by_one_ms_per_person"] = round(
            (time.perf_counter() - started) * 1000 / half, 2
        )
        started = time.perf_counter()
        enrollments += invite_many(course=course, people=people[half:])
        result["invite_many_ms_per_person"] = round(
            (time.perf_counter() - started) * 1000 / (PEOPLE - half), 3
        )
        seated = [e for e in enrollments if e.status == "invited"]
        with CaptureQueriesContext(connection) as q:
            started = time.perf_counter()
            for s in sessions:
                record_attendance(
                    session=s, marks={e.pk: Attendance.Status.PRESENT for e in seated}
                )
            result["attendance_marks"] = len(seated) * len(sessions)
            result["attendance_seconds"] = round(time.perf_counter() - started, 3)
        result["attendance_queries"] = len(q.captured_queries)
        with CaptureQueriesContext(connection) as q:
            started = time.perf_counter()
            records = close_course(course=course, by=None)
            result["close_seconds"] = round(time.perf_counter() - started, 3)
        result["close_queries"] = len(q.captured_queries)
        result["records"] = len(records)
    return result


BENCHMARKS: dict[str, Callable[[], dict]] = {"training_course_lifecycle": course_lifecycle}
