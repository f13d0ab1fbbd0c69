"""A realistic demo on the real Hà Giang units: two districts (Quản Bạ, Bắc Mê) with villages,
their party cells, Front work committees and mobilisation teams, the communes' People's
Inspection Boards, investment supervision boards, key cadres, and the demo logins.

Everything goes through the people services, so villages move to their new commune on
1/7/2025 like real ones. Deterministic (fixed seed) and idempotent (skipped once loaded).
"""

import importlib
import os
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import ModuleType
from typing import Protocol

from django.contrib.auth import get_user_model
from django.db import transaction

from people import official
from people.models import Grant, Level, Organisation, OrgKind, Person, Role, Unit, UnitLineage
from people.services import (
    PersonData,
    appoint,
    create_village,
    end_position,
    find_or_create_organisation,
    save_person,
)

SEED = 2026
PASSWORD = "taphuan2026"
LAST_OLD_DAY, REFORM = official.LEGACY_END, official.REFORM_DATE
DISTRICTS = ["tinhhagiang_huyenquanba", "tinhhagiang_huyenbacme"]
MARKER = "Ban Dân vận Tỉnh ủy Hà Giang"  # the first organisation the demo makes
VACANCY = 0.07
# Bodies whose members the Front committee appoints or recognises (the others: the Party).
FRONT_DECIDES = {
    OrgKind.FRONT_COMMITTEE,
    OrgKind.FRONT_WORK_COMMITTEE,
    OrgKind.PEOPLE_INSPECTION_BOARD,
    OrgKind.INVESTMENT_SUPERVISION_BOARD,
}  # share of village seats left empty

# Main ethnic group of each commune's villages (the rest is mixed); default per district.
COMMUNE_GROUP = {
    "Thị trấn Tam Sơn": "Kinh",
    "Xã Quyết Tiến": "Tày",
    "Xã Thanh Vân": "Tày",
    "Thị trấn Yên Phú": "Kinh",
    "Xã Giáp Trung": "Mông",
    "Xã Minh Sơn": "Dao",
    "Xã Đường Âm": "Mông",
    "Xã Đường Hồng": "Dao",
}
DISTRICT_GROUP = {"tinhhagiang_huyenquanba": "Mông", "tinhhagiang_huyenbacme": "Tày"}

