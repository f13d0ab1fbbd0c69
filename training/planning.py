"""Planning courses from the gaps (lập kế hoạch mở lớp từ danh sách chưa được tập huấn).

The untrained holders of a target inside a unit on a date (DOMAIN.md §3, counted once in
`coverage.rules.untrained_holders`) become proposed courses:

1. one invitation per person and programme: a person holding several uncovered roles that the
   same programme covers is invited once (a board target may need two programmes);
2. grouped by commune: the commune that exists on the start date, where the course sits (the
   gaps may be counted on the legacy tree for courses held after 1/7/2025: a village's holders
   go with the village to its new commune, a commune's board to the commune's successor);
3. communes are taken in GSO-code order (neighbouring communes have neighbouring codes) within
   their parent on the start date — the district on the legacy tree, the province on the 2025 tree —
   and packed into one course while they fit the capacity; a commune with more people than the
   capacity gets balanced courses of its own (villages kept together where the split allows);
4. each course gets `days` consecutive working days (no weekends, no Vietnamese public
   holidays) from the start date, two sessions a day (07:30–11:30 and 13:30–17:00), at its
   venue — the commune with the most invitees — shifted to the next free working days when the
   venue already has a course on one of those days.

The same functions serve `manage.py plan_courses`, the planning page and the invite-gaps API.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from math import ceil
from typing import Any

from django.db import transaction
from django.db.models import Q

from access.policy import Cap, granted_unit_ids, is_unrestricted
from access.scopes import visible
from coverage.errors import CoverageError
from coverage.rules import Holder, untrained_holders
from coverage.units import LEGACY_DAY, resolve_old_unit
from people.models import (
    Level,
    Organisation,
    Person,
    Role,
    Unit,
    UnitAncestry,
    UnitLineage,
)
from people.text import clean
from training import calendar
from training.forms import ORGANISER_KINDS
from training.models import Course, Enrollment, Programme, Session, Target, TargetRule
from training.services import TrainingError, add_sessions, create_course, invite_many

# (start, end, title) of the sittings of one training day, local time.
DAY_PARTS = ((time(7, 30), time(11, 30), "buổi sáng"), (time(13, 30), time(17, 0), "buổi chiều"))
PLANNABLE_LEVELS = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
MAX_SHIFTS = 200
MAX_CAPACITY = 500
MAX_DAYS = 10
# Communes are listed by name in a title up to this many; beyond, "và N xã lân cận".
TITLE_PLACES = 3


@dataclass
class Invitee:
    """A person to invite, with the uncovered roles that the programme covers."""

    person_id: int
    full_name: str
    sort_key: str
    role: str
    unit: str
    commune: Unit
    village: str = ""
    overdue: bool = False
    village_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "full_name": self.full_name,
            "role": self.role,
            "unit": self.unit,
        }


@dataclass
class ProposedCourse:
    title: str
    programme: Programme
    venue_unit: Unit
    capacity: int
    invitees: list[Invitee]
    communes: list[Unit]
    start: date
    days: list[date] = field(default_factory=list)
    venue: str = ""  # the place typed on the planning page; else the venue unit's name

    def sessions(self) -> list[tuple[datetime, datetime]]:
        return [
            (calendar.at(day, begin), calendar.at(day, end))
            for day in self.days
            for begin, end, _ in DAY_PARTS
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "venue_unit": {"code": self.venue_unit.code, "name": self.venue_unit.name},
            "capacity": self.capacity,
            "sessions": [
                {"starts_at": s.isoformat(), "ends_at": e.isoformat()} for s, e in self.sessions()
            ],
            "invitees": [i.as_json() for i in self.invitees],
        }


@dataclass
class Plan:
    target: Target
    unit: Unit
    as_of: date
    start: date
    capacity: int
    days: int
    courses: list[ProposedCourse]

    def as_json(self) -> dict[str, Any]:
        return {
            "target": self.target.code,
            "unit": self.unit.code,
            "as_of": self.as_of.isoformat(),
            "courses": [c.as_json() for c in self.courses],
        }

    @property
    def invitee_count(self) -> int:
        return sum(len(c.invitees) for c in self.courses)


# --- inputs ------------------------------------------------------------------------------


def resolve_unit(code: str, *, on: date) -> Unit:
    """The province, district or commune carrying GSO `code` on `on` (codes are reused across
    editions: 02 is Hà Giang before 1/7/2025 and nothing after)."""
    raw = clean(code)
    candidates = [raw] + [raw.zfill(n) for n in (2, 3, 5) if raw.isdigit() and len(raw) < n]
    units = Unit.objects.filter(code__in=candidates, level__in=PLANNABLE_LEVELS).active_on(on)
    found = sorted(units, key=lambda u: candidates.index(u.code))
    if not found:
        raise TrainingError(
            _legacy_code_message(raw, on=on)
            or f"Không có tỉnh, huyện hoặc xã mã «{raw}» vào ngày {on:%d/%m/%Y}"
        )
    return found[0]


def _legacy_code_message(raw: str, *, on: date) -> str | None:
    """For a code unknown on a day after the 2025 reorganisation that was a unit's code
    before it: which unit that was, until when, and a new code to use instead."""
    if on <= LEGACY_DAY or not raw.isdigit():
        return None
    try:
        old = resolve_old_unit(raw)
    except CoverageError:
        return None
    until = old.valid_to or LEGACY_DAY
    message = f"Mã {raw} là {old.name} (đến {until:%d/%m/%Y}); sau ngày đó hãy dùng mã đơn vị mới"
    new = successor_on(old, on=on)
    return message if new is None else f"{message}, ví dụ {new.code} ({new.name})"


def successor_on(old: Unit, *, on: date) -> Unit | None:
    """The unit of the tree valid on `on` (after the 2025 reorganisation) that took over the
    former unit `old`: the successor of the unit itself, else of the first unit inside it that
    has one, lifted to the old unit's level when the new tree has it (a province for a
    province; a district's area is a commune's)."""
    last = old.valid_to or LEGACY_DAY
    link = (
        UnitLineage.objects.filter(
            old__ancestor_links__ancestor=old,
            old__ancestor_links__valid_from__lte=last,
            old__ancestor_links__valid_to__gte=last,
            new__code__gt="",
            effective__lte=on,
        )
        .select_related("new")
        .order_by("old__ancestor_links__depth", "-is_default", "pk")
        .first()
    )
    if link is None:
        return None
    above = (
        UnitAncestry.objects.filter(
            descendant=link.new,
            ancestor__level=old.level,
            valid_from__lte=on,
            valid_to__gte=on,
        )
        .exclude(ancestor__code="")
        .select_related("ancestor")
        .first()
    )
    return above.ancestor if above else link.new


def resolve_target(code: str, *, on: date) -> Target:
    try:
        return Target.objects.current(clean(code), on=on)
    except Target.DoesNotExist as e:
        raise TrainingError(f"Không có chỉ tiêu «{code}» hiệu lực ngày {on:%d/%m/%Y}") from e


def check_day(day: date) -> date:
    """A plan's date in the years training can be planned in; TrainingError otherwise."""
    try:
        return calendar.check_year(day)
    except ValueError as e:
        raise TrainingError(str(e)) from e


