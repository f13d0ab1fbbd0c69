"""manage.py load_demo: the demo on the real Hà Giang units, then the other areas' demo data."""

import time

from django.core.management.base import BaseCommand

from people import demo


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu trên địa bàn Hà Giang cũ (huyện Quản Bạ, Bắc Mê) và các tài khoản "
        "dùng thử; chạy lại không nhân đôi dữ liệu."
    )

    def handle(self, *args: object, **options: object) -> None:
        started = time.perf_counter()
        demo.load(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Xong dữ liệu mẫu trong {time.perf_counter() - started:.1f} giây")
        )
