"""Certificates in bulk: one merged PDF or a ZIP for printing, and the issue register
(sổ cấp giấy chứng nhận) as a spreadsheet."""

import io
import zipfile
from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from pypdf import PdfWriter

from certificates.models import Certificate, Issuer
from certificates.services import pdf_content
from config.dates import show
from config.spreadsheets import save_workbook, xlsx_value

REGISTER_COLUMNS = [
    ("STT", 6),
    ("Số GCN", 18),
    ("Họ và tên", 28),
    ("Ngày sinh", 12),
    ("Chương trình", 40),
    ("Khóa học", 36),
    ("Ngày cấp", 12),
    ("Trạng thái", 16),
    ("Ghi chú", 40),
]


def merged_pdf(certificates: Iterable[Certificate]) -> bytes:
    """The stored PDFs one after the other, one page each, in the given order (a file missing
    from media is rendered again; CertificateError when one cannot be)."""
    writer = PdfWriter()
    for certificate in certificates:
        writer.append(io.BytesIO(pdf_content(certificate)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zipped_pdfs(certificates: Iterable[Certificate]) -> bytes:
    """A ZIP of the stored PDFs, named after the number and the holder."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            archive.writestr(file_name(certificate), pdf_content(certificate))
    return out.getvalue()


def file_name(certificate: Certificate) -> str:
    safe_number = certificate.number.replace("/", "_")
    return f"{certificate.year}_{safe_number}_{certificate.code}.pdf"


def register_xlsx(
    *, issuer: Issuer, year: int, certificates: QuerySet[Certificate] | None = None
) -> bytes:
    """The issue register of one issuer for one year, in number order (of `certificates`, the
    caller's scope, when given)."""
    rows = (
        (certificates if certificates is not None else Certificate.objects)
        .filter(issuer=issuer, year=year)
        .select_related("superseded_by")
        .order_by("serial")
    )
    book = Workbook()
    sheet = book.active
    sheet.title = f"Sổ cấp GCN {year}"
    name = issuer.name_on(date(year, 12, 31)).name
    sheet.append([xlsx_value(f"SỔ CẤP GIẤY CHỨNG NHẬN NĂM {year} — {name}")])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([label for label, _ in REGISTER_COLUMNS])
    for index, (_, width) in enumerate(REGISTER_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.cell(row=2, column=index).font = Font(bold=True)
        sheet.cell(row=2, column=index).alignment = Alignment(wrap_text=True)
    for number, certificate in enumerate(rows, start=1):
        sheet.append([xlsx_value(v) for v in _register_row(number, certificate)])
    sheet.freeze_panes = "A3"
    return save_workbook(book)


def _register_row(index: int, certificate: Certificate) -> list[object]:
    return [
        index,
        certificate.number,
        certificate.holder_name,
        show(certificate.holder_birth_date),
        certificate.programme_title,
        certificate.course_title or certificate.course_dates,
        show(certificate.issued_on),
        certificate.get_status_display(),
        _note(certificate),
    ]


def _note(certificate: Certificate) -> str:
    if certificate.status == Certificate.Status.REVOKED:
        return (
            f"Thu hồi ngày {show(certificate.revoked_on)} "
            f"({certificate.get_revocation_category_display()}): {certificate.revocation_reason}"
        )
    if certificate.status == Certificate.Status.SUPERSEDED and certificate.superseded_by:
        return f"Cấp lại bằng số {certificate.superseded_by.number}"
    return ""
