"""The e-mails an invitee receives, each with the course's sessions attached as an .ics file:
the invitation (giấy mời), the waitlist notice, and the reminder before the first session."""

from django.conf import settings
from django.core.mail import EmailMessage

from training.calendar import TZ, WEEKDAY_NAMES
from training.ics import sessions_calendar
from training.models import Course, Enrollment, Notice

SUBJECTS: dict[str, str] = {
    Notice.Kind.INVITATION: "Giấy mời tham dự: {title}",
    Notice.Kind.WAITLIST: "Danh sách chờ: {title}",
    Notice.Kind.REMINDER: "Nhắc lịch học: {title}",
}
OPENINGS: dict[str, str] = {
    Notice.Kind.INVITATION: "{organiser} trân trọng kính mời đồng chí tham dự {title}.",
    Notice.Kind.WAITLIST: (
        "Lớp {title} đã đủ chỗ; đồng chí đang ở danh sách chờ. Khi có chỗ, chúng tôi sẽ gửi "
        "giấy mời."
    ),
    Notice.Kind.REMINDER: "Xin nhắc đồng chí lịch học {title} sắp bắt đầu.",
}


def course_ics(course: Course) -> str:
    sessions = course.sessions.select_related("course__programme").order_by("starts_at")
    return sessions_calendar(sessions, name=course.title)


def _schedule_lines(course: Course) -> list[str]:
    lines = []
    for s in course.sessions.order_by("starts_at"):
        start, end = s.starts_at.astimezone(TZ), s.ends_at.astimezone(TZ)
        lines.append(
            f"  - {WEEKDAY_NAMES[start.weekday()]} {start:%d/%m/%Y}, "
            f"{start:%H:%M}–{end:%H:%M}" + (f" ({s.title})" if s.title else "")
        )
    return lines


def body(enrollment: Enrollment, kind: str) -> str:
    course = enrollment.course
    organiser = course.organiser_name or "Ban tổ chức"
    venue = course.venue or (course.venue_unit.name if course.venue_unit else "")
    lines = [
        f"Kính gửi đồng chí {enrollment.person.full_name},",
        "",
        OPENINGS[kind].format(organiser=organiser, title=course.title),
        "",
        f"Chương trình: {course.programme.title}",
        f"Địa điểm: {venue or 'sẽ thông báo sau'}",
        "Thời gian:",
        *_schedule_lines(course),
        "",
        "Lịch học được đính kèm (tệp .ics) để thêm vào lịch điện thoại hoặc máy tính.",
        "",
        f"Trân trọng,\n{organiser}",
    ]
    return "\n".join(lines)


def message(enrollment: Enrollment, kind: str) -> EmailMessage:
    """The e-mail of `kind` for `enrollment` (whose person has an e-mail address)."""
    course = enrollment.course
    email = EmailMessage(
        subject=SUBJECTS[kind].format(title=course.title),
        body=body(enrollment, kind),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[enrollment.person.email],
    )
    email.attach(f"lop-{course.pk}.ics", course_ics(course), "text/calendar")
    return email
