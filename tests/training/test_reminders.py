"""Invitation and reminder e-mails: .ics attached, sent once, drafts silent, the DB worker."""

from datetime import time, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from tests.training import test_planning_support as support
from tests.training.test_planning_support import World, person
from training import calendar
from training.models import Course, Notice, Programme, Session
from training.services import create_course, invite, update_course
from training.tasks import queue_invitations, send_notice

world = support.world
catalogue = support.catalogue


def make_course(
    world: World, *, in_days: int, status: str = Course.Status.OPEN, capacity=10
) -> Course:  # type: ignore[no-untyped-def]
    course = create_course(
        programme=Programme.objects.get(code="xdd-kndv"),
        title="Hội nghị tập huấn Thanh Vân",
        venue="Hội trường xã Thanh Vân",
        venue_unit=world.tree.thanh_van,
        capacity=capacity,
        status=status,
        organiser_name="Ban Tuyên giáo và Dân vận Tỉnh ủy",
    )
    day = timezone.localdate() + timedelta(days=in_days)
    Session.objects.create(
        course=course,
        starts_at=calendar.at(day, time(7, 30)),
        ends_at=calendar.at(day, time(11, 30)),
        title="Buổi sáng",
    )
    return course


def invite_people(course: Course, *names: str) -> list:  # type: ignore[type-arg]
    return [
        invite(course=course, person=person(n, email=f"hv{i}@example.vn"))
        for i, n in enumerate(names)
    ]


def ics_of(message) -> str:  # type: ignore[no-untyped-def]
    (name, content, mimetype), *_ = message.attachments
    assert name.endswith(".ics")
    assert mimetype == "text/calendar"
    return content


def test_it_sends_invitations_with_the_course_calendar_after_commit(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    course = make_course(world, in_days=10, capacity=1)
    enrollments = invite_people(course, "Lò Văn Sáng", "Vàng Thị Mai")

    with django_capture_on_commit_callbacks(execute=True):
        assert queue_invitations(enrollments) == 2

    invitation, waitlist = sorted(mail.outbox, key=lambda m: m.to[0])
    assert invitation.to == ["hv0@example.vn"]
    assert invitation.subject == "Giấy mời tham dự: Hội nghị tập huấn Thanh Vân"
    assert "Kính gửi đồng chí Lò Văn Sáng" in invitation.body
    assert "Hội trường xã Thanh Vân" in invitation.body
    ics = ics_of(invitation)
    assert ics.startswith("BEGIN:VCALENDAR")
    assert "SUMMARY:Hội nghị tập huấn Thanh Vân — Buổi sáng" in ics
    assert waitlist.subject == "Danh sách chờ: Hội nghị tập huấn Thanh Vân"
    assert "BEGIN:VEVENT" in ics_of(waitlist)


def test_it_sends_nothing_for_a_draft_until_it_opens(
    world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    course = make_course(world, in_days=10, status=Course.Status.DRAFT)
    enrollments = invite_people(course, "Lò Văn Sáng")

    with django_capture_on_commit_callbacks(execute=True):
        queue_invitations(enrollments)
    assert mail.outbox == []

    update_course(course=course, status=Course.Status.OPEN)
    call_command("send_reminders", stdout=StringIO())
    assert [m.subject for m in mail.outbox] == ["Giấy mời tham dự: Hội nghị tập huấn Thanh Vân"]


def test_it_reminds_once_n_days_before_the_first_session(world) -> None:  # type: ignore[no-untyped-def]
    soon = make_course(world, in_days=2)
    later = make_course(world, in_days=5)
    for e in invite_people(soon, "Lò Văn Sáng") + invite_people(later, "Vàng Thị Mai"):
        Notice.objects.create(enrollment=e, kind=Notice.Kind.INVITATION)
    out = StringIO()

    call_command("send_reminders", "--days", "2", stdout=out)
    call_command("send_reminders", "--days", "2", stdout=StringIO())

    assert "Đã xếp hàng 1 thư nhắc lịch và 0 giấy mời." in out.getvalue()
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Nhắc lịch học: Hội nghị tập huấn Thanh Vân", ["hv0@example.vn"])
    ]
    assert "BEGIN:VCALENDAR" in ics_of(mail.outbox[0])
    assert Notice.objects.filter(kind=Notice.Kind.REMINDER).count() == 1


def test_it_does_not_send_the_same_notice_twice(world) -> None:  # type: ignore[no-untyped-def]
    course = make_course(world, in_days=3)
    (enrollment,) = invite_people(course, "Lò Văn Sáng")

    first = send_notice.call(enrollment.pk, "invitation")
    second = send_notice.call(enrollment.pk, "invitation")

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_it_runs_through_the_database_backend_and_its_worker() -> None:
    from django_tasks_db.models import DBTaskResult

    # Self-contained: after live-server tests the seeded catalogue may have been flushed.
    programme, _ = Programme.objects.get_or_create(code="thu-nghiem", defaults={"title": "Thử"})
    course = create_course(
        programme=programme, title="Lớp thử hàng đợi", capacity=5, status=Course.Status.OPEN
    )
    day = timezone.localdate() + timedelta(days=3)
    Session.objects.create(
        course=course,
        starts_at=calendar.at(day, time(7, 30)),
        ends_at=calendar.at(day, time(11, 30)),
    )
    enrollment = invite(course=course, person=person("Lò Văn Sáng", email="hv0@example.vn"))

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        result = send_notice.enqueue(enrollment.pk, "invitation")
        assert mail.outbox == []
        assert DBTaskResult.objects.get(id=result.id).status == "READY"
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=StringIO()
        )

    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"
    assert [m.to for m in mail.outbox] == [["hv0@example.vn"]]
    assert "BEGIN:VCALENDAR" in ics_of(mail.outbox[0])
    assert Notice.objects.filter(enrollment=enrollment, kind=Notice.Kind.INVITATION).exists()
