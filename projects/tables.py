"""The project list as a django-tables2 table with a totals row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from projects.models import Project, Stage
from projects.rules import completion_percent, format_amount, format_percent

NUM = {"td": {"class": "num"}, "tf": {"class": "num"}}


class AmountColumn(tables.Column):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", NUM)
        kwargs.setdefault("default", "—")
        super().__init__(*args, **kwargs)

    def render(self, value: Decimal) -> str:
        return format_amount(value)


class ProjectTable(tables.Table):
    name = tables.Column(
        verbose_name="项目名称",
        attrs={"td": {"class": "name"}},
        footer=lambda table: f"合计（{table.totals['count']}个项目）",
    )
    domain = tables.Column(verbose_name="领域")
    level = tables.Column(verbose_name="级别", default="—")
    stage = tables.Column(verbose_name="阶段", default="—")
    batch = tables.Column(verbose_name="三个一批", default="—", order_by=("batch", "batch_round"))
    total_investment = AmountColumn(
        verbose_name="总投资（亿元）",
        accessor="shown_total",  # annotated by ProjectQuerySet.with_year: approved, or pending in preview
        order_by="shown_total",
        footer=lambda table: format_amount(table.totals["total"]),
    )
    year_planned = AmountColumn(
        verbose_name="年度计划投资（亿元）", footer=lambda table: format_amount(table.totals["planned"])
    )
    year_completed = AmountColumn(
        verbose_name="完成投资（亿元）", footer=lambda table: format_amount(table.totals["completed"])
    )
    completion = tables.Column(
        verbose_name="完成率",
        empty_values=(),
        orderable=False,
        attrs=NUM,
        footer=lambda table: format_percent(completion_percent(table.totals["planned"], table.totals["completed"])),
    )

    class Meta:
        model = Project
        template_name = "django_tables2/table.html"
        fields = ("name", "domain", "level", "stage", "batch", "total_investment")
        sequence = (
            "name",
            "domain",
            "level",
            "stage",
            "batch",
            "total_investment",
            "year_planned",
            "year_completed",
            "completion",
        )
        attrs = {"class": "grid projects pj-totals"}
        empty_text = "没有符合条件的项目。"
        order_by = ("name",)

    def __init__(self, *args: Any, year: int, totals: dict[str, Any], **kwargs: Any) -> None:
        self.totals = totals
        super().__init__(*args, **kwargs)
        self.columns["year_planned"].column.verbose_name = f"{year}年计划投资（亿元）"
        self.columns["year_completed"].column.verbose_name = f"{year}年完成投资（亿元）"

    def render_name(self, record: Project) -> str:
        return format_html('<a href="{}">{}</a>', reverse("projects:detail", args=[record.pk]), record.name)

    def render_stage(self, value: str, record: Any) -> str:
        """The stage as of the page's year when the page annotated it (``stage_then``), else today's."""
        if not hasattr(record, "stage_then"):
            return str(record.get_stage_display())
        return str(dict(Stage.choices).get(record.stage_then, "")) or "—"

    def render_batch(self, record: Project) -> str:
        return record.batch_label or "—"

    def _marked(self, value: Decimal | None, pending: bool) -> str:
        if not pending:
            return format_amount(value)
        return format_html('{}<sup class="pj-pending-mark" title="待审核数值（预览）">待审</sup>', format_amount(value))

    def render_total_investment(self, value: Decimal | None, record: Any) -> str:
        return self._marked(value, getattr(record, "total_pending_shown", False))

    def render_year_planned(self, value: Decimal | None, record: Any) -> str:
        return self._marked(value, getattr(record, "year_pending", False))

    def render_year_completed(self, value: Decimal | None, record: Any) -> str:
        return self._marked(value, getattr(record, "year_pending", False))

    def render_completion(self, record: Any) -> str:
        return format_percent(completion_percent(record.year_planned, record.year_completed))
