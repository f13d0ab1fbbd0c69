"""Attendance typed back from paper (điểm danh từ tệp .xlsx), one file per session.

The template is the session's sign-in list with a «Có mặt» column to fill with Có mặt / Muộn /
Vắng / Vắng có phép. An upload is all or nothing: any bad row and nothing is written, with the
row number as Excel shows it, the column header and the reason in Vietnamese. Replaying a file
changes nothing (the marks go through `training.services.record_attendance`).
"""

from dataclasses import dataclass
from typing import IO, Any

from django.core.files import File
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

import audit
from config.spreadsheets import SpreadsheetError, read_table, save_workbook, xlsx_value
from people.text import clean, fold, match_key
from training.models import Attendance, Enrollment, Session
from training.services import MARKABLE, TrainingError, record_attendance
from training.signin import session_time_text

ID, NAME, ROLE, UNIT, MARK = "Mã học viên", "Họ và tên", "Chức danh", "Thôn/Xã", "Có mặt"
HEADERS = ["STT", ID, NAME, ROLE, UNIT, MARK]
SESSION_LABEL = "Mã buổi học:"
# The words a clerk writes, by their accent-free key: "co mat", "Có mặt", "CÓ MẶT" all match.
MARKS = {
    "co mat": Attendance.Status.PRESENT,
    "muon": Attendance.Status.LATE,
    "di muon": Attendance.Status.LATE,
    "vang": Attendance.Status.ABSENT,
    "vang co phep": Attendance.Status.EXCUSED,
}
WORDS: dict[str, str] = {
    Attendance.Status.PRESENT: "Có mặt",
    Attendance.Status.LATE: "Muộn",
    Attendance.Status.ABSENT: "Vắng",
    Attendance.Status.EXCUSED: "Vắng có phép",
}
CHOICES = " / ".join(WORDS.values())
HEADER_ROW = 6
Row = tuple[int, list[Any]]  # (row number as Excel shows it, cell values)


