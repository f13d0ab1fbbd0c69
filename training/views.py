"""HTML pages of training: course list, course page with roster, attendance grid, results,
calendar, course form, records upload. Thin: parse, call one service, render."""

import calendar as monthcal
from collections import defaultdict
from datetime import date, time, timedelta
from decimal import Decimal
from functools import wraps
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from access.policy import OUT_OF_SCOPE, Cap, holds, refusal
from access.scopes import course_ownership_problem, may_change, visible
from people.models import Person, Unit
from people.text import fold, unit_name_key
from training import calendar, feeds, lifecycle, services
from training import invitations_pdf as invitations_pdf_module
from training.forms import CourseForm, OverrideForm, RecordsUploadForm, RecurrenceForm, SessionForm
from training.models import Attendance, Course, Enrollment, Notice, Programme, Session
from training.records_import import template_workbook as records_template_workbook

# Years a month page may show (date() and the holiday tables break far outside them).
CALENDAR_YEARS = range(1900, 2101)


def can_organise(user: Any) -> bool:
    return holds(user, Cap.TRAINING_WRITE)


def organisers_only(view: Any) -> Any:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_organise(request.user):
            raise PermissionDenied(refusal(Cap.TRAINING_WRITE))
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def visible_course(request: HttpRequest, pk: int) -> Course:
    courses = visible(request.user, Course).select_related("programme", "target")
    return get_object_or_404(courses, pk=pk)


def may_write_course(user: Any, course: Course) -> bool:
    return may_change(user, course)


def writable_course(request: HttpRequest, pk: int) -> Course:
    """The course if the user may change it: 404 when they cannot see it, 403 when they only
    see it (addressed to their unit but organised above it)."""
    course = visible_course(request, pk)
    if not may_write_course(request.user, course):
        raise PermissionDenied(OUT_OF_SCOPE)
    return course


def seats(courses: QuerySet[Course]) -> QuerySet[Course]:
    held = Q(enrollments__status__in=Enrollment.SEAT_STATUSES)
    return courses.annotate(
        seats_taken=Count("enrollments", filter=held, distinct=True),
        waitlisted=Count("enrollments", filter=Q(enrollments__status="waitlisted"), distinct=True),
        first_day=Min("sessions__starts_at"),
        n_sessions=Count("sessions", distinct=True),
    )


# --- list and calendar -------------------------------------------------------------------


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    courses = visible(request.user, Course).select_related("programme")
    status, programme, q = (request.GET.get(k, "") for k in ("status", "programme", "q"))
    if status:
        courses = courses.filter(status=status)
    if programme:
        courses = courses.filter(programme__code=programme)
    if q:
        courses = courses.filter(Q(title__icontains=q) | Q(venue__icontains=q))
    listing = seats(courses).order_by("-first_day", "-pk")  # type: ignore[misc]
    page = Paginator(listing, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "statuses": Course.Status.choices,
        "programmes": Programme.objects.order_by("code"),
        "filters": {"status": status, "programme": programme, "q": q},
        "can_organise": can_organise(request.user),
    }
    return render(request, "training/course_list.html", context)


def _month(request: HttpRequest) -> date:
    try:
        year, month = (int(x) for x in request.GET.get("thang", "").split("-"))
        if year not in CALENDAR_YEARS:
            raise ValueError(year)
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
def month_calendar(request: HttpRequest) -> HttpResponse:
    """A month of sessions of the courses the user may see, with public holidays."""
    first = _month(request)
    weeks = monthcal.Calendar().monthdatescalendar(first.year, first.month)
    start, end = weeks[0][0], weeks[-1][-1]
    sessions = (
        visible(request.user, Session)
        .filter(starts_at__gte=calendar.at(start, time()))
        .filter(starts_at__lt=calendar.at(end + timedelta(days=1), time()))
        .exclude(course__status=Course.Status.CANCELLED)
        .select_related("course")
        .order_by("starts_at")
    )
    by_day: dict[date, list[Session]] = defaultdict(list)
    for s in sessions:
        by_day[calendar.local_date(s.starts_at)].append(s)
    holidays = calendar.non_working_days(start, end)
    grid = [
        [{"day": d, "sessions": by_day.get(d, []), "holiday": holidays.get(d)} for d in week]
        for week in weeks
    ]
    context = {
        "first": first,
        "grid": grid,
        "weekdays": calendar.WEEKDAY_NAMES,
        "previous": (first - timedelta(days=1)).strftime("%Y-%m"),
        "next": (first + timedelta(days=32)).strftime("%Y-%m"),
        "today": timezone.localdate(),
        **_feed_context(request),
    }
    return render(request, "training/calendar.html", context)


