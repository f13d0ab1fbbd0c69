"""Report reads on a streaming replica (`DATABASE_REPLICA_URL`), everything else on the primary.

A province's installation that outgrows one machine keeps PostgreSQL's primary as the single
source of truth and adds a streaming replica for the heavy reads: the coverage pages, the gap
lists and the report files. Only those pages read from the replica, and only the registry,
training, certificate and coverage tables; writes, sign-in, sessions, grants (an access
decision must never rest on a copy that lags) and every other page stay on the primary.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# The apps whose tables a report reads.
REPORT_APPS = {"people", "training", "coverage", "certificates"}
# Models of those apps that decide access: always read fresh from the primary.
PRIMARY_ONLY = {"people.grant"}
# The pages and API endpoints that are reports (names as in the URL configuration).
REPORT_VIEWS = {
    "coverage:dashboard",
    "coverage:gaps",
    "coverage:report_xlsx",
    "coverage:report_csv",
    "coverage:frozen_list",
    "api-coverage",
    "api-gaps",
}

_reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)


@contextmanager
def report_reads():
    """Inside this block the report tables are read from the replica (if one is configured);
    commands that build reports may use it as the pages do."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def reading_reports() -> bool:
    return _reading_reports.get()


class ReplicaRouter:
    """Django's database router for `DATABASES["replica"]` (set from DATABASE_REPLICA_URL)."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        meta = model._meta  # type: ignore[attr-defined]
        if not reading_reports() or meta.app_label not in REPORT_APPS:
            return None
        if meta.label_lower in PRIMARY_ONLY:
            return None
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Both databases hold the same rows: a replica row may point at a primary row.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # The replica copies the primary's schema; nothing is ever migrated on it.
        return db != REPLICA


class ReportReadsMiddleware:
    """Marks the GET/HEAD requests of report views (REPORT_VIEWS) as report reads."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _reading_reports.set(False)
        try:
            return self.get_response(request)
        finally:
            _reading_reports.reset(token)

    def process_view(self, request: HttpRequest, view: Callable, args: Any, kwargs: Any) -> None:
        match = request.resolver_match
        if (
            request.method in ("GET", "HEAD")
            and match is not None
            and match.view_name in REPORT_VIEWS
        ):
            _reading_reports.set(True)
