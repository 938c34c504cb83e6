"""The project list as a django-tables2 table with a totals row.

django-tables2 does the header (sorting links), the footer and the pagination; the body rows are rendered by
``ProjectTable.body_html`` in one pass (``templates/projects/_project_table.html``): django-tables2's bound-row
machinery resolved every cell's attributes and inspected the render method's signature per cell, which was most
of the page's time. The cells are the same as its own rendering (``tests/test_projects_pages.py`` compares them).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from projects.models import Project, Stage
from projects.rules import completion_percent, format_amount, format_percent, format_total

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
        footer=lambda table: format_total(table.totals["total"]),  # totals: two decimals, as 附件3
    )
    year_planned = AmountColumn(
        verbose_name="年度计划投资（亿元）", footer=lambda table: format_total(table.totals["planned"])
    )
    year_completed = AmountColumn(
        verbose_name="完成投资（亿元）", footer=lambda table: format_total(table.totals["completed"])
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
        template_name = "projects/_project_table.html"
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

    def body_html(self) -> SafeString:
        """The rows of the current page, as django-tables2's ``table.html`` renders them (even/odd rows, the
        columns' td attributes, a column's default for an empty value), without its per-cell bound objects."""
        columns = list(self.columns)
        tds = [f"<td {column.attrs['td'].as_html()}>" for column in columns]
        cells = [self._cell(column.name) for column in columns]
        html = []
        for counter, row in enumerate(self.paginated_rows):
            record = row.record
            html.append(f'<tr class="{"odd" if counter % 2 else "even"}">')
            html.extend(f"{td}{conditional_escape(cell(record))}</td>" for td, cell in zip(tds, cells, strict=True))
            html.append("</tr>")
        return mark_safe("".join(html))  # every cell is escaped above

    def _cell(self, name: str) -> Any:
        """The function giving a record's cell in column ``name``: the value (a choice's label), the column's
        default when empty, else the column's ``render_<name>``."""
        column = self.columns[name].column
        accessor, default, empty = column.accessor or name, column.default, column.empty_values
        render = getattr(self, f"render_{name}", None)
        choices = name in ("domain", "level", "stage", "batch")  # model fields with choices: shown by their label

        def cell(record: Any) -> Any:
            value = getattr(record, f"get_{accessor}_display")() if choices else getattr(record, accessor, None)
            if value in empty:
                return default
            if render is None:
                return value
            return render(value=value, record=record)

        return cell

    def render_name(self, record: Project, value: Any = None) -> str:
        return format_html('<a href="{}">{}</a>', reverse("projects:detail", args=[record.pk]), record.name)

    def render_stage(self, value: str, record: Any) -> str:
        """The stage as of the page's year when the page annotated it (``stage_then``), else today's."""
        if not hasattr(record, "stage_then"):
            return str(record.get_stage_display())
        return str(dict(Stage.choices).get(record.stage_then, "")) or "—"

    def render_batch(self, record: Project, value: Any = None) -> str:
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

    def render_completion(self, record: Any, value: Any = None) -> str:
        return format_percent(completion_percent(record.year_planned, record.year_completed))
