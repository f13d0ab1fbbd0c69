"""The official lists of administrative units, both editions, and the old → new lineage.

Read straight from the data bundled with the `vietnamadminunits` package (MIT): its SQLite
`data/dataset.db` (tables `admin_units_legacy` and `admin_units`) and `data/converter_2025.json`.
We never call its converter or parser: they may reach for an online geocoder.

Everything is matched on (edition, source_key), the package's normalised key, so loading again
changes nothing, and the closure table of the official tree is computed in memory.
"""

import importlib.util
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

import audit
from people.models import (
    FAR_FUTURE,
    FAR_PAST,
    REFORM_DATE,
    Level,
    Unit,
    UnitAncestry,
    UnitLineage,
    UnitPlacement,
)
from people.services import PeopleError, rebuild_ancestry
from people.text import clean, fold, unit_name_key

LEGACY_END = date(2025, 6, 30)
LEGACY, E2025 = Unit.Edition.LEGACY, Unit.Edition.E2025
OFFICIAL = [LEGACY, E2025]
K = Unit.Kind
PROVINCE_KINDS = {"Thành phố": K.THANH_PHO, "Tỉnh": K.TINH}
DISTRICT_KINDS = {"Huyện": K.HUYEN, "Quận": K.QUAN, "Thị xã": K.THI_XA, "Thành phố": K.THANH_PHO}
COMMUNE_KINDS = {"Xã": K.XA, "Phường": K.PHUONG, "Thị trấn": K.THI_TRAN, "Đặc khu": K.DAC_KHU}
SPANS: dict[str, tuple[date | None, date | None]] = {
    LEGACY: (None, LEGACY_END),
    E2025: (REFORM_DATE, None),
}
LEVEL_ORDER: list[str] = [Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]

LEGACY_SQL = """
    SELECT provinceKey, province, provinceShort, provinceCode,
           districtKey, district, districtShort, districtType, districtCode,
           wardKey, ward, wardShort, wardType, wardCode
    FROM admin_units_legacy WHERE provinceKey IN ({})"""
MODERN_SQL = """
    SELECT provinceKey, province, provinceShort, provinceCode,
           wardKey, ward, wardShort, wardType, wardCode
    FROM admin_units WHERE provinceKey IN ({})"""


def data_dir() -> Path:
    """The package's data folder, found without importing the package (no side effects)."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise PeopleError("Chưa cài gói vietnamadminunits (danh mục đơn vị hành chính)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@dataclass(frozen=True)
class Row:
    """One unit of an official list, as the package gives it, before it is saved."""

    edition: str
    source_key: str
    parent_key: str
    level: str
    kind: str
    name: str
    short_name: str
    code: str


@dataclass(frozen=True)
class Link:
    """Old unit → new unit (by source key) on 1/7/2025."""

    old_key: str
    new_key: str
    kind: str
    is_default: bool = True


@dataclass
class Source:
    """The package's data, opened once."""

    db: sqlite3.Connection
    converter: dict

    @classmethod
    def open(cls) -> "Source":
        folder = data_dir()
        db = sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True)
        with open(folder / "converter_2025.json", encoding="utf-8") as f:
            return cls(db=db, converter=json.load(f))


# --- Which provinces ----------------------------------------------------------------------


def select_provinces(source: Source, codes: Iterable[str]) -> tuple[set[str], set[str]]:
    """(legacy, new) province keys for GSO codes of either edition, closed over the province
    lineage so that every lineage row has both its ends loaded (02 → Hà Giang, Tuyên Quang)."""
    new_of = {old: new for new, olds in source.converter["DICT_PROVINCE"].items() for old in olds}
    legacy = _province_keys(source, "admin_units_legacy")
    modern = _province_keys(source, "admin_units")
    wanted = {clean(c).zfill(2) for c in codes}
    unknown = wanted - set(legacy.values()) - set(modern.values())
    if unknown:
        raise PeopleError(f"Không có tỉnh mang mã {', '.join(sorted(unknown))}")
    new_keys = {k for k, c in modern.items() if c in wanted}
    new_keys |= {new_of[k] for k, c in legacy.items() if c in wanted}
    old_keys = {k for k in legacy if new_of[k] in new_keys}
    return old_keys, new_keys


