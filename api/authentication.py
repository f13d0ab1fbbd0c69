"""How API clients prove who they are: tokens for integrations, HTTP Basic only over HTTPS."""

from django.conf import settings
from drf_spectacular.authentication import BasicScheme, TokenScheme
from rest_framework import exceptions, status
from rest_framework.authentication import (
    BasicAuthentication,
    TokenAuthentication,
    get_authorization_header,
)
from rest_framework.request import Request

from config.lockout import locked_message

PLAIN_HTTP = (
    "Không dùng được đăng nhập HTTP Basic qua kết nối không mã hóa (http://): mật khẩu sẽ lộ "
    "trên đường truyền. Hãy gọi địa chỉ https://, hoặc dùng token (Authorization: Token …)."
)

BAD_TOKEN = "Token không hợp lệ hoặc đã bị thu hồi (hoặc tài khoản của token đã bị khóa)."


class LockedOut(exceptions.APIException):
    """Too many failed logins for this username or from this address (django-axes)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's token (`Authorization: Token <key>`), refusing a bad key in Vietnamese."""

    def authenticate_credentials(self, key):  # type: ignore[no-untyped-def]
        try:
            return super().authenticate_credentials(key)
        except exceptions.AuthenticationFailed:
            raise exceptions.AuthenticationFailed(BAD_TOKEN) from None


class HttpsBasicAuthentication(BasicAuthentication):
    """DRF's HTTP Basic, refused over plain HTTP when `BASIC_AUTH_HTTPS_ONLY` (production),
    and answering 429 when the login is locked out."""

    def authenticate(self, request: Request):  # type: ignore[no-untyped-def]
        scheme = get_authorization_header(request).split()[:1]
        if scheme and scheme[0].lower() == b"basic" and not request.is_secure():
            if settings.BASIC_AUTH_HTTPS_ONLY:
                raise exceptions.AuthenticationFailed(PLAIN_HTTP)
        return super().authenticate(request)

    def authenticate_credentials(self, userid, password, request=None):  # type: ignore[no-untyped-def]
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            # django-axes marks the request it refused, or the failure that locked it out.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut(locked_message()) from None
            raise


class HttpsBasicScheme(BasicScheme):
    """The OpenAPI description of `HttpsBasicAuthentication`: plain HTTP Basic."""

    target_class = "api.authentication.HttpsBasicAuthentication"


class ApiTokenScheme(TokenScheme):
    """The OpenAPI description of `ApiTokenAuthentication`: DRF's token."""

    target_class = "api.authentication.ApiTokenAuthentication"
