"""Management commands are audited as `command <name> (<operator>)`."""

import getpass
from functools import wraps
from typing import Any

from django.core.management.base import BaseCommand

from audit.contexts import Source, context


def _operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without a passwd entry)
        return "?"


def audit_commands() -> None:
    """Every management command (ours and Django's: loaddata, createsuperuser...) runs inside a
    context naming the command and the operator's OS account. Wrapped once, here, rather than
    in each command, so that no command can write unattributed."""
    if getattr(BaseCommand.execute, "_audited", False):
        return
    execute = BaseCommand.execute

    @wraps(execute)
    def audited(self: BaseCommand, *args: Any, **options: Any) -> Any:
        name = type(self).__module__.rsplit(".", 1)[-1]
        with context(source=Source.COMMAND, command=name, operator=_operator(), request=None):
            return execute(self, *args, **options)

    audited._audited = True  # type: ignore[attr-defined]
    BaseCommand.execute = audited  # type: ignore[method-assign]
