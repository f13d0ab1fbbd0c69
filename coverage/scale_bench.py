"""Benchmarks on a generated data set (manage.py bench --scale province|nation).

Each coverage case is timed beside a floor: one hand-written SQL query computing the same
holders and trained counts, checked equal to the report's figures.
"""

import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from coverage.gaps import gaps
from coverage.report import coverage_report
from people.models import Level, Unit

ON = date(2026, 1, 15)
VILLAGE_ROLES = (
    "party_cell_secretary",
    "village_cadre_in_charge",
    "front_committee_head",
    "mobilization_team_head",
)
# The seeded nq33-village rule: the village roles, trained by xdd-kndv, no expiry.
FLOOR = """
SELECT count(*), coalesce(sum(CASE WHEN EXISTS (
    SELECT 1 FROM training_trainingrecord r JOIN training_programme g ON g.id = r.programme_id
    WHERE r.person_id = p.person_id AND g.code = 'xdd-kndv' AND r.completed_on <= %(on)s
      AND (r.expires_on IS NULL OR r.expires_on >= %(on)s)) THEN 1 ELSE 0 END), 0)
FROM people_position p
JOIN people_role ro ON ro.id = p.role_id
JOIN people_organisation o ON o.id = p.organisation_id
JOIN people_unitancestry a ON a.descendant_id = o.unit_id
WHERE a.ancestor_id IN ({units}) AND a.valid_from <= %(on)s AND a.valid_to >= %(on)s
  AND ro.code IN ({roles}) AND p.start <= %(on)s AND (p."end" IS NULL OR p."end" >= %(on)s)
"""
PROVINCES = """SELECT id FROM people_unit WHERE level = 'province'
  AND (valid_from IS NULL OR valid_from <= %(on)s) AND (valid_to IS NULL OR valid_to >= %(on)s)"""


class FloorMismatch(AssertionError):
    pass


def timed(fn: Callable[[], Any]) -> tuple[float, int, Any]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
    return seconds, len(queries), result


def floor(unit: Unit | None) -> tuple[int, int]:
    units = PROVINCES if unit is None else "%(unit)s"
    # The role codes are this module's constants, not input.
    roles = ", ".join(f"'{r}'" for r in VILLAGE_ROLES)
    sql = FLOOR.format(units=units, roles=roles)
    params = {"on": ON, "unit": unit.pk if unit else None}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        holders, trained = cursor.fetchone()
    return holders, trained or 0


def coverage_case(unit: Callable[[], Unit | None], repeat: int) -> dict:
    """Median seconds of coverage_report, its queries, the floor's median, their ratio."""
    target = unit()
    runs = [
        timed(lambda: coverage_report(target_code="nq33-village", unit=target, on=ON))
        for _ in range(repeat)
    ]
    floors = [timed(lambda: floor(target)) for _ in range(repeat)]
    report, figures = runs[-1][2], floors[-1][2]
    ours = (report["holders"], report["trained"]) if target else _sum(report)
    if ours != figures:
        raise FloorMismatch(f"coverage {ours} ≠ floor {figures} for {target}")
    seconds = statistics.median(r[0] for r in runs)
    floor_seconds = statistics.median(f[0] for f in floors)
    return {
        "seconds": round(seconds, 4),
        "queries": runs[-1][1],
        "floor_seconds": round(floor_seconds, 4),
        "ratio": round(seconds / floor_seconds, 2) if floor_seconds else None,
    }


def _sum(report: dict) -> tuple[int, int]:
    if "holders" in report:
        return report["holders"], report["trained"]
    rows = report["children"]
    return sum(r["holders"] for r in rows), sum(r["trained"] for r in rows)


def province() -> Unit:
    """New Tuyên Quang (old Hà Giang merged into it), loaded at every scale."""
    return Unit.objects.get(code="08", level=Level.PROVINCE, edition=Unit.Edition.E2025)


def commune() -> Unit:
    found = (
        Unit.objects.within(province(), on=ON)
        .filter(level=Level.COMMUNE)
        .order_by("code", "pk")
        .first()
    )
    if found is None:
        raise LookupError("the data set has no commune in the province")
    return found


