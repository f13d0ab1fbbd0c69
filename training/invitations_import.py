"""Invite a list of people from .xlsx or .csv (danh sách mời): columns `Số CCCD`, or
`Họ và tên` + `Ngày sinh`. All or nothing, like the other imports: every row is matched first;
problems name the row as Excel shows it, the column and the reason; only a clean list is
invited (over capacity → waitlisted, already invited → unchanged)."""

from dataclasses import dataclass, field
from typing import Any

import audit
from config.spreadsheets import Problem, SpreadsheetError, read_table, read_upload
from people import ids
from people.services import PeopleError
from training.models import Course, Enrollment
from training.records_import import (
    BIRTH,
    CID,
    FULL,
    Row,
    cell_date,
    find_header,
    read_content,
    resolve_people,
    text,
)
from training.services import TrainingError, invite_many

COLUMNS = [CID, FULL, BIRTH]


@dataclass
class InviteFileResult:
    invited: int = 0
    waitlisted: int = 0
    already: int = 0
    errors: list[Problem] = field(default_factory=list)
    written: bool = False
    batch: Any = None  # the audit.ImportBatch of a written import

    def summary(self) -> str:
        return (
            f"Đã mời {self.invited} người, {self.waitlisted} người vào danh sách chờ; "
            f"{self.already} người đã được mời từ trước."
        )


def _row(number: int, cells: dict[str, Any], problems: list[Problem]) -> Row:
    row = Row(
        row=number,
        citizen_id=ids.normalise(text(cells.get(CID))),
        full_name=text(cells.get(FULL)),
        birth_date=cell_date(cells.get(BIRTH), number, BIRTH, problems),
    )
    if row.citizen_id and not (len(row.citizen_id) in (9, 12) and row.citizen_id.isdigit()):
        problems.append(Problem(number, CID, "Số CCCD phải gồm 12 chữ số (hoặc CMND 9 chữ số)"))
        row.citizen_id, row.full_name = "", ""
    elif not row.citizen_id and (not row.full_name or text(cells.get(BIRTH)) == ""):
        problems.append(Problem(number, CID, "thiếu Số CCCD, hoặc Họ và tên và Ngày sinh"))
    return row


def parse_invitees(upload: Any, filename: str) -> tuple[list[Row], list[Problem]]:
    content = read_upload(upload)  # once: the header may be looked for twice
    table = read_table(content, filename)
    message = "Không tìm thấy dòng tiêu đề (cần cột «Số CCCD» hoặc «Họ và tên» và «Ngày sinh»)"
    try:
        header_row, columns = find_header(table, (CID,), message)
    except PeopleError:
        table = read_table(content, filename)
        header_row, columns = find_header(table, (FULL, BIRTH), message)
    problems: list[Problem] = []
    rows = []
    for number, values in table:
        cells = {c: values[i] if i < len(values) else None for c, i in columns.items()}
        if all(text(v) == "" for v in cells.values()):
            continue
        rows.append(_row(number, cells, problems))
    return rows, problems


def invite_from_file(
    *,
    course: Course,
    file: Any,
    filename: str | None = None,
    user: Any = None,
    dry_run: bool = False,
) -> InviteFileResult:
    """Match every row to a person `user` may see; invite them all, or nobody on a problem."""
    content, name = read_content(file, filename)
    try:
        rows, problems = parse_invitees(content, name)
    except SpreadsheetError as e:
        return InviteFileResult(errors=e.problems)
    except PeopleError as e:
        return InviteFileResult(errors=[Problem(0, "", str(e))])
    resolve_people(rows, problems, user)
    problems.sort(key=lambda p: (p.row, COLUMNS.index(p.column) if p.column in COLUMNS else 9))
    if problems or dry_run:
        return InviteFileResult(errors=problems)
    people = [r.person for r in rows if r.person is not None]
    before = set(course.enrollments.exclude(status="cancelled").values_list("pk", flat=True))
    try:
        enrollments, batch = _invite_in_batch(course, people, user, content, name)
    except TrainingError as e:
        return InviteFileResult(errors=[Problem(0, "", str(e))])
    fresh = [e for e in enrollments if e.pk not in before]
    return InviteFileResult(
        invited=sum(e.status == Enrollment.Status.INVITED for e in fresh),
        waitlisted=sum(e.status == Enrollment.Status.WAITLISTED for e in fresh),
        already=len(enrollments) - len(fresh),
        written=True,
        batch=batch,
    )


def _invite_in_batch(
    course: Course, people: list[Any], user: Any, content: bytes, name: str
) -> tuple[list[Enrollment], Any]:
    with audit.import_batch(
        kind=audit.Kind.INVITATIONS, content=content, file_name=name, user=user
    ) as batch:
        enrollments = invite_many(course=course, people=people, by=user)
        created, changed = audit.written_in(batch, Enrollment)
        audit.tally(
            batch, read=len(people), created=created, changed=changed,
            unchanged=len(enrollments) - created - changed, units=audit.course_units(course),
        )  # fmt: skip
    return enrollments, batch
