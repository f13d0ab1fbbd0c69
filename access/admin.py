"""The admin asks the access policy too: one base class for every ModelAdmin of the project,
and every other registered admin (users, groups, libraries') is for superusers only."""

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.db import router
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from access.policy import Cap, holds, is_unrestricted
from access.scopes import RULES, read_capability, visible, writable, write_capability

OUTSIDE = "dữ liệu ngoài phạm vi của bạn"


class PolicyAdmin(admin.ModelAdmin):
    """Lists hold the rows the user may see (access.scopes.visible); a row opens for change
    and deletion only when the user may change it (writable); adding needs the model's write
    capability; every choice of a related row is limited to the rows the user may use, and a
    deletion that would reach rows outside the user's units is refused without naming them.
    Django's per-model permissions are not consulted: the policy is the one source."""

    def _read_cap(self) -> Cap:
        return read_capability(self.model)

    def _write_cap(self) -> Cap:
        return write_capability(self.model)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return visible(request.user, super().get_queryset(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_authenticated and (
            is_unrestricted(request.user) or holds(request.user, self._read_cap())
        )

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not self.has_module_permission(request):
            return False
        return obj is None or visible(request.user, self.model).filter(pk=obj.pk).exists()

    def _may_write(self, request: HttpRequest, obj: Model | None) -> bool:
        if not holds(request.user, self._write_cap()):
            return False
        return obj is None or writable(request.user, self.model).filter(pk=obj.pk).exists()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return holds(request.user, self._write_cap())

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_write(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_write(request, obj)

    def _choices(self, request: HttpRequest, model: type[Model], queryset: QuerySet) -> QuerySet:
        """Related rows offered in a form: those the user may use with this model's write
        capability (a clerk appoints only people and organisations of their units)."""
        if model not in RULES:
            return queryset if is_unrestricted(request.user) else queryset.none()
        return writable(request.user, queryset, self._write_cap())

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        related = db_field.related_model
        base = kwargs.get("queryset", related._default_manager.all())
        kwargs["queryset"] = self._choices(request, related, base)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        related = db_field.related_model
        base = kwargs.get("queryset", related._default_manager.all())
        kwargs["queryset"] = self._choices(request, related, base)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, Any, Any]:
        found = super().get_deleted_objects(objs, request)
        if is_unrestricted(request.user) or not self._reaches_outside(objs, request):
            return found
        # Refused, and only the chosen rows are named: never what lies outside the scope.
        return [str(obj) for obj in objs], {}, {OUTSIDE}, []

    def _reaches_outside(self, objs: Any, request: HttpRequest) -> bool:
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(list(objs))
        reached: dict[type[Model], set[Any]] = {}
        for model, rows in collector.model_objs.items():
            reached.setdefault(cast(type[Model], model), set()).update(r.pk for r in rows)
        for row in collector.protected:
            reached.setdefault(type(row), set()).add(row.pk)
        for kind, pks in reached.items():
            if kind not in RULES:
                continue
            seen = visible(request.user, kind).filter(pk__in=pks).count()
            if seen != len(pks):
                return True
        return False


class InlinePolicy:
    """Inlines of a PolicyAdmin: rows and choices follow the parent's policy."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return visible(request.user, super().get_queryset(request))  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        if related in RULES:
            base = kwargs.get("queryset", related._default_manager.all())
            kwargs["queryset"] = writable(request.user, base, write_capability(self.model))  # type: ignore[attr-defined]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class SuperusersOnly:
    """Admin pages that no grant opens (accounts, groups, third-party tables)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_unrestricted(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_unrestricted(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_unrestricted(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_unrestricted(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_unrestricted(request.user)


def lock_other_admins(site: admin.AdminSite) -> None:
    """Every admin registered without the policy becomes superusers-only (run once at start)."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, PolicyAdmin | SuperusersOnly):
            continue
        locked = type(
            f"Locked{type(model_admin).__name__}", (SuperusersOnly, type(model_admin)), {}
        )
        site.unregister(model)
        site.register(model, locked)
