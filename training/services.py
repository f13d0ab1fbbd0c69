"""State changes of training: courses, sessions, invitations, attendance, results and records.

Every function is keyword-only, writes inside a transaction and raises `TrainingError` with a
message fit for the user. The admin, pages, API and commands all call these.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, ProtectedError, Q
from django.utils import timezone

import audit
from certificates.models import Certificate
from certificates.services import issue_for_course
from people.models import Person, Position
from people.text import match_key
from training import calendar
from training.errors import TrainingError
from training.models import (
    Attendance,
    Course,
    Enrollment,
    Programme,
    Session,
    TrainingRecord,
)
from training.records_import import run_import
from training.validity import expiry

CLOSED = (Course.Status.COMPLETED, Course.Status.CANCELLED)
COURSE_FIELDS = {
    "programme",
    "organiser",
    "organiser_name",
    "title",
    "venue",
    "venue_unit",
    "trainer",
    "capacity",
    "target",
    "registration_deadline",
    "status",
    "invitation_number",
    "signer_title",
    "signer_name",
}


# --- courses -----------------------------------------------------------------------------


def _apply_course_fields(course: Course, fields: dict[str, Any]) -> None:
    unknown = set(fields) - COURSE_FIELDS
    if unknown:
        raise TypeError(f"unknown course fields: {sorted(unknown)}")
    if fields.get("status") == Course.Status.COMPLETED:
        raise TrainingError("Dùng «Kết thúc lớp» ở trang kết quả để kết thúc lớp và ghi kết quả")
    for name, value in fields.items():
        setattr(course, name, value.strip() if isinstance(value, str) else value)
    if not course.title:
        raise TrainingError("Chưa nhập tên lớp")
    if course.capacity is None or course.capacity < 0:
        raise TrainingError("Số học viên tối đa không được âm")
    if not course.organiser_name and course.organiser is not None:
        course.organiser_name = course.organiser.name


def create_course(*, by: Any = None, audience_units: Iterable[Any] = (), **fields: Any) -> Course:
    """A new course (draft unless a status is given) of a programme."""
    if not fields.get("programme"):
        raise TrainingError("Chưa chọn chương trình")
    course = Course(created_by=by if getattr(by, "pk", None) else None)
    _apply_course_fields(course, fields)
    with transaction.atomic():
        course.save()
        course.audience_units.set(list(audience_units))
    return course


def update_course(
    *, course: Course, by: Any = None, audience_units: Iterable[Any] | None = None, **fields: Any
) -> Course:
    """Edit a course that is not finished; a larger capacity promotes waitlisted people."""
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if locked.status == Course.Status.COMPLETED:
            raise TrainingError("Lớp đã kết thúc, không sửa được")
        if locked.status == Course.Status.CANCELLED and fields.get("status") in (
            None,
            Course.Status.CANCELLED,
        ):
            raise TrainingError("Lớp đã hủy; chọn lại trạng thái để mở lại lớp")
        _apply_course_fields(locked, fields)
        locked.save()
        if audience_units is not None:
            locked.audience_units.set(list(audience_units))
        _promote_waitlisted(locked)
    return locked


def cancel_course(*, course: Course, by: Any = None) -> Course:
    if course.status == Course.Status.COMPLETED:
        raise TrainingError("Lớp đã kết thúc, không hủy được")
    return update_course(course=course, by=by, status=Course.Status.CANCELLED)


@dataclass
class Confirmed:
    """A course confirmed: how many invitees get the giấy mời by e-mail, how many on paper."""

    course: Course
    emailed: int
    to_print: int


def confirm_course(*, course: Course, by: Any = None) -> Confirmed:
    """Draft → inviting (đang mời): the course is announced and every invitee holding a seat is
    sent the giấy mời by e-mail after commit; those without an address must get it printed."""
    from training.tasks import queue_invitations

    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if locked.status != Course.Status.DRAFT:
            raise TrainingError(
                f"Lớp đang ở bước «{locked.get_status_display()}», không còn là dự thảo"
            )
        if not locked.sessions.exists():
            raise TrainingError("Lớp chưa có buổi học nào: thêm buổi học rồi mới gửi giấy mời")
        locked.status = Course.Status.OPEN
        locked.save(update_fields=["status"])
        invited = list(
            locked.enrollments.filter(
                status__in=(Enrollment.Status.INVITED, Enrollment.Status.CONFIRMED)
            ).select_related("person", "course")
        )
        emailed = queue_invitations([e for e in invited if e.person.email])
    course.status = locked.status
    return Confirmed(locked, emailed=emailed, to_print=len(invited) - emailed)


def start_course(*, course: Course, by: Any = None) -> Session:
    """Inviting → running (đang diễn ra); returns the session to take attendance of: today's,
    else the next one, else the last."""
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if locked.status not in (Course.Status.DRAFT, Course.Status.OPEN):
            raise TrainingError(
                f"Lớp đang ở bước «{locked.get_status_display()}», không bắt đầu được"
            )
        sessions = list(locked.sessions.order_by("starts_at"))
        if not sessions:
            raise TrainingError("Lớp chưa có buổi học nào để điểm danh")
        locked.status = Course.Status.RUNNING
        locked.save(update_fields=["status"])
    course.status = locked.status
    today = timezone.localdate()
    current = [s for s in sessions if calendar.local_date(s.ends_at) >= today]
    return current[0] if current else sessions[-1]


# --- sessions ----------------------------------------------------------------------------


@dataclass
class Recurrence:
    """How to lay sessions out: `days` consecutive working days from `start`, or every
    `weekday` (0 = Monday) for `weeks` weeks; one session a day from `starts` to `ends`."""

    start: date
    days: int = 0
    weekday: int | None = None
    weeks: int = 0
    starts: time = time(7, 30)
    ends: time = time(16, 30)
    skip_holidays: bool = True

    def dates(self) -> list[date]:
        if self.weekday is not None:
            return calendar.weekly(
                self.start, self.weekday, self.weeks, skip_holidays=self.skip_holidays
            )
        return calendar.working_days(self.start, self.days, skip_holidays=self.skip_holidays)

    def times(self) -> list[tuple[datetime, datetime]]:
        return [(calendar.at(d, self.starts), calendar.at(d, self.ends)) for d in self.dates()]


@dataclass
class Scheduled:
    sessions: list[Session]
    warnings: list[str] = field(default_factory=list)


def add_sessions(
    *, course: Course, times: Sequence[tuple[datetime, datetime]], title: str = ""
) -> Scheduled:
    """Add sessions at the given (start, end) times; clashes come back as warnings."""
    if course.status in CLOSED:
        raise TrainingError("Lớp đã kết thúc hoặc đã hủy, không thêm buổi học được")
    sessions = []
    for starts_at, ends_at in times:
        if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
            raise TrainingError("Thời gian buổi học phải có múi giờ")
        if ends_at <= starts_at:
            raise TrainingError(
                f"Buổi học {starts_at.astimezone(calendar.TZ):%d/%m/%Y %H:%M}: "
                "giờ kết thúc phải sau giờ bắt đầu"
            )
        sessions.append(Session(course=course, starts_at=starts_at, ends_at=ends_at, title=title))
    if not sessions:
        raise TrainingError("Không có buổi học nào (kiểm tra ngày bắt đầu và số ngày)")
    with transaction.atomic():
        created = Session.objects.bulk_create(sessions)
        audit.log_created(created)
    return Scheduled(created, session_warnings(course=course, sessions=created))


def add_session(
    *, course: Course, starts_at: datetime, ends_at: datetime, title: str = ""
) -> Scheduled:
    return add_sessions(course=course, times=[(starts_at, ends_at)], title=title)


def schedule_sessions(*, course: Course, recurrence: Recurrence, title: str = "") -> Scheduled:
    """Sessions from a recurrence ("3 working days from 10/03/2026", "every Tuesday x 4")."""
    if recurrence.ends <= recurrence.starts:
        raise TrainingError("Giờ kết thúc phải sau giờ bắt đầu")
    try:
        calendar.check_year(recurrence.start)
    except ValueError as e:
        raise TrainingError(str(e)) from e
    return add_sessions(course=course, times=recurrence.times(), title=title)


def update_session(
    *, session: Session, starts_at: datetime, ends_at: datetime, title: str | None = None
) -> Scheduled:
    if ends_at <= starts_at:
        raise TrainingError("Giờ kết thúc phải sau giờ bắt đầu")
    session.starts_at, session.ends_at = starts_at, ends_at
    if title is not None:
        session.title = title
    session.save()
    return Scheduled([session], session_warnings(course=session.course, sessions=[session]))


def delete_session(*, session: Session) -> None:
    if session.course.status == Course.Status.COMPLETED:
        raise TrainingError("Lớp đã kết thúc, không xóa buổi học được")
    session.delete()


def _overlap(sessions: Sequence[Session]) -> Q:
    q = Q(pk__in=[])
    for s in sessions:
        q |= Q(starts_at__lt=s.ends_at, ends_at__gt=s.starts_at)
    return q


def session_warnings(*, course: Course, sessions: Sequence[Session]) -> list[str]:
    """Venue or trainer double-booked, invitees booked elsewhere at the same time."""
    if not sessions:
        return []
    others = (
        Session.objects.filter(_overlap(sessions))
        .exclude(course=course)
        .exclude(course__status=Course.Status.CANCELLED)
        .select_related("course")
    )
    # Compared on the folded key in Python: SQLite's iexact ignores case of ASCII only.
    venue, trainer = match_key(course.venue), match_key(course.trainer)
    warnings = []
    for other in others.order_by("starts_at")[:200]:
        if venue and match_key(other.course.venue) == venue:
            warnings.append(f"Địa điểm «{course.venue}» đã có lớp «{other.course}» {_when(other)}")
        if trainer and match_key(other.course.trainer) == trainer:
            warnings.append(
                f"Giảng viên {course.trainer} đã dạy lớp «{other.course}» {_when(other)}"
            )
    people = course.enrollments.holding_seats().values("person_id")
    warnings += _people_clashes(people, others.values("course_id"))
    return warnings


def _when(session: Session) -> str:
    start = session.starts_at.astimezone(calendar.TZ)
    return f"lúc {start:%H:%M} ngày {start:%d/%m/%Y}"


def _people_clashes(people: Any, courses: Any) -> list[str]:
    clashes = (
        Enrollment.objects.holding_seats()
        .filter(person_id__in=people, course_id__in=courses)
        .select_related("person", "course")
        .order_by("person__sort_key")[:20]
    )
    return [f"{e.person} đã được mời lớp «{e.course}» cùng thời gian" for e in clashes]


def booking_clashes(*, course: Course, person: Person) -> list[str]:
    """Other courses `person` is invited to whose sessions overlap this course's."""
    sessions = list(course.sessions.all())
    if not sessions:
        return []
    others = Session.objects.filter(_overlap(sessions)).exclude(course=course)
    return _people_clashes([person.pk], others.values("course_id"))


