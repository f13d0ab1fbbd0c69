from django.contrib import admin

from coverage.models import FrozenReport, Indicator, IndicatorValue
from people.admin_scope import ScopedAdminMixin


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "comparison", "target_value", "unit_of_measure", "order"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_unit_field = "unit"
    list_display = ["indicator", "unit", "year", "quarter", "value", "source", "entered_by"]
    list_filter = ["indicator", "year"]
    list_select_related = ["indicator", "unit", "entered_by"]
    raw_id_fields = ["unit"]
    readonly_fields = ["entered_by", "entered_at"]


@admin.register(FrozenReport)
class FrozenReportAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: a frozen report is what was sent; it is never edited afterwards."""

    scope_unit_field = "unit"

    list_display = ["target_code", "unit", "as_of", "note", "frozen_by", "frozen_at"]
    list_select_related = ["unit", "frozen_by"]

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
