"""Refusals of the audit trail and of erasure."""

from config.errors import DomainError


class HistoryError(DomainError, ValueError):
    """A malformed `object` parameter (400)."""

    code = "audit"


class ErasureError(DomainError):
    """An erasure refused; the message is for the user (Vietnamese)."""

    code = "erasure"
