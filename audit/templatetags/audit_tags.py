from typing import Any

from django import template
from django.db.models import Model

from access.policy import can_read_ids
from audit.history import may_read, rows_for_page
from audit.registry import is_audited

register = template.Library()


@register.inclusion_tag("audit/_history.html", takes_context=True)
def audit_history(context: dict[str, Any], obj: Model) -> dict[str, Any]:
    """The audit entries of `obj` the signed-in user may read (IDs masked as everywhere)."""
    user = context["request"].user
    model = type(obj)
    if not (is_audited(model) and may_read(user, model, obj.pk)):
        return {"history": [], "refused": True}
    return {"history": rows_for_page(model, obj.pk, user)}


@register.filter
def reads_ids(user: Any) -> bool:
    return can_read_ids(user)
