"""The access policy of Taphuan, in one place: which role may do what, and where.

A user is granted units with a role (`people.Grant`); a role carries capabilities (the table
below); a capability held on a unit holds on everything inside it (on any date, unless a day is
asked for). A trainee is a user linked to one person (`Person.user`): they see that person's
courses, records and certificates and nothing else. Superusers hold every capability everywhere.

Every page, API view, admin class, export, command and feed asks this module (and
`access.scopes` for rows) and nothing else."""

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as Account
from django.db.models import QuerySet

from people.models import Grant, Person, Unit, UnitAncestry, UnitLineage

# Who asks: a signed-in account (the user model) or an anonymous visitor.
User = Account | AnonymousUser


class Cap(StrEnum):
    """A capability: something a role may do inside its units."""

    REGISTRY_READ = "registry.read"
    REGISTRY_WRITE = "registry.write"
    TRAINING_READ = "training.read"
    TRAINING_WRITE = "training.write"
    CERTIFICATES_READ = "certificates.read"
    CERTIFICATES_WRITE = "certificates.write"
    CERTIFICATES_REGISTER = "certificates.register"
    COVERAGE_READ = "coverage.read"
    COVERAGE_FREEZE = "coverage.freeze"
    INDICATORS_WRITE = "indicators.write"
    IDS_READ = "ids.read"
    ETHNICITY_READ = "ethnicity.read"
    CATALOGUE_WRITE = "catalogue.write"
    GRANTS_WRITE = "grants.write"
    AUDIT_READ = "audit.read"
    PEOPLE_EXPORT = "people.export"
    PEOPLE_ERASE = "people.erase"
    SELF_READ = "self.read"


# The role a trainee account has: not granted on a unit, it comes from the link to a person.
TRAINEE = "trainee"
R = Grant.Role
READ = {
    Cap.REGISTRY_READ,
    Cap.TRAINING_READ,
    Cap.CERTIFICATES_READ,
    Cap.COVERAGE_READ,
    Cap.AUDIT_READ,
}

# The policy as data: role → capabilities. The README's role table is generated from it.
POLICY: dict[str, frozenset[Cap]] = {
    R.ADMINISTRATOR: frozenset(Cap) - {Cap.SELF_READ},
    R.COMMISSION: frozenset(
        READ | {Cap.COVERAGE_FREEZE, Cap.INDICATORS_WRITE, Cap.CERTIFICATES_REGISTER}
    ),
    R.ORGANISER: frozenset(
        READ | {Cap.TRAINING_WRITE, Cap.CERTIFICATES_WRITE, Cap.CERTIFICATES_REGISTER}
    ),
    R.CLERK: frozenset(READ | {Cap.REGISTRY_WRITE, Cap.IDS_READ, Cap.INDICATORS_WRITE}),
    TRAINEE: frozenset({Cap.SELF_READ}),
}

ROLE_LABELS = {**dict(Grant.Role.choices), TRAINEE: "Học viên"}
# What each capability allows, for the README's role table and the admin.
CAP_LABELS: dict[Cap, str] = {
    Cap.REGISTRY_READ: "read the registry (units, organisations, people, positions)",
    Cap.REGISTRY_WRITE: "change the registry, import rosters",
    Cap.TRAINING_READ: "read courses, sessions, invitations, attendance, records",
    Cap.TRAINING_WRITE: "run courses: sessions, invitations, attendance, results, planning",
    Cap.CERTIFICATES_READ: "read certificates",
    Cap.CERTIFICATES_WRITE: "issue, revoke, reissue certificates (issuers of their units)",
    Cap.CERTIFICATES_REGISTER: "download the issue register",
    Cap.COVERAGE_READ: "read coverage, gaps, frozen reports, indicators",
    Cap.COVERAGE_FREEZE: "freeze a report as sent",
    Cap.INDICATORS_WRITE: "enter the resolution's other indicators",
    Cap.IDS_READ: "read citizen IDs in full",
    Cap.ETHNICITY_READ: "read ethnicity",
    Cap.CATALOGUE_WRITE: "change the catalogues (roles, programmes, targets, issuers, layouts)",
    Cap.GRANTS_WRITE: "grant roles on their units, create accounts",
    Cap.AUDIT_READ: "read the history of what they may see",
    Cap.PEOPLE_EXPORT: "export a person's data (access request)",
    Cap.PEOPLE_ERASE: "erase a person on request",
    Cap.SELF_READ: "read their own courses, records and certificates",
}

# Capabilities that are not held "on a unit" but on the whole catalogue or the whole system.
GLOBAL = {Cap.CATALOGUE_WRITE}

