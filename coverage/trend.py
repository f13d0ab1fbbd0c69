"""The dashboard's trend: each target's percent at the last month ends, for a unit or the area
of a former unit. Points are stored (`TrendPoint`) with a stamp of the registry and recomputed,
within a time budget per page view, when the stamp no longer matches."""

import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Max, Q

from coverage import rules as r
from coverage import svg
from coverage.models import TrendPoint
from coverage.report import percent
from coverage.rules import load_rules
from coverage.services import ordered_codes, short_name
from coverage.units import area_scope
from people.models import Position, Unit
from training.models import Target, TrainingRecord

TREND_MONTHS = 24
# Seconds a page may spend recomputing trend points; settings.COVERAGE_TREND_BUDGET overrides.
TREND_BUDGET = 0.4


class Scope(Protocol):
    """What the trend needs of a page's scope (coverage.views.Scope)."""

    unit: Unit
    on: date
    area_of: Unit | None


def month_ends(on: date, count: int = TREND_MONTHS) -> list[date]:
    """`count` points ending at `on`: the month ends before it, then `on` itself."""
    points = [on]
    day = on.replace(day=1) - timedelta(days=1)
    while len(points) < count:
        points.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return list(reversed(points))


# What the figures are computed from: a change to any of these (audited, each) may move a point.
FIGURE_MODELS = (
    "people.Position", "people.Organisation", "people.Role", "people.Unit",
    "people.UnitPlacement", "people.UnitLineage", "training.TrainingRecord",
    "training.Target", "training.TargetRule", "training.Programme",
)  # fmt: skip


def registry_stamp() -> str:
    """Changes whenever the figures' rows change (three cheap queries): positions or records
    added or removed, even in bulk without an audit entry (their count and last id), and any
    edit of them or of the tree, roles and targets (the last audit entry of those models: every
    change there is audited, an end date set on a position as much as a new one)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    a = Position.objects.aggregate(n=Count("pk"), m=Max("pk"))
    b = TrainingRecord.objects.aggregate(n=Count("pk"), m=Max("pk"))
    models = [apps.get_model(label) for label in FIGURE_MODELS]
    kinds = ContentType.objects.get_for_models(*models).values()  # cached after the first call
    c = LogEntry.objects.filter(content_type__in=list(kinds)).aggregate(m=Max("pk"))
    return f"{a['n']}.{a['m']}.{b['n']}.{b['m']}.{c['m']}"


def trend_figure(rules: Any, roots: list[int], day: date) -> float | None:
    """The percent of one scope on one day: one aggregate over the engine's own querysets
    (no children, no per-person figures: a trend point needs only the percent)."""
    if rules.target.counting == "board":
        got = r.boards_in(rules, roots, day).aggregate(**r.board_figures())
        return percent(got["boards_covered"] or 0, got["boards"] or 0)
    if rules.target.counting == "village":
        got = r.villages_in(roots, day).aggregate(**r.team_figures(rules, day))
        return percent(got["villages_covered"] or 0, got["villages"] or 0)
    got = r.holders_in(rules, roots, day).aggregate(
        holders=Count("pk"), trained=Count("pk", filter=Q(is_trained=1))
    )
    return percent(got["trained"] or 0, got["holders"] or 0)


def _version_on(versions: list[Any], day: date) -> Any:
    valid = [
        t
        for t in versions
        if (t.valid_from is None or t.valid_from <= day)
        and (t.valid_to is None or t.valid_to >= day)
    ]
    return max(valid, key=lambda t: t.valid_from or date.min) if valid else None


class TrendContext:
    """What the 120 points of a trend share: target versions with their rules, scope roots."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.versions: dict[str, list[Any]] = {}
        for target in Target.objects.order_by("valid_from"):  # seeded or added in the admin
            self.versions.setdefault(target.code, []).append(target)
        self.rules: dict[int, Any] = {}
        self.roots: dict[date, list[int]] = {}

    def rules_for(self, code: str, day: date) -> Any:
        target = _version_on(self.versions.get(code, []), day)
        if target is None:
            return None
        if target.pk not in self.rules:
            self.rules[target.pk] = load_rules(target, day)
        return self.rules[target.pk]

    def roots_on(self, day: date) -> list[int]:
        if day not in self.roots:
            area = self.scope.area_of
            self.roots[day] = area_scope(area, day).roots if area else [self.scope.unit.pk]
        return self.roots[day]


def scope_key(scope: Scope) -> str:
    # With a former area the engine ignores the unit, so the area alone names the figures.
    return f"area:{scope.area_of.pk}" if scope.area_of else f"unit:{scope.unit.pk}"


def _compute_point(code: str, ctx: TrendContext, day: date) -> float | None:
    scope, rules = ctx.scope, ctx.rules_for(code, day)
    if rules is None or not (scope.area_of is not None or scope.unit.is_active_on(day)):
        return None
    return trend_figure(rules, ctx.roots_on(day), day)


@dataclass
class Trend:
    labels: list[str]
    series: list[svg.Series]
    pending: int


def trend_of(scope: Scope, current: dict[str, Any], *, budget: float | None) -> Trend:
    """Each target's percent at the month ends: stored points whose stamp still matches, the
    rest recomputed within `budget` seconds (None: no limit); older values fill in meanwhile."""
    days, stamp, key, today = month_ends(scope.on), registry_stamp(), scope_key(scope), date.today()
    stored = {
        (p.target_code, p.day): p for p in TrendPoint.objects.filter(scope_key=key, day__in=days)
    }
    ctx, fresh, pending = TrendContext(scope), [], 0
    deadline = None if budget is None else time.monotonic() + budget
    series = []
    for code in ordered_codes(ctx.versions):
        values: list[float | None] = []
        for day in days:
            point = stored.get((code, day))
            if day == scope.on and code in current:
                values.append(current[code])
            elif point is not None and point.stamp == stamp:
                values.append(point.percent)
            elif deadline is None or time.monotonic() < deadline:
                values.append(_compute_point(code, ctx, day))
                if day < today:
                    fresh.append(
                        TrendPoint(
                            target_code=code,
                            scope_key=key,
                            day=day,
                            percent=values[-1],
                            stamp=stamp,
                        )
                    )
            else:
                pending += 1
                values.append(point.percent if point else None)
        series.append(svg.Series(short_name(code, ctx.versions[code][-1].title), values))
    if fresh:
        TrendPoint.objects.bulk_create(
            fresh,
            update_conflicts=True,
            unique_fields=["scope_key", "target_code", "day"],
            update_fields=["percent", "stamp", "computed_at"],
        )
    return Trend([f"{d:%m/%y}" for d in days], series, pending)


def trend_budget() -> float | None:
    return getattr(settings, "COVERAGE_TREND_BUDGET", TREND_BUDGET)


def trend_svg(trend: Trend) -> str:
    return svg.line_chart(trend.series, labels=trend.labels, title="Tỷ lệ tập huấn theo tháng (%)")
