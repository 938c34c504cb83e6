"""附件3-style Excel of major projects: one query → frozen rows → ``build_workbook(rows, …)``.

The workbook is grouped by domain in 附件3 order, with a subtotal row per domain and a grand total.
Totals are written as values, not formulas, so every reader (and the test) sees the same numbers.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.xlsx_layout import merge, save_workbook, set_text
from projects.history import stage_as_of
from projects.models import DOMAIN_ORDER, Domain, Level, ProgressNote, Project, Stage
from projects.rules import completion_percent, sum_known

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHINESE_NUMERALS = "一二三四五六七八九十"
SUBTOTAL_LABEL = "小计"
GRAND_TOTAL_LABEL = "合计"
HEADERS = (
    "序号",
    "项目名称",
    "项目级别",
    "建设阶段",
    "总投资（亿元）",
    "{year}年计划投资（亿元）",
    "{year}年完成投资（亿元）",
    "完成率（%）",
    "最新进展",
)
WIDTHS = (7, 42, 10, 11, 13, 15, 15, 11, 60)
AMOUNT_FORMAT = "0.00##"
TOTAL_FORMAT = "0.00"  # subtotals and totals: two decimals, as printed in 附件3
COVERED = "（{count}个项目有投资数据）"
PERCENT_FORMAT = "0.0"


@dataclass(frozen=True)
class ExportRow:
    domain: str
    name: str
    level: str
    stage: str
    total: Decimal | None
    planned: Decimal | None
    completed: Decimal | None
    latest_note: str
    latest_note_date: datetime.date | None

    @property
    def domain_label(self) -> str:
        return str(Domain(self.domain).label)

    @property
    def completion(self) -> Decimal | None:
        return completion_percent(self.planned, self.completed)


@dataclass(frozen=True)
class DomainGroup:
    domain: str
    label: str
    rows: tuple[ExportRow, ...]

    @property
    def total(self) -> Decimal | None:
        return sum_known(r.total for r in self.rows)

    @property
    def planned(self) -> Decimal | None:
        return sum_known(r.planned for r in self.rows)

    @property
    def completed(self) -> Decimal | None:
        return sum_known(r.completed for r in self.rows)

    @property
    def covered(self) -> int:
        """How many of the group's projects have any investment figure: the totals cover only these."""
        return sum(1 for r in self.rows if any(v is not None for v in (r.total, r.planned, r.completed)))


def export_rows(queryset: QuerySet[Project], year: int) -> list[ExportRow]:
    """The rows of the export in one query: the year's investment and the latest note as subqueries.

    As of ``year``: only projects that existed by then, each with its stage and latest note as of the end of
    that year (a 2022 table never shows a note written in 2025). Approved figures only, always: 附件3 is an
    official table, so it never carries a figure awaiting review.
    """
    latest = ProgressNote.objects.filter(project=OuterRef("pk"), date__year__lte=year).order_by("-date", "-pk")
    projects = (
        queryset.existing_in(year)  # type: ignore[attr-defined]
        .with_year(year, preview=False)
        .annotate(
            latest_note=Subquery(latest.values("text")[:1]),
            latest_note_date=Subquery(latest.values("date")[:1]),
            stage_then=stage_as_of(year),
        )
        .in_report_order()
        .values_list(
            "domain",
            "name",
            "level",
            "stage_then",
            "total_investment",
            "year_planned",
            "year_completed",
            "latest_note",
            "latest_note_date",
        )
    )
    levels, stages = dict(Level.choices), dict(Stage.choices)
    return [
        ExportRow(
            domain=domain,
            name=name,
            level=str(levels.get(level, "")),
            stage=str(stages.get(stage, "")),
            total=total,
            planned=planned,
            completed=completed,
            latest_note=note or "",
            latest_note_date=note_date,
        )
        for domain, name, level, stage, total, planned, completed, note, note_date in projects
    ]


def group_by_domain(rows: Iterable[ExportRow]) -> list[DomainGroup]:
    grouped: dict[str, list[ExportRow]] = {}
    for row in rows:
        grouped.setdefault(row.domain, []).append(row)
    return [
        DomainGroup(domain, str(Domain(domain).label), tuple(items))
        for domain, items in sorted(grouped.items(), key=lambda item: DOMAIN_ORDER.get(item[0], 99))
    ]


