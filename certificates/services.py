"""Issuing, revoking and reissuing certificates; the public verification look-up."""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from access.scopes import may_see
from certificates.errors import CertificateError
from certificates.models import Certificate, Issuer, NumberCounter, Verification
from certificates.pdf import render_certificate
from config.dates import show
from people.models import Person, Position
from training.models import Course, Enrollment, Programme, TrainingRecord

logger = logging.getLogger(__name__)

# Public look-ups allowed per client IP per minute.
VERIFY_RATE = 30
# A number + birth date look-up answers found / not found, so birth dates could be guessed
# (366 tries) and numbers are sequential: at most this many failed tries per number an hour.
LOOKUP_FAILURES_PER_NUMBER = 5
LOOKUP_FAILURE_WINDOW = 3600
UNKNOWN_CATEGORY = "Loại lý do thu hồi phải là một trong: " + ", ".join(
    f"{code} ({label})" for code, label in Certificate.RevocationCategory.choices
)


@dataclass(frozen=True)
class Source:
    """What a certificate is issued for: a training record, an enrolment, or both."""

    person: Person
    programme: Programme
    course: Course | None
    enrollment: Enrollment | None
    record: TrainingRecord | None


def issue_certificate(
    *,
    record: TrainingRecord | None = None,
    enrollment: Enrollment | None = None,
    issuer: Issuer,
    by: Any = None,
    issued_on: date | None = None,
) -> Certificate:
    """Number, snapshot, render and store a certificate for a completed training. `issued_on`
    (default today) numbers it in that year's sequence: for paper history entered later."""
    source = _source(record=record, enrollment=enrollment)
    try:
        with transaction.atomic():
            return _issue(source=source, issuer=issuer, by=by, day=issued_on)
    except IntegrityError as error:
        # A concurrent issue for the same enrolment won the race; the numbering rolled back.
        raise CertificateError("Giấy chứng nhận cho lượt học này vừa được cấp.") from error


@dataclass(frozen=True)
class Refusal:
    """A trainee a batch did not issue a certificate to, and why (in Vietnamese)."""

    enrollment_id: int
    person: str
    reason: str

    def __str__(self) -> str:
        return f"{self.person}: {self.reason}"


@dataclass
class Batch:
    """What issuing for a course did: the certificates issued, and the trainees refused."""

    issued: list[Certificate] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    def summary(self) -> str:
        text = f"Đã cấp {len(self.issued)} giấy chứng nhận"
        if self.refused:
            text += f"; {len(self.refused)} người không được cấp: " + "; ".join(
                str(r) for r in self.refused
            )
        return text + "."


# A background job's page is told how far a course's certificates got every this many trainees.
PROGRESS_EVERY = 20


def issue_for_course(
    *,
    course: Course,
    issuer: Issuer | None = None,
    issued_on: date | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Batch:
    """Certificates for every completed enrolment of a course that has none yet (called by
    training.services.close_course after commit). Each certificate is its own transaction
    (a savepoint inside an outer one): a trainee refused (say, already holding a certificate
    for this training) is reported in `refused`, and every other one is still issued."""
    batch = Batch()
    if not course.programme.has_certificate:
        return batch
    issuer = issuer or issuer_for_course(course)
    if issuer is None:
        logger.warning("No issuer for course %s: no certificates issued", course.pk)
        return batch
    # One issuer (with its names) and one course object shared by every certificate: the
    # names and the course dates are read once, not once per trainee.
    issuer = Issuer.objects.prefetch_related("names").get(pk=issuer.pk)
    pending = list(
        Enrollment.objects.filter(course=course, status=Enrollment.Status.COMPLETED)
        .filter(certificates__isnull=True)
        .select_related("person", "record")
        .order_by("person__sort_key", "pk")
    )
    for done, enrollment in enumerate(pending):
        if on_progress and done % PROGRESS_EVERY == 0:
            on_progress(done, len(pending))
        enrollment.course = course
        try:
            batch.issued.append(
                issue_certificate(
                    enrollment=enrollment,
                    record=getattr(enrollment, "record", None),
                    issuer=issuer,
                    issued_on=issued_on,
                )
            )
        except CertificateError as error:
            batch.refused.append(Refusal(enrollment.pk, str(enrollment.person), str(error)))
        except Exception:  # one trainee's failure (a PDF, a disk) must not stop the others
            logger.exception("Certificate for enrollment %s failed", enrollment.pk)
            reason = "lỗi khi tạo giấy chứng nhận; đã ghi vào nhật ký hệ thống"
            batch.refused.append(Refusal(enrollment.pk, str(enrollment.person), reason))
    for refusal in batch.refused:
        logger.warning("Course %s: no certificate for %s", course.pk, refusal)
    return batch


def pdf_content(certificate: Certificate) -> bytes:
    """The certificate's PDF. A file missing from media is rendered again from the snapshot
    (the same text, number and QR code) and stored again; CertificateError when it cannot be."""
    try:
        with certificate.pdf.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):  # the file is gone, or none was ever recorded
        logger.warning("PDF of certificate %s missing: rendered again", certificate.number)
    try:
        content = render_certificate(certificate)
    except Exception as error:  # a seal image gone too, a layout broken since…
        logger.exception("PDF of certificate %s cannot be rendered", certificate.number)
        raise CertificateError(
            f"Không tìm thấy tệp PDF của giấy chứng nhận số {certificate.number} và không tạo "
            "lại được; hãy báo quản trị hệ thống."
        ) from error
    _store_again(certificate, content)
    return content


