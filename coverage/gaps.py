"""The named gaps behind a report: every untrained holder, every vacant seat, every uncovered
board with its untrained members, every commune without an inspection board, every village
without a team head. Sorted by unit (commune, village) then Vietnamese name order."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery

from access.policy import is_unrestricted, rows_inside
from config.dates import show
from coverage.rules import (
    Holder,
    Rules,
    boards_in,
    collation_key,
    communes_without_board_in,
    filled_q,
    flag,
    holders_list,
    load_rules,
    positions_of,
    untrained_in,
    villages_in,
)
from coverage.units import Scope, build_scope
from people.ids import mask
from people.models import Level, Organisation, OrgKind, Unit, UnitAncestry
from training.models import Target

KINDS = {
    "trained": "Đã được tập huấn",
    "holder": "Chưa được tập huấn",
    "vacant_seat": "Chức danh còn trống",
    "board": "Ban chưa đạt",
    "board_member": "Thành viên chưa được tập huấn",
    "vacant_board": "Chưa có Ban thanh tra nhân dân",
    "village_without_team": "Chưa có tổ trưởng tổ dân vận",
}
STATUSES = {"due": "Trong hạn", "overdue": "Quá hạn", "trained": "Đã tập huấn"}
KIND_RANK = {kind: i for i, kind in enumerate(KINDS)}
COLUMNS = [
    "kind",
    "full_name",
    "birth_date",
    "citizen_id",
    "role_code",
    "role",
    "organisation",
    "village",
    "commune",
    "appointed_on",
    "status",
    "days_overdue",
    "note",
    "person_id",
    "village_id",
    "commune_id",
]


def _row(kind: str, **values: object) -> dict:
    row: dict = dict.fromkeys(COLUMNS)
    row.update(kind=kind, **values)
    return row


def _key(text: str | None) -> str:
    return collation_key(text) if text else ""


def _sort_key(row: dict) -> tuple:
    # Board rows and their members stay together under the board's name.
    board = row["organisation"] if row["kind"] in ("board", "board_member") else ""
    return (
        _key(row["commune"]),
        _key(row["village"]),
        _key(board),
        KIND_RANK[row["kind"]],
        row.get("_person_key", ""),
        row["role"] or "",
    )


def _name(unit: Unit | None) -> str | None:
    return unit.name if unit else None


def holder_row(h: Holder, *, show_ids: bool, kind: str = "holder") -> dict:
    return _row(
        kind,
        full_name=h.full_name,
        birth_date=h.birth_date.isoformat() if h.birth_date else None,
        citizen_id=(h.citizen_id if show_ids else mask(h.citizen_id)) or None,
        role_code=h.role_code,
        role=h.role_label,
        organisation=h.organisation_name,
        village=_name(h.village),
        commune=_name(h.commune),
        appointed_on=h.start.isoformat(),
        status=h.status,
        days_overdue=h.days_overdue,
        person_id=h.person_id,
        village_id=h.village.pk if h.village else None,
        commune_id=h.commune.pk if h.commune else None,
        _person_key=h.sort_key,
        _org_id=h.organisation_id,
    )


def _commune_of(field: str, on: date) -> dict:
    """Annotations: id and name of the commune above the unit in `field`, on `on`."""
    links = UnitAncestry.objects.filter(
        descendant_id=OuterRef(field),
        ancestor__level=Level.COMMUNE,
        valid_from__lte=on,
        valid_to__gte=on,
    )
    return {
        "commune_id": Subquery(links.values("ancestor_id")[:1]),
        "commune_name": Subquery(links.values("ancestor__name")[:1]),
    }


def _holder_gaps(rules: Rules, scope: Scope, on: date, show_ids: bool) -> list[dict]:
    rows = [holder_row(h, show_ids=show_ids) for h in untrained_in(rules, scope.roots, on)]
    seats = rules.seat_roles
    if not seats:
        return rows
    filled = {f"filled_{r.id}": flag(filled_q([r.id], on)) for r in seats}
    villages = villages_in(scope.roots, on).annotate(**filled, **_commune_of("pk", on))
    for village in villages.filter(Q(*[Q(**{k: 0}) for k in filled], _connector=Q.OR)):
        for r in seats:
            if not getattr(village, f"filled_{r.id}"):
                rows.append(_vacant_seat(village, r.code, r.label))
    return rows


def _vacant_seat(village: Unit, role_code: str, role_label: str) -> dict:
    return _row(
        "vacant_seat",
        role_code=role_code,
        role=role_label,
        village=village.name,
        commune=village.commune_name,  # type: ignore[attr-defined]
        village_id=village.pk,
        commune_id=village.commune_id,  # type: ignore[attr-defined]
        _unit_id=village.pk,
    )


def _board_note(board: object) -> str:
    if not board.has_head:  # type: ignore[attr-defined]
        return "Chưa có trưởng ban"
    trained, members = board.trained_members, board.members  # type: ignore[attr-defined]
    if not board.head_trained:  # type: ignore[attr-defined]
        return f"Trưởng ban chưa được tập huấn; {trained}/{members} thành viên đã được tập huấn"
    return f"Mới có {trained}/{members} thành viên được tập huấn"


def _board_gaps(rules: Rules, scope: Scope, on: date, show_ids: bool) -> list[dict]:
    heads = positions_of(rules, on).filter(
        organisation_id=OuterRef("pk"), role_id__in=rules.head_role_ids or [0]
    )
    boards = (
        boards_in(rules, scope.roots, on)
        .filter(is_covered=0)  # type: ignore[misc]
        .annotate(has_head=flag(Q(Exists(heads))), **_commune_of("unit_id", on))
    )
    rows, uncovered = [], {}
    for board in boards:
        uncovered[board.pk] = board
        rows.append(
            _row(
                "board",
                organisation=board.name,
                commune=board.commune_name,  # type: ignore[attr-defined]
                commune_id=board.commune_id,  # type: ignore[attr-defined]
                note=_board_note(board),
                _unit_id=board.unit_id,
            )
        )
    for h in untrained_in(rules, scope.roots, on):
        if h.organisation_id in uncovered:
            rows.append(holder_row(h, show_ids=show_ids, kind="board_member"))
    for commune in communes_without_board_in(rules, scope.roots, on):
        rows.append(
            _row(
                "vacant_board",
                organisation=OrgKind.PEOPLE_INSPECTION_BOARD.label,
                commune=commune.name,
                commune_id=commune.pk,
                _unit_id=commune.pk,
            )
        )
    return rows


def _team_gaps(rules: Rules, scope: Scope, on: date, show_ids: bool) -> list[dict]:
    villages = (
        villages_in(scope.roots, on)
        .filter(~filled_q(rules.role_ids, on))
        .annotate(**_commune_of("pk", on))
    )
    role = ", ".join(r.label for r in rules.roles.values())
    return [
        _row(
            "village_without_team",
            role=role,
            village=v.name,
            commune=v.commune_name,  # type: ignore[attr-defined]
            village_id=v.pk,
            commune_id=v.commune_id,  # type: ignore[attr-defined]
            _unit_id=v.pk,
        )
        for v in villages
    ]


GAPS: dict[str, Callable[[Rules, Scope, date, bool], list[dict]]] = {
    Target.Counting.PERSON: _holder_gaps,
    Target.Counting.BOARD: _board_gaps,
    Target.Counting.VILLAGE: _team_gaps,
}


PRIVATE = ("_person_key", "_org_id", "_unit_id")


def _seen_by(user: Any, rows: list[dict]) -> list[dict]:
    """Only the rows of units the user sees in the registry itself (access.policy): a new
    commune formed partly from a former unit of the grants shows only the grants' part by name.
    A holder's row belongs to the unit of the organisation holding the position."""
    if is_unrestricted(user):
        return rows
    org_ids = {r["_org_id"] for r in rows if r.get("_org_id")}
    units = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "unit_id"))
    for row in rows:
        if row.get("_org_id"):
            row["_unit_id"] = units.get(row["_org_id"])
    return rows_inside(user, rows)


