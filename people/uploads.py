"""Files kept between an import's preview and its confirmation (people.PendingUpload).

In the database, not in a shared temporary folder: a token reads its file only for the user who
uploaded it, and the file is gone once confirmed, cancelled or older than
settings.PENDING_UPLOAD_HOURS (expired files are removed on each upload and by
`manage.py purge_uploads`)."""

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from access.policy import Cap
from access.scopes import register
from people.models import PendingUpload


def _own(rows: QuerySet, user: Any, cap: Cap) -> QuerySet:
    """A kept file is its uploader's alone (whatever their units)."""
    return rows.filter(owner_id=user.pk)


register(PendingUpload, ((Cap.REGISTRY_WRITE, _own), (Cap.REGISTRY_WRITE, _own)))


def _cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(hours=settings.PENDING_UPLOAD_HOURS)


def purge_expired_uploads(*, now: datetime | None = None) -> int:
    """Remove every kept file older than the expiry; how many were removed."""
    deleted, _ = PendingUpload.objects.filter(created_at__lt=_cutoff(now)).delete()
    return deleted


def keep_upload(*, owner: Any, kind: str, filename: str, content: bytes) -> str:
    """Keep `content` for `owner` (replacing their earlier file of this kind); its token."""
    purge_expired_uploads()
    PendingUpload.objects.filter(owner=owner, kind=kind).delete()
    token = secrets.token_urlsafe(32)
    PendingUpload.objects.create(
        owner=owner, kind=kind, token=token, filename=filename[:255], content=content
    )
    return token


def kept_upload(*, owner: Any, kind: str, token: str) -> tuple[bytes, str] | None:
    """(content, file name) kept under `token` for `owner`, unless expired or someone else's."""
    if not token or not getattr(owner, "pk", None):
        return None
    found = PendingUpload.objects.filter(
        owner=owner, kind=kind, token=token, created_at__gte=_cutoff()
    ).first()
    return (bytes(found.content), found.filename) if found else None


def forget_upload(*, owner: Any, token: str) -> None:
    """Remove the file kept under `token` for `owner` (confirmed or cancelled)."""
    if token and getattr(owner, "pk", None):
        PendingUpload.objects.filter(owner=owner, token=token).delete()