VILLAGE_WORDS = {
    "Mông": (
        ["Lùng", "Sủng", "Mỏ", "Pải", "Chúng", "Sà", "Lao", "Tả", "Khâu", "Lũng"],
        ["Khúy", "Phìn", "Chải", "Vài", "Chư", "Cáng", "Tủng", "Súng", "Pù", "Sán", "Dìn", "Lìa"]
        + ["Hồ", "Chá", "Mua", "Sáng", "Thàng"],
    ),
    "Tày": (
        ["Nà", "Khuổi", "Phiêng", "Pác", "Cốc", "Nặm", "Tát", "Nà"],
        ["Pồng", "Sáng", "Luông", "Tạ", "Lòa", "Mòn", "Đuống", "Nưa", "Phai", "Vạc", "Thuông"]
        + ["Khan", "Mạ", "Nọi", "Chè", "Pầu", "Coóc", "Bó"],
    ),
    "Dao": (
        ["Nậm", "Khuổi", "Nà", "Phìn", "Thôm"],
        ["Ban", "Hon", "Chảo", "Dầu", "Mười", "Tiến", "Lầu", "Quang", "Chang", "Nhùng"],
    ),
}
FAMILY = {
    "Kinh": ["Nguyễn", "Trần", "Lê", "Phạm", "Vũ", "Đỗ", "Bùi", "Đặng"],
    "Tày": ["Nông", "Hoàng", "Ma", "Hà", "Lương", "Lục", "Nguyễn", "Quan"],
    "Mông": ["Giàng", "Vàng", "Sùng", "Lù", "Ly", "Thào", "Hầu", "Mua"],
    "Dao": ["Triệu", "Bàn", "Đặng", "Lý", "Phùng", "Chảo"],
}
MIDDLE = {
    ("Kinh", "M"): ["Văn", "Đức", "Minh", "Quang", "Xuân"],
    ("Kinh", "F"): ["Thị", "Thu", "Thanh", "Thị Minh"],
    ("Tày", "M"): ["Văn", "Đình", "Văn"],
    ("Tày", "F"): ["Thị"],
    ("Mông", "M"): ["A", "Mí", "Seo", "Chứ", "Văn"],
    ("Mông", "F"): ["Thị"],
    ("Dao", "M"): ["Văn", "Tiến", "Văn"],
    ("Dao", "F"): ["Thị", "Kiều"],
}
GIVEN = {
    ("Kinh", "M"): ["Hùng", "Dũng", "Tuấn", "Nam", "Long", "Thắng", "Hải", "Cường", "Sơn"],
    ("Kinh", "F"): ["Lan", "Hương", "Thủy", "Hoa", "Hà", "Huyền", "Ngọc", "Thảo", "Hòa"],
    ("Tày", "M"): ["Hùng", "Chiến", "Tuyến", "Khẩn", "Sinh", "Thìn", "Pọ", "Nguyên", "Quân"],
    ("Tày", "F"): ["Lành", "Thắm", "Nhung", "Duyên", "Phượng", "Lìu", "Mến", "Thơm"],
    ("Mông", "M"): ["Páo", "Chớ", "Sính", "Dình", "Chá", "Pó", "Lử", "Tủa", "Dợ", "Sử"],
    ("Mông", "F"): ["Mai", "Dế", "Súa", "Pà", "Mỷ", "Sơ", "Dua", "Chu"],
    ("Dao", "M"): ["Phin", "Tòn", "Hin", "Chài", "Nải", "Sành", "Phây", "Kiềm"],
    ("Dao", "F"): ["Mẩy", "Quyên", "Chiêu", "Nái", "Phương", "Mùi", "Xuân"],
}
# Real-world names the demo must show first, per group.
NAMED = {
    "Mông": [("Giàng", "A", "Páo", "M"), ("Vàng", "Thị", "Mai", "F"), ("Sùng", "Mí", "Chớ", "M")],
    "Dao": [("Triệu", "Văn", "Phin", "M"), ("Bàn", "Thị", "Mẩy", "F")],
    "Tày": [("Nông", "Văn", "Hùng", "M"), ("Hoàng", "Thị", "Lành", "F")],
    "Kinh": [("Nguyễn", "Thị", "Thu Hà", "F")],
}
USERS = [
    ("admin", None, [], "quản trị toàn hệ thống"),
    (
        "bantuyengiao",
        Grant.Role.COMMISSION,
        [(official.E2025, "tinhtuyenquang"), (official.LEGACY, "tinhhagiang")],
        "Ban Tuyên giáo và Dân vận: Tuyên Quang (mới) và Hà Giang (cũ)",
    ),
    (
        "tochuc",
        Grant.Role.ORGANISER,
        [(official.E2025, "tinhtuyenquang"), (official.LEGACY, "tinhhagiang")],
        "đơn vị tổ chức lớp: Tuyên Quang (mới) và Hà Giang (cũ)",
    ),
    (
        "nhaplieu",
        Grant.Role.CLERK,
        [(official.LEGACY, "tinhhagiang_huyenquanba")],
        "cán bộ nhập liệu: huyện Quản Bạ (cũ)",
    ),
]


class Output(Protocol):
    """Where messages go: a management command's stdout or any text stream."""

    def write(self, msg: str, /) -> object: ...


def load(*, stdout: Output) -> None:
    """People, units' organisations and logins, then the other areas' demo data."""
    ensure_units(stdout)
    if Organisation.objects.filter(name=MARKER).exists():
        stdout.write("Dữ liệu mẫu về người và chức danh đã có: bỏ qua.\n")
    else:
        with transaction.atomic():
            demo = Demo(random.Random(SEED))
            demo.build()
        stdout.write(demo.summary() + "\n")
    ensure_users()
    for app in ("training", "certificates", "coverage"):
        module = _demo_module(app)
        if module is not None:
            module.load(stdout=stdout)
    trainees = ensure_trainees()
    print_logins(stdout, trainees)


