"""iCalendar (RFC 5545) feeds of course sessions, written with the `icalendar` library: one
VEVENT per session, times in Asia/Ho_Chi_Minh with its VTIMEZONE, a UID stable per session."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import icalendar
from django.conf import settings
from django.utils import timezone

from training.calendar import TZ
from training.models import Session

PRODID = "-//Taphuan//Tap huan dan van//VI"
TZ_FROM, TZ_TO = date(1976, 1, 1), date(2038, 1, 1)
HEADER = {
    "version": "2.0",
    "prodid": PRODID,
    "calscale": "GREGORIAN",
    "method": "PUBLISH",
    "x-wr-timezone": "Asia/Ho_Chi_Minh",
}


@dataclass
class Event:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str = ""
    description: str = ""


def _vevent(event: Event, stamp: datetime) -> icalendar.Event:
    vevent = icalendar.Event.new(
        uid=event.uid,
        stamp=stamp,
        start=event.starts_at.astimezone(TZ),
        end=event.ends_at.astimezone(TZ),
        summary=event.summary,
    )
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    return vevent


def render(events: Iterable[Event], *, name: str) -> str:
    """A VCALENDAR of `events` (CRLF line ends, lines folded at 75 octets by the library)."""
    stamp = timezone.now()
    feed = icalendar.Calendar()
    for key, value in HEADER.items():
        feed.add(key, value)
    feed.add("x-wr-calname", name)
    days: list[date] = []
    for event in events:
        feed.add_component(_vevent(event, stamp))
        days.append(event.starts_at.astimezone(TZ).date())
    if days:
        # The VTIMEZONE covers the feed's dates: +07:00 alone from 1976 (a change in 1975).
        feed.add_missing_timezones(min(*days, TZ_FROM), max(*days, TZ_TO))
    return feed.to_ical().decode()


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
