"""A job's life: queued → running (progress) → done or failed. Each step is one cheap UPDATE."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job

logger = logging.getLogger(__name__)


def files_root() -> Path:
    """Produced files live under MEDIA_ROOT/jobs and are only served by the job's page."""
    return Path(settings.MEDIA_ROOT) / "jobs"


def create_job(*, kind: str, owner_id: int, course_id: int | None = None) -> Job:
    return Job.objects.create(kind=kind, owner_id=owner_id, course_id=course_id)


def start(*, job_id: int, total: int) -> None:
    Job.objects.filter(pk=job_id).update(state=Job.State.RUNNING, total=total, done=0)


def progress(*, job_id: int, done: int, total: int, message: str = "") -> None:
    """How far the job got (`total` 0 while unknown); `message` says what it is doing."""
    fields: dict[str, object] = {"done": done, "total": total}
    if message:
        fields["message"] = message
    Job.objects.filter(pk=job_id).update(**fields)


def finish(
    *,
    job_id: int,
    message: str = "",
    content: bytes = b"",
    filename: str = "",
    total: int = 0,
    error: str = "",
) -> None:
    """Done; `error` keeps what was refused along the way (e.g. trainees without a certificate)."""
    fields: dict[str, object] = {
        "state": Job.State.DONE, "finished_at": timezone.now(), "error": error,
    }  # fmt: skip
    if total:
        fields["total"] = total
    if message:
        fields["message"] = message
    if content:
        folder = files_root() / str(job_id)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / "result"
        path.write_bytes(content)
        path.chmod(0o600)
        fields.update(file=f"{job_id}/result", filename=filename)
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job_id).update(done=total or job.total, **fields)


def fail(*, job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id).update(
        state=Job.State.FAILED, error=error, finished_at=timezone.now()
    )


def file_path(job: Job) -> Path | None:
    return files_root() / job.file if job.file else None


@contextmanager
def running(job_id: int) -> Iterator[Job]:
    """The job's work, as its owner: what it changes is audited under the owner's name with
    source «job» and the job's page as its path (the worker has no request to take them from).
    An unexpected error fails the job (its page stops waiting) and is logged, then raised
    again so the worker records it too."""
    import audit

    job = Job.objects.select_related("owner").get(pk=job_id)
    page = reverse("jobs:detail", args=[job.pk])
    try:
        with audit.context(source=audit.Source.JOB, user=job.owner, request=None, path=page):
            yield job
    except Exception:
        logger.exception("Job %s failed", job_id)
        fail(job_id=job_id, error="Lỗi khi chạy công việc; đã ghi vào nhật ký hệ thống.")
        raise
