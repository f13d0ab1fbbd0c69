"""Import batches: opened by an importer at the point it writes, so that every audit entry the
import writes carries the batch; listed and downloaded again by those who see its units."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Model, Q, QuerySet

from access.policy import Cap, User, can_read_ethnicity, can_read_ids, unit_ids_for
from access.scopes import visible
from audit.contexts import Source, context, current
from audit.models import ImportBatch

Kind = ImportBatch.Kind
# Files of these kinds hold citizen IDs (and, for rosters, ethnicity).
PERSONAL = {Kind.ROSTER, Kind.TRAINING_RECORDS, Kind.ATTENDANCE, Kind.INVITATIONS}


def file_bytes(file: Any, filename: str | None = None) -> tuple[bytes, str]:
    """The bytes and name of what an importer was given (bytes, a path, an upload already read
    by its parser: it is read again from the start)."""
    if isinstance(file, bytes):
        return file, filename or "tep-nhap"
    if isinstance(file, str | Path):
        return Path(file).read_bytes(), filename or Path(file).name
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read()
    return content, filename or Path(getattr(file, "name", "") or "tep-nhap").name


@contextmanager
def import_batch(
    *, kind: str, content: Any, file_name: str, user: Any = None
) -> Iterator[ImportBatch]:
    """Open a batch around an import's writes (never for a dry run). Everything logged inside
    has source `import` and the batch's correlation id; the importer fills in the counts with
    `tally` before the block ends. All in the import's transaction: no batch without rows.
    `content`: whatever the importer was given (bytes, a path, an upload), kept as bytes."""
    content, _ = file_bytes(content, file_name)
    outer = current()
    actor = user if getattr(user, "is_authenticated", False) else outer.actor
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=kind,
            user=actor,
            operator=str(actor.get_username()) if actor else outer.who,
            source=outer.source,
            file_name=Path(file_name).name[:255] or "tep-nhap",
            sha256=ImportBatch.digest(content),
            size=len(content),
            content=content,
        )
        with context(source=Source.IMPORT, batch=batch, user=actor):
            yield batch
        batch.save()


def tally(
    batch: ImportBatch,
    *,
    read: int,
    created: int,
    changed: int = 0,
    unchanged: int = 0,
    units: Iterable[Any] = (),
) -> None:
    """The importer's counts and the units its rows belong to (who may see the batch)."""
    batch.rows_read, batch.rows_created = read, created
    batch.rows_changed, batch.rows_unchanged = changed, unchanged
    batch.units.set({getattr(u, "pk", u) for u in units if u is not None})


def written_in(batch: ImportBatch, model: type[Model]) -> tuple[int, int]:
    """How many rows of `model` the batch created and changed (from its audit entries)."""
    entries = LogEntry.objects.filter(
        cid=batch.cid, content_type=ContentType.objects.get_for_model(model)
    )
    counts = dict(entries.values_list("action").annotate(n=Count("pk")).order_by())
    return counts.get(LogEntry.Action.CREATE, 0), counts.get(LogEntry.Action.UPDATE, 0)


def course_units(course: Any) -> set[int]:
    """The units a course belongs to: its organiser's, its venue's, its audience."""
    ids = {course.venue_unit_id, getattr(course.organiser, "unit_id", None)}
    ids |= set(course.audience_units.values_list("pk", flat=True))
    return {i for i in ids if i}


def batches_seen(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
    """Batches whose every unit lies inside the user's units, and the user's own."""
    units = unit_ids_for(user, cap)
    through = ImportBatch.units.through.objects
    outside = through.exclude(unit_id__in=units).values("importbatch_id")
    placed = Q(pk__in=through.values("importbatch_id")) & ~Q(pk__in=outside)
    return rows.filter(placed | Q(user_id=user.pk))


def no_rows(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
    return rows.none()


def download_refusal(user: User, batch: ImportBatch) -> str:
    """Why `user` may not download the file again (empty when they may). The file is the raw
    upload: citizen IDs and ethnicity in it are not masked, so it goes only to its uploader and
    to those who may read them."""
    if batch.content_removed_at:
        return (
            f"Tệp gốc đã được xoá ngày {batch.content_removed_at:%d/%m/%Y} vì có dữ liệu của "
            "người đã xoá dữ liệu cá nhân theo yêu cầu; mã SHA-256 vẫn được giữ"
        )
    if batch.kind not in PERSONAL or (batch.user_id and batch.user_id == user.pk):
        return ""
    if not can_read_ids(user):
        return "Tệp gốc có số CCCD đầy đủ: chỉ người nhập và người được xem số CCCD tải được"
    if batch.kind == Kind.ROSTER and not can_read_ethnicity(user):
        return "Tệp gốc có cột dân tộc: chỉ người nhập và quản trị viên tải được"
    return ""


def visible_batches(user: User) -> QuerySet[ImportBatch]:
    return visible(user, ImportBatch).select_related("user").defer("content")
