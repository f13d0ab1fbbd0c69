"""Builders shared by the audit tests."""

import io
from datetime import date
from typing import Any

from auditlog.models import LogEntry
from django.db.models import Model
from openpyxl import Workbook

from people.roster import COLUMNS

ROLES = [
    "Bí thư chi bộ",
    "Cán bộ phụ trách thôn, tổ dân phố",
    "Trưởng ban công tác Mặt trận",
    "Tổ trưởng tổ dân vận",
]


def entries(obj: Model) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk"))


def actions(obj: Model) -> list[int]:
    return [e.action for e in entries(obj)]


def sources(obj: Model) -> set[str]:
    return {(e.additional_data or {}).get("source") for e in entries(obj)}


def roster_xlsx(rows: list[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row.get(h) for h in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def roster_rows(count: int, *, commune: str = "00889", first: int = 0) -> list[dict[str, Any]]:
    """`count` people holding the four village roles, four to a village, in old Thanh Vân."""
    rows = []
    for n in range(first, first + count):
        year, female = 1960 + n % 40, n % 2 == 1
        rows.append(
            {
                "Mã xã": commune,
                "Thôn, tổ dân phố": f"Bản Thử {n // 4}",
                "Chức danh": ROLES[n % 4],
                "Họ và tên": f"Nguyễn Văn Thử {n}",
                "Ngày sinh": date(year, 1 + n % 12, 1 + n % 28),
                "Giới tính": "Nữ" if female else "Nam",
                "Số CCCD": f"002{int(female)}{year % 100:02d}{n:06d}",
                "Từ ngày": date(2024, 1, 1),
            }
        )
    return rows
