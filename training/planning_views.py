"""Pages of course planning and paper attendance: the planning page, "invite the gaps" from a
course page, the sign-in sheet PDF and the attendance template/upload per session."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from access.policy import Cap, can, holds, refusal
from access.scopes import get_writable
from config.dates import parse_date, show
from people.models import Organisation, Unit
from people.unit_search import unit_from_text
from training.attendance_import import AttendanceImportError, import_attendance, template_workbook
from training.forms import OrganiserField, organiser_choices
from training.models import Course, Session, Target
from training.planning import (
    Edits,
    Plan,
    apply_edits,
    check_day,
    commit_plan,
    invite_gaps,
    plan_courses,
    plan_signature,
    planner_organisation,
    resolve_target,
    resolve_unit,
)
from training.services import TrainingError
from training.signin import render_session_sheet
from training.tasks import queue_invitations

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _check_planner(request: HttpRequest) -> None:
    if not holds(request.user, Cap.TRAINING_WRITE):
        raise PermissionDenied(refusal(Cap.TRAINING_WRITE))


def _course_page(course: Course) -> str:
    try:
        return reverse("training:course_detail", args=[course.pk])
    except NoReverseMatch:
        return reverse("planning:plan")


class PlanForm(forms.Form):
    target = forms.ChoiceField(label="Chỉ tiêu")
    unit = forms.CharField(
        label="Đơn vị (tỉnh, huyện, xã): tên hoặc mã",
        max_length=100,
        help_text=(
            "Gõ một phần tên (không dấu cũng được) rồi chọn trong danh sách gợi ý, hoặc gõ mã "
            "GSO, đọc theo ngày «Tính đến ngày»: ví dụ 08 (Tỉnh Tuyên Quang), 00889 (Xã Nghĩa "
            "Thuận); với ngày trước 01/07/2025: 02 (Tỉnh Hà Giang cũ), 027, 00889 (Xã Thanh Vân)"
        ),
        widget=forms.TextInput(
            attrs={
                "data-unit-search": "/don-vi/tim.json",
                "data-date-field": "id_as_of",
                "list": "unit-matches",
                "autocomplete": "off",
            }
        ),
    )
    as_of = forms.DateField(label="Tính đến ngày", required=False, help_text="Để trống: hôm nay")
    start = forms.DateField(label="Mở lớp từ ngày")
    capacity = forms.IntegerField(label="Số học viên mỗi lớp", min_value=1, max_value=500)
    days = forms.IntegerField(label="Số ngày học", min_value=1, max_value=10)
    organiser = OrganiserField(
        queryset=Organisation.objects.none(),
        label="Đơn vị tổ chức",
        required=False,
        help_text="Để trống: đơn vị tổ chức của bạn",
    )

    def clean_as_of(self) -> Any:
        return _plannable(self.cleaned_data.get("as_of"))

    def clean_start(self) -> Any:
        return _plannable(self.cleaned_data.get("start"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organiser = self.fields["organiser"]
        assert isinstance(organiser, OrganiserField)
        organiser.queryset = organiser_choices(user, today=timezone.localdate(), selected=None)
        targets = Target.objects.order_by("code", "valid_from")
        choices = {t.code: f"{t.code} — {t.title[:70]}" for t in targets}
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(choices.items())

    def plan(self, user: Any) -> Plan:
        """The proposal for the cleaned data, for a unit `user` may see."""
        data = self.cleaned_data
        as_of = data["as_of"] or timezone.localdate()
        unit = self._unit(user, data["unit"], as_of)
        if not can(user, Cap.TRAINING_WRITE, unit):
            raise TrainingError(f"Bạn không có quyền tổ chức lớp tại {unit.name}")
        return plan_courses(
            target=resolve_target(data["target"], on=as_of),
            unit=unit,
            as_of=as_of,
            start=data["start"],
            capacity=data["capacity"],
            days=data["days"],
        )

    @staticmethod
    def _unit(user: Any, text: str, on: Any) -> Unit:
        """A code (resolved on the day, old codes explained) or a name among the user's units."""
        raw = text.strip()
        code = raw.split(" ", 1)[0] if raw[:1].isdigit() else ""
        if code.isdigit():
            return resolve_unit(code, on=on)
        unit, found = unit_from_text(user, raw, on=on)
        if unit is not None:
            return unit
        if not found:
            raise TrainingError(
                f"Không có đơn vị nào tên «{raw}» trong phạm vi được phân quyền vào ngày "
                f"{on:%d/%m/%Y}"
            )
        listed = "; ".join(m.label for m in found[:5])
        raise TrainingError(f"Có nhiều đơn vị khớp «{raw}»: {listed}. Hãy chọn một hoặc gõ mã")

    def chosen_organiser(self, user: Any) -> Organisation | None:
        """The organisation chosen, else the planner's own on the start date; one whose unit
        the user may organise training in."""
        chosen = self.cleaned_data.get("organiser")
        organiser = chosen or planner_organisation(user, on=self.cleaned_data["start"])
        if organiser is not None and not can(user, Cap.TRAINING_WRITE, organiser.unit):
            raise TrainingError(f"Bạn không có quyền tổ chức lớp thay cho {organiser.name}")
        return organiser


def _plannable(day: Any) -> Any:
    if day is None:
        return None
    try:
        return check_day(day)
    except TrainingError as e:
        raise forms.ValidationError(str(e)) from e


