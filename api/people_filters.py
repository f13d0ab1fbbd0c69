"""Query-string filters of the registry API (django-filter FilterSets)."""

from datetime import date
from typing import TypeVar

import django_filters as filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request

from access.policy import can_read_ids
from config.dates import parse_date
from people.models import (
    Level,
    Organisation,
    OrganisationQuerySet,
    OrgKind,
    Person,
    Position,
    PositionQuerySet,
    Unit,
    UnitQuerySet,
)
from people.text import fold


def day_of(request: Request) -> date:
    """The `as_of` date of a request (YYYY-MM-DD or dd/mm/yyyy), today when absent."""
    raw = request.query_params.get("as_of", "").strip()
    if not raw:
        return timezone.localdate()
    try:
        return parse_date(raw)
    except ValueError as e:
        raise ValidationError({"as_of": [str(e)]}) from e


class DayField(forms.Field):
    """A date typed the Vietnamese way or ISO."""

    def to_python(self, value: object) -> date | None:
        if value in (None, ""):
            return None
        try:
            return parse_date(value)
        except ValueError as e:
            raise forms.ValidationError(str(e)) from e


# A date parameter: ISO in the schema (dd/mm/yyyy is accepted too), years 1900–2999 as the
# date parser allows.
DAY = {"type": "string", "format": "date", "pattern": "^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$"}


@extend_schema_field(DAY)
class DayFilter(filters.Filter):
    field_class = DayField


ID_IN_URL = (
    "Số CCCD không được gửi trong địa chỉ (URL được ghi vào nhật ký máy chủ); "
    'tra cứu bằng POST /api/v1/people/lookup/ với {"citizen_id": "..."}'
)

# Ids are BigAutoField: a larger number would overflow the database driver (a 500, not a 400).
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    """The id of a row: a whole number from 1 to MAX_ID, else a 400 naming the parameter."""

    default_error_messages = {
        "invalid": "Phải là một số id (số nguyên dương)",
        "min_value": "Phải là một số id (số nguyên dương)",
        "max_value": f"Số id quá lớn (tối đa {MAX_ID})",
    }

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)  # type: ignore[arg-type]


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    field_class = IdField

    def get_max_validator(self) -> None:
        return None  # IdField has its own bound


QS = TypeVar("QS", bound=QuerySet)


def _search(queryset: QS, field: str, value: str) -> QS:
    """Accent-insensitive: 'Quan Ba' finds 'Quản Bạ' through the folded `search_text`."""
    folded = fold(value)
    return queryset.filter(**{f"{field}__contains": folded}) if folded else queryset


class DatedFilterSet(filters.FilterSet):
    """Filters whose meaning depends on the `as_of` date (today when absent)."""

    @property
    def day(self) -> date:
        return day_of(self.request)


class UnitFilter(DatedFilterSet):
    as_of = DayFilter(method="filter_as_of", help_text="Chỉ các đơn vị có hiệu lực vào ngày này")
    code = filters.CharFilter(help_text="Mã GSO (hiểu theo danh mục có hiệu lực vào as_of)")
    level = filters.ChoiceFilter(choices=Level.choices, help_text="Cấp đơn vị")
    kind = filters.ChoiceFilter(choices=Unit.Kind.choices, help_text="Loại đơn vị")
    within = IdFilter(
        method="filter_within", help_text="Id một đơn vị: các đơn vị thuộc nó vào ngày as_of"
    )
    parent = IdFilter(
        method="filter_parent", help_text="Id một đơn vị: các đơn vị con trực tiếp vào ngày as_of"
    )
    search = filters.CharFilter(method="filter_search", help_text="Tên, không phân biệt dấu")

    class Meta:
        model = Unit
        fields = ["as_of", "code", "level", "kind", "within", "parent", "search"]

    def filter_as_of(self, queryset: UnitQuerySet, name: str, value: date) -> UnitQuerySet:
        return queryset.active_on(value)

    def filter_within(self, queryset: UnitQuerySet, name: str, value: int) -> UnitQuerySet:
        return queryset.filter(pk__in=Unit.objects.within(value, on=self.day).values("pk"))

    def filter_parent(self, queryset: UnitQuerySet, name: str, value: int) -> UnitQuerySet:
        # `parent_id_on` is the annotation of the parent on the same date (see the viewset).
        return queryset.filter(parent_id_on=value)  # type: ignore[misc]

    def filter_search(self, queryset: UnitQuerySet, name: str, value: str) -> UnitQuerySet:
        return _search(queryset, "search_text", value)