def all_provinces(source: Source) -> tuple[set[str], set[str]]:
    return set(_province_keys(source, "admin_units_legacy")), set(
        _province_keys(source, "admin_units")
    )


# The two editions' tables of the package's data set: fixed statements, no SQL built from text.
PROVINCE_KEYS = {
    "admin_units_legacy": "SELECT DISTINCT provinceKey, provinceCode FROM admin_units_legacy",
    "admin_units": "SELECT DISTINCT provinceKey, provinceCode FROM admin_units",
}


def _province_keys(source: Source, table: str) -> dict[str, str]:
    return dict(source.db.execute(PROVINCE_KEYS[table]).fetchall())


# --- Rows of the two editions --------------------------------------------------------------


def _query(source: Source, sql: str, keys: set[str]) -> list[tuple]:
    return source.db.execute(sql.format(",".join("?" * len(keys))), sorted(keys)).fetchall()


def _province_row(edition: str, key: str, name: str, short: str, code: str) -> Row:
    kind = next(v for word, v in PROVINCE_KINDS.items() if name.startswith(word))
    return Row(edition, key, "", Level.PROVINCE, kind, name, short, code)


def legacy_rows(source: Source, provinces: set[str]) -> list[Row]:
    """Provinces, districts and communes of the list valid until 30/06/2025."""
    rows: dict[str, Row] = {}
    for pk, pname, pshort, pcode, dk, dname, dshort, dtype, dcode, wk, *ward in _query(
        source, LEGACY_SQL, provinces
    ):
        rows.setdefault(pk, _province_row(LEGACY, pk, pname, pshort, pcode))
        district_key = f"{pk}_{dk}"
        rows.setdefault(
            district_key,
            Row(
                LEGACY,
                district_key,
                pk,
                Level.DISTRICT,
                DISTRICT_KINDS[dtype],
                dname,
                dshort,
                dcode,
            ),
        )
        if wk:  # island districts (Côn Đảo, Lý Sơn...) had no communes
            rows[f"{district_key}_{wk}"] = _commune_row(
                LEGACY, f"{district_key}_{wk}", district_key, ward
            )
    return list(rows.values())


def modern_rows(source: Source, provinces: set[str]) -> list[Row]:
    """Provinces and communes of the list valid from 01/07/2025 (no districts)."""
    rows: dict[str, Row] = {}
    for pk, pname, pshort, pcode, wk, *ward in _query(source, MODERN_SQL, provinces):
        rows.setdefault(pk, _province_row(E2025, pk, pname, pshort, pcode))
        rows[f"{pk}_{wk}"] = _commune_row(E2025, f"{pk}_{wk}", pk, ward)
    return list(rows.values())


def _commune_row(edition: str, key: str, parent: str, ward: list[str]) -> Row:
    name, short, kind, code = ward
    return Row(edition, key, parent, Level.COMMUNE, COMMUNE_KINDS[kind], name, short, code)


def lineage_links(source: Source, new_provinces: set[str]) -> list[Link]:
    """Province merges, communes merged whole, and communes split between new ones."""
    conv = source.converter
    links = {}
    for new in new_provinces:
        for old in conv["DICT_PROVINCE"][new]:
            links[old, new] = Link(old, new, UnitLineage.Kind.WHOLE)
        for ward, olds in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new, {}).items():
            for old in olds:
                # "province_district_" (no commune): an island district became a đặc khu.
                old_key = old.rstrip("_")
                links[old_key, f"{new}_{ward}"] = Link(
                    old_key, f"{new}_{ward}", UnitLineage.Kind.WHOLE
                )
        for old, parts in conv["DICT_PROVINCE_WARD_DIVIDED"].get(new, {}).items():
            for part in parts:
                key = f"{new}_{part['newWardKey']}"
                links[old, key] = Link(old, key, UnitLineage.Kind.PART, part["isDefaultNewWard"])
    return list(links.values())


# --- Writing them ---------------------------------------------------------------------------

