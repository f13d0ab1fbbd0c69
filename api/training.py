"""REST API of training under /api/v1/: programmes, targets, courses, sessions, enrollments,
attendance and training records. Every queryset is scoped to the caller's units; writes go
through training.services, whose TrainingError becomes a 400."""

from datetime import time
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from access.drf import Policy, Scoped, ScopedModelSerializer, VisibleRelated
from access.policy import Cap, refusal
from access.scopes import (
    NO_OWNER,
    course_ownership_problem,
    get_writable,
    may_change,
    visible,
    writable,
)
from api.authentication import HttpsBasicAuthentication
from api.errors import ErrorSerializer, Refused
from api.routers import IdRouter
from people.models import Organisation, Unit
from training import ics, services
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

SAFE = permissions.SAFE_METHODS


# What a records import did, or (400) every row it refused: nothing is written then.
IMPORT_RESULT = inline_serializer(
    "RecordsImportResult",
    {
        "created": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "written": serializers.BooleanField(),
        "errors": inline_serializer(
            "RecordsImportRowError",
            {
                "row": serializers.IntegerField(allow_null=True),
                "column": serializers.CharField(),
                "reason": serializers.CharField(),
            },
            many=True,
        ),
    },
)
# What an invitation list did, or (400) every row it refused: nobody is invited then.
INVITE_RESULT = inline_serializer(
    "InviteFileResult",
    {
        "invited": serializers.IntegerField(),
        "waitlisted": serializers.IntegerField(),
        "already": serializers.IntegerField(),
        "errors": inline_serializer(
            "InviteFileRowError",
            {
                "row": serializers.IntegerField(allow_null=True),
                "column": serializers.CharField(),
                "reason": serializers.CharField(),
            },
            many=True,
        ),
    },
)
UPLOAD = {
    "multipart/form-data": {
        "type": "object",
        "properties": {
            "file": {"type": "string", "format": "binary"},
            "dry_run": {"type": "boolean"},
        },
    }
}


class ICalendarRenderer(BaseRenderer):
    """Lets calendar apps that ask for text/calendar through DRF's content negotiation."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: Any = None, context: Any = None) -> bytes:
        return data.encode() if isinstance(data, str) else str(data).encode()


CALENDAR_RENDERERS = [ICalendarRenderer, JSONRenderer]
# Calendar apps send their credentials only after a Basic challenge (401): Basic comes first.
CALENDAR_AUTH = [HttpsBasicAuthentication, SessionAuthentication]
# Calendar apps show an error's body as it is: a Vietnamese sentence, never JSON or a repr.
CALENDAR_ERRORS = {
    401: "Cần đăng nhập (tên đăng nhập và mật khẩu Taphuan) để xem lịch này.",
    403: "Bạn không có quyền xem lịch này.",
    404: "Không tìm thấy lịch này: không có, hoặc nằm ngoài phạm vi bạn được phân quyền.",
    405: "Lịch chỉ đọc được (GET), không gửi dữ liệu lên được.",
    406: "Lịch chỉ có định dạng iCalendar (text/calendar).",
}


def calendar_errors(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    """DRF's status code and headers for `exc`, with a plain-text Vietnamese body."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    text = CALENDAR_ERRORS.get(code, f"Không lấy được lịch (lỗi {code}).")
    wanted = str(context["request"].query_params.get("format", ""))
    if code == 404 and wanted and wanted not in {r.format for r in CALENDAR_RENDERERS}:
        text = f"Không có định dạng «{wanted[:30]}»: lịch chỉ có định dạng ics."
    plain = HttpResponse(text, status=code, content_type="text/plain; charset=utf-8")
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            plain[header] = response[header]
    return plain


class WritesNeedCourseScope(Scoped):
    """Objects are looked up among those the user sees; a change (any unsafe method) also
    needs the row (its course) to be one the user may change."""

    write_cap = Cap.TRAINING_WRITE


# --- serializers -------------------------------------------------------------------------


