"""Benchmarks of the coverage engine (run with `manage.py bench coverage_province`).

A synthetic old province the size of Hà Giang (11 districts, ~200 communes, ~2,000 villages,
~10,000 positions, ~8,000 training records) is written inside a transaction that is rolled back,
then the reports are timed and their queries counted.
"""

import random
import time
from collections.abc import Callable
from datetime import date
from functools import partial

from django.db import connection
from django.test.utils import CaptureQueriesContext

from coverage.gaps import gaps
from coverage.report import coverage_report
from coverage.rules import untrained_holders
from people.benchmarks import rolled_back
from people.models import Level, Organisation, OrgKind, Person, Position, Role, Unit, UnitPlacement
from people.services import rebuild_ancestry
from people.text import fold, unit_name_key
from training.models import Programme, TrainingRecord

ON = date(2025, 3, 31)
DISTRICTS, COMMUNES_PER_DISTRICT, VILLAGES_PER_COMMUNE = 11, 18, 10
GIVEN = ["An", "Bình", "Cường", "Dua", "Dình", "Hoa", "Lan", "Mai", "Páo", "Sùng", "Tráng"]
FAMILY = ["Lò", "Vàng", "Giàng", "Sùng", "Hoàng", "Nguyễn", "Lý", "Triệu", "Ma", "Thào"]
VILLAGE_ROLES = [
    ("party_cell_secretary", OrgKind.PARTY_CELL),
    ("village_cadre_in_charge", OrgKind.PARTY_CELL),
    ("front_committee_head", OrgKind.FRONT_WORK_COMMITTEE),
    ("mobilization_team_head", OrgKind.MOBILIZATION_TEAM),
]


def _units(names: list[tuple[str, str, str, str]], parents: list[Unit | None]) -> list[Unit]:
    units = Unit.objects.bulk_create(
        Unit(
            name=name,
            level=level,
            kind=kind,
            code=code,
            edition=Unit.Edition.LEGACY if level != Level.VILLAGE else Unit.Edition.LOCAL,
            name_key=unit_name_key(name, village=level == Level.VILLAGE),
            search_text=fold(name),
            valid_to=date(2025, 6, 30) if level != Level.VILLAGE else None,
        )
        for name, level, kind, code in names
    )
    UnitPlacement.objects.bulk_create(
        UnitPlacement(unit=u, parent=p, valid_to=date(2025, 6, 30))
        for u, p in zip(units, parents, strict=True)
        if p is not None
    )
    return units


def build_province() -> tuple[Unit, Unit]:
    """The synthetic province and one of its communes."""
    (province,) = _units([("Tỉnh Thử Nghiệm", Level.PROVINCE, Unit.Kind.TINH, "99")], [None])
    districts = _units(
        [
            (f"Huyện Thử {d}", Level.DISTRICT, Unit.Kind.HUYEN, f"9{d:02d}")
            for d in range(DISTRICTS)
        ],
        [province] * DISTRICTS,
    )
    communes = _units(
        [
            (f"Xã Thử {d}-{c}", Level.COMMUNE, Unit.Kind.XA, f"9{d:02d}{c:02d}")
            for d in range(DISTRICTS)
            for c in range(COMMUNES_PER_DISTRICT)
        ],
        [d for d in districts for _ in range(COMMUNES_PER_DISTRICT)],
    )
    villages = _units(
        [
            (f"Thôn Thử {c.code}-{v}", Level.VILLAGE, Unit.Kind.THON, "")
            for c in communes
            for v in range(VILLAGES_PER_COMMUNE)
        ],
        [c for c in communes for _ in range(VILLAGES_PER_COMMUNE)],
    )
    rebuild_ancestry([province, *districts, *communes, *villages])
    _people_and_positions(communes, villages)
    return province, communes[0]


