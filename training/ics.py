"""A small iCalendar (RFC 5545) writer for course sessions: VCALENDAR of VEVENTs, times in
UTC, text escaped, lines folded at 75 octets, CRLF line ends."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

from training.models import Session

PRODID = "-//Taphuan//Tap huan dan van//VI"
LIMIT = 75


@dataclass
class Event:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str = ""
    description: str = ""


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, never inside a UTF-8 character;
    continuation lines start with one space (which counts towards their 75)."""
    chunks: list[str] = []
    current, size, limit = "", 0, LIMIT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            current, size, limit = "", 0, LIMIT - 1
        current += char
        size += width
    chunks.append(current)
    return "\r\n ".join(chunks)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: Event, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc(event.starts_at)}",
        f"DTEND:{utc(event.ends_at)}",
        f"SUMMARY:{escape(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape(event.description)}")
    return [*lines, "END:VEVENT"]


def render(events: Iterable[Event], *, name: str) -> str:
    stamp = utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        "X-WR-TIMEZONE:Asia/Ho_Chi_Minh",
    ]
    for event in events:
        lines += _event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _host() -> str:
    return settings.SITE_URL.split("://")[-1].split("/")[0] or "taphuan"


def session_event(session: Session) -> Event:
    course = session.course
    summary = f"{course.title} — {session.title}" if session.title else course.title
    description = f"Chương trình: {course.programme.title}"
    if course.trainer:
        description += f"\nGiảng viên: {course.trainer}"
    if course.organiser_name:
        description += f"\nĐơn vị tổ chức: {course.organiser_name}"
    return Event(
        uid=f"session-{session.pk}@{_host()}",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=summary,
        location=course.venue,
        description=description,
    )


def sessions_calendar(sessions: Iterable[Session], *, name: str) -> str:
    """Sessions need `course__programme` selected (one query for the whole feed)."""
    return render((session_event(s) for s in sessions), name=name)
