"""REST API of the registry: units, organisations, roles, people and positions under /api/v1/.

Every queryset is scoped by the access policy (access.scopes). Reads are open to every signed-in
user (rows limited to their units); holders of registry.write change, through people.services,
whose PeopleError becomes a 400."""

from dataclasses import fields as dataclass_fields
from typing import Any, cast

from django.db.models import Case, DateField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from access.drf import Policy, Scoped
from access.policy import OUT_OF_SCOPE, Cap, can, can_read_ethnicity, can_read_ids, refusal
from access.scopes import visible, writable
from api.people_filters import (
    DAY,
    OrganisationFilter,
    PersonFilter,
    PositionFilter,
    UnitFilter,
    day_of,
)
from api.people_serializers import (
    OrganisationSerializer,
    PersonSerializer,
    PositionEndSerializer,
    PositionSerializer,
    RoleSerializer,
    UnitSerializer,
    VillageCreateSerializer,
)
from api.routers import IdDefaultRouter
from people import services
from people.models import (
    FAR_PAST,
    Organisation,
    Person,
    Position,
    Role,
    Unit,
    UnitAncestry,
)

SAFE = permissions.SAFE_METHODS


def _as_of(meaning: str) -> OpenApiParameter:
    return OpenApiParameter(
        "as_of",
        DAY,
        description=f"Ngày (YYYY-MM-DD hoặc dd/mm/yyyy), mặc định hôm nay: {meaning}",
    )


# Top-down: provinces first, villages last (the level codes do not sort that way).
LEVEL_RANK = Case(
    *(When(level=level, then=Value(rank)) for rank, level in enumerate(services.LEVEL_ORDER)),
    default=Value(len(services.LEVEL_ORDER)),
)


def require_writable(user: Any, unit_id: int | None) -> None:
    """403 unless `unit_id` lies inside a unit where the user writes the registry."""
    if unit_id is None or not can(user, Cap.REGISTRY_WRITE, unit_id):
        raise PermissionDenied(refusal(Cap.REGISTRY_WRITE) if unit_id is None else OUT_OF_SCOPE)


