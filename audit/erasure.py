"""Erasure on request (Law on Personal Data Protection, in force 1/1/2026; Decree 356/2025).

The person's row stays, with its positions, training records and certificates, so every
coverage figure and trend point is the same before and after; what identifies the person goes:
the name becomes «Đã xoá theo yêu cầu»; citizen ID, old ID, birth date, phone, e-mail and
ethnicity are cleared, in the person, in the certificates' snapshots (the certificate still
verifies, showing its number, programme, dates and issuer) and in the whole audit history.
The erasure itself is audited: who, when, why."""

from collections.abc import Iterable
from typing import Any

from auditlog.models import LogEntry
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from access.policy import Cap, User
from access.scopes import visible
from audit.contexts import current
from audit.errors import ErasureError
from audit.models import Erasure, ImportBatch
from audit.record import log_changes, quiet
from certificates.models import Certificate
from certificates.pdf import render_certificate
from people.models import Person, Position
from people.text import clean
from training.models import Attendance, Enrollment, TrainingRecord

ERASED_NAME = "Đã xoá theo yêu cầu"
REDACTED = "[đã xoá]"
PERSONAL = (
    "full_name", "family_name", "middle_name", "given_name", "birth_date",
    "citizen_id", "legacy_id", "phone", "email", "ethnicity",
)  # fmt: skip
CLEARED: dict[str, Any] = {f: "" for f in PERSONAL} | {
    "full_name": ERASED_NAME,
    "birth_date": None,
    "citizen_id": None,
}
# Snapshot fields of other rows that name the person.
SNAPSHOT_FIELDS = {Certificate: ("holder_name", "holder_birth_date")}
# Rows about the person: model → path to the person.
RELATED: dict[type[Model], str] = {
    Position: "person",
    TrainingRecord: "person",
    Enrollment: "person",
    Certificate: "person",
    Attendance: "enrollment__person",
}


