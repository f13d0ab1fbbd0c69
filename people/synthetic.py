"""Synthetic data on the real units of both editions, for benchmarks (manage.py generate_synthetic).

Everything is drawn from one `random.Random(seed)`, in a fixed order, and folded into a digest as
it is made, so the same seed gives the same rows and the same digest.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from django.db import connection, transaction
from psycopg import sql

from people import official
from people.models import (
    Level,
    Organisation,
    OrgKind,
    Person,
    Position,
    Role,
    Unit,
)
from people.services import place_villages
from training.models import Programme, TrainingRecord

BEFORE = date(2025, 3, 1)
SCALES = {"commune": ["02"], "province": ["02"], "nation": []}
VILLAGES = {"commune": (8, 12), "province": (6, 14), "nation": (3, 9)}
GIVEN = ["An", "Bình", "Chi", "Dung", "Hoa", "Lan", "Mai", "Páo", "Sùng", "Tráng", "Vư", "Dế"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Seo", "Mí", "Thu", ""]
FAMILY = ["Lò", "Vàng", "Giàng", "Sùng", "Hoàng", "Nguyễn", "Lý", "Triệu", "Ma", "Thào"]
VILLAGE_SEATS = [
    ("party_cell_secretary", OrgKind.PARTY_CELL, "xdd-kndv"),
    ("village_cadre_in_charge", OrgKind.PARTY_CELL, "xdd-kndv"),
    ("front_committee_head", OrgKind.FRONT_WORK_COMMITTEE, "xdd-kndv"),
    ("mobilization_team_head", OrgKind.MOBILIZATION_TEAM, "xdd-kndv"),
]
BOARDS = [
    (OrgKind.PEOPLE_INSPECTION_BOARD, "inspection_board", "nv-ttnd"),
    (OrgKind.INVESTMENT_SUPERVISION_BOARD, "investment_board", "nv-gsdtcd"),
]
MARKER = "synthetic_dataset"


class SyntheticError(Exception):
    pass


@dataclass
class Plan:
    """The rows to write, as plain tuples (indices into `people` and `orgs`)."""

    rng: random.Random
    people: list[tuple[str, str, str, date]] = field(default_factory=list)
    orgs: list[tuple[int, str, str]] = field(default_factory=list)  # unit id, kind, name
    positions: list[tuple[int, str, int, date, date | None]] = field(default_factory=list)
    records: list[tuple[int, str, date]] = field(default_factory=list)
    digest: "hashlib._Hash" = field(default_factory=hashlib.sha256)

    def person(self, programme: str | None) -> int:
        r = self.rng
        row = (
            r.choice(FAMILY),
            r.choice(MIDDLE),
            r.choice(GIVEN),
            date(1960 + r.randrange(40), 1 + r.randrange(12), 1 + r.randrange(28)),
        )
        self.people.append(row)
        if programme and r.random() < 0.7:
            self.records.append(
                (
                    len(self.people) - 1,
                    programme,
                    date(2021 + r.randrange(5), 1 + r.randrange(12), 1),
                )
            )
        return len(self.people) - 1

    def org(self, unit_id: int, kind: str, name: str) -> int:
        self.orgs.append((unit_id, kind, name))
        return len(self.orgs) - 1

    def seat(self, org: int, role: str, programme: str, holder: int | None = None) -> None:
        """Turnover 2020–2026: a first holder, sometimes ended and replaced after a gap; some
        seats stay vacant."""
        r = self.rng
        if r.random() < 0.05:
            return
        start = date(2020, 1, 1) + timedelta(days=r.randrange(1200))
        person = holder if holder is not None else self.person(programme)
        if r.random() < 0.3:
            end = start + timedelta(days=200 + r.randrange(900))
            self.positions.append((person, role, org, start, end))
            if r.random() < 0.8:
                later = end + timedelta(days=1 + r.randrange(120))
                self.positions.append((self.person(programme), role, org, later, None))
        else:
            self.positions.append((person, role, org, start, None))


def communes_of(scale: str) -> list[Unit]:
    codes = SCALES[scale]
    provinces = Unit.objects.filter(level=Level.PROVINCE, edition=official.LEGACY)
    if codes:
        provinces = provinces.filter(code__in=codes)
    communes: list[Unit] = []
    for province in provinces.order_by("code"):
        communes += (
            Unit.objects.within(province, on=BEFORE)
            .filter(level=Level.COMMUNE)
            .order_by("code", "pk")
        )
    return communes[:3] if scale == "commune" else communes


def add_villages(plan: Plan, communes: list[Unit], scale: str) -> list[Unit]:
    low, high = VILLAGES[scale]
    counts = [plan.rng.randint(low, high) for _ in communes]
    villages = Unit.objects.bulk_create(
        (
            _derived(
                Unit(
                    name=name, level=Level.VILLAGE, kind=Unit.Kind.THON, edition=Unit.Edition.LOCAL
                )
            )
            for c, n in zip(communes, counts, strict=True)
            for name in (f"Thôn {i + 1} {c.name}" for i in range(n))
        ),
        batch_size=5000,
    )
    parents = [c for c, n in zip(communes, counts, strict=True) for _ in range(n)]
    place_villages(list(zip(villages, parents, strict=True)))
    plan.digest.update(repr(counts).encode())
    return villages


def plan_villages(plan: Plan, villages: list[Unit]) -> None:
    for v in villages:
        orgs = {
            kind: plan.org(v.pk, kind, f"{kind} {v.name}")
            for kind in {k for _, k, _ in VILLAGE_SEATS}
        }
        secretary: int | None = None
        for role, kind, programme in VILLAGE_SEATS:
            # A party cell secretary is often also the mobilisation team's head.
            holder = (
                secretary if role == "mobilization_team_head" and plan.rng.random() < 0.5 else None
            )
            before = len(plan.positions)
            plan.seat(orgs[kind], role, programme, holder)
            if role == "party_cell_secretary" and len(plan.positions) > before:
                secretary = plan.positions[before][0]


def plan_communes(plan: Plan, communes: list[Unit]) -> None:
    r = plan.rng
    for c in communes:
        for kind, prefix, programme in BOARDS:
            boards = 1 if kind == OrgKind.PEOPLE_INSPECTION_BOARD else 1 + r.randrange(2)
            for b in range(boards):
                org = plan.org(c.pk, kind, f"{kind} {b + 1} {c.name}")
                plan.seat(org, f"{prefix}_head", programme)
                for _ in range(5):
                    plan.seat(org, f"{prefix}_member", programme)
        front = plan.org(c.pk, OrgKind.FRONT_COMMITTEE, f"UBMTTQ {c.name}")
        for _ in range(3):
            plan.seat(front, "front_key_cadre", "nv-mttq")
        party = plan.org(c.pk, OrgKind.PARTY_COMMITTEE, f"Đảng ủy {c.name}")
        plan.seat(party, "mobilization_leader", "dv-cq")
        plan.seat(party, "mobilization_adviser", "dv-cq")


def write(plan: Plan) -> None:
    roles = dict(Role.objects.values_list("code", "pk"))
    programmes = dict(Programme.objects.values_list("code", "pk"))
    people = Person.objects.bulk_create((_person(*p) for p in plan.people), batch_size=5000)
    orgs = Organisation.objects.bulk_create(
        (_derived(Organisation(unit_id=u, kind=k, name=n)) for u, k, n in plan.orgs),
        batch_size=5000,
    )
    Position.objects.bulk_create(
        (
            Position(person=people[p], role_id=roles[r], organisation=orgs[o], start=s, end=e)
            for p, r, o, s, e in plan.positions
        ),
        batch_size=5000,
    )
    TrainingRecord.objects.bulk_create(
        (
            TrainingRecord(person=people[p], programme_id=programmes[c], completed_on=d)
            for p, c, d in plan.records
        ),
        batch_size=5000,
    )


def _person(family: str, middle: str, given: str, birth: date) -> Person:
    return _derived(
        Person(family_name=family, middle_name=middle, given_name=given, birth_date=birth)
    )


M = TypeVar("M", Unit, Person, Organisation)


def _derived(row: M) -> M:
    """A row for bulk_create with the keys its save() would derive (names, sort, search)."""
    row.derive_keys()
    return row


def marker() -> tuple[str, int, str] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER} "
            "(scale varchar(20), seed bigint, digest varchar(64))"
        )
        cursor.execute(f"SELECT scale, seed, digest FROM {MARKER}")  # nosec B608: a constant
        row = cursor.fetchone()
    return tuple(row) if row else None  # type: ignore[return-value]


def counts() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "villages": Unit.objects.filter(level=Level.VILLAGE).count(),
        "people": Person.objects.count(),
        "positions": Position.objects.count(),
        "records": TrainingRecord.objects.count(),
    }


def create_database(url: str) -> None:
    """CREATE DATABASE for a PostgreSQL URL whose database is missing (SQLite makes its own)."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def generate(*, scale: str, seed: int, stderr: Any = None) -> tuple[dict[str, int], str, bool]:
    """(counts, digest, reused): make the data set, or reuse the one this scale and seed made."""
    made = marker()
    if made is not None and made[:2] == (scale, seed):
        return counts(), made[2], True
    if made is not None or Person.objects.exists():
        raise SyntheticError(
            "Cơ sở dữ liệu đã có người (không do generate_synthetic với cùng --scale/--seed "
            "tạo): từ chối ghi đè."
        )
    say = (lambda text: stderr.write(text)) if stderr is not None else (lambda text: None)
    say("1/4 đơn vị hành chính…")
    official.load(SCALES[scale])
    plan = Plan(rng=random.Random(seed))
    with transaction.atomic():
        communes = communes_of(scale)
        say(f"2/4 thôn của {len(communes)} xã…")
        villages = add_villages(plan, communes, scale)
        plan_villages(plan, villages)
        plan_communes(plan, communes)
        say(f"3/4 ghi {len(plan.people)} người, {len(plan.positions)} chức danh…")
        write(plan)
        say("4/4 ANALYZE…")
        for rows in (plan.people, plan.positions, plan.records):
            plan.digest.update(repr(rows).encode())
        digest = plan.digest.hexdigest()
        with connection.cursor() as cursor:
            insert = f"INSERT INTO {MARKER} VALUES (%s, %s, %s)"  # nosec B608: a constant name
            cursor.execute(insert, [scale, seed, digest])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts(), digest, False
