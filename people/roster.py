"""Roster import and export: one spreadsheet row per position (danh sách chức danh).

The import is all or nothing. Every row is read and checked against the database and against
the other rows first; each problem names the row as Excel shows it, the column header and a
Vietnamese reason. Only a clean file is written, in one transaction. The database is read in a
handful of bulk queries (communes by code, villages and organisations of those communes, people
by citizen ID and by name key, positions of those organisations), never once per row.
"""

import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

import audit
from access.policy import Cap, is_unrestricted, unit_ids_for
from access.scopes import visible, writable
from config.dates import parse_date, show
from config.spreadsheets import (
    Problem,
    SpreadsheetError,
    Table,
    read_table,
    save_workbook,
    xlsx_value,
)
from people import ids
from people.models import (
    FAR_FUTURE,
    Level,
    Organisation,
    OrgKind,
    Person,
    Position,
    Role,
    Sex,
    Unit,
    UnitAncestry,
    UnitLineage,
    UnitPlacement,
)
from people.services import (
    PeopleError,
    PersonData,
    end_position,
    rebuild_ancestry,
    save_person,
)
from people.services import _village_kind as village_kind
from people.text import clean, fold, match_key, unit_name_key

CODE, VILLAGE, ROLE, ORG = "Mã xã", "Thôn, tổ dân phố", "Chức danh", "Tổ chức"
FULL, FAMILY, MIDDLE, GIVEN = "Họ và tên", "Họ", "Chữ đệm", "Tên"
BIRTH, SEX, ETHNIC, CID = "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD"
PHONE, EMAIL, START, END = "Điện thoại", "Email", "Từ ngày", "Đến ngày"
COLUMNS = [
    CODE, VILLAGE, ROLE, ORG, FULL, FAMILY, MIDDLE, GIVEN,
    BIRTH, SEX, ETHNIC, CID, PHONE, EMAIL, START, END,
]  # fmt: skip
ALIASES = {
    "Thôn": VILLAGE, "Thôn, bản, tổ dân phố": VILLAGE, "Thôn/tổ dân phố": VILLAGE,
    "Họ tên": FULL, "CCCD": CID, "Số định danh": CID, "Số định danh cá nhân": CID,
    "Số CCCD/CMND": CID, "Số điện thoại": PHONE, "SĐT": PHONE,
}  # fmt: skip
HEADER_KEYS = {match_key(c): c for c in COLUMNS} | {match_key(a): c for a, c in ALIASES.items()}
TITLE = "DANH SÁCH CÁN BỘ GIỮ CHỨC DANH THEO NGHỊ QUYẾT 33-NQ/TU"
SEXES = {"nam": Sex.MALE, "m": Sex.MALE, "male": Sex.MALE, "nu": Sex.FEMALE, "f": Sex.FEMALE}
SEXES |= {"female": Sex.FEMALE}
# Person fields → the column a problem with that field points at.
PERSON_COLUMNS = {
    "full_name": FULL,
    "citizen_id": CID,
    "legacy_id": CID,
    "ethnicity": ETHNIC,
    "birth_date": BIRTH,
}
# A person outside the importing user's units: say so without saying who (name, birth date).
ID_ELSEWHERE = "Số CCCD đã được đăng ký ở đơn vị khác; liên hệ quản trị để chuyển người này"
NAMESAKE_ELSEWHERE = (
    "Đã có người cùng họ tên và ngày sinh ở đơn vị khác; liên hệ quản trị để chuyển người này"
)
HEADER_SEARCH_ROWS = 30
ROSTER_LOCK = 0x726F73746572  # pg_advisory_xact_lock key of roster imports ("roster")


@dataclass
class NewVillage:
    commune: Unit
    name: str
    unit: Unit | None = None


@dataclass
class NewOrganisation:
    unit: "Unit | NewVillage"
    kind: str
    name: str
    created: Organisation | None = None


@dataclass
class NewPerson:
    data: PersonData
    home: "Unit | NewVillage"
    created: Person | None = None


@dataclass
class Entry:
    """A row once parsed: what it declares, and (after planning) what it refers to."""

    row: int
    code: str = ""
    village: str = ""
    role_text: str = ""
    org_name: str = ""
    person: PersonData = field(default_factory=PersonData)
    start: date | None = None
    end: date | None = None
    commune: Unit | None = None
    role: Role | None = None
    unit: "Unit | NewVillage | None" = None
    organisation: "Organisation | NewOrganisation | None" = None
    who: "Person | NewPerson | None" = None


@dataclass
class Line:
    """A line of the preview: a row and what will happen to it."""

    row: int
    text: str


@dataclass
class ImportResult:
    """What an import did (or, on a dry run or with errors, would do)."""

    created: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0
    people_created: int = 0
    people_updated: int = 0
    villages: list[tuple[str, str]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    lines: dict[str, list[Line]] = field(default_factory=lambda: defaultdict(list))
    written: bool = False
    batch: Any = None  # the audit.ImportBatch of a written import

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"Chức danh: {self.created} thêm mới, {self.closed} kết thúc, "
            f"{self.updated} cập nhật, {self.unchanged} không đổi. "
            f"Người: {self.people_created} thêm mới, {self.people_updated} cập nhật. "
            f"Thôn, tổ dân phố mới: {len(self.villages)}."
        )


# ---------------------------------------------------------------- reading the file


def _find_header(table: Table) -> tuple[int, dict[str, int]]:
    """The header row (below any title rows) and column header → index."""
    for number, values in table:
        found: dict[str, int] = {}
        for index, value in enumerate(values):
            column = HEADER_KEYS.get(match_key(_text(value)))
            if column and column not in found:
                found[column] = index
        if len(found) >= 3:
            table.name_columns(number, values)
            return number, found
        if number >= HEADER_SEARCH_ROWS:
            break
    raise PeopleError(
        "Không tìm thấy dòng tiêu đề (cần các cột «Mã xã», «Chức danh», «Họ và tên», «Từ ngày»)"
    )


