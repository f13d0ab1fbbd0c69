"""Who may change training: administrators and organisers, each inside the units they were
granted those roles on (superusers everywhere). Reading stays with `visible_to`."""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from people.access import has_role, is_unrestricted
from people.models import Grant, Organisation, Person, Unit, UnitAncestry

# Training writes (courses, sessions, invitations, attendance, results, records, planning).
WRITERS = (Grant.Role.ADMINISTRATOR, Grant.Role.ORGANISER)
REFUSED = "Chỉ quản trị viên và đơn vị tổ chức được thay đổi dữ liệu tập huấn"
OUT_OF_SCOPE = "Bạn không có quyền thay đổi lớp này (lớp do đơn vị ngoài phạm vi của bạn tổ chức)"


def may_write(user: Any) -> bool:
    """Holds a training writer role somewhere (the per-unit check comes on each object)."""
    return is_unrestricted(user) or (user.is_authenticated and has_role(user, *WRITERS))


def writer_unit_ids(user: Any) -> QuerySet:
    """Ids of units inside a unit on which the user holds a training writer role."""
    if is_unrestricted(user):
        return Unit.objects.values("pk")
    if not user.is_authenticated:
        return Unit.objects.none().values("pk")
    granted = Grant.objects.filter(user_id=user.pk, role__in=WRITERS).values("unit_id")
    return UnitAncestry.objects.filter(ancestor__in=granted).values("descendant_id")


def writable_people(user: Any) -> QuerySet[Person]:
    """People whose training records the user may write: registered at, or holding a position
    in, a unit where the user holds a training writer role."""
    if is_unrestricted(user):
        return Person.objects.all()
    return Person.objects.inside_units(writer_unit_ids(user))


def may_write_units(user: Any, units: Iterable[Unit | int]) -> bool:
    """Every one of `units` lies inside a unit where the user writes training."""
    if is_unrestricted(user):
        return True
    ids = {u.pk if isinstance(u, Unit) else u for u in units}
    if not ids:
        return False
    inside = set(
        writer_unit_ids(user).filter(descendant_id__in=ids).values_list("descendant_id", flat=True)
    )
    return ids <= inside


def owner_units(
    *, organiser: Organisation | None, venue_unit: Unit | None, audience_units: Iterable[Unit]
) -> list[Unit]:
    """The units a course belongs to for writing: the organiser's unit; without an organiser
    the venue's unit; without either, every audience unit."""
    if organiser is not None:
        return [organiser.unit]
    if venue_unit is not None:
        return [venue_unit]
    return list(audience_units)