def _initial(user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    organiser = planner_organisation(user, on=today)
    return {
        "start": today,
        "capacity": 30,
        "days": 2,
        "target": "nq33-village",
        "organiser": organiser.pk if organiser else None,
    }


def _proposal_context(plan: Plan) -> dict[str, Any]:
    rows = []
    for n, course in enumerate(plan.courses):
        options = [
            (m, f"Lớp {m + 1}")
            for m, other in enumerate(plan.courses)
            if other.programme == course.programme
        ]
        days = ", ".join(show(d) for d in course.days)
        rows.append({"n": n, "number": n + 1, "course": course, "options": options, "days": days})
    return {"plan": plan, "rows": rows, "signature": plan_signature(plan)}


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    """Choose target, unit and dates → proposal (editable) → confirm creates draft courses."""
    _check_planner(request)
    if request.method == "POST":
        return _confirm(request)
    initial = {} if request.GET else _initial(request.user)
    form = PlanForm(request.GET or None, initial=initial, user=request.user)
    context: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        try:
            context.update(_proposal_context(form.plan(request.user)))
        except TrainingError as e:
            form.add_error(None, str(e))
    return render(request, "planning/plan.html", context)


def _edits(post: Any, plan: Plan) -> Edits:
    edits = Edits()
    for n, course in enumerate(plan.courses):
        edits.titles[n] = post.get(f"title-{n}", "")
        edits.venues[n] = post.get(f"venue-{n}", "")
        if (chosen := post.get(f"venue_unit-{n}", "")).isascii() and chosen.isdigit():
            edits.venue_units[n] = int(chosen)
        if post.get(f"start-{n}"):
            try:
                edits.starts[n] = parse_date(post[f"start-{n}"])
            except ValueError as e:
                raise TrainingError(f"Lớp {n + 1}: {e}") from e
        if post.get(f"drop-{n}"):
            edits.dropped.add(n)
        for invitee in course.invitees:
            dest = post.get(f"move-{n}-{invitee.person_id}", "")
            if dest.isdigit():
                edits.moves[(n, invitee.person_id)] = int(dest)
    return edits


def _confirm(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST, user=request.user)
    context: dict[str, Any] = {"form": form}
    if not form.is_valid():
        return render(request, "planning/plan.html", context, status=400)
    try:
        proposal = form.plan(request.user)
        if request.POST.get("signature") != plan_signature(proposal):
            raise TrainingError(
                "Danh sách người chưa được tập huấn đã thay đổi từ lúc đề xuất; "
                "hãy xem lại đề xuất mới dưới đây rồi xác nhận"
            )
        courses = commit_plan(
            plan=apply_edits(proposal, _edits(request.POST, proposal)),
            by=request.user,
            organiser=form.chosen_organiser(request.user),
        )
    except TrainingError as e:
        messages.error(request, str(e))
        return render(request, "planning/plan.html", context | _maybe_proposal(form, request))
    titles = "; ".join(c.title for c in courses)
    messages.success(request, f"Đã tạo {len(courses)} lớp dự thảo kèm lời mời: {titles}")
    return redirect(_after_commit())


def _maybe_proposal(form: PlanForm, request: HttpRequest) -> dict[str, Any]:
    try:
        return _proposal_context(form.plan(request.user))
    except TrainingError:
        return {}


def _after_commit() -> str:
    try:
        return reverse("training:course_list")
    except NoReverseMatch:
        return reverse("planning:plan")


@login_required
@require_POST
def invite_gaps_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The course page's «Mời người chưa được tập huấn» button."""
    _check_planner(request)
    course = get_writable(request.user, Course, pk=pk)
    try:
        on = (
            parse_date(request.POST["as_of"]) if request.POST.get("as_of") else timezone.localdate()
        )
        result = invite_gaps(course=course, on=on, by=request.user)
    except (TrainingError, ValueError) as e:
        messages.error(request, str(e))
        return redirect(_course_page(course))
    queue_invitations(result.enrollments)
    messages.success(
        request,
        f"Đã mời {result.invited} người, {result.waitlisted} người vào danh sách chờ; "
        f"{result.already} người đã được mời từ trước.",
    )
    return redirect(_course_page(course))


def _session(request: HttpRequest, session_id: int) -> Session:
    """A session of a course the user may change: its sheet, template and upload list every
    invitee, so they are the organiser's, not every reader's (404 unseen, 403 only seen)."""
    sessions = Session.objects.select_related("course__programme", "course__venue_unit")
    return get_writable(request.user, sessions, pk=session_id)


@login_required
def signin_sheet(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    response = HttpResponse(render_session_sheet(session), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="so-diem-danh-buoi-{session.pk}.pdf"'
    return response


@login_required
def attendance_template(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    response = HttpResponse(template_workbook(session), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="diem-danh-buoi-{session.pk}.xlsx"'
    return response


@login_required
def attendance_upload(request: HttpRequest, session_id: int) -> HttpResponse:
    """Upload the filled template: all rows recorded, or none with the list of errors."""
    _check_planner(request)
    session = _session(request, session_id)
    context: dict[str, Any] = {"session": session, "errors": []}
    upload = request.FILES.get("file")
    if request.method == "POST" and upload:
        try:
            result = import_attendance(session=session, file=upload, by=request.user)
        except AttendanceImportError as e:
            context["errors"] = e.errors
        except TrainingError as e:
            context["errors"] = [str(e)]
        else:
            messages.success(request, result.summary())
            return redirect("planning:attendance_upload", session_id=session.pk)
    elif request.method == "POST":
        context["errors"] = ["Chưa chọn tệp .xlsx"]
    status = 400 if context["errors"] else 200
    return render(request, "planning/attendance_upload.html", context, status=status)