def ensure_units(stdout: Output) -> None:
    if not Unit.objects.filter(edition=official.LEGACY, source_key="tinhhagiang").exists():
        stdout.write("Chưa có danh mục đơn vị: nạp Hà Giang (02) và Tuyên Quang (08)...\n")
        official.load(["02", "08"])


def _demo_module(app: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"{app}.demo")
    except ModuleNotFoundError as e:
        if e.name != f"{app}.demo":
            raise
        return None


# --- Logins ---------------------------------------------------------------------------------


def ensure_users() -> None:
    """The demo logins with their grants; an existing account keeps its password."""
    User = get_user_model()
    for username, role, units, _ in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            make = User.objects.create_superuser if role is None else User.objects.create_user
            user = make(username=username, password=PASSWORD)
        for edition, key in units:
            unit = Unit.objects.get(edition=edition, source_key=key)
            Grant.objects.get_or_create(user=user, unit=unit, role=role)


def _trainee_people() -> list[tuple[str, Person | None, str]]:
    """(username, person, what) of the trainee logins: someone holding a valid certificate,
    someone invited to an upcoming course (with an e-mail address)."""
    from django.apps import apps

    holder = invited = None
    if apps.is_installed("certificates"):
        certificate = apps.get_model("certificates", "Certificate")
        first = certificate.objects.filter(status="valid").order_by("pk").first()
        holder = first.person if first else None
    if apps.is_installed("training"):
        enrollment = apps.get_model("training", "Enrollment")
        soon = (
            enrollment.objects.filter(course__status="open", status__in=["invited", "confirmed"])
            .exclude(person__email="")
            .select_related("person")
            .order_by("course_id", "pk")
            .first()
        )
        invited = soon.person if soon else None
    return [
        ("hocvien", holder, "học viên có giấy chứng nhận"),
        ("hocvien2", invited, "học viên được mời lớp sắp mở, có thư điện tử"),
    ]


def ensure_trainees() -> list[tuple[str, str]]:
    """Trainee logins linked to demo people (each sees only that person's courses and
    certificates); (username, description) of those made or kept."""
    User = get_user_model()
    made = []
    for username, person, what in _trainee_people():
        user = User.objects.filter(username=username).first()
        linked = Person.objects.filter(user=user).first() if user else None
        if linked is None and person is not None and person.user_id is None:
            if user is None:
                user = User.objects.create_user(username=username, password=PASSWORD)
            person.user = user
            person.save(update_fields=["user"])
            linked = person
        if linked is not None:
            made.append((username, f"{what}: {linked.full_name}"))
    return made


def print_logins(stdout: Output, trainees: Sequence[tuple[str, str]] = ()) -> None:
    address = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/"
    logins = [(username, what) for username, _, _, what in USERS] + list(trainees)
    for username, what in logins:
        stdout.write(
            f"Đăng nhập: {address} — tài khoản {username} / mật khẩu {PASSWORD} ({what})\n"
        )


# --- People ---------------------------------------------------------------------------------


def _between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


