"""HTML pages of the registry."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.text import slugify

from access.policy import (
    Cap,
    can_read_ethnicity,
    can_read_ids,
    can_see_unit,
    granted_unit_ids,
    holds,
    is_unrestricted,
    refusal,
    roles_of,
)
from config.dates import day_or_today
from config.spreadsheets import SpreadsheetError, read_upload
from jobs.models import Job
from jobs.services import create_job
from jobs.tasks import import_roster_file
from people.ids import ID_IN_URL, holds_number, mask
from people.models import Grant, Level, Person, Role, Unit
from people.roster import (
    ROSTER_UPLOAD,
    UPLOAD_GONE,
    export_roster,
    import_kept_roster,
    import_roster,
    roster_positions,
    template_units,
    template_workbook,
)
from people.text import fold, name_sort_key
from people.uploads import forget_upload, keep_upload, kept_upload


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A landing page for the user's role(s), listing the units they work on."""
    grants = Grant.objects.filter(user_id=request.user.pk or 0).select_related("unit")
    context = {
        "grants": grants,
        "roles": sorted(roles_of(request.user)),
        "trainee": Person.objects.filter(user_id=request.user.pk or 0).first(),
    }
    return render(request, "people/home.html", context)


# ---------------------------------------------------------------- roster (danh bạ)

ROSTER_PAGE_SIZE = 50
MAX_ID_DIGITS = 18  # ids are 64-bit; a longer number is no unit (and would overflow SQLite)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _start_units(user: Any, day: date) -> list[Unit]:
    """The units a user starts from: their grants, or the provinces for a superuser."""
    if is_unrestricted(user):
        return list(Unit.objects.filter(level=Level.PROVINCE).active_on(day).order_by("name"))
    return list(Unit.objects.filter(pk__in=granted_unit_ids(user)).order_by("level", "name"))


def _default_unit(starts: list[Unit], day: date) -> Unit | None:
    """The first granted unit active on the date (else today), so the page does not open on an
    abolished unit (Tỉnh Hà Giang after 1/7/2025) with nobody in it."""
    for when in (day, date.today()):
        if active := next((u for u in starts if u.is_active_on(when)), None):
            return active
    return starts[0] if starts else None


def _chosen_unit(request: HttpRequest, starts: list[Unit], day: date) -> Unit | None:
    raw = request.GET.get("unit", "")
    if not (raw.isascii() and raw.isdigit()):  # "²" is a digit to str.isdigit, not to int()
        return _default_unit(starts, day)
    unit = Unit.objects.filter(pk=int(raw)).first() if len(raw) <= MAX_ID_DIGITS else None
    if unit is None or not can_see_unit(request.user, unit):
        raise Http404("Không có đơn vị này trong phạm vi của bạn")
    return unit


def _children(unit: Unit, day: date) -> list[Unit]:
    children = Unit.objects.filter(
        ancestor_links__ancestor=unit,
        ancestor_links__depth=1,
        ancestor_links__valid_from__lte=day,
        ancestor_links__valid_to__gte=day,
    )
    # Vietnamese order (Đồng Văn after Bắc Mê, before Hoàng Su Phì), ignoring the kind word.
    return sorted(children, key=lambda u: name_sort_key("", "", u.name_key))


def _param(request: HttpRequest, name: str) -> str:
    """A text query parameter; PostgreSQL refuses the NUL character in a query (a 500)."""
    return request.GET.get(name, "").replace("\x00", "")


def _is_former(unit: Unit, day: date) -> bool:
    """The unit ended before `day` (a district or an old province after 1/7/2025)."""
    return unit.valid_to is not None and unit.valid_to < day


def _filters(request: HttpRequest) -> dict[str, str]:
    """The page's role and name filters (a number is never searched: IDs stay out of URLs)."""
    query = _param(request, "q")
    return {"role": _param(request, "role"), "name": "" if holds_number(query) else query}


def _export_query(unit: Unit, day: date, filters: dict[str, str]) -> str:
    """The export link's query: the unit, date and filters on screen."""
    params = {"unit": str(unit.pk), "as_of": f"{day:%d/%m/%Y}"}
    params |= {"role": filters["role"], "q": filters["name"]}
    return urlencode({k: v for k, v in params.items() if v})


