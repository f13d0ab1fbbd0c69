"""Certificates API: issuers, certificates (scoped), revoke/reissue, public verification."""

import io
from typing import Any

from django.http import FileResponse
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.drf import ScopedModelSerializer
from access.policy import Cap, holds
from access.scopes import may_change, visible, writable
from api.authentication import HttpsBasicAuthentication
from api.routers import IdRouter
from certificates import bulk, services
from certificates.models import Certificate, Issuer
from certificates.services import CertificateError
from certificates.views import FORBIDDEN, client_ip
from training.models import TrainingRecord


class IssuerSerializer(ScopedModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = Issuer
        fields = [
            "id",
            "code",
            "kind",
            "name",
            "number_suffix",
            "place_name",
            "signatory_title",
            "signatory_name",
            "organisation",
            "is_default",
        ]

    def get_name(self, issuer: Issuer) -> str:
        return str(issuer)


class CertificateSerializer(ScopedModelSerializer):
    verify_url = serializers.CharField(read_only=True)
    # Blank until the certificate is revoked.
    revocation_category = serializers.ChoiceField(
        choices=Certificate.RevocationCategory.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "code",
            "holder_name",
            "holder_birth_date",
            "status",
            "verify_url",
            "year",
            "serial",
            "issuer",
            "issuer_name_printed",
            "role_label",
            "unit_name",
            "programme_title",
            "course_title",
            "course_dates",
            "course_place",
            "issued_on",
            "person",
            "course",
            "training_record",
            "revoked_on",
            "revocation_category",
            "revocation_reason",
            "superseded_by",
        ]
        read_only_fields = fields


class IssueSerializer(serializers.Serializer):
    training_record = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    issuer = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(error_messages={"required": "Phải nêu lý do thu hồi."})
    # Callers written before categories existed send only `reason`: «Lý do khác».
    reason_category = serializers.ChoiceField(
        choices=Certificate.RevocationCategory.choices,
        default=Certificate.RevocationCategory.OTHER,
        error_messages={"invalid_choice": services.UNKNOWN_CATEGORY},
    )


def verification_payload(certificate: Certificate, user: Any) -> dict[str, object]:
    """The public answer: what the certificate states (birth year only) and what happened to
    it; why it was revoked as a category, the free text only for staff who may see it."""
    revoked = certificate.status == Certificate.Status.REVOKED
    return {
        "status": certificate.status,
        "number": certificate.number,
        "holder_name": certificate.holder_name,
        "birth_year": certificate.birth_year,
        "programme": certificate.programme_title,
        "course_dates": certificate.course_dates,
        "issuer": certificate.issuer_name_printed,
        "issued_on": certificate.issued_on.isoformat(),
        "revoked_on": certificate.revoked_on.isoformat() if certificate.revoked_on else None,
        "revocation_category": certificate.revocation_category if revoked else None,
        "revocation_reason": services.public_reason(certificate, user),
        "superseded_by": certificate.superseded_by.code if certificate.superseded_by else None,
    }


class IssuerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IssuerSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return visible(self.request.user, Issuer).prefetch_related("names").order_by("code")


class CertificateViewSet(viewsets.ReadOnlyModelViewSet):  # + create (issue by hand)
    """Certificates of people in the caller's units (by holder), and of the courses the caller
    runs."""

    serializer_class = CertificateSerializer
    filterset_fields = ["course", "issuer", "status", "year", "person"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return visible(self.request.user, Certificate).order_by("-year", "-serial")

    def _manage(self) -> Certificate:
        """A certificate the caller sees (else 404) and may write (else 403)."""
        if not holds(self.request.user, Cap.CERTIFICATES_WRITE):
            raise PermissionDenied(FORBIDDEN)
        certificate = self.get_object()
        if not may_change(self.request.user, certificate):
            raise PermissionDenied(FORBIDDEN)
        return certificate

    @extend_schema(request=IssueSerializer, responses={201: CertificateSerializer})
    def create(self, request: Request) -> Response:
        """Issue by hand for a training record the caller can see (imported history too)."""
        if not holds(request.user, Cap.CERTIFICATES_WRITE):
            raise PermissionDenied(FORBIDDEN)
        data = IssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        records = visible(request.user, TrainingRecord)
        record = records.filter(pk=data.validated_data["training_record"]).first()
        issuer = visible(request.user, Issuer).filter(pk=data.validated_data["issuer"]).first()
        if record is None or issuer is None:
            raise ValidationError({"detail": "Không có kết quả tập huấn hoặc cơ quan cấp này."})
        if (
            not writable(request.user, TrainingRecord, Cap.CERTIFICATES_WRITE)
            .filter(pk=record.pk)
            .exists()
        ):
            raise PermissionDenied("Bạn không có quyền cấp giấy chứng nhận cho người này.")
        if not writable(request.user, Issuer).filter(pk=issuer.pk).exists():
            raise PermissionDenied(f"Bạn không được cấp giấy chứng nhận với số của «{issuer}».")
        made = services.issue_certificate(record=record, issuer=issuer, by=request.user)
        return Response(CertificateSerializer(made).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str | None = None) -> FileResponse:
        """The PDF (rendered again from the snapshot when the stored file is missing)."""
        certificate = self.get_object()
        try:
            content = services.pdf_content(certificate)
        except CertificateError as error:
            raise NotFound(str(error)) from error
        return FileResponse(
            io.BytesIO(content),
            content_type="application/pdf",
            filename=bulk.file_name(certificate),
        )

    @extend_schema(request=RevokeSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        certificate = self._manage()
        data = RevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = services.revoke_certificate(
            certificate=certificate,
            reason=data.validated_data["reason"],
            category=data.validated_data["reason_category"],
            by=request.user,
        )
        return Response(CertificateSerializer(done).data)

    @extend_schema(request=None, responses={201: CertificateSerializer})
    @action(detail=True, methods=["post"])
    def reissue(self, request: Request, pk: str | None = None) -> Response:
        certificate = self._manage()
        if not writable(request.user, Issuer).filter(pk=certificate.issuer_id).exists():
            raise PermissionDenied(
                f"Bạn không được cấp lại với số của «{certificate.issuer_name_printed}»."
            )
        new = services.reissue_certificate(certificate=certificate, by=request.user)
        return Response(CertificateSerializer(new).data, status=status.HTTP_201_CREATED)


class VerifyView(APIView):
    """Public, rate-limited per client IP: the status and snapshot of a certificate. Signed-in
    staff who may see the certificate also get the free-text revocation reason."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = [SessionAuthentication, HttpsBasicAuthentication]

    @extend_schema(responses={200: dict, 404: dict, 429: dict})
    def get(self, request: Request, code: str) -> Response:
        if not services.allow_verification(client_ip(request)):
            raise Throttled(detail="Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau một phút.")
        certificate = services.verify_code(
            code=code,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            channel="api",
        )
        if certificate is None:
            raise NotFound(f"Không tìm thấy giấy chứng nhận có mã xác minh «{code}».")
        return Response(verification_payload(certificate, request.user))


router = IdRouter()
router.register("issuers", IssuerViewSet, basename="issuer")
router.register("certificates", CertificateViewSet, basename="certificate")

urlpatterns = [
    path("verify/<str:code>/", VerifyView.as_view(), name="certificate-verify"),
    *router.urls,
]
