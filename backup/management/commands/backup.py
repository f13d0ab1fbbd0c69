"""manage.py backup --output FILE: the database and the media files in one archive."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from backup.services import MEDIA, BackupError, create_backup


def size_text(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return ""  # unreachable


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu và toàn bộ thư mục media (PDF giấy chứng nhận...) vào một tệp "
        ".tar.gz; chạy được khi trang web đang hoạt động."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, help="tệp sẽ ghi, ví dụ taphuan.tar.gz")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="bí danh cơ sở dữ liệu")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        try:
            manifest = create_backup(output=output, using=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["database"]["tables"]
        media = [f for f in manifest["files"] if f["path"].startswith(MEDIA + "/")]
        self.stdout.write(
            f"Đã sao lưu vào {output} ({size_text(output.stat().st_size)}): cơ sở dữ liệu "
            f"{manifest['database']['vendor']} ({len(tables)} bảng, "
            f"{sum(tables.values())} dòng) và {len(media)} tệp media "
            f"({size_text(sum(f['size'] for f in media))})."
        )
