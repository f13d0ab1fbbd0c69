"""Demo training data on the people demo: past courses (closed, with attendance, results and
records), historical records imported from a spreadsheet, and upcoming courses with
invitations and a waitlist. Coverage then shows partial figures (roughly 40–80%).

Deterministic (fixed seed), built through the training services, idempotent (skipped once
the first demo course exists).
"""

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import TextIO

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

import audit
from people.models import Organisation, Person, Position, Unit
from training import calendar
from training.models import Attendance, Course, Enrollment, Programme, Target
from training.services import (
    Recurrence,
    close_course,
    confirm,
    create_course,
    import_training_records,
    invite_many,
    record_attendance,
    schedule_sessions,
)

SEED = 3303
REFORM = date(2025, 7, 1)
MARKER = "Hội nghị tập huấn công tác xây dựng Đảng và kỹ năng dân vận — khóa 1/2024"
OLD_ORGANISER = "Ban Dân vận Tỉnh ủy Hà Giang"
NEW_ORGANISER = "Ban Tuyên giáo và Dân vận Tỉnh ủy Tuyên Quang"
VILLAGE_ROLES = [
    "party_cell_secretary", "village_cadre_in_charge", "front_committee_head",
    "mobilization_team_head",
]  # fmt: skip


@dataclass
class Plan:
    """One past programme run: who holds the roles, what share is trained, course size."""

    programme: str
    target: str
    roles: list[str]
    share: float
    held_on: date
    start: date
    per_course: int = 45


PAST = [
    Plan("xdd-kndv", "nq33-village", VILLAGE_ROLES, 0.55, date(2024, 3, 1), date(2024, 3, 12)),
    Plan("nv-mttq", "nq33-front", ["front_key_cadre", "mass_org_key_cadre"], 0.65,
         date(2024, 5, 1), date(2024, 5, 14)),
    Plan("dv-cq", "nq33-agency", ["mobilization_leader", "mobilization_adviser"], 0.8,
         date(2024, 4, 1), date(2024, 4, 9)),
    Plan("nv-ttnd", "nq33-boards", ["inspection_board_head", "inspection_board_member"], 0.7,
         date(2024, 9, 1), date(2024, 9, 10)),
    Plan("nv-gsdtcd", "nq33-boards", ["investment_board_head", "investment_board_member"], 0.5,
         date(2025, 10, 15), date(2025, 10, 21)),
    Plan("nv-ttnd", "nq33-boards", ["inspection_board_head", "inspection_board_member"], 0.4,
         date(2025, 10, 1), date(2025, 11, 4)),
]  # fmt: skip


def load(*, stdout: TextIO) -> None:
    if Course.objects.filter(title=MARKER).exists():
        stdout.write("Dữ liệu mẫu về lớp tập huấn đã có: bỏ qua.\n")
        return
    old = Organisation.objects.filter(name=OLD_ORGANISER).first()
    if old is None:
        stdout.write("Chưa có dữ liệu mẫu về người: bỏ qua dữ liệu mẫu tập huấn.\n")
        return
    new = Organisation.objects.filter(name=NEW_ORGANISER).first()
    rng = random.Random(SEED)
    with transaction.atomic():
        closed = sum(_past(rng, plan, old if plan.start < REFORM else new or old) for plan in PAST)
        imported = _history(rng)
        upcoming = _upcoming(rng, new or old)
    stdout.write(
        f"Dữ liệu mẫu tập huấn: {closed} lớp đã kết thúc, {imported} kết quả nhập từ tệp, "
        f"{upcoming} lớp sắp mở.\n"
    )


def holders(roles: Iterable[str], on: date) -> QuerySet[Person]:
    positions = Position.objects.active_on(on).filter(role__code__in=list(roles))
    return Person.objects.filter(pk__in=positions.values("person_id")).order_by("sort_key", "pk")


def _chunks(people: list[Person], size: int) -> list[list[Person]]:
    return [people[i : i + size] for i in range(0, len(people), size)]


def _past(rng: random.Random, plan: Plan, organiser: Organisation) -> int:
    """Courses for a share of the holders; a few invitees miss sessions and do not complete."""
    people = list(holders(plan.roles, plan.held_on))
    rng.shuffle(people)
    chosen = people[: round(len(people) * plan.share * 1.1)]  # ~10% will not complete
    programme = Programme.objects.get(code=plan.programme)
    target = Target.objects.current(plan.target, on=plan.held_on)
    start = plan.start
    for n, group in enumerate(_chunks(chosen, plan.per_course), start=1):
        title = _title(programme, n, start)
        course = create_course(
            programme=programme, title=title, organiser=organiser, capacity=plan.per_course,
            venue=_venue(rng), trainer=_trainer(rng), target=target,
            audience_units=[organiser.unit], status=Course.Status.OPEN,
        )  # fmt: skip
        made = schedule_sessions(
            course=course, recurrence=Recurrence(start=start, days=max(programme.days, 2))
        )
        enrollments = invite_many(course=course, people=group)
        _attend(rng, made.sessions, enrollments)
        close_course(course=course, by=None)
        start = calendar.working_days(start + timedelta(days=14), 1)[0]
    return len(_chunks(chosen, plan.per_course))