class OrganisationFilter(DatedFilterSet):
    as_of = DayFilter(method="filter_as_of", help_text="Chỉ các tổ chức hoạt động vào ngày này")
    unit = IdFilter(field_name="unit_id", help_text="Id đơn vị đặt tổ chức")
    kind = filters.ChoiceFilter(choices=OrgKind.choices, help_text="Loại tổ chức")
    within = IdFilter(
        method="filter_within", help_text="Id một đơn vị: các tổ chức thuộc nó vào ngày as_of"
    )
    search = filters.CharFilter(method="filter_search", help_text="Tên, không phân biệt dấu")

    class Meta:
        model = Organisation
        fields = ["as_of", "unit", "kind", "within", "search"]

    def filter_as_of(
        self, queryset: OrganisationQuerySet, name: str, value: date
    ) -> OrganisationQuerySet:
        return queryset.active_on(value)

    def filter_within(
        self, queryset: OrganisationQuerySet, name: str, value: int
    ) -> OrganisationQuerySet:
        return queryset.within(value, on=self.day)

    def filter_search(
        self, queryset: OrganisationQuerySet, name: str, value: str
    ) -> OrganisationQuerySet:
        return _search(queryset, "search_text", value)


class PersonFilter(DatedFilterSet):
    as_of = DayFilter(method="filter_day_only", help_text="Ngày dùng cho bộ lọc unit")
    search = filters.CharFilter(method="filter_search", help_text="Họ và tên, không phân biệt dấu")
    citizen_id = filters.CharFilter(
        method="filter_citizen_id",
        help_text="Không dùng: số CCCD không được nằm trong URL; tra cứu bằng "
        'POST /api/v1/people/lookup/ {"citizen_id": "..."}',
    )
    unit = IdFilter(
        method="filter_unit",
        help_text="Id một đơn vị: những người giữ chức danh ở đơn vị đó vào ngày as_of",
    )

    class Meta:
        model = Person
        fields = ["as_of", "search", "citizen_id", "unit"]

    def filter_day_only(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        """People have no dates of their own: `as_of` only dates the `unit` filter."""
        return queryset

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, "search_text", value)

    def filter_citizen_id(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Looking a number up would reveal it: only those who may read IDs can.
        if not can_read_ids(self.request.user):
            raise PermissionDenied("Bạn không có quyền tra cứu theo số CCCD")
        # A URL is written to server and proxy logs: the number goes in a POST body.
        raise ValidationError({"citizen_id": [ID_IN_URL]})

    def filter_unit(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        day = self.day
        holders = Position.objects.active_on(day).within(value, on=day).values("person_id")
        return queryset.filter(pk__in=holders)


class PositionFilter(DatedFilterSet):
    as_of = DayFilter(method="filter_as_of", help_text="Chỉ các chức vụ còn hiệu lực vào ngày này")
    role = filters.CharFilter(field_name="role__code", help_text="Mã chức danh")
    unit = IdFilter(
        method="filter_unit", help_text="Id một đơn vị: chức vụ ở các tổ chức thuộc nó vào as_of"
    )
    person = IdFilter(field_name="person_id", help_text="Id người")

    class Meta:
        model = Position
        fields = ["as_of", "role", "unit", "person"]

    def filter_as_of(self, queryset: PositionQuerySet, name: str, value: date) -> PositionQuerySet:
        return queryset.active_on(value)

    def filter_unit(self, queryset: PositionQuerySet, name: str, value: int) -> PositionQuerySet:
        return queryset.within(value, on=self.day)
