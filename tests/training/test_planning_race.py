"""Two planners confirming plans for the same venue at once must not book the same days."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from tests.training import test_planning_support as support
from tests.training.test_planning_support import World, fill_village
from training import calendar
from training.models import Session, Target
from training.planning import commit_plan, plan_courses

world = support.world
catalogue = support.catalogue
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite ignores row locks"),
]
ON = date(2025, 3, 3)


def test_it_serialises_plans_for_one_venue(world: World) -> None:
    fill_village(world.na_ma, ["Thào Mí A", "Thào Mí B"])
    target = Target.objects.current("nq33-village", on=ON)
    plans = [
        plan_courses(
            target=target,
            unit=world.tree.thanh_van,
            as_of=ON,
            start=date(2026, 3, 9),
            capacity=30,
            days=2,
        )
        for _ in range(2)
    ]
    # Both proposals, made before either is confirmed, ask for the same two days.
    assert plans[0].courses[0].days == plans[1].courses[0].days
    barrier, errors = threading.Barrier(2), []

    def confirm(plan) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            commit_plan(plan=plan)
        except Exception as e:  # noqa: BLE001 — reported by the assertion below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(p,)) for p in plans]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    days_by_course: dict[int, set[date]] = {}
    for session in Session.objects.all():
        days_by_course.setdefault(session.course_id, set()).add(
            calendar.local_date(session.starts_at)
        )
    first, second = days_by_course.values()
    assert first.isdisjoint(second)
    assert sorted(first | second) == [date(2026, 3, d) for d in (9, 10, 11, 12)]
