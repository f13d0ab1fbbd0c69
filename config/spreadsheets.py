"""Spreadsheets in and out: the one reader of every upload, and the one guard of every export.

Every import (roster, training records, invitations, attendance, indicators; from a page, the
API or a command) reads its file with `read_table`, which refuses, before anything is expanded:
a file over the size limit; a file whose content is not what its name says (an .xlsx must be a
zip holding xl/workbook.xml; an old .xls is refused with "save it as .xlsx"); a zip bomb (the
declared sizes and compression ratios of the zip's members, from its central directory:
Python's zipfile never inflates a member past its declared size). It then streams the first
sheet with bounded memory and time (config.xlsx_stream), stops at the row and column limits,
decodes CSV as UTF-8 (with or without BOM), Windows-1258 or Windows-1252, and checks every cell
(length, NUL and control characters). Problems name the row as Excel shows it and the column
header: «Dòng 7, cột «Họ và tên»: ô chứa ký tự không hợp lệ (NUL)».

Every export writes text through `neutralise` (CSV) or `xlsx_value` and `save_workbook`
(.xlsx), so a name typed as `=HYPERLINK(...)` comes back as that text, never as a formula.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from openpyxl.utils.cell import get_column_letter

from config.errors import DomainError
from config.xlsx_stream import (
    COLUMNS,
    ELEMENTS,
    NO_SHEET,
    ROWS,
    STRINGS,
    WORKBOOK,
    Bounds,
    XlsxError,
    sheet_rows,
)

XLSX_SUFFIXES = {".xlsx", ".xlsm"}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected Office file
BINARY_MAGIC: tuple[bytes, ...] = (
    b"PK\x03\x04", b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b",
    b"Rar!", b"7z\xbc\xaf", b"\x7fELF", b"MZ", OLE2,
)  # fmt: skip
# A member smaller than this is never a bomb, whatever its ratio (tiny XML compresses well).
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 10_000
MAX_CELL_PROBLEMS = 100
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLS_MESSAGE = (
    "Tệp này là định dạng Excel cũ (.xls) hoặc có đặt mật khẩu; hãy mở trong Excel, bỏ mật "
    "khẩu nếu có, rồi lưu lại dưới dạng .xlsx (Excel Workbook)"
)


@dataclass(frozen=True)
class Problem:
    """One problem of a file: the row as Excel shows it (0: the file as a whole), the column
    header, the reason."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        if not self.row:
            return self.reason
        if self.column:
            return f"Dòng {self.row}, cột «{self.column}»: {self.reason}"
        return f"Dòng {self.row}: {self.reason}"


class SpreadsheetError(DomainError):
    """The file is refused: `problems` lists why (bad cells, or one line for the whole file)."""

    def __init__(self, message: str, problems: list[Problem] | None = None, row: int = 0):
        super().__init__(message)
        self.problems = problems or [Problem(row, "", message)]

    def lines(self) -> list[str]:
        """One line per problem: «Dòng 7, cột «Họ và tên»: …», or the refusal of the file."""
        return [str(p) for p in self.problems]


@dataclass(frozen=True)
class Limits:
    size: int
    uncompressed: int
    ratio: int
    rows: int
    columns: int
    cell_chars: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            size=settings.UPLOAD_MAX_BYTES,
            uncompressed=settings.UPLOAD_MAX_UNCOMPRESSED_BYTES,
            ratio=settings.UPLOAD_MAX_COMPRESSION_RATIO,
            rows=settings.UPLOAD_MAX_ROWS,
            columns=settings.UPLOAD_MAX_COLUMNS,
            cell_chars=settings.UPLOAD_MAX_CELL_CHARS,
        )


def megabytes(size: int) -> str:
    """'10 MB', '60,2 MB', '900 KB' (Vietnamese decimal comma)."""
    unit, value = ("MB", size / (1024 * 1024)) if size >= 1024 * 1024 else ("KB", size / 1024)
    text = f"{value:.0f}" if value.is_integer() or value >= 100 else f"{value:.1f}"
    return f"{text.replace('.', ',')} {unit}"


def thousands(number: int) -> str:
    """'100.000' (Vietnamese thousands separator)."""
    return f"{number:,}".replace(",", ".")


# ---------------------------------------------------------------- reading an upload


