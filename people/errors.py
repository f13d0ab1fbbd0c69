"""Refusals of the registry."""

from config.errors import DomainError


class PeopleError(DomainError):
    """A registry change refused; the message is fit for a user (Vietnamese)."""

    code = "registry"
