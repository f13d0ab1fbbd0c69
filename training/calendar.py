"""Working days in Vietnam: weekends and public holidays (Tết included) are not training days.

Pure functions over dates, shared by course scheduling and course planning.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.rrule import DAILY, FR, MO, TH, TU, WE, WEEKLY, rrule

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKDAYS = (MO, TU, WE, TH, FR)
WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
# A recurrence that finds no working day in this many years is a mistake, not a plan.
MAX_YEARS = 3
# Years a training may be planned in: beyond them the holiday tables and date arithmetic break.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def check_year(day: date) -> date:
    """`day` if it lies in a plannable year; ValueError with a Vietnamese message otherwise."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(
            f"Ngày {day.day:02d}/{day.month:02d}/{day.year} nằm ngoài khoảng cho phép "
            f"(năm {FIRST_YEAR}–{LAST_YEAR})"
        )
    return day


@lru_cache(maxsize=64)
def _holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("VN", years=year, language="vi"))


def holiday_name(day: date) -> str | None:
    """The Vietnamese public holiday on `day` (per the `holidays` package), if any."""
    return _holidays(day.year).get(day)


def is_working_day(day: date, *, skip_holidays: bool = True) -> bool:
    if day.weekday() >= 5:
        return False
    return not (skip_holidays and holiday_name(day))


def _limit(start: date) -> datetime:
    return datetime.combine(start + timedelta(days=366 * MAX_YEARS), time())


def working_days(start: date, n: int, *, skip_holidays: bool = True) -> list[date]:
    """`n` consecutive working days from `start` (inclusive), skipping weekends and holidays."""
    if n < 0:
        raise ValueError("n must not be negative")
    days = rrule(DAILY, byweekday=WEEKDAYS, dtstart=datetime.combine(start, time()))
    return _take(days, n, start, skip_holidays=skip_holidays)


def weekly(start: date, weekday: int, weeks: int, *, skip_holidays: bool = True) -> list[date]:
    """`weeks` sittings on `weekday` (0 = Monday) from `start`; a holiday moves the series on
    a week, so "every Tuesday for 4 weeks" always gives four sittings."""
    if weeks < 0:
        raise ValueError("weeks must not be negative")
    days = rrule(WEEKLY, byweekday=weekday, dtstart=datetime.combine(start, time()))
    return _take(days, weeks, start, skip_holidays=skip_holidays)


def _take(days: rrule, n: int, start: date, *, skip_holidays: bool) -> list[date]:
    found: list[date] = []
    limit = _limit(start)
    for moment in days:
        if len(found) == n or moment > limit:
            break
        if not (skip_holidays and holiday_name(moment.date())):
            found.append(moment.date())
    return found


def non_working_days(first: date, last: date) -> dict[date, str]:
    """Holidays between `first` and `last` (inclusive) with their Vietnamese names."""
    return {d: n for d, n in _range_holidays(first, last)}


def _range_holidays(first: date, last: date) -> Iterator[tuple[date, str]]:
    for year in range(first.year, last.year + 1):
        for day, name in sorted(_holidays(year).items()):
            if first <= day <= last:
                yield day, name


def at(day: date, moment: time) -> datetime:
    """An aware datetime at local (Asia/Ho_Chi_Minh) time `moment` on `day`."""
    return datetime.combine(day, moment, tzinfo=TZ)


def local_date(moment: datetime) -> date:
    return moment.astimezone(TZ).date()
