"""Request middleware of our own."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
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
