"""HTML pages: the organisers' list, a trainee's own certificates, the public verification."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from certificates import bulk, services
from certificates.models import Certificate, Issuer
from certificates.services import CertificateError
from config.dates import parse_date
from people.access import has_role
from people.models import Grant
from people.text import fold
from training.models import Course, TrainingRecord

MANAGERS = (Grant.Role.ADMINISTRATOR, Grant.Role.COMMISSION, Grant.Role.ORGANISER)


def _managed(request: HttpRequest) -> None:
    if not has_role(request.user, *MANAGERS):
        raise PermissionDenied("Bạn không có quyền cấp, thu hồi giấy chứng nhận.")


def _filtered(request: HttpRequest) -> tuple:
    certificates = Certificate.objects.visible_to(request.user).select_related("issuer")
    params = request.GET
    if params.get("course", "").isdigit():
        certificates = certificates.filter(course_id=params["course"])
    if params.get("issuer", "").isdigit():
        certificates = certificates.filter(issuer_id=params["issuer"])
    if params.get("status") in Certificate.Status.values:
        certificates = certificates.filter(status=params["status"])
    if query := params.get("q", "").strip():
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
    courses = Course.objects.visible_to(request.user).filter(
        pk__in=Certificate.objects.values("course_id")
    )
    return render(
        request,
        "certificates/list.html",
        {
            "page": page,
            "issuers": Issuer.objects.prefetch_related("names"),
            "courses": courses.order_by("-pk")[:200],
            "pending": _pending_records(request)[:50],
            "statuses": Certificate.Status.choices,
            "params": params,
            "can_manage": has_role(request.user, *MANAGERS),
            "year": timezone.localdate().year,
        },
    )


def _pending_records(request: HttpRequest) -> QuerySet[TrainingRecord]:
    """Training records of certifying programmes that have no valid certificate yet."""
    issued = Certificate.objects.filter(
        status=Certificate.Status.VALID, training_record__isnull=False
    )
    return (
        TrainingRecord.objects.visible_to(request.user)
        .filter(programme__has_certificate=True)
        .exclude(pk__in=issued.values("training_record_id"))
        .select_related("person", "programme")
        .order_by("-completed_on", "pk")
    )


@login_required
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(
        Certificate.objects.visible_to(request.user).select_related("issuer", "superseded_by"),
        pk=pk,
    )
    return render(
        request,
        "certificates/detail.html",
        {"c": certificate, "can_manage": has_role(request.user, *MANAGERS)},
    )


@login_required
def certificate_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The stored PDF, for the organisers who see it or the holder's own account."""
    visible = Certificate.objects.visible_to(request.user) | Certificate.objects.of_user(
        request.user
    )
    certificate = get_object_or_404(visible, pk=pk)
    return FileResponse(
        certificate.pdf.open("rb"),
        content_type="application/pdf",
        filename=bulk.file_name(certificate),
    )


@login_required
@require_POST
def certificate_issue(request: HttpRequest) -> HttpResponse:
    """Issue by hand for a training record (from a course, an import or entered by hand)."""
    _managed(request)
    record = get_object_or_404(
        TrainingRecord.objects.visible_to(request.user), pk=request.POST.get("record") or 0
    )
    issuer = get_object_or_404(Issuer, pk=request.POST.get("issuer") or 0)
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
    _managed(request)
    certificate = get_object_or_404(Certificate.objects.visible_to(request.user), pk=pk)
    try:
        services.revoke_certificate(
            certificate=certificate, reason=request.POST.get("reason", ""), by=request.user
        )
        messages.success(request, f"Đã thu hồi giấy chứng nhận số {certificate.number}.")
    except CertificateError as error:
        messages.error(request, str(error))
    return redirect("certificates:detail", pk=pk)


@login_required
@require_POST
def certificate_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    _managed(request)
    certificate = get_object_or_404(Certificate.objects.visible_to(request.user), pk=pk)
    try:
        new = services.reissue_certificate(certificate=certificate, by=request.user)
    except CertificateError as error:
        messages.error(request, str(error))
        return redirect("certificates:detail", pk=pk)
    messages.success(request, f"Đã cấp lại: số mới {new.number} thay cho {certificate.number}.")
    return redirect("certificates:detail", pk=new.pk)


def _course_certificates(request: HttpRequest, course_id: int) -> list[Certificate]:
    course = get_object_or_404(Course.objects.visible_to(request.user), pk=course_id)
    found = list(
        Certificate.objects.filter(course=course, status=Certificate.Status.VALID)
        .select_related("person")
        .order_by("person__sort_key", "serial")
    )
    if not found:
        raise Http404("Lớp này chưa có giấy chứng nhận nào còn hiệu lực.")
    return found


@login_required
def course_pdf(request: HttpRequest, course_id: int) -> HttpResponse:
    content = bulk.merged_pdf(_course_certificates(request, course_id))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="gcn_lop_{course_id}.pdf"'
    return response


@login_required
def course_zip(request: HttpRequest, course_id: int) -> HttpResponse:
    content = bulk.zipped_pdfs(_course_certificates(request, course_id))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="gcn_lop_{course_id}.zip"'
    return response


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """The issue register of one issuer for one year (.xlsx)."""
    _managed(request)
    issuer = get_object_or_404(Issuer, pk=request.GET.get("issuer") or 0)
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else date.today().year
    visible = Certificate.objects.visible_to(request.user)
    content = bulk.register_xlsx(issuer=issuer, year=year, certificates=visible)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="so_cap_gcn_{issuer.code}_{year}.xlsx"'
    return response


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """A trainee's own certificates (the account linked to a person)."""
    certificates = Certificate.objects.of_user(request.user).select_related(
        "issuer", "superseded_by"
    )
    return render(request, "certificates/mine.html", {"certificates": certificates})


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


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
    return render(request, "certificates/verify.html", {"c": certificate})


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
    certificate = services.find_by_number(
        number=str(context["number"]),
        birth_date=birth,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    if certificate is None:
        context["error"] = "Không tìm thấy giấy chứng nhận có số và ngày sinh này."
        return render(request, "certificates/lookup.html", context, status=404)
    return render(request, "certificates/verify.html", {"c": certificate})