class RegistryViewSet(
    Scoped,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and update (no delete: positions end, they are not erased)."""

    permission_classes = [Policy]
    write_cap = Cap.REGISTRY_WRITE


@extend_schema_view(
    list=extend_schema(
        parameters=[
            _as_of("chỉ các đơn vị có hiệu lực vào ngày này; `parent`, `within` theo ngày này")
        ]
    ),
    retrieve=extend_schema(parameters=[_as_of("ngày tính `parent`")]),
    create=extend_schema(
        request=VillageCreateSerializer,
        summary="Thêm một thôn, tổ dân phố vào một xã (theo people.services.create_village)",
    ),
)
class UnitViewSet(RegistryViewSet):
    """Administrative units and villages; `parent` is the parent on `as_of` (default today,
    or the last day of a unit no longer valid)."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Unit]:
        parent = UnitAncestry.objects.filter(
            descendant=OuterRef("pk"),
            depth=1,
            valid_from__lte=(day := self._day()),
            valid_to__gte=day,
        ).values("ancestor_id")[:1]
        return (
            visible(self.request.user, Unit)
            .annotate(parent_id_on=Subquery(parent), level_rank=LEVEL_RANK)
            .order_by("level_rank", "name", "pk")
        )

    def _day(self) -> Any:
        """`as_of`; without it today, or for a unit valid only in the past (or the future) its
        last (first) day, so the legacy tree keeps its shape in an undated listing."""
        if self.request.query_params.get("as_of"):
            return day_of(self.request)
        today, dates = Value(timezone.localdate()), DateField()
        last = Least(Coalesce(OuterRef("valid_to"), today, output_field=dates), today)
        return Greatest(last, Coalesce(OuterRef("valid_from"), Value(FAR_PAST)), output_field=dates)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = VillageCreateSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        commune = form.validated_data["parent"]
        require_writable(request.user, commune.pk)
        village = services.create_village(commune=commune, name=form.validated_data["name"])
        unit = self.get_queryset().get(pk=village.pk)
        return Response(self.get_serializer(unit).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=[_as_of("chỉ các tổ chức hoạt động vào ngày này; `within`")])
)
class OrganisationViewSet(RegistryViewSet):
    """Organisations (chi bộ, ban công tác Mặt trận, ban thanh tra nhân dân...) at a unit."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self) -> QuerySet[Organisation]:
        return visible(self.request.user, Organisation).order_by("unit_id", "kind", "pk")

    def perform_create(self, serializer: BaseSerializer) -> None:
        require_writable(self.request.user, serializer.validated_data["unit"].pk)
        serializer.save()

    def perform_update(self, serializer: BaseSerializer) -> None:
        if "unit" in serializer.validated_data:
            require_writable(self.request.user, serializer.validated_data["unit"].pk)
        serializer.save()


class RoleViewSet(RegistryViewSet):
    """The role catalogue (chức danh): read by all, edited by administrators."""

    serializer_class = RoleSerializer
    write_cap = Cap.CATALOGUE_WRITE
    queryset = Role.objects.order_by("order", "code")
    filterset_class = None


@extend_schema_view(
    list=extend_schema(
        parameters=[
            _as_of("ngày dùng cho bộ lọc `unit`"),
            # Refused with 400 and a pointer to the POST look-up: never put an ID in a URL.
            OpenApiParameter("citizen_id", exclude=True),
        ]
    )
)
class PersonViewSet(RegistryViewSet):
    """People in the Vietnamese order (Tên, chữ đệm, Họ). IDs masked unless the viewer may
    read them; ethnicity shown to administrators only."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter

    def get_queryset(self) -> QuerySet[Person]:
        return visible(self.request.user, Person.objects.all()).vietnamese_order()

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            "show_ids": can_read_ids(self.request.user),
            "show_ethnicity": can_read_ethnicity(self.request.user),
        }

    def perform_create(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        home_unit = data.pop("home_unit", None)
        # Without a home unit inside the caller's units, the new person would be out of sight.
        require_writable(self.request.user, home_unit.pk if home_unit else None)
        serializer.instance = services.save_person(_person_data(data), home_unit=home_unit)

    def perform_update(self, serializer: BaseSerializer) -> None:
        person = cast(Person, serializer.instance)
        data = dict(serializer.validated_data)
        home_unit = data.pop("home_unit", None)
        if home_unit is not None:
            require_writable(self.request.user, home_unit.pk)
            person.home_unit = home_unit
        # The service checks a declaration as a whole (ID against sex and birth year): start
        # from what is known and lay the changes over it.
        known = {f: getattr(person, f) for f in PERSON_FIELDS}
        serializer.instance = services.save_person(_person_data({**known, **data}), person=person)


PERSON_FIELDS = [f.name for f in dataclass_fields(services.PersonData)]


def _person_data(values: dict[str, Any]) -> services.PersonData:
    """A declaration from validated fields; the dataclass wants "" where the API has null."""
    known: dict[str, Any] = {k: "" if v is None else v for k, v in values.items()}
    known["birth_date"] = values.get("birth_date")
    return services.PersonData(**known)


@extend_schema_view(
    list=extend_schema(parameters=[_as_of("chỉ các chức vụ còn hiệu lực vào ngày này; `unit`")]),
    update=extend_schema(request=PositionEndSerializer, summary="Kết thúc chức vụ"),
    partial_update=extend_schema(request=PositionEndSerializer, summary="Kết thúc chức vụ"),
)
class PositionViewSet(RegistryViewSet):
    """Positions (chức vụ): who holds which role in which organisation, from when to when."""

    serializer_class = PositionSerializer
    filterset_class = PositionFilter

    def get_queryset(self) -> QuerySet[Position]:
        return (
            visible(self.request.user, Position)
            .select_related("person", "role", "organisation")
            .order_by("organisation_id", "role__order", "start", "pk")
        )

    def perform_create(self, serializer: BaseSerializer) -> None:
        values = serializer.validated_data
        user = self.request.user
        require_writable(user, values["organisation"].unit_id)
        if not writable(user, Person).filter(pk=values["person"].pk).exists():
            raise PermissionDenied("Người này nằm ngoài phạm vi bạn được phân quyền")
        serializer.instance = services.appoint(**values)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        position = self.get_object()
        form = PositionEndSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.end_position(position=position, end=form.validated_data["end"])
        return Response(self.get_serializer(position).data)


router = IdDefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("roles", RoleViewSet, basename="role")
router.register("people", PersonViewSet, basename="person")
router.register("positions", PositionViewSet, basename="position")

urlpatterns = router.urls
