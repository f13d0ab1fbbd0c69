from django.contrib import admin
from django.http import HttpRequest

from access.admin import InlinePolicy, PolicyAdmin
from certificates.models import (
    Certificate,
    Issuer,
    IssuerName,
    Layout,
    NumberCounter,
    Verification,
)


class IssuerNameInline(InlinePolicy, admin.TabularInline):
    model = IssuerName
    extra = 1


@admin.register(Issuer)
class IssuerAdmin(PolicyAdmin):
    list_display = ["code", "__str__", "kind", "number_suffix", "place_name", "is_default"]
    list_filter = ["kind", "is_default"]
    search_fields = ["code", "names__name"]
    autocomplete_fields = ["organisation"]
    inlines = [IssuerNameInline]


@admin.register(Layout)
class LayoutAdmin(PolicyAdmin):
    list_display = ["name"]


@admin.register(NumberCounter)
class NumberCounterAdmin(PolicyAdmin):
    """Counters are only moved by issuing; shown for checking, never edited by hand."""

    list_display = ["issuer", "year", "last_number"]
    list_filter = ["year"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(PolicyAdmin):
    """Issued certificates are snapshots: read-only here, never deleted. Issue, revoke and
    reissue from the «Giấy chứng nhận» pages or the API."""

    list_display = ["number", "year", "holder_name", "programme_title", "issued_on", "status"]
    list_filter = ["status", "issuer", "year"]
    search_fields = ["number", "code", "holder_name"]
    list_select_related = ["issuer"]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [field.name for field in Certificate._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Verification)
class VerificationAdmin(PolicyAdmin):
    list_display = ["at", "code", "found", "channel", "ip"]
    list_filter = ["found", "channel"]
    search_fields = ["code", "ip"]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [field.name for field in Verification._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
