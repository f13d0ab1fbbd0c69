"""manage.py send_reminders [--days 2]: enqueue due reminder and pending invitation e-mails."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from training.tasks import queue_due


class Command(BaseCommand):
    help = (
        "Xếp hàng thư nhắc lịch cho học viên có buổi học đầu tiên trong N ngày tới, và giấy mời "
        "chưa gửi của các lớp đang mời. Chạy lại nhiều lần không gửi trùng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=2, help="nhắc trước bao nhiêu ngày (2)")

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        invitations, reminders = queue_due(today=timezone.localdate(), days=days)
        self.stdout.write(f"Đã xếp hàng {reminders} thư nhắc lịch và {invitations} giấy mời.")
