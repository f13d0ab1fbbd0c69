"""manage.py import_roster FILE [--dry-run]: import a roster, all rows or none."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from people.roster import import_roster


class Command(BaseCommand):
    help = "Nhập danh sách chức danh từ tệp .xlsx hoặc .csv (một dòng một chức danh)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp .xlsx hoặc .csv")
        parser.add_argument(
            "--dry-run", action="store_true", help="chỉ kiểm tra và báo cáo, không ghi"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}")
        result = import_roster(path, filename=path.name, dry_run=options["dry_run"])
        if result.errors:
            for problem in result.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(result.errors)} lỗi; không ghi dòng nào. Sửa tệp rồi nhập lại."
            )
        for name, commune in result.villages:
            self.stdout.write(f"Thôn, tổ dân phố mới: {name} ({commune})")
        prefix = "Kiểm tra xong (chưa ghi). " if options["dry_run"] else "Đã nhập. "
        self.stdout.write(prefix + result.summary())