Key = tuple[str, str]  # (edition, source_key)
Span = tuple[date, date]
ClosureRow = tuple[int, int, int, date, date]  # ancestor, descendant, depth, from, to


@dataclass
class Summary:
    """What a load found and changed."""

    units: dict[tuple[str, str], int] = field(default_factory=dict)  # (edition, level) → count
    lineage: int = 0
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    deleted: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def unit_fields(row: Row) -> dict[str, object]:
    valid_from, valid_to = SPANS[row.edition]
    name, short = clean(row.name), clean(row.short_name)
    return {
        "name": name,
        "short_name": short,
        "level": row.level,
        "kind": row.kind,
        "code": row.code or "",
        "valid_from": valid_from,
        "valid_to": valid_to,
        # Unit.save() derives these two; bulk_create and bulk_update bypass save().
        "name_key": unit_name_key(short or name, village=row.level == Level.VILLAGE),
        "search_text": fold(name),
    }


def sync_units(rows: list[Row], summary: Summary) -> dict[Key, Unit]:
    """Create missing units and update changed ones in place, matched on edition + source key."""
    existing = {(u.edition, u.source_key): u for u in Unit.objects.filter(edition__in=OFFICIAL)}
    units, new, changed, before = {}, [], [], []
    for row in rows:
        values = unit_fields(row)
        unit = existing.get((row.edition, row.source_key))
        if unit is None:
            unit = Unit(edition=row.edition, source_key=row.source_key, **values)
            new.append(unit)
        elif any(getattr(unit, k) != v for k, v in values.items()):
            before += audit.snapshot([unit])
            for k, v in values.items():
                setattr(unit, k, v)
            changed.append(unit)
        units[row.edition, row.source_key] = unit
    Unit.objects.bulk_create(new, batch_size=2000)
    Unit.objects.bulk_update(changed, list(unit_fields(rows[0])), batch_size=1000)
    audit.log_created(new)
    audit.log_updated(zip(before, changed, strict=True))
    summary.created["units"], summary.updated["units"] = len(new), len(changed)
    return units


def sync_placements(rows: list[Row], units: dict[Key, Unit], summary: Summary) -> None:
    """Each official unit sits under its parent for its edition's whole validity."""
    wanted = {
        (units[r.edition, r.source_key].pk, units[r.edition, r.parent_key].pk)
        for r in rows
        if r.parent_key
    }
    span = {u.pk: (u.valid_from, u.valid_to) for u in units.values()}
    loaded = set(span)
    have, stale = set(), []
    for p in UnitPlacement.objects.filter(unit__edition__in=OFFICIAL).iterator(chunk_size=5000):
        if p.unit_id not in loaded:
            continue
        if (p.unit_id, p.parent_id) in wanted and (p.valid_from, p.valid_to) == span[p.unit_id]:
            have.add((p.unit_id, p.parent_id))
        else:
            stale.append(p.pk)
    UnitPlacement.objects.filter(pk__in=stale).delete()
    created = UnitPlacement.objects.bulk_create(
        [
            UnitPlacement(unit_id=u, parent_id=p, valid_from=span[u][0], valid_to=span[u][1])
            for u, p in wanted - have
        ],
        batch_size=2000,
    )
    audit.log_created(created)
    summary.created["placements"], summary.deleted["placements"] = len(wanted - have), len(stale)


def closure_rows(rows: list[Row], units: dict[Key, Unit]) -> set[ClosureRow]:
    """The closure table of the official tree, computed top-down in memory: a unit's chain is
    itself plus its parent's chain clipped to the unit's validity."""
    chains: dict[Key, list[tuple[int, int, Span]]] = {}
    for row in sorted(rows, key=lambda r: LEVEL_ORDER.index(r.level)):
        unit = units[row.edition, row.source_key]
        own = (unit.valid_from or FAR_PAST, unit.valid_to or FAR_FUTURE)
        chain = [(unit.pk, 0, own)]
        for ancestor, depth, span in chains.get((row.edition, row.parent_key), []):
            both = (max(own[0], span[0]), min(own[1], span[1]))
            if both[0] <= both[1]:
                chain.append((ancestor, depth + 1, both))
        chains[row.edition, row.source_key] = chain
    return {
        (a, units[key].pk, depth, *span)
        for key, chain in chains.items()
        for a, depth, span in chain
    }


