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

from django.db.models import OuterRef, QuerySet, Subquery
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.xlsx_layout import merge, print_landscape, put, save_workbook, style_array
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


def as_of_year(queryset: QuerySet[Project], year: int, *, preview: bool = False) -> QuerySet[Project]:
    """Projects as of ``year``: only those that existed by then, each with its stage then (``stage_then``) and the
    year's investment (``with_year``). The project list filters this queryset and the export reads it."""
    existing = queryset.existing_in(year).annotate(stage_then=stage_as_of(year))  # type: ignore[attr-defined]
    return existing.with_year(year, preview=preview)


def export_rows(queryset: QuerySet[Project], year: int) -> list[ExportRow]:
    """The rows of the export in one query: the year's investment and the latest note as subqueries.

    As of ``year``: only projects that existed by then, each with its stage and latest note as of the end of
    that year (a 2022 table never shows a note written in 2025). Approved figures only, always: 附件3 is an
    official table, so it never carries a figure awaiting review.
    """
    return rows_as_of(as_of_year(queryset, year), year)


def rows_as_of(projects: QuerySet[Project], year: int) -> list[ExportRow]:
    """``export_rows`` of a queryset already taken ``as_of_year(…, year)`` with approved figures (the project
    list's filtered queryset), so the one query does not repeat those conditions."""
    latest = ProgressNote.objects.filter(project=OuterRef("pk"), date__year__lte=year).order_by("-date", "-pk")
    values = (
        projects.annotate(
            latest_note=Subquery(latest.values("text")[:1]),
            latest_note_date=Subquery(latest.values("date")[:1]),
        )
        .in_report_order()  # type: ignore[attr-defined]
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
        for domain, name, level, stage, total, planned, completed, note, note_date in values
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
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    group_fill = PatternFill("solid", fgColor="EEF1F5")
    styles = _Styles(wb, Border(left=thin, right=thin, top=thin, bottom=thin), center, group_fill)
    ncols = len(HEADERS)

    merge(ws, start_row=1, start_column=1, end_row=1, end_column=ncols)
    title = ws.cell(row=1, column=1, value=f"{region_name}规划期重大项目进展情况（{year}年）")
    title.font = Font(bold=True, size=14)
    title.alignment = center
    ws.row_dimensions[1].height = 30
    for col, header in enumerate(HEADERS, start=1):
        put(ws, 2, col, header.format(year=year), styles.header)

    r = 3
    groups = group_by_domain(rows)
    for index, group in enumerate(groups):
        put(ws, r, 1, f"{_numeral(index)}、{group.label}（{len(group.rows)}个）", styles.group_head)
        for col in range(2, ncols + 1):
            put(ws, r, col, None, styles.border)
        merge(ws, start_row=r, start_column=1, end_row=r, end_column=ncols)
        r += 1
        for seq, row in enumerate(group.rows, start=1):
            note = f"{row.latest_note_date:%Y-%m-%d} {row.latest_note}" if row.latest_note_date else ""
            put(ws, r, 1, seq, styles.seq)
            put(ws, r, 2, row.name, styles.text)
            put(ws, r, 3, row.level or None, styles.text)
            put(ws, r, 4, row.stage or None, styles.text)
            _amounts(ws, r, styles, row.total, row.planned, row.completed, is_total=False)
            put(ws, r, 9, note, styles.text)
            r += 1
        label = f"{group.label}{SUBTOTAL_LABEL}{COVERED.format(count=group.covered)}"
        _total_row(ws, r, styles, label, group.total, group.planned, group.completed)
        r += 1

    covered = sum(g.covered for g in groups)
    _total_row(
        ws,
        r,
        styles,
        f"{GRAND_TOTAL_LABEL}{COVERED.format(count=covered)}",
        sum_known(g.total for g in groups),
        sum_known(g.planned for g in groups),
        sum_known(g.completed for g in groups),
    )

    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    print_landscape(ws, header_rows="1:2", freeze="A3")
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = BytesIO()
    save_workbook(wb, buffer)
    return buffer.getvalue()


def _numeral(index: int) -> str:
    return CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else str(index + 1)


def _total_row(
    ws: Worksheet,
    r: int,
    styles: _Styles,
    label: str,
    total: Decimal | None,
    planned: Decimal | None,
    completed: Decimal | None,
) -> None:
    put(ws, r, 1, None, styles.bold_border)
    put(ws, r, 2, label, styles.bold_text)
    put(ws, r, 3, None, styles.bold_text)
    put(ws, r, 4, None, styles.bold_text)
    _amounts(ws, r, styles, total, planned, completed, is_total=True)
    put(ws, r, 9, None, styles.bold_text)


def _amounts(
    ws: Worksheet,
    r: int,
    styles: _Styles,
    total: Decimal | None,
    planned: Decimal | None,
    completed: Decimal | None,
    *,
    is_total: bool,
) -> None:
    for col, value in ((5, total), (6, planned), (7, completed)):
        if value is not None and is_total:
            value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        put(ws, r, col, value, styles.bold_total_amount if is_total else styles.amount)
    put(ws, r, 8, completion_percent(planned, completed), styles.bold_percent if is_total else styles.percent)


class _Styles:
    """The style arrays of the export's cells, each font, border, alignment, fill and number format registered
    once in the workbook."""

    def __init__(self, wb: Workbook, border: Border, center: Alignment, group_fill: PatternFill) -> None:
        border_id = wb._borders.add(border)  # type: ignore[attr-defined]
        wrap_id = wb._alignments.add(Alignment(wrap_text=True, vertical="center"))  # type: ignore[attr-defined]
        center_id = wb._alignments.add(center)  # type: ignore[attr-defined]
        bold_id = wb._fonts.add(Font(bold=True))  # type: ignore[attr-defined]
        fill_id = wb._fills.add(group_fill)  # type: ignore[attr-defined]

        self.header = style_array(wb, fontId=bold_id, alignmentId=center_id, borderId=border_id, fillId=fill_id)
        self.group_head = style_array(wb, fontId=bold_id, fillId=fill_id, borderId=border_id)
        self.border = style_array(wb, borderId=border_id)
        self.seq = style_array(wb, borderId=border_id, alignmentId=center_id)
        self.text = style_array(wb, borderId=border_id, alignmentId=wrap_id)
        self.amount = style_array(wb, borderId=border_id, alignmentId=wrap_id, number_format=AMOUNT_FORMAT)
        self.percent = style_array(wb, borderId=border_id, alignmentId=wrap_id, number_format=PERCENT_FORMAT)
        self.bold_border = style_array(wb, borderId=border_id, fontId=bold_id)
        self.bold_text = style_array(wb, borderId=border_id, alignmentId=wrap_id, fontId=bold_id)
        self.bold_total_amount = style_array(
            wb, borderId=border_id, alignmentId=wrap_id, fontId=bold_id, number_format=TOTAL_FORMAT
        )
        self.bold_percent = style_array(
            wb, borderId=border_id, alignmentId=wrap_id, fontId=bold_id, number_format=PERCENT_FORMAT
        )