def read_upload(source: Any, limits: Limits | None = None) -> bytes:
    """The bytes of an upload (bytes, a path, a Django UploadedFile or any binary file), refused
    when over the size limit, checked before reading when the size is known."""
    limits = limits or Limits.from_settings()
    if isinstance(source, bytes | bytearray):
        return _within_size(bytes(source), limits)
    if isinstance(source, str | Path):
        path = Path(source)
        _check_size(path.stat().st_size, limits)
        return path.read_bytes()
    size = getattr(source, "size", None)
    if size is not None:
        _check_size(size, limits)
    if hasattr(source, "seek"):
        source.seek(0)
    return _within_size(source.read(limits.size + 1), limits)


def _within_size(content: bytes, limits: Limits) -> bytes:
    _check_size(len(content), limits)
    return content


def _check_size(size: int, limits: Limits) -> None:
    if size > limits.size:
        raise SpreadsheetError(
            f"Tệp lớn quá giới hạn {megabytes(limits.size)}"
            f"{f' (tệp này {megabytes(size)})' if size > limits.size + 1 else ''}; "
            "hãy chia thành nhiều tệp nhỏ hơn"
        )


def read_table(
    source: Any, filename: str = "", *, kinds: tuple[str, ...] = ("xlsx", "csv")
) -> "Table":
    """The first sheet of an upload, row by row, after every check that needs no reading of
    the rows (size, real type, zip bomb). Raises SpreadsheetError."""
    limits = Limits.from_settings()
    content = read_upload(source, limits)
    filename = filename or getattr(source, "name", "") or ""
    kind = file_kind(content, filename, kinds)
    if kind == "csv":
        return Table(_csv_rows(content, limits), limits)
    archive = open_workbook_zip(content, limits)
    return Table(_xlsx_rows(archive, limits), limits)


def file_kind(content: bytes, filename: str, kinds: tuple[str, ...]) -> str:
    """'xlsx' or 'csv', from the name and the content, which must agree."""
    suffix = Path(filename).suffix.lower()
    shown = f"«{Path(filename).name}»" if filename else "đã tải lên"
    if suffix == ".xls" or content.startswith(OLE2):
        raise SpreadsheetError(XLS_MESSAGE)
    is_zip = content.startswith(b"PK\x03\x04")
    if suffix in XLSX_SUFFIXES or (not suffix and is_zip):
        kind = "xlsx"
    elif suffix == ".csv" or not suffix:
        kind = "csv"
    else:
        raise SpreadsheetError(f"Chỉ nhận tệp {_kinds_text(kinds)}; tệp {shown} có đuôi {suffix}")
    if kind not in kinds:
        raise SpreadsheetError(f"Chỉ nhận tệp {_kinds_text(kinds)}")
    if kind == "xlsx" and not is_zip:
        raise SpreadsheetError(
            f"Tệp {shown} không phải là bảng tính Excel .xlsx thật (có thể là tệp khác bị đổi "
            "đuôi); hãy mở bằng Excel và lưu lại dưới dạng .xlsx"
        )
    if kind == "csv" and _looks_binary(content):
        what = "bảng tính Excel .xlsx" if is_zip else "tệp nhị phân (ảnh, PDF, chương trình…)"
        raise SpreadsheetError(
            f"Tệp {shown} không phải là văn bản CSV: nội dung là {what}; "
            "hãy lưu lại từ Excel dưới dạng CSV UTF-8 hoặc tải lên tệp .xlsx"
        )
    return kind


def _kinds_text(kinds: tuple[str, ...]) -> str:
    return "Excel " + " hoặc ".join(f".{k}" for k in kinds)


def _looks_binary(content: bytes) -> bool:
    if content.startswith(BINARY_MAGIC):
        return True
    head = content[:4096]
    return bool(head) and head.count(0) > len(head) // 10 and not head.startswith(b"\xff\xfe")


