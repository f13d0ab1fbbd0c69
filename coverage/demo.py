"""Demo data of the coverage area: indicator figures and two frozen reports on the demo units.
Idempotent: run again, nothing is duplicated."""

from datetime import date
from decimal import Decimal
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction

from coverage.models import FrozenReport, Indicator
from coverage.services import CoverageError, freeze_report, period_end, record_indicator_value
from coverage.trend import trend_of
from coverage.units import resolve_unit
from coverage.views import Scope
from people.models import Level, Unit

# (GSO code, the day it is read on and the report's date, target, note)
FROZEN = [
    ("02", date(2024, 12, 31), "nq33-village", "Số 45-BC/BDVTU (báo cáo năm 2024)"),
    ("08", date(2025, 9, 30), "nq33-boards", "Số 12-BC/BTGDVTU (báo cáo quý III/2025)"),
]
# Indicator figures per (year, quarter): dossiers, complaints, decisions, policies supervised.
FIGURES = {
    (2024, None): ("97.6", "88.0", "92.5", "2"),
    (2025, 1): ("98.4", "84.0", "91.0", "1"),
    (2025, 2): ("99.1", "86.5", "89.5", "0"),
    (2025, 3): ("98.9", "87.2", "90.5", "1"),
    (2025, None): ("98.7", "86.0", "91.2", "3"),
}
SOURCE = "Báo cáo của UBND, Ủy ban MTTQ (số liệu mẫu)"


def _unit(code: str, on: date) -> Unit | None:
    try:
        return resolve_unit(code, on)
    except CoverageError:
        return None


def _commission_user() -> object | None:
    User = get_user_model()
    return (
        User.objects.filter(username="bantuyengiao").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )


def _communes(province: Unit, on: date, count: int) -> list[Unit]:
    return list(
        Unit.objects.within(province, on=on).filter(level=Level.COMMUNE).order_by("code")[:count]
    )


def load_indicators(user: object, stdout: TextIO) -> int:
    indicators = list(Indicator.objects.order_by("order"))
    written = 0
    for code, on in (("02", date(2024, 12, 31)), ("08", date(2025, 9, 30))):
        province = _unit(code, on)
        if province is None:
            continue
        units = [province] + _communes(province, on, 3)
        for (year, quarter), values in FIGURES.items():
            for unit in units:
                if not unit.is_active_on(period_end(year, quarter)):
                    continue
                for indicator, value in zip(indicators, values, strict=False):
                    record_indicator_value(
                        indicator=indicator,
                        unit=unit,
                        year=year,
                        quarter=quarter,
                        value=Decimal(value),
                        source=SOURCE,
                        by=user,  # type: ignore[arg-type]
                    )
                    written += 1
    return written


def load_frozen(user: object, stdout: TextIO) -> int:
    made = 0
    for code, on, target, note in FROZEN:
        unit = _unit(code, on)
        if unit is None or FrozenReport.objects.filter(note=note).exists():
            continue
        freeze_report(target_code=target, unit=unit, on=on, by=user, note=note)  # type: ignore[arg-type]
        made += 1
    return made


def warm_trends() -> int:
    """Store the trend points of the pages the Commission opens first, so they load at once."""
    today = date.today()
    new, old = _unit("08", today), _unit("02", date(2025, 6, 30))
    if new is None:
        return 0
    scopes = [Scope(unit=new, on=today), Scope(unit=new, on=today, area_of=old)]
    for scope in scopes:
        trend_of(scope, {}, budget=None)
    return len(scopes)


def load(*, stdout: TextIO) -> None:
    user = _commission_user()
    if user is None:
        stdout.write("Tỷ lệ tập huấn: chưa có tài khoản Ban Tuyên giáo và Dân vận, bỏ qua.\n")
        return
    with transaction.atomic():
        values = load_indicators(user, stdout)
        frozen = load_frozen(user, stdout)
    stdout.write(
        f"Tỷ lệ tập huấn: {values} số liệu chỉ tiêu khác, {frozen} báo cáo mới được chốt, "
        f"xu hướng của {warm_trends()} trang đã được tính sẵn.\n"
    )