@dataclass
class People:
    """Makes people with names of their ethnic group and consistent citizen IDs."""

    rng: random.Random
    named: dict[str, list[tuple[str, str, str, str]]] = field(
        default_factory=lambda: {k: list(v) for k, v in NAMED.items()}
    )
    used_ids: set[str] = field(default_factory=set)

    def make(
        self, group: str, home: Unit, *, sex: str = "", born: tuple[int, int] = (1962, 1995)
    ) -> Person:
        family, middle, given, sex = self._name(group, sex)
        birth = _between(self.rng, date(born[0], 1, 1), date(born[1], 12, 31))
        data = PersonData(
            family_name=family,
            middle_name=middle,
            given_name=given,
            birth_date=birth,
            sex=sex,
            ethnicity=group,
            citizen_id=self._citizen_id(sex, birth),
            phone=f"09{self.rng.randrange(10**8):08d}" if self.rng.random() < 0.8 else "",
        )
        return save_person(data, home_unit=home)

    def _name(self, group: str, sex: str) -> tuple[str, str, str, str]:
        if self.named[group] and (not sex or self.named[group][0][3] == sex):
            return self.named[group].pop(0)
        sex = sex or self.rng.choice("MF")
        return (
            self.rng.choice(FAMILY[group]),
            self.rng.choice(MIDDLE[group, sex]),
            self.rng.choice(GIVEN[group, sex]),
            sex,
        )

    def _citizen_id(self, sex: str, birth: date) -> str:
        """002 (born in Hà Giang) + century/sex digit + year + six digits."""
        digit = (0 if birth.year < 2000 else 2) + (1 if sex == "F" else 0)
        while True:
            number = f"002{digit}{birth.year % 100:02d}{self.rng.randrange(10**6):06d}"
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number


def village_names(rng: random.Random, group: str, count: int, taken: set[str]) -> list[str]:
    """Real-sounding thôn/bản names of a Mông, Tày or Dao area (Kinh areas: tổ dân phố),
    none in `taken`: communes merge in 2025, so names stay unique across the demo."""
    if group == "Kinh":
        return [f"Tổ dân phố {n}" for n in range(1, count + 1)]
    first, second = VILLAGE_WORDS[group]
    free = sorted({f"{a} {b}" for a in first for b in second} - taken)
    names = rng.sample(free, count)
    taken.update(names)
    # Tày villages are often called bản; Mông and Dao ones thôn.
    return [f"{'Bản' if group == 'Tày' and rng.random() < 0.5 else 'Thôn'} {n}" for n in names]


# --- The demo -------------------------------------------------------------------------------


