"""Roster import speed: 10,000 rows (one old province's positions) into a throw-away transaction.

The lead wires `BENCHMARKS` into `people/benchmarks.py` (`manage.py bench roster_import_10k`).
"""

import io
import time
from collections.abc import Callable, Iterator
from datetime import date

from django.db import transaction
from openpyxl import Workbook

from people.models import Level, Unit, UnitPlacement
from people.roster import COLUMNS, import_roster
from people.services import rebuild_ancestry

VILLAGE_ROLES = [
    "Bí thư chi bộ",
    "Cán bộ phụ trách thôn, tổ dân phố",
    "Trưởng ban công tác Mặt trận",
    "Tổ trưởng tổ dân vận",
]
FAMILY = ["Nguyễn", "Hoàng", "Giàng", "Lý", "Vàng", "Triệu", "Nông", "Ma"]
MIDDLE = ["Văn", "Thị", "Seo", "Mí", "Đức", "Thị Thu"]
GIVEN = ["Mai", "Thủy", "Pó", "Chứ", "Hoà", "Dín", "Sính", "Lan", "Tùng", "Hương"]


class _Rollback(Exception):
    pass


def _communes(count: int) -> list[Unit]:
    province = Unit(name="Tỉnh Đo Thử", level=Level.PROVINCE, kind=Unit.Kind.TINH)
    province.edition = Unit.Edition.LOCAL
    province.save()
    communes = []
    for n in range(count):
        commune = Unit(
            name=f"Xã Đo Thử {n}",
            level=Level.COMMUNE,
            kind=Unit.Kind.XA,
            edition=Unit.Edition.LOCAL,
            code=f"99{n:03d}",
        )
        commune.save()
        communes.append(commune)
    UnitPlacement.objects.bulk_create(UnitPlacement(unit=c, parent=province) for c in communes)
    rebuild_ancestry([province, *communes])
    return communes


def _person(n: int) -> dict:
    year = 1960 + n % 40
    female = n % 2 == 1
    return {
        "Họ": FAMILY[n % len(FAMILY)],
        "Chữ đệm": MIDDLE[n % len(MIDDLE)],
        "Tên": GIVEN[n % len(GIVEN)],
        "Ngày sinh": date(year, 1 + n % 12, 1 + n % 28),
        "Giới tính": "Nữ" if female else "Nam",
        "Số CCCD": f"002{int(female)}{year % 100:02d}{n:06d}",
    }


def _rows(communes: list[Unit], villages: int) -> Iterator[dict]:
    """Per commune: 4 village roles × `villages` villages, then 10 inspection-board seats."""
    n = 0
    for commune in communes:
        for v in range(villages):
            for label in VILLAGE_ROLES:
                n += 1
                yield _person(n) | {
                    "Mã xã": commune.code,
                    "Thôn, tổ dân phố": f"Thôn Bản {v}",
                    "Chức danh": label,
                    "Từ ngày": date(2024, 1, 1),
                }
        for seat in range(10):
            n += 1
            label = (
                "Trưởng ban thanh tra nhân dân"
                if seat == 0
                else "Thành viên ban thanh tra nhân dân"
            )
            yield _person(n) | {
                "Mã xã": commune.code,
                "Chức danh": label,
                "Từ ngày": date(2024, 1, 1),
            }


def _workbook(rows: Iterator[dict]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["DANH SÁCH ĐO THỬ"])
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row.get(c) for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def roster_import(communes: int = 200, villages: int = 10) -> dict:
    """Import `communes` × (4 × `villages` + 10) rows, then the same file again (a no-op)."""
    measured: dict = {}
    try:
        with transaction.atomic():
            units = _communes(communes)
            content = _workbook(_rows(units, villages))
            # CPU seconds beside wall seconds: SQLite runs in-process, so CPU time is what the
            # import costs on an idle machine; wall time also counts other processes.
            start, cpu = time.perf_counter(), time.process_time()
            first = import_roster(content, filename="bench.xlsx")
            measured["seconds_first_import"] = round(time.perf_counter() - start, 2)
            measured["cpu_seconds_first_import"] = round(time.process_time() - cpu, 2)
            start, cpu = time.perf_counter(), time.process_time()
            again = import_roster(content, filename="bench.xlsx")
            measured["seconds_reimport_no_op"] = round(time.perf_counter() - start, 2)
            measured["cpu_seconds_reimport_no_op"] = round(time.process_time() - cpu, 2)
            measured |= {
                "rows": first.created + len(first.errors),
                "errors": len(first.errors),
                "positions_created": first.created,
                "people_created": first.people_created,
                "villages_created": len(first.villages),
                "unchanged_on_reimport": again.unchanged,
            }
            raise _Rollback
    except _Rollback:
        pass
    return measured


BENCHMARKS: dict[str, Callable[[], dict]] = {"roster_import_10k": roster_import}
