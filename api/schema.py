"""Adjustments of the OpenAPI schema (drf-spectacular hooks)."""

from typing import Any


def drop_slash_duplicates(endpoints: list[tuple], **kwargs: Any) -> list[tuple]:
    """A path served both as `.../calendar.ics` (the file name calendar apps expect, the one
    documented) and as the router's `.../calendar.ics/` is described once, without the slash:
    two operations with one operationId make drf-spectacular warn on every `check --deploy`."""
    paths = {endpoint[0] for endpoint in endpoints}
    return [e for e in endpoints if not (e[0].endswith("/") and e[0][:-1] in paths)]
