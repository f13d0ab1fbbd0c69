"""The access policy in the REST API: one permission class, scoped related fields, and a
viewset mixin that answers 404 outside the user's units and 403 where a visible row may not be
changed."""

from typing import Any

from django.db.models import Model, QuerySet
from rest_framework import permissions, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.views import APIView

from access.policy import OUT_OF_SCOPE, Cap, holds, refusal
from access.scopes import visible, writable

SAFE = permissions.SAFE_METHODS


class Policy(permissions.BasePermission):
    """Signed-in users read (rows are scoped by the view); a change needs the view's
    `write_cap` somewhere (and the row itself must be writable, see Scoped)."""

    message = "Bạn không có quyền thực hiện việc này"

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not request.user.is_authenticated:
            return False
        if request.method in SAFE:
            return True
        cap: Cap | None = getattr(view, "write_cap", None)
        if cap is None or holds(request.user, cap):
            return True
        self.message = refusal(cap)
        return False


class Scoped:
    """Viewset mixin: `get_object` of a change (any unsafe method) also needs the row to be
    writable with `write_cap` — 404 when the user cannot see it, 403 when they can."""

    write_cap: Cap | None = None

    def get_object(self) -> Any:
        obj = super().get_object()  # type: ignore[misc]
        request: Request = self.request  # type: ignore[attr-defined]  # the viewset's
        if request.method not in SAFE:
            require_writable(request.user, obj, self.write_cap)
        return obj


def require_writable(user: Any, obj: Model, cap: Cap | None = None) -> None:
    """403 unless the user may change `obj` (the caller has already shown it is visible)."""
    if not writable(user, type(obj), cap).filter(pk=obj.pk).exists():
        raise PermissionDenied(OUT_OF_SCOPE)


class VisibleRelated(serializers.PrimaryKeyRelatedField):
    """A related row chosen by id among those the caller may see: an id outside the caller's
    units is answered like an id that does not exist."""

    default_error_messages = {
        "does_not_exist": "Không có mã «{pk_value}» trong phạm vi của bạn.",
        "incorrect_type": "Cần một mã số (id), không phải {data_type}.",
    }

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        rows = super().get_queryset()
        assert rows is not None, "a VisibleRelated field needs a queryset"
        # Without the request (a serializer made without context) nothing can be chosen.
        return rows.none() if request is None else visible(request.user, rows)


class ScopedModelSerializer(serializers.ModelSerializer):
    """Related rows of every model field are chosen among the caller's (VisibleRelated)."""

    serializer_related_field = VisibleRelated