class Table:
    """(row number as Excel shows it, cell values) for every non-empty row of the first sheet.

    Iterating checks every cell; a bad one reads as None, and once the last row has been read
    every bad cell is raised together as a SpreadsheetError, so an importer that reads the
    whole file before writing (they all do) writes nothing. `name_columns` tells it the header
    row, so the messages say «Họ và tên» rather than «E»."""

    def __init__(self, rows: Iterator[tuple[int, list[Any]]], limits: Limits):
        self._rows = self._checked(rows)
        self._limits = limits
        self._bad: list[tuple[int, int, str]] = []
        self._header_row = 0
        self._headers: list[str] = []

    def __iter__(self) -> "Table":
        return self

    def __next__(self) -> tuple[int, list[Any]]:
        return next(self._rows)

    def name_columns(self, row: int, values: Iterable[Any]) -> None:
        """The header row: its texts name the columns of the rows below it in messages."""
        self._header_row = row
        self._headers = [str(v).strip() if v is not None else "" for v in values]

    def _checked(self, rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
        for number, values in rows:
            for index, value in enumerate(values):
                reason = self._cell_problem(value)
                if reason:
                    values[index] = None
                    self._note(number, index, reason)
            yield number, values
        if self._bad:
            self._raise()

    def _cell_problem(self, value: Any) -> str:
        if not isinstance(value, str):
            return ""
        if "\x00" in value:
            return "ô chứa ký tự không hợp lệ (NUL)"
        if found := CONTROL.search(value):
            return f"ô chứa ký tự điều khiển không hợp lệ (U+{ord(found.group()):04X})"
        if len(value) > self._limits.cell_chars:
            return f"ô dài hơn giới hạn {thousands(self._limits.cell_chars)} ký tự"
        return ""

    def _note(self, row: int, index: int, reason: str) -> None:
        self._bad.append((row, index, reason))
        if len(self._bad) >= MAX_CELL_PROBLEMS:
            self._raise()

    def _raise(self) -> None:
        problems = [Problem(row, self._column(row, i), reason) for row, i, reason in self._bad]
        more = " (chỉ liệt kê các ô đầu tiên)" if len(problems) >= MAX_CELL_PROBLEMS else ""
        raise SpreadsheetError(f"{len(problems)} ô không hợp lệ{more}", problems)

    def _column(self, row: int, index: int) -> str:
        if row > self._header_row and index < len(self._headers) and self._headers[index]:
            return self._headers[index]
        return get_column_letter(index + 1)


def too_many_rows(row: int, limits: Limits) -> SpreadsheetError:
    return SpreadsheetError(
        f"Tệp có hơn {thousands(limits.rows)} dòng (kể cả dòng trống có định dạng); hãy xóa "
        "các dòng trống ở cuối bảng hoặc chia thành nhiều tệp",
        row=row,
    )


def too_many_columns(row: int, column: int, limits: Limits) -> SpreadsheetError:
    return SpreadsheetError(
        f"có dữ liệu ở cột {get_column_letter(min(column, 16384))}, quá giới hạn "
        f"{limits.columns} cột; hãy xóa các cột thừa",
        row=row,
    )


# ---------------------------------------------------------------- CSV


def _csv_rows(content: bytes, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    text = unicodedata.normalize("NFC", decode_csv(content))
    head = text[:4000]
    delimiter = max((",", ";", "\t"), key=head.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise SpreadsheetError(
                f"tệp CSV bị lỗi ở đây ({e}); hãy lưu lại từ Excel", row=number + 1
            ) from e
        number += 1
        if number > limits.rows:
            raise too_many_rows(number, limits)
        while fields and fields[-1] == "":
            fields.pop()
        if len(fields) > limits.columns:
            raise too_many_columns(number, len(fields), limits)
        if fields:
            yield number, list(fields)


def decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258 (Vietnamese: its tone
    marks are combining characters, composed by the caller's NFC), else Windows-1252."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as e:
            raise _undecodable(content, e, "UTF-16") from e
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if content.startswith(b"\xef\xbb\xbf"):
            raise _undecodable(content, e, "UTF-8") from e
        utf8_error = e
    try:
        text = content.decode("cp1258")
        if not any(unicodedata.combining(c) for c in unicodedata.normalize("NFC", text)):
            return text
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise _undecodable(content, utf8_error, "UTF-8, Windows-1258 hay Windows-1252") from None


def _undecodable(content: bytes, error: UnicodeDecodeError, names: str) -> SpreadsheetError:
    row = content[: error.start].count(b"\n") + 1
    byte = content[error.start : error.start + 1].hex().upper()
    return SpreadsheetError(
        f"không đọc được bảng mã của tệp CSV (byte 0x{byte} không thuộc {names}); hãy mở "
        "bằng Excel và lưu lại dưới dạng «CSV UTF-8 (Comma delimited)»",
        row=row,
    )


# ---------------------------------------------------------------- XLSX


def open_workbook_zip(content: bytes, limits: Limits) -> zipfile.ZipFile:
    """The zip of an .xlsx, after its central directory says it is a workbook and no bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as e:
        raise SpreadsheetError(_damaged()) from e
    names = {m.filename for m in members}
    if WORKBOOK not in names:
        raise SpreadsheetError(
            "Tệp nén này không phải là bảng tính Excel (không có xl/workbook.xml); "
            "hãy mở bằng Excel và lưu lại dưới dạng .xlsx"
        )
    reason = _bomb(members, limits)
    if reason:
        raise SpreadsheetError(
            f"Tệp bị từ chối vì giống một «bom nén» (zip bomb): {reason}. Tệp bảng tính bình "
            "thường không như vậy; hãy mở bằng Excel, xóa các dòng, cột trống thừa rồi lưu lại"
        )
    return archive


def _bomb(members: list[zipfile.ZipInfo], limits: Limits) -> str:
    """Why the zip's central directory looks like a bomb, or ''."""
    declared = sum(m.file_size for m in members)
    if declared > limits.uncompressed:
        limit = megabytes(limits.uncompressed)
        return f"khi giải nén sẽ thành {megabytes(declared)} (giới hạn {limit})"
    ratios = [m.file_size / max(m.compress_size, 1) for m in members if m.file_size > RATIO_FLOOR]
    if ratios and max(ratios) > limits.ratio:
        return f"một phần được nén tới {max(ratios):.0f} lần (tối đa {limits.ratio} lần)"
    if len(members) > MAX_MEMBERS:
        return f"có {thousands(len(members))} tệp bên trong"
    return ""


def _damaged() -> str:
    return "Không đọc được tệp Excel (.xlsx): tệp bị hỏng; hãy mở bằng Excel và lưu lại"


def _xlsx_rows(archive: zipfile.ZipFile, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    bounds = Bounds(rows=limits.rows, columns=limits.columns, cell_chars=limits.cell_chars)
    try:
        yield from sheet_rows(archive, bounds)
    except XlsxError as e:
        raise _refusal(e, limits) from e
    except Exception as e:  # damaged XML or zip member, a bad number, an encrypted member…
        raise SpreadsheetError(_damaged()) from e
    finally:
        archive.close()


def _refusal(error: XlsxError, limits: Limits) -> SpreadsheetError:
    if error.kind == ROWS:
        return too_many_rows(error.row, limits)
    if error.kind == COLUMNS:
        return too_many_columns(error.row, error.column, limits)
    if error.kind == NO_SHEET:
        return SpreadsheetError("Tệp Excel không có trang tính nào")
    if error.kind in (ELEMENTS, STRINGS):
        return SpreadsheetError(
            "Trang tính có quá nhiều ô (kể cả ô trống có định dạng); hãy xóa các dòng, cột "
            "trống thừa hoặc chia thành nhiều tệp"
        )
    return SpreadsheetError(_damaged())


# ---------------------------------------------------------------- exports


def _storable(text: str) -> str:
    """Without the characters an .xlsx cannot hold (openpyxl refuses them: a 500)."""
    return CONTROL.sub("", text)


def neutralise(value: Any) -> Any:
    """A value for a CSV export: text starting with = + - @ (or tab, CR) gets a leading
    apostrophe, so a spreadsheet shows it as text instead of running it as a formula; numbers,
    dates and other text are unchanged."""
    if not isinstance(value, str):
        return value
    value = _storable(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def neutralised(values: Iterable[Any]) -> list[Any]:
    """A CSV row, every cell through `neutralise`."""
    return [neutralise(v) for v in values]


def xlsx_value(value: Any) -> Any:
    """A value for an .xlsx cell: text without characters an .xlsx cannot hold. Text that
    looks like a formula stays as typed; `save_workbook` writes it as text."""
    return _storable(value) if isinstance(value, str) else value


def save_workbook(book: Any) -> bytes:
    """The workbook as bytes, every cell that openpyxl would write as a formula (text starting
    with =) written as the text it is: it reads back as that text, and Excel never runs it."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