class AttendanceImportError(TrainingError):
    """The file was refused; `errors` lists every problem, one line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} lỗi; chưa ghi điểm danh nào")
        self.errors = errors


@dataclass
class ImportResult:
    rows: int
    changed: int
    batch: Any = None  # the audit.ImportBatch it was written in

    def summary(self) -> str:
        return f"Đã đọc {self.rows} học viên; {self.changed} điểm danh mới hoặc thay đổi."


def _listed(session: Session) -> list[Enrollment]:
    return list(
        session.course.enrollments.filter(status__in=Enrollment.SEAT_STATUSES)
        .select_related("person")
        .order_by("person__sort_key", "person_id")
    )


def template_workbook(session: Session) -> bytes:
    """The .xlsx to fill: title rows, then one row per listed person, current marks filled in."""
    marks = dict(session.attendances.values_list("enrollment_id", "status"))
    wb = Workbook()
    ws = wb.active
    ws.title = "Điểm danh"
    ws.append(["DANH SÁCH ĐIỂM DANH"])
    ws.append([xlsx_value(session.course.title)])
    ws.append([session_time_text(session.starts_at, session.ends_at)])
    ws.append([SESSION_LABEL, session.pk])
    ws.append([f"Cột «{MARK}» ghi một trong: {CHOICES}"])
    ws.append(HEADERS)
    for n, e in enumerate(_listed(session), start=1):
        mark = WORDS.get(marks.get(e.pk, ""), "")
        row = [n, e.pk, e.person.full_name, e.role_label, e.unit_name, mark]
        ws.append([xlsx_value(v) for v in row])
    _decorate(ws)
    return save_workbook(wb)


def _decorate(ws: Any) -> None:
    ws["A1"].font = Font(bold=True, size=13)
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8E8E8")
        cell.alignment = Alignment(horizontal="center")
    for column, width in zip("ABCDEF", (6, 13, 30, 34, 34, 16), strict=True):
        ws.column_dimensions[column].width = width
    choices = DataValidation(type="list", formula1='"' + ",".join(WORDS.values()) + '"')
    choices.error = f"Chỉ ghi một trong: {CHOICES}"
    ws.add_data_validation(choices)
    choices.add(f"F{HEADER_ROW + 1}:F{max(ws.max_row, HEADER_ROW + 1) + 50}")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value)) if value is not None else ""


def _header_columns(values: list[Any]) -> dict[str, int]:
    """Column name → index when `values` is the header row (all of ID, NAME, MARK), else {}."""
    wanted = {match_key(h): h for h in (ID, NAME, MARK)}
    found = {
        wanted[match_key(_text(c))]: j
        for j, c in enumerate(values)
        if match_key(_text(c)) in wanted
    }
    return found if len(found) == len(wanted) else {}


def _find_header(rows: list[Row]) -> tuple[int, dict[str, int]]:
    for i, (_, values) in enumerate(rows[:20]):
        if columns := _header_columns(values):
            return i, columns
    raise AttendanceImportError(
        [f"Không tìm thấy dòng tiêu đề có các cột «{ID}», «{NAME}», «{MARK}» (hãy dùng tệp mẫu)"]
    )


def _session_problem(rows: list[Row], header: int, session: Session) -> str | None:
    for n, row in rows[:header]:
        cells = [_text(c) for c in row]
        if cells and match_key(cells[0]) == match_key(SESSION_LABEL) and len(cells) > 1:
            if cells[1] != str(session.pk):
                return (
                    f"Dòng {n}: tệp này là của buổi học mã {cells[1]}, không phải buổi {session.pk}"
                )
    return None


def _read(file: File | IO[bytes] | bytes) -> list[Row]:
    """Every non-empty row of the file, through the shared reader (size, type, bombs, cells)."""
    try:
        table = read_table(file, getattr(file, "name", "") or "", kinds=("xlsx",))
        rows = []
        for number, values in table:
            rows.append((number, values))
            if len(rows) <= 20 and _header_columns(values):
                table.name_columns(number, values)
        return rows
    except SpreadsheetError as e:
        raise AttendanceImportError(e.lines()) from e


def parse_marks(session: Session, rows: list[Row]) -> tuple[dict[int, str], list[str]]:
    """{enrollment id: status} and the list of problems (row-numbered, Vietnamese)."""
    header, columns = _find_header(rows)
    errors = [p for p in [_session_problem(rows, header, session)] if p]
    enrollments = {e.pk: e for e in session.course.enrollments.select_related("person")}
    marks: dict[int, str] = {}
    for number, row in rows[header + 1 :]:
        cells = {name: _text(row[j]) if j < len(row) else "" for name, j in columns.items()}
        if not any(cells.values()):
            continue
        problem, pk, status = _check_row(cells, enrollments, marks)
        if problem:
            errors.append(f"Dòng {number}, {problem}")
        else:
            marks[pk] = status
    return marks, errors


def _check_row(
    cells: dict[str, str], enrollments: dict[int, Enrollment], seen: dict[int, str]
) -> tuple[str | None, int, str]:
    raw_id = cells[ID]
    if not raw_id.isdigit() or int(raw_id) not in enrollments:
        return f"cột «{ID}»: «{raw_id}» không phải học viên của lớp này", 0, ""
    pk = int(raw_id)
    enrollment = enrollments[pk]
    if pk in seen:
        return f"cột «{ID}»: học viên mã {pk} xuất hiện hai lần", pk, ""
    if cells[NAME] and match_key(cells[NAME]) != match_key(enrollment.person.full_name):
        return (
            f"cột «{NAME}»: «{cells[NAME]}» không khớp với học viên mã {pk} "
            f"({enrollment.person.full_name})",
            pk,
            "",
        )
    status = MARKS.get(fold(cells[MARK]))
    if status is None:
        shown = f"«{cells[MARK]}»" if cells[MARK] else "ô trống"
        return f"cột «{MARK}»: {shown} — cần ghi một trong {CHOICES}", pk, ""
    if enrollment.status not in MARKABLE:
        state = enrollment.get_status_display()
        return f"cột «{ID}»: học viên mã {pk} đang ở trạng thái «{state}», không điểm danh", pk, ""
    return None, pk, status


def import_attendance(
    *, session: Session, file: File | IO[bytes] | bytes, by: Any = None
) -> ImportResult:
    """Read the marks of `file` and record them all, or none when any row is wrong."""
    marks, errors = parse_marks(session, _read(file))
    if errors:
        raise AttendanceImportError(errors)
    if not marks:
        raise AttendanceImportError(["Tệp không có dòng học viên nào"])
    content, name = audit.file_bytes(file, getattr(file, "name", None) or "diem-danh.xlsx")
    with audit.import_batch(
        kind=audit.Kind.ATTENDANCE, content=content, file_name=name, user=by
    ) as batch:
        changed = record_attendance(session=session, marks=marks, by=by)
        created, updated = audit.written_in(batch, Attendance)
        audit.tally(
            batch, read=len(marks), created=created, changed=updated,
            unchanged=len(marks) - created - updated, units=audit.course_units(session.course),
        )  # fmt: skip
    return ImportResult(rows=len(marks), changed=changed, batch=batch)
