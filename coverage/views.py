"""The Commission's pages: the dashboard, the named lists behind every number, reports,
frozen reports and the resolution's other indicators."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from access.policy import (
    Cap,
    can_read_ids,
    can_see_unit,
    granted_unit_ids,
    holds,
    is_unrestricted,
    wholly_inside,
)
from access.scopes import visible
from config.dates import formal, parse_date, show
from config.spreadsheets import neutralised, save_workbook, xlsx_value
from coverage import glossary, svg
from coverage.gaps import TABLE_HEADERS, gaps, holder_rows, table_rows
from coverage.models import FrozenReport, Indicator, IndicatorValue
from coverage.report import coverage_report
from coverage.services import (
    CoverageError,
    freeze_report,
    import_indicator_values,
    ordered_codes,
    record_indicator_value,
    short_name,
    target_titles,
)
from coverage.trend import trend_budget, trend_of, trend_svg
from coverage.units import (
    area_scope,
    check_day,
    may_see_scope,
    may_see_unit,
    parse_as_of,
)
from coverage.xlsx import Section, build_csv, build_workbook, denominators
from people.models import REFORM_DATE, Level, Unit, UnitAncestry
from training.models import Target

KINDS = {
    "holders": "Người giữ chức danh",
    "trained": "Đã tập huấn",
    "untrained": "Chưa tập huấn",
    "due": "Chưa tập huấn, còn trong hạn",
    "overdue": "Chưa tập huấn, đã quá hạn",
    "vacant": "Chức danh, ban còn trống",
    "boards": "Ban chưa đạt",
    "villages": "Thôn, tổ dân phố chưa có tổ trưởng tổ dân vận",
}
PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def percent_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + "%"


# ---- Which unit, which day --------------------------------------------------------------------


@dataclass
class Scope:
    unit: Unit
    on: date
    area_of: Unit | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def before_founding(self) -> bool:
        """A new unit shown on a day before it existed, as the old units it came from."""
        area = self.area_of
        return area is not None and area.valid_from is not None and self.on < area.valid_from

    def query(self, **extra: Any) -> str:
        params: dict[str, Any] = {"unit": self.unit.pk, "as_of": show(self.on)}
        if self.area_of:
            params["area_of"] = self.area_of.pk
        params.update({k: v for k, v in extra.items() if v is not None})
        return urlencode(params)


def _typed_date(request: HttpRequest) -> str:
    """The date the user typed (dd/mm/yyyy, the page's one date field); `as_of_iso`
    (yyyy-mm-dd) is still read for links saved when the page also had a date picker."""
    return request.GET.get("as_of", "") or request.GET.get("as_of_iso", "")


def _as_of(request: HttpRequest, notices: list[str]) -> date:
    raw = _typed_date(request)
    if not raw:
        return date.today()
    try:
        return check_day(parse_date(raw))
    except CoverageError as e:
        notices.append(str(e))
        return date.today()
    except ValueError as e:
        notices.append(str(e))
        return date.today()


class NoGrant(Http404):
    """The user has no unit to look at."""


def _default_unit(user: Any, on: date) -> Unit:
    """The first granted unit valid on `on`, else the first granted unit (standing in below)."""
    if is_unrestricted(user):
        units = Unit.objects.filter(level=Level.PROVINCE)
    else:
        units = Unit.objects.filter(pk__in=granted_unit_ids(user, Cap.COVERAGE_READ))
    unit = units.active_on(on).order_by("code", "pk").first() or units.order_by("pk").first()
    if unit is None:
        raise NoGrant("Bạn chưa được phân quyền đơn vị nào")
    return unit


def _stand_in(user: Any, unit: Unit, on: date, notices: list[str]) -> tuple[Unit, Unit | None]:
    """(unit, former unit) to show for `unit` on a day it did not exist: its successor or
    predecessor, else the area of the former unit, else a new commune of that area lying
    wholly inside the grants. CoverageError (shown as a notice) when there is none."""
    missing = f"{unit.name} không tồn tại vào ngày {show(on)}"
    other = _counterpart(unit, on)
    if other is not None and other.is_active_on(on) and may_see_unit(user, other):
        notices.append(f"{missing}; hiển thị {other.name}.")
        return other, None
    if unit.valid_from is not None and on < unit.valid_from:
        # A new unit formed from several old ones: those, side by side (as its area).
        olds = area_scope(unit, on)
        if olds.children and may_see_scope(user, olds):
            names = ", ".join(c.name for c in olds.children)
            notices.append(f"{missing}; hiển thị các đơn vị cũ hợp nhất thành: {names}.")
            return unit, unit
    if unit.edition == Unit.Edition.LEGACY and on >= REFORM_DATE:
        area = area_scope(unit, on)
        if may_see_scope(user, area):
            notices.append(f"{missing}; hiển thị {area.name}.")
            return unit, unit
        inside = wholly_inside(user, area.roots)
        for child in area.children:
            if child.pk in inside:
                notices.append(f"{missing}; hiển thị {child.name}.")
                return child, None
    raise CoverageError(
        f"{missing} và không có đơn vị nào thay thế trong phạm vi được phân quyền; "
        "hãy chọn ngày khác hoặc đơn vị khác."
    )


def _counterpart(unit: Unit, on: date) -> Unit | None:
    """The unit standing for `unit` on a day it did not exist: its successor or predecessor."""
    if unit.valid_to and on > unit.valid_to:
        link = unit.successor_links.select_related("new").order_by("-is_default", "pk").first()
        return link.new if link else None
    links = list(unit.predecessor_links.select_related("old")[:2])
    return links[0].old if len(links) == 1 else None  # several: see _stand_in


def _unit_on(
    request: HttpRequest, on: date, notices: list[str], area_of: Unit | None
) -> tuple[Unit, Unit | None]:
    """(unit, former unit whose area is shown) for the request; a unit that did not exist on
    `on` gives way to its stand-in (see _stand_in)."""
    user, raw = request.user, request.GET.get("unit")
    if not raw:
        unit = _default_unit(user, on)
        if area_of is not None or unit.is_active_on(on):
            return unit, area_of
        return _stand_in(user, unit, on, notices)
    if not raw.isdigit():
        raise Http404("Không có đơn vị này")
    unit = get_object_or_404(Unit, pk=raw)
    if not (can_see_unit(user, unit) or may_see_unit(user, unit)):
        raise Http404("Không có đơn vị này")
    if area_of is not None or unit.is_active_on(on):
        return unit, area_of
    try:
        return _stand_in(user, unit, on, notices)
    except CoverageError:
        # Nothing stands in for the chosen unit: the user's own default unit of that day.
        fallback = _default_unit(user, on)
        if fallback.is_active_on(on):
            notices.append(f"{unit.name} không tồn tại vào ngày {show(on)}.")
            return fallback, None
        if fallback == unit:
            raise
        return _stand_in(user, fallback, on, notices)


def _area_of(request: HttpRequest, on: date, notices: list[str]) -> Unit | None:
    """The former unit whose area is asked for, if the whole area lies inside the grants."""
    raw = request.GET.get("area_of")
    if not raw or not raw.isdigit():
        return None
    old = get_object_or_404(Unit, pk=raw)
    if old.edition != Unit.Edition.LEGACY and not (old.valid_from and on < old.valid_from):
        raise Http404("Không có địa bàn đơn vị cũ này")  # only former units, or new before
    if is_unrestricted(request.user):
        return old
    area = area_scope(old, on)
    if may_see_scope(request.user, area):
        return old
    if not can_see_unit(request.user, old):
        raise Http404("Không có đơn vị này")
    notices.append(
        f"{area.name} gồm cả địa bàn ngoài phạm vi được phân quyền của bạn (xã mới hợp nhất "
        "từ xã của đơn vị khác); hãy xem từng xã, phường."
    )
    return None


def scope_of(request: HttpRequest) -> Scope:
    """The unit and day of a page; CoverageError (a notice for the user) when nothing fits."""
    notices: list[str] = []
    on = _as_of(request, notices)
    area_of = _area_of(request, on, notices)
    unit, area_of = _unit_on(request, on, notices, area_of)
    return Scope(unit=unit, on=on, area_of=area_of, notices=notices)


# ---- Figures ----------------------------------------------------------------------------------


def report_for(code: str, scope: Scope, on: date | None = None) -> dict[str, Any]:
    # With `area_of` the engine reports the former unit's area (the old unit itself before
    # 1/7/2025, the new communes descending from it after) and ignores `unit`.
    return coverage_report(
        target_code=code, unit=scope.unit, on=on or scope.on, area_of=scope.area_of
    )


def targets_on(day: date) -> dict[str, Any]:
    """Code → the version valid on `day` of every target, seeded or added in the admin, in
    report order."""
    found: dict[str, Any] = {}
    for target in Target.objects.valid_on(day).order_by("valid_from"):
        found[target.code] = target
    return {code: found[code] for code in ordered_codes(found)}


def child_units(unit: Unit, on: date) -> list[Unit]:
    return list(
        Unit.objects.filter(
            ancestor_links__ancestor=unit,
            ancestor_links__depth=1,
            ancestor_links__valid_from__lte=on,
            ancestor_links__valid_to__gte=on,
        )
    )


def _child_index(units: list[Unit]) -> dict[Any, Unit]:
    index: dict[Any, Unit] = {}
    for u in units:
        index[("id", u.pk)] = u
        index[("name", u.name)] = u
        if u.code:
            index[("code", u.code)] = u
    return index


def child_unit(child: dict[str, Any], index: dict[Any, Unit]) -> Unit | None:
    """The Unit behind a child row of a report (rows carry code and name; villages no code)."""
    info = child.get("unit") or {}
    for key in (("id", info.get("id")), ("code", info.get("code")), ("name", info.get("name"))):
        if key[1] and key in index:
            return index[key]
    return None


# ---- Dashboard ------------------------------------------------------------------------------


def _links(code: str, scope: Scope, report: dict[str, Any]) -> dict[str, str]:
    base = reverse("coverage:gaps")

    def link(kind: str) -> str:
        return f"{base}?{scope.query(target=code, kind=kind)}"

    if "boards" in report:
        return {
            "numerator": link("boards"),
            "denominator": link("boards"),
            "vacant": link("vacant"),
        }
    if "villages" in report:
        return {"numerator": link("villages"), "denominator": link("villages")}
    return {
        "numerator": link("trained"),
        "denominator": link("holders"),
        "due": link("due"),
        "overdue": link("overdue"),
        "vacant": link("vacant"),
        "persons": link("holders"),
        "untrained": link("untrained"),
    }


def _bars(
    short: str, scope: Scope, report: dict[str, Any], index: dict[Any, Unit]
) -> tuple[str, list[dict[str, str]]]:
    """The children's bar chart (worst first) and the children with nothing to count."""
    base = reverse("coverage:dashboard")
    bars, empty = [], []
    for child in report.get("children") or []:
        unit = child_unit(child, index)
        href = f"{base}?{Scope(unit, scope.on).query()}" if unit is not None else ""
        name = (child.get("unit") or {}).get("name", "")
        if child.get("percent") is None:
            empty.append({"name": name, "href": href})
            continue
        num, den = denominators(child)
        bars.append(svg.Bar(name, child.get("percent"), f"{num}/{den}", href))
    bars.sort(key=lambda b: (b.percent or 0.0, b.label))
    title = f"{short}: tỷ lệ theo đơn vị trực thuộc"
    return (svg.bar_chart(bars, title=title) if bars else ""), empty


def target_cards(scope: Scope) -> list[dict[str, Any]]:
    targets = targets_on(scope.on)
    index = _child_index(child_units(scope.unit, scope.on))
    cards = []
    for code, target in targets.items():
        report = report_for(code, scope)
        num, den = denominators(report)
        short = short_name(code, target.title)
        chart, empty = _bars(short, scope, report, index)
        cards.append(
            {
                "code": code,
                "short": short,
                "title": target.title,
                "deadline": show(target.deadline),
                "help": glossary.titles(target.deadline, target.grace_days),
                "report": report,
                "percent": percent_text(report.get("percent")),
                "persons_percent": percent_text(report.get("persons_percent")),
                "low": (report.get("percent") or 0) < 100,
                "numerator": num,
                "denominator": den,
                "links": _links(code, scope, report),
                "chart": chart,
                "empty": empty,
                "csv": reverse("coverage:report_csv") + "?" + scope.query(target=code),
            }
        )
    return cards


def indicator_year(unit: Unit, year: int) -> int:
    """The year of the chosen date, or the latest earlier year with figures for the unit."""
    found = IndicatorValue.objects.filter(unit=unit, year__lte=year).aggregate(y=Max("year"))["y"]
    return found or year


def indicator_rows(unit: Unit, year: int) -> list[dict[str, Any]]:
    values = IndicatorValue.objects.filter(unit=unit, year=year).select_related("indicator")
    by_indicator: dict[int, dict[Any, IndicatorValue]] = {}
    for v in values:
        by_indicator.setdefault(v.indicator_id, {})[v.quarter] = v
    rows = []
    for ind in Indicator.objects.all():
        found = by_indicator.get(ind.pk, {})
        cells = [found.get(q) for q in (None, 1, 2, 3, 4)]
        rows.append({"indicator": ind, "cells": cells})
    return rows


def _breadcrumb(unit: Unit, on: date, user: Any) -> list[Unit]:
    links = (
        UnitAncestry.objects.filter(descendant=unit, valid_from__lte=on, valid_to__gte=on)
        .select_related("ancestor")
        .order_by("-depth")
    )
    visible = [a.ancestor for a in links if a.depth and can_see_unit(user, a.ancestor)]
    return visible


def _choices(user: Any, on: date) -> tuple[list[Unit], list[Unit]]:
    """Units for the unit picker, and former units for the 'area of' picker."""
    if is_unrestricted(user):
        mine = Unit.objects.filter(level=Level.PROVINCE)
    else:
        mine = Unit.objects.filter(pk__in=granted_unit_ids(user, Cap.COVERAGE_READ))
    former = (
        visible(user, Unit)
        .filter(edition=Unit.Edition.LEGACY, level__in=[Level.PROVINCE, Level.DISTRICT])
        .order_by("level", "name")
    )
    return list(mine.order_by("level", "name")), list(former) if on >= REFORM_DATE else []


def notice_page(request: HttpRequest, error: CoverageError) -> HttpResponse:
    """What a page shows instead of figures it cannot compute (a unit not valid that day...)."""
    return render(request, "coverage/notice.html", {"message": str(error)})


def refused_download(error: CoverageError) -> HttpResponse:
    return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")


def download_scope(request: HttpRequest) -> Scope:
    """A download's scope: a date that cannot be read is refused (CoverageError), never
    replaced by today as on the pages, so a file never carries figures of another day."""
    parse_as_of(_typed_date(request) or None)
    return scope_of(request)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        return _dashboard(request)
    except NoGrant:
        return render(request, "coverage/no_unit.html")
    except CoverageError as e:
        return notice_page(request, e)


def _dashboard(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    units, former = _choices(request.user, scope.on)
    cards = target_cards(scope)
    current = {c["code"]: c["report"]["percent"] for c in cards}
    trend = trend_of(scope, current, budget=trend_budget())
    year = indicator_year(scope.unit, scope.on.year)
    context = {
        "scope": scope,
        "as_of_text": show(scope.on),
        "as_of_formal": formal(scope.on),
        "cards": cards,
        "legend": glossary.colour_legend(),
        **trend_context(trend),
        "indicators": indicator_rows(scope.unit, year),
        "indicator_year": year,
        "breadcrumb": _breadcrumb(scope.unit, scope.on, request.user),
        "units": units,
        "former": former,
        "query": scope.query(),
        "may_freeze": holds(request.user, Cap.COVERAGE_FREEZE),
        "targets": [(c["code"], c["short"]) for c in cards],
    }
    return render(request, "coverage/dashboard.html", context)


def trend_context(trend: Any) -> dict[str, Any]:
    """The trend card's parts: the chart, the same points as a table, how many are pending."""
    rows = [
        (label, [percent_text(s.values[i]) for s in trend.series])
        for i, label in enumerate(trend.labels)
    ]
    return {
        "trend": trend_svg(trend),
        "trend_names": [s.name for s in trend.series],
        "trend_rows": rows[::-1],  # the latest month first
        "trend_pending": trend.pending,
    }


@login_required
def trend_fragment(request: HttpRequest) -> HttpResponse:
    """The trend card of a dashboard scope as HTML in JSON, `{"html", "pending"}`: the page
    asks again while points are still being computed (each answer computes more of them
    within the page's time budget) and swaps the card, so nobody has to reload."""
    try:
        scope = scope_of(request)
    except NoGrant:
        raise Http404("Không có đơn vị nào để xem") from None
    except CoverageError as e:
        return JsonResponse({"detail": str(e)}, status=400)
    trend = trend_of(scope, {}, budget=trend_budget())
    context = trend_context(trend) | {"query": scope.query()}
    html = render_to_string("coverage/_trend.html", context, request=request)
    return JsonResponse({"html": html, "pending": trend.pending})


# ---- The named lists behind the numbers -------------------------------------------------------


def gap_rows(
    code: str, scope: Scope, kind: str, *, show_ids: bool, user: Any
) -> list[dict[str, Any]]:
    """Rows of the engine's gap list that belong to `kind`, in its order (unit, then name);
    only the rows inside the user's grants. `trained` and `holders` are the holders behind a
    person-counted target's figures (none for boards and villages)."""
    if kind in HOLDER_KINDS:
        target = targets_on(scope.on).get(code)
        if target is None or target.counting != Target.Counting.PERSON:
            return []
        return holder_rows(
            target_code=code,
            unit=scope.unit,
            on=scope.on,
            area_of=scope.area_of,
            trained=HOLDER_KINDS[kind],
            show_ids=show_ids,
            user=user,
        )
    rows = gaps(
        target_code=code,
        unit=scope.unit,
        on=scope.on,
        area_of=scope.area_of,
        show_ids=show_ids,
        user=user,
    )
    return [r for r in rows if row_matches(r, kind)]


HOLDER_KINDS = {"trained": True, "holders": None}
ROW_KINDS = {
    "untrained": {"holder"},
    "due": {"holder"},
    "overdue": {"holder"},
    "vacant": {"vacant_seat", "vacant_board"},
    "boards": {"board", "board_member"},
    "villages": {"village_without_team"},
}


def row_matches(row: dict[str, Any], kind: str) -> bool:
    if kind == "all":
        return True
    if row["kind"] not in ROW_KINDS[kind]:
        return False
    return kind not in ("due", "overdue") or row["status"] == kind


def table_of(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Headers and text cells of gap rows, as the engine lays them out for people (no STT)."""
    return TABLE_HEADERS[1:], [cells[1:] for cells in table_rows(rows)]


def without_empty_columns(
    headers: list[str], body: list[list[str]]
) -> tuple[list[str], list[list[str]]]:
    """A list of boards has no village column, a list of vacancies no names: drop them."""
    keep = [i for i in range(len(headers)) if any(row[i] for row in body)] or list(
        range(len(headers))
    )
    return [headers[i] for i in keep], [[row[i] for i in keep] for row in body]


@dataclass
class GapTable:
    scope: Scope
    code: str
    short: str
    kind: str
    headers: list[str]
    body: list[list[str]]


def gap_table(request: HttpRequest) -> GapTable:
    """The named list of the request (target, kind, unit, day) as the page and its downloads
    show it; Http404 for an unknown list, NoGrant or CoverageError as the dashboard raises."""
    code = request.GET.get("target", "")
    kind = request.GET.get("kind", "untrained")
    titles = target_titles()
    if code not in titles or kind not in KINDS:
        raise Http404("Không có danh sách này")
    scope = scope_of(request)
    rows = gap_rows(code, scope, kind, show_ids=can_read_ids(request.user), user=request.user)
    headers, body = without_empty_columns(*table_of(rows))
    return GapTable(scope, code, short_name(code, titles[code]), kind, headers, body)


@login_required
def gap_list(request: HttpRequest) -> HttpResponse:
    try:
        table = gap_table(request)
    except NoGrant:
        return render(request, "coverage/no_unit.html")
    except CoverageError as e:
        return notice_page(request, e)
    scope, code, kind = table.scope, table.code, table.kind
    page = Paginator(table.body, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "scope": scope,
        "code": code,
        "short": table.short,
        "kind": kind,
        "kind_text": KINDS[kind],
        "headers": table.headers,
        "page": page,
        "as_of_text": show(scope.on),
        "query": scope.query(target=code, kind=kind),
        "back": reverse("coverage:dashboard") + "?" + scope.query(),
    }
    return render(request, "coverage/gaps.html", context)


def _gap_download(request: HttpRequest, ext: str) -> HttpResponse:
    """Every row of a named list (not only the page's 50) as .xlsx or .csv."""
    try:
        table = gap_table(request)
    except NoGrant:
        raise Http404("Không có đơn vị nào để xem") from None
    except CoverageError as e:
        return refused_download(e)
    scope = table.scope
    title = f"{KINDS[table.kind]}: {table.short} — {scope.unit.name}, ngày {show(scope.on)}"
    name = (
        f"danh-sach-{table.kind}-{table.code}-{scope.unit.code or scope.unit.pk}-{scope.on:%Y%m%d}"
    )
    if ext == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # so Excel opens UTF-8 Vietnamese correctly
        writer = csv.writer(out)
        writer.writerow(["STT", *table.headers])
        for number, row in enumerate(table.body, start=1):
            writer.writerow(neutralised([number, *row]))
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        book = Workbook()
        sheet = book.active
        sheet.title = "Danh sách"
        sheet.append([xlsx_value(title)])
        sheet.append([])
        sheet.append(["STT", *table.headers])
        for number, row in enumerate(table.body, start=1):
            sheet.append([number, *[xlsx_value(c) for c in row]])
        sheet.freeze_panes = "A4"
        response = HttpResponse(save_workbook(book), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
    return response


@login_required
def gap_xlsx(request: HttpRequest) -> HttpResponse:
    return _gap_download(request, "xlsx")


@login_required
def gap_csv(request: HttpRequest) -> HttpResponse:
    return _gap_download(request, "csv")


# ---- Downloads --------------------------------------------------------------------------------


def _filename(scope: Scope, ext: str, code: str = "") -> str:
    name = scope.unit.code or str(scope.unit.pk)
    return f"bao-cao-tap-huan-{code + '-' if code else ''}{name}-{scope.on:%Y%m%d}.{ext}"


def sections_for(
    scope: Scope, codes: list[str], *, with_gaps: bool, show_ids: bool = False, user: Any = None
) -> list[Any]:
    targets = targets_on(scope.on)
    sections = []
    for code in codes or list(targets):
        target = targets.get(code)
        section = Section(
            code=code,
            short=short_name(code, target.title if target else ""),
            title=target.title if target else short_name(code),
            deadline=target.deadline if target else None,
            report=report_for(code, scope),
        )
        if with_gaps:
            rows = gap_rows(code, scope, "all", show_ids=show_ids, user=user)
            section.gap_headers, section.gap_rows = table_of(rows)
        sections.append(section)
    return sections


def _report_name(scope: Scope, sections: list[Any]) -> str:
    return str((sections[0].report.get("unit") or {}).get("name") or scope.unit.name)


def report_workbook(request: HttpRequest) -> tuple[bytes, str]:
    """(the coverage .xlsx of the request's unit, day and target, its file name), as the
    download serves it and a background report job (jobs.tasks) keeps it. CoverageError when
    the day cannot be read; Http404 for a unit the user may not see."""
    code = request.GET.get("target") or ""
    codes = [code] if code in target_titles() else []  # none: every target of the day
    show_ids = can_read_ids(request.user)
    scope = download_scope(request)
    sections = sections_for(scope, codes, with_gaps=True, show_ids=show_ids, user=request.user)
    data = build_workbook(sections=sections, unit_name=_report_name(scope, sections), on=scope.on)
    return data, _filename(scope, "xlsx", code)


@login_required
def report_xlsx(request: HttpRequest) -> HttpResponse:
    try:
        data, filename = report_workbook(request)
    except CoverageError as e:
        return refused_download(e)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def report_csv(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("target") or ""
    codes = [code] if code in target_titles() else []  # none: every target of the day
    try:
        scope = download_scope(request)
        sections = sections_for(scope, codes, with_gaps=False)
    except CoverageError as e:
        return refused_download(e)
    text = build_csv(sections=sections, unit_name=_report_name(scope, sections), on=scope.on)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(scope, "csv", code)}"'
    return response


# ---- Frozen reports -------------------------------------------------------------------------


@login_required
@require_POST
def freeze(request: HttpRequest) -> HttpResponse:
    try:
        scope = scope_of(request)
    except CoverageError as e:
        messages.error(request, str(e))
        return redirect("coverage:dashboard")
    try:
        frozen = freeze_report(
            target_code=request.POST.get("target", ""),
            unit=scope.unit,
            on=scope.on,
            by=request.user,
            note=request.POST.get("note", ""),
        )
    except CoverageError as e:
        messages.error(request, str(e))
        return redirect(reverse("coverage:dashboard") + "?" + scope.query())
    short = short_name(frozen.target_code, target_titles().get(frozen.target_code, ""))
    messages.success(request, f"Đã chốt báo cáo {short} ngày {show(scope.on)}")
    return redirect("coverage:frozen_compare", pk=frozen.pk)


def _visible_frozen(user: Any) -> Any:
    return visible(user, FrozenReport).select_related("unit", "frozen_by")


@login_required
def frozen_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_visible_frozen(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    titles = target_titles()
    for f in page.object_list:  # the target's name, not only its code
        f.title = short_name(f.target_code, titles.get(f.target_code, ""))
    return render(request, "coverage/frozen_list.html", {"page": page})


FIGURE_KEYS = [
    ("holders", "Số người giữ chức danh"),
    ("trained", "Đã tập huấn"),
    ("boards", "Số ban"),
    ("boards_covered", "Số ban đạt"),
    ("villages", "Số thôn, tổ dân phố"),
    ("villages_covered", "Có tổ trưởng tổ dân vận"),
    ("percent", "Tỷ lệ (%)"),
    ("due", "Trong hạn"),
    ("overdue", "Quá hạn"),
    ("vacant", "Còn trống"),
]


def _unit_key(row: dict[str, Any]) -> tuple[str, str]:
    info = row.get("unit") or {}
    return (str(info.get("code") or ""), str(info.get("name") or ""))


def compare_rows(frozen: dict[str, Any], live: dict[str, Any]) -> tuple[list, list]:
    """Per unit row (the unit, then its children): frozen and live values, differences marked."""
    keys = [(k, t) for k, t in FIGURE_KEYS if k in frozen or k in live]
    live_children = {_unit_key(c): c for c in live.get("children") or []}
    pairs = [(frozen, live)]
    pairs += [(c, live_children.pop(_unit_key(c), {})) for c in frozen.get("children") or []]
    pairs += [({}, c) for c in live_children.values()]
    rows = []
    for old, new in pairs:
        info = (old or new).get("unit") or {}
        cells = [
            {"frozen": old.get(k), "live": new.get(k), "changed": old.get(k) != new.get(k)}
            for k, _ in keys
        ]
        rows.append(
            {
                "name": info.get("name", ""),
                "cells": cells,
                "changed": any(c["changed"] for c in cells),
            }
        )
    return [t for _, t in keys], rows


@login_required
def glossary_page(request: HttpRequest) -> HttpResponse:
    """What every figure of the reports means, and the colours of the bars."""
    rows = [
        (code, short_name(code, t.title), glossary.due_text(t.deadline, t.grace_days))
        for code, t in targets_on(date.today()).items()
    ]
    context = {"terms": glossary.terms(), "legend": glossary.colour_legend(), "due_by_target": rows}
    return render(request, "coverage/glossary.html", context)


def _frozen_title(frozen: FrozenReport) -> str:
    return short_name(frozen.target_code, target_titles().get(frozen.target_code, ""))


@login_required
def frozen_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen figures beside today's for the same target, unit and day: only the rows
    that changed, unless `?all=1`."""
    frozen = get_object_or_404(_visible_frozen(request.user), pk=pk)
    live = coverage_report(target_code=frozen.target_code, unit=frozen.unit, on=frozen.as_of)
    headers, rows = compare_rows(frozen.figures, live)
    every = request.GET.get("all") == "1"
    context = {
        "frozen": frozen,
        "short": _frozen_title(frozen),
        "headers": headers,
        "rows": rows,
        "shown": rows if every else [r for r in rows if r["changed"]],
        "every": every,
        "changed": sum(r["changed"] for r in rows),
        "as_of_text": show(frozen.as_of),
    }
    return render(request, "coverage/frozen_compare.html", context)


@login_required
def frozen_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as it was frozen (sent upward): the unit's row, then its children's."""
    frozen = get_object_or_404(_visible_frozen(request.user), pk=pk)
    figures = frozen.figures
    keys = [(k, t) for k, t in FIGURE_KEYS if k in figures]
    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo đã chốt"
    by = frozen.frozen_by.get_full_name() or frozen.frozen_by.username if frozen.frozen_by else ""
    sheet.append([xlsx_value(f"{_frozen_title(frozen)} — {frozen.unit.name}")])
    sheet.append([f"Tính đến ngày {show(frozen.as_of)}"])
    sheet.append(
        [xlsx_value(f"Chốt lúc {frozen.frozen_at:%d/%m/%Y %H:%M} bởi {by or '—'}")]
        + ([xlsx_value(f"Số văn bản, ghi chú: {frozen.note}")] if frozen.note else [])
    )
    sheet.append([])
    sheet.append(["Đơn vị", "Mã đơn vị", *[t for _, t in keys]])
    for row in [figures, *(figures.get("children") or [])]:
        info = row.get("unit") or {}
        values = [row.get(k) for k, _ in keys]
        sheet.append([xlsx_value(info.get("name", "")), info.get("code") or "", *values])
    sheet.freeze_panes = "C6"
    sheet.column_dimensions["A"].width = 36
    response = HttpResponse(
        save_workbook(book),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"bao-cao-da-chot-{frozen.pk}-{frozen.as_of:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ---- Indicators -----------------------------------------------------------------------------


def _indicator_form_values(request: HttpRequest) -> dict[str, Any]:
    from decimal import Decimal, InvalidOperation

    post = request.POST
    try:
        indicator = Indicator.objects.get(pk=post.get("indicator") or 0)
        unit = Unit.objects.get(pk=post.get("unit") or 0)
        year = int(post.get("year", ""))
        quarter = int(post["quarter"]) if post.get("quarter") else None
        value = Decimal(post.get("value", "").replace(",", ".").replace("%", "").strip())
    except (Indicator.DoesNotExist, Unit.DoesNotExist, ValueError, InvalidOperation):
        raise CoverageError("Hãy chọn chỉ tiêu, đơn vị, ghi năm và giá trị bằng số") from None
    return {
        "indicator": indicator,
        "unit": unit,
        "year": year,
        "quarter": quarter,
        "value": value,
        "source": post.get("source", ""),
    }


def _indicator_units(user: Any, on: date) -> list[Unit]:
    return list(
        visible(user, Unit.objects.all())
        .active_on(on)
        .exclude(level=Level.VILLAGE)
        .order_by("level", "name")[:500]
    )


@login_required
def indicators(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            saved = record_indicator_value(**_indicator_form_values(request), by=request.user)
        except CoverageError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, f"Đã lưu {saved.indicator.title}, {saved.period_text}")
            return redirect(request.get_full_path())
    values = visible(request.user, IndicatorValue).select_related("indicator", "unit")
    selected = request.GET.get("unit", "")
    if selected.isdigit():
        values = values.filter(unit_id=selected)
    page = Paginator(values, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "catalogue": Indicator.objects.all(),
        "units": _indicator_units(request.user, date.today()),
        "year": date.today().year,
        "selected_unit": selected,
    }
    return render(request, "coverage/indicators.html", context)


@login_required
def indicator_import(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST" and request.FILES.get("file"):
        try:
            count = import_indicator_values(file=request.FILES["file"], by=request.user)
        except CoverageError as e:
            errors = e.errors
            messages.error(request, str(e))
        else:
            messages.success(request, f"Đã nhập {count} dòng số liệu")
            return redirect("coverage:indicators")
    return render(request, "coverage/indicator_import.html", {"errors": errors})
