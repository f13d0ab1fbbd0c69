"""Template context shared by every page."""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from people.access import roles_of

EVERYONE: tuple[str, ...] = ()
# (url name, label, roles that may use the page — empty: everyone signed in): an entry shows once
# its area has the page and the user holds one of its roles, so nobody is sent to a refusal.
NAVIGATION = [
    ("home", _("Trang chủ"), EVERYONE),
    ("coverage:dashboard", _("Tỷ lệ tập huấn"), EVERYONE),
    ("people:roster", _("Danh bạ"), EVERYONE),
    ("people:import", _("Nhập danh sách"), ("administrator", "clerk")),
    ("training:course_list", _("Lớp tập huấn"), EVERYONE),
    ("planning:plan", _("Lập kế hoạch"), ("administrator", "organiser")),
    ("training:calendar", _("Lịch"), EVERYONE),
    ("certificates:list", _("Giấy chứng nhận"), EVERYONE),
    ("audit:batches", _("Lô nhập liệu"), ("administrator", "commission", "organiser", "clerk")),
    ("api-docs", _("API"), EVERYONE),
]


def navigation(request: HttpRequest) -> dict[str, list[dict[str, str]]]:
    if not request.user.is_authenticated:
        return {"nav": []}
    roles = roles_of(request.user)
    items = []
    for name, label, allowed in NAVIGATION:
        if allowed and not roles & set(allowed):
            continue
        try:
            items.append({"url": reverse(name), "label": str(label)})
        except NoReverseMatch:
            continue
    return {"nav": items}
