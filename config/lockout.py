"""Login throttling with django-axes: the backend, the client's address, the answer when locked.

Every surface that takes a password over the network (the login page, the admin login, HTTP
Basic on the API) calls `authenticate(request, ...)`; axes counts the failures per username
and per address in the database and refuses a locked-out login before the password is tried.
"""

import ipaddress
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def cooloff_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def locked_message() -> str:
    return (
        f"Tài khoản tạm thời bị khóa vì đăng nhập sai quá {settings.AXES_FAILURE_LIMIT} lần. "
        f"Vui lòng thử lại sau {cooloff_minutes()} phút, hoặc nhờ quản trị viên mở khóa."
    )


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a login that axes has locked out; authenticates nobody itself.

    An `authenticate()` without a request comes from our own code (a shell, the test client's
    `login()`), never from the network: there is no address to count and no one to answer,
    so it is let through to the next backend instead of raising as axes does."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: behind our TLS proxy, the one the proxy appended last to
    X-Forwarded-For (earlier entries are whatever the client sent, so not trusted). Something
    that is not an address falls back to the connection's (it is stored in inet columns)."""
    if settings.BEHIND_TLS_PROXY:
        last = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """429 with a Vietnamese page (JSON `detail` on the API)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": locked_message()}, status=429)
    return render(
        request,
        "registration/locked_out.html",
        {"message": locked_message(), "minutes": cooloff_minutes()},
        status=429,
    )
