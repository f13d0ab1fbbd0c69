"""Refusals of training."""

from config.errors import DomainError


class TrainingError(DomainError):
    """A training operation was refused; the message is for the user (Vietnamese)."""

    code = "training"