def _person(n: int) -> Person:
    family, given = FAMILY[n % len(FAMILY)], GIVEN[(n // 7) % len(GIVEN)]
    person = Person(
        family_name=family, middle_name=f"Văn {n}", given_name=given,
        birth_date=date(1970 + n % 30, 1 + n % 12, 1 + n % 28),
    )  # fmt: skip
    person.derive_keys()  # as save() would: bulk_create does not call it
    return person


def _people_and_positions(communes: list[Unit], villages: list[Unit]) -> None:
    rng = random.Random(33)
    roles = {r.code: r for r in Role.objects.all()}
    orgs: list[Organisation] = []
    seats: list[tuple[int, str]] = []  # (organisation index, role code)
    for village in villages:
        kinds: dict[str, int] = {}
        for code, kind in VILLAGE_ROLES:
            if kind not in kinds:
                kinds[kind] = len(orgs)
                orgs.append(Organisation(unit=village, kind=kind, name=f"{kind} {village.name}"))
            if rng.random() < 0.9:  # one seat in ten is vacant
                seats.append((kinds[kind], code))
    for commune in communes:
        for kind, head, member, size in (
            (
                OrgKind.PEOPLE_INSPECTION_BOARD,
                "inspection_board_head",
                "inspection_board_member",
                5,
            ),
            (
                OrgKind.INVESTMENT_SUPERVISION_BOARD,
                "investment_board_head",
                "investment_board_member",
                3,
            ),
        ):
            orgs.append(Organisation(unit=commune, kind=kind, name=f"{kind} {commune.name}"))
            seats += [(len(orgs) - 1, head)] + [(len(orgs) - 1, member)] * size
    orgs = Organisation.objects.bulk_create(orgs)
    people = Person.objects.bulk_create(_person(n) for n in range(len(seats)))
    Position.objects.bulk_create(
        Position(
            person=people[i],
            role=roles[code],
            organisation=orgs[org],
            start=date(2020 + rng.randrange(6), 1 + rng.randrange(12), 1),
        )
        for i, (org, code) in enumerate(seats)
    )
    _records(people, rng)


def _records(people: list[Person], rng: random.Random) -> None:
    programmes = list(Programme.objects.filter(code__in=["xdd-kndv", "nv-ttnd", "nv-gsdtcd"]))
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            person=p,
            programme=rng.choice(programmes),
            completed_on=date(2023 + rng.randrange(3), 1 + rng.randrange(12), 1),
        )
        for p in people
        if rng.random() < 0.8
    )


def measure(fn: Callable[[], object]) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        fn()
        seconds = time.perf_counter() - started
    return round(seconds, 3), len(queries)


def coverage_province() -> dict:
    """Seconds and queries of the province and commune reports on a Hà Giang-sized province."""
    results: dict = {}
    with rolled_back():
        started = time.perf_counter()
        province, commune = build_province()
        results["setup_seconds"] = round(time.perf_counter() - started, 1)
        if connection.vendor == "postgresql":
            # A live database has statistics (autovacuum); fresh rows in a transaction do not.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        results["positions"] = Position.objects.filter(
            organisation__unit__in=Unit.objects.within(province, on=ON)
        ).count()
        results["records"] = TrainingRecord.objects.count()
        for code in ("nq33-village", "nq33-boards", "nq33-teams"):
            for name, unit in (("province", province), ("commune", commune)):
                seconds, queries = measure(
                    partial(coverage_report, target_code=code, unit=unit, on=ON)
                )
                results[f"{code}_{name}_seconds"] = seconds
                results[f"{code}_{name}_queries"] = queries
        seconds, queries = measure(lambda: gaps(target_code="nq33-village", unit=province, on=ON))
        results["gaps_village_province_seconds"], results["gaps_village_province_queries"] = (
            seconds,
            queries,
        )
        seconds, queries = measure(
            lambda: untrained_holders(target="nq33-village", unit=province, on=ON)
        )
        results["untrained_holders_province_seconds"] = seconds
        results["untrained_holders_province_queries"] = queries
    return results


BENCHMARKS = {"coverage_province": coverage_province}
