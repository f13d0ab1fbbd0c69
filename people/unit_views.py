"""The unit picker's two faces: JSON for the autocomplete of a unit field (site.js) and a plain
search page for phones without JavaScript. Both ask people.unit_search."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from config.dates import day_or_today, show
from people.unit_search import search_units


def _day(request: HttpRequest) -> tuple[date, str]:
    """The day the units must exist on (`ngay`, dd/mm/yyyy; today when absent)."""
    return day_or_today(request.GET.get("ngay", "").strip())


@login_required
def unit_search_json(request: HttpRequest) -> HttpResponse:
    """`?q=part of a name or a code&ngay=dd/mm/yyyy` → `{"results": [{id, code, name, level,
    label}], "on": "dd/mm/yyyy"}`, at most 20, only the caller's units."""
    on, problem = _day(request)
    if problem:
        return JsonResponse({"detail": problem, "results": []}, status=400)
    found = search_units(request.user, request.GET.get("q", ""), on=on)
    results = [m.__dict__ for m in found]
    return JsonResponse({"results": results, "on": show(on)})


@login_required
def unit_search_page(request: HttpRequest) -> HttpResponse:
    on, problem = _day(request)
    q = request.GET.get("q", "")
    found = search_units(request.user, q, on=on) if q else []
    context = {"q": q, "on": show(on), "problem": problem, "found": found}
    return render(request, "people/unit_search.html", context)