def erasures_seen(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
    return rows.filter(person__in=visible(user, Person).values("pk"))


def is_erased(person: Person) -> bool:
    return Erasure.objects.filter(person_id=person.pk).exists()


def erase_person(*, person: Person, reason: str, by: Any = None) -> Erasure:
    """Anonymise `person` everywhere, keep every row that counts; refuse a second time."""
    reason = clean(reason or "").replace("\x00", "")
    if not reason:
        raise ErasureError("Phải ghi lý do xoá dữ liệu cá nhân (ví dụ: số, ngày của đơn yêu cầu)")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        done = Erasure.objects.filter(person=locked).first()
        if done is not None:
            raise ErasureError(f"Dữ liệu cá nhân của người này đã được xoá ngày {done.at:%d/%m/%Y}")
        old = {f: getattr(locked, f) for f in PERSONAL} | {"user": locked.user_id}
        with quiet():  # these writes would copy the old values into the history
            _anonymise(locked)
            certificates = _anonymise_certificates(locked)
            _release_account(locked)
        entries = related_entries(locked)
        _scrub_entries(entries, old)
        _scrub_everywhere(old)
        _drop_files({e.cid for e in entries if e.cid})
        erasure = _record(locked, old, certificates, scrub(reason, old), by)
    person.refresh_from_db()
    return erasure


def _anonymise(person: Person) -> None:
    for name, value in CLEARED.items():
        setattr(person, name, value)
    person.save()


def _anonymise_certificates(person: Person) -> list[Certificate]:
    """Snapshots without name and birth date, and the stored PDF drawn again from them (the
    QR code and number are the same: the holder's paper copy still verifies)."""
    found = list(Certificate.objects.filter(person=person).select_related("issuer"))
    for certificate in found:
        certificate.holder_name, certificate.holder_birth_date = "", None
        if certificate.pdf:
            certificate.pdf.delete(save=False)
        certificate.pdf.save(
            f"{certificate.code}.pdf", ContentFile(render_certificate(certificate)), save=False
        )
        certificate.save(update_fields=["holder_name", "holder_birth_date", "pdf"])
    return found


def _release_account(person: Person) -> None:
    """A trainee account only used for this person is closed and stripped of its names."""
    user = person.user
    if user is None:
        return
    Person.objects.filter(pk=person.pk).update(user=None)
    person.user = None
    if user.is_staff or user.is_superuser or user.grants.exists():
        return
    user.username = f"da-xoa-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()


def _object_ids(model: type[Model], path: str, person: Person) -> set[int]:
    """Rows of `model` about the person: existing ones, and deleted ones their history names."""
    ids = set(model._default_manager.filter(**{path: person}).values_list("pk", flat=True))
    if "__" not in path:
        ct = ContentType.objects.get_for_model(model)
        named = LogEntry.objects.filter(content_type=ct).filter(
            Q(changes__person__0=person.pk) | Q(changes__person__1=person.pk)
        )
        ids |= {i for i in named.values_list("object_id", flat=True) if i is not None}
    return ids


def related_entries(person: Person) -> list[LogEntry]:
    match = Q(content_type=ContentType.objects.get_for_model(Person), object_id=person.pk)
    for model, path in RELATED.items():
        ids = _object_ids(model, path, person)
        match |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return list(LogEntry.objects.filter(match).select_related("content_type"))


def _secrets(old: dict[str, Any]) -> list[str]:
    """The strings that identify the person, longest first (a name inside a longer one)."""
    values = [old["full_name"], old["citizen_id"], old["legacy_id"], old["phone"], old["email"]]
    return sorted({v for v in values if v and len(str(v)) >= 3}, key=len, reverse=True)


def scrub(text: str, old: dict[str, Any]) -> str:
    for secret in _secrets(old):
        text = text.replace(str(secret), REDACTED)
    return text


def _scrub_value(value: Any, old: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return scrub(value, old)
    if isinstance(value, list | tuple):
        return [_scrub_value(v, old) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_value(v, old) for k, v in value.items()}
    return value


def _redacted_fields(model: type[Model] | None) -> tuple[str, ...]:
    if model is Person:
        return PERSONAL
    return SNAPSHOT_FIELDS.get(model, ())  # type: ignore[arg-type]


def _scrub_changes(entry: LogEntry, old: dict[str, Any], redact: bool) -> dict | None:
    if not entry.changes:
        return entry.changes
    personal = _redacted_fields(entry.content_type.model_class()) if redact else ()
    changes = {}
    for name, pair in entry.changes.items():
        if name in personal and isinstance(pair, list | tuple):
            pair = [REDACTED if v not in ("", None) else v for v in pair]
        changes[name] = _scrub_value(pair, old)
    return changes


def _scrub_entries(entries: list[LogEntry], old: dict[str, Any], *, redact: bool = True) -> None:
    """Every value the person's rows had in `PERSONAL` (and the certificates' snapshot fields)
    becomes REDACTED; with or without `redact`, the identifying strings go from all text."""
    for entry in entries:
        entry.changes = _scrub_changes(entry, old, redact)
        entry.object_repr = scrub(entry.object_repr, old)
        entry.changes_text = scrub(entry.changes_text or "", old)
        entry.serialized_data = None
    LogEntry.objects.bulk_update(
        entries, ["changes", "object_repr", "changes_text", "serialized_data"], batch_size=500
    )
    _scrub_admin_log(entries, old)


def _scrub_admin_log(entries: Iterable[LogEntry], old: dict[str, Any]) -> None:
    """Django's own admin log keeps each object's name as it was."""
    match = Q(pk__in=[])
    for entry in entries:
        match |= Q(content_type_id=entry.content_type_id, object_id=entry.object_pk)
    rows = list(AdminLogEntry.objects.filter(match)) if entries else []
    for row in rows:
        row.object_repr = scrub(row.object_repr, old)
    AdminLogEntry.objects.bulk_update(rows, ["object_repr"])


def _scrub_everywhere(old: dict[str, Any]) -> None:
    """Citizen IDs are unique: any entry still holding one (another person's history that
    named it) loses it too."""
    numbers = [n for n in (old["citizen_id"], old["legacy_id"]) if n]
    match = Q(pk__in=[])
    for number in numbers:
        match |= Q(changes__icontains=number) | Q(object_repr__icontains=number)
    found = list(LogEntry.objects.filter(match).select_related("content_type"))
    if found:
        numbers_only = {f: "" for f in PERSONAL} | {n: old[n] for n in ("citizen_id", "legacy_id")}
        _scrub_entries(found, numbers_only, redact=False)


def _drop_files(cids: set[str]) -> None:
    """Import files that held the person's row: the hash stays, the bytes go."""
    ImportBatch.objects.filter(pk__in=_batch_ids(cids), content_removed_at__isnull=True).update(
        content=b"", content_removed_at=timezone.now()
    )


def _batch_ids(cids: set[str]) -> list[int]:
    return [
        int(c.removeprefix("batch-")) for c in cids if c.startswith("batch-") and c[6:].isdigit()
    ]


def _record(
    person: Person, old: dict[str, Any], certificates: list[Certificate], reason: str, by: Any
) -> Erasure:
    ctx = current()
    actor = by if getattr(by, "is_authenticated", False) else ctx.actor
    erasure = Erasure.objects.create(
        person=person, by=actor, operator=str(actor.get_username()) if actor else ctx.who,
        source=ctx.source, reason=reason,
    )  # fmt: skip
    cleared = {f: [REDACTED, getattr(person, f)] for f in PERSONAL if old[f] not in ("", None)}
    if old["user"]:  # the trainee account is no longer linked (and closed if only that)
        cleared["user"] = [old["user"], None]
    log_changes(person, cleared | {"reason": [None, reason]}, erasure=erasure.pk)
    for certificate in certificates:
        log_changes(
            certificate,
            {"holder_name": [REDACTED, ""], "holder_birth_date": [REDACTED, None]},
            erasure=erasure.pk,
        )
    return erasure
