"""Benchmarks of the unit tree (run with `manage.py bench <name>`)."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from people import official
from people.models import Level, Unit
from people.services import place_villages

BEFORE, AFTER = date(2025, 3, 1), date(2026, 1, 15)


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a transaction that is always rolled back: benchmarks may run on the
    development database without leaving anything behind."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def load_units_country() -> dict[str, float]:
    """Seconds to load both editions of the whole country (fewer if some are loaded already)."""
    with rolled_back():
        seconds, summary = timed(official.load)
    return {
        "seconds": round(seconds, 3),
        "units": sum(summary.units.values()),  # type: ignore[attr-defined]
        "units_created": summary.created["units"],  # type: ignore[attr-defined]
        "lineage": summary.lineage,  # type: ignore[attr-defined]
    }


def add_villages(province: Unit, per_commune: int, on: date) -> int:
    """Synthetic villages under every commune of `province`, moving with their commune on
    1/7/2025 like those made by create_village, written in bulk."""
    communes = list(Unit.objects.within(province, on=on).filter(level=Level.COMMUNE))
    villages = Unit.objects.bulk_create(
        Unit(
            name=f"Thôn Thử {c.pk}-{i}",
            name_key=f"thu {c.pk}-{i}",
            level=Level.VILLAGE,
            kind=Unit.Kind.THON,
            edition=Unit.Edition.LOCAL,
        )
        for c in communes
        for i in range(per_commune)
    )
    pairs = [(v, communes[n // per_commune]) for n, v in enumerate(villages)]
    place_villages(pairs)
    return len(villages)


def _subtree(unit: Unit, on: date) -> dict[str, float]:
    with CaptureQueriesContext(connection) as queries:
        seconds, rows = timed(lambda: len(list(Unit.objects.within(unit, on=on))))
    return {"seconds": round(seconds, 4), "queries": len(queries), "units": rows}  # type: ignore[dict-item]


def subtree_query() -> dict[str, float]:
    """`Unit.objects.within(province, on=day)` for old Hà Giang (~2,000 villages) before the
    reform and new Tuyên Quang after it: one query each."""
    with rolled_back():
        official.load(["02"])
        ha_giang = Unit.objects.get(edition=official.LEGACY, source_key="tinhhagiang")
        villages = add_villages(ha_giang, per_commune=10, on=BEFORE)
        tuyen_quang = Unit.objects.get(edition=official.E2025, source_key="tinhtuyenquang")
        old, new = _subtree(ha_giang, BEFORE), _subtree(tuyen_quang, AFTER)
    return (
        {"villages": villages}
        | {f"{k}_before": v for k, v in old.items()}
        | {f"{k}_after": v for k, v in new.items()}
    )


def _roster_benchmarks() -> dict[str, Callable[[], dict]]:
    """The roster import's benchmarks live beside the importer (people/roster_bench.py)."""
    try:
        from people.roster_bench import BENCHMARKS as roster
    except ModuleNotFoundError as e:
        if e.name not in ("people.roster_bench", "people.roster"):
            raise
        return {}
    return roster


BENCHMARKS: dict[str, Callable[[], dict]] = {
    "load_units_country": load_units_country,
    "subtree_query": subtree_query,
} | _roster_benchmarks()
