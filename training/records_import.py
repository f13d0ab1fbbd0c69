"""Import of historical training records (kết quả tập huấn trước đây) from .xlsx or .csv.

All or nothing, like the roster import: every row is checked first; each problem names the row
as Excel shows it, the column header and a Vietnamese reason; only a clean file is written, in
one transaction. The same person, programme and completion day already recorded is skipped, so
a file can be imported twice. The database is read in a few bulk queries, never once per row.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils import timezone

import audit
from access.policy import Cap
from access.scopes import visible, writable
from config.dates import parse_date, show
from config.spreadsheets import Problem, SpreadsheetError, Table, read_table
from people import ids
from people.models import Person, Position
from people.services import PeopleError
from people.text import clean, match_key
from training.models import Programme, TrainingRecord
from training.validity import expiry

CID, FULL, BIRTH = "Số CCCD", "Họ và tên", "Ngày sinh"
PROG, DONE, ORG = "Mã chương trình", "Ngày hoàn thành", "Đơn vị tổ chức"
CERT, NOTE = "Số giấy chứng nhận", "Ghi chú"
COLUMNS = [CID, FULL, BIRTH, PROG, DONE, ORG, CERT, NOTE]
ALIASES = {
    "CCCD": CID, "Số định danh": CID, "Số định danh cá nhân": CID, "Số CCCD/CMND": CID,
    "Họ tên": FULL, "Chương trình": PROG, "Số GCN": CERT, "Số giấy CN": CERT,
}  # fmt: skip
HEADER_KEYS = {match_key(c): c for c in COLUMNS} | {match_key(a): c for a, c in ALIASES.items()}
HEADER_SEARCH_ROWS = 30


@dataclass
class Row:
    row: int
    citizen_id: str = ""
    full_name: str = ""
    birth_date: date | None = None
    programme_code: str = ""
    completed_on: date | None = None
    organiser_name: str = ""
    certificate_number: str = ""
    note: str = ""
    person: Person | None = None
    programme: Programme | None = None


@dataclass
class RecordsImportResult:
    created: int = 0
    unchanged: int = 0
    errors: list[Problem] = field(default_factory=list)
    written: bool = False
    batch: Any = None  # the audit.ImportBatch of a written import

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return f"Kết quả tập huấn: {self.created} thêm mới, {self.unchanged} đã có (bỏ qua)."


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return show(value if isinstance(value, date) else value.date())
    return clean(str(value))


def cell_date(value: Any, row: int, column: str, problems: list[Problem]) -> date | None:
    if value is None or text(value) == "":
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            from openpyxl.utils.datetime import from_excel

            day = from_excel(value)
            return day.date() if isinstance(day, datetime) else day
        return parse_date(value if isinstance(value, date) else text(value))
    except (ValueError, TypeError, OverflowError):
        problems.append(Problem(row, column, f"«{text(value)}» không phải là ngày hợp lệ"))
        return None


def find_header(table: Table, needed: tuple[str, ...], message: str) -> tuple[int, dict[str, int]]:
    """The header row (below any title rows) with every `needed` column, and header → index."""
    for number, values in table:
        found: dict[str, int] = {}
        for index, value in enumerate(values):
            column = HEADER_KEYS.get(match_key(text(value)))
            if column and column not in found:
                found[column] = index
        if all(c in found for c in needed):
            table.name_columns(number, values)
            return number, found
        if number >= HEADER_SEARCH_ROWS:
            break
    raise PeopleError(message)


def _missing(header_row: int, columns: dict[str, int]) -> list[Problem]:
    problems = [
        Problem(header_row, c, "thiếu cột bắt buộc") for c in (PROG, DONE, ORG) if c not in columns
    ]
    if CID not in columns and not (FULL in columns and BIRTH in columns):
        problems.append(
            Problem(header_row, CID, "cần cột «Số CCCD» hoặc hai cột «Họ và tên» và «Ngày sinh»")
        )
    return problems


def _parse_row(number: int, cells: dict[str, Any], problems: list[Problem]) -> Row:
    row = Row(
        row=number,
        citizen_id=ids.normalise(text(cells.get(CID))),
        full_name=text(cells.get(FULL)),
        birth_date=cell_date(cells.get(BIRTH), number, BIRTH, problems),
        programme_code=text(cells.get(PROG)).lower(),
        completed_on=cell_date(cells.get(DONE), number, DONE, problems),
        organiser_name=text(cells.get(ORG)),
        certificate_number=text(cells.get(CERT)),
        note=text(cells.get(NOTE)),
    )
    if row.citizen_id and not (len(row.citizen_id) in (9, 12) and row.citizen_id.isdigit()):
        problems.append(Problem(number, CID, "Số CCCD phải gồm 12 chữ số (hoặc CMND 9 chữ số)"))
        row.citizen_id, row.full_name = "", ""  # reported once; do not look it up
    elif not row.citizen_id and (not row.full_name or text(cells.get(BIRTH)) == ""):
        problems.append(Problem(number, CID, "thiếu Số CCCD, hoặc Họ và tên và Ngày sinh"))
    if not row.programme_code:
        problems.append(Problem(number, PROG, "thiếu mã chương trình"))
    if row.completed_on is None and text(cells.get(DONE)) == "":
        problems.append(Problem(number, DONE, "thiếu ngày hoàn thành"))
    elif row.completed_on and row.completed_on > timezone.localdate():
        problems.append(Problem(number, DONE, f"ngày {show(row.completed_on)} ở tương lai"))
    if not row.organiser_name:
        problems.append(Problem(number, ORG, "thiếu đơn vị tổ chức"))
    return row


def parse_records(content: Any, filename: str) -> tuple[list[Row], list[Problem]]:
    table = read_table(content, filename)
    header_row, columns = find_header(
        table,
        (PROG, DONE),
        "Không tìm thấy dòng tiêu đề (cần các cột «Mã chương trình», «Ngày hoàn thành»)",
    )
    problems = _missing(header_row, columns)
    rows = []
    for number, values in table:
        cells = {c: values[i] if i < len(values) else None for c, i in columns.items()}
        if all(text(v) == "" for v in cells.values()):
            continue
        rows.append(_parse_row(number, cells, problems))
    return rows, problems


def _resolve(rows: list[Row], problems: list[Problem], user: Any) -> None:
    """Find each row's person and programme in bulk; name problems per row."""
    programmes = {p.code: p for p in Programme.objects.all()}
    for row in rows:
        row.programme = programmes.get(row.programme_code)
        if row.programme_code and row.programme is None:
            problems.append(
                Problem(row.row, PROG, f"không có chương trình mã «{row.programme_code}»")
            )
    # A record is a write about the person: only people inside the user's writer units.
    people = None if user is None else writable(user, Person, Cap.TRAINING_WRITE)
    resolve_people(rows, problems, user, people=people)