# --- invitations -------------------------------------------------------------------------


def _snapshots(people: Sequence[Person], on: date) -> dict[int, tuple[str, str]]:
    """Role and unit as printed on each invitation, frozen at invitation time (two queries)."""
    positions = (
        Position.objects.active_on(on)
        .filter(person__in=[p.pk for p in people])
        .select_related("role", "organisation__unit")
        .order_by("role__order", "pk")
    )
    roles: dict[int, list[str]] = {p.pk: [] for p in people}
    units: dict[int, list[str]] = {p.pk: [] for p in people}
    for pos in positions:
        for found, value in ((roles, pos.role.label), (units, pos.organisation.unit.name)):
            if value not in found[pos.person_id]:
                found[pos.person_id].append(value)
    homes = dict(
        Person.objects.filter(pk__in=[p.pk for p in people]).values_list("pk", "home_unit__name")
    )
    return {
        pk: (", ".join(roles[pk])[:255], (", ".join(units[pk]) or homes.get(pk) or "")[:255])
        for pk in roles
    }


def _seats_taken(course: Course) -> int:
    statuses = [Enrollment.Status.INVITED, Enrollment.Status.CONFIRMED]
    return Enrollment.objects.filter(course=course, status__in=statuses).count()


def invite(*, course: Course, person: Person, by: Any = None) -> Enrollment:
    """Invite a person; over capacity the invitation goes on the waitlist. Inviting someone
    already invited returns their invitation unchanged."""
    return invite_many(course=course, people=[person], by=by)[0]


