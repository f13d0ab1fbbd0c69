"""HTML pages of the registry."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from people.access import roles_of
from people.models import Grant


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A landing page for the user's role(s), listing the units they work on."""
    grants = Grant.objects.filter(user=request.user).select_related("unit")
    return render(
        request,
        "people/home.html",
        {"grants": grants, "roles": sorted(roles_of(request.user))},
    )
