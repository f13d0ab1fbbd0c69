"""Registry state changes: the tree over time, villages, people, appointments."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from people import ids
from people.errors import PeopleError
from people.ethnicities import canonical_ethnicity
from people.models import (
    FAR_FUTURE,
    FAR_PAST,
    Level,
    Organisation,
    OrgKind,
    Person,
    Position,
    Role,
    Unit,
    UnitAncestry,
    UnitLineage,
    UnitPlacement,
)
from people.text import clean, fold, match_key, unit_name_key

LEVEL_ORDER = [Level.PROVINCE, Level.DISTRICT, Level.COMMUNE, Level.VILLAGE]
Span = tuple[date, date]


def _intersect(a: Span, b: Span) -> Span | None:
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start <= end else None


def _span(start: date | None, end: date | None) -> Span:
    return (start or FAR_PAST, end or FAR_FUTURE)


def rebuild_ancestry(units: Iterable[Unit]) -> int:
    """Recompute the closure rows of `units` and everything below them, top-down by level.

    Returns the number of rows written."""
    roots = [u.pk for u in units]
    below = UnitAncestry.objects.filter(ancestor_id__in=roots).values_list(
        "descendant_id", flat=True
    )
    all_ids = set(roots) | set(below)
    todo = list(Unit.objects.filter(pk__in=all_ids).only("pk", "level", "valid_from", "valid_to"))
    written = 0
    with transaction.atomic():
        UnitAncestry.objects.filter(descendant_id__in=all_ids).delete()
        for level in LEVEL_ORDER:
            batch = [u for u in todo if u.level == level]
            if batch:
                written += _write_ancestry(batch)
    return written


def _write_ancestry(units: list[Unit]) -> int:
    """Closure rows of `units`, whose parents' rows are already complete."""
    placements = defaultdict(list)
    for p in UnitPlacement.objects.filter(unit__in=units):
        placements[p.unit_id].append(p)
    parent_ids = {p.parent_id for ps in placements.values() for p in ps}
    parent_rows = defaultdict(list)
    for row in UnitAncestry.objects.filter(descendant_id__in=parent_ids):
        parent_rows[row.descendant_id].append(row)
    rows = []
    for unit in units:
        own = _span(unit.valid_from, unit.valid_to)
        rows.append(
            UnitAncestry(
                ancestor_id=unit.pk,
                descendant_id=unit.pk,
                depth=0,
                valid_from=own[0],
                valid_to=own[1],
            )
        )
        for placement in placements[unit.pk]:
            span = _intersect(own, _span(placement.valid_from, placement.valid_to))
            for row in parent_rows[placement.parent_id] if span else []:
                both = _intersect(span, (row.valid_from, row.valid_to))  # type: ignore[arg-type]
                if both:
                    rows.append(
                        UnitAncestry(
                            ancestor_id=row.ancestor_id,
                            descendant_id=unit.pk,
                            depth=row.depth + 1,
                            valid_from=both[0],
                            valid_to=both[1],
                        )
                    )
    UnitAncestry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def parent_on(unit: Unit, day: date) -> Unit | None:
    link = (
        UnitAncestry.objects.filter(
            descendant=unit, depth=1, valid_from__lte=day, valid_to__gte=day
        )
        .select_related("ancestor")
        .first()
    )
    return link.ancestor if link else None


def resolve_commune(code: str, day: date) -> Unit | None:
    """The commune that carries GSO `code` on `day` (codes are reused across editions)."""
    return (
        Unit.objects.filter(code=clean(code).zfill(5), level=Level.COMMUNE).active_on(day).first()
    )


def _village_kind(name: str) -> tuple[str, str]:
    """(kind, display name) from a village name typed with or without its kind word."""
    key, name = match_key(name), clean(name)
    for prefix, kind in (
        ("tổ dân phố", Unit.Kind.TO_DAN_PHO),
        ("tổ", Unit.Kind.TO_DAN_PHO),
        ("bản", Unit.Kind.BAN),
        ("thôn", Unit.Kind.THON),
    ):
        if key.startswith(match_key(prefix) + " "):
            return kind, f"{Unit.Kind(kind).label} {name[len(prefix) + 1 :].strip()}"
    return Unit.Kind.THON, f"Thôn {name}"


