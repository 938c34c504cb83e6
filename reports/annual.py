"""An annual plan's execution table (指标 | 年度目标 | 完成值 | 完成情况 | 备注): one build, pure renderers.

Queries of ``build_annual`` (always four, whatever the number of indicators): ``assess_plan``'s indicators,
their series' observations, assigned targets and manual verdicts. The wording of 完成情况 is the annual plan's
(``indicators.annual_assessment``).
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from indicators.annual_assessment import annual_result
from indicators.assessment import assess_plan
from indicators.models import Plan
from indicators.numbers import is_percent_unit
from indicators.periods import Period
from indicators.xlsx_layout import set_text

SHEET_ANNUAL = "年度计划执行情况"
ANNUAL_HEADERS = ("序号", "指标", "年度目标", "完成值", "完成情况", "备注")
NO_FIGURE = "/"


@dataclass(frozen=True)
class AnnualRow:
    indicator_id: int
    seq: str
    name: str
    unit: str
    target_text: str
    figure: str  # the figure as printed, with its period when it is year-to-date: "5.0（上半年）"; "/" if none
    status: str  # Completion code
    label: str
    note: str
    source: str
    previous: str = NO_FIGURE  # last year's full-year figure (the base year), shown beside this year's target


@dataclass(frozen=True)
class AnnualReport:
    plan: Plan
    as_of: Period
    rows: tuple[AnnualRow, ...]

    @property
    def title(self) -> str:
        return f"{self.plan.name}主要预期目标完成情况（截至{self.as_of.label}）"


def build_annual(plan: Plan, as_of: Period) -> AnnualReport:
    rows = []
    for assessment in assess_plan(plan, as_of):
        indicator = assessment.indicator
        if indicator.parent_id:
            continue
        result = annual_result(plan, assessment)
        figure = result.figure
        if figure is None:
            shown = NO_FIGURE
        else:
            shown = _with_unit(figure.display_value, indicator.unit)
            if figure.part:
                shown += f"（{figure.period.label.removeprefix(f'{figure.year}年')}）"
        last_year = next((o for o in assessment.observations if o.period == Period(plan.base_year)), None)
        rows.append(
            AnnualRow(
                indicator_id=indicator.pk,
                seq=indicator.seq,
                name=indicator.name,
                unit=indicator.unit,
                target_text=indicator.target_text,
                figure=shown,
                status=result.completion.value,
                label=result.label + ("（人工研判）" if assessment.verdict.manual else ""),
                note=indicator.note,
                source=figure.source if figure is not None else "",
                previous=NO_FIGURE
                if last_year is None or last_year.no_data
                else _with_unit(last_year.display_value, indicator.unit),
            )
        )
    return AnnualReport(plan=plan, as_of=as_of, rows=tuple(rows))


def _with_unit(shown: str, unit: str) -> str:
    return f"{shown}%" if is_percent_unit(unit) else shown


def build_annual_workbook(report: AnnualReport) -> Workbook:
    """The table as the execution report prints it, title in row 1, headers in row 2, one row per target."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_ANNUAL
    set_text(sheet.cell(1, 1), report.title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ANNUAL_HEADERS))
    for column, header in enumerate(ANNUAL_HEADERS, start=1):
        set_text(sheet.cell(2, column), header).font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="center")
    for r, row in enumerate(report.rows, start=3):
        name = f"{row.name}（{row.unit}）" if row.unit else row.name
        for column, text in enumerate((row.seq, name, row.target_text, row.figure, row.label, row.note), start=1):
            set_text(sheet.cell(r, column), text).alignment = wrap
    for letter, width in zip("ABCDEF", (6, 28, 22, 16, 12, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    return workbook