def invite_many(*, course: Course, people: Iterable[Person], by: Any = None) -> list[Enrollment]:
    """Invite people in this order, as `invite` does for each, with one lock and bulk writes."""
    people = list({p.pk: p for p in people}.values())
    with transaction.atomic():
        # Lock the row carrying the capacity, then recount: two organisers inviting the last
        # place at once must not both get it.
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if locked.status in CLOSED:
            raise TrainingError("Lớp đã kết thúc hoặc đã hủy, không mời thêm được")
        existing = {e.person_id: e for e in locked.enrollments.filter(person__in=people)}
        before = {e.pk: e for e in audit.snapshot(existing.values())}
        free = locked.capacity - _seats_taken(locked)
        snapshots = _snapshots(people, timezone.localdate())
        inviter = by if getattr(by, "pk", None) else None
        result: list[Enrollment] = []
        new: list[Enrollment] = []
        again: list[Enrollment] = []
        for person in people:
            enrollment = existing.get(person.pk)
            if enrollment and enrollment.status != Enrollment.Status.CANCELLED:
                result.append(enrollment)
                continue
            enrollment = enrollment or Enrollment(course=locked, person=person)
            (again if enrollment.pk else new).append(enrollment)
            enrollment.status = (
                Enrollment.Status.INVITED if free > 0 else Enrollment.Status.WAITLISTED
            )
            free -= 1
            enrollment.role_label, enrollment.unit_name = snapshots[person.pk]
            enrollment.invited_by = inviter
            # A re-invitation queues behind those already waiting.
            enrollment.created_at = timezone.now()
            result.append(enrollment)
        Enrollment.objects.bulk_create(new)
        fields = ["status", "role_label", "unit_name", "invited_by", "created_at"]
        Enrollment.objects.bulk_update(again, fields)
        audit.log_created(new)
        audit.log_updated(((before[e.pk], e) for e in again), fields)
    return result


