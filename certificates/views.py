"""HTML pages: the organisers' list, a trainee's own certificates, the public verification."""

import io
import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from access.policy import Cap, holds, own_person_ids, refusal
from access.scopes import get_visible, get_writable, may_change, visible, writable
from certificates import bulk, services
from certificates.models import Certificate, Issuer
from certificates.services import CertificateError
from config.dates import parse_date
from config.lockout import client_ip
from jobs.models import Job
from jobs.services import create_job
from jobs.tasks import issue_course_certificates
from people.text import fold
from training.models import Course, TrainingRecord

# The issue register (a read): the writers and the Commission.
FORBIDDEN = refusal(Cap.CERTIFICATES_WRITE)
FIRST_YEAR, LAST_YEAR = 1900, 2100


def _writer(request: HttpRequest) -> None:
    if not holds(request.user, Cap.CERTIFICATES_WRITE):
        raise PermissionDenied(FORBIDDEN)


def number_param(value: object) -> int | None:
    """A primary key typed in a form or a URL (1 to 9 ASCII digits), else None."""
    text = str(value or "").strip()
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else None


def _filtered(request: HttpRequest) -> tuple:
    certificates = visible(request.user, Certificate).select_related("issuer")
    params = request.GET
    if (course := number_param(params.get("course"))) is not None:
        certificates = certificates.filter(course_id=course)
    if (issuer := number_param(params.get("issuer"))) is not None:
        certificates = certificates.filter(issuer_id=issuer)
    if params.get("status") in Certificate.Status.values:
        certificates = certificates.filter(status=params["status"])
    if query := services.without_nul(params.get("q")).strip():
        certificates = certificates.filter(
            Q(number__icontains=query)
            | Q(code__iexact=query)
            | Q(holder_name__icontains=query)
            | Q(person__search_text__icontains=fold(query))
        )
    return certificates, params


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    certificates, params = _filtered(request)
    page = Paginator(certificates, 50).get_page(params.get("page"))
    courses = visible(request.user, Course).filter(pk__in=Certificate.objects.values("course_id"))
    return render(
        request,
        "certificates/list.html",
        {
            "page": page,
            "issuers": Issuer.objects.prefetch_related("names"),
            "usable_issuers": writable(request.user, Issuer).prefetch_related("names"),
            "courses": courses.order_by("-pk")[:200],
            "pending": _pending_records(request)[:50],
            "statuses": Certificate.Status.choices,
            "params": params,
            "can_manage": holds(request.user, Cap.CERTIFICATES_WRITE),
            "can_register": holds(request.user, Cap.CERTIFICATES_REGISTER),
            "year": timezone.localdate().year,
        },
    )


def _pending_records(request: HttpRequest) -> QuerySet[TrainingRecord]:
    """Training records the user may certify (certifying programme, no valid certificate)."""
    issued = Certificate.objects.filter(
        status=Certificate.Status.VALID, training_record__isnull=False
    )
    return (
        writable(request.user, TrainingRecord, Cap.CERTIFICATES_WRITE)
        .filter(programme__has_certificate=True)
        .exclude(pk__in=issued.values("training_record_id"))
        .select_related("person", "programme")
        .order_by("-completed_on", "pk")
    )


@login_required
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(
        visible(request.user, Certificate).select_related("issuer", "superseded_by"),
        pk=pk,
    )
    return render(
        request,
        "certificates/detail.html",
        {
            "c": certificate,
            "categories": Certificate.RevocationCategory.choices,
            "can_manage": may_change(request.user, certificate),
        },
    )


@login_required
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """The stored PDF, for the organisers who see it or the holder's own account; rendered
    again from the snapshot when the file is missing."""
    certificate = get_visible(request.user, Certificate, pk=pk)
    try:
        content = services.pdf_content(certificate)
    except CertificateError as error:
        return _pdf_missing(request, str(error))
    return FileResponse(
        io.BytesIO(content),
        content_type="application/pdf",
        filename=bulk.file_name(certificate),
    )


def _pdf_missing(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "certificates/pdf_missing.html", {"message": message}, status=404)


