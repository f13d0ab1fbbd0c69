"""`POST /api/v1/people/lookup/` {"citizen_id": "..."}: find people by citizen ID without the
number ever being in a URL (URLs end up in server and proxy logs). Only for those who may read
IDs, inside their units."""

from typing import Any

from django.db.models import Q
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.policy import Cap, can_read_ethnicity, can_read_ids, refusal
from access.scopes import visible
from api.people_serializers import PersonSerializer
from people import ids
from people.models import Person


class LookupSerializer(serializers.Serializer):
    citizen_id = serializers.CharField(max_length=30, help_text="Số CCCD (12) hoặc CMND cũ (9)")

    def validate_citizen_id(self, value: str) -> str:
        number = ids.normalise(value.replace("\x00", ""))
        if not (number.isdigit() and len(number) in (9, 12)):
            raise serializers.ValidationError("Số CCCD phải gồm 12 chữ số (hoặc CMND 9 chữ số)")
        return number


class PersonLookupView(APIView):
    """People with this citizen ID (or old 9-digit number) among those the caller sees."""

    @extend_schema(
        request=LookupSerializer,
        responses=inline_serializer(
            "PersonLookup",
            {"count": serializers.IntegerField(), "results": PersonSerializer(many=True)},
        ),
    )
    def post(self, request: Request) -> Response:
        if not can_read_ids(request.user):
            raise PermissionDenied(refusal(Cap.IDS_READ))
        form = LookupSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        number = form.validated_data["citizen_id"]
        found = visible(request.user, Person).filter(Q(citizen_id=number) | Q(legacy_id=number))
        context: dict[str, Any] = {
            "show_ids": True,
            "show_ethnicity": can_read_ethnicity(request.user),
        }
        people = PersonSerializer(found.order_by("pk")[:10], many=True, context=context).data
        return Response({"count": len(people), "results": people})


urlpatterns = [path("people/lookup/", PersonLookupView.as_view(), name="person-lookup")]