def _title(programme: Programme, n: int, start: date) -> str:
    if programme.code == "xdd-kndv" and n == 1 and start.year == 2024:
        return MARKER
    subject = programme.title[:1].lower() + programme.title[1:]
    return f"{programme.get_kind_display()} {subject} — khóa {n}/{start.year}"


def _venue(rng: random.Random) -> str:
    return rng.choice(
        ["Hội trường Huyện ủy Quản Bạ", "Hội trường Huyện ủy Bắc Mê", "Trường Chính trị tỉnh"]
    )


def _trainer(rng: random.Random) -> str:
    return rng.choice(["Đ/c Nguyễn Thị Thu Hà", "Đ/c Nông Văn Hùng", "Đ/c Triệu Văn Phin"])


def _attend(rng: random.Random, sessions: list, enrollments: list[Enrollment]) -> None:  # type: ignore[type-arg]
    """Most invitees attend; about one in ten is absent from most sessions."""
    truant = {e.pk for e in enrollments if rng.random() < 0.1}
    for session in sessions:
        marks = {}
        for e in enrollments:
            if e.pk in truant:
                marks[e.pk] = rng.choice([Attendance.Status.ABSENT, Attendance.Status.EXCUSED])
            else:
                marks[e.pk] = (
                    Attendance.Status.LATE if rng.random() < 0.08 else Attendance.Status.PRESENT
                )
        record_attendance(session=session, marks=marks)


def _history(rng: random.Random) -> int:
    """Records of a 2022 course kept on paper, brought in through the spreadsheet import."""
    people = list(holders(VILLAGE_ROLES, date(2022, 10, 1)).exclude(citizen_id=None))
    rng.shuffle(people)
    lines = ["Số CCCD;Mã chương trình;Ngày hoàn thành;Đơn vị tổ chức;Số giấy chứng nhận;Ghi chú"]
    for n, person in enumerate(people[:25], start=1):
        lines.append(
            f"{person.citizen_id};xdd-kndv;14/10/2022;{OLD_ORGANISER};{n}-GCN/BDV;Sổ lưu năm 2022"
        )
    result = import_training_records("\n".join(lines).encode(), filename="lich-su-2022.csv")
    return result.created


def _upcoming(rng: random.Random, organiser: Organisation) -> int:
    """Two open courses next month for untrained village cadres (the second is full), and a
    draft after them whose invitations are not sent yet: «Xác nhận lớp & gửi giấy mời» on its
    page e-mails the few who have an address and prints the rest. A third of the invitees
    have an e-mail address (demo addresses at example.vn)."""
    today = timezone.localdate()
    programme = Programme.objects.get(code="xdd-kndv")
    target = Target.objects.current("nq33-village", on=today)
    trained = Person.objects.filter(training_records__programme=programme).values("pk")
    communes = Unit.objects.filter(pk=organiser.unit_id)
    waiting = list(holders(VILLAGE_ROLES, today).exclude(pk__in=trained)[:90])
    for person in waiting[::3]:
        audit.update(Person.objects.filter(pk=person.pk), email=f"hocvien{person.pk}@example.vn")
    made = 0
    plans = [(waiting[:30], 40, Course.Status.OPEN), (waiting[30:70], 30, Course.Status.OPEN),
             (waiting[70:90], 30, Course.Status.DRAFT)]  # fmt: skip
    for n, (group, capacity, status) in enumerate(plans, start=1):
        start = calendar.working_days(today + timedelta(days=7 * n + 7), 1)[0]
        course = create_course(
            programme=programme, target=target, organiser=organiser, capacity=capacity,
            title=f"Lớp bồi dưỡng kỹ năng dân vận cho cán bộ thôn — khóa {n}/{start.year}",
            venue="Hội trường Đảng ủy xã", trainer=_trainer(rng), audience_units=list(communes),
            status=status, registration_deadline=start - timedelta(days=3),
            invitation_number=f"{40 + n}-GM/BTC", signer_title="Trưởng ban tổ chức",
            signer_name="Hoàng Văn Sính",
        )  # fmt: skip
        schedule_sessions(
            course=course,
            recurrence=Recurrence(start=start, days=3, starts=time(7, 30), ends=time(16, 30)),
        )
        for e in invite_many(course=course, people=group):
            if (
                status == Course.Status.OPEN
                and e.status == Enrollment.Status.INVITED
                and rng.random() < 0.5
            ):
                confirm(enrollment=e)
        made += 1
    return made
