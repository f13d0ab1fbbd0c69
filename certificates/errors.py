"""Refusals of certificates."""

from config.errors import DomainError


class CertificateError(DomainError):
    """A certificate operation that cannot be done, with a message fit for the user."""

    code = "certificates"
