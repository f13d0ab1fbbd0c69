"""The coverage report of one target for one unit on one date, with its direct children.

Every figure is aggregated in SQL: a report takes the same handful of queries for a commune and
for the whole country (target, rules, children, then two per figure family: the scope's total
and one GROUP BY over the children). Totals are not sums of the children: a person holding
positions in two villages counts once in the commune, and commune-level organisations belong to
the commune but to none of its villages.
"""

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet

from coverage.rules import (
    Rules,
    board_figures,
    boards_in,
    communes_without_board_in,
    holder_figures,
    holders_in,
    load_rules,
    seat_figures,
    team_figures,
    villages_in,
)
from coverage.units import Scope, build_scope, unit_header
from people.models import Unit
from training.models import Target

Figures = dict[str, int | float | None]


def percent(part: int, whole: int) -> float | None:
    """part ÷ whole × 100 with one decimal, rounded half up; None when whole is 0."""
    if not whole:
        return None
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(value)


def _grouped(qs: QuerySet, figures: dict) -> dict[int, dict]:
    """One GROUP BY over the children: branch id → aggregated figures."""
    return {row.pop("branch"): row for row in qs.values("branch").annotate(**figures)}


def _per_scope(
    rules: Rules, scope: Scope, on: date, compute: Callable[[Rules, list[int], date, bool], dict]
) -> tuple[dict, dict[int, dict]]:
    total = compute(rules, scope.roots, on, False)
    by_child = compute(rules, scope.child_ids, on, True) if scope.children else {}
    return total, by_child


# ---------------------------------------------------------------- person targets


def _holders(rules: Rules, ids: list[int], on: date, grouped: bool) -> dict:
    qs, figures = holders_in(rules, ids, on, branch=grouped), holder_figures()
    return _grouped(qs, figures) if grouped else qs.aggregate(**figures)


def _seats(rules: Rules, ids: list[int], on: date, grouped: bool) -> dict:
    if not rules.seat_roles:
        return {}
    qs, figures = villages_in(ids, on), seat_figures(rules, on)
    return _grouped(qs, figures) if grouped else qs.aggregate(**figures)


def _person_figures(h: dict | None, s: dict | None) -> Figures:
    h, s = h or {}, s or {}
    holders, trained = h.get("holders", 0), h.get("trained", 0)
    persons = h.get("persons", 0)
    persons_trained = persons - h.get("persons_untrained", 0)
    vacant = sum(v or 0 for k, v in s.items() if k.startswith("vacant_"))
    return {
        "holders": holders,
        "trained": trained,
        "percent": percent(trained, holders),
        "persons": persons,
        "persons_trained": persons_trained,
        "persons_percent": percent(persons_trained, persons),
        "due": h.get("due", 0),
        "overdue": h.get("overdue", 0),
        "vacant": vacant,
    }


def person_report(rules: Rules, scope: Scope, on: date) -> tuple[Figures, dict[int, Figures]]:
    h_total, h_children = _per_scope(rules, scope, on, _holders)
    s_total, s_children = _per_scope(rules, scope, on, _seats)
    children = {c: _person_figures(h_children.get(c), s_children.get(c)) for c in scope.child_ids}
    return _person_figures(h_total, s_total), children


# ---------------------------------------------------------------- boards


def _boards(rules: Rules, ids: list[int], on: date, grouped: bool) -> dict:
    qs, figures = boards_in(rules, ids, on), board_figures()
    return _grouped(qs, figures) if grouped else qs.aggregate(**figures)


def _vacant_boards(rules: Rules, ids: list[int], on: date, grouped: bool) -> dict:
    qs, figures = communes_without_board_in(rules, ids, on), {"vacant": Count("pk")}
    return _grouped(qs, figures) if grouped else qs.aggregate(**figures)


def _board_figures(b: dict | None, v: dict | None) -> Figures:
    boards, covered = (b or {}).get("boards", 0), (b or {}).get("boards_covered", 0)
    return {
        "boards": boards,
        "boards_covered": covered,
        "percent": percent(covered, boards),
        "vacant": (v or {}).get("vacant", 0),
    }


def board_report(rules: Rules, scope: Scope, on: date) -> tuple[Figures, dict[int, Figures]]:
    b_total, b_children = _per_scope(rules, scope, on, _boards)
    v_total, v_children = _per_scope(rules, scope, on, _vacant_boards)
    children = {c: _board_figures(b_children.get(c), v_children.get(c)) for c in scope.child_ids}
    return _board_figures(b_total, v_total), children


# ---------------------------------------------------------------- teams


def _teams(rules: Rules, ids: list[int], on: date, grouped: bool) -> dict:
    qs, figures = villages_in(ids, on), team_figures(rules, on)
    return _grouped(qs, figures) if grouped else qs.aggregate(**figures)


def _team_figures(t: dict | None) -> Figures:
    villages, covered = (t or {}).get("villages", 0), (t or {}).get("villages_covered", 0)
    return {
        "villages": villages,
        "villages_covered": covered,
        "percent": percent(covered, villages),
    }


def team_report(rules: Rules, scope: Scope, on: date) -> tuple[Figures, dict[int, Figures]]:
    total, by_child = _per_scope(rules, scope, on, _teams)
    return _team_figures(total), {c: _team_figures(by_child.get(c)) for c in scope.child_ids}


REPORTS: dict[str, Callable[[Rules, Scope, date], tuple[Figures, dict[int, Figures]]]] = {
    Target.Counting.PERSON: person_report,
    Target.Counting.BOARD: board_report,
    Target.Counting.VILLAGE: team_report,
}


def scope_report(*, rules: Rules, scope: Scope, on: date) -> dict:
    """The report of an already loaded target version over an already built scope."""
    total, by_child = REPORTS[rules.target.counting](rules, scope, on)
    report: dict = {"target": rules.target.code, "as_of": on.isoformat(), "unit": scope.header}
    report.update(total)
    report["children"] = [{"unit": unit_header(c), **by_child[c.pk]} for c in scope.children]
    return report


def coverage_report(
    *, target_code: str, unit: Unit | None, on: date, area_of: Unit | None = None
) -> dict:
    """The JSON report of docs/coverage.md: figures of `unit` on `on` (every province when
    `unit` is None; the area of the former unit `area_of` when given) and of its children."""
    rules = load_rules(target_code, on)
    scope = build_scope(unit, on, area_of=area_of)
    report = scope_report(rules=rules, scope=scope, on=on)
    if area_of is not None:
        report["area_of"] = unit_header(area_of)
    return report
