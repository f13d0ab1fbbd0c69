"""Demo certificates on the training demo: the two issuing bodies (with their names before and
after the 2025 merger), certificates for the completed courses of two programmes, one revoked
and one reissued. Idempotent: issuing skips enrolments that have a certificate.

The Party issuer is linked to the provincial Ban Tuyên giáo và Dân vận, so the demo organiser
(`tochuc`, granted the province) may issue with it; the Front issuer has no organisation, so
only administrators may use its numbers by hand."""

from datetime import date
from typing import TextIO

from django.db.models import Min
from django.utils import timezone

import audit
from certificates.models import Certificate, Issuer, IssuerName, Layout
from certificates.services import issue_for_course, reissue_certificate, revoke_certificate
from people.models import Organisation
from training.models import Course, Programme

LAST_LEGACY_DAY = date(2025, 6, 30)
REFORM = date(2025, 7, 1)
PARTY_CODE, FRONT_CODE = "btgdv-tq", "ubmttq-tq"
# Programmes whose demo courses end in a certificate, and who issues it.
CERTIFYING = {"xdd-kndv": PARTY_CODE, "nv-mttq": FRONT_CODE}
REVOKE_REASON = "Cấp nhầm: học viên vắng một buổi, kết quả đã được điều chỉnh"


def load(*, stdout: TextIO) -> None:
    layout, _ = Layout.objects.get_or_create(name="Mẫu mặc định A4 ngang")
    issuers = {PARTY_CODE: _party(layout), FRONT_CODE: _front(layout)}
    audit.update(Programme.objects.filter(code__in=CERTIFYING), has_certificate=True)
    courses = (
        Course.objects.filter(status=Course.Status.COMPLETED, programme__code__in=CERTIFYING)
        .select_related("programme")
        .annotate(first=Min("sessions__starts_at"))
        .order_by("first", "pk")
    )
    issued = 0
    for course in courses:
        issuer = issuers[CERTIFYING[course.programme.code]]
        issued += len(issue_for_course(course=course, issuer=issuer, issued_on=_end(course)).issued)
    _revoke_and_reissue(stdout)
    stdout.write(
        f"Dữ liệu mẫu giấy chứng nhận: {issued} giấy mới, "
        f"tổng {Certificate.objects.count()} giấy của {courses.count()} lớp.\n"
    )


def _end(course: Course) -> date:
    last = course.sessions.order_by("-ends_at").first()
    return timezone.localdate(last.ends_at) if last else timezone.localdate()


def _issuer(code: str, names: list[dict], **fields: object) -> Issuer:
    issuer, created = Issuer.objects.get_or_create(code=code, defaults=fields)
    if created:
        for name in names:
            IssuerName.objects.create(issuer=issuer, **name)
    elif issuer.organisation_id is None and fields.get("organisation") is not None:
        # An issuer made by an older demo: link it, so that organisers may use its numbers.
        issuer.organisation = fields["organisation"]  # type: ignore[assignment]
        issuer.save(update_fields=["organisation"])
    return issuer


def _party(layout: Layout) -> Issuer:
    organisation = Organisation.objects.filter(
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy Tuyên Quang"
    ).first()
    return _issuer(
        PARTY_CODE,
        [
            {
                "name": "Ban Dân vận Tỉnh ủy Hà Giang",
                "header": "TỈNH ỦY HÀ GIANG\nBAN DÂN VẬN",
                "place_name": "Hà Giang",
                "valid_to": LAST_LEGACY_DAY,
            },
            {
                "name": "Ban Tuyên giáo và Dân vận Tỉnh ủy Tuyên Quang",
                "header": "TỈNH ỦY TUYÊN QUANG\nBAN TUYÊN GIÁO VÀ DÂN VẬN",
                "valid_from": REFORM,
            },
        ],
        kind=Issuer.Kind.PARTY,
        number_suffix="BTGDV",
        place_name="Tuyên Quang",
        signatory_title="KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN",
        signatory_name="Hoàng Văn Thắng",
        organisation=organisation,
        layout=layout,
        is_default=not Issuer.objects.filter(is_default=True).exists(),
    )


def _front(layout: Layout) -> Issuer:
    return _issuer(
        FRONT_CODE,
        [
            {
                "name": "Ủy ban MTTQ Việt Nam tỉnh Hà Giang",
                "header": "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM\nTỈNH HÀ GIANG",
                "place_name": "Hà Giang",
                "valid_to": LAST_LEGACY_DAY,
            },
            {
                "name": "Ủy ban MTTQ Việt Nam tỉnh Tuyên Quang",
                "header": "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM\nTỈNH TUYÊN QUANG",
                "valid_from": REFORM,
            },
        ],
        kind=Issuer.Kind.FRONT,
        number_suffix="UBMTTQ",
        place_name="Tuyên Quang",
        signatory_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        signatory_name="Lò Thị Mai",
        layout=layout,
    )


def _revoke_and_reissue(stdout: TextIO) -> None:
    """One revoked and one reissued certificate, once."""
    valid = Certificate.objects.filter(status=Certificate.Status.VALID).order_by("year", "serial")
    if not Certificate.objects.filter(status=Certificate.Status.REVOKED).exists():
        first = valid.first()
        if first is not None:
            revoke_certificate(certificate=first, reason=REVOKE_REASON, by=None)
            stdout.write(f"Đã thu hồi giấy mẫu {first.number}.\n")
    if not Certificate.objects.filter(status=Certificate.Status.SUPERSEDED).exists():
        second = valid.last()
        if second is not None:
            new = reissue_certificate(certificate=second)
            stdout.write(f"Đã cấp lại giấy mẫu {second.number} bằng số {new.number}.\n")