def _promote_waitlisted(course: Course) -> list[Enrollment]:
    """Fill free places from the waitlist, first come first served. Caller holds the lock."""
    free = course.capacity - _seats_taken(course)
    if free <= 0:
        return []
    waiting = list(
        Enrollment.objects.filter(course=course, status=Enrollment.Status.WAITLISTED).order_by(
            "created_at", "pk"
        )[:free]
    )
    before = audit.snapshot(waiting)
    for e in waiting:
        e.status = Enrollment.Status.INVITED
    Enrollment.objects.bulk_update(waiting, ["status"])
    audit.log_updated(zip(before, waiting, strict=True), ["status"])
    return waiting


def cancel_enrollment(*, enrollment: Enrollment, by: Any = None) -> Enrollment | None:
    """Cancel an invitation; returns the waitlisted invitation promoted into the place, if any."""
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=enrollment.course_id)
        if course.status == Course.Status.COMPLETED:
            raise TrainingError("Lớp đã kết thúc, không hủy lời mời được")
        enrollment.refresh_from_db()
        if enrollment.status == Enrollment.Status.CANCELLED:
            return None
        enrollment.status = Enrollment.Status.CANCELLED
        enrollment.save(update_fields=["status"])
        promoted = _promote_waitlisted(course)
    return promoted[0] if promoted else None


def confirm(*, enrollment: Enrollment, by: Any = None) -> Enrollment:
    """The invitee confirms attendance (xác nhận tham dự)."""
    if enrollment.status == Enrollment.Status.CONFIRMED:
        return enrollment
    if enrollment.status != Enrollment.Status.INVITED:
        raise TrainingError(
            f"Không xác nhận được: lời mời đang ở trạng thái «{enrollment.get_status_display()}»"
        )
    enrollment.status = Enrollment.Status.CONFIRMED
    enrollment.save(update_fields=["status"])
    return enrollment


# Enrollment.essay_mark holds 5 digits, 2 after the point.
MAX_MARK = Decimal("999.99")


def check_essay_mark(mark: Decimal | None) -> Decimal | None:
    """The mark if it can be stored: a finite number from 0 to 999,99 (or None)."""
    if mark is None:
        return None
    if not mark.is_finite():
        raise TrainingError("Điểm bài thu hoạch phải là một số")
    if mark < 0:
        raise TrainingError("Điểm bài thu hoạch không được âm")
    if mark > MAX_MARK:
        raise TrainingError("Điểm bài thu hoạch quá lớn (tối đa 999,99)")
    return mark


def parse_essay_mark(raw: str) -> Decimal | None:
    """A mark typed by a person ("7,5", "8"); empty is None. TrainingError in Vietnamese."""
    text = raw.strip().replace(",", ".")
    if not text:
        return None
    try:
        mark = Decimal(text)
    except InvalidOperation as e:
        raise TrainingError(f"Điểm bài thu hoạch không hợp lệ: «{raw.strip()}»") from e
    try:
        return check_essay_mark(mark)
    except TrainingError as e:
        raise TrainingError(f"{e}: «{raw.strip()}»") from e