def _store_again(certificate: Certificate, content: bytes) -> None:
    name = certificate.pdf.name or f"certificates/{certificate.year}/{certificate.code}.pdf"
    try:
        stored = default_storage.save(name, ContentFile(content))
    except OSError:
        logger.exception("PDF of certificate %s cannot be stored again", certificate.number)
        return
    if stored != certificate.pdf.name:
        certificate.pdf.name = stored
        Certificate.objects.filter(pk=certificate.pk).update(pdf=stored)


def issuer_for_course(course: Course) -> Issuer | None:
    """The organiser's own issuing body if it has one, else the default issuer."""
    found = None
    if course.organiser_id:
        found = Issuer.objects.filter(organisation_id=course.organiser_id).first()
    return found or Issuer.objects.filter(is_default=True).first()


def revoke_certificate(
    *,
    certificate: Certificate,
    reason: str,
    by: Any,
    category: str = Certificate.RevocationCategory.OTHER,
) -> Certificate:
    """Revoke (thu hồi) a valid certificate, keeping it and saying why: a category the public
    sees (`Certificate.RevocationCategory`) and a free-text reason for staff."""
    reason = without_nul(reason).strip()
    if not reason:
        raise CertificateError("Phải nêu lý do thu hồi.")
    if category not in Certificate.RevocationCategory.values:
        raise CertificateError(UNKNOWN_CATEGORY)
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status != Certificate.Status.VALID:
            raise CertificateError(f"Giấy chứng nhận {locked.number} không còn hiệu lực.")
        locked.status = Certificate.Status.REVOKED
        locked.revoked_on = timezone.localdate()
        locked.revocation_category = category
        locked.revocation_reason = reason
        locked.revoked_by = by if getattr(by, "pk", None) else None
        locked.save(
            update_fields=[
                "status",
                "revoked_on",
                "revocation_category",
                "revocation_reason",
                "revoked_by",
            ]
        )
    return locked


def reissue_certificate(*, certificate: Certificate, by: Any = None) -> Certificate:
    """Issue a new certificate (new number, current data) that supersedes a valid one."""
    if certificate.training_record_id is None and certificate.enrollment_id is None:
        raise CertificateError("Không xác định được kết quả tập huấn để cấp lại.")
    source = _source(record=certificate.training_record, enrollment=certificate.enrollment)
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.status != Certificate.Status.VALID:
            raise CertificateError(f"Chỉ cấp lại được giấy còn hiệu lực ({old.number}).")
        old.status = Certificate.Status.SUPERSEDED
        old.save(update_fields=["status"])
        new = _issue(source=source, issuer=old.issuer, by=by)
        old.superseded_by = new
        old.save(update_fields=["superseded_by"])
    certificate.refresh_from_db()
    return new