@login_required
def roster(request: HttpRequest) -> HttpResponse:
    """Who holds which role in a unit on a date, in Vietnamese name order (danh bạ)."""
    day, date_error = day_or_today(request.GET.get("as_of"))
    starts = _start_units(request.user, day)
    unit = _chosen_unit(request, starts, day)
    page, filters = None, _filters(request)
    if unit is not None:
        rows = roster_positions(unit=unit, as_of=day, user=request.user, **filters)
        page = Paginator(rows, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
        reveal = can_read_ids(request.user)
        for position in page:
            number = position.person.citizen_id or position.person.legacy_id
            position.shown_id = number if reveal else mask(number)
    context = {
        "day": day,
        "date_error": date_error,
        "query_error": ID_IN_URL if holds_number(request.GET.get("q")) else "",
        "can_find_by_id": can_read_ids(request.user),
        "starts": starts,
        "unit": unit,
        "children": _children(unit, day) if unit else [],
        "former_notice": _former_notice(unit, day),
        "roles": Role.objects.all(),
        "page": page,
        "can_import": _may_import(request.user),
        "query": _without_page(request),
        "export_query": _export_query(unit, day, filters) if unit else "",
    }
    return render(request, "people/roster.html", context)


def _former_notice(unit: Unit | None, day: date) -> str:
    if unit is None or not _is_former(unit, day):
        return ""
    ended = unit.valid_to + timedelta(days=1)  # type: ignore[operator]
    return (
        f"{unit.name} không còn từ {ended:%d/%m/%Y}: danh sách dưới đây là các thôn, "
        "tổ dân phố từng thuộc đơn vị này"
    )


def _without_page(request: HttpRequest) -> str:
    """The query string for the page links, which add their own `page`."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _may_import(user: Any) -> bool:
    return holds(user, Cap.REGISTRY_WRITE)


@login_required
def roster_import(request: HttpRequest) -> HttpResponse:
    """Upload a roster → preview of every change or every error → confirm (or cancel) → written."""
    if not _may_import(request.user):
        raise PermissionDenied(refusal(Cap.REGISTRY_WRITE))
    if request.method != "POST":
        return render(request, "people/import.html", {})
    if request.POST.get("action") == "confirm":
        return _confirm_import(request)
    if request.POST.get("action") == "cancel":
        forget_upload(owner=request.user, token=request.POST.get("token", ""))
        messages.info(request, "Đã hủy; tệp đã tải lên được xóa, chưa ghi dòng nào.")
        return redirect("people:import")
    upload = request.FILES.get("file")
    if upload is None or not upload.name:
        return _upload_refused(request, "Chọn một tệp .xlsx hoặc .csv")
    try:
        content = read_upload(upload)
    except SpreadsheetError as e:
        return _upload_refused(request, str(e))
    name = upload.name
    result = import_roster(content, filename=name, user=request.user, dry_run=True)
    if not result.errors and _is_empty(result):  # e.g. the template uploaded untouched
        error = f"Tệp {name} không có dòng dữ liệu nào dưới dòng tiêu đề; chưa có gì để nhập."
        return render(request, "people/import.html", {"upload_error": error})
    token = ""
    if not result.errors:
        token = keep_upload(owner=request.user, kind=ROSTER_UPLOAD, filename=name, content=content)
    context = {"result": result, "token": token, "filename": name}
    return render(request, "people/import.html", context)


def _upload_refused(request: HttpRequest, error: str) -> HttpResponse:
    return render(request, "people/import.html", {"upload_error": error}, status=400)


def _is_empty(result: Any) -> bool:
    """No row at all: nothing created, ended, updated or found unchanged."""
    return not (result.created or result.closed or result.updated or result.unchanged)


def _confirm_import(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    kept = kept_upload(owner=request.user, kind=ROSTER_UPLOAD, token=token)
    if kept is not None and len(kept[0]) > settings.ROSTER_JOB_BYTES:
        job = create_job(kind=Job.Kind.ROSTER, owner_id=int(request.user.pk or 0))
        import_roster_file.enqueue(job.pk, job.owner_id, token)
        return redirect("jobs:detail", pk=job.pk)
    done = import_kept_roster(user=request.user, token=token) if kept is not None else None
    if done is None:
        messages.error(request, UPLOAD_GONE)
        return redirect("people:import")
    result, filename = done
    if result.errors:
        return render(request, "people/import.html", {"result": result, "filename": filename})
    messages.success(request, f"Đã nhập {filename}. {result.summary()}")
    return redirect("people:roster")


@login_required
def roster_template(request: HttpRequest) -> HttpResponse:
    """The empty roster to fill in, with the user's commune codes and villages valid on the day
    chosen at download (`ngay`, dd/mm/yyyy; today when absent) and drop-down lists."""
    day, date_error = day_or_today(request.GET.get("ngay"))
    if date_error:
        return HttpResponse(date_error, status=400, content_type="text/plain; charset=utf-8")
    units = template_units(request.user, day)
    name = f"mau-danh-sach-chuc-danh-{day:%Y%m%d}.xlsx"
    return _xlsx(template_workbook(units), name)


@login_required
def roster_export(request: HttpRequest) -> HttpResponse:
    """The roster of a unit on a date (or all of history) as .xlsx in the import's columns."""
    day, date_error = day_or_today(request.GET.get("as_of"))
    if date_error:
        return HttpResponse(date_error, status=400, content_type="text/plain; charset=utf-8")
    unit = _chosen_unit(request, _start_units(request.user, day), day)
    if unit is None:
        raise Http404("Không có đơn vị nào trong phạm vi của bạn")
    as_of = None if request.GET.get("history") else day
    content = export_roster(
        unit=unit,
        as_of=as_of,
        user=request.user,
        reveal=can_read_ids(request.user),
        ethnicity=can_read_ethnicity(request.user),  # sensitive: administrators only
        **_filters(request),
    )
    suffix = "toan-bo" if as_of is None else day.strftime("%d-%m-%Y")
    return _xlsx(content, f"danh-sach-{slugify(fold(unit.name))}-{suffix}.xlsx")


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
