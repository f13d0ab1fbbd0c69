"""Request middleware of our own."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from access.policy import ROLES_MEMO


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose English with the VI/EN button (the language cookie).

    Django's own middleware follows the browser's Accept-Language, which gave an English page
    shell to clerks whose browser happens to be set to English."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequestRolesMiddleware:
    """Lets `access.policy.roles_of` keep the signed-in user's grant roles for this request
    only: a fresh, empty memo on every request, so a change of grants shows on the next one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            setattr(user, ROLES_MEMO, None)
        return self.get_response(request)


NUL = "\x00"


class RejectNulMiddleware:
    """A NUL character in the path or in a query parameter's name or value is a 400: no
    database accepts it in text (PostgreSQL raises), so it would otherwise end in a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or any(
            NUL in name or any(NUL in value for value in values)
            for name, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "Yêu cầu không hợp lệ: địa chỉ chứa ký tự NUL (\\x00).",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


# What is worth compressing: text of every kind. Images, PDFs, zips and .xlsx files are
# compressed already; compressing them again costs CPU for nothing.
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip of answers, for text only (pages, JSON, CSV, calendar feeds, SVG).

    Weak mountain connections pay per byte: a list page of 100 KB goes as about 12 KB."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
