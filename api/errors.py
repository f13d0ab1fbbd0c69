"""The API's one error path: every refusal, whatever raised it, answers in one shape,

    {"detail": "<one Vietnamese sentence>", "code": "<kind>", "errors": {"<field>": ["…"]}}

`errors` names the fields at fault (empty when the refusal is about the whole request). Domain
errors (`config.errors.DomainError` and its subclasses in each app's `errors.py`) become 400
here, so views call services without catching their errors by hand."""

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import DomainError

INVALID = "Dữ liệu gửi lên chưa hợp lệ"
# Calendar apps show an error's body as it is.
CALENDAR_NOT_FOUND = "Không tìm thấy lịch này."
PLAIN = "text/plain; charset=utf-8"
# The `code` of an error DRF or Django raised without one of ours.
CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


class ErrorSerializer(serializers.Serializer):
    """The one error shape, for views that document it beside another body."""

    detail = serializers.CharField()
    code = serializers.CharField()
    # A declared field, not the `errors` property: the metaclass takes it out of the class.
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]

    class Meta:
        ref_name = "Error"


class Refused(APIException):
    """A request the view itself refuses: 400 with a Vietnamese message."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Yêu cầu không hợp lệ"
    default_code = "refused"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with domain errors as 400 and every body in the one shape."""
    if isinstance(exc, DomainError):
        exc = NotFound(str(exc), code=exc.code) if exc.not_found else _as_validation(exc)
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = error_body(exc, response.status_code, response.data)
    return response


def _as_validation(error: DomainError) -> ValidationError:
    field = getattr(error, "field", None)
    return ValidationError({field or "detail": [str(error)]}, code=error.code)


def error_body(exc: Exception, status_code: int, data: Any) -> dict[str, Any]:
    code = _code(exc, status_code)
    if not isinstance(exc, ValidationError):
        detail = data.get("detail", data) if isinstance(data, dict) else data
        return {"detail": str(detail), "code": code, "errors": {}}
    errors = _flatten(data if isinstance(data, dict) else {"non_field_errors": data})
    general = errors.pop("detail", [])
    messages = general + [m for found in errors.values() for m in found]
    detail = messages[0] if len(messages) == 1 else f"{INVALID}: " + "; ".join(messages[:3])
    return {"detail": detail or INVALID, "code": code, "errors": errors}


def _code(exc: Exception, status_code: int) -> str:
    codes = exc.get_codes() if isinstance(exc, APIException) else None
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes if isinstance(codes, str) else CODES.get(status_code, "error")


def _flatten(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """{field: [messages]}, nested serializers' fields as `field.sub` (items as `field.0`)."""
    items: Iterable[tuple[Any, Any]]
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list) and any(isinstance(d, dict | list) for d in data):
        items = ((str(i), d) for i, d in enumerate(data))
    else:
        messages = data if isinstance(data, list) else [data]
        return {prefix or "non_field_errors": [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in items:
        for field, found in _flatten(value, f"{prefix}.{key}" if prefix else str(key)).items():
            flat.setdefault(field, []).extend(found)
    return flat


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 404 for any address: under /api/ in the API's error shape (JSON), else the
    site's page. An API address that matches no route (`/api/v1/courses/-3/invite-gaps/`)
    answers like a missing object."""
    if request.path.startswith("/api/") and request.path.endswith(".ics"):
        return HttpResponse(
            CALENDAR_NOT_FOUND, status=404, content_type="text/plain; charset=utf-8"
        )
    if request.path.startswith("/api/"):
        body = {"detail": "Không có địa chỉ này trong API", "code": "not_found", "errors": {}}
        return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception)  # type: ignore[arg-type]