def simple_case(fn: Callable[[], object], repeat: int) -> dict:
    runs = [timed(fn) for _ in range(repeat)]
    return {"seconds": round(statistics.median(r[0] for r in runs), 4), "queries": runs[-1][1]}


IMPORT_COMMUNES = {"commune": 2, "province": 200, "nation": 2000}  # × 50 rows each
CERTIFICATES = {"commune": 5, "province": 200, "nation": 1000}


def import_case(scale: str) -> dict:
    """rows/s of a generated roster (10k rows at province, 100k at nation), rolled back; peak
    resident memory of the process."""
    from people.roster_bench import roster_import

    measured = roster_import(communes=IMPORT_COMMUNES[scale], villages=10)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rows_per_second": round(measured["rows"] / measured["seconds_first_import"], 1),
        "rows": measured["rows"],
        "peak_mb": round(peak, 1),
    }


def certificates_case(scale: str) -> dict:
    """Certificates (PDFs) issued per second for one course's completions, rolled back."""
    from certificates import benchmarks

    measured = benchmarks.bulk_issue(CERTIFICATES[scale])
    return {
        "per_second": round(measured["certificates"] / measured["seconds"], 1),
        "certificates": measured["certificates"],
    }


def page_case(paths: list[str], repeat: int) -> dict:
    """Whole pages through Django's test Client, logged in as the Commission of the province
    (a user made inside a rolled-back transaction)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from people.benchmarks import rolled_back
    from people.models import Grant

    results: dict = {}
    with rolled_back():
        user = get_user_model().objects.create(username="bench-commission")
        Grant.objects.create(user=user, unit=province(), role=Grant.Role.COMMISSION)
        client = Client()
        client.force_login(user)
        for path in paths:
            runs = [timed(partial(client.get, path)) for _ in range(repeat)]
            status = runs[-1][2].status_code  # type: ignore[attr-defined]
            if status != 200:
                raise AssertionError(f"{path}: HTTP {status}")
            results[path] = (statistics.median(r[0] for r in runs), runs[-1][1])
    return {
        "seconds": round(sum(s for s, _ in results.values()), 4),
        "queries": sum(q for _, q in results.values()),
    }


@dataclass
class TrendScope:
    """The trend's view of a page's scope: the province today, no former area."""

    unit: Unit
    on: date
    area_of: Unit | None = None


def trend_case(repeat: int) -> dict:
    """The province's 24 monthly points of every target computed cold: each run drops the
    stored points (rolled back afterwards) and has no time budget."""
    from coverage.models import TrendPoint
    from coverage.trend import trend_of
    from people.benchmarks import rolled_back

    runs = []
    for _ in range(repeat):
        with rolled_back():
            TrendPoint.objects.all().delete()
            scope = TrendScope(province(), ON)
            runs.append(timed(partial(trend_of, scope, {}, budget=None)))
    trend = runs[-1][2]
    if trend.pending or not any(v is not None for s in trend.series for v in s.values):
        raise AssertionError("the trend left points uncomputed")
    return {
        "seconds": round(statistics.median(r[0] for r in runs), 4),
        "queries": runs[-1][1],
        "points": sum(len(s.values) for s in trend.series),
    }


def cases(repeat: int, scale: str = "province") -> dict[str, Callable[[], dict]]:
    return {
        "coverage_nation": lambda: coverage_case(lambda: None, repeat),
        "coverage_province": lambda: coverage_case(province, repeat),
        "coverage_commune": lambda: coverage_case(commune, repeat),
        "boards_commune": lambda: simple_case(
            lambda: coverage_report(target_code="nq33-boards", unit=commune(), on=ON), repeat
        ),
        "gaps_page": lambda: simple_case(
            lambda: list(gaps(target_code="nq33-village", unit=province(), on=ON))[:50], repeat
        ),
        "dashboard": lambda: page_case(["/ty-le/"], repeat),
        "trend": lambda: trend_case(repeat),
        "api_list": lambda: page_case(["/api/v1/people/", "/api/v1/positions/"], repeat),
        "import": lambda: import_case(scale),
        "certificates": lambda: certificates_case(scale),
    }


NAMES = [
    "coverage_nation",
    "coverage_province",
    "coverage_commune",
    "boards_commune",
    "gaps_page",
    "dashboard",
    "trend",
    "api_list",
    "import",
    "certificates",
]