def build_workbook(rows: list[ExportRow], *, year: int, region_name: str) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"{year}年重大项目"
    thin = Side(style="thin", color="000000")
    # Style ids registered once: openpyxl's ``cell.border = …`` hashes the whole style object on every assignment.
    border = _Style("borderId", wb._borders.add(Border(left=thin, right=thin, top=thin, bottom=thin)))  # type: ignore[attr-defined]
    wrap = _Style("alignmentId", wb._alignments.add(Alignment(wrap_text=True, vertical="center")))  # type: ignore[attr-defined]
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    centered = _Style("alignmentId", wb._alignments.add(center))  # type: ignore[attr-defined]
    bold = _Style("fontId", wb._fonts.add(Font(bold=True)))  # type: ignore[attr-defined]
    group_fill = PatternFill("solid", fgColor="EEF1F5")
    ncols = len(HEADERS)

    merge(ws, start_row=1, start_column=1, end_row=1, end_column=ncols)
    title = ws.cell(row=1, column=1, value=f"{region_name}规划期重大项目进展情况（{year}年）")
    title.font = Font(bold=True, size=14)
    title.alignment = center
    ws.row_dimensions[1].height = 30
    for col, header in enumerate(HEADERS, start=1):
        cell = ws.cell(row=2, column=col, value=header.format(year=year))
        cell.font = Font(bold=True)
        cell.alignment = center
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        cell.fill = group_fill

    r = 3
    groups = group_by_domain(rows)
    for index, group in enumerate(groups):
        merge(ws, start_row=r, start_column=1, end_row=r, end_column=ncols)
        head = ws.cell(row=r, column=1, value=f"{_numeral(index)}、{group.label}（{len(group.rows)}个）")
        bold.apply(head)
        head.fill = group_fill
        _border_row(ws, r, ncols, border)
        r += 1
        for seq, row in enumerate(group.rows, start=1):
            centered.apply(ws.cell(row=r, column=1, value=seq))
            set_text(ws.cell(row=r, column=2), row.name)
            ws.cell(row=r, column=3, value=row.level or None)
            ws.cell(row=r, column=4, value=row.stage or None)
            _amounts(ws, r, row.total, row.planned, row.completed)
            note = f"{row.latest_note_date:%Y-%m-%d} {row.latest_note}" if row.latest_note_date else ""
            set_text(ws.cell(row=r, column=9), note)
            _style_row(ws, r, ncols, border, wrap)
            r += 1
        bold.apply(
            ws.cell(row=r, column=2, value=f"{group.label}{SUBTOTAL_LABEL}{COVERED.format(count=group.covered)}")
        )
        _amounts(ws, r, group.total, group.planned, group.completed, number_format=TOTAL_FORMAT)
        _style_row(ws, r, ncols, border, wrap, font=bold)
        r += 1

    covered = sum(g.covered for g in groups)
    bold.apply(ws.cell(row=r, column=2, value=f"{GRAND_TOTAL_LABEL}{COVERED.format(count=covered)}"))
    _amounts(
        ws,
        r,
        sum_known(g.total for g in groups),
        sum_known(g.planned for g in groups),
        sum_known(g.completed for g in groups),
        number_format=TOTAL_FORMAT,
    )
    _style_row(ws, r, ncols, border, wrap, font=bold)

    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = BytesIO()
    save_workbook(wb, buffer)
    return buffer.getvalue()


def _numeral(index: int) -> str:
    return CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else str(index + 1)


def _amounts(
    ws: Worksheet,
    r: int,
    total: Decimal | None,
    planned: Decimal | None,
    completed: Decimal | None,
    *,
    number_format: str = AMOUNT_FORMAT,
) -> None:
    for col, value in ((5, total), (6, planned), (7, completed)):
        if value is not None and number_format == TOTAL_FORMAT:
            value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        cell = ws.cell(row=r, column=col, value=value)
        cell.number_format = number_format
    percent = completion_percent(planned, completed)
    cell = ws.cell(row=r, column=8, value=percent)
    cell.number_format = PERCENT_FORMAT


@dataclass(frozen=True)
class _Style:
    """One registered style object (font, border, alignment) by its id in the workbook's list."""

    key: str
    id: int

    def apply(self, cell: Any) -> None:
        """What ``cell.<font|border|alignment> = obj`` does, without hashing ``obj`` again."""
        if not cell._style:
            cell._style = StyleArray()
        setattr(cell._style, self.key, self.id)


def _border_row(ws: Worksheet, r: int, ncols: int, border: _Style) -> None:
    for col in range(1, ncols + 1):
        border.apply(ws.cell(row=r, column=col))


def _style_row(ws: Worksheet, r: int, ncols: int, border: _Style, wrap: _Style, font: _Style | None = None) -> None:
    for col in range(1, ncols + 1):
        cell = ws.cell(row=r, column=col)
        border.apply(cell)
        if col != 1:
            wrap.apply(cell)
        if font is not None:
            font.apply(cell)
