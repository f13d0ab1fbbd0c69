"""The counting rules of DOMAIN.md §3, written once. Everything that counts holders, trained
holders, vacancies, boards or teams builds on the querysets of this module, so the dashboard, the
reports, the gaps list and course planning can never disagree.

A *scope* is a set of subtrees on a date: the units placed below (or equal to) any of
`ancestor_ids` in the tree valid on `on` (the closure table carries the dates, so this is one
indexed join). A unit's own report uses `[unit.pk]`; the whole country uses the provinces.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache, reduce
from operator import or_

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from coverage.errors import UnknownTarget
from people.models import (
    FAR_PAST,
    Level,
    Organisation,
    OrgKind,
    Person,
    Position,
    Unit,
    UnitAncestry,
)
from people.text import name_sort_key
from training.models import Target, TargetRule, TrainingRecord

BOARD_KINDS = (OrgKind.PEOPLE_INSPECTION_BOARD, OrgKind.INVESTMENT_SUPERVISION_BOARD)


@dataclass(frozen=True)
class RuleRole:
    """One role a target counts, with the programmes it accepts for that role."""

    id: int
    code: str
    label: str
    level: str
    single_seat: bool
    is_head: bool
    order: int
    org_kinds: tuple[str, ...]
    programme_ids: frozenset[int]


@dataclass
class Rules:
    """A target version and its roles, loaded once (one query) for a whole report."""

    target: Target
    roles: dict[int, RuleRole] = field(default_factory=dict)

    @property
    def role_ids(self) -> list[int]:
        return sorted(self.roles)

    @property
    def seat_roles(self) -> list[RuleRole]:
        """Single-seat village roles: one seat per village (vacancies are counted on these)."""
        found = [r for r in self.roles.values() if r.single_seat and r.level == "village"]
        return sorted(found, key=lambda r: (r.order, r.code))

    @property
    def head_role_ids(self) -> list[int]:
        return sorted(r.id for r in self.roles.values() if r.is_head)

    @property
    def board_kinds(self) -> list[str]:
        kinds = {k for r in self.roles.values() for k in r.org_kinds}
        return sorted(kinds & set(BOARD_KINDS))

    def due_cutoff(self, on: date) -> date:
        """An untrained holder is *due* when appointed on or after this day, *overdue* before.

        Due while D ≤ max(deadline, start + grace), i.e. D ≤ deadline (everyone is due) or
        start ≥ D − grace. Computed here so SQL compares a column with a constant."""
        target = self.target
        if target.deadline and on <= target.deadline:
            return FAR_PAST
        return on - timedelta(days=target.grace_days)

    def due_until(self, start: date) -> date:
        """The last day a holder appointed on `start` is still *due*."""
        grace_end = start + timedelta(days=self.target.grace_days)
        deadline = self.target.deadline
        return max(deadline, grace_end) if deadline else grace_end


def target_version(code: str, on: date) -> Target:
    try:
        return Target.objects.current(code, on=on)
    except Target.DoesNotExist as e:
        raise UnknownTarget(f"Không có chỉ tiêu «{code}» có hiệu lực ngày {on:%d/%m/%Y}") from e


def load_rules(target: Target | str, on: date) -> Rules:
    """The target version valid on `on` (when given a code) and its roles with programmes."""
    if isinstance(target, str):
        target = target_version(target, on)
    rows = TargetRule.objects.filter(target=target).values_list(
        "role_id",
        "role__code",
        "role__label",
        "role__level",
        "role__single_seat",
        "role__is_head",
        "role__order",
        "role__org_kinds",
        "programmes",
    )
    programmes: dict[int, set[int]] = defaultdict(set)
    info = {}
    for role_id, code, label, level, single, head, order, kinds, programme_id in rows:
        info[role_id] = (code, label, level, single, head, order, tuple(kinds or ()))
        if programme_id is not None:
            programmes[role_id].add(programme_id)
    rules = Rules(target=target)
    for role_id, (code, label, level, single, head, order, kinds) in info.items():
        rules.roles[role_id] = RuleRole(
            role_id,
            code,
            label,
            level,
            single,
            head,
            order,
            kinds,
            frozenset(programmes[role_id]),
        )
    return rules


# ---------------------------------------------------------------- trained, holders


def trained_q(rules: Rules, on: date, *, person: str = "person_id", role: str = "role_id") -> Q:
    """True for a position whose person holds a valid record of a programme the target accepts
    for the position's role: completed on or before `on`, not expired on `on`, and not before the
    target's "recognised since" date. Roles are grouped by programme set: one EXISTS per group."""
    groups: dict[frozenset[int], list[int]] = defaultdict(list)
    for r in rules.roles.values():
        if r.programme_ids:
            groups[r.programme_ids].append(r.id)
    conditions = []
    for programme_ids, role_ids in sorted(groups.items(), key=lambda g: sorted(g[1])):
        records = TrainingRecord.objects.valid_on(on).filter(
            person_id=OuterRef(person), programme_id__in=sorted(programme_ids)
        )
        if rules.target.recognised_since:
            records = records.filter(completed_on__gte=rules.target.recognised_since)
        conditions.append(Q(**{f"{role}__in": sorted(role_ids)}) & Q(Exists(records)))
    # A target without programmes (teams) trains nobody: an always-false condition.
    return reduce(or_, conditions) if conditions else Q(pk__in=[])


