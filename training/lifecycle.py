"""A course's life-cycle as its page shows it: the stage it is at (draft → inviting → running →
closed) and the one next action, a button.

The stages are the course's status; the actions are training.services.confirm_course (draft →
inviting, with the giấy mời e-mailed or printed), start_course (→ running, to attendance) and
close_course (→ closed: results, records and certificates).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from training.models import Course

S = Course.Status
# (status, label) in order; a cancelled course is off the line.
STAGES = [
    (S.DRAFT, _("Dự thảo")),
    (S.OPEN, _("Đang mời")),
    (S.RUNNING, _("Đang diễn ra")),
    (S.COMPLETED, _("Đã kết thúc")),
]


@dataclass(frozen=True)
class Stage:
    label: str
    state: str  # "done", "current" or "todo"


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    help: str


def stages(course: Course) -> list[Stage]:
    """The line of stages with the course's own marked; none for a cancelled course."""
    if course.status == S.CANCELLED:
        return []
    at = [str(status) for status, _label in STAGES].index(course.status)
    return [
        Stage(str(label), "done" if i < at else "current" if i == at else "todo")
        for i, (_status, label) in enumerate(STAGES)
    ]


def next_action(course: Course) -> Action | None:
    """The one thing to do next, for those who may change the course."""
    if course.status == S.DRAFT:
        return Action(
            str(_("Xác nhận lớp & gửi giấy mời")),
            reverse("training:confirm_course", args=[course.pk]),
            str(
                _(
                    "Gửi giấy mời qua thư điện tử cho người có địa chỉ; "
                    "in giấy mời cho những người còn lại."
                )
            ),
        )
    if course.status == S.OPEN:
        return Action(
            str(_("Bắt đầu điểm danh")),
            reverse("training:start_course", args=[course.pk]),
            str(_("Lớp chuyển sang «Đang diễn ra» và mở trang điểm danh của buổi hôm nay.")),
        )
    if course.status == S.RUNNING:
        return Action(
            str(_("Kết thúc lớp & cấp giấy chứng nhận")),
            reverse("training:close_course", args=[course.pk]),
            str(
                _(
                    "Tính kết quả theo quy định của chương trình, ghi hồ sơ tập huấn "
                    "và cấp giấy chứng nhận cho người đạt."
                )
            ),
        )
    return None
