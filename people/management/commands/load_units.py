"""manage.py load_units [--province CODE ...]: the official unit lists of both editions."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from people import official
from people.models import Level, Unit
from people.services import PeopleError

LEVEL_WORDS: dict[str, str] = {
    Level.PROVINCE: "cấp tỉnh",
    Level.DISTRICT: "cấp huyện",
    Level.COMMUNE: "cấp xã",
}


class Command(BaseCommand):
    help = (
        "Nạp danh mục đơn vị hành chính chính thức (trước và từ 01/07/2025) cùng quan hệ kế "
        "thừa, từ dữ liệu của gói vietnamadminunits. Chạy lại không thay đổi gì."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            action="append",
            default=[],
            metavar="CODE",
            help="Mã tỉnh cũ (02 = Hà Giang) hoặc mới (08 = Tuyên Quang); lặp lại được",
        )

    def handle(self, *args: object, **options: object) -> None:
        started = time.perf_counter()
        try:
            summary = official.load(options["province"])  # type: ignore[arg-type]
        except PeopleError as e:
            raise CommandError(str(e)) from e
        self.report(summary, time.perf_counter() - started)

    def report(self, summary: official.Summary, seconds: float) -> None:
        for edition in official.OFFICIAL:
            counts = ", ".join(
                f"{summary.units.get((edition, level), 0)} {LEVEL_WORDS[level]}"
                for level in official.LEVEL_ORDER
                if (edition, level) in summary.units
            )
            self.stdout.write(f"{Unit.Edition(edition).label}: {counts}")
        self.stdout.write(f"Kế thừa cũ → mới: {summary.lineage} dòng")
        changes = {**{f"+{k}": v for k, v in summary.created.items() if v}}
        changes |= {f"~{k}": v for k, v in summary.updated.items() if v}
        changes |= {f"-{k}": v for k, v in summary.deleted.items() if v}
        self.stdout.write(
            "Thay đổi: " + (", ".join(f"{k} {v}" for k, v in changes.items()) or "không có")
        )
        self.stdout.write(self.style.SUCCESS(f"Xong trong {seconds:.1f} giây"))
