"""The two models reports/ owns, each a named exception to "reports writes nothing" (STYLE.md).

- ``ContextTable`` / ``ContextValue``: the context statistics of the evaluation report's section 二
  (表1–表4). They are read-only reference figures about the region and its neighbours, not plan data:
  no indicator, target or verdict depends on them, and they are loaded from ``fixtures/`` only.
- ``ReasonNote``: the 主要原因 text of 附件2, written by staff per plan, as-of and indicator. It is
  commentary on the report (the numbers beside it are generated), so it lives with the report and is
  edited from the 附件2 page; who may edit it is decided in ``reports.permissions.can_edit_reasons``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from indicators.models import Indicator, Plan
from indicators.numbers import printed
from indicators.periods import PERIOD_PARTS, OfPeriod, Period


class ChartKind(models.TextChoices):
    LINE = "line", "折线图"
    BAR = "bar", "柱状图"


class Reading(models.TextChoices):
    """Where in the source a figure was read. The report's tables are rounded; its chart data is not."""

    TABLE = "table", "表格"
    CHART = "chart", "图表数据"
    TEXT = "text", "正文"


class ContextTable(models.Model):
    """One table of section 二 with its chart, e.g. 表1 / 图1 卧龙区、宛城区GDP占南阳市的比重."""

    number = models.PositiveSmallIntegerField("表号", unique=True)
    title = models.CharField("表题", max_length=100)
    figure_title = models.CharField("图题", max_length=100)
    series = models.CharField("统计项", max_length=50, help_text="如：GDP占南阳市比重")
    unit = models.CharField("单位", max_length=20, blank=True)
    chart_kind = models.CharField("图表类型", max_length=10, choices=ChartKind.choices)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "经济背景统计表"
        verbose_name_plural = "经济背景统计表"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"表{self.number} {self.title}"


class ContextValueQuerySet(models.QuerySet["ContextValue"]):
    def for_page(self) -> ContextValueQuerySet:
        return self.select_related("table").order_by("table__number", "order", "year", "reading")


class ContextValue(models.Model):
    """One figure: region × series × year, as read in one place of the source (table, chart or text).

    ``region`` is a plain name, not a ``Region`` row: the comparison areas (金水区 of 郑州市, 南阳高新区,
    全国 …) are not part of any plan's region tree and must not appear in it. Two readings of the same
    figure are both kept with their sources (the table rounds 11.11 to 11.1; 表2 prints 11.2 where
    its chart data says 11.1); the page shows the disagreement instead of picking one.
    """

    table = models.ForeignKey(ContextTable, verbose_name="统计表", on_delete=models.CASCADE, related_name="values")
    region = models.CharField("地区", max_length=30)
    order = models.PositiveSmallIntegerField("地区顺序", default=0)
    year = models.PositiveSmallIntegerField("年份")
    reading = models.CharField("出处类型", max_length=10, choices=Reading.choices)
    value = models.DecimalField("数值", max_digits=20, decimal_places=6)
    decimals = models.PositiveSmallIntegerField("小数位数", default=0)
    source = models.CharField("来源", max_length=200)
    note = models.TextField("说明", blank=True)

    objects = ContextValueQuerySet.as_manager()

    class Meta:
        verbose_name = "经济背景数值"
        verbose_name_plural = "经济背景数值"
        ordering = ["table", "order", "year", "reading"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "region", "year", "reading"], name="context_value_one_per_reading"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}年 {self.display_value}（{self.get_reading_display()}）"

    @property
    def display_value(self) -> str:
        return printed(self.value, self.decimals)


class ReasonNote(OfPeriod, models.Model):
    """The 主要原因 of 附件2 for one indicator below expectation, per plan and as-of period."""

    plan = models.ForeignKey(Plan, verbose_name="规划", on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="reason_notes")
    year = models.PositiveSmallIntegerField("评估年份")
    part = models.CharField(
        "评估期间",
        max_length=2,
        blank=True,
        default="",
        choices=[(p, Period(2000, p).label.removeprefix("2000年") or "全年") for p in PERIOD_PARTS],
    )
    text = models.TextField("主要原因", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "未达进度主要原因"
        verbose_name_plural = "未达进度主要原因"
        ordering = ["plan", "year", "part", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator", "year", "part"], name="reason_note_one_per_as_of"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.period.label}"

    def clean(self) -> None:
        if self.indicator_id and self.plan_id and self.indicator.plan_id != self.plan_id:
            raise ValidationError({"indicator": "指标必须属于该规划。"})


class PrecomputedVerdicts(models.Model):
    """One plan's top-level verdicts as of one period, as the roll-up shows them (issue 12): a cache, shared by
    every process and server, valid while ``version`` equals the plan's data version (``reports.rollup``).

    A third named exception to "reports writes nothing": derived data only, rebuilt on demand, safe to empty."""

    plan = models.ForeignKey(Plan, verbose_name="规划", on_delete=models.CASCADE, related_name="+")
    as_of = models.CharField("评估期", max_length=8)
    version = models.CharField("数据版本", max_length=64)
    rows = models.JSONField("指标结论")

    class Meta:
        verbose_name = "预先计算的结论"
        verbose_name_plural = "预先计算的结论"
        constraints = [
            models.UniqueConstraint(fields=["plan", "as_of"], name="precomputed_verdicts_one_per_as_of"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.as_of}"
