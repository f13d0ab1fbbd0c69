"""The secret calendar feed (no login: the token is the key) and the page actions that renew
or revoke it. Errors on the feed are plain Vietnamese text: calendar apps show them as is."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from training import feeds

UNKNOWN_FEED = (
    "Không tìm thấy lịch này: đường dẫn sai, đã bị thu hồi hoặc đã được thay bằng đường dẫn "
    "mới. Mở trang «Lịch» trên Taphuan để lấy đường dẫn hiện hành."
)


def plain_text(body: str, status: int) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt  # it changes nothing; a POST gets a plain-text 405, not the CSRF page
def feed(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        refused = plain_text("Lịch chỉ đọc được (GET), không gửi dữ liệu lên được.", 405)
        refused["Allow"] = "GET, HEAD"
        return refused
    found = feeds.feed_by_token(token)
    if found is None:
        return plain_text(UNKNOWN_FEED, 404)
    response = HttpResponse(feeds.feed_calendar(found), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lich-tap-huan.ics"'
    # Personal: no shared cache keeps it, and the address is not sent on as a referrer.
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_POST
def feed_renew(request: HttpRequest) -> HttpResponse:
    had = feeds.active_feed(request.user) is not None
    feeds.renew_feed(user=request.user)
    if had:
        messages.success(request, "Đã tạo đường dẫn lịch mới; đường dẫn cũ không còn dùng được.")
    else:
        messages.success(request, "Đã tạo đường dẫn lịch riêng của bạn.")
    return redirect("training:calendar")


@login_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    if feeds.revoke_feed(user=request.user):
        messages.success(
            request, "Đã thu hồi đường dẫn lịch; các ứng dụng lịch sẽ không cập nhật nữa."
        )
    else:
        messages.info(request, "Bạn chưa có đường dẫn lịch nào đang dùng.")
    return redirect("training:calendar")
