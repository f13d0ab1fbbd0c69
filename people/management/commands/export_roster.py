"""manage.py export_roster --unit CODE [--as-of DATE | --history] --output FILE."""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.dates import parse_date, show
from people.models import Unit
from people.roster import export_roster


class Command(BaseCommand):
    help = "Xuất danh sách chức danh của một đơn vị ra tệp .xlsx (nhập lại được)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="mã GSO của đơn vị")
        parser.add_argument("--as-of", help="ngày (dd/mm/yyyy), mặc định hôm nay")
        parser.add_argument(
            "--history", action="store_true", help="toàn bộ chức danh, cả đã kết thúc"
        )
        parser.add_argument("--output", required=True, help="tệp .xlsx ghi ra")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = parse_date(options["as_of"]) if options["as_of"] else date.today()
        except ValueError as e:
            raise CommandError(str(e)) from e
        unit = self._unit(options["unit"], day)
        as_of = None if options["history"] else day
        Path(options["output"]).write_bytes(export_roster(unit=unit, as_of=as_of))
        when = "toàn bộ thời gian" if as_of is None else f"ngày {show(day)}"
        self.stdout.write(f"Đã xuất danh sách {unit.name} ({when}) ra {options['output']}")

    def _unit(self, code: str, day: date) -> Unit:
        """The unit carrying `code` on `day` (codes are reused across editions)."""
        units = Unit.objects.filter(code=code.strip()).active_on(day)
        if not units:
            units = Unit.objects.filter(code=code.strip().zfill(5)).active_on(day)
        unit = units.order_by("level").first()
        if unit is None:
            raise CommandError(f"Không có đơn vị nào mang mã {code} vào ngày {show(day)}")
        return unit