class ProgrammeSerializer(ScopedModelSerializer):
    class Meta:
        model = Programme
        fields = [
            "id", "code", "title", "kind", "days", "topics", "min_attendance_share",
            "requires_essay", "passing_mark", "validity_months", "has_certificate",
        ]  # fmt: skip


class TargetRuleSerializer(ScopedModelSerializer):
    role: "serializers.SlugRelatedField[Any]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    role_label = serializers.CharField(source="role.label", read_only=True)
    programmes: Any = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = TargetRule
        fields = ["role", "role_label", "programmes"]


class TargetSerializer(ScopedModelSerializer):
    rules = TargetRuleSerializer(many=True, read_only=True)

    class Meta:
        model = Target
        fields = [
            "id", "code", "title", "legal_basis", "counting", "deadline", "grace_days",
            "member_share", "recognised_since", "valid_from", "valid_to", "rules",
        ]  # fmt: skip


class SessionSerializer(ScopedModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "course", "starts_at", "ends_at", "title"]


class CourseSerializer(ScopedModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", queryset=Programme.objects.all())
    target = VisibleRelated(queryset=Target.objects.all(), required=False, allow_null=True)
    organiser = VisibleRelated(queryset=Organisation.objects.all(), required=False, allow_null=True)
    venue_unit = VisibleRelated(queryset=Unit.objects.all(), required=False, allow_null=True)
    audience_units = VisibleRelated(queryset=Unit.objects.all(), many=True, required=False)
    sessions = SessionSerializer(many=True, read_only=True)
    seats_taken = serializers.IntegerField(read_only=True)
    waitlisted = serializers.IntegerField(read_only=True)

    class Meta:
        model = Course
        fields = [
            "id", "programme", "title", "organiser", "organiser_name", "venue", "venue_unit",
            "trainer", "capacity", "target", "audience_units", "registration_deadline", "status",
            "invitation_number", "signer_title", "signer_name",
            "created_at", "closed_at", "seats_taken", "waitlisted", "sessions",
        ]  # fmt: skip
        read_only_fields = ["created_at", "closed_at"]


class EnrollmentSerializer(ScopedModelSerializer):
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


class AttendanceSerializer(ScopedModelSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "session", "enrollment", "status", "recorded_at"]


class MarkSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    enrollment = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Attendance.Status.choices)


