from django.contrib import admin

from access.admin import PolicyAdmin
from coverage.models import FrozenReport, Indicator, IndicatorValue


@admin.register(Indicator)
class IndicatorAdmin(PolicyAdmin):
    list_display = ["code", "title", "comparison", "target_value", "unit_of_measure", "order"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(PolicyAdmin):
    list_display = ["indicator", "unit", "year", "quarter", "value", "source", "entered_by"]
    list_filter = ["indicator", "year"]
    list_select_related = ["indicator", "unit", "entered_by"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["entered_by", "entered_at"]


@admin.register(FrozenReport)
class FrozenReportAdmin(PolicyAdmin):
    """Read-only: a frozen report is what was sent; it is never edited afterwards."""

    list_display = ["target_code", "unit", "as_of", "note", "frozen_by", "frozen_at"]
    list_select_related = ["unit", "frozen_by"]

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
