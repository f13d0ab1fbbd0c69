"""manage.py restore FILE [--no-input]: put back the database and the media files of a backup."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from backup import services
from backup.services import BackupError, Unpacked

YES = {"yes", "y", "có", "co"}


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu và thư mục media từ một bản sao lưu của «manage.py backup». "
        "Kiểm tra mã SHA-256 của mọi tệp trước khi thay đổi bất cứ gì."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="tệp .tar.gz do «manage.py backup» tạo")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="không hỏi xác nhận (dùng trong kịch bản)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="bí danh cơ sở dữ liệu")

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        try:
            with services.unpacked(Path(options["archive"]), using=using) as unpacked:
                self.stdout.write(self._summary(unpacked, using))
                if options["interactive"] and not self._confirmed():
                    raise CommandError("Đã hủy: không thay đổi gì.")
                done = services.restore(unpacked, using=using)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Đã khôi phục {done.tables} bảng ({done.rows} dòng, số dòng từng bảng đã khớp) "
            f"và {done.media_files} tệp media."
        )
        if done.extra_tables:
            self.stdout.write(
                "Lưu ý: cơ sở dữ liệu còn các bảng không có trong bản sao lưu (giữ nguyên): "
                + ", ".join(done.extra_tables)
            )
        if done.pending_migrations:
            self.stdout.write(
                f"Mã nguồn có {len(done.pending_migrations)} migration mới hơn bản sao lưu: "
                "chạy «manage.py migrate» trước khi mở lại trang web."
            )

    def _summary(self, unpacked: Unpacked, using: str) -> str:
        manifest = unpacked.manifest
        settings = connections[using].settings_dict
        return (
            f"Bản sao lưu tạo lúc {manifest['created_at']} (phiên bản {manifest['app_version']}, "
            f"{manifest['database']['vendor']}): {len(manifest['database']['tables'])} bảng, "
            f"{unpacked.media_files} tệp media; mã kiểm tra SHA-256 đều khớp.\n"
            f"Sẽ THAY THẾ toàn bộ cơ sở dữ liệu «{settings['NAME']}» và thư mục media "
            f"«{services.media_root()}»."
        )

    def _confirmed(self) -> bool:
        try:
            answer = input("Gõ «yes» để tiếp tục, phím khác để hủy: ")
        except EOFError:
            return False
        return answer.strip().lower() in YES
