"""manage.py import_training_records FILE [--dry-run]: historical training records."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from training.services import import_training_records


class Command(BaseCommand):
    help = "Nhập kết quả tập huấn trước đây từ tệp .xlsx hoặc .csv (tất cả hoặc không gì cả)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi")

    def handle(self, *args: Any, file: Path, dry_run: bool, **options: Any) -> None:
        if not file.exists():
            raise CommandError(f"Không có tệp {file}")
        result = import_training_records(file, dry_run=dry_run)
        if result.errors:
            for problem in result.errors:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(result.errors)} lỗi; không có kết quả nào được ghi")
        prefix = "Kiểm tra (chưa ghi): " if dry_run else ""
        self.stdout.write(prefix + result.summary())
