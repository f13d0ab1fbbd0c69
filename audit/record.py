"""Audit entries for writes that send no signals (bulk_create, bulk_update, queryset.update):
the caller names what it wrote and the entries go in with one insert, not one per row.

    before = audit.snapshot(rows)      # before changing them in memory
    ...bulk_update(rows, fields)...
    audit.log_updated(zip(before, rows), fields)
"""

import copy
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from auditlog.context import disable_auditlog
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model, QuerySet
from django.utils.encoding import smart_str

from audit.contexts import Context, current
from audit.registry import is_audited

M = TypeVar("M", bound=Model)
CREATE, UPDATE, DELETE, ACCESS = (
    LogEntry.Action.CREATE,
    LogEntry.Action.UPDATE,
    LogEntry.Action.DELETE,
    LogEntry.Action.ACCESS,
)
BATCH_SIZE = 1000


def stamp(entry: LogEntry, ctx: Context | None = None) -> None:
    """Actor, address, correlation id and source of the current context, on a new entry."""
    ctx = ctx or current()
    if entry.actor_id is None and ctx.actor is not None:
        entry.actor = ctx.actor
        entry.actor_email = ctx.actor.email or None
    entry.remote_addr = entry.remote_addr or ctx.remote_addr
    entry.cid = entry.cid or ctx.correlation_id
    entry.additional_data = {**ctx.extra(), **(entry.additional_data or {})}
    if entry.action == CREATE and entry.changes:  # a new row's empty fields say nothing
        entry.changes = {k: v for k, v in entry.changes.items() if v[-1] not in ("", None)}


def fill_entry(sender: Any, instance: LogEntry, **kwargs: Any) -> None:
    """pre_save of LogEntry: entries written by django-auditlog's signals get the context."""
    if instance._state.adding:
        stamp(instance)


@contextmanager
def quiet() -> Iterator[None]:
    """No signal-written entries inside: the block logs its writes itself, in bulk."""
    with disable_auditlog():
        yield


def snapshot(rows: Iterable[M]) -> list[M]:
    """Copies of `rows` as they are now, to diff against after they change."""
    return [copy.copy(row) for row in rows]


class _NeedsQuery(Exception):
    pass


def _refuse(*args: Any) -> None:
    raise _NeedsQuery


def describe(row: Model) -> str:
    """The row's name as its __str__ gives it, unless that needs a query (a position names its
    person): a bulk write of 10,000 rows must not read 10,000 more."""
    try:
        with connection.execute_wrapper(_refuse):
            return smart_str(row)
    except _NeedsQuery:
        return f"{row._meta.verbose_name} #{row.pk}"


def _entry(row: Model, action: int, changes: dict | None, ctx: Context) -> LogEntry:
    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(row),
        object_pk=str(row.pk),
        object_id=row.pk,
        object_repr=describe(row),
        action=action,
        changes=changes,
    )
    stamp(entry, ctx)
    return entry


def _save(entries: list[LogEntry]) -> int:
    LogEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    return len(entries)


def log_created(rows: Iterable[Model]) -> int:
    """One create entry per row (the rows have their primary keys)."""
    ctx = current()
    entries = [
        _entry(row, CREATE, model_instance_diff(None, row, use_json_for_changes=True), ctx)
        for row in rows
        if is_audited(type(row))
    ]
    return _save(entries)


def log_updated(pairs: Iterable[tuple[Model, Model]], fields: Sequence[str] | None = None) -> int:
    """One update entry per (before, after) pair that differs in `fields` (all when None)."""
    ctx = current()
    entries = []
    for old, new in pairs:
        if not is_audited(type(new)):
            continue
        changes = model_instance_diff(old, new, fields_to_check=fields, use_json_for_changes=True)
        if changes:
            entries.append(_entry(new, UPDATE, changes, ctx))
    return _save(entries)


def log_deleted(rows: Iterable[Model]) -> int:
    ctx = current()
    entries = [
        _entry(row, DELETE, model_instance_diff(row, None, use_json_for_changes=True), ctx)
        for row in rows
        if is_audited(type(row))
    ]
    return _save(entries)


def log_changes(
    row: Model, changes: dict[str, list[Any]], *, action: int = UPDATE, **extra: Any
) -> LogEntry:
    """An entry written by hand (an erasure, an export), with extra `additional_data`."""
    entry = _entry(row, action, changes, current())
    entry.additional_data = {**(entry.additional_data or {}), **extra}
    LogEntry.objects.bulk_create([entry])  # bulk: not through pre_save, already stamped
    return entry


def update(rows: QuerySet[M], **values: Any) -> int:
    """`rows.update(**values)`, audited: reads the rows once, writes, logs in one insert."""
    found = list(rows)
    before = snapshot(found)
    for row in found:
        for name, value in values.items():
            setattr(row, name, value)
    count = rows.model._default_manager.filter(pk__in=[r.pk for r in found]).update(**values)
    log_updated(zip(before, found, strict=True), list(values))
    return count
