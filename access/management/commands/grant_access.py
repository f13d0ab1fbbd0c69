"""grant_access USERNAME --unit CODE [--as-of DATE] --role ROLE [--password P] [--person ID]"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from access.policy import POLICY, ROLE_LABELS, TRAINEE
from access.services import AccessError, grant_access
from config.dates import parse_date
from coverage.services import CoverageError
from coverage.units import resolve_unit
from people.ids import normalise
from people.models import Person


class Command(BaseCommand):
    help = (
        "Tạo tài khoản (nếu chưa có) và phân quyền một vai trò trên đơn vị mang mã CODE vào "
        "ngày --as-of (mã GSO được dùng lại sau 01/07/2025). Vai trò học viên: --person."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--unit", help="mã GSO của tỉnh, huyện hoặc xã")
        parser.add_argument("--as-of", help="ngày đọc mã đơn vị (dd/mm/yyyy hoặc yyyy-mm-dd)")
        parser.add_argument("--role", required=True, choices=list(POLICY))
        parser.add_argument("--password", help="mật khẩu (đặt lại nếu tài khoản đã có)")
        parser.add_argument("--person", help="học viên: số CCCD hoặc mã (id) của người")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            day = parse_date(opts["as_of"]) if opts["as_of"] else timezone.localdate()
        except ValueError as e:
            raise CommandError(f"--as-of: {e}") from e
        unit = self._unit(opts["unit"], day, opts["role"])
        person = self._person(opts["person"]) if opts["role"] == TRAINEE else None
        try:
            done = grant_access(
                username=opts["username"],
                role=opts["role"],
                unit=unit,
                person=person,
                password=opts["password"],
            )
        except AccessError as e:
            raise CommandError(str(e)) from e
        what = "Đã tạo tài khoản" if done.created else "Tài khoản"
        where = f"{unit.name} ({unit.code})" if unit else (person.full_name if person else "")
        self.stdout.write(f"{what} {done.user.username}: {ROLE_LABELS[opts['role']]} — {where}")
        if done.created and not opts["password"]:
            self.stdout.write("Chưa có mật khẩu: đặt bằng --password hoặc manage.py changepassword")

    def _unit(self, code: str | None, day: Any, role: str) -> Any:
        if role == TRAINEE:
            return None
        if not code:
            raise CommandError("Cần --unit CODE")
        try:
            return resolve_unit(code, day)
        except CoverageError as e:
            raise CommandError(str(e)) from e

    def _person(self, raw: str | None) -> Person:
        if not raw:
            raise CommandError("Vai trò học viên cần --person (số CCCD hoặc mã người)")
        number = normalise(raw)
        found = Person.objects.filter(citizen_id=number).first() if len(number) == 12 else None
        if found is None and raw.isdigit() and len(raw) < 12:
            found = Person.objects.filter(pk=int(raw)).first()
        if found is None:
            raise CommandError(f"Không tìm thấy người «{raw}»")
        return found
