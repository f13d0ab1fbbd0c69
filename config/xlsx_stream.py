"""A bounded, streaming reader of the values of the first sheet of an .xlsx.

Not openpyxl's read-only mode: that pads every row to the width the file's <dimension> claims
(16,384 columns by 1,048,576 rows: minutes for a file of three rows), builds each row as a list
of all its cells before handing it over (one row of millions of cells: gigabytes), and loads the
whole style sheet as objects. Here expat streams each part with no element tree at all, every
count is bounded (rows, columns with a value, XML elements, shared strings, formats), and no DTD
or entity is accepted (entities are how XML bombs expand). openpyxl still tells what its number
formats mean, and converts Excel serial numbers to dates.

Pure Python: `config.spreadsheets` turns an `XlsxError` into the Vietnamese message.
"""

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

WORKBOOK = "xl/workbook.xml"
CHUNK = 1 << 16
# Damaged, no sheet, too many rows / columns / XML elements / distinct texts.
DAMAGED, NO_SHEET, ROWS, COLUMNS, ELEMENTS, STRINGS = (
    "damaged", "no_sheet", "rows", "columns", "elements", "strings",
)  # fmt: skip


class XlsxError(Exception):
    """Why the sheet cannot be read (`kind`), and where (`row`, `column`) when it matters."""

    def __init__(self, kind: str, row: int = 0, column: int = 0) -> None:
        super().__init__(kind)
        self.kind, self.row, self.column = kind, row, column


@dataclass(frozen=True)
class Bounds:
    rows: int
    columns: int
    cell_chars: int
    strings: int = 2_000_000
    formats: int = 100_000

    @property
    def elements(self) -> int:
        """XML elements per part: a full row of 25 text cells is about 80 (<c><is><t>); the
        parse costs about a second per million, so this bounds the time too."""
        return 80 * self.rows


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


_LOCAL: dict[str, str] = {}  # tag → local name ("x:c" → "c"); tags are few, elements many


def _tag(name: str) -> str:
    tag = _LOCAL.get(name)
    if tag is None:
        tag = _LOCAL[name] = _local(name)
    return tag


def _attribute(attrs: dict[str, str], name: str) -> str | None:
    """An attribute by its local name (`r:id`, or `id` in another namespace prefix)."""
    if name in attrs:
        return attrs[name]
    return next((v for k, v in attrs.items() if _local(k) == name), None)


def unescape(text: str) -> str:
    """OOXML's `_x0007_` escapes back to characters (`_x005F_` is a literal underscore)."""
    if "_x" not in text:
        return text
    out, i = [], 0
    while (start := text.find("_x", i)) >= 0:
        code = text[start + 2 : start + 6]
        if len(code) == 4 and text[start + 6 : start + 7] == "_" and _is_hex(code):
            out += [text[i:start], chr(int(code, 16))]
            i = start + 7
        else:
            out.append(text[i : start + 2])
            i = start + 2
    return "".join(out) + text[i:]


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in text)


class _Reader:
    """Base of the part readers: expat callbacks, with a budget of XML elements."""

    def __init__(self, bounds: Bounds) -> None:
        self.bounds = bounds
        self.elements = 0
        self.out: list[Any] = []  # rows ready for the caller (sheet reader)

    def opened(self, tag: str, attrs: dict[str, str]) -> None:
        """An element starts."""

    def closed(self, tag: str) -> None:
        """An element ends."""

    def text(self, data: str) -> None:
        """Character data."""

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > self.bounds.elements:
            raise XlsxError(ELEMENTS)
        self.opened(_LOCAL.get(name) or _tag(name), attrs)

    def _end(self, name: str) -> None:
        self.closed(_LOCAL.get(name) or _tag(name))


def _refuse(*args: Any) -> None:
    raise XlsxError(DAMAGED)  # a DTD or an entity declaration: never in a real .xlsx