@dataclass
class Demo:
    """Builds the demo; keeps counters for the summary."""

    rng: random.Random
    roles: dict[str, Role] = field(default_factory=dict)
    people: People = field(init=False)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Cadres of each old commune by role, reused by its successor after the merger.
    cadres: dict[int, dict[str, list[Person]]] = field(default_factory=dict)
    decision: int = 100
    village_names: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.people = People(self.rng)
        self.roles = {r.code: r for r in Role.objects.all()}

    def build(self) -> None:
        ha_giang = self._unit(official.LEGACY, "tinhhagiang")
        self.agency(ha_giang, MARKER, "Tỉnh ủy", leaders=1, advisers=3, end=LAST_OLD_DAY)
        for key in DISTRICTS:
            district = self._unit(official.LEGACY, key)
            self.district(district, DISTRICT_GROUP[key])
        self.after_merger()

    def summary(self) -> str:
        c = self.counts
        return (
            f"Dữ liệu mẫu: {c['villages']} thôn, tổ dân phố; {c['seats_filled']} vị trí ở thôn "
            f"có người, {c['seats_vacant']} để trống; {c['boards']} ban thanh tra nhân dân, "
            f"{c['investment_boards']} ban giám sát đầu tư cộng đồng; {Person.objects.count()} "
            f"người, {c['positions']} chức vụ."
        )

    def _unit(self, edition: str, key: str) -> Unit:
        return Unit.objects.get(edition=edition, source_key=key)

    def _basis(self, suffix: str) -> str:
        self.decision += self.rng.randrange(1, 9)
        return f"Quyết định số {self.decision}{suffix}"

    def hold(
        self, person: Person, role: str, org: Organisation, start: date, end: date | None = None
    ) -> None:
        suffix = "/QĐ-MTTQ" if org.kind in FRONT_DECIDES else "-QĐ/ĐU"
        appoint(
            person=person,
            role=self.roles[role],
            organisation=org,
            start=start,
            end=end,
            legal_basis=self._basis(suffix),
        )
        self.counts["positions"] += 1

    # --- Old tree: districts, communes, villages -------------------------------------------

    def district(self, district: Unit, group: str) -> None:
        self.key_cadres(district, "Kinh", LAST_OLD_DAY)
        self.agency(
            district, f"Ban Dân vận Huyện ủy {district.short_name}", "Huyện ủy", 1, 2, LAST_OLD_DAY
        )
        communes = Unit.objects.filter(placements__parent=district).order_by("name")
        for commune in communes:
            main = COMMUNE_GROUP.get(commune.name, group)
            self.commune(commune, main)

    def commune(self, commune: Unit, group: str) -> None:
        cadres = self.key_cadres(commune, group, LAST_OLD_DAY)
        count = 4 + self.rng.randrange(2) if group == "Kinh" else 5 + self.rng.randrange(4)
        for name in village_names(self.rng, group, count, self.village_names):
            village = create_village(commune=commune, name=name)
            self.counts["villages"] += 1
            self.village(village, group, in_charge=cadres)
        self.inspection_board(commune, group, date(2021, 1, 1), LAST_OLD_DAY)

    def group_of_person(self, main: str) -> str:
        """Villages are mostly of their main group, with neighbours of others."""
        roll = self.rng.random()
        if roll < 0.75:
            return main
        return self.rng.choice([g for g in ("Kinh", "Tày", "Mông", "Dao") if g != main])

    def village(self, village: Unit, group: str, in_charge: list[Person]) -> None:
        """The four village seats; a few left vacant, some secretaries replaced in mid-2024."""
        short = village.name
        cell = find_or_create_organisation(
            unit=village, kind=OrgKind.PARTY_CELL, name=f"Chi bộ {short}"
        )
        front = find_or_create_organisation(
            unit=village, kind=OrgKind.FRONT_WORK_COMMITTEE, name=f"Ban công tác Mặt trận {short}"
        )
        team = find_or_create_organisation(
            unit=village, kind=OrgKind.MOBILIZATION_TEAM, name=f"Tổ dân vận {short}"
        )
        start = _between(self.rng, date(2020, 8, 1), date(2023, 6, 30))
        secretary = self.seat(village, group, "party_cell_secretary", cell, start)
        if secretary and self.rng.random() < 0.12:
            self.replace(secretary, village, group, cell)
        self.seat(
            village,
            group,
            "village_cadre_in_charge",
            cell,
            start,
            person=self.rng.choice(in_charge),
        )
        self.seat(village, group, "front_committee_head", front, start)
        head = secretary if secretary and self.rng.random() < 0.5 else None
        self.seat(village, group, "mobilization_team_head", team, start, person=head)

    def seat(
        self,
        village: Unit,
        group: str,
        role: str,
        org: Organisation,
        start: date,
        person: Person | None = None,
    ) -> Person | None:
        if self.rng.random() < VACANCY:
            self.counts["seats_vacant"] += 1
            return None
        person = person or self.people.make(self.group_of_person(group), village)
        self.hold(person, role, org, start)
        self.counts["seats_filled"] += 1
        return person

    def replace(self, secretary: Person, village: Unit, group: str, cell: Organisation) -> None:
        """The secretary steps down on 14/06/2024; a successor takes over the next day."""
        position = cell.positions.get(person=secretary, role__code="party_cell_secretary")
        end_position(position=position, end=date(2024, 6, 14))
        successor = self.people.make(self.group_of_person(group), village)
        self.hold(successor, "party_cell_secretary", cell, date(2024, 6, 15))
        self.counts["secretaries_replaced"] += 1

    # --- Boards and key cadres ----------------------------------------------------------------

    def key_cadres(
        self,
        unit: Unit,
        group: str,
        end: date | None,
        *,
        start: date | None = None,
        reuse: dict[str, list[Person]] | None = None,
    ) -> list[Person]:
        """Front and mass-organisation key cadres, the Party committee's leader for mobilisation
        work and the People's Committee's adviser. Returns the ones who can be put in charge of
        a village."""
        reuse = reuse or {}
        held: dict[str, list[Person]] = defaultdict(list)
        for kind, name, role, count, sex in cadre_bodies(unit):
            org = find_or_create_organisation(unit=unit, kind=kind, name=name)
            for n in range(count):
                pool = reuse.get(kind, [])
                person = pool[n] if n < len(pool) else self._cadre(unit, group, kind, sex)
                self.hold(
                    person,
                    role,
                    org,
                    start or _between(self.rng, date(2019, 10, 1), date(2022, 12, 31)),
                    end,
                )
                held[kind].append(person)
        self.cadres[unit.pk] = held
        return (
            held[OrgKind.FRONT_COMMITTEE]
            + held.get(OrgKind.PARTY_COMMITTEE, [])
            + held.get(OrgKind.PEOPLE_COMMITTEE, [])
        )

    def _cadre(self, unit: Unit, group: str, kind: str, sex: str) -> Person:
        born = (1993, 2001) if kind == OrgKind.YOUTH_UNION else (1965, 1990)
        mix = group if self.rng.random() < 0.6 else self.rng.choice(["Kinh", "Tày"])
        return self.people.make(mix, unit, sex=sex, born=born)

    def agency(
        self,
        unit: Unit,
        name: str,
        word: str,
        leaders: int,
        advisers: int,
        end: date | None,
        start: date | None = None,
        reuse: Sequence[Person] = (),
    ) -> None:
        """The Party committee's mass mobilisation commission (Ban Dân vận {word})."""
        org = find_or_create_organisation(unit=unit, kind=OrgKind.AGENCY, name=name)
        people = list(reuse)
        for n in range(leaders + advisers):
            person = (
                people[n]
                if n < len(people)
                else self.people.make(self.rng.choice(["Kinh", "Tày"]), unit)
            )
            role = "mobilization_leader" if n < leaders else "mobilization_adviser"
            self.hold(
                person,
                role,
                org,
                start or _between(self.rng, date(2020, 1, 1), date(2021, 6, 30)),
                end,
            )
        self.cadres.setdefault(unit.pk, {})[OrgKind.AGENCY] = list(
            Person.objects.filter(positions__organisation=org).distinct()
        )

    def inspection_board(
        self, commune: Unit, group: str, start: date, end: date | None, reuse: Sequence[Person] = ()
    ) -> None:
        """The commune's People's Inspection Board: a head and five to seven members."""
        board = find_or_create_organisation(
            unit=commune,
            kind=OrgKind.PEOPLE_INSPECTION_BOARD,
            name=f"Ban Thanh tra nhân dân {_of(commune)}",
        )
        members = list(reuse)[:4]
        while len(members) < 6 + self.rng.randrange(3):
            members.append(self.people.make(self.group_of_person(group), commune))
        since = start + timedelta(days=self.rng.randrange(60))
        self.hold(members[0], "inspection_board_head", board, since, end)
        for person in members[1:]:
            self.hold(person, "inspection_board_member", board, since, end)
        self.cadres.setdefault(commune.pk, {})["board"] = members
        self.counts["boards"] += 1

    def investment_board(self, commune: Unit, project: str, start: date, end: date | None) -> None:
        """A board set up for one project and dissolved when it ends."""
        board = find_or_create_organisation(
            unit=commune,
            kind=OrgKind.INVESTMENT_SUPERVISION_BOARD,
            name=f"Ban Giám sát đầu tư của cộng đồng {project}",
            start=start,
        )
        if end and board.end != end:
            board.end = end
            board.save(update_fields=["end"])
        group = COMMUNE_GROUP.get(commune.name, "Tày")
        members = [self.people.make(self.group_of_person(group), commune) for _ in range(6)]
        self.hold(members[0], "investment_board_head", board, start, end)
        for person in members[1:]:
            self.hold(person, "investment_board_member", board, start, end)
        self.counts["investment_boards"] += 1

    # --- After 1/7/2025 ----------------------------------------------------------------------

    def after_merger(self) -> None:
        """New communes get their cadres (mostly the old communes' people) and boards; the
        villages moved on their own. One new commune has no inspection board yet (vacant)."""
        olds = Unit.objects.filter(placements__parent__source_key__in=DISTRICTS)
        links = UnitLineage.objects.filter(old__in=olds).order_by(
            "new__name", "-is_default", "old__name"
        )
        predecessors: dict[Unit, list[int]] = defaultdict(list)
        for link in links.select_related("new"):
            predecessors[link.new].append(link.old_id)
        news = sorted(predecessors, key=lambda u: u.name)
        for new in news:
            self.new_commune(new, predecessors[new], with_board=new != news[-1])
        self.counts["vacant_board_communes"] = 1
        tuyen_quang = self._unit(official.E2025, "tinhtuyenquang")
        ha_giang = self._unit(official.LEGACY, "tinhhagiang")
        self.agency(
            tuyen_quang,
            "Ban Tuyên giáo và Dân vận Tỉnh ủy Tuyên Quang",
            "Tỉnh ủy",
            1,
            3,
            None,
            start=REFORM,
            reuse=self.cadres[ha_giang.pk][OrgKind.AGENCY][1:3],
        )
        self.investment_board(
            self._old("tinhhagiang_huyenquanba_xathanhvan"),
            "công trình đường bê tông liên thôn xã Thanh Vân",
            date(2023, 3, 1),
            date(2024, 10, 31),
        )
        projects = ["công trình kênh mương nội đồng", "công trình nhà văn hóa thôn"]
        for new, project in zip(news[:2], projects, strict=True):
            self.investment_board(new, f"{project} {_of(new)}", date(2025, 10, 1), None)

    def _old(self, key: str) -> Unit:
        return self._unit(official.LEGACY, key)

    def new_commune(self, commune: Unit, old_ids: list[int], *, with_board: bool) -> None:
        old = [self.cadres.get(pk, {}) for pk in old_ids]
        reuse = {kind: [p for c in old for p in c.get(kind, [])] for kind in OrgKind.values}
        group = COMMUNE_GROUP.get(commune.name, "Tày")
        self.key_cadres(commune, group, None, start=REFORM, reuse=reuse)
        if with_board:
            board = [p for c in old for p in c.get("board", [])]
            self.inspection_board(commune, group, date(2025, 9, 15), None, reuse=board)