def _check_numbers(capacity: int, days: int) -> None:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise TrainingError(f"Số học viên mỗi lớp phải từ 1 đến {MAX_CAPACITY}")
    if not 1 <= days <= MAX_DAYS:
        raise TrainingError(f"Số ngày học phải từ 1 đến {MAX_DAYS}")


# --- who -------------------------------------------------------------------------------


def programmes_by_role(target: Target) -> dict[str, Programme]:
    """Role code → the programme a course for that role teaches (the first the target accepts)."""
    rules = TargetRule.objects.filter(target=target).select_related("role")
    rules = rules.prefetch_related("programmes")
    found = {}
    for rule in rules:
        programmes = sorted(rule.programmes.all(), key=lambda p: p.pk)
        if programmes:
            found[rule.role.code] = programmes[0]
    return found


def _holders(target: Target, unit: Unit, on: date) -> list[Holder]:
    return untrained_holders(target=target, unit=unit, on=on)


def _home_units(holders: list[Holder]) -> dict[int, Unit]:
    """Organisation id → the unit that stands for a commune when a holder sits above communes
    (a district or provincial agency): that unit is then the group and the venue."""
    above = {h.organisation_id for h in holders if h.commune is None}
    if not above:
        return {}
    orgs = Organisation.objects.filter(pk__in=above).select_related("unit")
    return {o.pk: o.unit for o in orgs}


def _place(holder: Holder, commune: Unit) -> str:
    return _where(holder.village.name if holder.village else "", commune)