def _missing_columns(header_row: int, columns: dict[str, int]) -> list[Problem]:
    missing = [c for c in (CODE, ROLE, START) if c not in columns]
    if FULL not in columns and GIVEN not in columns:
        missing.append(FULL)
    return [Problem(header_row, c, "thiếu cột này trong dòng tiêu đề") for c in missing]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, date):
        return show(value)
    return clean(str(value))


# ---------------------------------------------------------------- parsing rows


def _parse_date(value: Any, row: int, column: str, problems: list[Problem]) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            from openpyxl.utils.datetime import from_excel

            day = from_excel(value)
            day = day.date() if isinstance(day, datetime) else day
        else:
            day = parse_date(clean(str(value)) if isinstance(value, str) else value)
    except (ValueError, TypeError, OverflowError):
        problems.append(Problem(row, column, f"«{_text(value)}» không phải là ngày hợp lệ"))
        return None
    if not date(1900, 1, 1) <= day <= date(2100, 12, 31):
        problems.append(Problem(row, column, f"ngày {show(day)} không hợp lý"))
        return None
    return day


def _parse_row(row: int, cells: dict[str, Any], problems: list[Problem]) -> Entry:
    text = {column: _text(value) for column, value in cells.items()}
    entry = Entry(
        row=row,
        code=text.get(CODE, ""),
        village=text.get(VILLAGE, ""),
        role_text=text.get(ROLE, ""),
        org_name=text.get(ORG, ""),
        start=_parse_date(cells.get(START), row, START, problems),
        end=_parse_date(cells.get(END), row, END, problems),
    )
    entry.person = _parse_person(row, cells, text, problems)
    for column, value in ((CODE, entry.code), (ROLE, entry.role_text)):
        if not value:
            problems.append(Problem(row, column, "thiếu giá trị bắt buộc"))
    if entry.code and not entry.code.isdigit():
        problems.append(Problem(row, CODE, f"mã xã «{entry.code}» phải là số"))
    if not entry.start and _text(cells.get(START)) == "":
        problems.append(Problem(row, START, "thiếu giá trị bắt buộc"))
    if entry.start and entry.end and entry.end < entry.start:
        problems.append(
            Problem(row, END, f"đến ngày {show(entry.end)} trước từ ngày {show(entry.start)}")
        )
    return entry