def _source(*, record: TrainingRecord | None, enrollment: Enrollment | None) -> Source:
    if enrollment is None:
        if record is None:
            raise CertificateError("Cần có kết quả tập huấn hoặc lượt học để cấp giấy chứng nhận.")
        linked = record.enrollment if record.enrollment_id else None
        return _certifying(Source(record.person, record.programme, record.course, linked, record))
    if record is None:
        record = TrainingRecord.objects.filter(enrollment=enrollment).first()
        if record is None and enrollment.status != Enrollment.Status.COMPLETED:
            raise CertificateError(f"{enrollment.person} chưa hoàn thành lớp học.")
    course = enrollment.course
    return _certifying(Source(enrollment.person, course.programme, course, enrollment, record))


def _certifying(source: Source) -> Source:
    if not source.programme.has_certificate:
        raise CertificateError(
            f"Chương trình «{source.programme.title}» không cấp giấy chứng nhận."
        )
    return source


def _issue(*, source: Source, issuer: Issuer, by: Any, day: date | None = None) -> Certificate:
    _refuse_duplicate(source)
    today = day or timezone.localdate()
    serial = _next_serial(issuer, today.year)
    certificate = Certificate(
        issuer=issuer,
        year=today.year,
        serial=serial,
        number=issuer.format_number(serial),
        issued_on=today,
        issued_by=by if getattr(by, "pk", None) else None,
        **_snapshot(source, issuer, today),
    )
    certificate.pdf.save(
        f"{certificate.code}.pdf", ContentFile(render_certificate(certificate)), save=False
    )
    certificate.save()
    return certificate


def _refuse_duplicate(source: Source) -> None:
    match = Q(pk__in=[])
    if source.enrollment is not None:
        match |= Q(enrollment=source.enrollment)
    if source.record is not None:
        match |= Q(training_record=source.record)
    existing = Certificate.objects.filter(match, status=Certificate.Status.VALID).first()
    if existing is not None:
        raise CertificateError(
            f"{source.person} đã có giấy chứng nhận số {existing.number} cho chương trình này."
        )


