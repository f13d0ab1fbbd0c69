"""manage.py export_person --person ID --format xlsx|json [--output FILE]: everything the
registry holds about one person (an access request). JSON goes to standard output unless a file
is named; a workbook to `du-lieu-ca-nhan-<ID>.xlsx` by default."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.export import FORMATS, export_person
from people.models import Person


class Command(BaseCommand):
    help = "Xuất toàn bộ dữ liệu về một người (yêu cầu truy cập dữ liệu cá nhân)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--person", type=int, required=True, help="Id của người")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", help="Tệp ghi ra (mặc định: JSON ra màn hình)")

    def handle(self, *args: Any, **options: Any) -> None:
        person = Person.objects.filter(pk=options["person"]).first()
        if person is None:
            raise CommandError(f"Không có người id {options['person']}")
        content = export_person(person, options["format"])
        output = options["output"]
        if output is None and options["format"] == "xlsx":
            output = f"du-lieu-ca-nhan-{person.pk}.xlsx"
        if output is None:
            self.stdout.write(content.decode())
            return
        Path(output).write_bytes(content)
        self.stdout.write(f"Đã ghi {output}")