# Vietnamese reasons shown when a capability is missing (403 pages and API errors).
REFUSALS: dict[Cap, str] = {
    Cap.REGISTRY_WRITE: "Chỉ cán bộ nhập liệu và quản trị viên được thay đổi dữ liệu danh bạ",
    Cap.TRAINING_WRITE: "Chỉ đơn vị tổ chức và quản trị viên được thay đổi dữ liệu tập huấn",
    Cap.CERTIFICATES_WRITE: "Chỉ đơn vị tổ chức và quản trị viên được cấp, thu hồi giấy chứng nhận",
    Cap.CERTIFICATES_REGISTER: "Bạn không có quyền tải sổ cấp giấy chứng nhận",
    Cap.COVERAGE_FREEZE: "Chỉ Ban Tuyên giáo và Dân vận mới được chốt báo cáo",
    Cap.INDICATORS_WRITE: "Chỉ quản trị, Ban Tuyên giáo và Dân vận, cán bộ nhập liệu được nhập "
    "số liệu chỉ tiêu",
    Cap.CATALOGUE_WRITE: "Chỉ quản trị viên được sửa danh mục",
    Cap.GRANTS_WRITE: "Chỉ quản trị viên được phân quyền",
    Cap.PEOPLE_EXPORT: "Chỉ quản trị viên được xuất dữ liệu cá nhân",
    Cap.PEOPLE_ERASE: "Chỉ quản trị viên được xoá dữ liệu cá nhân",
    Cap.IDS_READ: "Bạn không được xem số CCCD",
}
OUT_OF_SCOPE = "Đơn vị này nằm ngoài phạm vi bạn được phân quyền"


def refusal(cap: Cap) -> str:
    return REFUSALS.get(cap, "Bạn không có quyền thực hiện việc này")


class AccessDenied(Exception):
    """An action the policy refuses; views turn it into a 403 with the message."""


def roles_with(cap: Cap) -> list[str]:
    """The grant roles that carry `cap` (the trainee's are not granted on units)."""
    return [role for role, caps in POLICY.items() if cap in caps and role != TRAINEE]


def is_unrestricted(user: User) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


# Attribute on a request's user where its roles are kept for that one request (see
# config.middleware.RequestRolesMiddleware): the navigation and the view then share one query.
ROLES_MEMO = "_taphuan_roles"


def roles_of(user: User) -> set[str]:
    """The user's roles: those of its grants, and `trainee` when it is linked to a person."""
    if is_unrestricted(user):
        return set(Grant.Role.values)
    if not user.is_authenticated:
        return set()
    memo: frozenset[str] | None | bool = getattr(user, ROLES_MEMO, False)
    if isinstance(memo, frozenset) and memo:
        return set(memo)
    rows = get_user_model().objects.filter(pk=user.pk).values_list("grants__role", "person__pk")
    roles = {role for role, _ in rows if role}  # one query for grants and the trainee link
    if any(person for _, person in rows):
        roles.add(TRAINEE)
    if memo is None:  # this request asked for the roles to be kept
        setattr(user, ROLES_MEMO, frozenset(roles))
    return roles


def capabilities(user: User) -> frozenset[Cap]:
    if is_unrestricted(user):
        return frozenset(Cap)
    return frozenset().union(*(POLICY.get(role, frozenset()) for role in roles_of(user)))


def holds(user: User, cap: Cap) -> bool:
    """The user holds `cap` on some unit (or, for a trainee's, on themself)."""
    return cap in capabilities(user)


def granted_unit_ids(user: User, cap: Cap | None = None) -> QuerySet:
    """Ids of the units granted to the user (with a role carrying `cap`, if given)."""
    grants = Grant.objects.filter(user_id=user.pk or 0)
    if cap is not None:
        grants = grants.filter(role__in=roles_with(cap))
    return grants.values("unit_id")


def unit_ids_for(user: User, cap: Cap, *, on: date | None = None) -> QuerySet:
    """Ids of the units inside a unit granted with `cap` (one subquery, never a Python walk).
    Without `on`, on any date: a grant on old Hà Giang also covers its villages after they moved
    under new communes; with `on`, only in the tree valid on that day."""
    if is_unrestricted(user):
        links = UnitAncestry.objects.filter(depth=0)  # every unit, as its own descendant
    elif not user.is_authenticated or cap not in capabilities(user):
        links = UnitAncestry.objects.none()
    else:
        links = UnitAncestry.objects.filter(ancestor__in=granted_unit_ids(user, cap))
    if on is not None:
        links = links.filter(valid_from__lte=on, valid_to__gte=on)
    return links.values("descendant_id")


def _pk(unit: Unit | int) -> int:
    return unit.pk if isinstance(unit, Unit) else int(unit)