def _where(village: str, commune: Unit) -> str:
    return f"{village}, {commune.name}" if village else commune.name


def gap_invitees(*, target: Target, unit: Unit, on: date) -> dict[Programme, list[Invitee]]:
    """Per programme, the people to invite: each untrained person once, with their roles."""
    programme_of = programmes_by_role(target)
    if not programme_of:
        raise TrainingError(
            f"Chỉ tiêu «{target.code}» không gắn với chương trình tập huấn nào "
            "nên không lập lớp được"
        )
    found: dict[tuple[int, int], Invitee] = {}
    holders = _holders(target, unit, on)
    home = _home_units(holders)
    rank = dict(Role.objects.values_list("code", "order"))

    def placing(h: Holder) -> tuple[bool, bool, int, str]:
        # Village seats first (a person is placed where they hold one), roles in catalogue order.
        return (h.village is None, h.commune is None, rank.get(h.role_code, 0), h.role_code)

    for holder in sorted(holders, key=placing):
        programme = programme_of.get(holder.role_code)
        if programme is None:
            continue
        key = (holder.person_id, programme.pk)
        if key in found:
            _add_role(found[key], holder)
            continue
        commune = holder.commune or home[holder.organisation_id]
        found[key] = Invitee(
            person_id=holder.person_id,
            full_name=holder.full_name,
            sort_key=holder.sort_key,
            role=holder.role_label,
            unit=_place(holder, commune),
            commune=commune,
            village=holder.village.name if holder.village else "",
            overdue=holder.status == "overdue",
            village_id=holder.village.pk if holder.village else None,
        )
    return _by_programme(found, programme_of)


def _add_role(invitee: Invitee, holder: Holder) -> None:
    if holder.role_label not in invitee.role.split("; "):
        invitee.role = f"{invitee.role}; {holder.role_label}"
    invitee.overdue = invitee.overdue or holder.status == "overdue"


def _by_programme(
    found: dict[tuple[int, int], Invitee], programme_of: dict[str, Programme]
) -> dict[Programme, list[Invitee]]:
    programmes = {p.pk: p for p in programme_of.values()}
    grouped: dict[Programme, list[Invitee]] = {}
    for (_, programme_id), invitee in found.items():
        grouped.setdefault(programmes[programme_id], []).append(invitee)
    return dict(sorted(grouped.items(), key=lambda kv: kv[0].code))


# --- where: the communes that exist when the course sits ---------------------------------


def move_to_communes_on(invitees: Iterable[Invitee], day: date) -> None:
    """Place every invitee in the commune that exists on `day`, the course's start: the gaps
    may be counted on the legacy tree (03/03/2025) for courses sitting in 2026, when the old
    communes are gone. A village holder goes with the village (to its commune on `day`); a
    commune's holder to the commune's successor on the lineage (its default one), or before the
    reorganisation to its first predecessor; a holder above communes (a district agency) to the
    unit that took over its area. TrainingError when the unit has no counterpart on `day`."""
    stale = [i for i in invitees if not i.commune.is_active_on(day)]
    if not stale:
        return
    by_village = _village_communes({i.village_id for i in stale if i.village_id}, day)
    by_lineage = _lineage_counterparts({i.commune.pk for i in stale}, day)
    found: dict[int, Unit | None] = {}
    for invitee in stale:
        old = invitee.commune
        new = by_village.get(invitee.village_id or 0) or by_lineage.get(old.pk)
        if new is None:
            if old.pk not in found:
                found[old.pk] = successor_on(old, on=day) if _ended(old, day) else None
            new = found[old.pk]
        if new is None:
            raise TrainingError(
                f"{old.name} không tồn tại vào ngày {day:%d/%m/%Y} và chưa có đơn vị kế thừa: "
                "không biết mở lớp ở đâu; hãy chọn ngày mở lớp khác"
            )
        invitee.commune, invitee.unit = new, _where(invitee.village, new)


def _ended(unit: Unit, day: date) -> bool:
    return unit.valid_to is not None and unit.valid_to < day


def _village_communes(village_ids: set[int], day: date) -> dict[int, Unit]:
    """Village id → the commune it sits in on `day`."""
    links = UnitAncestry.objects.filter(
        descendant_id__in=village_ids,
        ancestor__level=Level.COMMUNE,
        valid_from__lte=day,
        valid_to__gte=day,
    ).select_related("ancestor")
    return {link.descendant_id: link.ancestor for link in links}


