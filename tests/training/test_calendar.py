from datetime import date, time

from training import calendar
from training.services import Recurrence


def test_it_knows_tet_2026_from_the_holidays_package():
    assert calendar.holiday_name(date(2026, 2, 17)) is not None
    assert not calendar.is_working_day(date(2026, 2, 16))
    assert calendar.is_working_day(date(2026, 2, 23))


def test_it_skips_tet_2026_for_consecutive_working_days():
    days = calendar.working_days(date(2026, 2, 12), 4)
    # Thu 12, Fri 13, then the weekend and Tết (16-20/02) and the weekend again.
    assert days == [date(2026, 2, 12), date(2026, 2, 13), date(2026, 2, 23), date(2026, 2, 24)]


def test_it_keeps_holidays_when_asked_not_to_skip_them():
    days = calendar.working_days(date(2026, 2, 12), 4, skip_holidays=False)
    assert days == [date(2026, 2, 12), date(2026, 2, 13), date(2026, 2, 16), date(2026, 2, 17)]


def test_it_moves_a_weekly_series_past_a_holiday():
    # Every Tuesday for 4 weeks from 10/02/2026: 17/02 is Tết.
    days = calendar.weekly(date(2026, 2, 10), 1, 4)
    assert days == [date(2026, 2, 10), date(2026, 2, 24), date(2026, 3, 3), date(2026, 3, 10)]


def test_it_starts_on_the_next_working_day_after_a_weekend():
    assert calendar.working_days(date(2026, 3, 7), 3) == [
        date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11),
    ]  # fmt: skip


def test_it_makes_aware_local_session_times():
    times = Recurrence(start=date(2026, 3, 10), days=3, starts=time(7, 30), ends=time(11)).times()
    assert len(times) == 3
    starts, ends = times[0]
    assert starts.utcoffset().total_seconds() == 7 * 3600
    assert (starts.hour, ends.hour) == (7, 11)