def flag(condition: Q) -> Case:
    """1 where `condition` holds, else 0: something SUM() can count."""
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _organisation_active(on: date) -> tuple[Q, Q]:
    """The position's organisation is active on `on` (open ends allowed)."""
    started = Q(organisation__start__isnull=True) | Q(organisation__start__lte=on)
    not_ended = Q(organisation__end__isnull=True) | Q(organisation__end__gte=on)
    return started, not_ended


def positions_of(rules: Rules, on: date) -> QuerySet[Position]:
    """Positions of the target's roles active on `on`, in organisations active on `on`."""
    return (
        Position.objects.active_on(on)
        .filter(role_id__in=rules.role_ids)
        .filter(*_organisation_active(on))
    )


def under(qs: QuerySet, link: str, ancestor_ids: list[int], on: date) -> QuerySet:
    """Rows of `qs` whose unit (reached through the closure relation `link`) lies below one of
    `ancestor_ids` in the tree valid on `on`. One join; `link + "__ancestor_id"` then names the
    ancestor each row is under (the branch a child report groups by)."""
    return qs.filter(
        **{
            f"{link}__ancestor_id__in": ancestor_ids,
            f"{link}__valid_from__lte": on,
            f"{link}__valid_to__gte": on,
        }
    )


def scope_unit_ids(ancestor_ids: list[int], on: date) -> QuerySet:
    """Ids of the units inside the scope on `on` (an uncorrelated subquery)."""
    return UnitAncestry.objects.filter(
        ancestor_id__in=ancestor_ids, valid_from__lte=on, valid_to__gte=on
    ).values("descendant_id")


def branch_of(field: str, ancestor_ids: list[int], on: date) -> Subquery:
    """Which of `ancestor_ids` the unit in `field` lies under on `on`.

    `ancestor_id + 0` keeps SQLite (no statistics) on the descendant index: a handful of
    closure rows per unit, instead of every row below each ancestor."""
    links = (
        UnitAncestry.objects.filter(descendant_id=OuterRef(field))
        .annotate(ancestor_key=F("ancestor_id") + 0)
        .filter(ancestor_key__in=ancestor_ids, valid_from__lte=on, valid_to__gte=on)
    )
    return Subquery(links.values("ancestor_id")[:1])


def holders_in(
    rules: Rules, ancestor_ids: list[int], on: date, *, branch: bool = True
) -> QuerySet[Position]:
    """Holders inside the scope, annotated with `branch` (which ancestor they are under),
    `is_trained` and `is_due` (0/1; due only matters when untrained).

    The scope is an IN (subquery) rather than a join so that SQLite, which has no statistics,
    reads the positions once instead of once per unit of the scope."""
    cutoff = rules.due_cutoff(on)
    inside = positions_of(rules, on).filter(
        organisation__unit_id__in=scope_unit_ids(ancestor_ids, on)
    )
    if branch:
        inside = inside.annotate(branch=branch_of("organisation__unit_id", ancestor_ids, on))
    return inside.annotate(is_trained=flag(trained_q(rules, on)), is_due=flag(Q(start__gte=cutoff)))


def holders_queryset(*, target: Target | str, unit: Unit, on: date) -> QuerySet[Position]:
    """Holders of `target` inside `unit` on `on`, annotated `is_trained` and `is_due` (0/1)."""
    return holders_in(load_rules(target, on), [unit.pk], on)


