"""Printable A4 sign-in sheets (danh sách ký tên / sổ điểm danh), one per session.

Paper-first courses: the organiser prints the sheet, trainees sign, a clerk types the marks back
(training.attendance_import). Text is NFC and drawn in DejaVu Sans, shipped in config/fonts,
because reportlab's bundled fonts (Helvetica, Vera) lack most Vietnamese letters.
"""

import io
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from people.text import clean

FONT_DIR = Path(settings.BASE_DIR) / "config" / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
# Column widths in mm; they add up to the 180 mm between the margins of an A4 page.
COLUMNS = [("STT", 13), ("Họ và tên", 50), ("Chức danh", 43), ("Thôn/Xã", 44), ("Chữ ký", 30)]
MARGIN = 15 * mm


@cache
def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans with reportlab once per process; returns (regular, bold) names."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)
    return FONT, FONT_BOLD


@dataclass(frozen=True)
class SheetRow:
    full_name: str
    role: str
    unit: str


@dataclass(frozen=True)
class SheetHeader:
    course_title: str
    programme_title: str
    when: str
    venue: str


def session_time_text(starts_at: datetime, ends_at: datetime) -> str:
    """'Thứ Hai, 09/03/2026, 07:30–11:30' in the project's time zone."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return f"{WEEKDAYS[start.weekday()]}, {start:%d/%m/%Y}, {start:%H:%M}–{end:%H:%M}"


def session_sheet(session: Any) -> tuple[SheetHeader, list[SheetRow]]:
    """Header and rows of a session's sheet: everyone expected, in Vietnamese name order."""
    from training.models import Enrollment

    course = session.course
    expected = [
        Enrollment.Status.INVITED,
        Enrollment.Status.CONFIRMED,
        Enrollment.Status.COMPLETED,
        Enrollment.Status.NOT_COMPLETED,
    ]
    enrollments = (
        course.enrollments.filter(status__in=expected)
        .select_related("person")
        .order_by("person__sort_key", "person_id")
    )
    rows = [SheetRow(e.person.full_name, e.role_label, e.unit_name) for e in enrollments]
    venue = course.venue or (course.venue_unit.name if course.venue_unit else "")
    header = SheetHeader(
        course_title=course.title,
        programme_title=course.programme.title,
        when=(session.title + " — " if session.title else "")
        + session_time_text(session.starts_at, session.ends_at),
        venue=venue,
    )
    return header, rows


def render_session_sheet(session: Any) -> bytes:
    header, rows = session_sheet(session)
    return render_sheet(header, rows)


class _NumberedCanvas(Canvas):
    """Writes 'Trang x/y' on every page once the total is known (pages are kept until save)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 — reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT, 8)
            self.drawRightString(A4[0] - MARGIN, 8 * mm, f"Trang {self._pageNumber}/{total}")
            super().showPage()
        super().save()


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = register_fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=13, leading=17, alignment=1),
        "line": ParagraphStyle("line", fontName=regular, fontSize=10, leading=14),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=9.5, leading=12),
        "head": ParagraphStyle("head", fontName=bold, fontSize=9.5, leading=12, alignment=1),
    }


def _header_flowables(header: SheetHeader, styles: dict[str, ParagraphStyle]) -> list[Any]:
    lines = [
        ("Lớp", header.course_title),
        ("Chương trình", header.programme_title),
        ("Thời gian", header.when),
        ("Địa điểm", header.venue),
    ]
    out: list[Any] = [Paragraph("DANH SÁCH KÝ TÊN HỌC VIÊN", styles["title"]), Spacer(1, 4 * mm)]
    for label, value in lines:
        out.append(Paragraph(f"<b>{label}:</b> {escape_text(value)}", styles["line"]))
    out.append(Spacer(1, 4 * mm))
    return out


def _table(rows: list[SheetRow], styles: dict[str, ParagraphStyle]) -> Table:
    head = [Paragraph(name, styles["head"]) for name, _ in COLUMNS]
    body = [
        [
            str(i),
            Paragraph(escape_text(r.full_name), styles["cell"]),
            Paragraph(escape_text(r.role), styles["cell"]),
            Paragraph(escape_text(r.unit), styles["cell"]),
            "",
        ]
        for i, r in enumerate(rows, start=1)
    ]
    table = Table([head, *body], colWidths=[w * mm for _, w in COLUMNS], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9.5),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 1), (0, -1), "CENTER"),
                # Room to sign by hand.
                ("ROWHEIGHT", (0, 1), (-1, -1), 11 * mm),
                ("TOPPADDING", (0, 1), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 3),
            ]
        )
    )
    return table


def escape_text(text: str) -> str:
    """Text for a reportlab Paragraph: NFC, with its markup characters escaped."""
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _running_header(header: SheetHeader) -> Any:
    """Pages 2+ name the course and session, so a loose page can still be filed."""
    text = clean(f"{header.course_title} — {header.when}")

    def draw(canvas: Canvas, doc: Any) -> None:
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGIN, A4[1] - 10 * mm, text)

    return draw


def a4_document(
    buffer: io.BytesIO,
    *,
    title: str,
    font_size: float,
    margins: tuple[float, float, float] = (MARGIN, MARGIN, MARGIN),
) -> SimpleDocTemplate:
    """An A4 document in DejaVu Sans; margins (left, right, top = bottom)."""
    left, right, top = margins
    register_fonts()
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=top,
        title=clean(title),
        author="Taphuan",
        # Otherwise reportlab starts every page in Helvetica, which then sits in the PDF unused.
        initialFontName=FONT,
        initialFontSize=font_size,
    )


def render_sheet(header: SheetHeader, rows: list[SheetRow]) -> bytes:
    """The PDF bytes of one sheet; the table header repeats on each page."""
    styles = _styles()
    buffer = io.BytesIO()
    doc = a4_document(buffer, title=f"Danh sách ký tên — {header.course_title}", font_size=9.5)
    story = _header_flowables(header, styles)
    story.append(_table(rows, styles))
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(f"Tổng số: {len(rows)} học viên.", styles["line"]))
    doc.build(story, onLaterPages=_running_header(header), canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
