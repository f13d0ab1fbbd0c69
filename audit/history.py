"""Reading the audit trail of one object, as the API, the person page and the admin show it:
`{"at", "user", "source", "action", "changes": {"field": [before, after]}}`, newest first,
with citizen IDs masked and ethnicity left out for those who may not read them."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateTimeField, Model, QuerySet
from django.utils import timezone

from access.policy import Cap, User, can_read_ethnicity, can_read_ids, holds, is_unrestricted
from access.scopes import visible
from audit.contexts import Source, command_label
from audit.errors import HistoryError
from audit.registry import ETHNICITY_FIELDS, ID_FIELDS, is_audited
from people.ids import mask

ACTIONS = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
    LogEntry.Action.ACCESS: "access",
}
ACTION_LABELS = {
    "create": "Tạo mới",
    "update": "Sửa",
    "delete": "Xoá",
    "access": "Xuất dữ liệu",
    "erase": "Xoá dữ liệu cá nhân",
}
BAD_OBJECT = "Tham số object phải có dạng <app>.<model>:<id>, ví dụ people.person:42"


def object_pattern() -> str:
    """The `object` parameter as a regular expression: an audited model's label and an id."""
    labels = sorted(m._meta.label_lower for m in auditlog.get_models())
    return rf"^({'|'.join(re.escape(label) for label in labels)}):[1-9][0-9]{{0,17}}$"


def parse_object(text: str) -> tuple[type[Model], int]:
    """`people.person:42` → (Person, 42), for an audited model only."""
    label, _, raw_id = (text or "").strip().partition(":")
    app_label, _, model_name = label.partition(".")
    if not (raw_id.isascii() and raw_id.isdigit()) or len(raw_id) > 18 or not model_name:
        raise HistoryError(BAD_OBJECT)
    try:
        model = ContentType.objects.get_by_natural_key(app_label, model_name.lower()).model_class()
    except ContentType.DoesNotExist:
        model = None
    if model is None or not is_audited(model):
        raise HistoryError(f"«{label}» không phải là loại dữ liệu được ghi nhật ký")
    return model, int(raw_id)


def may_read(user: User, model: type[Model], pk: int) -> bool:
    """The object is one the user may see; a deleted object's history, superusers only."""
    if not holds(user, Cap.AUDIT_READ):
        return False
    if visible(user, model).filter(pk=pk).exists():
        return True
    return is_unrestricted(user) and not model._default_manager.filter(pk=pk).exists()


def entries_of(model: type[Model], pk: int) -> QuerySet[LogEntry]:
    return (
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=pk)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


@dataclass(frozen=True)
class Viewer:
    """What the reader may see, asked once per list rather than once per entry."""

    ids: bool
    ethnicity: bool

    @classmethod
    def of(cls, user: User) -> "Viewer":
        return cls(ids=can_read_ids(user), ethnicity=can_read_ethnicity(user))


def who(entry: LogEntry) -> str | None:
    data = entry.additional_data or {}
    if entry.actor_id and entry.actor is not None:
        return str(entry.actor.get_username())
    if data.get("command"):
        return command_label(data["command"], data.get("operator", "?"))
    return data.get("username") or None


def action_of(entry: LogEntry) -> str:
    if (entry.additional_data or {}).get("erasure"):
        return "erase"
    return ACTIONS.get(entry.action, str(entry.action))


def _local(model: type[Model] | None, name: str, value: Any) -> Any:
    """django-auditlog stores datetimes as naive UTC text: shown in Asia/Ho_Chi_Minh, ISO."""
    if model is None or not isinstance(value, str):
        return value
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if not isinstance(field, DateTimeField):
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return timezone.localtime(moment).isoformat()


def _pair(value: Any) -> list[Any]:
    """An m2m change ({type, operation, objects}) as [before, after] lists of names."""
    if isinstance(value, dict) and value.get("type") == "m2m":
        objects = list(value.get("objects") or [])
        return [[], objects] if value.get("operation") == "add" else [objects, []]
    return list(value) if isinstance(value, list | tuple) else [None, value]


def changes_of(entry: LogEntry, viewer: Viewer) -> dict[str, list[Any]]:
    model = entry.content_type.model_class() if entry.content_type_id else None
    shown: dict[str, list[Any]] = {}
    for name, value in (entry.changes or {}).items():
        if name in ETHNICITY_FIELDS and not viewer.ethnicity:
            continue  # sensitive personal data (Decree 356/2025): not even that it changed
        pair = [_local(model, name, v) for v in _pair(value)]
        if name in ID_FIELDS and not viewer.ids:
            pair = [mask(v) if isinstance(v, str) and v else v for v in pair]
        shown[name] = pair
    return shown


def as_dict(entry: LogEntry, viewer: Viewer) -> dict[str, Any]:
    return {
        "at": timezone.localtime(entry.timestamp).isoformat(),
        "user": who(entry),
        "source": (entry.additional_data or {}).get("source", Source.SYSTEM),
        "action": action_of(entry),
        "changes": changes_of(entry, viewer),
    }


def field_label(model: type[Model] | None, name: str) -> str:
    try:
        field = model._meta.get_field(name) if model else None
        label = str(getattr(field, "verbose_name", name)) if field else name
    except FieldDoesNotExist:
        label = {"reason": "lý do"}.get(name, name)
    return label[:1].upper() + label[1:]


def _label(model: type[Model] | None, name: str, value: Any) -> Any:
    """A choice's Vietnamese label ("Nữ" for "F") where the field has choices."""
    try:
        field = model._meta.get_field(name) if model else None
        choices = dict(getattr(field, "flatchoices", ())) if field else {}
    except (FieldDoesNotExist, AttributeError):
        return value
    return choices.get(value, value) if isinstance(value, str | int) else value


_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def shown(value: Any) -> str:
    """A value as a person reads it: dd/mm/yyyy dates, "—" for nothing, lists joined."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    text = str(value)
    day = _ISO_DAY.match(text)
    if day:
        return f"{day[3]}/{day[2]}/{day[1]}"
    if "T" in text and text[:4].isdigit():
        try:
            return datetime.fromisoformat(text).strftime("%d/%m/%Y %H:%M")
        except ValueError:
            return text
    return text


def rows_for_page(model: type[Model], pk: int, user: User, limit: int = 200) -> list[dict]:
    """The same entries, with Vietnamese labels, for the person page and the admin."""
    viewer = Viewer.of(user)
    rows = []
    for entry in entries_of(model, pk)[:limit]:
        data = as_dict(entry, viewer)
        data["source_label"] = Source.LABELS.get(data["source"], data["source"])
        data["action_label"] = ACTION_LABELS.get(data["action"], data["action"])
        data["timestamp"] = entry.timestamp
        data["fields"] = [
            (field_label(model, name), shown(_label(model, name, pair[0])),
             shown(_label(model, name, pair[1])))
            for name, pair in data["changes"].items()
        ]  # fmt: skip
        rows.append(data)
    return rows
