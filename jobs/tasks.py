"""Background work (django-tasks): arguments are ids and plain query strings only, so the
database backend can store them; each task records its progress on its `Job`."""

from django.http import Http404
from django.test import RequestFactory
from django.utils.translation import gettext as _
from django_tasks import task

from jobs import services
from jobs.models import Job


def _request_as(user, query: dict[str, str]):  # type: ignore[no-untyped-def]
    # The report's scope is read from a request exactly as the download reads it, so the
    # file prepared in the background holds what the page's download would have held.
    request = RequestFactory().get("/", query)
    request.user = user
    return request


@task()
def prepare_report(job_id: int, user_id: int, query: dict[str, str]) -> None:
    """Build the coverage workbook of `query` for the job's owner and keep it on the job.
    (`user_id` is the owner's; kept in the signature for tasks queued before.)"""
    with services.running(job_id) as job:
        _prepare_report(job, query)


def _prepare_report(job: Job, query: dict[str, str]) -> None:
    from coverage.errors import CoverageError
    from coverage.views import report_workbook

    services.start(job_id=job.pk, total=1)
    try:
        data, filename = report_workbook(_request_as(job.owner, query))
    except CoverageError as e:  # a day that cannot be read, a unit not valid that day
        services.fail(job_id=job.pk, error=str(e))
        return
    except Http404:  # no such unit, or not theirs: the same words for both
        services.fail(job_id=job.pk, error=_("Không có đơn vị này"))
        return
    services.finish(
        job_id=job.pk, content=data, filename=filename, message=_("Báo cáo đã sẵn sàng.")
    )


@task()
def import_roster_file(job_id: int, user_id: int, token: str) -> None:
    """Write a previewed roster file (kept under `token`): all rows in one transaction, audited
    under one import batch, or none, with each problem named by row and column.
    (`user_id` is the owner's; kept in the signature for tasks queued before.)"""
    with services.running(job_id) as job:
        _import_roster_file(job, token)


def _import_roster_file(job: Job, token: str) -> None:
    from people.roster import READING, UPLOAD_GONE, import_kept_roster

    services.start(job_id=job.pk, total=0)

    def told(rows: int, stage: str) -> None:
        count = f"{rows:,}".replace(",", ".")  # 12.000, as Vietnamese write it
        if stage == READING:
            message = _("Đang đọc tệp: %(count)s dòng.") % {"count": count}
        else:
            message = _(
                "Đã đọc %(count)s dòng; đang kiểm tra và ghi tất cả trong một lần "
                "(có lỗi thì không ghi dòng nào)."
            ) % {"count": count}
        services.progress(job_id=job.pk, done=0, total=0, message=message)

    done = import_kept_roster(user=job.owner, token=token, on_progress=told)
    if done is None:
        services.fail(job_id=job.pk, error=UPLOAD_GONE)
        return
    result, filename = done
    if result.errors:
        services.fail(job_id=job.pk, error="\n".join(str(p) for p in result.errors))
        return
    rows = result.created + result.closed + result.updated + result.unchanged
    services.finish(job_id=job.pk, message=f"Đã nhập {filename}. {result.summary()}", total=rows)


@task()
def issue_course_certificates(job_id: int, course_id: int) -> None:
    """Issue the certificates a course's completed trainees lack, telling the job as it goes."""
    with services.running(job_id) as job:
        _issue_course_certificates(job, course_id)


def _issue_course_certificates(job: Job, course_id: int) -> None:
    from certificates.services import issue_for_course
    from training.models import Course

    course = Course.objects.select_related("programme").get(pk=course_id)
    services.start(job_id=job.pk, total=0)

    def progress(done: int, total: int) -> None:
        services.progress(job_id=job.pk, done=done, total=total)

    batch = issue_for_course(course=course, on_progress=progress)
    refused = "; ".join(f"{r}" for r in batch.refused)
    issued, total = len(batch.issued), len(batch.issued) + len(batch.refused)
    message = _("Đã cấp %(issued)d giấy chứng nhận, từ chối %(refused)d.") % {
        "issued": issued, "refused": len(batch.refused),
    }  # fmt: skip
    services.finish(job_id=job.pk, message=message, total=total, error=refused)
