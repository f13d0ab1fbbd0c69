"""Who is changing the registry, and from where: one context per request, command or import.

The middleware opens one for every request (source `page`, `api` or `admin`), every management
command runs inside one (source `command`, with the command's name and the operator's OS
account), and an import opens one for its batch (source `import`). Audit entries, those written
by django-auditlog's signals and those written in bulk by `audit.record`, take their actor,
source and correlation id from the innermost context."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any


class Source:
    PAGE = "page"
    API = "api"
    ADMIN = "admin"
    IMPORT = "import"
    COMMAND = "command"
    # A background job (jobs.Job) run by the worker for the user who started it.
    JOB = "job"
    # Code run outside any request or command (a test, the Django shell of a script).
    SYSTEM = "system"

    LABELS = {
        PAGE: "Trang web",
        API: "API",
        ADMIN: "Trang quản trị",
        IMPORT: "Nhập từ tệp",
        COMMAND: "Lệnh quản trị",
        JOB: "Công việc chạy nền",
        SYSTEM: "Hệ thống",
    }


def _new_cid() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Context:
    source: str = Source.SYSTEM
    user: Any = None
    # DRF authenticates in the view, after the middleware ran: the actor is read from the
    # request when an entry is written, not when the context opens.
    request: Any = None
    command: str = ""
    operator: str = ""
    batch: Any = None
    remote_addr: str | None = None
    path: str = ""
    cid: str = field(default_factory=_new_cid)

    @property
    def actor(self) -> Any:
        user = self.user
        if user is None and self.request is not None:
            user = getattr(self.request, "user", None)
        return user if getattr(user, "is_authenticated", False) else None

    @property
    def correlation_id(self) -> str:
        return self.batch.cid if self.batch is not None else self.cid

    @property
    def who(self) -> str:
        """The username, or `command import_roster (root)`; empty when nobody is known."""
        actor = self.actor
        if actor is not None:
            return str(actor.get_username())
        return command_label(self.command, self.operator) if self.command else ""

    def extra(self) -> dict[str, Any]:
        """What goes into an entry's `additional_data`."""
        data: dict[str, Any] = {"source": self.source}
        for key in ("command", "operator", "path"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.batch is not None:
            data["batch"] = self.batch.pk
        actor = self.actor
        if actor is not None:  # kept even if the account is deleted later
            data["username"] = actor.get_username()
        return data


def command_label(command: str, operator: str) -> str:
    return f"command {command} ({operator})"


_current: ContextVar[Context | None] = ContextVar("taphuan_audit_context", default=None)


def current() -> Context:
    return _current.get() or Context(cid="system")


def current_cid() -> str:
    """AUDITLOG_CID_GETTER: entries of one batch, request or command share one id."""
    return current().correlation_id


@contextmanager
def context(**values: Any) -> Iterator[Context]:
    """Open a context inside the current one; what is not given is inherited (an import run by
    a command keeps the command and its operator and adds its batch)."""
    if "source" in values and "cid" not in values and values["source"] != Source.IMPORT:
        values["cid"] = _new_cid()
    opened = replace(current(), **values)
    token = _current.set(opened)
    try:
        yield opened
    finally:
        _current.reset(token)