def _feed(archive: zipfile.ZipFile, name: str, reader: _Reader) -> Iterator[Any]:
    """Stream one part through `reader`; yield what it produced after each chunk."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.StartElementHandler = reader._start
    parser.EndElementHandler = reader._end
    parser.CharacterDataHandler = reader.text
    with archive.open(name) as stream:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
            if reader.out:
                yield from reader.out
                reader.out.clear()
        parser.Parse(b"", True)
    yield from reader.out


def _run(archive: zipfile.ZipFile, name: str, reader: _Reader) -> None:
    for _ in _feed(archive, name, reader):
        pass


# ---------------------------------------------------------------- workbook and relationships


class _Relationships(_Reader):
    def __init__(self, bounds: Bounds) -> None:
        super().__init__(bounds)
        self.found: dict[str, tuple[str, str]] = {}  # id → (type's last word, member path)

    def opened(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "Relationship":
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            kind = attrs.get("Type", "").rsplit("/", 1)[-1]
            self.found[attrs.get("Id", "")] = (kind, _normpath(path))


class _Workbook(_Reader):
    def __init__(self, bounds: Bounds) -> None:
        super().__init__(bounds)
        self.sheet_ids: list[str] = []
        self.date1904 = False

    def opened(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "sheet":
            self.sheet_ids.append(_attribute(attrs, "id") or "")
        elif tag == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")


def _normpath(path: str) -> str:
    parts: list[str] = []
    for part in PurePosixPath(path).parts:
        if part == "..":
            parts = parts[:-1]
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


# ---------------------------------------------------------------- shared strings and styles


class _Text:
    """Collects the text of a string item (<si>, <is>): plain or rich runs, never the phonetic
    guides (<rPh>); at most `limit` characters are kept (longer is refused anyway)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.in_t = False
        self.in_phonetic = False

    def opened(self, tag: str) -> None:
        if tag == "rPh":
            self.in_phonetic = True
        elif tag == "t" and not self.in_phonetic:
            self.in_t = True

    def closed(self, tag: str) -> None:
        if tag == "rPh":
            self.in_phonetic = False
        elif tag == "t":
            self.in_t = False

    def text(self, data: str) -> None:
        if self.in_t and self.size <= self.limit:
            self.parts.append(data)
            self.size += len(data)

    def value(self) -> str:
        return unescape("".join(self.parts))[: self.limit + 1]


