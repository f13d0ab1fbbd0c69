"""Refusals of coverage reports."""

from config.errors import DomainError


class CoverageError(DomainError):
    """A coverage operation refused, with a message fit for a user (in Vietnamese)."""

    code = "coverage"

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or [message]


class UnknownTarget(CoverageError):
    """No target of this code (on that date)."""

    not_found = True
