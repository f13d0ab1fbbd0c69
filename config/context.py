"""Template context shared by every page."""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from access.policy import Cap, capabilities

# (url name, label, capability needed — None: everyone signed in): an entry shows once its area
# has the page and the user holds the capability (access.policy), so nobody is sent to a refusal.
NAVIGATION = [
    ("home", _("Trang chủ"), None),
    ("coverage:dashboard", _("Tỷ lệ tập huấn"), Cap.COVERAGE_READ),
    ("people:roster", _("Danh bạ"), Cap.REGISTRY_READ),
    ("people:import", _("Nhập danh sách"), Cap.REGISTRY_WRITE),
    ("training:course_list", _("Lớp tập huấn"), None),
    ("planning:plan", _("Lập kế hoạch"), Cap.TRAINING_WRITE),
    ("training:calendar", _("Lịch"), None),
    ("certificates:list", _("Giấy chứng nhận"), Cap.CERTIFICATES_READ),
    ("certificates:mine", _("Giấy chứng nhận của tôi"), Cap.SELF_READ),
    ("audit:batches", _("Lô nhập liệu"), Cap.AUDIT_READ),
    ("api-docs", _("API"), Cap.REGISTRY_READ),
]


def navigation(request: HttpRequest) -> dict[str, list[dict[str, str]]]:
    if not request.user.is_authenticated:
        return {"nav": []}
    held = capabilities(request.user)
    items = []
    for name, label, needed in NAVIGATION:
        if needed is not None and needed not in held:
            continue
        try:
            items.append({"url": reverse(name), "label": str(label)})
        except NoReverseMatch:
            continue
    return {"nav": items}
