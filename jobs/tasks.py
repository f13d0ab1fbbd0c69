"""Background work (django-tasks): arguments are ids and plain query strings only, so the
database backend can store them; each task records its progress on its `Job`."""

from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils.translation import gettext as _
from django_tasks import task

from jobs import services


def _request_as(user_id: int, query: dict[str, str]):  # type: ignore[no-untyped-def]
    # The report's scope is read from a request exactly as the download reads it, so the
    # file prepared in the background holds what the page's download would have held.
    request = RequestFactory().get("/", query)
    request.user = get_user_model().objects.get(pk=user_id)
    return request


@task()
def prepare_report(job_id: int, user_id: int, query: dict[str, str]) -> None:
    """Build the coverage workbook of `query` for the user and keep it on the job."""
    with services.failing_on_error(job_id):
        _prepare_report(job_id, user_id, query)


def _prepare_report(job_id: int, user_id: int, query: dict[str, str]) -> None:
    from access.policy import can_read_ids
    from coverage.errors import CoverageError
    from coverage.views import _filename, _report_name, download_scope, sections_for, target_titles
    from coverage.xlsx import build_workbook

    request = _request_as(user_id, query)
    services.start(job_id=job_id, total=1)
    try:
        scope = download_scope(request)
        code = query.get("target", "")
        sections = sections_for(
            scope, [code] if code in target_titles() else [], with_gaps=True,
            show_ids=can_read_ids(request.user), user=request.user,
        )  # fmt: skip
    except CoverageError as e:
        services.fail(job_id=job_id, error=str(e))
        return
    data = build_workbook(sections=sections, unit_name=_report_name(scope, sections), on=scope.on)
    services.finish(
        job_id=job_id, content=data, filename=_filename(scope, "xlsx", code),
        message=_("Báo cáo đã sẵn sàng."),
    )  # fmt: skip


@task()
def import_roster_file(job_id: int, user_id: int, token: str) -> None:
    """Write a previewed roster file (kept under `token`): all rows in one transaction, audited
    under one import batch, or none, with each problem named by row and column."""
    with services.failing_on_error(job_id):
        _import_roster_file(job_id, user_id, token)


def _import_roster_file(job_id: int, user_id: int, token: str) -> None:
    from people.roster import import_roster
    from people.uploads import forget_upload, kept_upload

    user = get_user_model().objects.get(pk=user_id)
    kept = kept_upload(owner=user, kind="roster", token=token)
    if kept is None:
        services.fail(job_id=job_id, error=_("Tệp đã tải lên không còn; hãy tải lên lại."))
        return
    content, filename = kept
    services.start(job_id=job_id, total=0)
    result = import_roster(content, filename=filename, user=user)
    forget_upload(owner=user, token=token)  # written, or refused: either way done
    if result.errors:
        services.fail(job_id=job_id, error="\n".join(str(p) for p in result.errors))
        return
    rows = result.created + result.closed + result.updated + result.unchanged
    services.finish(job_id=job_id, message=f"Đã nhập {filename}. {result.summary()}", total=rows)


@task()
def issue_course_certificates(job_id: int, course_id: int) -> None:
    """Issue the certificates a course's completed trainees lack, telling the job as it goes."""
    with services.failing_on_error(job_id):
        _issue_course_certificates(job_id, course_id)


def _issue_course_certificates(job_id: int, course_id: int) -> None:
    from certificates.services import issue_for_course
    from training.models import Course

    course = Course.objects.select_related("programme").get(pk=course_id)
    services.start(job_id=job_id, total=0)

    def progress(done: int, total: int) -> None:
        services.progress(job_id=job_id, done=done, total=total)

    batch = issue_for_course(course=course, on_progress=progress)
    refused = "; ".join(f"{r}" for r in batch.refused)
    issued, total = len(batch.issued), len(batch.issued) + len(batch.refused)
    message = _("Đã cấp %(issued)d giấy chứng nhận, từ chối %(refused)d.") % {
        "issued": issued, "refused": len(batch.refused),
    }  # fmt: skip
    services.finish(job_id=job_id, message=message, total=total, error=refused)