def _feed_context(request: HttpRequest) -> dict[str, object]:
    """The user's secret feed address, as https:// to copy and webcal:// to open."""
    feed = feeds.active_feed(request.user)
    if feed is None:
        return {"feed": None}
    url = f"{settings.SITE_URL}{feed.path}"
    return {"feed": feed, "feed_url": url, "feed_webcal": "webcal://" + url.split("://", 1)[-1]}


# --- course form -------------------------------------------------------------------------


def _save_sessions(request: HttpRequest, course: Course, form: RecurrenceForm) -> None:
    recurrence = form.recurrence()
    if recurrence is None:
        return
    made = services.schedule_sessions(course=course, recurrence=recurrence)
    messages.success(request, f"Đã thêm {len(made.sessions)} buổi học.")
    for warning in made.warnings:
        messages.warning(request, warning)


@organisers_only
def course_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    course = writable_course(request, pk) if pk else None
    form = CourseForm(request.POST or None, instance=course, user=request.user)
    plan = RecurrenceForm(request.POST or None, prefix="lich")
    if request.method == "POST" and form.is_valid() and plan.is_valid():
        try:
            _check_owner(request.user, form.cleaned_data)
            if course is None:
                course = services.create_course(by=request.user, **form.service_fields())
            else:
                services.update_course(course=course, by=request.user, **form.service_fields())
            _save_sessions(request, course, plan)
            return redirect("training:course_detail", pk=course.pk)
        except services.TrainingError as e:
            form.add_error(None, str(e))
    return render(
        request, "training/course_form.html", {"form": form, "plan": plan, "course": course}
    )


def _check_owner(user: Any, data: dict[str, Any]) -> None:
    """The course as saved must stay one the user may change."""
    problem = course_ownership_problem(
        user,
        organiser=data.get("organiser"),
        venue_unit=data.get("venue_unit"),
        audience_units=data.get("audience_units") or [],
    )
    if problem:
        raise services.TrainingError(problem)


# --- course page -------------------------------------------------------------------------


def _roster(course: Course) -> list[Enrollment]:
    attended = Count("attendances", filter=Q(attendances__status__in=Attendance.ATTENDED))
    return list(
        course.enrollments.select_related("person", "record")
        .annotate(attended=attended)
        .order_by("person__sort_key", "pk")
    )


def _shown(user: Any, roster: list[Enrollment], *, writer: bool) -> list[Enrollment]:
    """The rows a user is shown: everyone to those who may change the course, otherwise only
    the people inside the user's own units."""
    if writer:
        return roster
    ids = [e.person_id for e in roster]
    seen = set(visible(user, Person).filter(pk__in=ids).values_list("pk", flat=True))
    return [e for e in roster if e.person_id in seen]


def _candidates(request: HttpRequest, course: Course) -> list[Person]:
    q = fold(request.GET.get("q", ""))
    if len(q) < 2:
        return []
    return list(
        visible(request.user, Person.objects.all())
        .filter(search_text__contains=q)
        .exclude(enrollments__course=course, enrollments__status__in=Enrollment.SEAT_STATUSES)
        .select_related("home_unit")
        .vietnamese_order()[:20]
    )


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = visible_course(request, pk)
    writer = can_organise(request.user) and may_write_course(request.user, course)
    roster = _roster(course)
    counts: dict[str, int] = defaultdict(int)
    for e in roster:
        counts[e.status] += 1
    context = {
        "course": course,
        "roster": _shown(request.user, roster, writer=writer),
        "counts": counts,
        # As the list counts them (`seats`): results keep the seat they were invited to.
        "seats_taken": sum(counts[s] for s in Enrollment.SEAT_STATUSES),
        "sessions": list(course.sessions.all()),
        "candidates": _candidates(request, course),
        "q": request.GET.get("q", ""),
        "session_form": SessionForm(),
        "can_organise": writer,
        "open": course.status not in services.CLOSED,
        "stages": lifecycle.stages(course),
        "next_action": lifecycle.next_action(course) if writer else None,
        "invitations": _invitation_groups(course, roster)
        if writer and course.status != Course.Status.CANCELLED
        else None,
    }
    return render(request, "training/course_detail.html", context)


def _back(course: Course) -> HttpResponse:
    return redirect("training:course_detail", pk=course.pk)


# --- life-cycle: confirm & invite, start, close; printed invitations ----------------------


