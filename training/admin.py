"""Admin of the training catalogue and data (Vietnamese labels come from the models)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from access.admin import InlinePolicy, PolicyAdmin
from people.ids import ID_IN_URL, holds_number
from training import services
from training.models import (
    Attendance,
    Course,
    Enrollment,
    Notice,
    Programme,
    Session,
    Target,
    TargetRule,
    TrainingRecord,
)


@admin.register(Programme)
class ProgrammeAdmin(PolicyAdmin):
    list_display = ["code", "title", "kind", "days", "min_attendance_share", "validity_months",
                    "has_certificate"]  # fmt: skip
    search_fields = ["code", "title"]

    def save_model(self, request: HttpRequest, obj: Programme, form: Any, change: bool) -> None:
        validity = obj.validity_months
        super().save_model(request, obj, form, change)
        if change and "validity_months" in form.changed_data:
            # Records keep their expiry date: re-date them through the service.
            changed = services.change_programme_validity(programme=obj, validity_months=validity)
            self.message_user(request, f"Đã tính lại hạn của {changed} kết quả tập huấn")


class TargetRuleInline(InlinePolicy, admin.TabularInline):
    model = TargetRule
    extra = 0
    filter_horizontal = ["programmes"]
    autocomplete_fields = ["role"]


@admin.register(Target)
class TargetAdmin(PolicyAdmin):
    list_display = ["code", "counting", "deadline", "grace_days", "member_share", "valid_from",
                    "valid_to"]  # fmt: skip
    list_filter = ["counting"]
    search_fields = ["code", "title"]
    inlines = [TargetRuleInline]


class SessionInline(InlinePolicy, admin.TabularInline):
    model = Session
    extra = 0


class EnrollmentInline(InlinePolicy, admin.TabularInline):
    model = Enrollment
    extra = 0
    fields = ["person", "status", "role_label", "unit_name", "essay_mark", "override_reason"]
    readonly_fields = ["status", "role_label", "unit_name", "override_reason"]
    autocomplete_fields = ["person"]
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Invitations go through the course page or the API, which keep the capacity.
        return False


@admin.action(description="Kết thúc lớp và ghi kết quả tập huấn")
def close_courses(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Course]) -> None:
    for course in queryset:
        try:
            records = services.close_course(course=course, by=request.user)
            modeladmin.message_user(request, f"{course}: {len(records)} người hoàn thành")
        except services.TrainingError as e:
            modeladmin.message_user(request, f"{course}: {e}", messages.ERROR)


@admin.register(Course)
class CourseAdmin(PolicyAdmin):
    list_display = ["title", "programme", "organiser_name", "venue", "capacity", "status"]
    list_filter = ["status", "programme"]
    search_fields = ["title", "venue", "organiser_name"]
    autocomplete_fields = ["organiser", "venue_unit", "audience_units"]
    readonly_fields = ["created_by", "created_at", "closed_at", "closed_by"]
    inlines = [SessionInline, EnrollmentInline]
    actions = [close_courses]
    list_select_related = ["programme"]


@admin.register(Session)
class SessionAdmin(PolicyAdmin):
    """Sessions are edited on their course; listed here for search (attendance choices)."""

    list_display = ["course", "starts_at", "ends_at", "title"]
    search_fields = ["course__title", "title"]
    list_select_related = ["course"]


@admin.register(Enrollment)
class EnrollmentAdmin(PolicyAdmin):
    list_display = ["person", "course", "status", "role_label", "unit_name", "created_at"]
    list_filter = ["status"]
    search_fields = ["person__full_name", "course__title"]
    autocomplete_fields = ["person", "course"]
    readonly_fields = ["overridden_by", "overridden_at", "invited_by", "created_at"]
    list_select_related = ["person", "course"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Attendance)
class AttendanceAdmin(PolicyAdmin):
    list_display = ["enrollment", "session", "status", "recorded_at"]
    list_filter = ["status"]
    autocomplete_fields = ["session", "enrollment"]
    list_select_related = ["enrollment__person", "enrollment__course", "session__course"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(PolicyAdmin):
    list_display = ["person", "programme", "completed_on", "expires_on", "source",
                    "organiser_name", "certificate_number"]  # fmt: skip
    list_filter = ["source", "programme"]
    search_fields = ["person__full_name", "certificate_number"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        # A citizen ID in `?q=` would be in the URL (and the server's log): find the person by
        # ID with the POST form of the people list, their records are on their page.
        if holds_number(search_term):
            messages.warning(request, ID_IN_URL)
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    autocomplete_fields = ["person", "course", "enrollment"]
    date_hierarchy = "completed_on"
    list_select_related = ["person", "programme"]


@admin.register(Notice)
class NoticeAdmin(PolicyAdmin):
    """E-mails sent about invitations: read-only, a record that each was sent once."""

    list_display = ["enrollment", "kind", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["enrollment__person", "enrollment__course"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
