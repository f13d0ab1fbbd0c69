"""Template context shared by every page."""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label): an entry shows once its area has the page.
NAVIGATION = [
    ("home", _("Trang chủ")),
    ("coverage:dashboard", _("Tỷ lệ tập huấn")),
    ("people:roster", _("Danh bạ")),
    ("people:import", _("Nhập danh sách")),
    ("training:course_list", _("Lớp tập huấn")),
    ("training:calendar", _("Lịch")),
    ("certificates:list", _("Giấy chứng nhận")),
    ("api-docs", _("API")),
]


def navigation(request: HttpRequest) -> dict[str, list[dict[str, str]]]:
    if not request.user.is_authenticated:
        return {"nav": []}
    items = []
    for name, label in NAVIGATION:
        try:
            items.append({"url": reverse(name), "label": str(label)})
        except NoReverseMatch:
            continue
    return {"nav": items}