def resolve_people(
    rows: list[Row], problems: list[Problem], user: Any, *, people: Any = None
) -> None:
    """Each row's person among `people` (default: those `user` may see), by citizen ID or name
    and birth date."""
    if people is None:
        people = Person.objects.all() if user is None else visible(user, Person)
    by_id = _people_by_id(people, rows)
    by_name = _people_by_name(people, rows)
    for row in rows:
        _resolve_person(row, by_id, by_name, problems)


def _people_by_id(people: Any, rows: list[Row]) -> dict[str, Person]:
    numbers = {r.citizen_id for r in rows if r.citizen_id}
    found = {p.citizen_id: p for p in people.filter(citizen_id__in=numbers)}
    legacy = people.filter(legacy_id__in=[n for n in numbers if len(n) == 9])
    return found | {p.legacy_id: p for p in legacy}


def _people_by_name(people: Any, rows: list[Row]) -> dict[tuple[str, date], list[Person]]:
    keys = {match_key(r.full_name) for r in rows if not r.citizen_id and r.full_name}
    found: dict[tuple[str, date], list[Person]] = {}
    for p in people.filter(name_key__in=keys, birth_date__isnull=False):
        found.setdefault((p.name_key, p.birth_date), []).append(p)
    return found


def _resolve_person(
    row: Row,
    by_id: dict[str, Person],
    by_name: dict[tuple[str, date], list[Person]],
    problems: list[Problem],
) -> None:
    if row.citizen_id:
        row.person = by_id.get(row.citizen_id)
        if row.person is None:
            problems.append(
                Problem(
                    row.row, CID, f"không tìm thấy người có số {row.citizen_id} trong danh sách"
                )
            )
        return
    if not (row.full_name and row.birth_date):
        return
    matches = by_name.get((match_key(row.full_name), row.birth_date), [])
    if len(matches) == 1:
        row.person = matches[0]
    elif not matches:
        problems.append(
            Problem(
                row.row,
                FULL,
                f"không tìm thấy {row.full_name} sinh ngày {show(row.birth_date)} trong danh sách",
            )
        )
    else:
        problems.append(
            Problem(
                row.row, FULL, f"có {len(matches)} người cùng họ tên và ngày sinh; hãy ghi số CCCD"
            )
        )


