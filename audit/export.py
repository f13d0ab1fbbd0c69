"""A person's data, for an access request (quyền được biết, Law on Personal Data Protection):
the person, every position, training record, invitation with its attendance, certificate, and
every history entry about them. JSON or an .xlsx workbook with one sheet per part."""

import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from audit.erasure import RELATED, related_entries
from audit.history import Viewer, as_dict
from audit.models import Erasure
from audit.record import ACCESS, log_changes
from certificates.models import Certificate
from people.models import Person, Position
from training.models import Attendance, Enrollment, TrainingRecord

FORMATS = ("xlsx", "json")
EVERYTHING = Viewer(ids=True, ethnicity=True)  # the person's own data, unmasked


def _person(p: Person) -> dict[str, Any]:
    return {
        "id": p.pk,
        "full_name": p.full_name,
        "family_name": p.family_name,
        "middle_name": p.middle_name,
        "given_name": p.given_name,
        "birth_date": p.birth_date,
        "sex": p.get_sex_display(),
        "ethnicity": p.ethnicity,
        "citizen_id": p.citizen_id or "",
        "legacy_id": p.legacy_id,
        "phone": p.phone,
        "email": p.email,
        "home_unit": p.home_unit.name if p.home_unit else "",
        "erased_on": _erased_on(p),
    }


def _erased_on(p: Person) -> datetime | None:
    erasure = Erasure.objects.filter(person=p).first()
    return timezone.localtime(erasure.at) if erasure else None


def _positions(p: Person) -> list[dict[str, Any]]:
    rows = Position.objects.filter(person=p).select_related("role", "organisation__unit")
    return [
        {
            "role": x.role.label,
            "organisation": x.organisation.name,
            "unit": x.organisation.unit.name,
            "start": x.start,
            "end": x.end,
            "legal_basis": x.legal_basis,
        }
        for x in rows.order_by("start", "pk")
    ]


def _records(p: Person) -> list[dict[str, Any]]:
    rows = TrainingRecord.objects.filter(person=p).select_related("programme")
    return [
        {
            "programme": f"{r.programme.code} — {r.programme.title}",
            "completed_on": r.completed_on,
            "expires_on": r.expires_on,
            "organiser": r.organiser_name,
            "certificate_number": r.certificate_number,
            "source": r.get_source_display(),
            "note": r.note,
        }
        for r in rows.order_by("completed_on", "pk")
    ]


def _enrollments(p: Person) -> list[dict[str, Any]]:
    rows = Enrollment.objects.filter(person=p).select_related("course")
    marks: dict[int, list[str]] = {}
    for a in Attendance.objects.filter(enrollment__person=p).select_related("session"):
        day = timezone.localtime(a.session.starts_at).strftime("%d/%m/%Y")
        marks.setdefault(a.enrollment_id, []).append(f"{day}: {a.get_status_display()}")
    return [
        {
            "course": e.course.title,
            "status": e.get_status_display(),
            "essay_mark": e.essay_mark,
            "attendance": "; ".join(sorted(marks.get(e.pk, []))),
        }
        for e in rows.order_by("created_at", "pk")
    ]


def _certificates(p: Person) -> list[dict[str, Any]]:
    rows = Certificate.objects.filter(person=p).order_by("issued_on", "pk")
    return [
        {
            "number": c.number,
            "holder_name": c.holder_name,
            "holder_birth_date": c.holder_birth_date,
            "programme": c.programme_title,
            "course_dates": c.course_dates,
            "issuer": c.issuer_name_printed,
            "issued_on": c.issued_on,
            "status": c.get_status_display(),
        }
        for c in rows
    ]


def _history(p: Person) -> list[dict[str, Any]]:
    models: list[type[Model]] = [Person, *RELATED]
    labels = {m: str(m._meta.verbose_name) for m in models}
    entries = sorted(related_entries(p), key=lambda e: (e.timestamp, e.pk))
    return [
        {"object": f"{labels.get(e.content_type.model_class(), '')} #{e.object_id}"}
        | as_dict(e, EVERYTHING)
        for e in entries
    ]


SECTIONS = {
    "person": "Thông tin cá nhân",
    "positions": "Chức danh",
    "training_records": "Kết quả tập huấn",
    "enrollments": "Lớp được mời",
    "certificates": "Giấy chứng nhận",
    "history": "Lịch sử thay đổi",
}


def person_data(person: Person) -> dict[str, Any]:
    """Everything the registry holds about `person`; the export itself goes in the history."""
    log_changes(person, {}, action=ACCESS, export=True)
    return {
        "person": _person(person),
        "positions": _positions(person),
        "training_records": _records(person),
        "enrollments": _enrollments(person),
        "certificates": _certificates(person),
        "history": _history(person),
    }


def as_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value.tzinfo else value
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return value


def as_xlsx(data: dict[str, Any]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for key, title in SECTIONS.items():
        sheet = book.create_sheet(title[:31])
        rows = [data[key]] if isinstance(data[key], dict) else data[key]
        columns = list(rows[0]) if rows else []
        sheet.append(columns or ["(không có)"])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(row[c]) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_person(person: Person, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"Định dạng phải là một trong {', '.join(FORMATS)}")
    data = person_data(person)
    return as_xlsx(data) if fmt == "xlsx" else as_json(data)
