"""Renderers of the roll-up (pure, no queries): the chart of one indicator across regions and the Excel matrix."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter

from indicators.xlsx_layout import number_format, put, set_text, style_array
from reports.figures import STATUS_COLOURS, _layout
from reports.rollup import Column, Rollup, Row
from reports.workbook import _STATUS_FILLS

SHEET_MATRIX = "汇总"
SHEET_UNMATCHED = "未匹配指标"
VERDICT_SUFFIX = "结论"
FIXED_HEADERS = ("行政区划", "规划", "达到或超过预期占比（%）", "约束性指标低于预期（项）")
# The verdict fills of 附件1, plus the statuses only a roll-up shows (the text says the verdict too).
FILLS = {**_STATUS_FILLS, "ahead": _STATUS_FILLS["exceeded"], "stale": "ECE6F5"}


def indicator_chart(rollup: Rollup, column: Column, rows: Sequence[Row]) -> go.Figure:
    """One indicator across the regions: the latest figure of each, coloured by its verdict."""
    names, values, colours, texts = [], [], [], []
    for row in rows:
        cell = row.cell(column.index)
        if cell is None or cell.number is None:
            continue
        names.append(row.region.name)
        values.append(float(cell.number))
        colours.append(STATUS_COLOURS.get(cell.status, "#9aa3ae"))
        texts.append(f"{cell.label}（{cell.period}{'，' + cell.part if cell.part else ''}）")
    fig = go.Figure(
        go.Bar(
            x=names,
            y=values,
            marker_color=colours,
            customdata=texts,
            hovertemplate="%{x}：%{y}" + column.unit + "<br>%{customdata}<extra></extra>",
        )
    )
    return _layout(fig, title=f"{column.title}：各地最新数值", height=360, unit=column.unit)


def build_rollup_workbook(rollup: Rollup, rows: Sequence[Row]) -> Workbook:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_MATRIX
    title = f"{rollup.region}下级规划主要指标完成情况汇总（截至{rollup.as_of.label}）"
    sheet.cell(1, 1, title).font = Font(bold=True, size=13)
    headers = list(FIXED_HEADERS)
    for c in rollup.columns:  # per indicator: its figure (a number) and its verdict (coloured)
        title = f"{c.title}{'［约束性］' if c.binding else ''}"
        headers += [title, f"{title}{VERDICT_SUFFIX}"]
    for n, text in enumerate(headers, start=1):
        cell = set_text(sheet.cell(2, n), text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    plain = StyleArray()
    numbers: dict[int, StyleArray] = {}  # one style per number of printed decimals
    share_style = style_array(book, number_format=number_format(1))
    filled = {  # one style per verdict colour, registered once (a fill per cell hashed it 6,000 times)
        status: style_array(book, fillId=book._fills.add(PatternFill("solid", fgColor=colour)))  # type: ignore[attr-defined]
        for status, colour in FILLS.items()
    }
    for r, row in enumerate(rows, start=3):
        put(sheet, r, 1, row.region.name, plain)
        put(sheet, r, 2, row.plan.name, plain)
        if row.judged:
            put(sheet, r, 3, float(row.share), share_style)  # as the dashboard prints it: 63.1, 50.0
        else:
            put(sheet, r, 3, f"暂不判断（{row.current}/{row.total}项已更新）", plain)
        put(sheet, r, 4, row.binding_behind, plain)
        for n, item in enumerate(row.cells):
            at = len(FIXED_HEADERS) + 1 + 2 * n
            if item is None:
                put(sheet, r, at, "—", plain)
                put(sheet, r, at + 1, "—", plain)
                continue
            if item.number is None:
                put(sheet, r, at, item.value, plain)  # "/": no figure
            else:
                decimals = item.decimals or 0
                if decimals not in numbers:
                    numbers[decimals] = style_array(book, number_format=number_format(decimals))
                put(sheet, r, at, float(item.number), numbers[decimals])
            verdict = f"{item.label}（{item.part}）" if item.part else item.label
            put(sheet, r, at + 1, verdict, filled.get(item.status, plain))
    sheet.freeze_panes = "C3"
    for n in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(n)].width = 14 if n > 2 else 22
    other = book.create_sheet(SHEET_UNMATCHED)
    for n, text in enumerate(("行政区划", "规划", "指标", "单位"), start=1):
        other.cell(1, n, text).font = Font(bold=True)
    for r, unmatched in enumerate(rollup.unmatched, start=2):
        for n, text in enumerate((unmatched.region, unmatched.plan, unmatched.name, unmatched.unit), start=1):
            set_text(other.cell(r, n), text)
    return book
