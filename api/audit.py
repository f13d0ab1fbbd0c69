"""The audit trail and import batches in the API.

`GET /api/v1/audit/?object=people.person:42` (paginated) → `{"at", "user", "source", "action",
"changes": {"field": [before, after]}}`, newest first, for an object the caller may see (404
otherwise; a deleted object's history for superusers only). Citizen IDs are masked and
ethnicity left out unless the caller may read them.

`GET /api/v1/import-batches/`, `.../<id>/` and `.../<id>/file/`: the batches of the caller's
units, and the file as it was uploaded (same SHA-256)."""

from typing import Any

from auditlog.models import LogEntry
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request

from access.policy import Cap, holds, refusal
from api.routers import IdRouter
from audit import history
from audit.batches import download_refusal, visible_batches
from audit.models import ImportBatch
from people.models import Unit


class EntrySerializer(serializers.Serializer):
    """One audit entry; `changes` is {field: [before, after]}."""

    at = serializers.DateTimeField()
    user = serializers.CharField(
        allow_null=True, help_text="username, or `command <tên> (<người chạy>)`"
    )
    # `source` is also a Field attribute in the type stubs; here it is the entry's column.
    source = serializers.ChoiceField(choices=list(history.Source.LABELS))  # type: ignore[assignment]
    action = serializers.ChoiceField(choices=list(history.ACTION_LABELS))
    changes = serializers.DictField(child=serializers.ListField(allow_null=True))

    def to_representation(self, entry: LogEntry) -> dict[str, Any]:
        return history.as_dict(entry, self.context["viewer"])


class AuditView(generics.ListAPIView):
    """The history of one object: who, when, from where and what changed."""

    serializer_class = EntrySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "object", {"type": "string", "pattern": history.object_pattern()},
                required=True, description="<app>.<model>:<id>, ví dụ people.person:42",
            )
        ]
    )  # fmt: skip
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[LogEntry]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks, not a user
            return LogEntry.objects.none()
        try:
            model, pk = history.parse_object(self.request.query_params.get("object", ""))
        except history.HistoryError as e:
            raise ValidationError({"object": [str(e)]}) from e
        if not holds(self.request.user, Cap.AUDIT_READ):
            raise PermissionDenied(refusal(Cap.AUDIT_READ))
        if not history.may_read(self.request.user, model, pk):
            raise Http404("Không có dữ liệu này trong phạm vi của bạn")
        return history.entries_of(model, pk)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "viewer": history.Viewer.of(self.request.user)}


class BatchSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="operator", read_only=True)
    units: serializers.PrimaryKeyRelatedField[Unit] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    file_available = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id", "kind", "user", "source", "at", "file_name", "sha256", "size",
            "rows_read", "rows_created", "rows_changed", "rows_unchanged", "units",
            "file_available",
        ]  # fmt: skip

    def get_file_available(self, batch: ImportBatch) -> bool:
        return not download_refusal(self.context["request"].user, batch)


class ImportBatchViewSet(viewsets.ReadOnlyModelViewSet):
    """Import batches of the caller's units (and the caller's own)."""

    serializer_class = BatchSerializer

    def get_queryset(self) -> QuerySet[ImportBatch]:
        return visible_batches(self.request.user).prefetch_related("units")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def file(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The file exactly as it was imported (its SHA-256 is the batch's)."""
        batch = self.get_object()
        refused = download_refusal(request.user, batch)
        if refused:
            raise PermissionDenied(refused)
        content = ImportBatch.objects.values_list("content", flat=True).get(pk=batch.pk)
        response = HttpResponse(bytes(content), content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, batch.file_name)
        return response


router = IdRouter()
router.register("import-batches", ImportBatchViewSet, basename="import-batch")
urlpatterns = [path("audit/", AuditView.as_view(), name="audit"), *router.urls]
