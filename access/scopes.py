"""Rows a user may see or change, per model: the policy of `access.policy` applied to tables.

`visible(user, Person)` and `writable(user, Position.objects.filter(...))` are the only ways
pages, the API, the admin, exports and feeds narrow a query to the user's units. A model that is
not listed here cannot be scoped, and asking for it is an error (so a new model is not silently
left open)."""

from collections.abc import Callable
from typing import Any, TypeVar, overload

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from access.policy import (
    OUT_OF_SCOPE,
    Cap,
    User,
    can_all,
    holds,
    is_unrestricted,
    own_person_ids,
    unit_ids_for,
)
from certificates.models import Certificate, Issuer, IssuerName, Layout, NumberCounter, Verification
from coverage.models import FrozenReport, Indicator, IndicatorValue
from people.models import (
    Grant,
    Organisation,
    Person,
    Position,
    Role,
    Unit,
    UnitLineage,
    UnitPlacement,
)
from training.models import (
    Attendance,
    Course,
    Enrollment,
    Notice,
    Programme,
    Session,
    Target,
    TargetRule,
    TrainingRecord,
)

M = TypeVar("M", bound=Model)
QS = TypeVar("QS", bound=QuerySet[Any])
Narrow = Callable[[QuerySet, User, Cap], QuerySet]