def _next_serial(issuer: Issuer, year: int) -> int:
    """Take the next number of `issuer` in `year`, holding the counter's row lock until the
    transaction ends: no gaps (a failed issue rolls the counter back) and no duplicates."""
    counter = NumberCounter.objects.select_for_update().filter(issuer=issuer, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                NumberCounter.objects.create(issuer=issuer, year=year, last_number=0)
        except IntegrityError:
            pass  # another transaction created it first; its row lock now queues us
        counter = NumberCounter.objects.select_for_update().get(issuer=issuer, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _snapshot(source: Source, issuer: Issuer, day: date) -> dict[str, object]:
    person, course = source.person, source.course
    name = issuer.name_on(day)
    role_label, unit_name = _role_and_unit(source)
    return {
        "person": person,
        "enrollment": source.enrollment,
        "training_record": source.record,
        "course": course,
        "holder_name": person.full_name,
        "holder_birth_date": person.birth_date,
        "role_label": role_label,
        "unit_name": unit_name,
        "programme_title": source.programme.title,
        "course_title": course.title if course is not None else "",
        "course_dates": _course_dates(source),
        "course_place": course.venue if course is not None else "",
        "issuer_name_printed": name.name,
        "issuer_header_printed": name.header_text(),
        "place_printed": name.place_name or issuer.place_name,
        "signatory_title": issuer.signatory_title,
        "signatory_name": issuer.signatory_name,
    }


def _role_and_unit(source: Source) -> tuple[str, str]:
    if source.enrollment is not None and (
        source.enrollment.role_label or source.enrollment.unit_name
    ):
        return source.enrollment.role_label, source.enrollment.unit_name
    day = source.record.completed_on if source.record is not None else timezone.localdate()
    position = (
        Position.objects.active_on(day)
        .filter(person=source.person)
        .select_related("role", "organisation")
        .order_by("start", "pk")
        .first()
    )
    return (position.role.label, position.organisation.name) if position else ("", "")


def _course_dates(source: Source) -> str:
    """'từ ngày 03/02/2026 đến ngày 05/02/2026', or one day, from the sessions or the record."""
    if source.course is not None:
        span = getattr(source.course, "_session_span", None)
        if span is None:
            span = source.course.sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
            source.course._session_span = span  # type: ignore[attr-defined]  # once per batch
        if span["first"]:
            first = timezone.localdate(span["first"])
            last = timezone.localdate(span["last"])
            if first == last:
                return f"ngày {show(first)}"
            return f"từ ngày {show(first)} đến ngày {show(last)}"
    if source.record is not None:
        return f"ngày {show(source.record.completed_on)}"
    return ""


# --- Public verification -------------------------------------------------------------------


def allow_verification(ip: str | None) -> bool:
    """At most VERIFY_RATE look-ups per client IP in a one-minute window that starts with its
    first look-up (the cache entry expires with the window; incr keeps the expiry)."""
    key = f"certificates:verify:{ip or 'unknown'}"
    if cache.add(key, 1, timeout=60):
        return True
    try:
        return cache.incr(key) <= VERIFY_RATE
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=60)
        return True


def reserve_number_try(number: str) -> str | None:
    """A free slot among the LOOKUP_FAILURES_PER_NUMBER failed look-ups this number may have
    in an hour (a cache key: release it when the look-up succeeds), or None when all are used.

    Each slot is claimed with `cache.add`, which is atomic on the database cache and Redis
    alike: parallel guesses cannot all pass by reading a counter before any of them wrote it.
    A slot expires an hour after it was taken, so the window slides."""
    folded = _clean_number(number).casefold().encode()
    base = "certificates:lookup-number:" + hashlib.sha256(folded).hexdigest()
    for slot in range(LOOKUP_FAILURES_PER_NUMBER):
        key = f"{base}:{slot}"
        if cache.add(key, 1, timeout=LOOKUP_FAILURE_WINDOW):
            return key
    return None


def release_number_try(slot: str) -> None:
    """A successful look-up does not count against its number."""
    cache.delete(slot)


def sees_reason_text(user: Any, certificate: Certificate) -> bool:
    """The free-text revocation reason is for staff: a signed-in user who may see the
    certificate (its holder's units, its course's organiser, the holder's own account)."""
    return bool(user.is_authenticated) and may_see(user, certificate)


def public_reason(certificate: Certificate, user: Any) -> str | None:
    """What the verification page and API say about why a certificate was revoked: the free
    text for staff, the category's label for everyone else; None when it is not revoked."""
    if certificate.status != Certificate.Status.REVOKED:
        return None
    if sees_reason_text(user, certificate):
        return certificate.revocation_reason
    return certificate.get_revocation_category_display()


def without_nul(text: object) -> str:
    """User text without NUL characters (PostgreSQL text cannot hold them: a 500 otherwise)."""
    return str(text or "").replace("\x00", "")


def verify_code(*, code: str, ip: str | None, user_agent: str, channel: str) -> Certificate | None:
    """The certificate with this code (or None), logging the look-up whatever the answer."""
    code = without_nul(code).strip().upper()[:100]
    found = Certificate.objects.select_related("issuer", "superseded_by").filter(code=code).first()
    _log(found, code, ip, user_agent, channel)
    return found


def find_by_number(
    *, number: str, birth_date: date, ip: str | None, user_agent: str
) -> Certificate | None:
    """Look a certificate up by its number and the holder's birth date (latest year first)."""
    cleaned = _clean_number(number)
    found = (
        Certificate.objects.select_related("issuer", "superseded_by")
        .filter(number__iexact=cleaned, holder_birth_date=birth_date)
        .order_by("-year")
        .first()
    )
    _log(found, f"{cleaned} {birth_date:%d/%m/%Y}", ip, user_agent, "number")
    return found


def _clean_number(number: str) -> str:
    text = without_nul(number).strip()
    for prefix in ("Số:", "số:", "SỐ:", "Số", "số", "SỐ"):
        if text.startswith(prefix):
            return text[len(prefix) :].strip()
    return text


def _log(found: Certificate | None, code: str, ip: str | None, agent: str, channel: str) -> None:
    Verification.objects.create(
        certificate=found,
        code=code[:100],
        ip=ip or None,
        user_agent=without_nul(agent)[:300],
        channel=channel,
        found=found is not None,
    )
