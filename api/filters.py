"""The filter backend of the API: `filterset_fields` naming a related row filter by its id as a
number, so an id that does not exist (or lies outside the caller's units) gives an empty page,
not a 400 that would tell which ids exist."""

import django_filters as filters
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend

from api.people_filters import IdFilter


class IdFilterSet(filters.FilterSet):
    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
    }


class FilterBackend(DjangoFilterBackend):
    filterset_base = IdFilterSet
