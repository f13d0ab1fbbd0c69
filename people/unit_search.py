"""Finding a unit by part of its name (without diacritics) or its code, among the units the
user may see and that exist on a day: the one search behind the unit picker's JSON
(/don-vi/tim.json), its page without JavaScript (/don-vi/tim/) and the planning form's
unit field, which takes a name as well as a code."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q

from access.scopes import visible
from people.models import Level, Unit, UnitAncestry
from people.text import clean, fold

LEVEL_ORDER: dict[str, int] = {
    Level.PROVINCE: 0,
    Level.DISTRICT: 1,
    Level.COMMUNE: 2,
    Level.VILLAGE: 3,
}
DEFAULT_LEVELS = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
LIMIT = 20


@dataclass(frozen=True)
class Match:
    id: int
    code: str
    name: str
    level: str
    label: str  # «Xã Nghĩa Thuận — Tỉnh Tuyên Quang, từ 01/07/2025»


def search_units(
    user: Any,
    q: str,
    *,
    on: date,
    levels: tuple[str, ...] = DEFAULT_LEVELS,
    limit: int = LIMIT,
) -> list[Match]:
    """Units the user may see, existing on `on`, whose folded name contains the folded `q`
    or whose code starts with `q`; an exact code first, then by level and name."""
    text = clean(q)
    if len(text) < 2 and not text.isdigit():
        return []
    folded = fold(text)
    match = Q(search_text__contains=folded)
    if text.isdigit():
        match |= Q(code__startswith=text)
    seen = visible(user, Unit).filter(match, level__in=levels)
    units = list(
        Unit.objects.filter(pk__in=seen.values("pk"))
        .active_on(on)
        .order_by("name_key", "pk")[: limit * 3]
    )
    units.sort(key=lambda u: (u.code != text, LEVEL_ORDER.get(u.level, 9), u.name_key, u.pk))
    units = units[:limit]
    parents = _parents(units, on)
    return [Match(u.pk, u.code, u.name, u.level, label(u, parents.get(u.pk))) for u in units]


def _parents(units: list[Unit], on: date) -> dict[int, Unit]:
    links = UnitAncestry.objects.filter(
        descendant_id__in=[u.pk for u in units], depth=1, valid_from__lte=on, valid_to__gte=on
    ).select_related("ancestor")
    return {link.descendant_id: link.ancestor for link in links}


def label(unit: Unit, parent: Unit | None) -> str:
    """The unit, «(cũ)» for a unit of the pre-2025 list, its parent and when it began or
    ended: «Xã Thanh Vân (cũ) — Huyện Quản Bạ, đến 30/06/2025»."""
    text = unit.name + (" (cũ)" if unit.edition == Unit.Edition.LEGACY else "")
    parts = [parent.name] if parent else []
    if unit.valid_to:
        parts.append(f"đến {unit.valid_to:%d/%m/%Y}")
    elif unit.valid_from:
        parts.append(f"từ {unit.valid_from:%d/%m/%Y}")
    code = f" ({unit.code})" if unit.code else ""
    return text + code + (" — " + ", ".join(parts) if parts else "")


def unit_from_text(user: Any, text: str, *, on: date) -> tuple[Unit | None, list[Match]]:
    """The one unit a typed name means (the code is resolved elsewhere), or None with the
    candidates when it means none or several."""
    found = search_units(user, text, on=on, limit=6)
    exact = [m for m in found if fold(m.name) == fold(text) or fold(m.name).endswith(fold(text))]
    chosen = exact if len(exact) == 1 else found
    if len(chosen) == 1:
        return Unit.objects.get(pk=chosen[0].id), chosen
    return None, found
