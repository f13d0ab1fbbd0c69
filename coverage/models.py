"""Frozen reports (báo cáo đã gửi) and the resolution's non-training indicators (chỉ tiêu)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from people.models import Unit


class FrozenReport(models.Model):
    """A coverage report as it was sent upward: its figures, who froze it, when, and the note
    or document number it went out under. Live figures change as rosters are corrected; the
    frozen copy does not."""

    target_code = models.CharField("chỉ tiêu", max_length=50)
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="frozen_reports"
    )
    as_of = models.DateField("số liệu đến ngày")
    figures = models.JSONField("số liệu")
    note = models.CharField("ghi chú, số văn bản", max_length=300, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người chốt",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    frozen_at = models.DateTimeField("thời điểm chốt", auto_now_add=True)

    class Meta:
        verbose_name = "báo cáo đã chốt"
        verbose_name_plural = "báo cáo đã chốt"
        ordering = ["-frozen_at", "-pk"]
        indexes = [models.Index(fields=["unit", "target_code", "as_of"], name="frozen_unit")]

    def __str__(self) -> str:
        return f"{self.target_code} — {self.unit} — {self.as_of:%d/%m/%Y}"


class Indicator(models.Model):
    """A non-training target of the resolution (chỉ tiêu), e.g. 98% of dossiers returned on time.
    Figures are entered per unit and period, not computed from the registry."""

    class Comparison(models.TextChoices):
        AT_LEAST = "gte", "≥"
        MORE_THAN = "gt", ">"

    code = models.SlugField("mã", max_length=50, unique=True)
    title = models.CharField("tên chỉ tiêu", max_length=300)
    target_value = models.DecimalField("mức chỉ tiêu", max_digits=9, decimal_places=2)
    comparison = models.CharField("so sánh", max_length=3, choices=Comparison.choices)
    unit_of_measure = models.CharField("đơn vị tính", max_length=50)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "chỉ tiêu khác"
        verbose_name_plural = "chỉ tiêu khác"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.title

    def meets(self, value: Decimal) -> bool:
        if self.comparison == self.Comparison.MORE_THAN:
            return value > self.target_value
        return value >= self.target_value

    @property
    def target_text(self) -> str:
        number = f"{self.target_value.normalize():f}".replace(".", ",")
        return f"{self.get_comparison_display()} {number} {self.unit_of_measure}".replace(" %", "%")


class IndicatorValue(models.Model):
    """The figure of one indicator for one unit and one period (a year, or a quarter of it)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="chỉ tiêu", on_delete=models.PROTECT, related_name="values"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="indicator_values"
    )
    year = models.PositiveSmallIntegerField("năm")
    quarter = models.PositiveSmallIntegerField("quý", null=True, blank=True)
    value = models.DecimalField("giá trị", max_digits=12, decimal_places=2)
    source = models.CharField("nguồn số liệu", max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhập",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField("thời điểm nhập", auto_now=True)

    class Meta:
        verbose_name = "số liệu chỉ tiêu"
        verbose_name_plural = "số liệu chỉ tiêu"
        ordering = ["indicator__order", "unit__name", "-year", "-quarter"]
        constraints = [
            # Two partial constraints because NULL quarters are distinct in a plain one.
            models.UniqueConstraint(
                fields=["indicator", "unit", "year", "quarter"],
                condition=Q(quarter__isnull=False),
                name="indicator_value_unique_quarter",
            ),
            models.UniqueConstraint(
                fields=["indicator", "unit", "year"],
                condition=Q(quarter__isnull=True),
                name="indicator_value_unique_year",
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="indicator_value_quarter_1_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.unit} {self.period_text}"

    @property
    def period_text(self) -> str:
        return f"Quý {self.quarter}/{self.year}" if self.quarter else f"Năm {self.year}"

    @property
    def value_text(self) -> str:
        """'96,5', '100': Vietnamese decimal comma, no trailing zeros, never '1E+2'."""
        return f"{self.value.normalize():f}".replace(".", ",")

    @property
    def meets_target(self) -> bool:
        return self.indicator.meets(self.value)


class TrendPoint(models.Model):
    """A stored point of the dashboard's trend: a target's percent for one scope (a unit, or the
    area of a former unit) at one past month end. Recomputed when the registry stamp
    (coverage.trend.registry_stamp: counts of positions and records, last audit entry of the
    figures' rows) no longer matches."""

    target_code = models.CharField(max_length=50)
    scope_key = models.CharField(max_length=50)
    day = models.DateField()
    percent = models.FloatField(null=True)
    stamp = models.CharField(max_length=100)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "điểm xu hướng"
        verbose_name_plural = "điểm xu hướng"
        constraints = [
            models.UniqueConstraint(
                fields=["scope_key", "target_code", "day"], name="trend_point_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_code} {self.scope_key} {self.day}: {self.percent}"