@login_required
@require_POST
def certificate_issue(request: HttpRequest) -> HttpResponse:
    """Issue by hand for a training record (from a course, an import or entered by hand)."""
    _writer(request)
    record_pk = number_param(request.POST.get("record"))
    issuer_pk = number_param(request.POST.get("issuer"))
    if record_pk is None or issuer_pk is None:
        messages.error(request, "Chưa chọn kết quả tập huấn hoặc cơ quan cấp hợp lệ.")
        return redirect("certificates:list")
    record = get_object_or_404(visible(request.user, TrainingRecord), pk=record_pk)
    if not may_change(request.user, record, Cap.CERTIFICATES_WRITE):
        raise PermissionDenied("Bạn không có quyền cấp giấy chứng nhận cho người này.")
    issuer = get_visible(request.user, Issuer, pk=issuer_pk)
    if not writable(request.user, Issuer).filter(pk=issuer.pk).exists():
        messages.error(request, f"Bạn không được cấp giấy chứng nhận với số của «{issuer}».")
        return redirect("certificates:list")
    try:
        certificate = services.issue_certificate(record=record, issuer=issuer, by=request.user)
    except CertificateError as error:
        messages.error(request, str(error))
        return redirect("certificates:list")
    messages.success(request, f"Đã cấp giấy chứng nhận số {certificate.number}.")
    return redirect("certificates:detail", pk=certificate.pk)


@login_required
@require_POST
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _writable(request, pk)
    category = request.POST.get("reason_category", "")
    if category not in Certificate.RevocationCategory.values:
        messages.error(request, "Phải chọn loại lý do thu hồi (người tra cứu sẽ thấy loại này).")
        return redirect("certificates:detail", pk=pk)
    try:
        services.revoke_certificate(
            certificate=certificate,
            reason=request.POST.get("reason", ""),
            category=category,
            by=request.user,
        )
        messages.success(request, f"Đã thu hồi giấy chứng nhận số {certificate.number}.")
    except CertificateError as error:
        messages.error(request, str(error))
    return redirect("certificates:detail", pk=pk)


@login_required
@require_POST
def certificate_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _writable(request, pk)
    if not writable(request.user, Issuer).filter(pk=certificate.issuer_id).exists():
        messages.error(
            request, f"Bạn không được cấp lại với số của «{certificate.issuer_name_printed}»."
        )
        return redirect("certificates:detail", pk=pk)
    try:
        new = services.reissue_certificate(certificate=certificate, by=request.user)
    except CertificateError as error:
        messages.error(request, str(error))
        return redirect("certificates:detail", pk=pk)
    messages.success(request, f"Đã cấp lại: số mới {new.number} thay cho {certificate.number}.")
    return redirect("certificates:detail", pk=new.pk)


def _writable(request: HttpRequest, pk: int) -> Certificate:
    """A certificate the user sees (else 404) and may write (else 403)."""
    _writer(request)
    return get_writable(request.user, Certificate, pk=pk)


def _course_certificates(request: HttpRequest, course_id: int) -> list[Certificate]:
    course = get_visible(request.user, Course, pk=course_id)
    found = list(  # by holder: only the certificates the user may see, not the whole course
        visible(request.user, Certificate)
        .filter(course=course, status=Certificate.Status.VALID)
        .select_related("person")
        .order_by("person__sort_key", "serial")
    )
    if not found:
        raise Http404("Lớp này chưa có giấy chứng nhận nào còn hiệu lực.")
    return found


@login_required
def course_pdf(request: HttpRequest, course_id: int) -> HttpResponse:
    try:
        content = bulk.merged_pdf(_course_certificates(request, course_id))
    except CertificateError as error:
        return _pdf_missing(request, str(error))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="gcn_lop_{course_id}.pdf"'
    return response


@login_required
@require_POST
def course_issue(request: HttpRequest, course_id: int) -> HttpResponse:
    """Issue a whole course's missing certificates in the background; its job's page follows."""
    _writer(request)
    course = get_visible(request.user, Course, pk=course_id)
    if not may_change(request.user, course, Cap.CERTIFICATES_WRITE):
        raise PermissionDenied(refusal(Cap.CERTIFICATES_WRITE))
    job = create_job(
        kind=Job.Kind.CERTIFICATES, owner_id=int(request.user.pk or 0), course_id=course.pk
    )
    issue_course_certificates.enqueue(job.pk, course.pk)
    return redirect("jobs:detail", pk=job.pk)


