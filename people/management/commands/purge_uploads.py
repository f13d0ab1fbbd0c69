"""manage.py purge_uploads: remove the import files kept for a preview and never confirmed."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from people.uploads import purge_expired_uploads


class Command(BaseCommand):
    help = (
        "Xóa các tệp nhập danh sách đã tải lên để xem trước nhưng không được xác nhận "
        "(quá hạn PENDING_UPLOAD_HOURS giờ)"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = purge_expired_uploads()
        hours = settings.PENDING_UPLOAD_HOURS
        self.stdout.write(f"Đã xóa {removed} tệp chờ xác nhận quá {hours} giờ.")