@organisers_only
@require_POST
def confirm_course(request: HttpRequest, pk: int) -> HttpResponse:
    course = writable_course(request, pk)
    try:
        done = services.confirm_course(course=course, by=request.user)
    except services.TrainingError as err:
        messages.error(request, str(err))
        return _back(course)
    messages.success(
        request,
        f"Đã xác nhận lớp. Giấy mời gửi qua thư điện tử: {done.emailed} người; "
        f"cần in và gửi giấy: {done.to_print} người.",
    )
    return _back(course)


@organisers_only
@require_POST
def start_course(request: HttpRequest, pk: int) -> HttpResponse:
    course = writable_course(request, pk)
    try:
        session = services.start_course(course=course, by=request.user)
    except services.TrainingError as err:
        messages.error(request, str(err))
        return _back(course)
    messages.success(request, "Lớp đang diễn ra. Điểm danh buổi học:")
    return redirect("training:attendance", pk=course.pk, session_pk=session.pk)


@organisers_only
@require_POST
def close_course(request: HttpRequest, pk: int) -> HttpResponse:
    """Close with the marks as they stand (the results page closes after saving marks)."""
    course = writable_course(request, pk)
    try:
        records = services.close_course(course=course, by=request.user)
    except services.TrainingError as err:
        messages.error(request, str(err))
        return _back(course)
    messages.success(request, f"Đã kết thúc lớp; {len(records)} người hoàn thành.")
    _report_certificates(request, course)
    return redirect("training:results", pk=course.pk)


