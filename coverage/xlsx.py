"""The report officials send upward ("Báo cáo kết quả tập huấn"), as .xlsx and .csv.

Pure functions of report dicts (coverage.report) and gap tables: the views gather the data.
"""

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from config.dates import formal, show
from config.spreadsheets import neutralised, save_workbook, xlsx_value
from coverage import glossary

TITLE = "BÁO CÁO KẾT QUẢ TẬP HUẤN"
PERSON_COLUMNS = [
    ("holders", "Số người giữ chức danh"),
    ("trained", "Đã tập huấn"),
    ("percent", "Tỷ lệ (%)"),
    ("due", "Chưa tập huấn trong hạn"),
    ("overdue", "Quá hạn"),
    ("vacant", "Chức danh còn trống"),
]
BOARD_COLUMNS = [
    ("boards", "Số ban"),
    ("boards_covered", "Số ban đạt"),
    ("percent", "Tỷ lệ (%)"),
    ("vacant", "Xã chưa có Ban thanh tra nhân dân"),
]
VILLAGE_COLUMNS = [
    ("villages", "Số thôn, tổ dân phố"),
    ("villages_covered", "Số thôn, tổ dân phố có tổ trưởng tổ dân vận"),
    ("percent", "Tỷ lệ (%)"),
]
CSV_COLUMNS = [
    ("holders", "Số người giữ chức danh"),
    ("trained", "Đã tập huấn"),
    ("persons", "Số người"),
    ("persons_trained", "Số người đã tập huấn"),
    ("boards", "Số ban"),
    ("boards_covered", "Số ban đạt"),
    ("villages", "Số thôn, tổ dân phố"),
    ("villages_covered", "Số thôn có tổ trưởng tổ dân vận"),
    ("percent", "Tỷ lệ (%)"),
    ("due", "Chưa tập huấn trong hạn"),
    ("overdue", "Quá hạn"),
    ("vacant", "Còn trống"),
]
BOLD = Font(bold=True)
THIN = Side(style="thin", color="999999")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="EEF1F4")
HEADER_ROW = 6


@dataclass
class Section:
    """One target of the report: its figures and the named gaps behind them."""

    code: str
    short: str
    title: str
    deadline: date | None
    report: dict[str, Any]
    gap_headers: list[str] = field(default_factory=list)
    gap_rows: list[list[str]] = field(default_factory=list)


def denominators(report: dict[str, Any]) -> tuple[int, int]:
    """(numerator, denominator) of a report's percent, whatever it counts."""
    if "boards" in report:
        return report.get("boards_covered") or 0, report.get("boards") or 0
    if "villages" in report:
        return report.get("villages_covered") or 0, report.get("villages") or 0
    return report.get("trained") or 0, report.get("holders") or 0


def columns_of(report: dict[str, Any]) -> list[tuple[str, str]]:
    if "boards" in report:
        return BOARD_COLUMNS
    if "villages" in report:
        return VILLAGE_COLUMNS
    return PERSON_COLUMNS


def _title_block(ws: Worksheet, subtitle: str, unit_name: str, on: date, width: int) -> None:
    lines = [TITLE, subtitle, f"Đơn vị: {unit_name}", f"Số liệu tính đến {formal(on)}"]
    for row, text in enumerate(lines, start=1):
        ws.cell(row=row, column=1, value=xlsx_value(text)).font = Font(
            bold=row <= 2, size=14 if row == 1 else 11
        )
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center", wrap_text=True)


def _header(ws: Worksheet, titles: Sequence[str]) -> None:
    for col, text in enumerate(titles, start=1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=xlsx_value(text))
        cell.font, cell.fill, cell.border = BOLD, HEAD_FILL, GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[HEADER_ROW].height = 45
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)


def _figures_row(ws: Worksheet, row: int, lead: list[Any], report: dict, keys: list[str]) -> None:
    values = lead + [report.get(k) for k in keys]
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=xlsx_value(value))
        cell.border = GRID
        if keys[col - len(lead) - 1 : col - len(lead)] == ["percent"]:
            cell.number_format = "0.0"