def holder_figures() -> dict:
    """Aggregates over `holders_in` rows: the person-target figures of one scope or branch."""
    trained, untrained = Q(is_trained=1), Q(is_trained=0)
    return {
        "holders": Count("pk"),
        "trained": Count("pk", filter=trained),
        "persons": Count("person_id", distinct=True),
        # A person is trained when every position they hold under the target is trained.
        "persons_untrained": Count("person_id", distinct=True, filter=untrained),
        "due": Count("pk", filter=untrained & Q(is_due=1)),
        "overdue": Count("pk", filter=untrained & Q(is_due=0)),
    }


# ---------------------------------------------------------------- villages: seats and teams


def filled_q(role_ids: list[int], on: date) -> Q:
    """The unit (the outer row, a village) has an active holder of one of `role_ids` in an
    active organisation placed at the unit itself. A correlated EXISTS, which PostgreSQL plans
    as an anti/semi-join: by index for a commune's few villages, hashed for the nation. (An
    uncorrelated `NOT IN` hashed every filled seat of the country even for one commune: 0.9 s
    of a commune's report with the nation loaded.)"""
    holders = (
        Position.objects.active_on(on)
        .filter(role_id__in=role_ids)
        .filter(*_organisation_active(on))
        .filter(organisation__unit_id=OuterRef("pk"))
    )
    return Q(Exists(holders))


def villages_in(ancestor_ids: list[int], on: date) -> QuerySet[Unit]:
    """Villages active on `on` inside the scope, annotated with their `branch`."""
    return under(
        Unit.objects.filter(level=Level.VILLAGE), "ancestor_links", ancestor_ids, on
    ).annotate(branch=F("ancestor_links__ancestor_id"))


def seat_figures(rules: Rules, on: date) -> dict:
    """Aggregates over `villages_in` rows: villages and vacant seats (one per seat role)."""
    figures: dict = {"villages": Count("pk")}
    for r in rules.seat_roles:
        figures[f"vacant_{r.id}"] = Count("pk", filter=~filled_q([r.id], on))
    return figures


def team_figures(rules: Rules, on: date) -> dict:
    return {
        "villages": Count("pk"),
        "villages_covered": Count("pk", filter=filled_q(rules.role_ids, on)),
    }


# ---------------------------------------------------------------- boards


