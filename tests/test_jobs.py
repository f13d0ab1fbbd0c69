"""Background jobs: a coverage report prepared as a job, watched and downloaded by its owner."""

import io

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import ImportBatch
from certificates.models import Certificate
from jobs.models import Job
from jobs.services import create_job
from jobs.tasks import import_roster_file, issue_course_certificates
from people.models import Grant, Position
from people.uploads import keep_upload
from tests.certificates.conftest import party_issuer  # noqa: F401
from tests.certificates.test_batch_and_missing_pdf import course_of_nine
from tests.factories import UserFactory, grant
from tests.people.test_roster import mai, thuy, xlsx
from tests.people.test_roster_pages import upload, user_with


def _clerk(tree):  # type: ignore[no-untyped-def]
    user = UserFactory()
    grant(user, tree.quan_ba, Grant.Role.CLERK)
    return user


def test_it_prepares_a_report_the_owner_downloads(client, tree, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    user = _clerk(tree)
    client.force_login(user)
    r = client.post(reverse("jobs:report"), {"unit": tree.quan_ba.pk, "as_of": "31/03/2025"})
    job = Job.objects.get()
    assert r.url == reverse("jobs:detail", args=[job.pk])
    assert job.state == Job.State.DONE and job.percent == 100
    page = client.get(r.url).content.decode()
    assert "100%" in page and 'http-equiv="refresh"' not in page
    assert client.get(reverse("jobs:json", args=[job.pk])).json()["state"] == "done"
    sheet = client.get(reverse("jobs:file", args=[job.pk]))
    assert sheet.status_code == 200
    load_workbook(io.BytesIO(b"".join(sheet.streaming_content)))
    assert client.get(reverse("jobs:list")).status_code == 200


def test_it_hides_a_job_from_another_user(client, tree, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    client.force_login(_clerk(tree))
    client.post(reverse("jobs:report"), {"unit": tree.quan_ba.pk, "as_of": "31/03/2025"})
    job = Job.objects.get()
    client.force_login(_clerk(tree))
    for name in ("detail", "json", "file"):
        assert client.get(reverse(f"jobs:{name}", args=[job.pk])).status_code == 404


def test_it_fails_a_report_of_an_unreadable_date(client, tree, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    client.force_login(_clerk(tree))
    client.post(reverse("jobs:report"), {"unit": tree.quan_ba.pk, "as_of": "99/99/2025"})
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and job.error


# The worker closes the database connection around each task, as it does in production: on
# PostgreSQL that needs a committed (transactional) test, as tests/training/test_reminders.py.
@pytest.mark.django_db(transaction=True)
def test_it_queues_for_the_database_worker(client, tree, settings, tmp_path):  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    # Through the `settings` fixture only: an @override_settings around it would be captured
    # by the fixture's own override and left in place for every later test.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path
    client.force_login(_clerk(tree))
    client.post(reverse("jobs:report"), {"unit": tree.quan_ba.pk, "as_of": "31/03/2025"})
    job = Job.objects.get()
    assert job.state == Job.State.QUEUED
    assert (
        'http-equiv="refresh"' in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    )
    call_command("db_worker", batch=True)
    job.refresh_from_db()
    assert job.state == Job.State.DONE


# ---- Roster import as a job -------------------------------------------------------------------


def test_it_writes_a_large_roster_through_a_job(client, tree, settings):  # type: ignore[no-untyped-def]
    settings.ROSTER_JOB_BYTES = 0  # every confirmed file goes through a job
    client.force_login(user_with(tree.ha_giang, "clerk"))
    preview = client.post(reverse("people:import"), upload(xlsx([mai(), thuy()])))
    token = preview.context["token"]
    done = client.post(reverse("people:import"), {"action": "confirm", "token": token})
    job = Job.objects.get(kind=Job.Kind.ROSTER)
    assert done.url == reverse("jobs:detail", args=[job.pk])
    assert Position.objects.count() == 2
    assert job.state == Job.State.DONE and job.total == 2 and job.done == 2
    assert ImportBatch.objects.count() == 1
    assert "100%" in client.get(done.url).content.decode()


def test_it_fails_a_roster_job_naming_row_and_column(client, tree):  # type: ignore[no-untyped-def]
    user = user_with(tree.ha_giang, "clerk")
    content = xlsx([mai(), thuy(**{"Mã xã": "99999"})])
    token = keep_upload(owner=user, kind="roster", filename="ds.xlsx", content=content)
    job = create_job(kind=Job.Kind.ROSTER, owner_id=user.pk)
    import_roster_file.enqueue(job.pk, user.pk, token)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "Dòng 4, cột «Mã xã»" in job.error
    assert not Position.objects.exists()


# ---- A course's certificates as a job ---------------------------------------------------------


def test_it_issues_a_course_s_certificates_through_a_job(client, tree, party_issuer):  # type: ignore[no-untyped-def]  # noqa: F811
    course, first, _ = course_of_nine(tree.nghia_thuan)
    organiser = user_with(tree.tuyen_quang, "organiser")
    client.force_login(organiser)
    r = client.post(reverse("certificates:course_issue", args=[course.pk]))
    job = Job.objects.get(kind=Job.Kind.CERTIFICATES)
    assert r.url == reverse("jobs:detail", args=[job.pk])
    assert job.state == Job.State.DONE and job.done == job.total == 9
    assert Certificate.objects.filter(course=course).count() == 8
    page = client.get(r.url).content.decode()
    assert "Đã cấp 8 giấy chứng nhận, từ chối 1." in page and str(first) in page
    assert reverse("certificates:course_zip", args=[course.pk]) in page
    assert client.get(reverse("certificates:course_zip", args=[course.pk])).status_code == 200


def test_it_refuses_a_course_job_to_a_clerk(client, tree, party_issuer):  # type: ignore[no-untyped-def]  # noqa: F811
    course, _, _ = course_of_nine(tree.nghia_thuan)
    client.force_login(user_with(tree.tuyen_quang, "clerk"))
    assert client.post(reverse("certificates:course_issue", args=[course.pk])).status_code == 403
    assert not Job.objects.exists()


def test_the_dashboard_offers_the_report_job(client, tree):  # type: ignore[no-untyped-def]
    client.force_login(_clerk(tree))
    page = client.get(
        reverse("coverage:dashboard"), {"unit": tree.quan_ba.pk, "as_of": "31/03/2025"}
    )
    assert reverse("jobs:report") in page.content.decode()


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_job_page_fits_a_phone_and_polls_while_running(client, tree):  # type: ignore[no-untyped-def]
    client.force_login(_clerk(tree))
    r = client.post(reverse("jobs:report"), {"unit": tree.quan_ba.pk, "as_of": "31/03/2025"})
    html = client.get(r.url).content.decode()
    job = Job.objects.get()
    assert f'data-poll="{reverse("jobs:json", args=[job.pk])}"' in html
    assert "<table" not in html and "style=" not in html and "<script>" not in html


def test_it_fails_a_job_whose_task_breaks(tree):  # type: ignore[no-untyped-def]
    user = _clerk(tree)
    job = create_job(kind=Job.Kind.CERTIFICATES, owner_id=user.pk)
    issue_course_certificates.enqueue(job.pk, 999999)  # no such course: the task raises
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "nhật ký" in job.error


# ---- What a job changes is audited under its owner's name -------------------------------------


def test_a_job_s_certificates_are_audited_as_its_owner(tree, party_issuer):  # type: ignore[no-untyped-def]  # noqa: F811
    from auditlog.models import LogEntry

    course, _, _ = course_of_nine(tree.nghia_thuan)
    organiser = user_with(tree.tuyen_quang, "organiser")
    job = create_job(kind=Job.Kind.CERTIFICATES, owner_id=organiser.pk, course_id=course.pk)
    already = set(LogEntry.objects.values_list("pk", flat=True))
    # Run as the worker runs it: outside any request, so no page context names the user.
    issue_course_certificates.call(job.pk, course.pk)
    issued = LogEntry.objects.exclude(pk__in=already).filter(content_type__model="certificate")
    assert issued.count() == 8
    assert {e.actor_id for e in issued} == {organiser.pk}
    assert {e.additional_data["source"] for e in issued} == {"job"}
    assert {e.additional_data["path"] for e in issued} == {reverse("jobs:detail", args=[job.pk])}


def test_a_roster_job_is_imported_as_its_owner(tree):  # type: ignore[no-untyped-def]
    user = user_with(tree.ha_giang, "clerk")
    token = keep_upload(owner=user, kind="roster", filename="ds.xlsx", content=xlsx([mai()]))
    job = create_job(kind=Job.Kind.ROSTER, owner_id=user.pk)
    import_roster_file.call(job.pk, user.pk, token)
    batch = ImportBatch.objects.get()
    assert batch.user == user


def test_a_report_job_for_a_unit_not_theirs_fails_in_vietnamese(client, tree, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    client.force_login(_clerk(tree))  # a clerk of Quản Bạ asks for Tuyên Quang, then for junk
    for unit in (tree.tuyen_quang.pk, "abc", 99999999):
        r = client.post(reverse("jobs:report"), {"unit": unit, "as_of": "31/03/2025"})
        assert r.status_code == 302
        job = Job.objects.order_by("-pk").first()
        assert job is not None and job.state == Job.State.FAILED
        assert job.error == "Không có đơn vị này" and not job.file
        assert "Không có đơn vị này" in client.get(r.url).content.decode()


def test_a_roster_import_tells_its_rows_read_then_that_it_writes(tree):  # type: ignore[no-untyped-def]
    from people.roster import READING, WRITING, import_roster, parse_roster

    content = xlsx([mai(), thuy()])
    heard: list[tuple[int, str]] = []
    parse_roster(content, "ds.xlsx", on_progress=lambda n, s: heard.append((n, s)), every=1)
    assert heard == [(1, READING), (2, READING)]
    heard.clear()
    user = user_with(tree.ha_giang, "clerk")
    result = import_roster(
        content, filename="ds.xlsx", user=user, on_progress=lambda n, s: heard.append((n, s))
    )
    assert result.written and heard == [(2, WRITING)]


def test_a_running_job_s_page_says_what_it_is_doing(client, tree):  # type: ignore[no-untyped-def]
    from jobs.services import progress

    user = _clerk(tree)
    job = create_job(kind=Job.Kind.ROSTER, owner_id=user.pk)
    progress(job_id=job.pk, done=0, total=0, message="Đang đọc tệp: 12.000 dòng.")
    client.force_login(user)
    assert (
        "Đang đọc tệp: 12.000 dòng."
        in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    )
    assert client.get(reverse("jobs:json", args=[job.pk])).json()["message"].startswith("Đang đọc")