def _units(field: str) -> Narrow:
    """Rows whose `field` (a path to a Unit) lies inside the user's units for the capability."""

    def narrow(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
        return rows.filter(**{f"{field}__in": unit_ids_for(user, cap)})

    return narrow


def _through(field: str, model: type[Model], *, write: bool = False) -> Narrow:
    """Rows whose `field` points at a row of `model` the user may see (or change)."""

    def narrow(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
        scoped = writable(user, model, cap) if write else visible(user, model)
        return rows.filter(**{f"{field}__in": scoped.values("pk")})

    return narrow


def _everyone(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
    """Catalogue rows (programmes, targets, roles...): every signed-in user reads them."""
    return rows if user.is_authenticated else rows.none()


def _holders() -> Narrow:
    """Catalogue rows change for holders of the catalogue capability only."""

    def narrow(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
        return rows if holds(user, cap) else rows.none()

    return narrow


def _people(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
    """People registered at, or holding a position in, one of the units; and the trainee's own
    person."""
    units = unit_ids_for(user, cap)
    held = Position.objects.filter(organisation__unit_id__in=units).values("person_id")
    return rows.filter(Q(home_unit_id__in=units) | Q(pk__in=held) | Q(pk__in=own_person_ids(user)))


def _positions(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
    mine = Q(person__in=own_person_ids(user)) if cap == Cap.REGISTRY_READ else Q(pk__in=[])
    return rows.filter(Q(organisation__unit_id__in=unit_ids_for(user, cap)) | mine)


def _lineage(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
    units = unit_ids_for(user, cap)
    return rows.filter(Q(old__in=units) | Q(new__in=units))


def _courses_seen(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
    """Courses organised in, held in or addressed to the user's units, made by the user, or
    (for a trainee) those the trainee was invited to."""
    units = unit_ids_for(user, cap)
    audience = Course.audience_units.through.objects.filter(unit_id__in=units)
    invited = Enrollment.objects.filter(person__in=own_person_ids(user)).values("course_id")
    return rows.filter(
        Q(organiser__unit_id__in=units)
        | Q(venue_unit_id__in=units)
        | Q(pk__in=audience.values("course_id"))
        | Q(created_by_id=user.pk)
        | Q(pk__in=invited)
    )


def _courses_changed(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
    """Courses whose owner lies inside the user's units: the organiser's unit; without an
    organiser the venue's unit; without either, every audience unit. Seeing is not enough."""
    units = unit_ids_for(user, cap)
    through = Course.audience_units.through.objects
    outside = through.exclude(unit_id__in=units).values("course_id")
    return rows.filter(
        Q(organiser__isnull=False, organiser__unit_id__in=units)
        | Q(organiser__isnull=True, venue_unit_id__in=units)
        | (
            Q(organiser__isnull=True, venue_unit__isnull=True)
            & Q(pk__in=through.values("course_id"))
            & ~Q(pk__in=outside)
        )
    )


def _enrollments(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
    """Invitations to a course the user sees, of people the user sees — or of everyone on the
    list when the user may change the course; a trainee's own invitations."""
    seen = visible(user, Course).values("pk")
    changed = writable(user, Course).values("pk")
    people = visible(user, Person).values("pk")
    return rows.filter(course__in=seen).filter(Q(course__in=changed) | Q(person__in=people))


def _records(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
    """Records of people the user sees, and those of the courses the user runs."""
    people = visible(user, Person).values("pk")
    return rows.filter(Q(person__in=people) | Q(course__in=writable(user, Course).values("pk")))


def _inside_writer_units(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
    """Records or certificates of people registered at, or serving in, a unit where the user
    holds `cap`, or of a course organised in one."""
    people = writable(user, Person, cap).values("pk")
    units = unit_ids_for(user, cap)
    return rows.filter(Q(person__in=people) | Q(course__organiser__unit_id__in=units))


def _certificates(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
    """By holder, not by course: certificates of people the user sees, and those of the
    courses the user runs (their organiser issued them)."""
    people = visible(user, Person).values("pk")
    runs = writable(user, Course, Cap.TRAINING_WRITE).values("pk")
    return rows.filter(Q(person__in=people) | Q(course__in=runs))


def _issuers_used(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
    """Issuers linked to an organisation inside a unit where the user issues; those linked to
    none only for catalogue keepers (administrators)."""
    allowed = Q(organisation__unit_id__in=unit_ids_for(user, cap))
    if holds(user, Cap.CATALOGUE_WRITE):
        allowed |= Q(organisation__isnull=True)
    return rows.filter(allowed)


def _none(rows: QuerySet, user: User, cap: Cap) -> QuerySet:
    return rows.none()


# model: ((read capability, narrow), (write capability, narrow))
Rule = tuple[tuple[Cap, Narrow], tuple[Cap, Narrow]]
R, W = Cap.REGISTRY_READ, Cap.REGISTRY_WRITE
TR, TW = Cap.TRAINING_READ, Cap.TRAINING_WRITE
CR, CW = Cap.CERTIFICATES_READ, Cap.CERTIFICATES_WRITE
CATALOGUE = ((R, _everyone), (Cap.CATALOGUE_WRITE, _holders()))

RULES: dict[type[Model], Rule] = {
    Unit: ((R, _units("pk")), (W, _units("pk"))),
    UnitPlacement: ((R, _units("unit")), (W, _units("unit"))),
    UnitLineage: ((R, _lineage), (W, _lineage)),
    Organisation: ((R, _units("unit")), (W, _units("unit"))),
    Person: ((R, _people), (W, _people)),
    Position: ((R, _positions), (W, _positions)),
    Role: CATALOGUE,
    Grant: ((Cap.GRANTS_WRITE, _units("unit")), (Cap.GRANTS_WRITE, _units("unit"))),
    Programme: CATALOGUE,
    Target: CATALOGUE,
    TargetRule: CATALOGUE,
    Course: ((TR, _courses_seen), (TW, _courses_changed)),
    Session: ((TR, _through("course", Course)), (TW, _through("course", Course, write=True))),
    Enrollment: ((TR, _enrollments), (TW, _through("course", Course, write=True))),
    Attendance: (
        (TR, _through("enrollment", Enrollment)),
        (TW, _through("session__course", Course, write=True)),
    ),
    Notice: ((TR, _through("enrollment", Enrollment)), (TW, _none)),
    TrainingRecord: ((TR, _records), (TW, _inside_writer_units)),
    # Issuers are printed on every certificate: every signed-in user may read them.
    Issuer: ((R, _everyone), (CW, _issuers_used)),
    IssuerName: ((R, _through("issuer", Issuer)), (CW, _through("issuer", Issuer, write=True))),
    NumberCounter: ((R, _through("issuer", Issuer)), (CW, _none)),
    Layout: CATALOGUE,
    Certificate: ((CR, _certificates), (CW, _inside_writer_units)),
    Verification: ((CR, _through("certificate", Certificate)), (CW, _none)),
    Indicator: CATALOGUE,
    IndicatorValue: (
        (Cap.COVERAGE_READ, _units("unit")),
        (Cap.INDICATORS_WRITE, _units("unit")),
    ),
    FrozenReport: (
        (Cap.COVERAGE_READ, _units("unit")),
        (Cap.COVERAGE_FREEZE, _units("unit")),
    ),
}


def register(model: type[Model], rule: Rule) -> None:
    """Let another app's model be scoped (audit entries, import batches...)."""
    RULES[model] = rule


def _rows(what: type[M] | QuerySet[M]) -> QuerySet[M]:
    return what._default_manager.all() if isinstance(what, type) else what  # type: ignore[union-attr]


def _rule(rows: QuerySet) -> Rule:
    try:
        return RULES[rows.model]
    except KeyError:
        raise LookupError(f"{rows.model.__name__} has no access rule in access.scopes") from None


@overload
def visible(user: User, what: QS) -> QS: ...
@overload
def visible(user: User, what: type[M]) -> QuerySet[M]: ...
def visible(user: User, what: Any) -> Any:
    """The rows of `what` (a model or a queryset) the user may see."""
    rows = _rows(what)
    (cap, narrow), _ = _rule(rows)
    if is_unrestricted(user):
        return rows
    if not user.is_authenticated:
        return rows.none()
    return narrow(rows, user, cap)


@overload
def writable(user: User, what: QS, cap: Cap | None = None) -> QS: ...
@overload
def writable(user: User, what: type[M], cap: Cap | None = None) -> QuerySet[M]: ...
def writable(user: User, what: Any, cap: Cap | None = None) -> Any:
    """The rows of `what` the user may change (with `cap`, else the model's write capability)."""
    rows = _rows(what)
    _, (default, narrow) = _rule(rows)
    if is_unrestricted(user):
        return rows
    if not user.is_authenticated:
        return rows.none()
    return narrow(rows, user, cap or default)


def may_see(user: User, obj: Model) -> bool:
    return visible(user, type(obj)).filter(pk=obj.pk).exists()


def may_change(user: User, obj: Model, cap: Cap | None = None) -> bool:
    return writable(user, type(obj), cap).filter(pk=obj.pk).exists()


def get_visible(user: User, what: type[M] | QuerySet[M], **lookup: Any) -> M:
    """The one row the user may see, else 404 (never says whether it exists elsewhere)."""
    found = visible(user, what).filter(**lookup).first()
    if found is None:
        raise Http404("Không có dữ liệu này trong phạm vi của bạn")
    return found


def get_writable(
    user: User, what: type[M] | QuerySet[M], cap: Cap | None = None, **lookup: Any
) -> M:
    """The one row the user may change: 404 when they cannot see it, 403 when they only see
    it (a course addressed to their unit but organised above it)."""
    found = get_visible(user, what, **lookup)
    if not may_change(user, found, cap):
        raise PermissionDenied(OUT_OF_SCOPE)
    return found


def read_capability(model: type[Model]) -> Cap:
    return RULES[model][0][0]


def write_capability(model: type[Model]) -> Cap:
    return RULES[model][1][0]


def course_owner_units(
    *, organiser: Organisation | None, venue_unit: Unit | None, audience_units: Any
) -> list[Unit]:
    """The units a course belongs to for changing it (the rule of `_courses_changed`): the
    organiser's unit; without an organiser the venue's unit; without either, every audience
    unit."""
    if organiser is not None:
        return [organiser.unit]
    if venue_unit is not None:
        return [venue_unit]
    return list(audience_units)


NO_OWNER = "Cần chọn đơn vị tổ chức, nơi tổ chức hoặc đơn vị được mời"
NOT_OWNER = "Đơn vị tổ chức (hoặc nơi tổ chức) phải thuộc đơn vị bạn được giao tổ chức lớp"


def course_ownership_problem(user: User, **owners: Any) -> str:
    """Why a course with these organiser, venue and audience would not stay one the user may
    change ("" when it would)."""
    units = course_owner_units(**owners)
    if not units:
        return NO_OWNER
    return "" if can_all(user, Cap.TRAINING_WRITE, units) else NOT_OWNER