# Bodies with key cadres: kind, name prefix, role, how many, sex of the holder if fixed.
BODIES = [
    (OrgKind.FRONT_COMMITTEE, "Ủy ban MTTQ Việt Nam", "front_key_cadre", 2, ""),
    (OrgKind.WOMEN_UNION, "Hội Liên hiệp Phụ nữ", "mass_org_key_cadre", 1, "F"),
    (OrgKind.YOUTH_UNION, "Đoàn Thanh niên", "mass_org_key_cadre", 1, ""),
    (OrgKind.FARMERS_ASSOCIATION, "Hội Nông dân", "mass_org_key_cadre", 1, ""),
    (OrgKind.VETERANS_ASSOCIATION, "Hội Cựu chiến binh", "mass_org_key_cadre", 1, "M"),
]
DISTRICT_BODIES = [(OrgKind.TRADE_UNION, "Liên đoàn Lao động", "mass_org_key_cadre", 1, "")]
COMMUNE_BODIES = [
    (OrgKind.PARTY_COMMITTEE, "Đảng ủy", "mobilization_leader", 1, ""),
    (OrgKind.PEOPLE_COMMITTEE, "Ủy ban nhân dân", "mobilization_adviser", 1, ""),
]


def cadre_bodies(unit: Unit) -> list[tuple[str, str, str, int, str]]:
    """The bodies with key cadres at a commune or a district (whose Front has three)."""
    district = unit.level == Level.DISTRICT
    rows = BODIES + (DISTRICT_BODIES if district else COMMUNE_BODIES)
    return [
        (
            kind,
            f"{prefix} {_of(unit)}",
            role,
            count + (kind == OrgKind.FRONT_COMMITTEE and district),
            sex,
        )
        for kind, prefix, role, count, sex in rows
    ]


def _of(unit: Unit) -> str:
    """'Xã Thanh Vân' → 'xã Thanh Vân', as it reads inside an organisation's name."""
    return unit.name[:1].lower() + unit.name[1:]