def _count_of(positions: QuerySet[Position]) -> Coalesce:
    counted = positions.values("organisation_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def boards_in(rules: Rules, ancestor_ids: list[int], on: date) -> QuerySet[Organisation]:
    """Active boards inside the scope: organisations of a board kind, active on `on`, with at
    least one active member (head included). Annotated `branch`, `members`, `trained_members`,
    `head_trained` and `is_covered` (0/1)."""
    members = positions_of(rules, on).filter(organisation_id=OuterRef("pk"))
    trained = members.filter(trained_q(rules, on))
    heads = trained.filter(role_id__in=rules.head_role_ids or [0])
    share = Fraction(rules.target.member_share).limit_denominator(1000)
    boards = Organisation.objects.active_on(on).filter(kind__in=rules.board_kinds)
    return (
        under(boards, "unit__ancestor_links", ancestor_ids, on)
        .annotate(
            branch=F("unit__ancestor_links__ancestor_id"),
            members=_count_of(members),
            trained_members=_count_of(trained),
            head_trained=flag(Q(Exists(heads))),
        )
        .filter(members__gt=0)
        .annotate(
            # trained ÷ members ≥ share, in integers: trained × q ≥ members × p.
            trained_scaled=F("trained_members") * share.denominator,
            members_scaled=F("members") * share.numerator,
        )
        .annotate(is_covered=flag(Q(head_trained=1) & Q(trained_scaled__gte=F("members_scaled"))))
    )


def board_figures() -> dict:
    return {"boards": Count("pk"), "boards_covered": Count("pk", filter=Q(is_covered=1))}


def communes_without_board_in(rules: Rules, ancestor_ids: list[int], on: date) -> QuerySet[Unit]:
    """Communes active on `on` inside the scope without an active People's Inspection Board
    (one with an active member): each counts as a vacant board."""
    members = positions_of(rules, on).filter(organisation_id=OuterRef("pk"))
    boards = Organisation.objects.active_on(on).filter(
        unit_id=OuterRef("pk"), kind=OrgKind.PEOPLE_INSPECTION_BOARD
    )
    active_boards = boards.filter(Exists(members))
    communes = Unit.objects.filter(level=Level.COMMUNE).filter(~Q(Exists(active_boards)))
    return under(communes, "ancestor_links", ancestor_ids, on).annotate(
        branch=F("ancestor_links__ancestor_id")
    )


# ---------------------------------------------------------------- named holders


@dataclass(frozen=True)
class Holder:
    """A holder (mostly an untrained one) with everything a list or an invitation needs."""

    person_id: int
    full_name: str
    sort_key: str
    birth_date: date | None
    citizen_id: str | None
    role_code: str
    role_label: str
    position_id: int
    organisation_id: int
    organisation_name: str
    village: Unit | None
    commune: Unit | None
    start: date
    status: str  # "due" | "overdue" | "trained"
    days_overdue: int


@lru_cache(maxsize=4096)
def collation_key(name: str) -> str:
    return name_sort_key("", "", name)


def unit_sort_key(unit: Unit | None) -> str:
    """Vietnamese collation of a unit's name (lists sort by commune, then village)."""
    return collation_key(unit.name) if unit else ""


def places_in(ancestor_ids: list[int], on: date) -> dict[int, dict[str, Unit]]:
    """For every unit inside the scope: its village and commune on `on` (itself included),
    by level. One query, so lists never look units up row by row."""
    links = UnitAncestry.objects.filter(
        descendant_id__in=scope_unit_ids(ancestor_ids, on),
        ancestor__level__in=[Level.VILLAGE, Level.COMMUNE],
        valid_from__lte=on,
        valid_to__gte=on,
    ).select_related("ancestor")
    places: dict[int, dict[str, Unit]] = defaultdict(dict)
    for link in links:
        places[link.descendant_id][link.ancestor.level] = link.ancestor
    return places


def untrained_in(rules: Rules, ancestor_ids: list[int], on: date) -> list[Holder]:
    """Untrained holders inside the scope, sorted by commune, village, then Vietnamese name
    order. Two queries whatever the size (plus the target's rules)."""
    return holders_list(rules, ancestor_ids, on, trained=False)


def holders_list(
    rules: Rules, ancestor_ids: list[int], on: date, *, trained: bool | None = None
) -> list[Holder]:
    """The holders inside the scope — only the trained ones, only the untrained ones, or all
    (`trained=None`) — sorted by commune, village, then Vietnamese name order; two queries."""
    rows = holders_in(rules, ancestor_ids, on, branch=False)
    if trained is not None:
        rows = rows.filter(is_trained=1 if trained else 0)  # type: ignore[misc]
    rows = rows.select_related("person", "role", "organisation")
    places = places_in(ancestor_ids, on)
    holders = [_holder(rules, r, places[r.organisation.unit_id], on) for r in rows]
    holders.sort(key=holder_sort_key)
    return holders


def _holder(rules: Rules, row: Position, place: dict[str, Unit], on: date) -> Holder:
    due_until = rules.due_until(row.start)
    person: Person = row.person
    if getattr(row, "is_trained", 0):
        status, late = "trained", 0
    else:
        status, late = ("due" if on <= due_until else "overdue"), max((on - due_until).days, 0)
    return Holder(
        person_id=person.pk,
        full_name=person.full_name,
        sort_key=person.sort_key,
        birth_date=person.birth_date,
        citizen_id=person.citizen_id,
        role_code=row.role.code,
        role_label=row.role.label,
        position_id=row.pk,
        organisation_id=row.organisation_id,
        organisation_name=row.organisation.name,
        village=place.get(Level.VILLAGE),
        commune=place.get(Level.COMMUNE),
        start=row.start,
        status=status,
        days_overdue=late,
    )


def holder_sort_key(h: Holder) -> tuple:
    return (
        unit_sort_key(h.commune),
        unit_sort_key(h.village),
        h.sort_key,
        h.person_id,
        h.role_code,
    )


def untrained_holders(*, target: Target | str, unit: Unit, on: date) -> list[Holder]:
    """Every untrained holder of `target` inside `unit` on `on`, due or overdue, sorted by unit
    then Vietnamese name order (course planning and invitation gaps use this)."""
    return untrained_in(load_rules(target, on), [unit.pk], on)