def _parse_person(
    row: int, cells: dict[str, Any], text: dict[str, str], problems: list[Problem]
) -> PersonData:
    sex = text.get(SEX, "")
    if sex and fold(sex) not in SEXES:
        problems.append(Problem(row, SEX, f"«{sex}» không phải là Nam hoặc Nữ"))
    email = text.get(EMAIL, "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(Problem(row, EMAIL, f"«{email}» không phải là địa chỉ email"))
            email = ""
    phone = text.get(PHONE, "")
    if phone.isdigit() and len(phone) == 9:  # a number cell lost its leading zero
        phone = "0" + phone
    citizen_id = _citizen_id(cells.get(CID))
    data = PersonData(
        full_name=text.get(FULL, ""),
        family_name=text.get(FAMILY, ""),
        middle_name=text.get(MIDDLE, ""),
        given_name=text.get(GIVEN, ""),
        birth_date=_parse_date(cells.get(BIRTH), row, BIRTH, problems),
        sex=SEXES.get(fold(sex), ""),
        ethnicity=text.get(ETHNIC, ""),
        citizen_id=citizen_id,
        phone=phone,
        email=email,
    ).normalised()
    if len(citizen_id) in (10, 11):  # text with a digit missing: checked as typed, not padded
        data = replace(data, citizen_id=citizen_id)
    _check_person(row, data, problems)
    return data


def _citizen_id(value: Any) -> str:
    """Digits of a citizen ID. A number cell drops the leading zeros of the province code, so
    they are put back; typed as text with 10 or 11 digits, a digit is missing somewhere and the
    ID is refused (PersonData's check says Excel may have dropped the leading zero)."""
    number = ids.digits(_text(value))
    if isinstance(value, int | float) and len(number) in (10, 11):
        number = number.zfill(12)
    elif isinstance(value, int | float) and len(number) == 8:  # a CMND such as 073…
        number = number.zfill(9)
    return number


def _check_person(row: int, data: PersonData, problems: list[Problem]) -> None:
    name_column = FULL if data.full_name or not data.given_name else GIVEN
    for name, reason in data.problems().items():
        column = name_column if name == "full_name" else PERSON_COLUMNS.get(name, FULL)
        problems.append(Problem(row, column, reason))
    if not data.citizen_id and not data.birth_date:
        problems.append(Problem(row, BIRTH, "cần ngày sinh hoặc số CCCD để nhận diện người"))


# ---------------------------------------------------------------- planning


def _chunks(values: Iterable[Any], size: int = 500) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return a_start <= (b_end or FAR_FUTURE) and b_start <= (a_end or FAR_FUTURE)


def _guess_kind(name: str, kinds: list[str]) -> str:
    """The organisation kind a name says it is ('Hội Nông dân xã ...' → farmers_association)."""
    folded = fold(name)
    for kind in kinds:
        if fold(OrgKind(kind).label) in folded:
            return kind
    return kinds[0]


class Planner:
    """Checks every row and works out what importing them changes."""

    def __init__(self, entries: list[Entry], problems: list[Problem], user: Any = None):
        self.entries = entries
        self.problems = problems
        self.user = user
        self.result = ImportResult()
        self.new_villages: dict[tuple[int, str], NewVillage] = {}
        self.new_orgs: dict[tuple, NewOrganisation] = {}
        self.new_people: dict[tuple, NewPerson] = {}
        self.person_updates: dict[int, PersonData] = {}
        self.creates: list[Entry] = []
        self.changes: list[tuple[Entry, Position]] = []

    def plan(self) -> ImportResult:
        self._load_catalogue()
        for entry in self.entries:
            self._resolve_place(entry)
        self._load_places()
        for entry in self.entries:
            self._resolve_organisation(entry)
        self._load_people()
        for entry in self.entries:
            self._resolve_person(entry)
        self._load_positions()
        for entry in self.entries:
            self._resolve_position(entry)
        self._check_seats()
        self.result.created = len(self.creates)
        self.result.errors = sorted(
            set(self.problems), key=lambda p: (p.row, _column_order(p.column), p.reason)
        )
        self.result.villages = [
            (village_kind(v.name)[1], v.commune.name) for v in self._distinct_villages()
        ]
        self.result.people_created = len({id(p) for p in self.new_people.values()})
        self.result.people_updated = len(self.person_updates)
        return self.result

    def _problem(self, entry: Entry, column: str, reason: str) -> None:
        self.problems.append(Problem(entry.row, column, reason))

    # -- communes, roles, scope

    def _load_catalogue(self) -> None:
        self.roles = {}
        for role in Role.objects.all():
            self.roles[role.code.lower()] = role
            self.roles[role.label_key] = role
        codes = {e.code.zfill(5) for e in self.entries if e.code.isdigit()}
        self.communes: dict[str, list[Unit]] = defaultdict(list)
        for unit in Unit.objects.filter(level=Level.COMMUNE, code__in=codes):
            self.communes[unit.code].append(unit)

    def _resolve_place(self, entry: Entry) -> None:
        entry.role = self.roles.get(entry.role_text.lower()) or self.roles.get(
            match_key(entry.role_text)
        )
        if entry.role_text and entry.role is None:
            self._problem(entry, ROLE, f"không có chức danh «{entry.role_text}» trong danh mục")
        if entry.code.isdigit() and entry.start:
            code = entry.code.zfill(5)
            active = [u for u in self.communes.get(code, []) if u.is_active_on(entry.start)]
            if active:
                entry.commune = active[0]
            else:
                self._problem(
                    entry, CODE, f"không có xã nào mang mã {code} vào ngày {show(entry.start)}"
                )
        if entry.role is None:
            return
        if entry.role.level == Role.Level.VILLAGE and not entry.village:
            self._problem(
                entry, VILLAGE, f"chức danh «{entry.role.label}» cần ghi thôn, tổ dân phố"
            )
        if entry.role.level == Role.Level.COMMUNE and entry.village:
            self._problem(
                entry,
                VILLAGE,
                f"chức danh «{entry.role.label}» là chức danh cấp xã, không ghi thôn, tổ dân phố",
            )

    def _load_places(self) -> None:
        commune_ids = {e.commune.pk for e in self.entries if e.commune}
        self.village_links: dict[tuple[int, str], list[tuple[int, date, date]]] = defaultdict(list)
        links = UnitAncestry.objects.filter(
            ancestor_id__in=commune_ids, descendant__level=Level.VILLAGE
        ).values_list(
            "ancestor_id", "descendant_id", "valid_from", "valid_to", "descendant__name_key"
        )
        village_ids = set()
        for commune_id, village_id, since, until, key in links:
            self.village_links[(commune_id, key)].append((village_id, since, until))
            village_ids.add(village_id)
        self.units = {u.pk: u for u in Unit.objects.filter(pk__in=commune_ids | village_ids)}
        self.successors: dict[int, UnitLineage] = {}
        for link in UnitLineage.objects.filter(old_id__in=commune_ids).select_related("new"):
            if link.is_default or link.old_id not in self.successors:
                self.successors[link.old_id] = link
        self.visible = self._visible_units(commune_ids | village_ids)
        self.orgs: dict[tuple[int, str], list[Organisation]] = defaultdict(list)
        for org in Organisation.objects.filter(unit_id__in=commune_ids | village_ids).order_by(
            "pk"
        ):
            self.orgs[(org.unit_id, org.kind)].append(org)

    def _visible_units(self, unit_ids: set[int]) -> set[int] | None:
        if self.user is None or is_unrestricted(self.user):
            return None
        writer_units = unit_ids_for(self.user, Cap.REGISTRY_WRITE)
        found: set[int] = set()
        for batch in _chunks(unit_ids):
            found |= set(
                writer_units.filter(descendant_id__in=batch).values_list("descendant_id", flat=True)
            )
        return found

    def _village(self, entry: Entry) -> "Unit | NewVillage":
        assert entry.commune and entry.start
        key = unit_name_key(entry.village)
        for village_id, since, until in self.village_links.get((entry.commune.pk, key), []):
            if since <= entry.start <= until:
                return self.units[village_id]
        pending = self.new_villages.get((entry.commune.pk, key))
        if pending is None:
            pending = NewVillage(commune=entry.commune, name=entry.village)
            self.new_villages[(entry.commune.pk, key)] = pending
            successor = self.successors.get(entry.commune.pk)
            if successor is not None:
                self.new_villages.setdefault((successor.new_id, key), pending)
        return pending

    def _distinct_villages(self) -> list[NewVillage]:
        seen: dict[int, NewVillage] = {}
        for village in self.new_villages.values():
            seen.setdefault(id(village), village)
        return list(seen.values())

    # -- organisations

    def _resolve_organisation(self, entry: Entry) -> None:
        if entry.commune is None or entry.role is None or entry.start is None:
            return
        if entry.village and entry.role.level != Role.Level.COMMUNE:
            entry.unit = self._village(entry)
        elif entry.role.level != Role.Level.VILLAGE:
            entry.unit = entry.commune
        else:
            return
        if not self._in_scope(entry):
            return
        kinds = entry.role.org_kinds or [OrgKind.AGENCY]
        entry.organisation = self._organisation(entry.unit, kinds, entry.org_name)

    def _in_scope(self, entry: Entry) -> bool:
        unit = entry.unit
        checked = unit.commune if isinstance(unit, NewVillage) else unit
        if self.visible is None or (checked is not None and checked.pk in self.visible):
            return True
        self._problem(
            entry,
            VILLAGE if isinstance(unit, Unit) and unit.level == Level.VILLAGE else CODE,
            f"«{checked}» nằm ngoài phạm vi đơn vị được phân quyền",
        )
        return False

    def _organisation(
        self, unit: "Unit | NewVillage", kinds: list[str], name: str
    ) -> "Organisation | NewOrganisation":
        folded = fold(name)
        if isinstance(unit, Unit):
            for kind in kinds:
                for org in self.orgs.get((unit.pk, kind), []):
                    if not name or org.search_text == folded:
                        return org
        kind = _guess_kind(name, kinds) if name else kinds[0]
        key = (_ref(unit), kind, folded)
        if key not in self.new_orgs:
            self.new_orgs[key] = NewOrganisation(unit=unit, kind=kind, name=name)
        return self.new_orgs[key]

    # -- people

    def _load_people(self) -> None:
        # Looked up country-wide, so that a person already registered elsewhere is neither
        # duplicated nor (for a restricted user) touched: see `_reachable`.
        self.by_id: dict[str, Person] = {}
        self.by_name: dict[tuple[str, date], list[Person]] = defaultdict(list)
        cids = {e.person.citizen_id for e in self.entries if e.person.citizen_id}
        for batch in _chunks(cids):
            for person in Person.objects.filter(citizen_id__in=batch):
                self.by_id[person.citizen_id or ""] = person
        keys = {e.person.match_key() for e in self.entries if e.person.birth_date}
        for batch in _chunks(keys):
            for person in Person.objects.filter(
                name_key__in=batch, birth_date__isnull=False
            ).order_by("pk"):
                assert person.birth_date
                self.by_name[(person.name_key, person.birth_date)].append(person)
        found = {p.pk for p in self.by_id.values()}
        found |= {p.pk for people in self.by_name.values() for p in people}
        self.reachable = self._people_in_scope(found)
        self.file_ids: dict[str, Entry] = {}
        self.name_to_id: dict[tuple[str, date], str] = {}
        for entry in self.entries:
            data = entry.person
            if data.citizen_id and data.birth_date:
                self.name_to_id.setdefault((data.match_key(), data.birth_date), data.citizen_id)

    def _resolve_person(self, entry: Entry) -> None:
        data = entry.person
        if not data.citizen_id and not data.birth_date:
            return  # reported: nothing to tell this person from a namesake
        if not data.citizen_id and data.birth_date:
            known_id = self.name_to_id.get((data.match_key(), data.birth_date), "")
            data = replace(data, citizen_id=known_id)
        if data.citizen_id and not self._consistent_id(entry, data):
            return
        found = self.by_id.get(data.citizen_id) if data.citizen_id else None
        if found is None and data.birth_date:
            found = self._namesake(data)
            if found is not None and not self._reachable(found):
                # Creating a second record of this person would be worse than stopping.
                name_column = FULL if data.full_name or not data.given_name else GIVEN
                return self._problem(entry, name_column, NAMESAKE_ELSEWHERE)
        if found is not None:
            entry.who = found
            self._note_update(found, data)
            return
        key = (
            ("id", data.citizen_id)
            if data.citizen_id
            else ("nk", data.match_key(), data.birth_date)
        )
        if key not in self.new_people and entry.unit is not None:
            self.new_people[key] = NewPerson(data=data, home=entry.unit)
        entry.who = self.new_people.get(key)

    def _consistent_id(self, entry: Entry, data: PersonData) -> bool:
        first = self.file_ids.setdefault(data.citizen_id, entry)
        if first is not entry and (
            first.person.match_key() != data.match_key()
            or (
                first.person.birth_date
                and data.birth_date
                and first.person.birth_date != data.birth_date
            )
        ):
            self._problem(
                entry,
                CID,
                f"số CCCD {data.citizen_id} đã ghi cho {_name(first.person)} ở dòng {first.row}",
            )
            return False
        known = self.by_id.get(data.citizen_id)
        if known is not None and not self._reachable(known):
            # Say nothing about who holds it: that person is outside the user's units.
            self._problem(entry, CID, ID_ELSEWHERE)
            return False
        if known is not None and (
            known.name_key != data.match_key()
            or (known.birth_date and data.birth_date and known.birth_date != data.birth_date)
        ):
            born = f", sinh {show(known.birth_date)}" if known.birth_date else ""
            self._problem(
                entry,
                CID,
                f"số CCCD {data.citizen_id} đã được dùng cho {known.full_name}{born}",
            )
            return False
        return True

    def _people_in_scope(self, person_ids: set[int]) -> set[int] | None:
        """Which of these people the user may change (None: everyone, for superusers and
        commands); people are matched and updated only among them."""
        if self.user is None or is_unrestricted(self.user):
            return None
        found: set[int] = set()
        for batch in _chunks(person_ids):
            found |= set(
                writable(self.user, Person).filter(pk__in=batch).values_list("pk", flat=True)
            )
        return found

    def _reachable(self, person: Person) -> bool:
        return self.reachable is None or person.pk in self.reachable

    def _namesake(self, data: PersonData) -> Person | None:
        """The known person with this name and birth date: one the user may see first, then
        one without an ID (a row with an ID matches by ID already); never one whose ID differs
        from the row's."""
        assert data.birth_date
        candidates = [
            p
            for p in self.by_name.get((data.match_key(), data.birth_date), [])
            if not p.citizen_id or not data.citizen_id
        ]
        candidates.sort(key=lambda p: (not self._reachable(p), bool(p.citizen_id)))
        return candidates[0] if candidates else None

    def _note_update(self, person: Person, data: PersonData) -> None:
        assert self._reachable(person), "never update a person outside the user's units"
        if person.pk in self.person_updates:
            return
        for name in ("birth_date", "sex", "ethnicity", "citizen_id", "legacy_id", "phone", "email"):
            value = getattr(data, name)
            if value not in ("", None) and value != (getattr(person, name) or ""):
                self.person_updates[person.pk] = data
                return

    # -- positions and seats

    def _load_positions(self) -> None:
        org_ids = {
            e.organisation.pk for e in self.entries if isinstance(e.organisation, Organisation)
        }
        self.positions: dict[tuple[int, int], list[Position]] = defaultdict(list)
        for batch in _chunks(org_ids):
            for position in Position.objects.filter(organisation_id__in=batch).select_related(
                "person"
            ):
                self.positions[(position.organisation_id, position.role_id)].append(position)
        self.seen: dict[tuple, Entry] = {}
        self.ends: dict[int, date | None] = {}

    def _resolve_position(self, entry: Entry) -> None:
        if entry.who is None or entry.organisation is None or entry.role is None:
            return
        assert entry.start
        key = (_ref(entry.who), entry.role.pk, _ref(entry.organisation), entry.start)
        first = self.seen.setdefault(key, entry)
        if first is not entry:
            self._problem(entry, ROLE, f"dòng trùng với dòng {first.row}")
            return
        if isinstance(entry.organisation, Organisation) and isinstance(entry.who, Person):
            for position in self.positions.get((entry.organisation.pk, entry.role.pk), []):
                if position.person_id != entry.who.pk:
                    continue
                if position.start == entry.start:
                    return self._change(entry, position)
                if _overlaps(position.start, position.end, entry.start, entry.end):
                    return self._problem(
                        entry,
                        START,
                        f"{entry.who.full_name} đã giữ chức danh «{entry.role.label}» ở "
                        f"tổ chức này từ {show(position.start)}",
                    )
        self.creates.append(entry)
        self.result.lines["created"].append(Line(entry.row, self._describe(entry)))

    def _change(self, entry: Entry, position: Position) -> None:
        if entry.end is None or entry.end == position.end:
            self.result.unchanged += 1
            return
        kind = "closed" if position.end is None else "updated"
        self.ends[position.pk] = entry.end
        self.changes.append((entry, position))
        self.result.lines[kind].append(
            Line(entry.row, f"{self._describe(entry)} — kết thúc ngày {show(entry.end)}")
        )
        setattr(self.result, kind, getattr(self.result, kind) + 1)

    def _describe(self, entry: Entry) -> str:
        assert entry.role and entry.start
        org = entry.organisation
        where = (org.name if org else "") or (entry.unit.name if entry.unit else "")
        return f"{_name(entry.person)} — {entry.role.label} — {where} — từ {show(entry.start)}"

    def _check_seats(self) -> None:
        """A single seat has one holder per day, and nobody holds one role in one organisation
        twice over a day: against the database and within the file."""
        groups: dict[tuple, list[Entry]] = defaultdict(list)
        for entry in self.creates:
            assert entry.role
            groups[(_ref(entry.organisation), entry.role.pk)].append(entry)
        for group in groups.values():
            for i, entry in enumerate(group):
                if entry.role and entry.role.single_seat:
                    self._check_seat_in_database(entry)
                self._check_seat_in_file(entry, group[:i])

    def _check_seat_in_database(self, entry: Entry) -> None:
        assert entry.role and entry.start
        org = entry.organisation
        existing = (
            self.positions.get((org.pk, entry.role.pk), []) if isinstance(org, Organisation) else []
        )
        for position in existing:
            end = self.ends.get(position.pk, position.end)
            if position.person_id != getattr(entry.who, "pk", None) and _overlaps(
                position.start, end, entry.start, entry.end
            ):
                return self._problem(
                    entry,
                    ROLE,
                    f"chức danh «{entry.role.label}» chỉ có một người; "
                    f"{position.person.full_name} đang giữ từ {show(position.start)}",
                )

    def _check_seat_in_file(self, entry: Entry, earlier: list[Entry]) -> None:
        assert entry.role and entry.start
        for other in earlier:
            assert other.start
            same = _ref(other.who) == _ref(entry.who)
            if (entry.role.single_seat or same) and _overlaps(
                other.start, other.end, entry.start, entry.end
            ):
                reason = (
                    f"dòng {other.row} đã ghi người này giữ chức danh «{entry.role.label}» "
                    f"từ {show(other.start)}"
                    if same
                    else f"chức danh «{entry.role.label}» chỉ có một người; dòng {other.row} "
                    f"đã ghi {_name(other.person)} giữ từ {show(other.start)}"
                )
                return self._problem(entry, ROLE, reason)


def _ref(obj: Any) -> tuple:
    """Identity of a database row or of a row still to be created."""
    if isinstance(obj, Unit | Organisation | Person):
        return (type(obj).__name__, obj.pk)
    return ("new", id(obj))


def _name(data: PersonData) -> str:
    return data.full_name or " ".join(
        p for p in (data.family_name, data.middle_name, data.given_name) if p
    )


def _column_order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else -1


# ---------------------------------------------------------------- writing


def _write(planner: Planner) -> None:
    # Audited in bulk (one insert per kind of row), not one entry per row through signals.
    with audit.quiet():
        _create_villages(planner._distinct_villages(), planner.successors)
        _create_organisations(list(planner.new_orgs.values()))
        _create_people(list({id(p): p for p in planner.new_people.values()}.values()))
        people = Person.objects.in_bulk(list(planner.person_updates))
        changed = [*people.values(), *(position for _, position in planner.changes)]
        before = audit.snapshot(changed)
        for pk, data in planner.person_updates.items():
            save_person(data, person=people[pk])
        for entry, position in planner.changes:
            assert entry.end
            end_position(position=position, end=entry.end)
        positions = [_position(e) for e in planner.creates]
        Position.objects.bulk_create(positions, batch_size=1000)
    audit.log_updated(zip(before, changed, strict=True))
    audit.log_created(positions)


def _touched_units(planner: Planner) -> set[Unit]:
    """The villages (or communes) of the file's rows: who sees them sees the batch."""
    units: set[Unit] = set()
    for entry in planner.entries:
        unit = entry.unit.unit if isinstance(entry.unit, NewVillage) else entry.unit
        if touched := unit or entry.commune:
            units.add(touched)
    return units


def _write_batch(planner: Planner, content: bytes, filename: str, user: Any) -> Any:
    """Write the plan inside an import batch that keeps the file and the counts."""
    result = planner.result
    with audit.import_batch(
        kind=audit.Kind.ROSTER, content=content, file_name=filename, user=user
    ) as batch:
        _write(planner)
        audit.tally(
            batch,
            read=len(planner.entries),
            created=result.created,
            changed=result.closed + result.updated,
            unchanged=result.unchanged,
            units=_touched_units(planner),
        )
    return batch


def _create_organisations(orgs: list[NewOrganisation]) -> None:
    for org in orgs:
        unit = org.unit.unit if isinstance(org.unit, NewVillage) else org.unit
        assert unit is not None
        name = org.name or f"{OrgKind(org.kind).label} {unit.name}"
        org.created = Organisation(unit=unit, kind=org.kind, name=name)
        org.created.derive_keys()
    created = [o.created for o in orgs if o.created]
    Organisation.objects.bulk_create(created, batch_size=1000)
    audit.log_created(created)


def _create_people(people: list[NewPerson]) -> None:
    # Already normalised and checked by the planner: save_person's checks would repeat.
    for person in people:
        home = person.home.unit if isinstance(person.home, NewVillage) else person.home
        person.created = Person(home_unit=home, **_person_fields(person.data))
        person.created.derive_keys()
    created = [p.created for p in people if p.created]
    Person.objects.bulk_create(created, batch_size=1000)
    audit.log_created(created)


def _person_fields(data: PersonData) -> dict[str, Any]:
    return {f: v for f, v in asdict(data).items() if v not in ("", None)}


def _create_villages(villages: list[NewVillage], successors: dict[int, UnitLineage]) -> None:
    """create_village for many villages at once: placements and closure rows in bulk."""
    placements = []
    for village in villages:
        kind, name = village_kind(village.name)
        unit = Unit(name=name, level=Level.VILLAGE, kind=kind, edition=Unit.Edition.LOCAL)
        unit.save()
        village.unit = unit
        commune = village.commune
        placements.append(
            UnitPlacement(
                unit=unit, parent=commune, valid_from=commune.valid_from, valid_to=commune.valid_to
            )
        )
        successor = successors.get(commune.pk)
        if successor is not None:
            placements.append(
                UnitPlacement(unit=unit, parent=successor.new, valid_from=successor.effective)
            )
    UnitPlacement.objects.bulk_create(placements, batch_size=1000)
    audit.log_created([*(v.unit for v in villages if v.unit), *placements])
    if villages:
        rebuild_ancestry([v.unit for v in villages if v.unit])


def _position(entry: Entry) -> Position:
    org, who = entry.organisation, entry.who
    organisation = org.created if isinstance(org, NewOrganisation) else org
    person = who.created if isinstance(who, NewPerson) else who
    assert entry.start and entry.role and organisation and person
    return Position(
        person=person, role=entry.role, organisation=organisation, start=entry.start, end=entry.end
    )


# What a long import tells whoever watches it (a background job's page): rows read so far
# while the file is read, then the count once checking and writing begin.
Progress = Callable[[int, str], None]
READING, WRITING = "reading", "writing"


def parse_roster(
    content: Any, filename: str, *, on_progress: Progress | None = None, every: int = 1000
) -> tuple[list[Entry], list[Problem]]:
    """Every row of the file, parsed, with the problems that need no database to see;
    `on_progress(rows_read, READING)` every `every` rows."""
    table = read_table(content, filename)
    header_row, columns = _find_header(table)
    problems = _missing_columns(header_row, columns)
    if problems:  # every row would repeat them
        return [], problems
    entries = []
    for number, values in table:
        cells = {c: values[i] if i < len(values) else None for c, i in columns.items()}
        if all(_text(v) == "" for v in cells.values()):
            continue
        entries.append(_parse_row(number, cells, problems))
        if on_progress and len(entries) % every == 0:
            on_progress(len(entries), READING)
    return entries, problems


def _lock_imports() -> None:
    """One roster import at a time (PostgreSQL), so two files naming the same new village or
    seat cannot both pass their checks; SQLite serialises writers by itself, and the position
    trigger is the backstop against appointments made meanwhile through other pages."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROSTER_LOCK])


def import_roster(
    content: Any,
    *,
    filename: str,
    user: Any = None,
    dry_run: bool = False,
    on_progress: Progress | None = None,
) -> ImportResult:
    """Check every row; write all of them in one transaction only when none has a problem.
    `content`: the file's bytes, a path or an open file (read by config.spreadsheets).
    `on_progress` hears the rows read, then (rows, WRITING) before the one transaction: what
    happens inside it cannot be seen by others until it commits."""
    try:
        entries, problems = parse_roster(content, filename, on_progress=on_progress)
    except SpreadsheetError as e:
        return ImportResult(errors=e.problems)
    except PeopleError as e:
        return ImportResult(errors=[Problem(0, "", str(e))])
    if on_progress:
        on_progress(len(entries), WRITING)
    with transaction.atomic():
        _lock_imports()
        planner = Planner(entries, problems, user=user)
        result = planner.plan()
        if result.errors or dry_run:
            return result
        try:
            result.batch = _write_batch(planner, content, filename, user)
        except (PeopleError, IntegrityError) as e:
            transaction.set_rollback(True)
            # Another clerk wrote to the same seats between our checks and our writes.
            reason = "Không ghi được vì dữ liệu vừa được người khác thay đổi; hãy nhập lại"
            result.errors = [Problem(0, "", f"{reason} ({e})")]
            return result
    result.written = True
    return result


ROSTER_UPLOAD = "roster"  # the kind of PendingUpload a previewed roster is kept as
UPLOAD_GONE = "Tệp đã tải lên không còn; hãy tải lên lại."


def import_kept_roster(
    *, user: Any, token: str, on_progress: Progress | None = None
) -> tuple[ImportResult, str] | None:
    """Import the roster `user` previewed and kept under `token` (people.uploads), then forget
    it, written or refused; (result, file name), or None when it is gone (expired, another
    user's). The confirm button and the background job (jobs.tasks) both write through here."""
    from people.uploads import forget_upload, kept_upload

    kept = kept_upload(owner=user, kind=ROSTER_UPLOAD, token=token)
    if kept is None:
        return None
    content, filename = kept
    result = import_roster(content, filename=filename, user=user, on_progress=on_progress)
    forget_upload(owner=user, token=token)
    return result, filename


# ---------------------------------------------------------------- export and template


def roster_positions(
    *, unit: Unit, as_of: date | None, user: Any = None, role: str = "", name: str = ""
) -> Any:
    """Positions of organisations inside `unit`: active on `as_of`, or all of history;
    limited to what `user` may see when given; of one role (its code) and matching a name
    (accent-free) when given. The roster page and its export both list these rows, in this
    order (Vietnamese name order), so the file holds exactly the rows on screen."""
    positions = Position.objects.all() if user is None else visible(user, Position.objects.all())
    if as_of is None:
        placed = UnitAncestry.objects.filter(ancestor=unit).values("descendant_id")
        positions = positions.filter(organisation__unit_id__in=placed)
    elif unit.valid_to is not None and unit.valid_to < as_of:
        positions = _former_unit_positions(positions, unit=unit, as_of=as_of)
    else:
        positions = positions.within(unit, on=as_of).active_on(as_of)
    if role:
        positions = positions.filter(role__code=role)
    if name:
        positions = positions.filter(person__search_text__contains=fold(name))
    return positions.select_related("person", "role", "organisation__unit").order_by(
        "person__sort_key", "role__order", "start", "pk"
    )


def _former_unit_positions(positions: Any, *, unit: Unit, as_of: date) -> Any:
    """Positions on `as_of` in the units that were inside the former `unit` on its last day
    and still exist (a district after 1/7/2025: its villages, wherever they sit now)."""
    last = unit.valid_to or as_of
    kept = Unit.objects.within(unit, on=last).active_on(as_of).values("pk")
    return positions.filter(organisation__unit_id__in=kept).active_on(as_of)


def _communes_on(positions: list[Position]) -> dict[int, list[tuple[date, date, str]]]:
    """Unit id → (from, to, commune code): the commune each unit sat in, over time."""
    unit_ids = {p.organisation.unit_id for p in positions}
    found: dict[int, list[tuple[date, date, str]]] = defaultdict(list)
    for batch in _chunks(unit_ids):
        links = UnitAncestry.objects.filter(
            descendant_id__in=batch, ancestor__level=Level.COMMUNE
        ).values_list("descendant_id", "valid_from", "valid_to", "ancestor__code")
        for unit_id, since, until, code in links:
            found[unit_id].append((since, until, code))
    return found


def _commune_code(spans: list[tuple[date, date, str]], day: date) -> str:
    return next((code for since, until, code in spans if since <= day <= until), "")


def export_rows(
    positions: Iterable[Position], *, reveal: bool = True, ethnicity: bool = True
) -> Iterator[list[Any]]:
    """One list of cell values per position, in COLUMNS order (re-importable as is).
    Without `reveal`, citizen IDs are masked; without `ethnicity` (sensitive, administrators
    only), that column is left empty."""
    positions = list(positions)
    communes = _communes_on(positions)
    for p in positions:
        person, unit = p.person, p.organisation.unit
        parts = (person.family_name, person.middle_name, person.given_name)
        yield [
            _commune_code(communes[unit.pk], p.start),
            unit.name if unit.level == Level.VILLAGE else "",
            p.role.label,
            p.organisation.name,
            person.full_name,
            *(parts if person.given_name else ("", "", "")),
            person.birth_date,
            person.get_sex_display() if person.sex else "",
            person.ethnicity if ethnicity else "",
            (person.citizen_id or person.legacy_id) if reveal else ids.mask(person.citizen_id),
            person.phone,
            person.email,
            p.start,
            p.end,
        ]


def _workbook(title: str, rows: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.cell(row=1, column=1, value=xlsx_value(title)).font = Font(bold=True, size=13)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet.append(COLUMNS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    date_columns = {COLUMNS.index(c) + 1 for c in (BIRTH, START, END)}
    for values in rows:
        sheet.append([xlsx_value(v) for v in values])
        for index in date_columns:
            sheet.cell(row=sheet.max_row, column=index).number_format = "DD/MM/YYYY"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = max(
            12, len(column) + 4
        )
    return save_workbook(book)


def export_roster(
    *,
    unit: Unit,
    as_of: date | None = None,
    user: Any = None,
    reveal: bool = True,
    ethnicity: bool = True,
    role: str = "",
    name: str = "",
) -> bytes:
    """The roster of `unit` as an .xlsx in the import's columns (`reveal`: full citizen IDs;
    `ethnicity`: the ethnicity column filled; `role`, `name`: the page's filters)."""
    when = f"ngày {show(as_of)}" if as_of else "toàn bộ thời gian"
    title = f"DANH SÁCH CHỨC DANH — {unit.name.upper()} — {when}"
    positions = roster_positions(unit=unit, as_of=as_of, user=user, role=role, name=name)
    return _workbook(title, export_rows(positions, reveal=reveal, ethnicity=ethnicity))


EXAMPLE_SHEET = "Ví dụ"
UNITS_SHEET, LISTS_SHEET = "Mã đơn vị", "Danh mục"
# Rows of the first sheet that carry the drop-down lists (the title and header are rows 1-2).
VALIDATED_ROWS = 5000


@dataclass(frozen=True)
class TemplateUnits:
    """The user's communes with their villages on a day, for the template's «Mã đơn vị»."""

    on: date
    communes: list[tuple[str, str, list[str]]]  # (code, name, village names)


def template_units(user: Any, on: date) -> TemplateUnits:
    """The villages the user may write to as they sit on `on`, under their communes (by code,
    then village name), and the communes the user may write to that have no village yet (two
    queries). A grant on a former district keeps its villages after they moved into new
    communes: those new communes are listed, with only the grant's villages."""
    mine = writable(user, Unit).values("pk")
    links = (
        UnitAncestry.objects.filter(
            descendant_id__in=mine,
            depth=1,
            descendant__level=Level.VILLAGE,
            ancestor__level=Level.COMMUNE,
            valid_from__lte=on,
            valid_to__gte=on,
        )
        .order_by("descendant__name_key")
        .values_list("ancestor_id", "descendant__name")
    )
    villages: dict[int, list[str]] = defaultdict(list)
    for commune_id, name in links:
        villages[commune_id].append(name)
    communes = (
        Unit.objects.filter(
            Q(pk__in=mine, level=Level.COMMUNE) | Q(pk__in=list(villages)), level=Level.COMMUNE
        )
        .exclude(code="")
        .active_on(on)
        .order_by("code", "pk")
    )
    return TemplateUnits(on, [(c.code, c.name, villages[c.pk]) for c in communes])


def _lists_sheet(book: Any, units: TemplateUnits | None) -> dict[str, str]:
    """The sheet «Danh mục» with the allowed values, column by column; header → the range
    (as Excel writes it) that the drop-down of that column lists."""
    from openpyxl.utils import get_column_letter

    from people.ethnicities import ETHNICITIES

    columns = {
        ROLE: [r.label for r in Role.objects.order_by("order", "pk")],
        SEX: ["Nam", "Nữ"],
        ETHNIC: list(ETHNICITIES),
    }
    if units is not None and units.communes:
        columns[CODE] = [code for code, _, _ in units.communes]
    sheet = book.create_sheet(LISTS_SHEET)
    ranges = {}
    for index, (header, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=header)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=xlsx_value(value))
        ranges[header] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _validate(sheet: Any, ranges: dict[str, str]) -> None:
    """Drop-down lists on the data rows of the roster sheet (a warning, not a refusal, for
    a value typed outside the list: the import itself checks every cell); the code and ID
    columns as text, so Excel keeps their leading zeros."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for header, source in ranges.items():
        letter = get_column_letter(COLUMNS.index(header) + 1)
        rule = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            errorStyle="warning",
            error=f"Giá trị không có trong danh mục «{header}» (sheet «{LISTS_SHEET}»)",
            errorTitle=header,
        )
        rule.add(f"{letter}3:{letter}{VALIDATED_ROWS}")
        sheet.add_data_validation(rule)
    for header in (CODE, CID):
        letter = get_column_letter(COLUMNS.index(header) + 1)
        sheet.column_dimensions[letter].number_format = "@"


def _units_sheet(book: Any, units: TemplateUnits) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet(UNITS_SHEET, 1)
    sheet.append([f"Các xã, phường và thôn, tổ dân phố của bạn ngày {show(units.on)}"])
    sheet["A1"].font = Font(bold=True)
    sheet.append([CODE, "Xã, phường", VILLAGE])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for code, name, villages in units.communes:
        for village in villages or [""]:
            sheet.append([code, xlsx_value(name), xlsx_value(village)])
    for letter, width in (("A", 10), ("B", 32), ("C", 32)):
        sheet.column_dimensions[letter].width = width


def template_workbook(units: TemplateUnits | None = None) -> bytes:
    """An empty roster: the first sheet holds only the title row and the headers (uploaded
    untouched, it imports nothing), with drop-down lists for «Chức danh», «Giới tính», «Dân
    tộc» and — given the user's units — «Mã xã»; then «Mã đơn vị» (the user's communes and
    villages on the chosen day), «Ví dụ» (one filled-in row) and «Danh mục» (the lists). The
    import reads the first sheet only."""
    from copy import copy

    from openpyxl import load_workbook

    example = [
        "00889", "Thôn Nà Mạ", "Bí thư chi bộ", "", "", "Giàng", "Thị", "Mai",
        date(1985, 3, 12), "Nữ", "Mông", "002185001234", "0912345678", "", date(2025, 1, 1), None,
    ]  # fmt: skip
    book = load_workbook(io.BytesIO(_workbook(TITLE, [])))
    sample = load_workbook(io.BytesIO(_workbook(f"VÍ DỤ (không được nhập) — {TITLE}", [example])))
    target = book.create_sheet(EXAMPLE_SHEET)
    source = sample.active
    for row in source.iter_rows():
        for cell in row:
            pasted = target.cell(row=cell.row, column=cell.column, value=cell.value)
            pasted.font, pasted.number_format = copy(cell.font), cell.number_format
    for merged in source.merged_cells.ranges:
        target.merge_cells(str(merged))
    for letter, dimension in source.column_dimensions.items():
        target.column_dimensions[letter].width = dimension.width
    if units is not None:
        _units_sheet(book, units)
    _validate(book.worksheets[0], _lists_sheet(book, units))
    return save_workbook(book)