def _pdf(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@organisers_only
def invitations_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Every invitee's giấy mời in one PDF, or one commune's (`?xa=<id>`, `?xa=0`: people
    whose commune is unknown)."""
    course = writable_course(request, pk)
    enrollments = list(invitations_pdf_module.invitees(course))
    raw = request.GET.get("xa", "")
    name = f"giay-moi-lop-{course.pk}.pdf"
    if raw:
        if not (raw.isascii() and raw.isdigit()):  # "²" is a digit to str.isdigit, not to int()
            return HttpResponse(
                "Mã xã không hợp lệ", status=400, content_type="text/plain; charset=utf-8"
            )
        grouped = invitations_pdf_module.by_commune(course, enrollments)
        enrollments = grouped.get(int(raw) or None, [])
        name = f"giay-moi-lop-{course.pk}-xa-{raw}.pdf"
    return _pdf(invitations_pdf_module.render(course, enrollments), name)


@organisers_only
def invitation_pdf(request: HttpRequest, pk: int, enrollment_pk: int) -> HttpResponse:
    course = writable_course(request, pk)
    enrollment = get_object_or_404(invitations_pdf_module.invitees(course), pk=enrollment_pk)
    name = f"giay-moi-lop-{course.pk}-{enrollment.pk}.pdf"
    return _pdf(invitations_pdf_module.render(course, [enrollment]), name)


def _invitation_groups(course: Course, roster: list[Enrollment]) -> dict[str, Any]:
    """The course page's «Giấy mời» box: e-mailed or to print, and one PDF per commune."""
    invited = [e for e in roster if e.status in invitations_pdf_module.INVITED]
    emailed = set(
        Notice.objects.filter(
            enrollment__in=[e.pk for e in invited], kind=Notice.Kind.INVITATION
        ).values_list("enrollment_id", flat=True)
    )
    grouped = invitations_pdf_module.by_commune(course, invited)
    names = dict(Unit.objects.filter(pk__in=[k for k in grouped if k]).values_list("pk", "name"))
    communes = sorted(
        (
            {
                "id": k or 0,
                "name": names.get(k or 0, invitations_pdf_module.NO_COMMUNE),
                "count": len(v),
            }
            for k, v in grouped.items()
        ),
        key=lambda c: (c["id"] == 0, unit_name_key(str(c["name"]), village=False)),
    )
    return {
        "invited": len(invited),
        "emailed": len(emailed),
        "with_email": sum(1 for e in invited if e.person.email),
        "without_email": sum(1 for e in invited if not e.person.email),
        "communes": communes,
    }


@organisers_only
@require_POST
def invite_person(request: HttpRequest, pk: int) -> HttpResponse:
    course = writable_course(request, pk)
    raw = request.POST.get("person", "").strip()
    if not raw.isdigit():
        messages.error(request, "Chưa chọn người để mời (mã người không hợp lệ).")
        return _back(course)
    person = get_object_or_404(visible(request.user, Person), pk=int(raw))
    try:
        e = services.invite(course=course, person=person, by=request.user)
    except services.TrainingError as err:
        messages.error(request, str(err))
        return _back(course)
    messages.success(request, f"Đã mời {person} — {e.get_status_display().lower()}.")
    for warning in services.booking_clashes(course=course, person=person):
        messages.warning(request, warning)
    return _back(course)


@organisers_only
@require_POST
def invite_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite everyone on an uploaded list; nobody when a row has a problem."""
    from training.invitations_import import invite_from_file

    course = writable_course(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Chưa chọn tệp danh sách mời (.xlsx hoặc .csv)")
        return _back(course)
    result = invite_from_file(course=course, file=upload, filename=upload.name, user=request.user)
    if result.errors:
        messages.error(request, f"{len(result.errors)} lỗi, chưa mời ai:")
        for problem in result.errors[:30]:
            messages.error(request, str(problem))
    else:
        messages.success(request, result.summary())
    return _back(course)


@organisers_only
@require_POST
def enrollment_action(request: HttpRequest, pk: int, enrollment_pk: int, verb: str) -> HttpResponse:
    course = writable_course(request, pk)
    enrollment = get_object_or_404(course.enrollments.select_related("person"), pk=enrollment_pk)
    try:
        if verb == "cancel":
            promoted = services.cancel_enrollment(enrollment=enrollment, by=request.user)
            messages.success(request, f"Đã hủy lời mời {enrollment.person}.")
            if promoted:
                messages.info(request, f"{promoted.person} được chuyển từ danh sách chờ.")
        elif verb == "confirm":
            services.confirm(enrollment=enrollment, by=request.user)
        else:
            raise PermissionDenied
    except services.TrainingError as err:
        messages.error(request, str(err))
    return _back(course)


@organisers_only
@require_POST
def add_session(request: HttpRequest, pk: int) -> HttpResponse:
    course = writable_course(request, pk)
    form = SessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ngày, giờ buổi học không hợp lệ (dd/mm/yyyy, HH:MM).")
        return _back(course)
    starts_at, ends_at = form.times()
    try:
        made = services.add_session(
            course=course, starts_at=starts_at, ends_at=ends_at, title=form.cleaned_data["title"]
        )
    except services.TrainingError as err:
        messages.error(request, str(err))
        return _back(course)
    messages.success(request, "Đã thêm buổi học.")
    for warning in made.warnings:
        messages.warning(request, warning)
    return _back(course)


@organisers_only
@require_POST
def delete_session(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    course = writable_course(request, pk)
    session = get_object_or_404(course.sessions, pk=session_pk)
    try:
        services.delete_session(session=session)
        messages.success(request, "Đã xóa buổi học.")
    except services.TrainingError as err:
        messages.error(request, str(err))
    return _back(course)


# --- attendance --------------------------------------------------------------------------


@organisers_only
def attendance(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """One session's grid: a row per invitee, four big buttons; one post saves them all."""
    course = writable_course(request, pk)
    session = get_object_or_404(course.sessions, pk=session_pk)
    enrollments = list(
        course.enrollments.filter(status__in=services.MARKABLE)
        .select_related("person")
        .prefetch_related(
            Prefetch("attendances", Attendance.objects.filter(session=session), to_attr="marks")
        )
        .order_by("person__sort_key", "pk")
    )
    if request.method == "POST":
        marks = {
            e.pk: request.POST[f"m{e.pk}"] for e in enrollments if request.POST.get(f"m{e.pk}")
        }
        try:
            changed = services.record_attendance(session=session, marks=marks, by=request.user)
            messages.success(request, f"Đã lưu điểm danh ({changed} thay đổi).")
            return redirect(request.path)
        except services.TrainingError as err:
            messages.error(request, str(err))
    rows = [(e, e.marks[0].status if e.marks else "") for e in enrollments]
    context = {
        "course": course,
        "session": session,
        "started": services.session_started(session),
        "rows": rows,
        "statuses": Attendance.Status.choices,
        "marked": sum(1 for _, s in rows if s),
    }
    return render(request, "training/attendance.html", context)


# --- results -----------------------------------------------------------------------------


def _save_marks(request: HttpRequest, roster: list[Enrollment]) -> None:
    """Every mark on the page, or none: all are read and checked before any is written."""
    changed: dict[Enrollment, Decimal | None] = {}
    problems = []
    for e in roster:
        try:
            mark = services.parse_essay_mark(request.POST.get(f"essay{e.pk}", ""))
        except services.TrainingError as err:
            problems.append(f"{e.person}: {err}")
            continue
        if mark != e.essay_mark:
            changed[e] = mark
    if problems:
        raise services.TrainingError("Chưa lưu điểm nào. " + "; ".join(problems))
    services.set_essay_marks(marks=changed)


def _report_certificates(request: HttpRequest, course: Course) -> None:
    """Who did not get a certificate on closing and why (the others still did); how many
    were issued, with the links to them, is on the results page itself."""
    batch = getattr(course, "certificate_batch", None)
    if batch is not None and batch.refused:
        messages.warning(request, batch.summary())


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance share, essay marks and results; closing computes and records them."""
    course = visible_course(request, pk)
    writer = can_organise(request.user) and may_write_course(request.user, course)
    n_sessions = course.sessions.count()
    roster = [e for e in _roster(course) if e.status not in ("cancelled", "waitlisted")]
    if request.method == "POST":
        if not writer:
            raise PermissionDenied(OUT_OF_SCOPE)
        try:
            _save_marks(request, roster)
            if "close" in request.POST:
                records = services.close_course(course=course, by=request.user)
                messages.success(request, f"Đã kết thúc lớp; {len(records)} người hoàn thành.")
                _report_certificates(request, course)
        except services.TrainingError as err:
            messages.error(request, str(err))
        return redirect("training:results", pk=course.pk)
    roster = _shown(request.user, roster, writer=writer)
    for e in roster:  # annotated rows: `attended` comes from the query
        attended: int = e.attended  # type: ignore[attr-defined]
        e.share = (Decimal(attended) / n_sessions) if n_sessions else Decimal(0)  # type: ignore[attr-defined]
        e.would_pass = services.passes(  # type: ignore[attr-defined]
            programme=course.programme, attended=attended, sessions=n_sessions, essay=e.essay_mark
        )
    context = {
        "course": course,
        "roster": roster,
        "n_sessions": n_sessions,
        "closed": course.status == Course.Status.COMPLETED,
        "can_organise": writer,
        "override_form": OverrideForm(),
        "certificates": _certificates_issued(request.user, course),
    }
    return render(request, "training/results.html", context)


def _certificates_issued(user: Any, course: Course) -> dict[str, Any] | None:
    """The valid certificates of a closed course that the user may see: how many, and the
    links to all of them merged into one PDF and as a ZIP (one PDF each). None when the
    course is open, its programme gives none, or the certificates app is not installed."""
    if course.status != Course.Status.COMPLETED or not course.programme.has_certificate:
        return None
    if not apps.is_installed("certificates"):
        return None
    certificate = apps.get_model("certificates", "Certificate")
    issued = visible(user, certificate).filter(course=course, status="valid").count()
    return {
        "count": issued,
        "pdf": reverse("certificates:course_pdf", args=[course.pk]),
        "zip": reverse("certificates:course_zip", args=[course.pk]),
    }


@organisers_only
@require_POST
def override(request: HttpRequest, pk: int, enrollment_pk: int) -> HttpResponse:
    course = writable_course(request, pk)
    enrollment = get_object_or_404(course.enrollments, pk=enrollment_pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Phải chọn kết quả và ghi rõ lý do điều chỉnh.")
        return redirect("training:results", pk=course.pk)
    try:
        services.override_result(enrollment=enrollment, by=request.user, **form.cleaned_data)
        messages.success(request, "Đã điều chỉnh kết quả.")
    except services.TrainingError as err:
        messages.error(request, str(err))
    return redirect("training:results", pk=course.pk)


# --- historical records ------------------------------------------------------------------


@login_required
def records_template(request: HttpRequest) -> HttpResponse:
    """The empty file of historical records to fill in (training.records_import)."""
    if not holds(request.user, Cap.TRAINING_WRITE):
        raise PermissionDenied(refusal(Cap.TRAINING_WRITE))
    response = HttpResponse(
        records_template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-ket-qua-tap-huan.xlsx"'
    return response


@login_required
def records_import(request: HttpRequest) -> HttpResponse:
    if not holds(request.user, Cap.TRAINING_WRITE):
        raise PermissionDenied(refusal(Cap.TRAINING_WRITE))
    form = RecordsUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.import_training_records(
            upload, filename=upload.name, user=request.user, dry_run=form.cleaned_data["dry_run"]
        )
        if result.written:
            messages.success(request, result.summary())
            return redirect(reverse("training:records_import"))
    return render(request, "training/records_import.html", {"form": form, "result": result})
