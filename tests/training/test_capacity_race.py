import threading

import pytest
from django.db import connection, connections

from tests.factories import PersonFactory
from tests.training.conftest import make_course
from training.models import Enrollment
from training.services import cancel_enrollment, invite

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite ignores row locks"),
]


def _race(target, args_list):  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(args_list))
    errors = []

    def run(args):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            target(**args)
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_it_never_invites_more_than_capacity_under_parallel_invitations(place, programme):
    course = make_course(place, programme, capacity=3)
    people = [PersonFactory() for _ in range(12)]
    _race(invite, [{"course": course, "person": p} for p in people])
    statuses = list(course.enrollments.values_list("status", flat=True))
    assert statuses.count(Enrollment.Status.INVITED) == 3
    assert statuses.count(Enrollment.Status.WAITLISTED) == 9


def test_it_promotes_one_waitlisted_per_freed_place_under_parallel_cancellations(place, programme):
    course = make_course(place, programme, capacity=4)
    enrollments = [invite(course=course, person=PersonFactory()) for _ in range(10)]
    _race(cancel_enrollment, [{"enrollment": e} for e in enrollments[:4]])
    statuses = list(course.enrollments.values_list("status", flat=True))
    assert statuses.count(Enrollment.Status.INVITED) == 4
    assert statuses.count(Enrollment.Status.CANCELLED) == 4
    assert statuses.count(Enrollment.Status.WAITLISTED) == 2
