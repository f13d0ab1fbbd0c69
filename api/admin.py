"""API tokens in the admin: listed, created and revoked by superusers only."""

from django.contrib import admin
from django.http import HttpRequest
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from access.policy import is_unrestricted


class SuperuserTokenAdmin(TokenAdmin):
    """A token is a password for an integration: only superusers see or change them."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_unrestricted(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_unrestricted(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_unrestricted(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_unrestricted(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_unrestricted(request.user)


admin.site.unregister(TokenProxy)
admin.site.register(TokenProxy, SuperuserTokenAdmin)