def sync_ancestry(rows: list[Row], units: dict[Key, Unit], summary: Summary) -> set[int]:
    """Bring the closure rows of the loaded units in line; returns the units whose rows changed."""
    wanted = closure_rows(rows, units)
    loaded = {u.pk for u in units.values()}
    have: dict[ClosureRow, int] = {}
    for pk, *row in UnitAncestry.objects.filter(descendant__edition__in=OFFICIAL).values_list(
        "pk", "ancestor_id", "descendant_id", "depth", "valid_from", "valid_to"
    ):
        if row[1] in loaded:
            have[tuple(row)] = pk  # type: ignore[index]
    stale = [pk for row, pk in have.items() if row not in wanted]
    missing = wanted - set(have)
    UnitAncestry.objects.filter(pk__in=stale).delete()
    UnitAncestry.objects.bulk_create(
        [
            UnitAncestry(ancestor_id=a, descendant_id=d, depth=n, valid_from=f, valid_to=t)
            for a, d, n, f, t in missing
        ],
        batch_size=2000,
    )
    summary.created["ancestry"], summary.deleted["ancestry"] = len(missing), len(stale)
    gone = set(stale)
    return {row[1] for row in missing} | {row[1] for row, pk in have.items() if pk in gone}


def rebuild_villages_below(unit_ids: set[int]) -> int:
    """Villages hang below official units; when those moved, their closure rows follow."""
    if not unit_ids:
        return 0
    villages = {
        v
        for v, parent in UnitPlacement.objects.filter(unit__level=Level.VILLAGE).values_list(
            "unit_id", "parent_id"
        )
        if parent in unit_ids
    }
    return rebuild_ancestry(Unit.objects.filter(pk__in=villages)) if villages else 0


def sync_lineage(links: list[Link], units: dict[Key, Unit], summary: Summary) -> None:
    """Old → new rows between loaded units; kind and default updated in place."""
    existing = {(x.old_id, x.new_id): x for x in UnitLineage.objects.all()}
    new, changed, before = [], [], []
    for link in links:
        old, successor = units.get((LEGACY, link.old_key)), units.get((E2025, link.new_key))
        if old is None or successor is None:
            continue
        row = existing.get((old.pk, successor.pk))
        if row is None:
            new.append(
                UnitLineage(old=old, new=successor, kind=link.kind, is_default=link.is_default)
            )
        elif (row.kind, row.is_default) != (link.kind, link.is_default):
            before += audit.snapshot([row])
            row.kind, row.is_default = link.kind, link.is_default
            changed.append(row)
    UnitLineage.objects.bulk_create(new, batch_size=2000)
    UnitLineage.objects.bulk_update(changed, ["kind", "is_default"])
    audit.log_created(new)
    audit.log_updated(zip(before, changed, strict=True), ["kind", "is_default"])
    summary.created["lineage"], summary.updated["lineage"] = len(new), len(changed)


def count(units: dict[Key, Unit], summary: Summary) -> None:
    tally: dict[tuple[str, str], int] = defaultdict(int)
    for unit in units.values():
        tally[unit.edition, unit.level] += 1
    summary.units = dict(tally)
    ids = {u.pk for u in units.values()}
    summary.lineage = sum(
        1 for old, new in UnitLineage.objects.values_list("old_id", "new_id") if new in ids
    )


def load(codes: Iterable[str] = ()) -> Summary:
    """Load both editions for the provinces of `codes` (every province when empty)."""
    source = Source.open()
    codes = list(codes)
    old_keys, new_keys = select_provinces(source, codes) if codes else all_provinces(source)
    rows = legacy_rows(source, old_keys) + modern_rows(source, new_keys)
    links = lineage_links(source, new_keys)
    summary = Summary()
    with transaction.atomic():
        units = sync_units(rows, summary)
        sync_placements(rows, units, summary)
        moved = sync_ancestry(rows, units, summary)
        summary.created["village_ancestry"] = rebuild_villages_below(moved)
        sync_lineage(links, units, summary)
    count(units, summary)
    return summary