class _SharedStrings(_Reader):
    def __init__(self, bounds: Bounds) -> None:
        super().__init__(bounds)
        self.strings: list[str] = []
        self.item: _Text | None = None

    def opened(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "si":
            self.item = _Text(self.bounds.cell_chars)
        elif self.item is not None:
            self.item.opened(tag)

    def closed(self, tag: str) -> None:
        if tag == "si" and self.item is not None:
            self.strings.append(self.item.value())
            self.item = None
            if len(self.strings) > self.bounds.strings:
                raise XlsxError(STRINGS)
        elif self.item is not None:
            self.item.closed(tag)

    def text(self, data: str) -> None:
        if self.item is not None:
            self.item.text(data)


class _Styles(_Reader):
    """Number formats of the cell formats (<cellXfs><xf numFmtId>), to tell dates apart."""

    def __init__(self, bounds: Bounds) -> None:
        super().__init__(bounds)
        self.custom: dict[int, str] = {}
        self.formats: list[int] = []
        self.in_cell_formats = False

    def opened(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "numFmt" and len(self.custom) < self.bounds.formats:
            self.custom[_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            self.in_cell_formats = True
        elif tag == "xf" and self.in_cell_formats and len(self.formats) < self.bounds.formats:
            self.formats.append(_int(attrs.get("numFmtId")))

    def closed(self, tag: str) -> None:
        if tag == "cellXfs":
            self.in_cell_formats = False

    def date_styles(self) -> tuple[set[int], set[int]]:
        """Indexes of the cell formats that show dates, and of those that show durations."""
        dates, durations = set(), set()
        for index, number in enumerate(self.formats):
            code = self.custom.get(number) or BUILTIN_FORMATS.get(number) or ""
            if code and is_date_format(code):
                dates.add(index)
            if code and is_timedelta_format(code):
                durations.add(index)
        return dates, durations


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return -1


# ---------------------------------------------------------------- the sheet


class _SheetRows(_Reader):
    """(row number, values up to the last one) for every row with at least one value. The
    hottest loop of an import: state is kept in plain attributes, not an object per cell."""

    def __init__(
        self,
        bounds: Bounds,
        strings: list[str],
        dates: tuple[set[int], set[int]],
        epoch: datetime,
    ) -> None:
        super().__init__(bounds)
        self.strings, (self.dates, self.durations), self.epoch = strings, dates, epoch
        self.number = self.column = 0
        self.cells: dict[int, Any] = {}
        self.in_cell = self.in_value = False
        self.kind, self.style = "n", ""
        self.raw: list[str] = []
        self.inline: _Text | None = None

    def opened(self, tag: str, attrs: dict[str, str]) -> None:
        if self.in_cell:
            if tag == "v":
                self.in_value = True
            elif tag == "is":
                self.inline = _Text(self.bounds.cell_chars)
            elif self.inline is not None:
                self.inline.opened(tag)
        elif tag == "c":
            ref = attrs.get("r")
            self.column = _column_number(ref) if ref else self.column + 1
            self.kind, self.style = attrs.get("t", "n"), attrs.get("s", "")
            self.in_cell, self.raw, self.inline = True, [], None
        elif tag == "row":
            ref = attrs.get("r")
            self.number = _row_number(ref) if ref else self.number + 1
            if self.number > self.bounds.rows:
                raise XlsxError(ROWS, row=self.number)
            self.column, self.cells = 0, {}

    def closed(self, tag: str) -> None:
        if not self.in_cell:
            if tag == "row" and self.cells:
                values = [self.cells.get(i) for i in range(1, max(self.cells) + 1)]
                self.out.append((self.number, values))
        elif tag == "c":
            self.in_cell = False
            if self.raw or self.inline is not None:
                self._store(self._value())
        elif tag == "v":
            self.in_value = False
        elif self.inline is not None:
            self.inline.closed(tag)

    def text(self, data: str) -> None:
        if self.in_value:
            if len(self.raw) < 64:  # a number or an index: never long
                self.raw.append(data)
        elif self.inline is not None:
            self.inline.text(data)

    def _store(self, value: Any) -> None:
        if value is None or value == "":
            return
        if self.column > self.bounds.columns:
            raise XlsxError(COLUMNS, row=self.number, column=self.column)
        self.cells[self.column] = value

    def _value(self) -> Any:
        if self.kind == "inlineStr":
            return self.inline.value() if self.inline is not None else None
        raw = "".join(self.raw)
        if self.kind == "s":
            index = int(raw)
            if index < 0:
                raise XlsxError(DAMAGED)
            return self.strings[index]
        if self.kind in ("str", "e"):
            return unescape(raw)[: self.bounds.cell_chars + 1]
        if self.kind == "b":
            return raw.strip() in ("1", "true")
        if self.kind == "d":
            return datetime.fromisoformat(raw)
        return self._number(raw, _int(self.style))

    def _number(self, raw: str, style: int) -> Any:
        number: int | float = float(raw) if any(c in raw for c in ".eE") else int(raw)
        if style in self.dates:
            try:
                return from_excel(number, self.epoch, timedelta=style in self.durations)
            except (ValueError, OverflowError):
                return number
        return number


def _row_number(text: str) -> int:
    return int(float(text)) if "." in text else int(text)


def _column_number(reference: str) -> int:
    return column_index_from_string(reference.rstrip("0123456789").replace("$", ""))


# ---------------------------------------------------------------- the whole


def sheet_rows(archive: zipfile.ZipFile, bounds: Bounds) -> Iterator[tuple[int, list[Any]]]:
    """(row number as Excel shows it, values) of every row of the first worksheet that holds a
    value. Raises XlsxError; any other exception means a damaged file."""
    sheet, strings_part, styles_part, date1904 = _parts(archive, bounds)
    strings = _SharedStrings(bounds)
    if strings_part in archive.NameToInfo:
        _run(archive, strings_part, strings)
    styles = _Styles(bounds)
    if styles_part in archive.NameToInfo:
        _run(archive, styles_part, styles)
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    rows = _SheetRows(bounds, strings.strings, styles.date_styles(), epoch)
    yield from _feed(archive, sheet, rows)


def _parts(archive: zipfile.ZipFile, bounds: Bounds) -> tuple[str, str, str, bool]:
    """The first worksheet, the shared strings and the styles parts; the 1904 date system."""
    rels = _Relationships(bounds)
    if "xl/_rels/workbook.xml.rels" in archive.NameToInfo:
        _run(archive, "xl/_rels/workbook.xml.rels", rels)
    book = _Workbook(bounds)
    _run(archive, WORKBOOK, book)
    found = rels.found
    sheets = [found[i][1] for i in book.sheet_ids if i in found and found[i][0] == "worksheet"]
    if not sheets or sheets[0] not in archive.NameToInfo:
        raise XlsxError(NO_SHEET)
    by_type = {kind: path for kind, path in found.values()}
    strings = by_type.get("sharedStrings", "xl/sharedStrings.xml")
    return sheets[0], strings, by_type.get("styles", "xl/styles.xml"), book.date1904
