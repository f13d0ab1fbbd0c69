"""API of course planning extras: invite the gaps of a course, a session's sign-in sheet."""

from typing import Any

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.drf import ScopedModelSerializer
from access.policy import Cap, holds, refusal
from access.scopes import get_writable
from config.dates import parse_date
from training.models import Course, Enrollment, Session
from training.planning import invite_gaps
from training.services import TrainingError
from training.signin import render_session_sheet
from training.tasks import queue_invitations


class PDFRenderer(BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; the view returns the bytes itself."""

    media_type = "application/pdf"
    format = "pdf"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        if isinstance(data, bytes):
            return data
        # A refusal (the API's error shape) is JSON whatever the client asked for.
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


class GapEnrollmentSerializer(ScopedModelSerializer):
    full_name = serializers.CharField(source="person.full_name")

    class Meta:
        model = Enrollment
        fields = ["id", "person_id", "full_name", "status", "role_label", "unit_name"]


class InviteGapsView(APIView):
    """Invite every untrained holder of the course's target inside its audience units on the
    day (`as_of`, default today), once each; beyond capacity they are waitlisted."""

    @extend_schema(
        request=inline_serializer(
            "InviteGapsRequest", {"as_of": serializers.DateField(required=False)}
        ),
        responses=inline_serializer(
            "InviteGapsResult",
            {
                "invited": serializers.IntegerField(),
                "waitlisted": serializers.IntegerField(),
                "already": serializers.IntegerField(),
                "enrollments": GapEnrollmentSerializer(many=True),
            },
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        if not holds(request.user, Cap.TRAINING_WRITE):
            raise PermissionDenied(refusal(Cap.TRAINING_WRITE))
        course = get_writable(request.user, Course, pk=pk)
        try:
            body = request.data if isinstance(request.data, dict) else {}
            on = parse_date(body["as_of"]) if body.get("as_of") else None
            result = invite_gaps(course=course, on=on or timezone.localdate(), by=request.user)
        except (TrainingError, ValueError) as e:
            raise ValidationError({"detail": str(e)}) from e
        queue_invitations(result.enrollments)
        return Response(
            {
                "invited": result.invited,
                "waitlisted": result.waitlisted,
                "already": result.already,
                "enrollments": GapEnrollmentSerializer(result.enrollments, many=True).data,
            }
        )


class SignInSheetView(APIView):
    """The printable A4 sign-in sheet (PDF) of one session."""

    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: Request, pk: int) -> HttpResponse:
        sessions = Session.objects.select_related("course__programme", "course__venue_unit")
        # The sheet lists every invitee: it is for those who run the course (403 for readers).
        session = get_writable(request.user, sessions, pk=pk)
        response = HttpResponse(render_session_sheet(session), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="so-diem-danh-buoi-{session.pk}.pdf"'
        return response


urlpatterns = [
    path("courses/<int:pk>/invite-gaps/", InviteGapsView.as_view(), name="course-invite-gaps"),
    path(
        "sessions/<int:pk>/sign-in-sheet.pdf",
        SignInSheetView.as_view(),
        name="session-sign-in-sheet",
    ),
]
