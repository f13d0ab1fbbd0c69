"""The routers of the API: object ids in addresses are whole numbers, so `/courses/-3/` or
`/courses/abc/calendar.ics` match no route and answer 404 (no redirect to a slash variant)."""

from rest_framework import routers


class IdRouter(routers.SimpleRouter):
    def get_lookup_regex(self, viewset: type, lookup_prefix: str = "") -> str:
        if not getattr(viewset, "lookup_value_regex", None):
            viewset.lookup_value_regex = "[0-9]+"  # type: ignore[attr-defined]
        return super().get_lookup_regex(viewset, lookup_prefix)


class IdDefaultRouter(routers.DefaultRouter, IdRouter):
    """With the API root view (`/api/v1/`)."""
