"""A person's page (/danh-ba/nguoi/<id>/): who they are, their positions, training records,
certificates and history; the search by citizen ID, which goes through POST so the number is
never in a URL."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from access.policy import Cap, can_read_ethnicity, can_read_ids, holds, refusal
from access.scopes import get_visible, visible, writable
from audit.history import rows_for_page
from audit.models import Erasure
from certificates.models import Certificate
from people import ids
from people.models import Person, Position
from training.models import TrainingRecord


def _shown_id(request: HttpRequest, person: Person) -> str:
    number = person.citizen_id or person.legacy_id
    return number if can_read_ids(request.user) else ids.mask(number)


def _sections(request: HttpRequest, person: Person) -> dict[str, object]:
    user = request.user
    positions = visible(user, Position).filter(person=person)
    records = visible(user, TrainingRecord).filter(person=person)
    certificates = visible(user, Certificate).filter(person=person)
    return {
        "positions": positions.select_related("role", "organisation__unit").order_by("-start"),
        "records": records.select_related("programme").order_by("-completed_on"),
        "certificates": certificates.order_by("-issued_on", "-pk"),
    }


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one person the user may see; export and erasure for administrators."""
    found = get_visible(request.user, Person.objects.select_related("home_unit"), pk=pk)
    user = request.user
    context = {
        "person": found,
        "shown_id": _shown_id(request, found),
        "show_ethnicity": can_read_ethnicity(user),
        "erasure": Erasure.objects.filter(person=found).first(),
        "history": rows_for_page(Person, found.pk, user) if holds(user, Cap.AUDIT_READ) else None,
        "can_export": writable(user, Person, Cap.PEOPLE_EXPORT).filter(pk=pk).exists(),
        "can_erase": writable(user, Person, Cap.PEOPLE_ERASE).filter(pk=pk).exists(),
        **_sections(request, found),
    }
    return render(request, "people/person.html", context)


@login_required
@require_POST
def find_by_id(request: HttpRequest) -> HttpResponse:
    """The person with this citizen ID, among those the user sees (ID readers only)."""
    if not can_read_ids(request.user):
        raise PermissionDenied(refusal(Cap.IDS_READ))
    number = ids.normalise(request.POST.get("citizen_id", "").replace("\x00", ""))
    admin = request.POST.get("target") == "admin"
    back = reverse("admin:people_person_changelist") if admin else reverse("people:roster")
    if not (number.isdigit() and len(number) in (9, 12)):
        messages.error(request, "Số CCCD phải gồm 12 chữ số (hoặc CMND cũ 9 chữ số)")
        return redirect(back)
    found = visible(request.user, Person).filter(Q(citizen_id=number) | Q(legacy_id=number))
    match = found.order_by("pk").first()
    if match is None:
        messages.error(request, "Không có người mang số này trong phạm vi của bạn")
        return redirect(back)
    if admin:
        return redirect("admin:people_person_change", match.pk)
    return redirect("people:person", match.pk)
