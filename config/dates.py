"""Dates as Vietnamese users type and read them: dd/mm/yyyy; stored ISO."""

from datetime import date, datetime

VI_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse_date(text: object) -> date:
    """A date from dd/mm/yyyy (also d/m/yyyy) or YYYY-MM-DD; ValueError in Vietnamese otherwise."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    raw = str(text or "").strip()
    for fmt in VI_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"«{raw}» không phải là ngày hợp lệ (dd/mm/yyyy)")


def show(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def formal(day: date) -> str:
    """'ngày 05 tháng 02 năm 2026', as formal documents write it."""
    return f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def day_or_today(text: str | None) -> tuple[date, str]:
    """The date typed in a filter (dd/mm/yyyy), today when empty; with the Vietnamese reason,
    and today, when it cannot be read."""
    if not text:
        return date.today(), ""
    try:
        return parse_date(text), ""
    except ValueError as e:
        return date.today(), str(e)