def set_essay_mark(*, enrollment: Enrollment, mark: Decimal | None) -> Enrollment:
    mark = check_essay_mark(mark)
    enrollment.essay_mark = mark
    enrollment.save(update_fields=["essay_mark"])
    return enrollment


def set_essay_marks(*, marks: Mapping[Enrollment, Decimal | None]) -> int:
    """Several marks, all or nothing: every one is checked before any is written."""
    checked = {e: check_essay_mark(m) for e, m in marks.items()}
    with transaction.atomic():
        for enrollment, mark in checked.items():
            set_essay_mark(enrollment=enrollment, mark=mark)
    return len(checked)


# --- attendance --------------------------------------------------------------------------

MARKABLE = (Enrollment.Status.INVITED, Enrollment.Status.CONFIRMED)


def record_attendance(*, session: Session, marks: Mapping[int, str], by: Any = None) -> int:
    """Upsert attendance marks {enrollment id: status} of one session; returns how many
    marks changed. Replaying the same marks changes nothing."""
    return record_attendance_many(marks={session: marks}, by=by)


def record_attendance_many(*, marks: Mapping[Session, Mapping[int, str]], by: Any = None) -> int:
    """Marks of several sessions, all or nothing: every session's marks are checked first,
    then all are written in one transaction. Returns how many marks changed."""
    checked = [
        (session, _check_marks(session, session_marks)) for session, session_marks in marks.items()
    ]
    with transaction.atomic():
        return sum(_upsert_marks(s, m, s.course) for s, m in checked)


def session_started(session: Session) -> bool:
    """Whether the session's day (Asia/Ho_Chi_Minh) has come: attendance of a session that
    has not happened yet cannot be taken."""
    return calendar.local_date(session.starts_at) <= calendar.local_date(timezone.now())


def _check_marks(session: Session, marks: Mapping[int, str]) -> dict[int, str]:
    if not session_started(session):
        raise TrainingError(
            f"Buổi học ngày {calendar.local_date(session.starts_at):%d/%m/%Y} chưa diễn ra: "
            "chưa thể điểm danh"
        )
    valid = set(Attendance.Status.values)
    bad = {s for s in marks.values() if s not in valid}
    if bad:
        raise TrainingError(f"Trạng thái điểm danh không hợp lệ: {', '.join(sorted(bad))}")
    course = session.course
    if course.status in CLOSED:
        raise TrainingError("Lớp đã kết thúc hoặc đã hủy, không sửa điểm danh được")
    ids = {int(k) for k in marks}
    known = set(
        Enrollment.objects.filter(course=course, pk__in=ids, status__in=MARKABLE).values_list(
            "pk", flat=True
        )
    )
    if ids - known:
        raise TrainingError("Có học viên không thuộc lớp này hoặc không còn được mời")
    return {int(k): v for k, v in marks.items()}


def _upsert_marks(session: Session, marks: dict[int, str], course: Course) -> int:
    existing = {a.enrollment_id: a for a in session.attendances.filter(enrollment_id__in=marks)}
    new = [
        Attendance(session=session, enrollment_id=e, status=s)
        for e, s in marks.items()
        if e not in existing
    ]
    changed = [a for e, a in existing.items() if a.status != marks[e]]
    before = audit.snapshot(changed)
    for a in changed:
        a.status = marks[a.enrollment_id]
        a.recorded_at = timezone.now()
    # The unique (session, enrollment) constraint is the backstop against a concurrent replay.
    Attendance.objects.bulk_create(new, ignore_conflicts=True)
    Attendance.objects.bulk_update(changed, ["status", "recorded_at"])
    _log_marks(session, new, zip(before, changed, strict=True))
    if (new or changed) and course.status in (Course.Status.DRAFT, Course.Status.OPEN):
        audit.update(Course.objects.filter(pk=course.pk), status=Course.Status.RUNNING)
    return len(new) + len(changed)


def _log_marks(session: Session, new: list[Attendance], changed: Iterable[tuple]) -> None:
    """ignore_conflicts leaves the new marks without ids: read them back, in one query."""
    if new:
        written = session.attendances.filter(enrollment_id__in=[a.enrollment_id for a in new])
        audit.log_created(written.select_related("enrollment__person", "session__course"))
    audit.log_updated(changed, ["status"])


