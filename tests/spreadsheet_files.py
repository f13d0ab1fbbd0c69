"""Hostile and unusual files, built for real: zip bombs, row bombs, renamed files, CSV in the
encodings Vietnamese offices save in."""

import io
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def workbook_with_sheet(
    target: Path | io.BytesIO,
    chunks: Iterable[bytes],
    head: str = "",
    method: int = zipfile.ZIP_DEFLATED,
) -> None:
    """A real workbook (openpyxl's parts, which openpyxl itself opens) whose first sheet's XML
    is `head` then `<sheetData>` + `chunks` streamed into the zip (never all in memory)."""
    book = Workbook()
    book.active.append(["x"])
    source = io.BytesIO()
    book.save(source)
    parts = zipfile.ZipFile(source)
    with zipfile.ZipFile(target, "w", method) as out:
        for info in parts.infolist():
            if info.filename != SHEET:
                out.writestr(info.filename, parts.read(info.filename))
                continue
            with out.open(SHEET, "w") as sheet:
                sheet.write(f'<worksheet xmlns="{MAIN}">{head}<sheetData>'.encode())
                for chunk in chunks:
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")


def sheet_bytes(chunks: Iterable[bytes], head: str = "") -> bytes:
    out = io.BytesIO()
    workbook_with_sheet(out, chunks, head)
    return out.getvalue()


def text_row(number: int, *texts: str) -> bytes:
    cells = "".join(
        f'<c r="{_letter(i)}{number}" t="inlineStr"><is><t>{t}</t></is></c>'
        for i, t in enumerate(texts)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def zip_bomb(path: Path, size: int = 1024**3) -> Path:
    """One row of `size` bytes (1 GB) of numeric cells, which deflate to about 2.5 MB: under
    the upload limit, and openpyxl expands every cell of the row into memory (gigabytes)."""
    chunk = b"<c><v>1</v></c>" * 65536

    def body() -> Iterable[bytes]:
        yield b'<row r="1">'
        for _ in range(size // len(chunk)):
            yield chunk
        yield b"</row>"

    workbook_with_sheet(path, body())
    return path


def row_bomb(path: Path, rows: int = 2_000_000) -> Path:
    """A header row, then `rows` empty rows (a sheet whose dimension says 1,048,576 rows by
    16,384 columns): 35 MB of XML in a 5 MB file, within the zip limits."""

    def body() -> Iterable[bytes]:
        yield text_row(1, "Mã xã", "Chức danh", "Họ và tên", "Từ ngày")
        for start in range(2, rows + 2, 10_000):
            stop = min(start + 10_000, rows + 2)
            yield "".join(f'<row r="{i}"/>' for i in range(start, stop)).encode()

    workbook_with_sheet(path, body(), head='<dimension ref="A1:XFD1048576"/>')
    return path


def renamed_docx() -> bytes:
    """A zip that is not a workbook (a Word document's layout)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def cp1258(text: str) -> bytes:
    """`text` as Windows-1258 writes Vietnamese: base letters (with breve, circumflex, horn)
    precomposed, tone marks as combining characters after them."""
    letters: list[list[str]] = []  # [letter with its letter marks, tone mark]
    for ch in unicodedata.normalize("NFD", text):
        if not unicodedata.combining(ch):
            letters.append([ch, ""])
        elif ch in TONES:
            letters[-1][1] += ch
        else:
            letters[-1][0] = unicodedata.normalize("NFC", letters[-1][0] + ch)
    return "".join(letter + tone for letter, tone in letters).encode("cp1258")


def small_bomb() -> bytes:
    """5 MB of cells in about 10 KB: past the compression ratio (100), under every size."""
    chunk = b"<c><v>1</v></c>" * 65536
    return sheet_bytes([b'<row r="1">', *[chunk] * 5, b"</row>"])


def csv_file(header: list[str], *rows: list[str]) -> bytes:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def hostile_uploads(header: list[str], row: list[str]) -> list[tuple[str, str, bytes, str]]:
    """(case, file name, content, what the refusal says) for one good row of a CSV whose last
    column gets the bad cell: a NUL, 10,000 characters, and files that are no spreadsheet."""
    last = header[-1]
    nul = row[:-1] + [row[-1] + "\x00"]
    long = row[:-1] + ["x" * 10_000]
    return [
        ("nul", "ds.csv", csv_file(header, row, nul),
         f"Dòng 3, cột «{last}»: ô chứa ký tự không hợp lệ (NUL)"),
        ("long", "ds.csv", csv_file(header, long),
         f"Dòng 2, cột «{last}»: ô dài hơn giới hạn 1.000 ký tự"),
        ("renamed", "ds.xlsx", PNG, "không phải là bảng tính Excel .xlsx thật"),
        ("bomb", "ds.xlsx", small_bomb(), "giống một «bom nén» (zip bomb): một phần được nén tới"),
        ("too big", "ds.csv", csv_file(header, row) + b"\r\n" * (10 * 1024 * 1024),
         "Tệp lớn quá giới hạn 10 MB"),
    ]  # fmt: skip