def _new_records(rows: list[Row]) -> tuple[list[TrainingRecord], int]:
    """Records not yet in the database (nor earlier in the file), and how many were skipped."""
    ready = [r for r in rows if r.person and r.programme and r.completed_on]
    existing = set(
        TrainingRecord.objects.filter(
            person_id__in={r.person.pk for r in ready if r.person}
        ).values_list("person_id", "programme_id", "completed_on")
    )
    new = []
    for r in ready:
        assert r.person and r.programme and r.completed_on
        key = (r.person.pk, r.programme.pk, r.completed_on)
        if key in existing:
            continue
        existing.add(key)
        new.append(
            TrainingRecord(
                person=r.person,
                programme=r.programme,
                completed_on=r.completed_on,
                expires_on=expiry(r.programme, r.completed_on),
                organiser_name=r.organiser_name,
                certificate_number=r.certificate_number,
                note=r.note,
                source=TrainingRecord.Source.IMPORT,
            )
        )
    return new, len(ready) - len(new)


def read_content(file: Any, filename: str | None) -> tuple[Any, str]:
    """The upload as given (bytes, a path or a file: `read_table` reads it within the size
    limit) and its name."""
    if isinstance(file, bytes):
        return file, filename or "records.xlsx"
    if isinstance(file, str | Path):
        return file, filename or str(file)
    return file, filename or getattr(file, "name", "") or "records.xlsx"


def run_import(
    file: Any, *, filename: str | None = None, user: Any = None, dry_run: bool = False
) -> RecordsImportResult:
    """Check every row; write all records in one transaction only when no row has a problem."""
    content, name = read_content(file, filename)
    try:
        rows, problems = parse_records(content, name)
    except SpreadsheetError as e:
        return RecordsImportResult(errors=e.problems)
    except PeopleError as e:
        return RecordsImportResult(errors=[Problem(0, "", str(e))])
    _resolve(rows, problems, user)
    problems.sort(key=lambda p: (p.row, COLUMNS.index(p.column) if p.column in COLUMNS else 99))
    new, skipped = _new_records(rows)
    result = RecordsImportResult(created=len(new), unchanged=skipped, errors=problems)
    if problems or dry_run:
        return result
    with audit.import_batch(
        kind=audit.Kind.TRAINING_RECORDS, content=content, file_name=name, user=user
    ) as batch:
        TrainingRecord.objects.bulk_create(new, ignore_conflicts=True)
        _log_written(new)
        people = {r.person for r in rows if r.person}
        audit.tally(
            batch, read=len(rows), created=len(new), unchanged=skipped, units=_units_of(people)
        )
    result.written, result.batch = True, batch
    return result


def _log_written(new: list[TrainingRecord]) -> None:
    """ignore_conflicts leaves the records without ids: read them back in one query."""
    keys = {(r.person_id, r.programme_id, r.completed_on) for r in new}
    written = TrainingRecord.objects.filter(
        person_id__in={k[0] for k in keys}, source=TrainingRecord.Source.IMPORT
    ).select_related("person", "programme")
    audit.log_created(r for r in written if (r.person_id, r.programme_id, r.completed_on) in keys)


def _units_of(people: set[Person]) -> set[int]:
    """Where the people are registered or serve: who sees those units sees the batch."""
    ids = {p.home_unit_id for p in people if p.home_unit_id}
    served = Position.objects.filter(person__in=people).values_list(
        "organisation__unit_id", flat=True
    )
    return ids | set(served)


# ---------------------------------------------------------------- template


TEMPLATE_TITLE = "KẾT QUẢ TẬP HUẤN TRƯỚC ĐÂY"
TEMPLATE_ROWS = 5000


def template_workbook() -> bytes:
    """The empty records file to fill in: a title row and the header on the first sheet (the
    only one read; uploaded untouched it imports nothing), with «Số CCCD» as text (leading
    zeros stay), date formats on the two date columns and a drop-down of the programme codes;
    «Chương trình» lists each code with its title."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from config.spreadsheets import save_workbook, xlsx_value

    book = Workbook()
    sheet = book.active
    sheet.title = "Kết quả tập huấn"
    sheet.append([TEMPLATE_TITLE])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(COLUMNS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    letter = {c: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    for column in COLUMNS:
        sheet.column_dimensions[letter[column]].width = max(14, len(column) + 4)
    sheet.column_dimensions[letter[CID]].number_format = "@"
    for column in (BIRTH, DONE):
        sheet.column_dimensions[letter[column]].number_format = "DD/MM/YYYY"
    programmes = list(Programme.objects.order_by("code").values_list("code", "title"))
    lists = book.create_sheet("Chương trình")
    lists.append(["Mã chương trình", "Tên chương trình"])
    for code, title in programmes:
        lists.append([xlsx_value(code), xlsx_value(title)])
    lists.column_dimensions["B"].width = 80
    rule = DataValidation(
        type="list",
        formula1=f"'Chương trình'!$A$2:$A${len(programmes) + 1}",
        allow_blank=True,
        errorStyle="warning",
        error="Mã chương trình không có trong sheet «Chương trình»",
        errorTitle=PROG,
    )
    rule.add(f"{letter[PROG]}3:{letter[PROG]}{TEMPLATE_ROWS}")
    sheet.add_data_validation(rule)
    return save_workbook(book)
