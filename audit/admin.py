"""Admin: import batches and erasures (read only, scoped), the erasure action on people, and
django-auditlog's entry list kept for superusers (it shows raw values, IDs included)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html

from access.policy import Cap
from access.scopes import visible, writable
from audit.erasure import ErasureError, erase_person
from audit.models import Erasure, ImportBatch

# auditlog's own list of every entry, unmasked, stays for superusers only: like every admin
# registered without the policy, access.admin.lock_other_admins locks it at start. Others read
# history on each object's page.


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnly):
    list_display = ["at", "kind", "file_name", "operator", "rows_read", "rows_created", "download"]
    list_filter = ["kind", "source"]
    search_fields = ["file_name", "sha256", "operator"]
    exclude = ["content", "units"]
    readonly_fields = ["download"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return visible(request.user, ImportBatch).defer("content")

    @admin.display(description="tệp gốc")
    def download(self, obj: ImportBatch) -> str:
        return format_html('<a href="{}">tải lại</a>', reverse("audit:batch", args=[obj.pk]))


@admin.register(Erasure)
class ErasureAdmin(ReadOnly):
    list_display = ["at", "person", "operator", "source", "reason"]
    list_select_related = ["person"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return visible(request.user, Erasure)


class ErasureActionForm(forms.Form):
    reason = forms.CharField(label="Lý do (số, ngày của đơn yêu cầu)", widget=forms.Textarea)
    confirm = forms.BooleanField(label="Tôi xác nhận xoá vĩnh viễn dữ liệu cá nhân nêu trên")


@admin.action(description="Xoá dữ liệu cá nhân theo yêu cầu")
def erase_people(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    """Asks for the reason and a confirmation, then erases each chosen person."""
    allowed = writable(request.user, queryset, Cap.PEOPLE_ERASE)
    people = list(allowed.order_by("pk"))
    if len(people) != queryset.count():
        modeladmin.message_user(
            request, "Chỉ quản trị viên được xoá dữ liệu cá nhân", messages.ERROR
        )
        return None
    form = ErasureActionForm(request.POST if "reason" in request.POST else None)
    if form.is_valid():
        _erase_all(modeladmin, request, people, form.cleaned_data["reason"])
        return None
    context = {**modeladmin.admin_site.each_context(request), "people": people, "form": form,
               "opts": modeladmin.model._meta, "action": "erase_people"}  # fmt: skip
    return render(request, "audit/admin_erase.html", context)


def _erase_all(
    modeladmin: admin.ModelAdmin, request: HttpRequest, people: list[Any], reason: str
) -> None:
    done = 0
    for person in people:
        try:
            erase_person(person=person, reason=reason, by=request.user)
            done += 1
        except ErasureError as e:
            modeladmin.message_user(request, f"#{person.pk}: {e}", messages.WARNING)
    modeladmin.message_user(request, f"Đã xoá dữ liệu cá nhân của {done} người.")
