"""附件1 as a django-tables2 table. Rows keep the print order (no sorting: it would break the merged
cells); ``AppendixTable.body_html`` (in ``reports/_appendix1_table.html``) renders the report's merged 类别,
序号 and parent-name cells from the spans computed here.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from reports.rows import Appendix, AppendixRow, ValueCell

STATUS_CSS = {
    "exceeded": "st-exceeded",
    "ahead": "st-exceeded",
    "on_track": "st-on-track",
    "assigned_met": "st-on-track",
    "behind": "st-behind",
    "assigned_missed": "st-behind",
    "no_data": "st-no-data",
    "pending": "st-pending",
    "stale": "st-stale",
}
MANUAL_BADGE = "人工研判"
NUM_ATTRS = {"td": {"class": "num"}}


def verdict_badge(status: str, label: str, *, manual: bool = False, reason: str = "") -> str:
    """The verdict as text on a coloured badge (never colour alone), with a manual-verdict mark."""
    badge = format_html('<span class="verdict {}">{}</span>', STATUS_CSS.get(status, ""), label)
    if manual:
        badge += format_html(
            '<span class="badge-manual" title="{}" tabindex="0">（{}）</span>', f"人工研判理由：{reason}", MANUAL_BADGE
        )
    return badge


def verdict_notes(row: AppendixRow) -> str:
    """Below a verdict: how old a stale row's data are, and the other readings that would change it."""
    html = SafeString("")
    if row.data_note:
        html += format_html('<div class="verdict-note">{}</div>', row.data_note)
    for note in row.decisive:
        html += format_html('<div class="verdict-note decisive">注：{}</div>', note)
    return html


def value_html(cell: ValueCell | None) -> str:
    if cell is None:
        return "/"
    html = format_html("{}", cell.shown)
    if cell.alternatives:
        tip = "；".join(f"其他口径 {a.shown}（{a.source}）" for a in cell.alternatives)
        html += format_html('<sup class="alt-mark" title="{}" tabindex="0" aria-label="{}">注</sup>', tip, tip)
    if cell.pending:
        html += format_html('<sup class="pending-mark" title="{}">待审</sup>', "尚未审核的数值（预览）")
    return html


def with_spans(rows: Sequence[AppendixRow]) -> list[dict[str, Any]]:
    """One record per row with the rowspans of the merged cells (0: covered by the row above)."""
    records: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        record: dict[str, Any] = {"row": row, "category_span": 0, "seq_span": 0, "group_span": 0}
        if i == 0 or rows[i - 1].category != row.category:
            record["category_span"] = _run(rows, i, lambda r: r.category)
        same_group = row.group_id is not None and i > 0 and rows[i - 1].group_id == row.group_id
        if not same_group:
            span = _run(rows, i, lambda r: r.group_id) if row.group_id is not None else 1
            record["seq_span"] = span
            record["group_span"] = span if row.group_id is not None else 0
        records.append(record)
    return records


def _run(rows: Sequence[AppendixRow], start: int, key: Any) -> int:
    value = key(rows[start])
    end = start
    while end < len(rows) and key(rows[end]) == value:
        end += 1
    return end - start


class ValueColumn(tables.Column):
    """A period's value as printed; "/" when the indicator has no observation for it."""

    def render(self, value: ValueCell) -> str:
        return value_html(value)


class AppendixTable(tables.Table):
    seq = tables.Column("序号", accessor="row__seq", attrs={"td": {"class": "c seq"}})
    category = tables.Column("类别", accessor="row__category", attrs={"td": {"class": "c cat"}})
    name = tables.Column("指标", accessor="row__name")
    attribute = tables.Column("属性", accessor="row__attribute", attrs={"td": {"class": "c"}})
    target = tables.Column("目标值", accessor="row__target_text", attrs={"td": {"class": "c target"}})
    verdict = tables.Column("完成情况", accessor="row__label", attrs={"td": {"class": "c verdict-col"}})

    class Meta:
        template_name = "reports/_appendix1_table.html"
        orderable = False
        attrs = {"class": "grid appendix1"}
        sequence = ("seq", "category", "name", "attribute", "target", "...", "verdict")
        empty_text = "没有符合筛选条件的指标。"

    def __init__(self, appendix: Appendix, rows: Sequence[AppendixRow], *, query: str = "") -> None:
        self.appendix = appendix
        self.query = query
        extra = [
            (f"v{i}", ValueColumn(period.label, accessor=f"row__cells__{i}", attrs=NUM_ATTRS, default="/"))
            for i, period in enumerate(appendix.columns)
        ]
        super().__init__(with_spans(rows), extra_columns=extra)

    def render_name(self, record: dict[str, Any]) -> str:
        row: AppendixRow = record["row"]
        url = reverse("reports:indicator", args=[row.indicator_id])
        if self.query:
            url = f"{url}?{self.query}"
        return format_html('<a href="{}">{}</a>', url, row.display_name)

    def render_verdict(self, record: dict[str, Any]) -> str:
        row: AppendixRow = record["row"]
        return verdict_badge(row.status, row.label, manual=row.manual, reason=row.manual_reason) + verdict_notes(row)

    def render_target(self, value: str) -> str:
        return value or "—"

    def body_html(self) -> SafeString:
        """The body rows with the report's merged cells, as the template used to loop them (kept in one pass:
        django-tables2's per-cell bound objects were most of the page's time)."""
        columns = list(self.columns)
        cells = {column.name: _cell_function(self, column) for column in columns}
        tds = {column.name: f"<td {column.attrs['td'].as_html()}>" for column in columns}
        html: list[str] = []
        for bound_row in self.paginated_rows:
            record = bound_row.record
            row: AppendixRow = record["row"]
            html.append(f'<tr class="status-row {"child" if row.group_id else ""}">')
            for column in columns:
                name = column.name
                cell = conditional_escape(cells[name](record))
                if name == "seq":
                    if record["seq_span"]:
                        html.append(f'<td class="c seq" rowspan="{record["seq_span"]}">{cell}</td>')
                elif name == "category":
                    if record["category_span"]:
                        html.append(f'<td class="c cat" rowspan="{record["category_span"]}">{cell}</td>')
                elif name == "name":
                    if not row.group_id:
                        html.append(f'<td class="name" colspan="2">{cell}</td>')
                        continue
                    if record["group_span"]:
                        group = conditional_escape(row.group)
                        html.append(f'<td class="group" rowspan="{record["group_span"]}">{group}</td>')
                    html.append(f'<td class="name">{cell}</td>')
                else:
                    html.append(f"{tds[name]}{cell}</td>")
            html.append("</tr>")
        return mark_safe("".join(html))  # every cell and text is escaped above

    @property
    def value_headers(self) -> list[str]:
        return [p.label for p in self.appendix.columns]


def _cell_function(table: tables.Table, bound_column: Any) -> Any:
    """A record's cell in one column, as django-tables2 computes it (the column's default for an empty value,
    else the table's ``render_<name>`` or the column's ``render``), with the render signature read once."""
    column = bound_column.column
    render = getattr(table, f"render_{bound_column.name}", None) or column.render
    wanted = set(inspect.signature(render).parameters)
    accessor, default, empty = bound_column.accessor, bound_column.default, column.empty_values

    def cell(record: Any) -> Any:
        value = accessor.resolve(record, quiet=True)
        if value in empty:
            return default
        given = {"value": value, "record": record, "table": table, "column": column, "bound_column": bound_column}
        return render(**{k: v for k, v in given.items() if k in wanted})

    return cell
