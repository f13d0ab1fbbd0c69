"""Pages: a person's data export and erasure (administrators); the import batches."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from access.policy import Cap, refusal
from access.scopes import get_visible, writable
from audit.batches import download_refusal, visible_batches
from audit.erasure import ErasureError, erase_person
from audit.export import FORMATS, export_person
from audit.models import Erasure, ImportBatch
from people.models import Person

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


def _person_for(request: HttpRequest, pk: int, cap: Cap) -> Person:
    person = get_visible(request.user, Person, pk=pk)
    if not writable(request.user, Person, cap).filter(pk=person.pk).exists():
        raise PermissionDenied(refusal(cap))
    return person


@login_required
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Everything about the person, for their access request (administrators)."""
    if fmt not in FORMATS:
        raise Http404("Định dạng không hỗ trợ")
    person = _person_for(request, pk, Cap.PEOPLE_EXPORT)
    response = HttpResponse(export_person(person, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="du-lieu-ca-nhan-{pk}.{fmt}"'
    return response


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label="Lý do (số, ngày của đơn yêu cầu)", widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )  # fmt: skip
    confirm = forms.BooleanField(
        label="Tôi hiểu rằng họ tên, số CCCD, ngày sinh, điện thoại, email và dân tộc của người "
        "này sẽ bị xoá vĩnh viễn, cả trong lịch sử thay đổi"
    )


@login_required
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page, then the erasure (POST with a reason)."""
    person = _person_for(request, pk, Cap.PEOPLE_ERASE)
    form = ErasureForm(request.POST or None)
    done = Erasure.objects.filter(person=person).first()
    if request.method == "POST" and form.is_valid() and not done:
        try:
            erase_person(person=person, reason=form.cleaned_data["reason"], by=request.user)
        except ErasureError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "Đã xoá dữ liệu cá nhân theo yêu cầu.")
            return redirect("people:person", person.pk)
    context = {"person": person, "form": form, "done": done}
    return render(request, "audit/erase.html", context, status=400 if form.errors else 200)


BATCH_PAGE_SIZE = 50


@login_required
def batches(request: HttpRequest) -> HttpResponse:
    """The import batches of the user's units (and their own), newest first."""
    rows = visible_batches(request.user).select_related("user")
    kind = request.GET.get("kind", "")
    if kind in ImportBatch.Kind.values:
        rows = rows.filter(kind=kind)
    page = Paginator(rows, BATCH_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "kinds": ImportBatch.Kind.choices, "kind": kind}
    return render(request, "audit/batches.html", context)


@login_required
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_visible(request.user, visible_batches(request.user), pk=pk)
    context = {
        "batch": found,
        "units": found.units.order_by("name"),
        "refusal": download_refusal(request.user, found),
    }
    return render(request, "audit/batch.html", context)


@login_required
def batch_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The file as it was imported, byte for byte (same SHA-256)."""
    found = get_visible(request.user, visible_batches(request.user), pk=pk)
    refused = download_refusal(request.user, found)
    if refused:
        raise PermissionDenied(refused)
    content = ImportBatch.objects.values_list("content", flat=True).get(pk=found.pk)
    response = HttpResponse(bytes(content), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, found.file_name)
    return response
