"""State changes of the coverage area: freezing a report as sent, entering indicator figures."""

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

import audit
from access.policy import Cap, can, can_see_unit, holds, refusal
from config.spreadsheets import SpreadsheetError, read_table
from coverage.errors import CoverageError, UnknownTarget
from coverage.models import FrozenReport, Indicator, IndicatorValue
from coverage.report import coverage_report
from people.models import Level, Unit
from people.text import clean, match_key, unit_name_key
from training.models import Target

# IndicatorValue.value: 12 digits, 2 decimals.
VALUE_LIMIT = Decimal("1e10")
# The seeded targets, in the resolution's order; targets added in the admin come after them.
TARGET_CODES = ("nq33-agency", "nq33-front", "nq33-village", "nq33-boards", "nq33-teams")
# Short names for charts, sheet names and tabs; the full title comes from the Target row.
SHORT = {
    "nq33-agency": "Cơ quan, đơn vị",
    "nq33-front": "MTTQ, đoàn thể",
    "nq33-village": "Thôn, tổ dân phố",
    "nq33-boards": "Ban TTND, Ban GSĐTCĐ",
    "nq33-teams": "Tổ dân vận",
}


def ordered_codes(codes: Iterable[str]) -> list[str]:
    """Target codes in report order: the seeded ones first, then the others by code."""
    found = set(codes)
    return [c for c in TARGET_CODES if c in found] + sorted(found - set(TARGET_CODES))


def short_name(code: str, title: str = "") -> str:
    """A target's short name: the seeded five's own, else its title (a target from the admin)."""
    return SHORT.get(code) or title or code


def target_titles() -> dict[str, str]:
    """Code → title (of its latest version) of every target, in report order (one query)."""
    titles: dict[str, str] = {}
    for code, title in Target.objects.order_by("valid_from").values_list("code", "title"):
        titles[code] = title
    return {code: titles[code] for code in ordered_codes(titles)}


def _check_may_see(user: Any, unit: Unit) -> None:
    if not can_see_unit(user, unit):
        raise CoverageError(f"Bạn không có quyền với đơn vị {unit.name}")


def _check_may_enter(user: Any, unit: Unit) -> None:
    if not can(user, Cap.INDICATORS_WRITE, unit):
        raise CoverageError(
            f"Bạn không có quyền nhập số liệu chỉ tiêu cho {unit.name} (chỉ quản trị, "
            "Ban Tuyên giáo và Dân vận, cán bộ nhập liệu được phân quyền đơn vị này)"
        )


