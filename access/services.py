"""Granting access: the one state change of the access area (command and admin call it)."""

from dataclasses import dataclass

from django.contrib.auth.models import User as Account
from django.db import transaction

from access.errors import AccessError
from access.policy import POLICY, ROLE_LABELS, TRAINEE, Cap, User, can
from people.models import Grant, Person, Unit

# Roles that work in the admin (people, positions, grants); the others use the pages.
STAFF_ROLES = {Grant.Role.ADMINISTRATOR, Grant.Role.CLERK}


@dataclass
class Granted:
    user: Account
    created: bool
    grant: Grant | None


def grant_access(
    *,
    username: str,
    role: str,
    unit: Unit | None = None,
    person: Person | None = None,
    password: str | None = None,
    by: User | None = None,
) -> Granted:
    """Give `username` (created if missing) `role` on `unit`; a trainee is linked to `person`
    instead. `by` (None for a command) must hold grants.write on the unit."""
    if role not in POLICY:
        known = ", ".join(POLICY)
        raise AccessError(f"Vai trò «{role}» không có; dùng một trong: {known}")
    username = username.strip()
    if not username:
        raise AccessError("Cần tên tài khoản")
    target = unit if role != TRAINEE else (person.home_unit if person else None)
    if by is not None and not can(by, Cap.GRANTS_WRITE, target):
        raise AccessError("Bạn chỉ được phân quyền trên đơn vị thuộc phạm vi của mình")
    with transaction.atomic():
        user, created = _account(username, password)
        if role == TRAINEE:
            _link(user, person)
            return Granted(user, created, None)
        if unit is None:
            raise AccessError(f"Vai trò «{ROLE_LABELS[role]}» cần một đơn vị")
        grant, _ = Grant.objects.get_or_create(user=user, unit=unit, role=role)
        if role in STAFF_ROLES and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return Granted(user, created, grant)


def _account(username: str, password: str | None) -> tuple[Account, bool]:
    user = Account.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = Account(username=username)
        user.set_unusable_password()
    if password:
        user.set_password(password)
    if created or password:
        user.save()
    return user, created


def _link(user: Account, person: Person | None) -> None:
    """A trainee account sees one person's courses, records and certificates."""
    if person is None:
        raise AccessError("Vai trò học viên cần chỉ rõ người (--person)")
    if person.user_id not in (None, user.pk):
        raise AccessError(f"{person.full_name} đã có tài khoản học viên khác")
    if Person.objects.filter(user=user).exclude(pk=person.pk).exists():
        raise AccessError(f"Tài khoản {user.username} đã gắn với một người khác")
    person.user = user
    person.save(update_fields=["user"])