def can(user: User, cap: Cap, unit: Unit | int | None = None, *, on: date | None = None) -> bool:
    """May `user` do `cap` on `unit` (anywhere, when no unit is given)?"""
    if is_unrestricted(user):
        return True
    if not user.is_authenticated or cap not in capabilities(user):
        return False
    if unit is None or cap in GLOBAL:
        return True
    return unit_ids_for(user, cap, on=on).filter(descendant_id=_pk(unit)).exists()


def can_all(
    user: User, cap: Cap, units: Iterable[Unit | int | None], *, on: date | None = None
) -> bool:
    """May `user` do `cap` on every one of `units` (and there is at least one)?"""
    if is_unrestricted(user):
        return True
    ids = {_pk(u) for u in units if u is not None}
    if not ids or not holds(user, cap):
        return False
    inside = unit_ids_for(user, cap, on=on).filter(descendant_id__in=ids)
    return ids <= set(inside.values_list("descendant_id", flat=True))


def can_any(user: User, cap: Cap, units: Iterable[Unit | int | None]) -> bool:
    """May `user` do `cap` on at least one of `units`?"""
    if is_unrestricted(user):
        return True
    ids = {_pk(u) for u in units if u is not None}
    return bool(ids) and unit_ids_for(user, cap).filter(descendant_id__in=ids).exists()


def inside(user: User, cap: Cap, ids: Iterable[int]) -> set[int]:
    """Those of unit `ids` on which `user` may do `cap` (one query)."""
    wanted = {int(i) for i in ids}
    if is_unrestricted(user):
        return wanted
    if not wanted:
        return set()
    found = unit_ids_for(user, cap).filter(descendant_id__in=wanted)
    return set(found.values_list("descendant_id", flat=True))


def wholly_inside(
    user: User, units: Iterable[Unit | int], cap: Cap = Cap.COVERAGE_READ
) -> set[int]:
    """Ids among `units` whose figures stay inside the user's grants: units inside a granted
    unit, and new units (after 1/7/2025) every one of whose former units is inside one. A new
    commune formed partly from a commune outside the grants is not counted (three queries)."""
    ids = {_pk(u) for u in units}
    if is_unrestricted(user):
        return ids
    if not ids or not user.is_authenticated:
        return set()
    found = inside(user, cap, ids)
    rest = ids - found
    if not rest:
        return found
    olds: dict[int, set[int]] = {}
    for new_id, old_id in UnitLineage.objects.filter(new_id__in=rest).values_list(
        "new_id", "old_id"
    ):
        olds.setdefault(new_id, set()).add(old_id)
    seen = inside(user, cap, set().union(*olds.values())) if olds else set()
    return found | {new for new, old in olds.items() if old <= seen}


def rows_inside(
    user: User, rows: list[dict], unit_of: str = "_unit_id", cap: Cap = Cap.REGISTRY_READ
) -> list[dict]:
    """Named rows (people, boards, villages of a report) whose unit, row[unit_of], lies inside
    the user's units: a report may count an area, but names only what the user sees."""
    if is_unrestricted(user):
        return rows
    seen = inside(user, cap, {r[unit_of] for r in rows if r.get(unit_of)})
    return [r for r in rows if r.get(unit_of) in seen]


def require(user: User, cap: Cap, unit: Unit | int | None = None) -> None:
    """Raise AccessDenied unless `can(user, cap, unit)`."""
    if not can(user, cap, unit):
        raise AccessDenied(refusal(cap) if not holds(user, cap) else OUT_OF_SCOPE)


def own_person_ids(user: User) -> QuerySet:
    """The person a trainee account is linked to (empty for others)."""
    if not user.is_authenticated:
        return Person.objects.none().values("pk")
    return Person.objects.filter(user_id=user.pk).values("pk")


# Shorthands for the questions asked on almost every page.
def can_read_ids(user: User) -> bool:
    return holds(user, Cap.IDS_READ)


def can_read_ethnicity(user: User) -> bool:
    return holds(user, Cap.ETHNICITY_READ)


def can_see_unit(user: User, unit: Unit | int) -> bool:
    return can(user, Cap.REGISTRY_READ, unit)


def can_see_job(user: User, owner_id: int) -> bool:
    """A background job (its progress, its file) is its owner's; superusers see every job."""
    return bool(user.is_authenticated and (user.pk == owner_id or is_unrestricted(user)))


def role_table() -> str:
    """The policy as a Markdown table (README «Security and personal data»): a row per
    capability, a column per role. Generated, never written by hand."""
    roles = list(POLICY)
    head = "| capability | " + " | ".join(f"{r} ({ROLE_LABELS[r]})" for r in roles) + " |"
    rows = [head, "|---|" + "---|" * len(roles)]
    for cap in Cap:
        marks = " | ".join("✓" if cap in POLICY[r] else "" for r in roles)
        rows.append(f"| `{cap}`: {CAP_LABELS[cap]} | {marks} |")
    return "\n".join(rows)