def find_village(*, commune: Unit, name: str, on: date) -> Unit | None:
    """The village of that name inside `commune` on `on`, whichever way its name was typed."""
    return (
        Unit.objects.within(commune, on=on)
        .filter(level=Level.VILLAGE, name_key=unit_name_key(name))
        .first()
    )


def create_village(*, commune: Unit, name: str) -> Unit:
    """A new village under `commune`; if the commune is of the legacy edition, the village also
    moves on 1/7/2025 to the new commune its commune's area went to (the default successor)."""
    if commune.level != Level.COMMUNE:
        raise PeopleError(f"{commune.name} không phải là đơn vị cấp xã")
    kind, display = _village_kind(name)
    with transaction.atomic():
        village = Unit(name=display, level=Level.VILLAGE, kind=kind, edition=Unit.Edition.LOCAL)
        village.save()
        place_villages([(village, commune)])
    return village


def place_villages(pairs: list[tuple[Unit, Unit]]) -> None:
    """Place new villages, each under its (village, commune) pair's commune for the commune's
    life, then, for a legacy commune, under the new commune its area went to (the default
    successor) from the day that took effect; in bulk (the synthetic data set places a
    nation's villages through here, create_village one)."""
    communes = {commune.pk for _, commune in pairs}
    successor: dict[int, UnitLineage] = {}
    # The default link last, so that it is the one kept; else the first link, as ever.
    for link in UnitLineage.objects.filter(old_id__in=communes).order_by("is_default", "-pk"):
        successor[link.old_id] = link
    placements = []
    for village, commune in pairs:
        placements.append(
            UnitPlacement(
                unit=village,
                parent=commune,
                valid_from=commune.valid_from,
                valid_to=commune.valid_to,
            )  # fmt: skip
        )
        if (moved := successor.get(commune.pk)) is not None:
            placements.append(
                UnitPlacement(unit=village, parent_id=moved.new_id, valid_from=moved.effective)
            )
    UnitPlacement.objects.bulk_create(placements, batch_size=5000)
    rebuild_ancestry([village for village, _ in pairs])


def move_village(*, village: Unit, commune: Unit, on: date) -> None:
    """From `on`, the village sits under `commune` (the nationwide village rearrangement)."""
    if village.level != Level.VILLAGE or commune.level != Level.COMMUNE:
        raise PeopleError("Chỉ có thể chuyển một thôn, tổ dân phố sang một đơn vị cấp xã")
    with transaction.atomic():
        current = village.placements.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        for placement in current:
            if placement.valid_from and placement.valid_from >= on:
                placement.delete()
            else:
                placement.valid_to = date.fromordinal(on.toordinal() - 1)
                placement.save(update_fields=["valid_to"])
        UnitPlacement.objects.create(unit=village, parent=commune, valid_from=on)
        rebuild_ancestry([village])


@dataclass
class PersonData:
    """A person as declared on a roster row or a form, before it is matched or saved."""

    full_name: str = ""
    family_name: str = ""
    middle_name: str = ""
    given_name: str = ""
    birth_date: date | None = None
    sex: str = ""
    ethnicity: str = ""
    citizen_id: str = ""
    legacy_id: str = ""
    phone: str = ""
    email: str = ""

    def problems(self) -> dict[str, str]:
        """Field name → Vietnamese reason, for every problem in the declaration."""
        found = {}
        if not (clean(self.full_name) or clean(self.given_name)):
            found["full_name"] = "thiếu họ và tên"
        if self.citizen_id:
            issues = ids.check_citizen_id(self.citizen_id, sex=self.sex, birth_date=self.birth_date)
            if issues:
                found["citizen_id"] = "; ".join(issues)
        if self.legacy_id and not ids.is_legacy_number(self.legacy_id):
            found["legacy_id"] = "số CMND cũ phải gồm 9 chữ số"
        if self.ethnicity and not canonical_ethnicity(self.ethnicity):
            found["ethnicity"] = f"dân tộc «{self.ethnicity}» không có trong danh mục 54 dân tộc"
        if self.birth_date and not date(1900, 1, 1) <= self.birth_date <= date.today():
            found["birth_date"] = "ngày sinh không hợp lý"
        return found

    def normalised(self) -> "PersonData":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, value in values.items():
            if isinstance(value, str):
                values[name] = clean(value)
        values["citizen_id"] = ids.normalise(self.citizen_id)
        if len(values["citizen_id"]) == 9 and not values["legacy_id"]:
            values["legacy_id"], values["citizen_id"] = values["citizen_id"], ""
        values["ethnicity"] = canonical_ethnicity(values["ethnicity"]) or values["ethnicity"]
        return PersonData(**values)

    def match_key(self) -> str:
        declared = " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)
        return match_key(self.full_name or declared)


