from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from tests.factories import PersonFactory
from tests.training.conftest import at, make_course, past_sessions
from training.models import Attendance, Course, Enrollment, TrainingRecord
from training.services import (
    Recurrence,
    TrainingError,
    add_session,
    cancel_enrollment,
    close_course,
    confirm,
    invite,
    override_result,
    record_attendance,
    schedule_sessions,
    set_essay_mark,
    update_course,
)

pytestmark = pytest.mark.django_db
S = Enrollment.Status
P, L, A, E = (Attendance.Status.PRESENT, Attendance.Status.LATE, Attendance.Status.ABSENT,
              Attendance.Status.EXCUSED)  # fmt: skip


def test_it_snapshots_role_and_unit_on_invitation(course, place):
    enrollment = invite(course=course, person=place.holders[0])
    assert enrollment.status == S.INVITED
    assert enrollment.role_label == "Bí thư chi bộ"
    assert enrollment.unit_name == "Thôn Nặm Đăm"


def test_it_returns_the_same_invitation_when_invited_twice(course, place):
    first = invite(course=course, person=place.holders[0])
    assert invite(course=course, person=place.holders[0]).pk == first.pk
    assert course.enrollments.count() == 1


def test_it_waitlists_when_course_is_full(place, programme):
    course = make_course(place, programme, capacity=1)
    a, b = PersonFactory(), PersonFactory()
    assert invite(course=course, person=a).status == S.INVITED
    assert invite(course=course, person=b).status == S.WAITLISTED


def test_it_promotes_the_first_waitlisted_on_cancellation(place, programme):
    course = make_course(place, programme, capacity=1)
    a, b, c = PersonFactory(), PersonFactory(), PersonFactory()
    first = invite(course=course, person=a)
    invite(course=course, person=b)
    invite(course=course, person=c)
    promoted = cancel_enrollment(enrollment=first)
    assert promoted is not None and promoted.person == b
    statuses = dict(course.enrollments.values_list("person_id", "status"))
    assert statuses == {a.pk: S.CANCELLED, b.pk: S.INVITED, c.pk: S.WAITLISTED}


def test_it_promotes_waitlisted_when_capacity_grows(place, programme):
    course = make_course(place, programme, capacity=0)
    e = invite(course=course, person=PersonFactory())
    assert e.status == S.WAITLISTED
    update_course(course=course, capacity=1)
    e.refresh_from_db()
    assert e.status == S.INVITED


def test_it_refuses_to_confirm_a_waitlisted_invitation(place, programme):
    course = make_course(place, programme, capacity=0)
    e = invite(course=course, person=PersonFactory())
    with pytest.raises(TrainingError):
        confirm(enrollment=e)
    course.capacity = 5
    update_course(course=course, capacity=5)
    e.refresh_from_db()
    assert confirm(enrollment=e).status == S.CONFIRMED


def test_it_schedules_sessions_across_tet_and_warns_on_clashes(place, programme):
    first = make_course(place, programme, trainer="Đ/c Lý Thị Mai")
    second = make_course(place, programme, title="Lớp khác", trainer="đ/c lý thị mai")
    rec = Recurrence(start=date(2026, 2, 12), days=3)
    made = schedule_sessions(course=first, recurrence=rec)
    assert [s.starts_at.astimezone(at(date.today()).tzinfo).date() for s in made.sessions] == [
        date(2026, 2, 12), date(2026, 2, 13), date(2026, 2, 23),
    ]  # fmt: skip
    assert made.warnings == []
    invite(course=second, person=place.holders[0])
    invite(course=first, person=place.holders[0])
    clash = add_session(
        course=second, starts_at=at(date(2026, 2, 13), 9), ends_at=at(date(2026, 2, 13), 11)
    )
    text = " ".join(clash.warnings)
    assert "Địa điểm «Hội trường xã Quản Bạ»" in text
    assert "Giảng viên" in text
    assert place.holders[0].full_name in text


def test_it_refuses_a_session_ending_before_it_starts(course):
    with pytest.raises(TrainingError):
        add_session(
            course=course, starts_at=at(date(2026, 3, 2), 10), ends_at=at(date(2026, 3, 2), 9)
        )


def test_it_records_attendance_idempotently(course, place):
    s1, s2 = past_sessions(course)
    e1 = invite(course=course, person=place.holders[0])
    e2 = invite(course=course, person=place.holders[1])
    assert record_attendance(session=s1, marks={e1.pk: P, e2.pk: A}) == 2
    before = list(Attendance.objects.order_by("pk").values("pk", "status", "recorded_at"))
    assert record_attendance(session=s1, marks={e1.pk: P, e2.pk: A}) == 0
    assert list(Attendance.objects.order_by("pk").values("pk", "status", "recorded_at")) == before
    assert record_attendance(session=s1, marks={e2.pk: L}) == 1
    assert Attendance.objects.get(enrollment=e2).status == L
    course.refresh_from_db()
    assert course.status == Course.Status.RUNNING


