"""Which units a report covers on a date: GSO codes resolved against the date, a unit's direct
children on that date, the whole country, and "the area of a former unit" through the lineage."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef

from access.policy import wholly_inside
from config.dates import parse_date
from coverage.errors import CoverageError
from people.models import REFORM_DATE, Level, Unit, UnitAncestry, UnitLineage
from people.text import clean, name_sort_key

# The last day of the legacy edition: old codes (Hà Giang 02, its districts) are read on it.
LEGACY_DAY = REFORM_DATE - timedelta(days=1)


@dataclass
class Scope:
    """What one report covers: its header, the roots of the subtrees whose union it is, and
    the children it lists (each a subtree of its own)."""

    id: int | None
    code: str
    name: str
    level: str
    roots: list[int]
    children: list[Unit]

    @property
    def header(self) -> dict:
        return {"id": self.id, "code": self.code, "name": self.name, "level": self.level}

    @property
    def child_ids(self) -> list[int]:
        return [c.pk for c in self.children]


def unit_header(unit: Unit) -> dict:
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "level": unit.level}


def resolve_unit(code: str, on: date) -> Unit:
    """The province, district or commune carrying GSO `code` on `on`. Codes are reused across
    editions (00889 is Xã Thanh Vân until 30/06/2025 and Xã Nghĩa Thuận from 01/07/2025), so the
    date decides. Leading zeros may be dropped ("889", "2")."""
    raw = clean(str(code))
    if not raw.isdigit():
        raise CoverageError(f"Mã đơn vị «{raw}» không hợp lệ (chỉ gồm chữ số)")
    # "889" may be a district (889) or commune 00889: an exact code wins, then the narrowest.
    codes = {raw} | {raw.zfill(width) for width in (2, 3, 5) if len(raw) <= width}
    candidates = Unit.objects.filter(code__in=codes).exclude(level=Level.VILLAGE).active_on(on)
    found = sorted(candidates, key=lambda u: (u.code != raw, len(u.code), u.pk))
    if not found:
        raise CoverageError(f"Không có đơn vị nào mang mã {raw} vào ngày {on:%d/%m/%Y}")
    return found[0]


def resolve_old_unit(code: str) -> Unit:
    """A unit of the legacy edition, read on 30/06/2025 (for "the area of a former unit")."""
    return resolve_unit(code, LEGACY_DAY)


def child_sort_key(unit: Unit) -> tuple:
    return (unit.code or "~", name_sort_key("", "", unit.name), unit.pk)


def children_of(unit: Unit, on: date) -> list[Unit]:
    """Direct children of `unit` in the tree valid on `on` (one query)."""
    children = Unit.objects.filter(
        ancestor_links__ancestor=unit,
        ancestor_links__depth=1,
        ancestor_links__valid_from__lte=on,
        ancestor_links__valid_to__gte=on,
    )
    return sorted(children, key=child_sort_key)


def unit_scope(unit: Unit, on: date) -> Scope:
    if not unit.is_active_on(on):
        raise CoverageError(
            f"{unit.name} không còn hiệu lực vào ngày {on:%d/%m/%Y}; "
            "hãy xem theo địa bàn đơn vị cũ hoặc chọn đơn vị mới"
        )
    return Scope(unit.pk, unit.code, unit.name, unit.level, [unit.pk], children_of(unit, on))


def country_scope(on: date) -> Scope:
    """Every province active on `on`, under a pseudo root "Toàn quốc"."""
    provinces = sorted(Unit.objects.filter(level=Level.PROVINCE).active_on(on), key=child_sort_key)
    return Scope(None, "", "Toàn quốc", "country", [p.pk for p in provinces], provinces)


def units_scope(units: list[Unit], on: date, *, name: str) -> Scope:
    """Several units side by side (a user's grants), each a child. Units inside another of
    them on `on` are dropped so nobody is counted twice."""
    ids = [u.pk for u in units if u.is_active_on(on)]
    nested = set(
        UnitAncestry.objects.filter(
            descendant_id__in=ids,
            ancestor_id__in=ids,
            depth__gt=0,
            valid_from__lte=on,
            valid_to__gte=on,
        ).values_list("descendant_id", flat=True)
    )
    kept = sorted((u for u in units if u.pk in ids and u.pk not in nested), key=child_sort_key)
    if len(kept) == 1:
        return unit_scope(kept[0], on)
    return Scope(None, "", name, "units", [u.pk for u in kept], kept)


def area_scope(old: Unit, on: date) -> Scope:
    """The area of a former unit (old Hà Giang, an old district) after 1/7/2025: the new
    communes that descend, whole or in part, from its old communes. Before the reform the area
    is simply the old unit itself. For a new unit on a day before it existed (Xã Nghĩa Thuận on
    31/03/2025): the old units it was formed from (predecessors_scope)."""
    if old.valid_from is not None and on < old.valid_from:
        return predecessors_scope(old, on)
    if on < REFORM_DATE or old.is_active_on(on):
        return unit_scope(old, on)
    end = old.valid_to or LEGACY_DAY
    old_communes = UnitAncestry.objects.filter(
        ancestor=old, descendant__level=Level.COMMUNE, valid_from__lte=end, valid_to__gte=end
    ).values("descendant_id")
    lineage = UnitLineage.objects.filter(old_id__in=old_communes, new_id=OuterRef("pk"))
    communes = Unit.objects.filter(Exists(lineage)).active_on(on)
    children = sorted(communes, key=child_sort_key)
    name = f"Địa bàn {old.name} (cũ)"
    return Scope(old.pk, old.code, name, old.level, [c.pk for c in children], children)


def predecessors_scope(new: Unit, on: date) -> Scope:
    """A new unit on a day before it existed: the old units merged (whole or in part) into it
    that exist on `on`, each a child, under the new unit's header."""
    olds = Unit.objects.filter(successor_links__new=new).active_on(on).distinct()
    children = sorted(olds, key=child_sort_key)
    name = f"{new.name}: các đơn vị cũ hợp nhất thành"
    return Scope(new.pk, new.code, name, new.level, [c.pk for c in children], children)


def build_scope(unit: Unit | None, on: date, *, area_of: Unit | None = None) -> Scope:
    if area_of is not None:
        return area_scope(area_of, on)
    if unit is None:
        return country_scope(on)
    return unit_scope(unit, on)


# Report dates a user may ask for: the engine adds grace periods and walks month ends back.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def check_day(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise CoverageError(
            f"Ngày {day.strftime('%d/%m/%Y')} nằm ngoài khoảng cho phép "
            f"({FIRST_DAY:%d/%m/%Y} – {LAST_DAY:%d/%m/%Y})"
        )
    return day


def parse_as_of(text: str | None) -> date:
    """A report date typed by a user (dd/mm/yyyy or YYYY-MM-DD); today when empty."""
    if not text:
        return date.today()
    try:
        return check_day(parse_date(text))
    except ValueError as e:
        raise CoverageError(str(e)) from e


# ---- What a user may count ------------------------------------------------------------------


def may_see_unit(user: Any, unit: Unit) -> bool:
    """The user may open the figures of `unit` (access.policy.wholly_inside)."""
    return unit.pk in wholly_inside(user, [unit])


def may_see_scope(user: Any, scope: Scope) -> bool:
    """Every root of the scope is inside the user's grants (the area of a former unit is
    refused when one of its new communes holds territory from outside them)."""
    roots = set(scope.roots)
    return bool(roots) and wholly_inside(user, roots) == roots


def resolve_request(
    *, unit_code: str | None, as_of: str | None, area_of_code: str | None = None
) -> tuple[date, Unit | None, Unit | None]:
    """(date, unit, former unit) from what a command or an API call was given."""
    on = parse_as_of(as_of)
    unit = resolve_unit(unit_code, on) if unit_code else None
    area_of = resolve_old_unit(area_of_code) if area_of_code else None
    return on, unit, area_of
