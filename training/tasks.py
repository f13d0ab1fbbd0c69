"""Background jobs (django-tasks): invitation, waitlist and reminder e-mails.

Development runs them immediately (`ImmediateBackend`); production sets
`TASKS_BACKEND=django_tasks_db.DatabaseBackend` and runs `manage.py db_worker`. Every e-mail
is recorded as a `Notice` in the same transaction that sends it, so a job run twice (a
replayed queue, two workers, `send_reminders` run twice a day) sends one e-mail.
"""

from collections.abc import Iterable
from datetime import date, time, timedelta
from functools import partial

from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from training import calendar
from training.models import Course, Enrollment, Notice

ACTIVE = (Course.Status.OPEN, Course.Status.RUNNING)
INVITED = (Enrollment.Status.INVITED, Enrollment.Status.CONFIRMED)


def kind_for(enrollment: Enrollment) -> str | None:
    """Which invitation e-mail fits the enrollment now, if any."""
    if enrollment.course.status not in ACTIVE:
        return None  # drafts invite nobody yet; cancelled and finished courses are past it
    if enrollment.status in INVITED:
        return Notice.Kind.INVITATION
    if enrollment.status == Enrollment.Status.WAITLISTED:
        return Notice.Kind.WAITLIST
    return None


def _still_due(enrollment: Enrollment, kind: str) -> bool:
    if kind == Notice.Kind.REMINDER:
        return enrollment.status in INVITED and enrollment.course.status in ACTIVE
    return kind_for(enrollment) == kind


@task()
def send_notice(enrollment_id: int, kind: str) -> bool:
    """Send one e-mail of `kind` unless it was sent before or no longer fits; True if sent."""
    from training.emails import message

    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_related("person", "course__programme", "course__venue_unit")
            .filter(pk=enrollment_id)
            .first()
        )
        if enrollment is None or not enrollment.person.email or not _still_due(enrollment, kind):
            return False
        _, created = Notice.objects.get_or_create(enrollment=enrollment, kind=kind)
        if not created:
            return False
        # Sent inside the transaction: a failed send leaves no Notice, so a retry sends again.
        message(enrollment, kind).send()
    return True


def queue_invitations(enrollments: Iterable[Enrollment]) -> int:
    """Enqueue the invitation (or waitlist) e-mail of each enrollment once the current
    transaction commits; returns how many were queued."""
    jobs = [(e.pk, kind) for e in enrollments if (kind := kind_for(e))]
    for pk, kind in jobs:
        transaction.on_commit(partial(send_notice.enqueue, pk, str(kind)))
    return len(jobs)


def _sent(kind: str) -> Exists:
    return Exists(Notice.objects.filter(enrollment=OuterRef("pk"), kind=kind))


def pending_invitations() -> QuerySet[Enrollment]:
    """Invitations of open courses not announced yet (e.g. a draft that was opened since)."""
    upcoming = Course.objects.filter(status__in=ACTIVE, sessions__ends_at__gte=timezone.now())
    return (
        Enrollment.objects.filter(course__in=upcoming.values("pk"), person__email__gt="")
        .filter(
            (Q(status__in=INVITED) & ~Q(_sent(Notice.Kind.INVITATION)))
            # A waitlisted person promoted since gets the invitation too.
            | (Q(status=Enrollment.Status.WAITLISTED) & ~Q(_sent(Notice.Kind.WAITLIST)))
        )
        .select_related("course")
    )


def due_reminders(*, today: date, days: int) -> QuerySet[Enrollment]:
    """Invitees of courses whose first session falls within `days` days from `today`
    (the first session not yet started) who have not had their reminder."""
    first = Course.objects.filter(status__in=ACTIVE).annotate(first=Min("sessions__starts_at"))
    soon = first.filter(
        first__gte=max(timezone.now(), calendar.at(today, time(0, 0))),
        first__lt=calendar.at(today + timedelta(days=days + 1), time(0, 0)),
    )
    return (
        Enrollment.objects.filter(course__in=soon.values("pk"), status__in=INVITED)
        .filter(person__email__gt="")
        .exclude(_sent(Notice.Kind.REMINDER))
    )


def queue_due(*, today: date, days: int) -> tuple[int, int]:
    """Enqueue every pending invitation and due reminder; (invitations, reminders) queued."""
    invitations = list(pending_invitations())
    reminders = list(due_reminders(today=today, days=days).values_list("pk", flat=True))
    for e in invitations:
        send_notice.enqueue(e.pk, str(kind_for(e)))
    for pk in reminders:
        send_notice.enqueue(pk, str(Notice.Kind.REMINDER))
    return len(invitations), len(reminders)
