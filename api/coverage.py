"""Coverage over HTTP: GET /api/v1/coverage/ (the report JSON) and GET /api/v1/gaps/ (the named
gaps, paginated). Both are scoped to the caller's granted units."""

from datetime import date

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.policy import (
    Cap,
    User,
    can_read_ids,
    granted_unit_ids,
    is_unrestricted,
    wholly_inside,
)
from api.pagination import PageNumberPagination
from api.people_filters import DAY, MAX_ID
from coverage.gaps import scope_gaps
from coverage.report import scope_report
from coverage.rules import load_rules
from coverage.services import CoverageError
from coverage.units import (
    Scope,
    area_scope,
    build_scope,
    may_see_scope,
    may_see_unit,
    parse_as_of,
    resolve_old_unit,
    resolve_unit,
    unit_header,
    units_scope,
)
from people.models import REFORM_DATE, Unit

GRANTS_NAME = "Các đơn vị được phân quyền"
CODE = {"type": "string", "pattern": "^[0-9]{1,5}$"}
PARAMETERS = [
    OpenApiParameter(
        "target", {"type": "string", "minLength": 1}, required=True,
        description="mã chỉ tiêu, vd. nq33-village (404 khi không có)",
    ),
    OpenApiParameter("unit", CODE, description="mã GSO của đơn vị, đọc theo ngày as_of"),
    OpenApiParameter(
        "unit_id", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        description="mã số đơn vị trong hệ thống",
    ),
    OpenApiParameter(
        "as_of", DAY, description="YYYY-MM-DD (hoặc dd/mm/yyyy); mặc định hôm nay"
    ),
    OpenApiParameter(
        "area_of", CODE, description="mã đơn vị cũ (đọc ngày 30/06/2025) hoặc mã số"
    ),
]  # fmt: skip


def _by_id(value: str | None) -> Unit | None:
    if not value:
        return None
    if not str(value).isdigit():
        raise CoverageError(f"Mã số đơn vị «{value}» không hợp lệ")
    unit = Unit.objects.filter(pk=int(value)).first()
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị")
    return unit


def _unit(params: dict, on: date) -> Unit | None:
    """`unit` is a GSO code read on the date; `unit_id` our own key."""
    if params.get("unit"):
        return resolve_unit(params["unit"], on)
    return _by_id(params.get("unit_id"))


def _area_of(params: dict) -> Unit | None:
    """`area_of` is a legacy GSO code (read on 30/06/2025) or, failing that, our own key."""
    if params.get("area_of"):
        try:
            return resolve_old_unit(params["area_of"])
        except CoverageError:
            return _by_id(params["area_of"])
    return _by_id(params.get("area_of_id"))


def _granted_units(user: User, on: date) -> list[Unit]:
    """The user's granted units valid on `on`; a former unit granted before the reform stands
    for the new communes of its area that lie wholly inside the grants (a Hà Giang
    commissioner keeps seeing Hà Giang, never a commune formed partly from elsewhere)."""
    units, area = [], []
    for unit in Unit.objects.filter(pk__in=granted_unit_ids(user, Cap.COVERAGE_READ)):  # type: ignore[arg-type]
        if unit.is_active_on(on) or on < REFORM_DATE:
            units.append(unit)
        else:
            area.extend(area_scope(unit, on).children)
    if area:
        inside = wholly_inside(user, area)
        units.extend(u for u in area if u.pk in inside)
    return units


def scope_for(request: Request, on: date) -> tuple[Scope, Unit | None]:
    """The scope asked for, checked against the caller's grants (404 outside them); without a
    unit, the whole country for a superuser and the granted units for everyone else."""
    params, user = request.query_params, request.user
    area_of = _area_of(params)
    if area_of is not None:
        scope = area_scope(area_of, on)
        if not may_see_scope(user, scope):
            raise NotFound("Không tìm thấy đơn vị")
        return scope, area_of
    unit = _unit(params, on)
    if unit is not None:
        if not may_see_unit(user, unit):
            raise NotFound("Không tìm thấy đơn vị")
        return build_scope(unit, on), None
    if is_unrestricted(user):  # type: ignore[arg-type]
        return build_scope(None, on), None
    scope = units_scope(_granted_units(user, on), on, name=GRANTS_NAME)
    if not scope.roots:
        raise CoverageError(f"Không có đơn vị được phân quyền còn hiệu lực vào ngày {on:%d/%m/%Y}")
    return scope, None


def _target(request: Request) -> str:
    target = request.query_params.get("target")
    if not target:
        raise CoverageError("Thiếu tham số target (mã chỉ tiêu)")
    return target


class CoverageView(APIView):
    """The coverage report of a target for a unit on a date, with its direct children."""

    @extend_schema(parameters=PARAMETERS, responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        on = parse_as_of(request.query_params.get("as_of"))
        rules = load_rules(_target(request), on)
        scope, area_of = scope_for(request, on)
        report = scope_report(rules=rules, scope=scope, on=on)
        if area_of is not None:
            report["area_of"] = unit_header(area_of)
        return Response(report)


class GapsView(APIView):
    """The named gaps behind a report, paginated: `{count, next, previous, results}`."""

    @extend_schema(
        parameters=[
            *PARAMETERS,
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        on = parse_as_of(request.query_params.get("as_of"))
        rules = load_rules(_target(request), on)
        scope, _ = scope_for(request, on)
        show_ids = can_read_ids(request.user)  # type: ignore[arg-type]
        rows = scope_gaps(rules=rules, scope=scope, on=on, show_ids=show_ids, user=request.user)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response(page)


urlpatterns = [
    path("coverage/", CoverageView.as_view(), name="api-coverage"),
    path("gaps/", GapsView.as_view(), name="api-gaps"),
]
