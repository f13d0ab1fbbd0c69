"""REST API of training under /api/v1/: programmes, targets, courses, sessions, enrollments,
attendance and training records. Every queryset is scoped to the caller's units; writes go
through training.services, whose TrainingError becomes a 400."""

from contextlib import AbstractContextManager
from datetime import time
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, routers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import Refused, refusing
from people.access import has_role, is_unrestricted, visible_unit_ids
from people.models import Grant, Organisation, Person, Unit
from training import ics, services
from training.access import (
    OUT_OF_SCOPE,
    REFUSED,
    WRITERS,
    may_write_units,
    owner_units,
    writable_people,
)
from training.models import (
    Attendance,
    Course,
    Enrollment,
    Programme,
    Session,
    Target,
    TargetRule,
    TrainingRecord,
)

# Training writes: administrators and organisers; the Commission and clerks only read.
ORGANISERS = WRITERS
RECORD_KEEPERS = WRITERS
SAFE = permissions.SAFE_METHODS


UPLOAD = {
    "multipart/form-data": {
        "type": "object",
        "properties": {
            "file": {"type": "string", "format": "binary"},
            "dry_run": {"type": "boolean"},
        },
    }
}


def refusals() -> AbstractContextManager[None]:
    return refusing(services.TrainingError)


class Organisers(permissions.BasePermission):
    """Every granted user reads; organisers and administrators write (within their units)."""

    message = "Chỉ đơn vị tổ chức và quản trị viên được thay đổi dữ liệu tập huấn"
    roles: tuple[str, ...] = ORGANISERS

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        return request.method in SAFE or is_unrestricted(user) or has_role(user, *self.roles)


class RecordKeepers(Organisers):
    roles = RECORD_KEEPERS


class Administrators(Organisers):
    roles = (Grant.Role.ADMINISTRATOR,)


class ICalendarRenderer(BaseRenderer):
    """Lets calendar apps that ask for text/calendar through DRF's content negotiation."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: Any = None, context: Any = None) -> bytes:
        return data.encode() if isinstance(data, str) else str(data).encode()


CALENDAR_RENDERERS = [ICalendarRenderer, JSONRenderer]


def require_visible_units(user: Any, units: list[Unit]) -> None:
    if is_unrestricted(user):
        return
    seen = set(
        visible_unit_ids(user)
        .filter(descendant_id__in=[u.pk for u in units])
        .values_list("descendant_id", flat=True)
    )
    if any(u.pk not in seen for u in units):
        raise PermissionDenied("Đơn vị này nằm ngoài phạm vi bạn được phân quyền")


def require_writable(user: Any, course_id: int) -> None:
    """Seeing a course (addressed to one's unit) is not enough to change it."""
    if not Course.objects.writable_by(user).filter(pk=course_id).exists():
        raise PermissionDenied(OUT_OF_SCOPE)


class WritesNeedCourseScope:
    """Objects are looked up among those the user sees; a change (any unsafe method) also
    needs the course to be one the user may change."""

    request: Request

    def get_object(self) -> Any:
        obj = super().get_object()  # type: ignore[misc]
        if self.request.method not in SAFE:
            require_writable(
                self.request.user, obj.pk if isinstance(obj, Course) else obj.course_id
            )
        return obj


# --- serializers -------------------------------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = [
            "id", "code", "title", "kind", "days", "topics", "min_attendance_share",
            "requires_essay", "passing_mark", "validity_months", "has_certificate",
        ]  # fmt: skip


class TargetRuleSerializer(serializers.ModelSerializer):
    role: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    role_label = serializers.CharField(source="role.label", read_only=True)
    programmes: Any = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = TargetRule
        fields = ["role", "role_label", "programmes"]


class TargetSerializer(serializers.ModelSerializer):
    rules = TargetRuleSerializer(many=True, read_only=True)

    class Meta:
        model = Target
        fields = [
            "id", "code", "title", "legal_basis", "counting", "deadline", "grace_days",
            "member_share", "recognised_since", "valid_from", "valid_to", "rules",
        ]  # fmt: skip


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "course", "starts_at", "ends_at", "title"]


class CourseSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", queryset=Programme.objects.all())
    target = serializers.PrimaryKeyRelatedField(
        queryset=Target.objects.all(), required=False, allow_null=True
    )
    organiser = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    venue_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True
    )
    audience_units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), many=True, required=False
    )
    sessions = SessionSerializer(many=True, read_only=True)
    seats_taken = serializers.IntegerField(read_only=True)
    waitlisted = serializers.IntegerField(read_only=True)

    class Meta:
        model = Course
        fields = [
            "id", "programme", "title", "organiser", "organiser_name", "venue", "venue_unit",
            "trainer", "capacity", "target", "audience_units", "registration_deadline", "status",
            "created_at", "closed_at", "seats_taken", "waitlisted", "sessions",
        ]  # fmt: skip
        read_only_fields = ["created_at", "closed_at"]


class EnrollmentSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="person.full_name", read_only=True)
    attended = serializers.IntegerField(read_only=True)

    class Meta:
        model = Enrollment
        fields = [
            "id", "course", "person", "full_name", "status", "role_label", "unit_name",
            "essay_mark", "override_reason", "overridden_at", "created_at", "attended",
        ]  # fmt: skip
        read_only_fields = [
            "status", "role_label", "unit_name", "override_reason", "overridden_at", "created_at",
        ]  # fmt: skip


class OverrideSerializer(serializers.Serializer):
    completed = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)


class RecurrenceSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField(min_value=0, max_value=60, required=False, default=0)
    weekday = serializers.IntegerField(min_value=0, max_value=6, required=False, allow_null=True)
    weeks = serializers.IntegerField(min_value=0, max_value=104, required=False, default=0)
    starts = serializers.TimeField(required=False, default=time(7, 30))
    ends = serializers.TimeField(required=False, default=time(16, 30))
    skip_holidays = serializers.BooleanField(required=False, default=True)
    title = serializers.CharField(required=False, allow_blank=True, default="")


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "session", "enrollment", "status", "recorded_at"]


class MarkSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    enrollment = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Attendance.Status.choices)


class TrainingRecordSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", queryset=Programme.objects.all())
    full_name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = TrainingRecord
        fields = [
            "id", "person", "full_name", "programme", "completed_on", "expires_on", "course",
            "enrollment", "organiser_name", "certificate_number", "note", "source",
        ]  # fmt: skip
        read_only_fields = ["expires_on", "course", "enrollment", "source"]


# --- viewsets ----------------------------------------------------------------------------


class ProgrammeViewSet(viewsets.ModelViewSet):
    """Training programmes (chương trình): read by all, edited by administrators."""

    serializer_class = ProgrammeSerializer
    permission_classes = [Administrators]
    queryset = Programme.objects.order_by("code")
    http_method_names = ["get", "post", "patch", "head", "options"]


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    """Training targets (chỉ tiêu) with the programmes each role's holders may complete."""

    serializer_class = TargetSerializer
    queryset = Target.objects.order_by("code", "valid_from").prefetch_related(
        "rules__role", "rules__programmes"
    )
    filterset_fields = ["code"]


def seats(queryset: QuerySet[Course]) -> QuerySet[Course]:
    held = Q(enrollments__status__in=[Enrollment.Status.INVITED, Enrollment.Status.CONFIRMED])
    waiting = Q(enrollments__status=Enrollment.Status.WAITLISTED)
    return queryset.annotate(
        seats_taken=Count("enrollments", filter=held),
        waitlisted=Count("enrollments", filter=waiting),
    )