def _lineage_counterparts(unit_ids: set[int], day: date) -> dict[int, Unit]:
    """Unit id → its counterpart on `day` by the lineage: the (default) successor of an old
    unit ended before `day`, or the first predecessor (by code) of a new one not begun yet."""
    links = (
        UnitLineage.objects.filter(Q(old_id__in=unit_ids) | Q(new_id__in=unit_ids))
        .select_related("old", "new")
        .order_by("-is_default", "old__code", "pk")
    )
    found: dict[int, Unit] = {}
    for link in links:
        if link.effective <= day and link.new.is_active_on(day):
            found.setdefault(link.old_id, link.new)
        elif link.effective > day and link.old.is_active_on(day):
            found.setdefault(link.new_id, link.old)
    return {pk: unit for pk, unit in found.items() if pk in unit_ids}


# --- grouping --------------------------------------------------------------------------


def parents_on(communes: Iterable[Unit], on: date) -> dict[int, Unit]:
    """Commune id → its parent on `on` (district on the legacy tree, province after 2025)."""
    links = UnitAncestry.objects.filter(
        descendant__in=[c.pk for c in communes], depth=1, valid_from__lte=on, valid_to__gte=on
    ).select_related("ancestor")
    return {link.descendant_id: link.ancestor for link in links}


def split_balanced(invitees: list[Invitee], capacity: int) -> list[list[Invitee]]:
    """Cut a list into the fewest groups of at most `capacity`, sizes differing by at most one;
    people of one village stay next to each other."""
    ordered = sorted(invitees, key=lambda i: (i.village, i.sort_key, i.person_id))
    parts = max(1, ceil(len(ordered) / capacity))
    size, extra = divmod(len(ordered), parts)
    groups, at = [], 0
    for n in range(parts):
        step = size + (1 if n < extra else 0)
        groups.append(ordered[at : at + step])
        at += step
    return groups


def group_invitees(
    invitees: list[Invitee], *, capacity: int, parents: dict[int, Unit]
) -> list[list[Invitee]]:
    """Groups of at most `capacity`: one commune, or neighbouring small communes of one parent
    packed in code order while they fit, or balanced parts of one large commune."""
    by_commune: dict[int, list[Invitee]] = defaultdict(list)
    for invitee in invitees:
        by_commune[invitee.commune.pk].append(invitee)
    communes = {i.commune.pk: i.commune for i in invitees}

    def order(commune: Unit) -> tuple[str, int, str, str]:
        parent = parents.get(commune.pk)
        return (
            parent.code if parent else "",
            parent.pk if parent else 0,
            commune.code,
            commune.name,
        )

    groups: list[list[Invitee]] = []
    current: list[Invitee] = []
    current_parent: int | None = None
    for commune in sorted(communes.values(), key=order):
        members = by_commune[commune.pk]
        parent = parents.get(commune.pk)
        parent_id = parent.pk if parent else None
        if len(members) >= capacity:
            groups.extend(split_balanced(members, capacity))
            continue
        if current and (parent_id != current_parent or len(current) + len(members) > capacity):
            groups.append(current)
            current = []
        current, current_parent = current + members, parent_id
    if current:
        groups.append(current)
    return groups


def _venue(group: list[Invitee]) -> Unit:
    counts: dict[int, int] = defaultdict(int)
    for invitee in group:
        counts[invitee.commune.pk] += 1
    communes = {i.commune.pk: i.commune for i in group}
    return min(communes.values(), key=lambda c: (-counts[c.pk], c.code, c.name))


def _communes(group: list[Invitee]) -> list[Unit]:
    return sorted({i.commune.pk: i.commune for i in group}.values(), key=lambda c: c.code)


def course_title(programme: Programme, venue: Unit, communes: list[Unit], part: str = "") -> str:
    kind = Programme.Kind(programme.kind).label
    topic = programme.title[:1].lower() + programme.title[1:]
    others = [c.name for c in communes if c.pk != venue.pk]
    if len(others) < TITLE_PLACES:
        places = ", ".join([venue.name, *others])
    else:
        places = f"{venue.name} và {len(others)} xã lân cận"
    return f"{kind} {topic} — {places}{part}"[:255]


