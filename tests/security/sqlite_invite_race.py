"""Run by test_sqlite_concurrency.py in its own process, against a fresh SQLite file:
migrate, then 20 threads invite 20 people to one course at the same moment through
`training.services.invite`. Prints one JSON line: the errors and the invitations written.

Usage: DATABASE_URL=sqlite:////tmp/x.sqlite3 python sqlite_invite_race.py [--django-defaults]
(--django-defaults drops our SQLite options, to show what they prevent)."""

import json
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
N = 20


def main() -> None:
    from django.conf import settings

    if "--django-defaults" in sys.argv:
        settings.DATABASES["default"]["OPTIONS"] = {}
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from tests.factories import PersonFactory
    from training.models import Course, Enrollment, Programme
    from training.services import invite

    call_command("migrate", verbosity=0)
    course = Course.objects.create(
        programme=Programme.objects.get(code="xdd-kndv"),
        title="Lớp đông người",
        capacity=N,
        status=Course.Status.OPEN,
    )
    people = [PersonFactory() for _ in range(N)]
    barrier = threading.Barrier(N)
    errors: list[str] = []

    def run(person) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            invite(course=course, person=person)
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    invited = Enrollment.objects.filter(course=course, status=Enrollment.Status.INVITED).count()
    print(json.dumps({"errors": errors, "invited": invited, "journal_mode": mode}))


if __name__ == "__main__":
    main()
