"""Refusals of grants."""

from config.errors import DomainError


class AccessError(DomainError):
    """A grant refused, with a message fit for a user (in Vietnamese)."""

    code = "access"