def scope_gaps(
    *, rules: Rules, scope: Scope, on: date, show_ids: bool = False, user: Any = None
) -> list[dict]:
    """The named gaps of a built scope; with `user`, only those inside the user's grants."""
    return _finished(GAPS[rules.target.counting](rules, scope, on, show_ids), user)


def _finished(rows: list[dict], user: Any) -> list[dict]:
    """Rows as lists return them: inside the user's grants (when given), in list order, without
    the private keys used to get there."""
    if user is not None:
        rows = _seen_by(user, rows)
    rows.sort(key=_sort_key)
    for row in rows:
        for key in PRIVATE:
            row.pop(key, None)
    return rows


def gaps(
    *,
    target_code: str,
    unit: Unit | None,
    on: date,
    area_of: Unit | None = None,
    show_ids: bool = False,
    user: Any = None,
) -> list[dict]:
    """Every gap of `target_code` inside `unit` (every province when None, or the area of the
    former unit `area_of`) on `on`. Citizen IDs are masked unless `show_ids`; with `user`, only
    the rows inside the user's grants."""
    rules = load_rules(target_code, on)
    scope = build_scope(unit, on, area_of=area_of)
    return scope_gaps(rules=rules, scope=scope, on=on, show_ids=show_ids, user=user)


def holder_rows(
    *,
    target_code: str,
    unit: Unit | None,
    on: date,
    area_of: Unit | None = None,
    trained: bool | None = None,
    show_ids: bool = False,
    user: Any = None,
) -> list[dict]:
    """The holders behind a person-counted figure — the trained ones (`trained=True`), the
    untrained, or all of them — as rows like the gaps' (kind `trained` or `holder`), in the same
    order, only those inside the user's grants when `user` is given."""
    rules = load_rules(target_code, on)
    scope = build_scope(unit, on, area_of=area_of)
    holders = holders_list(rules, scope.roots, on, trained=trained)
    rows = [
        holder_row(h, show_ids=show_ids, kind="trained" if h.status == "trained" else "holder")
        for h in holders
    ]
    return _finished(rows, user)


# ---------------------------------------------------------------- tables for people


TABLE_HEADERS = [
    "STT",
    "Loại",
    "Họ và tên",
    "Ngày sinh",
    "Số CCCD",
    "Chức danh",
    "Tổ chức",
    "Thôn, tổ dân phố",
    "Xã, phường",
    "Ngày bổ nhiệm",
    "Tình trạng",
    "Số ngày quá hạn",
    "Ghi chú",
]


def _shown(iso: str | None) -> str:
    return show(date.fromisoformat(iso)) if iso else ""


def table_rows(rows: list[dict]) -> list[list[str]]:
    """Gap rows as a clerk reads them (Vietnamese labels, dd/mm/yyyy), matching TABLE_HEADERS."""
    return [
        [
            str(number),
            KINDS[r["kind"]],
            r["full_name"] or "",
            _shown(r["birth_date"]),
            r["citizen_id"] or "",
            r["role"] or "",
            r["organisation"] or "",
            r["village"] or "",
            r["commune"] or "",
            _shown(r["appointed_on"]),
            STATUSES.get(r["status"] or "", ""),
            str(r["days_overdue"]) if r["days_overdue"] else "",
            r["note"] or "",
        ]
        for number, r in enumerate(rows, start=1)
    ]
