"""Admin lists limited to the user's units, for every app's ModelAdmin."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest

from people.access import is_unrestricted, visible_unit_ids


class ScopedAdminMixin:
    """Non-superusers see only rows inside the subtrees of their granted units. By default the
    model's queryset has `visible_to(user)`; set `scope_unit_field` for models that only carry a
    unit, or override `scope`."""

    scope_unit_field = ""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        return queryset if is_unrestricted(request.user) else self.scope(queryset, request.user)

    def scope(self, queryset: QuerySet, user: AbstractBaseUser | AnonymousUser) -> QuerySet:
        if self.scope_unit_field:
            lookup: dict[str, Any] = {f"{self.scope_unit_field}__in": visible_unit_ids(user)}
            return queryset.filter(**lookup)
        return queryset.visible_to(user)  # type: ignore[attr-defined]