def _propose(
    programme: Programme, groups: list[list[Invitee]], capacity: int, start: date
) -> list[ProposedCourse]:
    courses = []
    per_venue: dict[int, int] = defaultdict(int)
    venues = [_venue(g) for g in groups]
    for venue in venues:
        per_venue[venue.pk] += 1
    seen: dict[int, int] = defaultdict(int)
    for group, venue in zip(groups, venues, strict=True):
        seen[venue.pk] += 1
        part = f" (lớp {seen[venue.pk]}/{per_venue[venue.pk]})" if per_venue[venue.pk] > 1 else ""
        communes = _communes(group)
        courses.append(
            ProposedCourse(
                title=course_title(programme, venue, communes, part),
                programme=programme,
                venue_unit=venue,
                capacity=capacity,
                invitees=sorted(group, key=lambda i: (i.sort_key, i.person_id)),
                communes=communes,
                start=start,
            )
        )
    return courses


# --- when ------------------------------------------------------------------------------


def busy_days(venue_ids: Iterable[int], *, since: date) -> dict[int, set[date]]:
    """Venue id → local days on which a course (not cancelled) already sits there."""
    busy: dict[int, set[date]] = defaultdict(set)
    rows = (
        Session.objects.filter(
            course__venue_unit_id__in=list(venue_ids),
            ends_at__gte=calendar.at(since, time(0, 0)),
        )
        .exclude(course__status=Course.Status.CANCELLED)
        .values_list("course__venue_unit_id", "starts_at", "ends_at")
    )
    for venue_id, starts_at, ends_at in rows:
        day, last = calendar.local_date(starts_at), calendar.local_date(ends_at)
        while day <= last:
            busy[venue_id].add(day)
            day += timedelta(days=1)
    return busy


def first_free_days(busy: set[date], *, start: date, n: int) -> list[date]:
    """The first `n` consecutive working days from `start` none of which is busy."""
    candidate = start
    for _ in range(MAX_SHIFTS):
        days = calendar.working_days(candidate, n)
        if len(days) < n:
            break
        clashes = [d for d in days if d in busy]
        if not clashes:
            return days
        # Every window starting on or before the last clash still contains it.
        candidate = clashes[-1] + timedelta(days=1)
    raise TrainingError(f"Không tìm được {n} ngày làm việc trống từ {start:%d/%m/%Y}")


def schedule(courses: list[ProposedCourse], *, days: int) -> None:
    """Give each course its days, in order, never two courses at one venue on the same day."""
    if not courses:
        return
    since = min(c.start for c in courses)
    busy = busy_days({c.venue_unit.pk for c in courses}, since=since)
    for course in courses:
        course.days = first_free_days(busy[course.venue_unit.pk], start=course.start, n=days)
        busy[course.venue_unit.pk].update(course.days)


# --- the plan ---------------------------------------------------------------------------


def plan_courses(
    *, target: Target, unit: Unit, as_of: date, start: date, capacity: int, days: int
) -> Plan:
    """Proposed courses (nothing saved) covering every untrained holder of `target` in `unit`."""
    _check_numbers(capacity, days)
    check_day(as_of)
    check_day(start)
    per_programme = gap_invitees(target=target, unit=unit, on=as_of)
    move_to_communes_on([i for g in per_programme.values() for i in g], start)
    communes = {i.commune.pk: i.commune for g in per_programme.values() for i in g}
    parents = parents_on(communes.values(), start)
    courses = []
    for programme, invitees in per_programme.items():
        groups = group_invitees(invitees, capacity=capacity, parents=parents)
        courses += _propose(programme, groups, capacity, start)
    schedule(courses, days=days)
    return Plan(target, unit, as_of, start, capacity, days, courses)


def commit_plan(
    *, plan: Plan, by: Any = None, organiser: Organisation | None = None
) -> list[Course]:
    """Create the proposed courses as drafts, with their sessions and invitations, organised
    by `organiser` (the planner's organisation)."""
    venues = sorted({c.venue_unit.pk for c in plan.courses})
    people = Person.objects.in_bulk([i.person_id for c in plan.courses for i in c.invitees])
    created = []
    with transaction.atomic():
        # Lock the venues, then re-check their days: two organisers confirming plans at once
        # must not book one venue twice.
        list(Unit.objects.select_for_update().filter(pk__in=venues).order_by("pk"))
        schedule(plan.courses, days=plan.days)
        for proposed in plan.courses:
            created.append(_create(proposed, plan.target, people, by, organiser))
    return created


