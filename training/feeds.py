"""Secret calendar feeds: one revocable address per user that calendar apps subscribe to
without a login, listing the sessions of every course the user may see."""

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from access.policy import Cap
from access.scopes import register, visible
from training import ics
from training.models import CalendarFeed, Course, Session

# Sessions older than this are left out: a subscribed calendar keeps what it already showed.
PAST_DAYS = 365


def active_feed(user: Any) -> CalendarFeed | None:
    if not user.is_authenticated:
        return None
    return CalendarFeed.objects.filter(user_id=user.pk, revoked_at__isnull=True).first()


def renew_feed(*, user: Any) -> CalendarFeed:
    """A new secret address for `user`; the previous one (if any) stops working."""
    try:
        with transaction.atomic():
            revoke_feed(user=user)
            return CalendarFeed.objects.create(user=user)
    except IntegrityError:
        # A concurrent renewal created the active feed first: that one is the answer.
        found = active_feed(user)
        if found is None:
            raise
        return found


def revoke_feed(*, user: Any) -> int:
    """Revoke the user's active address; the number of addresses revoked (0 or 1)."""
    active = CalendarFeed.objects.filter(user_id=user.pk, revoked_at__isnull=True)
    return active.update(revoked_at=timezone.now())


def feed_by_token(token: str) -> CalendarFeed | None:
    """The active feed with this token whose user may still sign in, else None."""
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def feed_sessions(user: Any) -> QuerySet[Session]:
    """Sessions of the courses `user` sees (not cancelled), from PAST_DAYS ago on."""
    courses = visible(user, Course).exclude(status=Course.Status.CANCELLED)
    since = timezone.now() - timedelta(days=PAST_DAYS)
    return (
        Session.objects.filter(course__in=courses.values("pk"), starts_at__gte=since)
        .select_related("course__programme")
        .order_by("starts_at", "pk")
    )


def feed_calendar(feed: CalendarFeed) -> str:
    user = feed.user
    name = f"Lịch tập huấn — {user.get_full_name() or user.get_username()}"
    return ics.sessions_calendar(feed_sessions(user), name=name)


def _own(rows: QuerySet, user: Any, cap: Cap) -> QuerySet:
    """A feed is its user's alone: nobody else sees or changes it (superusers aside)."""
    return rows.filter(user_id=user.pk)


def register_scope() -> None:
    register(CalendarFeed, ((Cap.SELF_READ, _own), (Cap.SELF_READ, _own)))
