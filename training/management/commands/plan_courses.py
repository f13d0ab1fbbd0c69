"""manage.py plan_courses --target CODE --unit CODE [--as-of DATE] --start DATE --capacity N
--days N [--format table|json] [--commit]: propose courses for the untrained holders."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from config.dates import parse_date, show
from training.calendar import check_year
from training.planning import Plan, commit_plan, plan_courses, resolve_target, resolve_unit
from training.services import TrainingError


def _date(text: str) -> Any:
    try:
        return check_year(parse_date(text))
    except ValueError as e:
        raise CommandError(str(e)) from e


class Command(BaseCommand):
    help = (
        "Lập kế hoạch mở lớp cho những người chưa được tập huấn theo một chỉ tiêu trong một "
        "đơn vị; --commit tạo các lớp ở trạng thái dự thảo kèm lời mời"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--target", required=True, help="mã chỉ tiêu, ví dụ nq33-village")
        parser.add_argument("--unit", required=True, help="mã GSO tỉnh, huyện hoặc xã")
        parser.add_argument(
            "--as-of", help="tính người chưa được tập huấn vào ngày (mặc định: hôm nay)"
        )
        parser.add_argument("--start", required=True, help="ngày sớm nhất mở lớp (dd/mm/yyyy)")
        parser.add_argument(
            "--capacity", type=int, required=True, help="số học viên tối đa mỗi lớp"
        )
        parser.add_argument("--days", type=int, required=True, help="số ngày học mỗi lớp")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--commit", action="store_true", help="tạo các lớp dự thảo và lời mời")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _date(options["as_of"]) if options["as_of"] else timezone.localdate()
        try:
            plan = plan_courses(
                target=resolve_target(options["target"], on=as_of),
                unit=resolve_unit(options["unit"], on=as_of),
                as_of=as_of,
                start=_date(options["start"]),
                capacity=options["capacity"],
                days=options["days"],
            )
            courses = commit_plan(plan=plan) if options["commit"] else []
        except TrainingError as e:
            raise CommandError(str(e)) from e
        if options["format"] == "json":
            self.stdout.write(json.dumps(plan.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(plan))
        if courses:
            ids = ", ".join(str(c.pk) for c in courses)
            self.stderr.write(f"Đã tạo {len(courses)} lớp dự thảo (mã {ids}).")


def render_table(plan: Plan) -> str:
    """The plan as Vietnamese text: one block per course, one line per invitee."""
    lines = [
        f"Chỉ tiêu {plan.target.code} — {plan.unit.name} — ngày {show(plan.as_of)}: "
        f"{plan.invitee_count} người, {len(plan.courses)} lớp",
    ]
    if not plan.courses:
        lines.append("Không có ai cần mời: mọi người giữ chức danh đều đã được tập huấn.")
    for n, course in enumerate(plan.courses, start=1):
        days = ", ".join(show(d) for d in course.days)
        lines += [
            "",
            f"Lớp {n}: {course.title}",
            f"  Địa điểm: {course.venue_unit.name} ({course.venue_unit.code}) · "
            f"{len(course.invitees)}/{course.capacity} học viên · Ngày học: {days} "
            "(07:30–11:30, 13:30–17:00)",
            f"  {'STT':>4}  {'Họ và tên':<30} {'Chức danh':<40} Đơn vị",
        ]
        for i, person in enumerate(course.invitees, start=1):
            lines.append(f"  {i:>4}  {person.full_name:<30} {person.role:<40} {person.unit}")
    return "\n".join(lines)