def _create(
    proposed: ProposedCourse,
    target: Target,
    people: dict[int, Person],
    by: Any,
    organiser: Organisation | None,
) -> Course:
    if len(proposed.invitees) > proposed.capacity:
        raise TrainingError(
            f"Lớp «{proposed.title}» có {len(proposed.invitees)} người, "
            f"vượt số học viên tối đa {proposed.capacity}"
        )
    course = create_course(
        by=by,
        audience_units=proposed.communes,
        programme=proposed.programme,
        title=proposed.title,
        organiser=organiser,
        venue=proposed.venue or proposed.venue_unit.name,
        venue_unit=proposed.venue_unit,
        capacity=proposed.capacity,
        target=target,
        status=Course.Status.DRAFT,
    )
    for begin, end, part in DAY_PARTS:
        times = [(calendar.at(d, begin), calendar.at(d, end)) for d in proposed.days]
        add_sessions(course=course, times=times, title=part.capitalize())
    invite_many(course=course, people=[people[i.person_id] for i in proposed.invitees], by=by)
    return course


def planner_organisation(user: Any, *, on: date) -> Organisation | None:
    """The organisation a planner works for: an organising body (an agency first, then a Party
    committee, a People's committee, a Front committee) placed at a unit granted to the user
    for organising training, existing on `on`; None for a user without one (a superuser)."""
    if user is None or not getattr(user, "pk", None):
        return None
    bodies = (
        Organisation.objects.filter(
            unit_id__in=granted_unit_ids(user, Cap.TRAINING_WRITE), kind__in=ORGANISER_KINDS
        )
        .active_on(on)
        .filter(Q(unit__valid_from__isnull=True) | Q(unit__valid_from__lte=on))
        .filter(Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=on))
        .select_related("unit")
    )
    rank: dict[str, int] = {kind: n for n, kind in enumerate(ORGANISER_KINDS)}
    return min(bodies, key=lambda o: (rank[o.kind], o.unit.level, o.name, o.pk), default=None)


# --- invite the gaps of one course -------------------------------------------------------


@dataclass
class GapInvitations:
    invited: int = 0
    waitlisted: int = 0
    already: int = 0
    enrollments: list[Enrollment] = field(default_factory=list)


def audience_on(course: Course, on: date) -> list[Unit]:
    """The course's audience units as they stand on `on`: a unit abolished by then (an old
    commune after 1/7/2025) is replaced by the units it merged into."""
    units = list(course.audience_units.all())
    gone = [u.pk for u in units if not u.is_active_on(on)]
    successors = UnitLineage.objects.filter(old_id__in=gone, effective__lte=on).select_related(
        "new"
    )
    return [u for u in units if u.pk not in gone] + [link.new for link in successors]


def gap_people(*, course: Course, on: date, user: Any = None) -> list[int]:
    """Ids of the untrained holders of the course's target inside its audience units on `on`,
    for the roles whose gap this course's programme closes: overdue first, then by name.
    With `user`, only holders in organisations inside the units that user may see."""
    if course.target is None:
        raise TrainingError("Lớp chưa gắn với chỉ tiêu nào nên không biết ai chưa được tập huấn")
    units = audience_on(course, on)
    if not units:
        raise TrainingError("Lớp chưa có đơn vị được mời")
    # A target may accept several programmes for a role: any of them closes the gap.
    roles = set(
        TargetRule.objects.filter(target=course.target, programmes=course.programme).values_list(
            "role__code", flat=True
        )
    )
    holders = [h for unit in units for h in _holders(course.target, unit, on)]
    seen = _visible_organisations(user, {h.organisation_id for h in holders})
    best: dict[int, tuple[bool, str]] = {}
    for holder in holders:
        if holder.role_code in roles and (seen is None or holder.organisation_id in seen):
            overdue = holder.status == "overdue"
            old = best.get(holder.person_id, (False, holder.sort_key))
            best[holder.person_id] = (old[0] or overdue, holder.sort_key)
    return sorted(best, key=lambda pid: (not best[pid][0], best[pid][1], pid))


def _visible_organisations(user: Any, ids: set[int]) -> set[int] | None:
    """Which of the organisations `user` may see (None: no user, or one who sees all)."""
    if user is None or is_unrestricted(user):
        return None
    found = visible(user, Organisation).filter(pk__in=ids)
    return set(found.values_list("pk", flat=True))