@login_required
def course_zip(request: HttpRequest, course_id: int) -> HttpResponse:
    try:
        content = bulk.zipped_pdfs(_course_certificates(request, course_id))
    except CertificateError as error:
        return _pdf_missing(request, str(error))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="gcn_lop_{course_id}.zip"'
    return response


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """The issue register of one issuer for one year (.xlsx)."""
    if not holds(request.user, Cap.CERTIFICATES_REGISTER):
        raise PermissionDenied(refusal(Cap.CERTIFICATES_REGISTER))
    issuer_pk = number_param(request.GET.get("issuer"))
    if issuer_pk is None:
        return _bad_request("Chưa chọn cơ quan cấp hợp lệ.")
    issuer = get_visible(request.user, Issuer, pk=issuer_pk)
    year = number_param(request.GET.get("year") or date.today().year)
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        return _bad_request(f"Năm phải là số từ {FIRST_YEAR} đến {LAST_YEAR}.")
    content = bulk.register_xlsx(
        issuer=issuer, year=year, certificates=visible(request.user, Certificate)
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="so_cap_gcn_{issuer.code}_{year}.xlsx"'
    return response


def _bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """A trainee's own certificates (the account linked to a person)."""
    certificates = (
        visible(request.user, Certificate)
        .filter(person__in=own_person_ids(request.user))
        .select_related("issuer", "superseded_by")
    )
    return render(request, "certificates/mine.html", {"certificates": certificates})


NUMBER_LOCKED = (
    "Số giấy chứng nhận này đã được tra cứu sai ngày sinh "
    f"{services.LOOKUP_FAILURES_PER_NUMBER} lần trong một giờ: tạm ngừng tra cứu số này. "
    "Vui lòng thử lại sau một giờ, hoặc quét mã QR trên giấy chứng nhận để xác minh."
)


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "certificates/verify.html",
        {"error": "Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau một phút."},
        status=429,
    )


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is this certificate genuine and still valid? No login needed."""
    if not services.allow_verification(client_ip(request)):
        return _too_many(request)
    certificate = services.verify_code(
        code=code,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        channel="web",
    )
    if certificate is None:
        error = f"Không tìm thấy giấy chứng nhận có mã xác minh «{code}». Vui lòng kiểm tra lại mã."
        return render(request, "certificates/verify.html", {"error": error}, status=404)
    return _verdict(request, certificate)


def _verdict(request: HttpRequest, certificate: Certificate) -> HttpResponse:
    """The public answer: what the certificate states and its status; why it was revoked as a
    category, and the free-text reason only for staff who may see the certificate."""
    context = {
        "c": certificate,
        "reason_text": certificate.revocation_reason
        if certificate.status == Certificate.Status.REVOKED
        and services.sees_reason_text(request.user, certificate)
        else "",
    }
    return render(request, "certificates/verify.html", context)


def lookup(request: HttpRequest) -> HttpResponse:
    """Public: find a certificate by its number and the holder's birth date."""
    context: dict[str, object] = {
        "number": request.GET.get("number", ""),
        "birth": request.GET.get("birth_date", ""),
    }
    if not context["number"]:
        return render(request, "certificates/lookup.html", context)
    if not services.allow_verification(client_ip(request)):
        return _too_many(request)
    try:
        birth = parse_date(context["birth"])
    except ValueError as error:
        context["error"] = f"Ngày sinh: {error}"
        return render(request, "certificates/lookup.html", context, status=400)
    slot = services.reserve_number_try(str(context["number"]))
    if slot is None:
        context["error"] = NUMBER_LOCKED
        return render(request, "certificates/lookup.html", context, status=429)
    certificate = services.find_by_number(
        number=str(context["number"]),
        birth_date=birth,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    if certificate is None:
        context["error"] = "Không tìm thấy giấy chứng nhận có số và ngày sinh này."
        return render(request, "certificates/lookup.html", context, status=404)
    services.release_number_try(slot)
    return _verdict(request, certificate)