def check_value(value: Decimal, indicator: Indicator) -> None:
    """A figure fit to store: a finite number, not negative, at most 100 for a percentage."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise CoverageError(f"Giá trị «{value}» không phải là một số hợp lệ")
    if value < 0 or value >= VALUE_LIMIT or (indicator.unit_of_measure == "%" and value > 100):
        raise CoverageError(f"Giá trị {value} không hợp lệ cho «{indicator.title}»")


def freeze_report(*, target_code: str, unit: Unit, on: date, by: Any, note: str) -> FrozenReport:
    """Keep the report of `target_code` for `unit` on `on` exactly as it is now (as it was sent)."""

    if not holds(by, Cap.COVERAGE_FREEZE):
        raise CoverageError(refusal(Cap.COVERAGE_FREEZE))
    _check_may_see(by, unit)
    if not can(by, Cap.COVERAGE_FREEZE, unit):
        raise CoverageError(f"Bạn không có quyền chốt báo cáo của {unit.name}")
    if target_code not in target_titles():
        raise UnknownTarget(f"Không có chỉ tiêu «{target_code}»")
    figures = coverage_report(target_code=target_code, unit=unit, on=on)
    return FrozenReport.objects.create(
        target_code=target_code,
        unit=unit,
        as_of=on,
        figures=figures,
        note=clean(note),
        frozen_by=by,
    )


def period_end(year: int, quarter: int | None) -> date:
    """The last day of a year or of one of its quarters: the day a unit code is read on."""
    month = 12 if quarter is None else quarter * 3
    return date(year, month, calendar.monthrange(year, month)[1])


def _check_period(year: int, quarter: int | None) -> None:
    if not 2000 <= year <= 2100:
        raise CoverageError(f"Năm {year} không hợp lệ")
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise CoverageError(f"Quý {quarter} không hợp lệ (1–4)")


def record_indicator_value(
    *,
    indicator: Indicator,
    unit: Unit,
    year: int,
    quarter: int | None,
    value: Decimal,
    source: str,
    by: Any,
) -> IndicatorValue:
    """Enter (or correct) one indicator figure for a unit and a period (administrator,
    commission or clerk granted the unit)."""
    _check_may_see(by, unit)
    _check_may_enter(by, unit)
    _check_period(year, quarter)
    check_value(value, indicator)
    found, _ = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        unit=unit,
        year=year,
        quarter=quarter,
        defaults={"value": value, "source": clean(source), "entered_by": by},
    )
    return found


# ---- Import from .xlsx: all rows or none ---------------------------------------------------

HEADERS = {
    "code": ("mã xã", "mã đơn vị"),
    "unit": ("đơn vị", "tên đơn vị"),
    "indicator": ("chỉ tiêu",),
    "year": ("năm",),
    "quarter": ("quý",),
    "value": ("giá trị",),
    "source": ("nguồn", "nguồn số liệu"),
}
REQUIRED = ("indicator", "year", "value")


@dataclass
class _Row:
    number: int
    indicator: Indicator
    unit: Unit
    year: int
    quarter: int | None
    value: Decimal
    source: str


def _header_map(row: list[Any]) -> dict[str, int]:
    keys = {match_key(str(cell or "")): i for i, cell in enumerate(row)}
    found = {}
    for field, names in HEADERS.items():
        for name in names:
            if match_key(name) in keys:
                found[field] = keys[match_key(name)]
                break
    return found


def _header_columns(row: list[Any]) -> dict[str, int]:
    """Field → index when `row` is the header row, else {}."""
    found = _header_map(row)
    if all(f in found for f in REQUIRED) and ("code" in found or "unit" in found):
        return found
    return {}


def _find_header(rows: list[tuple[int, list[Any]]]) -> tuple[int, dict[str, int]]:
    for i, (_, row) in enumerate(rows[:15]):
        if found := _header_columns(row):
            return i, found
    raise CoverageError(
        "Không tìm thấy dòng tiêu đề: cần các cột «Mã xã» hoặc «Đơn vị», «Chỉ tiêu», «Năm», "
        "«Quý», «Giá trị», «Nguồn»"
    )


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value)) if value is not None else ""


def _integer(value: Any, column: str, *, optional: bool = False) -> int | None:
    text = _text(value)
    if not text and optional:
        return None
    if not re.fullmatch(r"\d{1,4}", text):
        raise ValueError(f"cột «{column}»: «{text}» không phải là số nguyên")
    return int(text)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value))
        if not number.is_finite():
            raise ValueError(f"cột «Giá trị»: «{value}» không phải là số")
        return number
    text = _text(value).replace("%", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise ValueError(f"cột «Giá trị»: «{_text(value)}» không phải là số")
    return number


def _indicator(text: str, catalogue: dict[str, Indicator]) -> Indicator:
    found = catalogue.get(text.lower()) or catalogue.get(match_key(text))
    if not found:
        raise ValueError(f"cột «Chỉ tiêu»: không có chỉ tiêu «{text}»")
    return found


def _unit(code: str, name: str, day: date, user: Any) -> Unit:
    units = Unit.objects.active_on(day).exclude(level=Level.VILLAGE)
    if code:
        candidates = list(units.filter(code__in={code, code.zfill(5)}))
        if name and len(candidates) > 1:
            candidates = [u for u in candidates if u.name_key == unit_name_key(name, village=False)]
        what = f"cột «Mã xã»: không có đơn vị mã {code} vào ngày {day:%d/%m/%Y}"
    else:
        candidates = list(units.filter(name_key=unit_name_key(name, village=False)))
        what = f"cột «Đơn vị»: không có đơn vị «{name}» vào ngày {day:%d/%m/%Y}"
    if not candidates:
        raise ValueError(what)
    if len(candidates) > 1:
        raise ValueError(f"cột «Đơn vị»: có {len(candidates)} đơn vị «{name}», hãy ghi mã")
    if not can(user, Cap.INDICATORS_WRITE, candidates[0]):
        raise ValueError(f"bạn không có quyền nhập số liệu cho {candidates[0].name}")
    return candidates[0]


def _parse_row(number: int, cells: list[Any], cols: dict[str, int], ctx: dict[str, Any]) -> _Row:
    def cell(field: str) -> Any:
        return cells[cols[field]] if field in cols and cols[field] < len(cells) else None

    year = _integer(cell("year"), "Năm")
    quarter = _integer(cell("quarter"), "Quý", optional=True)
    assert year is not None
    try:
        _check_period(year, quarter)
    except CoverageError as e:
        raise ValueError(str(e)) from None
    indicator = _indicator(_text(cell("indicator")), ctx["catalogue"])
    unit = _unit(_text(cell("code")), _text(cell("unit")), period_end(year, quarter), ctx["user"])
    value = _decimal(cell("value"))
    try:
        check_value(value, indicator)
    except CoverageError:
        raise ValueError(f"cột «Giá trị»: {value} không hợp lệ") from None
    return _Row(number, indicator, unit, year, quarter, value, _text(cell("source")))


def _catalogue() -> dict[str, Indicator]:
    found = {}
    for ind in Indicator.objects.all():
        found[ind.code.lower()] = ind
        found[match_key(ind.title)] = ind
    return found


def _read_rows(file: IO[bytes] | Any) -> list[tuple[int, list[Any]]]:
    """(row number, values) of every non-empty row, through the shared reader (size, type,
    bombs, bad cells)."""
    try:
        table = read_table(file, getattr(file, "name", "") or "", kinds=("xlsx",))
        rows = []
        for number, values in table:
            rows.append((number, values))
            if len(rows) <= 15 and _header_columns(values):
                table.name_columns(number, values)
        return rows
    except SpreadsheetError as e:
        raise CoverageError(str(e), e.lines()) from e


def _parse_all(rows: list[tuple[int, list[Any]]], user: Any) -> tuple[list[_Row], list]:
    header, cols = _find_header(rows)
    ctx = {"catalogue": _catalogue(), "user": user}
    parsed, errors = [], []
    seen: dict[tuple[Any, ...], int] = {}
    for i, cells in rows[header + 1 :]:
        if not any(_text(c) for c in cells):
            continue
        try:
            row = _parse_row(i, cells, cols, ctx)
        except ValueError as e:
            errors.append(f"Dòng {i}: {e}")
            continue
        key = (row.indicator.pk, row.unit.pk, row.year, row.quarter)
        if key in seen:
            errors.append(f"Dòng {i}: trùng với dòng {seen[key]} (cùng chỉ tiêu, đơn vị, kỳ)")
        seen[key] = i
        parsed.append(row)
    return parsed, errors


def import_indicator_values(*, file: IO[bytes] | Any, by: Any) -> int:
    """Every row of the sheet, or none: errors name the row as Excel shows it. Only an
    administrator, the commission or a clerk, for units inside their grants."""
    if not holds(by, Cap.INDICATORS_WRITE):
        raise CoverageError(refusal(Cap.INDICATORS_WRITE))
    parsed, errors = _parse_all(_read_rows(file), by)
    if errors:
        raise CoverageError(f"Không nhập được: {len(errors)} lỗi", errors)
    if not parsed:
        raise CoverageError("Tệp không có dòng số liệu nào")
    content, name = audit.file_bytes(file)
    with audit.import_batch(
        kind=audit.Kind.INDICATORS, content=content, file_name=name, user=by
    ) as batch:
        for row in parsed:
            record_indicator_value(
                indicator=row.indicator,
                unit=row.unit,
                year=row.year,
                quarter=row.quarter,
                value=row.value,
                source=row.source,
                by=by,
            )
        created, changed = audit.written_in(batch, IndicatorValue)
        audit.tally(
            batch, read=len(parsed), created=created, changed=changed,
            unchanged=len(parsed) - created - changed, units={r.unit for r in parsed},
        )  # fmt: skip
    return len(parsed)
