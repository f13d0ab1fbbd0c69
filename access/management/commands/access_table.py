"""access_table: print the role → capability table of the access policy (for the README)."""

from typing import Any

from django.core.management.base import BaseCommand

from access.policy import role_table


class Command(BaseCommand):
    help = "In bảng vai trò → quyền của chính sách phân quyền (Markdown)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(role_table())
