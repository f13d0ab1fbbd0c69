"""Who may see what: users see only the subtrees of the units they were granted."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from people.models import Grant, Unit, UnitAncestry

# Roles that keep the registry may read citizen IDs in full; the others see them masked.
ID_READERS = {Grant.Role.ADMINISTRATOR, Grant.Role.CLERK}

User = AbstractBaseUser | AnonymousUser


def is_unrestricted(user: User) -> bool:
    return bool(getattr(user, "is_superuser", False))


def granted_unit_ids(user: User) -> QuerySet[Grant]:
    return Grant.objects.filter(user_id=user.pk).values("unit_id")


def visible_unit_ids(user: User) -> QuerySet:
    """Ids of units inside any granted unit, on any date (one subquery, never a Python walk)."""
    if is_unrestricted(user):
        return Unit.objects.values("pk")
    if not user.is_authenticated:
        return Unit.objects.none().values("pk")
    return UnitAncestry.objects.filter(ancestor__in=granted_unit_ids(user)).values("descendant_id")


def can_see_unit(user: User, unit: Unit | int) -> bool:
    pk = unit.pk if isinstance(unit, Unit) else unit
    return is_unrestricted(user) or visible_unit_ids(user).filter(descendant_id=pk).exists()


# Attribute on a request's user where its roles are kept for that one request (see
# config.middleware.RequestRolesMiddleware): the navigation and the view then share one query.
ROLES_MEMO = "_taphuan_roles"


def roles_of(user: User) -> set[str]:
    if is_unrestricted(user):
        return set(Grant.Role.values)
    if not user.is_authenticated:
        return set()
    memo = getattr(user, ROLES_MEMO, False)
    if memo:
        return set(memo)
    roles = set(Grant.objects.filter(user_id=user.pk).values_list("role", flat=True))
    if memo is None:  # this request asked for the roles to be kept
        setattr(user, ROLES_MEMO, frozenset(roles))
    return roles


def can_see_citizen_ids(user: User) -> bool:
    return bool(roles_of(user) & ID_READERS)


def has_role(user: User, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))