def _widths(ws: Worksheet, widths: Sequence[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def sheet_name(prefix: str, short: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\ (a target's title
    typed in the admin may hold «1/2026»)."""
    return re.sub(r"[\[\]:*?/\\]", "-", f"{prefix} {short}")[:31]


def summary_sheet(book: Workbook, section: Section, unit_name: str, on: date) -> Worksheet:
    """Children rows (STT, Đơn vị, figures), then the unit's own total."""
    ws = book.create_sheet(sheet_name("TH", section.short))
    columns = columns_of(section.report)
    keys = [k for k, _ in columns]
    _title_block(ws, section.title, unit_name, on, 2 + len(columns))
    _header(ws, ["STT", "Đơn vị"] + [t for _, t in columns])
    row = HEADER_ROW + 1
    for i, child in enumerate(section.report.get("children") or [], start=1):
        _figures_row(ws, row, [i, (child.get("unit") or {}).get("name", "")], child, keys)
        row += 1
    _figures_row(ws, row, ["", "Tổng cộng"], section.report, keys)
    for cell in ws[row]:
        cell.font = BOLD
    _widths(ws, [6, 34] + [16] * len(columns))
    return ws


def gap_sheet(book: Workbook, section: Section, unit_name: str, on: date) -> Worksheet:
    ws = book.create_sheet(sheet_name("DS", section.short))
    _title_block(
        ws, f"Danh sách chưa đạt — {section.title}", unit_name, on, 1 + len(section.gap_headers)
    )
    _header(ws, ["STT"] + section.gap_headers)
    for i, cells in enumerate(section.gap_rows, start=1):
        for col, value in enumerate([i, *cells], start=1):
            ws.cell(row=HEADER_ROW + i, column=col, value=xlsx_value(value)).border = GRID
    _widths(ws, [6] + [22] * len(section.gap_headers))
    return ws


def overview_sheet(ws: Worksheet, sections: Sequence[Section], unit_name: str, on: date) -> None:
    ws.title = "Tổng hợp"
    _title_block(ws, "Tổng hợp các chỉ tiêu tập huấn", unit_name, on, 6)
    _header(ws, ["STT", "Chỉ tiêu", "Đạt", "Tổng số", "Tỷ lệ (%)", "Thời hạn"])
    for i, s in enumerate(sections, start=1):
        num, den = denominators(s.report)
        values = [i, s.title, num, den, s.report.get("percent"), show(s.deadline)]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=HEADER_ROW + i, column=col, value=xlsx_value(value))
            cell.border = GRID
            cell.alignment = Alignment(wrap_text=col == 2, vertical="top")
        ws.cell(row=HEADER_ROW + i, column=5).number_format = "0.0"
    _widths(ws, [6, 60, 10, 10, 10, 12])


def build_workbook(*, sections: Sequence[Section], unit_name: str, on: date) -> bytes:
    """An overview sheet, then per target a summary sheet (TH …) and a named gap sheet (DS …)."""
    book = Workbook()
    overview_sheet(book.active, sections, unit_name, on)
    for section in sections:
        summary_sheet(book, section, unit_name, on)
        gap_sheet(book, section, unit_name, on)
    glossary_sheet(book)
    return save_workbook(book)


def glossary_sheet(book: Workbook) -> None:
    """«Giải thích»: one line per figure of the other sheets (coverage.glossary)."""
    sheet = book.create_sheet("Giải thích")
    sheet.append(["Số liệu", "Giải thích"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for term in glossary.terms():
        sheet.append([xlsx_value(term.term), xlsx_value(term.text)])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 110


def _csv_value(value: Any) -> Any:
    return "" if value is None else value


def build_csv(*, sections: Sequence[Section], unit_name: str, on: date) -> str:
    """One table: a row per target and unit (the unit's own total first, then its children)."""
    out = io.StringIO()
    out.write("\ufeff")  # so Excel opens UTF-8 Vietnamese correctly
    writer = csv.writer(out)
    writer.writerow(
        ["Chỉ tiêu", "Tính đến ngày", "STT", "Đơn vị", "Mã đơn vị"] + [t for _, t in CSV_COLUMNS]
    )
    for s in sections:
        rows = [("", s.report)] + list(enumerate(s.report.get("children") or [], start=1))
        for number, report in rows:
            info = report.get("unit") or {}
            lead = [s.code, show(on), number, info.get("name", unit_name), info.get("code", "")]
            values = lead + [_csv_value(report.get(k)) for k, _ in CSV_COLUMNS]
            writer.writerow(neutralised(values))
    return out.getvalue()
