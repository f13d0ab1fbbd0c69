"""Refusals of backup and restore."""

from config.errors import DomainError


class BackupError(DomainError):
    """A backup or restore refused or failed, with a Vietnamese message for the operator."""

    code = "backup"