class CourseViewSet(
    WritesNeedCourseScope,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Courses (lớp, hội nghị tập huấn) organised in or addressed to the caller's units."""

    serializer_class = CourseSerializer
    permission_classes = [Organisers]
    filterset_fields = ["status", "programme", "organiser", "target"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Course]:
        courses = Course.objects.visible_to(self.request.user).select_related("programme")
        return seats(courses).prefetch_related("sessions", "audience_units").order_by("-pk")

    def _check_scope(self, data: dict[str, Any], *, course: Course | None = None) -> None:
        """Every unit named must be visible, and the course as saved must stay one the user
        may change (its organiser's unit, else its venue, else its audience)."""
        user = self.request.user
        units = list(data.get("audience_units", []))
        if data.get("venue_unit"):
            units.append(data["venue_unit"])
        if data.get("organiser"):
            units.append(data["organiser"].unit)
        require_visible_units(user, units)

        def now(name: str, current: Any) -> Any:
            return data[name] if name in data else current

        owners = owner_units(
            organiser=now("organiser", course.organiser if course else None),
            venue_unit=now("venue_unit", course.venue_unit if course else None),
            audience_units=now("audience_units", course.audience_units.all() if course else []),
        )
        if is_unrestricted(user):
            return
        if not owners:
            raise Refused("Cần chọn đơn vị tổ chức, nơi tổ chức hoặc đơn vị được mời")
        if not may_write_units(user, owners):
            raise PermissionDenied(
                "Đơn vị tổ chức (hoặc nơi tổ chức) phải thuộc đơn vị bạn được giao tổ chức lớp"
            )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        self._check_scope(form.validated_data)
        with refusals():
            course = services.create_course(by=request.user, **form.validated_data)
        return Response(self._out(course), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        course = self.get_object()
        form = self.get_serializer(course, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        self._check_scope(form.validated_data, course=course)
        with refusals():
            services.update_course(course=course, by=request.user, **form.validated_data)
        return Response(self._out(course))

    def _out(self, course: Course) -> dict[str, Any]:
        return dict(self.get_serializer(self.get_queryset().get(pk=course.pk)).data)

    @extend_schema(request=None, responses={200: TrainingRecordSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """Compute results from the programme's rule and write the training records."""
        course = self.get_object()
        with refusals():
            records = services.close_course(course=course, by=request.user)
        body: dict[str, Any] = {"records": TrainingRecordSerializer(records, many=True).data}
        batch = getattr(course, "certificate_batch", None)
        if batch is not None:  # issued after commit; the refused ones did not stop the others
            body["certificates"] = {
                "issued": [c.number for c in batch.issued],
                "refused": [
                    {"enrollment": r.enrollment_id, "person": r.person, "reason": r.reason}
                    for r in batch.refused
                ],
            }
        return Response(body)

    @extend_schema(request=RecurrenceSerializer, responses={201: SessionSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: str) -> Response:
        """Add sessions from a recurrence: `days` working days, or `weekday` for `weeks`."""
        form = RecurrenceSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        title = data.pop("title")
        with refusals():
            made = services.schedule_sessions(
                course=self.get_object(), recurrence=services.Recurrence(**data), title=title
            )
        body = {"sessions": SessionSerializer(made.sessions, many=True).data}
        return Response(body | {"warnings": made.warnings}, status=status.HTTP_201_CREATED)

    @extend_schema(request=UPLOAD)
    @action(detail=True, methods=["post"], url_path="invite-file", parser_classes=[MultiPartParser])
    def invite_file(self, request: Request, pk: str) -> Response:
        """Invite everyone on an .xlsx/.csv list (Số CCCD, or Họ và tên + Ngày sinh); all or
        nothing, errors name row and column."""
        from training.invitations_import import invite_from_file

        upload = request.FILES.get("file")
        if upload is None:
            raise Refused("Chưa chọn tệp")
        result = invite_from_file(
            course=self.get_object(), file=upload, filename=upload.name, user=request.user
        )
        body = {
            "invited": result.invited,
            "waitlisted": result.waitlisted,
            "already": result.already,
            "errors": [
                {"row": e.row or None, "column": e.column, "reason": e.reason}
                for e in result.errors
            ],
        }
        return Response(body, status=status.HTTP_400_BAD_REQUEST if result.errors else 200)

    @extend_schema(responses={(200, "text/calendar"): str})
    @action(
        detail=True,
        methods=["get"],
        url_path="calendar.ics",
        url_name="calendar",
        renderer_classes=CALENDAR_RENDERERS,
    )
    def calendar_ics(self, request: Request, pk: str) -> HttpResponse:
        course = self.get_object()
        sessions = course.sessions.select_related("course__programme")
        return ics_response(ics.sessions_calendar(sessions, name=course.title), f"lop-{course.pk}")


def ics_response(body: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    return response


class OrganiserCalendar(APIView):
    """Every session of the courses an organisation runs, as one iCalendar feed."""

    renderer_classes = CALENDAR_RENDERERS

    @extend_schema(responses={(200, "text/calendar"): str})
    def get(self, request: Request, organisation_id: int) -> HttpResponse:
        organisation = get_object_or_404(
            Organisation.objects.visible_to(request.user), pk=organisation_id
        )
        sessions = Session.objects.filter(
            course__organiser=organisation, course__in=Course.objects.visible_to(request.user)
        ).exclude(course__status=Course.Status.CANCELLED)
        body = ics.sessions_calendar(
            sessions.select_related("course__programme").order_by("starts_at"),
            name=organisation.name,
        )
        return ics_response(body, f"don-vi-{organisation.pk}")


class SessionViewSet(WritesNeedCourseScope, viewsets.ModelViewSet):
    """Sessions (buổi học); creating or moving one answers with clash warnings."""

    serializer_class = SessionSerializer
    permission_classes = [Organisers]
    filterset_fields = ["course"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Session]:
        return Session.objects.visible_to(self.request.user).order_by("starts_at", "pk")

    def _course(self, course: Course) -> Course:
        found = get_object_or_404(Course.objects.visible_to(self.request.user), pk=course.pk)
        require_writable(self.request.user, found.pk)
        return found

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        with refusals():
            made = services.add_session(
                course=self._course(data["course"]),
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                title=data.get("title", ""),
            )
        body = dict(SessionSerializer(made.sessions[0]).data)
        return Response(body | {"warnings": made.warnings}, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self.get_object()
        form = self.get_serializer(session, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        with refusals():
            made = services.update_session(
                session=session,
                starts_at=data.get("starts_at", session.starts_at),
                ends_at=data.get("ends_at", session.ends_at),
                title=data.get("title"),
            )
        return Response(dict(SessionSerializer(session).data) | {"warnings": made.warnings})

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with refusals():
            services.delete_session(session=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class EnrollmentViewSet(
    WritesNeedCourseScope,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations (giấy mời): POST invites (waitlisted when the course is full)."""

    serializer_class = EnrollmentSerializer
    permission_classes = [Organisers]
    filterset_fields = ["course", "status", "person"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Enrollment]:
        attended = Count("attendances", filter=Q(attendances__status__in=Attendance.ATTENDED))
        return (
            Enrollment.objects.visible_to(self.request.user)
            .select_related("person")
            .annotate(attended=attended)
            .order_by("course_id", "person__sort_key", "pk")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = request.user
        course = get_object_or_404(
            Course.objects.visible_to(user), pk=form.validated_data["course"].pk
        )
        require_writable(user, course.pk)
        person = get_object_or_404(
            Person.objects.visible_to(user), pk=form.validated_data["person"].pk
        )
        with refusals():
            enrollment = services.invite(course=course, person=person, by=user)
        warnings = services.booking_clashes(course=course, person=person)
        body = dict(self.get_serializer(self.get_queryset().get(pk=enrollment.pk)).data)
        return Response(body | {"warnings": warnings}, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Only the essay mark (điểm bài thu hoạch) is edited here."""
        enrollment = self.get_object()
        form = self.get_serializer(enrollment, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        with refusals():
            services.set_essay_mark(
                enrollment=enrollment, mark=form.validated_data.get("essay_mark")
            )
        return Response(self.get_serializer(self.get_queryset().get(pk=enrollment.pk)).data)

    def _done(self, enrollment: Enrollment, **extra: Any) -> Response:
        body = dict(self.get_serializer(self.get_queryset().get(pk=enrollment.pk)).data)
        return Response(body | extra)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        enrollment = self.get_object()
        with refusals():
            promoted = services.cancel_enrollment(enrollment=enrollment, by=request.user)
        return self._done(enrollment, promoted=promoted.pk if promoted else None)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        enrollment = self.get_object()
        with refusals():
            services.confirm(enrollment=enrollment, by=request.user)
        return self._done(enrollment)

    @extend_schema(request=OverrideSerializer)
    @action(detail=True, methods=["post"])
    def override(self, request: Request, pk: str) -> Response:
        """Change a computed result; `reason` is required and kept."""
        enrollment = self.get_object()
        form = OverrideSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        with refusals():
            services.override_result(enrollment=enrollment, by=request.user, **form.validated_data)
        return self._done(enrollment)


class AttendanceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Attendance marks; POST a list of {session, enrollment, status} (replays change nothing)."""

    serializer_class = AttendanceSerializer
    permission_classes = [Organisers]
    filterset_fields = ["session", "enrollment"]

    def get_queryset(self) -> QuerySet[Attendance]:
        sessions = Session.objects.visible_to(self.request.user).values("pk")
        return Attendance.objects.filter(session__in=sessions).order_by("session_id", "pk")

    @extend_schema(request=MarkSerializer(many=True), responses={200: dict})
    def create(self, request: Request) -> Response:
        form = MarkSerializer(data=request.data, many=True)
        form.is_valid(raise_exception=True)
        by_session: dict[int, dict[int, str]] = {}
        for mark in form.validated_data:
            by_session.setdefault(mark["session"], {})[mark["enrollment"]] = mark["status"]
        sessions = Session.objects.writable_by(request.user).select_related("course")
        found = {s.pk: s for s in sessions.filter(pk__in=by_session)}
        if set(by_session) - set(found):
            raise PermissionDenied("Có buổi học không tồn tại hoặc nằm ngoài phạm vi của bạn")
        # All or nothing: every session's marks are checked before any is written.
        with refusals():
            changed = services.record_attendance_many(
                marks={found[pk]: marks for pk, marks in by_session.items()}, by=request.user
            )
        return Response({"changed": changed, "received": len(form.validated_data)})


class TrainingRecordViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Training records (kết quả tập huấn) of visible people, from courses, imports or by hand."""

    serializer_class = TrainingRecordSerializer
    permission_classes = [RecordKeepers]
    filterset_fields = ["person", "programme", "source", "course"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[TrainingRecord]:
        return (
            TrainingRecord.objects.visible_to(self.request.user)
            .select_related("person", "programme")
            .order_by("-completed_on", "pk")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        data["person"] = get_object_or_404(
            Person.objects.visible_to(request.user), pk=data["person"].pk
        )
        if not writable_people(request.user).filter(pk=data["person"].pk).exists():
            raise PermissionDenied(REFUSED)
        with refusals():
            record = services.create_record(source=TrainingRecord.Source.MANUAL, **data)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UPLOAD)
    @action(detail=False, methods=["post"], url_path="import")
    def import_file(self, request: Request) -> Response:
        """Historical records from .xlsx/.csv, all or nothing; errors name row and column."""
        upload = request.FILES.get("file")
        if upload is None:
            raise Refused("Chưa chọn tệp")
        dry_run = str(request.POST.get("dry_run", "")).lower() in ("1", "true", "on", "yes")
        result = services.import_training_records(
            upload, filename=upload.name, user=request.user, dry_run=dry_run
        )
        body = {
            "created": result.created,
            "unchanged": result.unchanged,
            "written": result.written,
            "errors": [
                {"row": e.row or None, "column": e.column, "reason": e.reason}
                for e in result.errors
            ],
        }
        return Response(body, status=status.HTTP_400_BAD_REQUEST if result.errors else 200)


router = routers.SimpleRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("targets", TargetViewSet, basename="target")
router.register("courses", CourseViewSet, basename="course")
router.register("sessions", SessionViewSet, basename="session")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")
router.register("attendance", AttendanceViewSet, basename="attendance")
router.register("training-records", TrainingRecordViewSet, basename="training-record")

urlpatterns = [
    # Calendar apps expect a file name, not a trailing slash.
    path(
        "courses/<int:pk>/calendar.ics",
        CourseViewSet.as_view({"get": "calendar_ics"}, renderer_classes=CALENDAR_RENDERERS),
        name="course-calendar-file",
    ),
    path(
        "organisers/<int:organisation_id>/calendar.ics",
        OrganiserCalendar.as_view(),
        name="organiser-calendar",
    ),
    *router.urls,
]
