from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from access.policy import can_see_job
from jobs import services
from jobs.models import Job
from jobs.tasks import prepare_report

REFRESH_SECONDS = 3
# What a report job reads from the dashboard's form: the download's own query.
REPORT_QUERY = ("unit", "as_of", "area_of", "target")


def _job_for(request: HttpRequest, pk: int) -> Job:
    job = get_object_or_404(Job, pk=pk)
    if not can_see_job(request.user, job.owner_id):
        raise Http404  # another user's job is not even said to exist
    return job


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.filter(owner_id=request.user.pk)[:50]
    return render(request, "jobs/list.html", {"jobs": jobs})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    return render(request, "jobs/detail.html", {"job": job, "refresh": REFRESH_SECONDS})


@login_required
def job_json(request: HttpRequest, pk: int) -> JsonResponse:
    job = _job_for(request, pk)
    return JsonResponse(
        {
            "id": job.pk, "kind": job.kind, "state": job.state, "done": job.done,
            "total": job.total, "percent": job.percent, "message": job.message,
            "error": job.error, "has_file": bool(job.file),
        }
    )  # fmt: skip


@login_required
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_for(request, pk)
    path = services.file_path(job)
    if path is None or not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.filename)


@login_required
@require_POST
def report_job(request: HttpRequest) -> HttpResponse:
    """Prepare the coverage .xlsx of the dashboard's query in the background."""
    owner_id = int(request.user.pk or 0)
    job = services.create_job(kind=Job.Kind.REPORT, owner_id=owner_id)
    query = {k: str(request.POST.get(k, "")) for k in REPORT_QUERY if request.POST.get(k)}
    prepare_report.enqueue(job.pk, owner_id, query)
    return redirect("jobs:detail", pk=job.pk)