# --- results and records -----------------------------------------------------------------


def passes(*, programme: Programme, attended: int, sessions: int, essay: Decimal | None) -> bool:
    """The programme's rule: attended share (present or late; excused is still an absence)
    at least the minimum, and the essay mark at least the passing mark when an essay is set."""
    if sessions == 0:
        return False
    if Decimal(attended) / Decimal(sessions) < programme.min_attendance_share:
        return False
    if not programme.requires_essay:
        return True
    if essay is None:
        return False
    return programme.passing_mark is None or essay >= programme.passing_mark


def change_programme_validity(*, programme: Programme, validity_months: int | None) -> int:
    """Sets how long a programme's training stays valid and re-dates the expiry of every record
    of it, so coverage never reads an expiry computed from the old validity. Returns how many
    records changed."""
    if validity_months is not None and validity_months < 1:
        raise TrainingError("Thời hạn hiệu lực phải từ 1 tháng trở lên, hoặc để trống")
    with transaction.atomic():
        programme.validity_months = validity_months
        programme.save(update_fields=["validity_months"])
        records = list(TrainingRecord.objects.filter(programme=programme).select_for_update())
        changed = [r for r in records if r.expires_on != expiry(programme, r.completed_on)]
        before = audit.snapshot(changed)
        for record in changed:
            record.expires_on = expiry(programme, record.completed_on)
        TrainingRecord.objects.bulk_update(changed, ["expires_on"], batch_size=2000)
        audit.log_updated(zip(before, changed, strict=True), ["expires_on"])
    return len(changed)


def close_course(*, course: Course, by: Any = None) -> list[TrainingRecord]:
    """Compute every invitee's result, write training records for those who completed, mark
    the course completed; certificates are issued after commit when that app provides it, and
    what that did (issued, refused and why) is left on the given `course` as
    `certificate_batch`, for the page or the API to say so."""
    given = course
    with transaction.atomic():
        course = Course.objects.select_for_update().select_related("programme").get(pk=course.pk)
        if course.status in CLOSED:
            raise TrainingError("Lớp đã kết thúc hoặc đã hủy")
        sessions = list(course.sessions.order_by("starts_at"))
        if not sessions:
            raise TrainingError("Lớp chưa có buổi học nào")
        if sessions[-1].starts_at > timezone.now():
            raise TrainingError("Chưa thể kết thúc lớp: buổi học cuối chưa bắt đầu")
        records = _write_results(course, len(sessions), calendar.local_date(sessions[-1].ends_at))
        course.status, course.closed_at = Course.Status.COMPLETED, timezone.now()
        course.closed_by = by if getattr(by, "pk", None) else None
        course.save(update_fields=["status", "closed_at", "closed_by"])
        transaction.on_commit(lambda: _issue_certificates(course, report_to=given), robust=True)
    return records


def _write_results(course: Course, n_sessions: int, completed_on: date) -> list[TrainingRecord]:
    attended = Count("attendances", filter=Q(attendances__status__in=Attendance.ATTENDED))
    enrollments = list(course.enrollments.filter(status__in=MARKABLE).annotate(n=attended))
    passed = []
    before = audit.snapshot(enrollments)
    for e in enrollments:
        ok = passes(
            programme=course.programme, attended=e.n, sessions=n_sessions, essay=e.essay_mark
        )
        e.status = Enrollment.Status.COMPLETED if ok else Enrollment.Status.NOT_COMPLETED
        if ok:
            passed.append(e)
    Enrollment.objects.bulk_update(enrollments, ["status"])
    audit.log_updated(zip(before, enrollments, strict=True), ["status"])
    return _save_records(course, passed, completed_on)