def find_person(data: PersonData) -> Person | None:
    """By citizen ID when there is one, else by matching name key and birth date."""
    if data.citizen_id:
        return Person.objects.filter(citizen_id=data.citizen_id).first()
    if not data.birth_date:
        return None
    return Person.objects.filter(name_key=data.match_key(), birth_date=data.birth_date).first()


def save_person(
    data: PersonData, *, person: Person | None = None, home_unit: Unit | None = None
) -> Person:
    """Create or update a person from a declaration; empty fields never erase known values."""
    data = data.normalised()
    problems = data.problems()
    if problems:
        raise PeopleError("; ".join(problems.values()))
    person = person or Person(home_unit=home_unit)
    for f in fields(data):
        value = getattr(data, f.name)
        if value not in ("", None):
            setattr(person, f.name, value)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as e:
        raise PeopleError(f"Số CCCD {data.citizen_id} đã được dùng cho người khác") from e
    return person


def find_or_create_organisation(
    *, unit: Unit, kind: str, name: str = "", start: date | None = None
) -> Organisation:
    """The organisation of `kind` at `unit` (by name when given), created when missing."""
    found = Organisation.objects.filter(unit=unit, kind=kind)
    if name:
        found = found.filter(search_text=fold(name))
    existing = found.order_by("pk").first()
    if existing:
        return existing
    return Organisation.objects.create(
        unit=unit, kind=kind, name=name or f"{OrgKind(kind).label} {unit.name}", start=start
    )


def overlapping_positions(
    *, role: Role, organisation: Organisation, start: date, end: date | None, person: Person | None
) -> "QuerySet[Position]":
    """Positions that a new one would clash with: any holder of a single seat, else the same
    person in the same role and organisation, over any shared day."""
    clash = Position.objects.filter(
        organisation=organisation, role=role, start__lte=end or FAR_FUTURE
    ).filter(Q(end__isnull=True) | Q(end__gte=start))
    if not role.single_seat:
        clash = clash.filter(person=person)
    return clash.select_related("person")


def appoint(
    *,
    person: Person,
    role: Role,
    organisation: Organisation,
    start: date,
    end: date | None = None,
    legal_basis: str = "",
) -> Position:
    """`person` holds `role` in `organisation` from `start` to `end`."""
    if end and end < start:
        raise PeopleError("Ngày kết thúc trước ngày bắt đầu")
    if role.org_kinds and organisation.kind not in role.org_kinds:
        raise PeopleError(f"Chức danh «{role.label}» không thuộc loại tổ chức này")
    with transaction.atomic():
        # Serialise appointments to one organisation so two clerks cannot fill one seat.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        clash = overlapping_positions(
            role=role, organisation=organisation, start=start, end=end, person=person
        ).first()
        if clash:
            raise PeopleError(_clash_message(role, clash, person))
        return Position.objects.create(
            person=person,
            role=role,
            organisation=organisation,
            start=start,
            end=end,
            legal_basis=clean(legal_basis),
        )


def _clash_message(role: Role, clash: Position, person: Person) -> str:
    since = clash.start.strftime("%d/%m/%Y")
    if clash.person_id == person.pk:
        return f"{person.full_name} đã giữ chức danh «{role.label}» ở tổ chức này từ {since}"
    return (
        f"Chức danh «{role.label}» chỉ có một người; {clash.person.full_name} đang giữ từ {since}"
    )


def end_position(*, position: Position, end: date) -> Position:
    if end < position.start:
        raise PeopleError("Ngày kết thúc trước ngày bắt đầu")
    position.end = end
    position.save(update_fields=["end"])
    return position