def invite_gaps(*, course: Course, on: date, by: Any = None) -> GapInvitations:
    """Invite every gap once (waitlisted beyond capacity); those already invited are counted.
    Invited by a user, only the holders inside the units that user may see."""
    result = GapInvitations()
    person_ids = gap_people(course=course, on=on, user=by)
    current = set(
        course.enrollments.exclude(status=Enrollment.Status.CANCELLED).values_list(
            "person_id", flat=True
        )
    )
    fresh = [pid for pid in person_ids if pid not in current]
    people = Person.objects.in_bulk(fresh)
    result.already = len(person_ids) - len(fresh)
    result.enrollments = invite_many(course=course, people=[people[p] for p in fresh], by=by)
    waiting = [e for e in result.enrollments if e.status == Enrollment.Status.WAITLISTED]
    result.waitlisted = len(waiting)
    result.invited = len(result.enrollments) - len(waiting)
    return result


# --- edits made on the planning page ------------------------------------------------------


def plan_signature(plan: Plan) -> str:
    """A short fingerprint of who is proposed where: the confirm step recomputes the plan and
    refuses to apply edits made to a proposal that has changed in between."""
    parts = [
        f"{c.programme.pk}:{c.venue_unit.pk}:" + ",".join(str(i.person_id) for i in c.invitees)
        for c in plan.courses
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


@dataclass
class Edits:
    """What the organiser changed on the proposal: titles and start days per course index,
    invitees moved (course index, person id) → course index, and dropped course indexes."""

    titles: dict[int, str] = field(default_factory=dict)
    starts: dict[int, date] = field(default_factory=dict)
    venues: dict[int, str] = field(default_factory=dict)
    venue_units: dict[int, int] = field(default_factory=dict)
    moves: dict[tuple[int, int], int] = field(default_factory=dict)
    dropped: set[int] = field(default_factory=set)


def apply_edits(plan: Plan, edits: Edits) -> Plan:
    """The plan with the organiser's edits, re-scheduled; raises TrainingError on an edit that
    cannot be honoured (a move to another programme's course, a course over capacity)."""
    courses = plan.courses
    moving = []
    for (source, person_id), dest in edits.moves.items():
        if dest == source or not 0 <= source < len(courses) or not 0 <= dest < len(courses):
            continue
        if courses[dest].programme != courses[source].programme:
            raise TrainingError(
                f"Không chuyển được sang lớp «{courses[dest].title}»: khác chương trình"
            )
        moving += [(i, source, dest) for i in courses[source].invitees if i.person_id == person_id]
    for invitee, source, dest in moving:
        courses[source].invitees.remove(invitee)
        courses[dest].invitees.append(invitee)
    for n, course in enumerate(courses):
        course.title = clean(edits.titles.get(n, "")) or course.title
        course.start = check_day(edits.starts.get(n, course.start))
        course.invitees.sort(key=lambda i: (i.sort_key, i.person_id))
        course.communes = _communes(course.invitees) if course.invitees else course.communes
        _edit_venue(course, edits, n)
        if not course.venue_unit.is_active_on(course.start):
            raise TrainingError(
                f"Lớp «{course.title}» đặt tại {course.venue_unit.name}, không tồn tại vào ngày "
                f"{course.start:%d/%m/%Y}: hãy lập kế hoạch lại với ngày mở lớp này"
            )
        if len(course.invitees) > course.capacity and n not in edits.dropped:
            raise TrainingError(
                f"Lớp «{course.title}» có {len(course.invitees)} người, "
                f"vượt số học viên tối đa {course.capacity}"
            )
    plan.courses = [c for n, c in enumerate(courses) if n not in edits.dropped and c.invitees]
    schedule(plan.courses, days=plan.days)
    return plan


def _edit_venue(course: ProposedCourse, edits: Edits, n: int) -> None:
    """The venue chosen among the course's communes, and the place typed (hội trường...)."""
    course.venue = clean(edits.venues.get(n, ""))[:255] or course.venue
    chosen = edits.venue_units.get(n)
    if chosen is None or chosen == course.venue_unit.pk:
        return
    venue = next((c for c in course.communes if c.pk == chosen), None)
    if venue is None:
        raise TrainingError(f"Lớp «{course.title}»: địa điểm phải là một xã có người được mời")
    course.venue_unit = venue
