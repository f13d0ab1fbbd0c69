"""manage.py erase_person --person ID --reason TEXT: erase a person's personal data on request
(anonymised in place, also in the history; positions, records and certificates kept)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.erasure import ErasureError, erase_person
from people.models import Person


class Command(BaseCommand):
    help = "Xoá dữ liệu cá nhân của một người theo yêu cầu (giữ chức danh, kết quả, giấy CN)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--person", type=int, required=True, help="Id của người")
        parser.add_argument("--reason", required=True, help="Lý do: số, ngày của đơn yêu cầu")

    def handle(self, *args: Any, **options: Any) -> None:
        person = Person.objects.filter(pk=options["person"]).first()
        if person is None:
            raise CommandError(f"Không có người id {options['person']}")
        try:
            erasure = erase_person(person=person, reason=options["reason"])
        except ErasureError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(
            f"Đã xoá dữ liệu cá nhân của người id {person.pk} lúc {erasure.at:%d/%m/%Y %H:%M}"
        )
