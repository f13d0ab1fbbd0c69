"""Adjustments of the OpenAPI schema (drf-spectacular hooks)."""

from typing import Any


def drop_slash_duplicates(endpoints: list[tuple], **kwargs: Any) -> list[tuple]:
    """A path served both as `.../calendar.ics` (the file name calendar apps expect, the one
    documented) and as the router's `.../calendar.ics/` is described once, without the slash:
    two operations with one operationId make drf-spectacular warn on every `check --deploy`."""
    paths = {endpoint[0] for endpoint in endpoints}
    return [e for e in endpoints if not (e[0].endswith("/") and e[0][:-1] in paths)]


ERROR = {
    "type": "object",
    "description": "Every refusal of the API (api/errors.py).",
    "properties": {
        "detail": {"type": "string", "description": "Một câu tiếng Việt cho người dùng"},
        "code": {"type": "string", "description": "Loại lỗi, cho chương trình đọc"},
        "errors": {
            "type": "object",
            "description": "Các trường sai: {trường: [thông báo]}",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "code", "errors"],
}
ERRORS = {
    "400": "Dữ liệu gửi lên chưa hợp lệ (trường sai nêu trong errors)",
    "401": "Chưa đăng nhập, hoặc token/mật khẩu sai",
    "403": "Không có quyền làm việc này",
    "404": "Không có (hoặc không thuộc phạm vi của bạn)",
    "429": "Quá nhiều yêu cầu, hoặc tài khoản tạm khoá sau nhiều lần đăng nhập sai",
}


def document_errors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Every operation documents the refusals it can answer, in the one error shape: 400 where
    it reads parameters or a body, 401/403 where it needs a login, 404 and 429 everywhere (an
    object, page or code that does not exist; throttles and login lock-out)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for item in result.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            media = "application/json"
            if "text/calendar" in responses.get("200", {}).get("content", {}):
                media = "text/plain"  # calendar apps show an error's body as it is
            for status in _refusals(operation):
                responses.setdefault(status, _error(status, media))
    return result


def _refusals(operation: dict[str, Any]) -> list[str]:
    places = {p.get("in") for p in operation.get("parameters", [])}
    statuses = ["429"]
    if places & {"query", "path"} or "requestBody" in operation:
        statuses.append("400")
    if {} not in operation.get("security", [{}]):
        statuses += ["401", "403"]
    statuses.append("404")  # an object, a page, a code that does not exist (or not for you)
    return statuses


def _error(status: str, media: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Error"} if media == "application/json" else {}
    return {
        "description": ERRORS[status],
        "content": {media: {"schema": schema or {"type": "string"}}},
    }
