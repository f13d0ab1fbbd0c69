"""Every request runs inside an audit context: the page, the API or the admin."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.contexts import Source, context


def source_of(path: str) -> str:
    if path.startswith("/api/"):
        return Source.API
    if path.startswith("/admin/"):
        return Source.ADMIN
    return Source.PAGE


class AuditContextMiddleware:
    """Source, actor (read when an entry is written: DRF signs basic-auth users in later),
    address and path of the request. The query string is never kept: it could hold an ID."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with context(
            source=source_of(request.path),
            request=request,
            user=None,
            command="",
            operator="",
            batch=None,
            remote_addr=request.META.get("REMOTE_ADDR") or None,
            path=request.path[:300],
        ):
            return self.get_response(request)