class TrainingRecordSerializer(ScopedModelSerializer):
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
    permission_classes = [Policy]
    write_cap = Cap.CATALOGUE_WRITE
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
    held = Q(enrollments__status__in=Enrollment.SEAT_STATUSES)  # as the pages count them
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
    permission_classes = [Policy]
    write_cap = Cap.TRAINING_WRITE
    filterset_fields = ["status", "programme", "organiser", "target"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Course]:
        courses = visible(self.request.user, Course).select_related("programme")
        return seats(courses).prefetch_related("sessions", "audience_units").order_by("-pk")

    def get_exception_handler(self) -> Any:
        if getattr(self, "action", None) == "calendar_ics":
            return calendar_errors
        return super().get_exception_handler()

    def _check_scope(self, data: dict[str, Any], *, course: Course | None = None) -> None:
        """The course as saved must stay one the user may change (its organiser's unit, else
        its venue, else its audience); the units named are already among the visible ones."""

        def now(name: str, current: Any) -> Any:
            return data[name] if name in data else current

        problem = course_ownership_problem(
            self.request.user,
            organiser=now("organiser", course.organiser if course else None),
            venue_unit=now("venue_unit", course.venue_unit if course else None),
            audience_units=now("audience_units", course.audience_units.all() if course else []),
        )
        if problem == NO_OWNER:
            raise Refused(problem)
        if problem:
            raise PermissionDenied(problem)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        self._check_scope(form.validated_data)
        course = services.create_course(by=request.user, **form.validated_data)
        return Response(self._out(course), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        course = self.get_object()
        form = self.get_serializer(course, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        self._check_scope(form.validated_data, course=course)
        services.update_course(course=course, by=request.user, **form.validated_data)
        return Response(self._out(course))

    def _out(self, course: Course) -> dict[str, Any]:
        return dict(self.get_serializer(self.get_queryset().get(pk=course.pk)).data)

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "Confirmed",
                {
                    "emailed": serializers.IntegerField(),
                    "to_print": serializers.IntegerField(),
                    "course": CourseSerializer(),
                },
            )
        },
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        """Draft → inviting: the giấy mời is e-mailed to the invitees with an address;
        `to_print` say how many must get it on paper (`/lop/<id>/giay-moi.pdf`)."""
        done = services.confirm_course(course=self.get_object(), by=request.user)
        body = {"emailed": done.emailed, "to_print": done.to_print}
        return Response(body | {"course": self._out(done.course)})

    @extend_schema(request=None, responses={200: CourseSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        """Inviting → running: attendance is taken from now on."""
        course = self.get_object()
        services.start_course(course=course, by=request.user)
        return Response(self._out(course))

    @extend_schema(request=None, responses={200: TrainingRecordSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """Compute results from the programme's rule and write the training records."""
        course = self.get_object()
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
        made = services.schedule_sessions(
            course=self.get_object(), recurrence=services.Recurrence(**data), title=title
        )
        body = {"sessions": SessionSerializer(made.sessions, many=True).data}
        return Response(body | {"warnings": made.warnings}, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=UPLOAD,
        responses={
            200: INVITE_RESULT,
            400: PolymorphicProxySerializer(
                component_name="InviteFileRefusal",
                serializers=[INVITE_RESULT, ErrorSerializer],
                resource_type_field_name=None,
            ),
        },
    )
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
        authentication_classes=CALENDAR_AUTH,
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
    authentication_classes = CALENDAR_AUTH

    def get_exception_handler(self) -> Any:
        return calendar_errors

    @extend_schema(responses={(200, "text/calendar"): str})
    def get(self, request: Request, organisation_id: int) -> HttpResponse:
        organisation = get_object_or_404(visible(request.user, Organisation), pk=organisation_id)
        sessions = Session.objects.filter(
            course__organiser=organisation, course__in=visible(request.user, Course)
        ).exclude(course__status=Course.Status.CANCELLED)
        body = ics.sessions_calendar(
            sessions.select_related("course__programme").order_by("starts_at"),
            name=organisation.name,
        )
        return ics_response(body, f"don-vi-{organisation.pk}")


class SessionViewSet(WritesNeedCourseScope, viewsets.ModelViewSet):
    """Sessions (buổi học); creating or moving one answers with clash warnings."""

    serializer_class = SessionSerializer
    permission_classes = [Policy]
    write_cap = Cap.TRAINING_WRITE
    filterset_fields = ["course"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Session]:
        return visible(self.request.user, Session).order_by("starts_at", "pk")

    def _course(self, course: Course) -> Course:
        return get_writable(self.request.user, Course, pk=course.pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
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
        made = services.update_session(
            session=session,
            starts_at=data.get("starts_at", session.starts_at),
            ends_at=data.get("ends_at", session.ends_at),
            title=data.get("title"),
        )
        return Response(dict(SessionSerializer(session).data) | {"warnings": made.warnings})

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
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
    permission_classes = [Policy]
    write_cap = Cap.TRAINING_WRITE
    filterset_fields = ["course", "status", "person"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Enrollment]:
        attended = Count("attendances", filter=Q(attendances__status__in=Attendance.ATTENDED))
        return (
            visible(self.request.user, Enrollment)
            .select_related("person")
            .annotate(attended=attended)
            .order_by("course_id", "person__sort_key", "pk")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = request.user
        course = get_writable(user, Course, pk=form.validated_data["course"].pk)
        person = form.validated_data["person"]  # among the people the user sees
        enrollment = services.invite(course=course, person=person, by=user)
        warnings = services.booking_clashes(course=course, person=person)
        body = dict(self.get_serializer(self.get_queryset().get(pk=enrollment.pk)).data)
        return Response(body | {"warnings": warnings}, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Only the essay mark (điểm bài thu hoạch) is edited here."""
        enrollment = self.get_object()
        form = self.get_serializer(enrollment, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        services.set_essay_mark(enrollment=enrollment, mark=form.validated_data.get("essay_mark"))
        return Response(self.get_serializer(self.get_queryset().get(pk=enrollment.pk)).data)

    def _done(self, enrollment: Enrollment, **extra: Any) -> Response:
        body = dict(self.get_serializer(self.get_queryset().get(pk=enrollment.pk)).data)
        return Response(body | extra)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        enrollment = self.get_object()
        promoted = services.cancel_enrollment(enrollment=enrollment, by=request.user)
        return self._done(enrollment, promoted=promoted.pk if promoted else None)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        enrollment = self.get_object()
        services.confirm(enrollment=enrollment, by=request.user)
        return self._done(enrollment)

    @extend_schema(request=OverrideSerializer)
    @action(detail=True, methods=["post"])
    def override(self, request: Request, pk: str) -> Response:
        """Change a computed result; `reason` is required and kept."""
        enrollment = self.get_object()
        form = OverrideSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.override_result(enrollment=enrollment, by=request.user, **form.validated_data)
        return self._done(enrollment)


class AttendanceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Attendance marks; POST a list of {session, enrollment, status} (replays change nothing)."""

    serializer_class = AttendanceSerializer
    permission_classes = [Policy]
    write_cap = Cap.TRAINING_WRITE
    filterset_fields = ["session", "enrollment"]

    def get_queryset(self) -> QuerySet[Attendance]:
        return visible(self.request.user, Attendance).order_by("session_id", "pk")

    @extend_schema(request=MarkSerializer(many=True, allow_empty=False), responses={200: dict})
    def create(self, request: Request) -> Response:
        form = MarkSerializer(data=request.data, many=True, allow_empty=False)
        form.is_valid(raise_exception=True)
        by_session: dict[int, dict[int, str]] = {}
        for mark in form.validated_data:
            by_session.setdefault(mark["session"], {})[mark["enrollment"]] = mark["status"]
        sessions = writable(request.user, Session).select_related("course")
        found = {s.pk: s for s in sessions.filter(pk__in=by_session)}
        if set(by_session) - set(found):
            raise PermissionDenied("Có buổi học không tồn tại hoặc nằm ngoài phạm vi của bạn")
        # All or nothing: every session's marks are checked before any is written.
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
    permission_classes = [Policy]
    write_cap = Cap.TRAINING_WRITE
    filterset_fields = ["person", "programme", "source", "course"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[TrainingRecord]:
        return (
            visible(self.request.user, TrainingRecord)
            .select_related("person", "programme")
            .order_by("-completed_on", "pk")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        if not may_change(request.user, data["person"], Cap.TRAINING_WRITE):
            raise PermissionDenied(refusal(Cap.TRAINING_WRITE))
        record = services.create_record(source=TrainingRecord.Source.MANUAL, **data)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=UPLOAD,
        responses={
            200: IMPORT_RESULT,
            400: PolymorphicProxySerializer(
                component_name="RecordsImportRefusal",
                serializers=[IMPORT_RESULT, ErrorSerializer],
                resource_type_field_name=None,
            ),
        },
    )
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


router = IdRouter()
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
        CourseViewSet.as_view(
            {"get": "calendar_ics"},
            renderer_classes=CALENDAR_RENDERERS,
            authentication_classes=CALENDAR_AUTH,
        ),
        name="course-calendar-file",
    ),
    path(
        "organisers/<int:organisation_id>/calendar.ics",
        OrganiserCalendar.as_view(),
        name="organiser-calendar",
    ),
    *router.urls,
]