def test_it_refuses_marks_for_someone_not_invited(course, place, programme):
    (s1,) = past_sessions(course, 1)
    other = make_course(place, programme, title="Lớp khác")
    stranger = invite(course=other, person=place.holders[0])
    with pytest.raises(TrainingError):
        record_attendance(session=s1, marks={stranger.pk: P})
    with pytest.raises(TrainingError):
        record_attendance(session=s1, marks={stranger.pk: "maybe"})


def test_it_closes_a_course_with_results_and_expiring_records(place, programme):
    programme.min_attendance_share = Decimal("0.5")
    programme.validity_months = 24
    programme.save()
    course = make_course(place, programme)
    s1, s2 = past_sessions(course)
    ok, excused, absent = (invite(course=course, person=p) for p in
                           (place.holders[0], place.holders[1], PersonFactory()))  # fmt: skip
    record_attendance(session=s1, marks={ok.pk: L, excused.pk: E, absent.pk: A})
    record_attendance(session=s2, marks={ok.pk: A, excused.pk: E, absent.pk: A})
    records = close_course(course=course, by=None)
    assert [r.person_id for r in records] == [ok.person_id]
    last_day = timezone.localtime(s2.ends_at).date()
    record = TrainingRecord.objects.get()
    assert (record.completed_on, record.expires_on) == (
        last_day,
        last_day + relativedelta(months=24),
    )
    assert record.source == TrainingRecord.Source.COURSE and record.enrollment_id == ok.pk
    statuses = dict(course.enrollments.values_list("pk", "status"))
    assert statuses == {ok.pk: S.COMPLETED, excused.pk: S.NOT_COMPLETED, absent.pk: S.NOT_COMPLETED}
    course.refresh_from_db()
    assert course.status == Course.Status.COMPLETED and course.closed_at is not None
    with pytest.raises(TrainingError):
        close_course(course=course, by=None)


def test_it_requires_the_essay_mark_when_the_programme_sets_one(place, programme):
    programme.requires_essay, programme.passing_mark = True, Decimal("5")
    programme.save()
    course = make_course(place, programme)
    (s1,) = past_sessions(course, 1)
    good, poor = (invite(course=course, person=p) for p in place.holders)
    record_attendance(session=s1, marks={good.pk: P, poor.pk: P})
    set_essay_mark(enrollment=good, mark=Decimal("7.5"))
    set_essay_mark(enrollment=poor, mark=Decimal("4"))
    close_course(course=course, by=None)
    assert list(TrainingRecord.objects.values_list("person_id", flat=True)) == [good.person_id]


def test_it_refuses_to_close_before_the_last_session_starts(course):
    day = timezone.localdate() + timedelta(days=3)
    add_session(course=course, starts_at=at(day), ends_at=at(day, 16))
    with pytest.raises(TrainingError):
        close_course(course=course, by=None)


def test_it_overrides_a_result_only_with_a_reason(course, place):
    (s1,) = past_sessions(course, 1)
    e = invite(course=course, person=place.holders[0])
    record_attendance(session=s1, marks={e.pk: A})
    close_course(course=course, by=None)
    e.refresh_from_db()
    with pytest.raises(TrainingError):
        override_result(enrollment=e, completed=True, reason="  ", by=None)
    assert not TrainingRecord.objects.exists()
    override_result(enrollment=e, completed=True, reason="Ốm, đã học bù", by=None)
    e.refresh_from_db()
    assert e.status == S.COMPLETED and e.override_reason == "Ốm, đã học bù"
    assert e.overridden_at is not None
    assert TrainingRecord.objects.get().enrollment_id == e.pk
    override_result(enrollment=e, completed=False, reason="Nhầm", by=None)
    assert not TrainingRecord.objects.exists()


def test_it_invites_many_at_once_with_the_same_rules(
    place, programme, django_assert_max_num_queries
):
    from training.services import invite_many

    course = make_course(place, programme, capacity=3)
    already = invite(course=course, person=place.holders[0])
    people = [place.holders[0], *(PersonFactory() for _ in range(4))]
    with django_assert_max_num_queries(10):
        result = invite_many(course=course, people=people)
    assert result[0].pk == already.pk
    assert [e.status for e in result[1:]] == [S.INVITED, S.INVITED, S.WAITLISTED, S.WAITLISTED]
    promoted = cancel_enrollment(enrollment=already)
    assert promoted is not None and promoted.person == people[3]
    again = invite_many(course=course, people=[place.holders[0]])[0]
    assert again.pk == already.pk and again.status == S.WAITLISTED


def test_it_refuses_to_complete_a_course_by_editing_its_status(course):
    with pytest.raises(TrainingError):
        update_course(course=course, status=Course.Status.COMPLETED)
    course.refresh_from_db()
    assert course.status == Course.Status.OPEN


def test_it_refuses_to_edit_a_completed_course(course, place):
    (s1,) = past_sessions(course, 1)
    e = invite(course=course, person=place.holders[0])
    record_attendance(session=s1, marks={e.pk: P})
    close_course(course=course, by=None)
    with pytest.raises(TrainingError):
        update_course(course=course, status=Course.Status.OPEN)
    with pytest.raises(TrainingError):
        invite(course=course, person=place.holders[1])