def _save_records(
    course: Course, enrollments: Sequence[Enrollment], completed_on: date
) -> list[TrainingRecord]:
    """One record per enrollment; a record already there for the same person, programme and
    day (an earlier import of the same course) is linked instead of duplicated."""
    existing = {
        r.person_id: r
        for r in TrainingRecord.objects.filter(
            person_id__in=[e.person_id for e in enrollments],
            programme=course.programme,
            completed_on=completed_on,
        )
    }
    linked: list[TrainingRecord] = []
    new: list[TrainingRecord] = []
    before = {r.pk: r for r in audit.snapshot(existing.values())}
    for e in enrollments:
        record = existing.get(e.person_id) or TrainingRecord(
            person_id=e.person_id,
            programme=course.programme,
            completed_on=completed_on,
            expires_on=expiry(course.programme, completed_on),
            source=TrainingRecord.Source.COURSE,
        )
        record.course, record.enrollment = course, e
        record.organiser_name = record.organiser_name or course.organiser_name
        (linked if record.pk else new).append(record)
    fields = ["course", "enrollment", "organiser_name"]
    TrainingRecord.objects.bulk_update(linked, fields)
    created = TrainingRecord.objects.bulk_create(new)
    audit.log_updated(((before[r.pk], r) for r in linked), fields)
    audit.log_created(created)
    return linked + created


def _issue_certificates(course: Course, report_to: Course | None = None) -> None:
    batch = issue_for_course(course=course)
    if report_to is not None:
        report_to.certificate_batch = batch  # type: ignore[attr-defined]


def override_result(
    *, enrollment: Enrollment, completed: bool, reason: str, by: Any = None
) -> Enrollment:
    """An organiser overrides a computed result; the written reason, who and when are kept."""
    reason = (reason or "").strip()
    if not reason:
        raise TrainingError("Phải ghi rõ lý do điều chỉnh kết quả")
    course = Course.objects.select_related("programme").get(pk=enrollment.course_id)
    if course.status != Course.Status.COMPLETED:
        raise TrainingError("Chỉ điều chỉnh kết quả sau khi lớp đã kết thúc")
    if enrollment.status not in (Enrollment.Status.COMPLETED, Enrollment.Status.NOT_COMPLETED):
        raise TrainingError("Học viên này không có kết quả để điều chỉnh")
    with transaction.atomic():
        enrollment.status = (
            Enrollment.Status.COMPLETED if completed else Enrollment.Status.NOT_COMPLETED
        )
        enrollment.override_reason = reason
        enrollment.overridden_by = by if getattr(by, "pk", None) else None
        enrollment.overridden_at = timezone.now()
        enrollment.save()
        _sync_record(course, enrollment, completed)
    if completed:
        transaction.on_commit(lambda: _issue_certificates(course), robust=True)
    return enrollment


def _sync_record(course: Course, enrollment: Enrollment, completed: bool) -> None:
    record = TrainingRecord.objects.filter(enrollment=enrollment).first()
    if completed and record is None:
        last = course.sessions.order_by("-ends_at").first()
        day = calendar.local_date(last.ends_at) if last else timezone.localdate()
        _save_records(course, [enrollment], day)
    elif not completed and record is not None:
        _release_revoked_certificates(record)
        try:
            record.delete()
        except (ProtectedError, IntegrityError) as e:
            raise TrainingError(
                "Học viên đã được cấp giấy chứng nhận; hãy thu hồi giấy trước khi điều chỉnh"
            ) from e


def _release_revoked_certificates(record: TrainingRecord) -> None:
    """Revoked certificates stop pointing at a record whose result is withdrawn, so it can go
    (and the person stops counting as trained); they stay in the register with their number,
    holder, enrollment and course. A valid certificate still holds the record (PROTECT)."""
    revoked = Certificate.objects.filter(training_record=record, status=Certificate.Status.REVOKED)
    audit.update(revoked, training_record=None)


def create_record(
    *,
    person: Person,
    programme: Programme,
    completed_on: date,
    organiser_name: str = "",
    certificate_number: str = "",
    note: str = "",
    source: str = TrainingRecord.Source.MANUAL,
) -> TrainingRecord:
    """A record entered by hand or imported; the same person, programme and day is kept once."""
    if completed_on > timezone.localdate():
        raise TrainingError("Ngày hoàn thành không được ở tương lai")
    record, created = TrainingRecord.objects.get_or_create(
        person=person,
        programme=programme,
        completed_on=completed_on,
        defaults={
            "expires_on": expiry(programme, completed_on),
            "organiser_name": organiser_name.strip(),
            "certificate_number": certificate_number.strip(),
            "note": note.strip(),
            "source": source,
        },
    )
    return record


def import_training_records(
    file: Any, *, filename: str | None = None, user: Any = None, dry_run: bool = False
) -> Any:
    """Historical records from .xlsx/.csv, all or nothing (see training.records_import)."""
    return run_import(file, filename=filename, user=user, dry_run=dry_run)
