"""附件1 (and 附件2, sources) as an Excel workbook in the official layout. A pure renderer: rows in,
``openpyxl.Workbook`` out; tested by reading the workbook back.

Layout contract: ``indicators.xlsx_layout`` (the Excel import reads exactly what this writes). The import
template (``template_workbook``) is this export of a plan, with blank cells to fill in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import replace
from functools import cache
from itertools import groupby
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.models import Plan
from indicators.periods import Period
from indicators.xlsx_layout import (
    COL_ATTRIBUTE,
    COL_CATEGORY,
    COL_FIRST_VALUE,
    COL_GROUP,
    COL_NAME,
    COL_SEQ,
    COL_TARGET,
    FIRST_DATA_ROW,
    HEADER_ATTRIBUTE,
    HEADER_CATEGORY,
    HEADER_INDICATOR,
    HEADER_ROWS,
    HEADER_SEQ,
    HEADER_TARGET,
    HEADER_VALUES,
    MANUAL_COMMENT_PREFIX,
    READING_OTHER,
    READING_TABLE,
    REASON_HEADERS,
    SHEET_APPENDIX1,
    SHEET_APPENDIX2,
    SHEET_SOURCES,
    SOURCE_HEADERS,
    TITLE_ROW,
    merge,
    number_format,
    print_landscape,
    put,
    set_text,
    style_array,
)
from reports.appendix import build_report
from reports.rows import NO_DATA_MARK, Appendix, AppendixRow

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="E7EBF0")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")

# Named styles: far cheaper than setting font/border/alignment per cell (openpyxl hashes each style object on
# every assignment; 500 rows took seconds). Cells get a copy of the registered style's array (``_Styles``), which is
# what ``cell.style = name`` does after searching the workbook's named styles by name on every assignment.
CENTER, LEFT, NUMBER, HEADER, TITLE = "附件-居中", "附件-左对齐", "附件-数值", "附件-表头", "附件-标题"
_Styles = dict[str, StyleArray]


def _named_styles() -> list[NamedStyle]:
    return [
        NamedStyle(CENTER, border=_BORDER, alignment=_CENTER),
        NamedStyle(LEFT, border=_BORDER, alignment=_LEFT),
        NamedStyle(NUMBER, border=_BORDER, alignment=_RIGHT),
        NamedStyle(HEADER, border=_BORDER, alignment=_CENTER, font=Font(bold=True), fill=_HEADER_FILL),
        NamedStyle(TITLE, alignment=_CENTER, font=Font(bold=True, size=14)),
    ]


_STATUS_FILLS = {
    "exceeded": "DDE9F7",
    "on_track": "E3F4E6",
    "assigned_met": "E3F4E6",
    "behind": "FBE4E2",
    "assigned_missed": "FBE4E2",
    "no_data": "ECEFF3",
    "pending": "FFF3D6",
}
_WIDTHS = {COL_SEQ: 6, COL_CATEGORY: 10, COL_GROUP: 14, COL_NAME: 30, COL_ATTRIBUTE: 8, COL_TARGET: 16}
_VALUE_WIDTH = 10
_VERDICT_WIDTH = 13


def build_appendix_workbook(appendix: Appendix) -> Workbook:
    workbook = Workbook()
    styles: _Styles = {}
    for style in _named_styles():
        workbook.add_named_style(style)
        styles[style.name] = style.as_tuple()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_APPENDIX1
    _appendix1(sheet, appendix, styles)
    _appendix2(workbook.create_sheet(SHEET_APPENDIX2), appendix, styles)
    _sources(workbook.create_sheet(SHEET_SOURCES), appendix, styles)
    return workbook


def _styled(sheet: Worksheet, row: int, column: int, style: StyleArray) -> Any:
    """The cell at (row, column) with a fresh copy of a named style's array: ``cell.style = name`` without
    openpyxl's search of the named styles. Like that assignment, it resets number format and quote prefix."""
    cell = sheet.cell(row, column)
    cell._style = copy(style)  # type: ignore[union-attr]
    return cell


def _number_style(sheet: Worksheet, styles: _Styles, decimals: int, base: str = NUMBER) -> StyleArray:
    """A named style's array with the number format of ``decimals`` printed decimals (made once per workbook)."""
    key = f"{base}:{decimals}"
    style = styles.get(key)
    if style is None:
        workbook = sheet.parent
        assert workbook is not None
        style = copy(styles[base])
        style.numFmtId = style_array(workbook, number_format=number_format(decimals)).numFmtId
        styles[key] = style
    return style


def verdict_column(appendix: Appendix) -> int:
    return COL_FIRST_VALUE + len(appendix.columns)


def _appendix1(sheet: Worksheet, appendix: Appendix, styles: _Styles) -> None:
    last = verdict_column(appendix)
    top, second = HEADER_ROWS
    merge(sheet, start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=last)
    title = f"附件1：{appendix.title}（{appendix.stage}，截至{appendix.as_of.label}）"
    set_text(_styled(sheet, TITLE_ROW, 1, styles[TITLE]), title)
    sheet.row_dimensions[TITLE_ROW].height = 30

    for column, text in (
        (COL_SEQ, HEADER_SEQ),
        (COL_CATEGORY, HEADER_CATEGORY),
        (COL_ATTRIBUTE, HEADER_ATTRIBUTE),
        (last, appendix.verdict_header),
    ):
        set_text(sheet.cell(top, column), text)
        merge(sheet, start_row=top, start_column=column, end_row=second, end_column=column)
    set_text(sheet.cell(top, COL_GROUP), HEADER_INDICATOR)
    merge(sheet, start_row=top, start_column=COL_GROUP, end_row=second, end_column=COL_NAME)
    set_text(sheet.cell(top, COL_TARGET), HEADER_TARGET)
    set_text(sheet.cell(second, COL_TARGET), appendix.target_header)
    set_text(sheet.cell(top, COL_FIRST_VALUE), HEADER_VALUES)
    if len(appendix.columns) > 1:
        merge(sheet, start_row=top, start_column=COL_FIRST_VALUE, end_row=top, end_column=last - 1)
    for i, period in enumerate(appendix.columns):
        set_text(sheet.cell(second, COL_FIRST_VALUE + i), period.label)
    header = styles[HEADER]
    for header_row in HEADER_ROWS:
        for column in range(1, last + 1):
            _styled(sheet, header_row, column, header)

    r = FIRST_DATA_ROW
    for row in appendix.rows:
        _data_row(sheet, r, row, appendix, styles)
        r += 1
    _merge_runs(sheet, appendix.rows)

    for column, width in _WIDTHS.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    for i in range(len(appendix.columns)):
        sheet.column_dimensions[get_column_letter(COL_FIRST_VALUE + i)].width = _VALUE_WIDTH
    sheet.column_dimensions[get_column_letter(last)].width = _VERDICT_WIDTH

    print_landscape(sheet, header_rows=f"{HEADER_ROWS[0]}:{HEADER_ROWS[-1]}", freeze=f"A{FIRST_DATA_ROW}")
    sheet.print_area = f"A1:{get_column_letter(last)}{max(FIRST_DATA_ROW, r - 1)}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6


def _data_row(sheet: Worksheet, r: int, row: AppendixRow, appendix: Appendix, styles: _Styles) -> None:
    last = verdict_column(appendix)
    center, left = styles[CENTER], styles[LEFT]
    put(sheet, r, COL_SEQ, row.seq, center)
    put(sheet, r, COL_CATEGORY, row.category, center)
    if row.group_id is not None:
        put(sheet, r, COL_GROUP, row.group, left)
        put(sheet, r, COL_NAME, row.display_name, left)
    else:
        put(sheet, r, COL_GROUP, row.display_name, left)
        put(sheet, r, COL_NAME, None, left)
        merge(sheet, start_row=r, start_column=COL_GROUP, end_row=r, end_column=COL_NAME)
    put(sheet, r, COL_ATTRIBUTE, row.attribute, center)
    put(sheet, r, COL_TARGET, row.target_text, center)
    for i, value_cell in enumerate(row.cells):
        if value_cell is None or value_cell.value is None:
            put(sheet, r, COL_FIRST_VALUE + i, NO_DATA_MARK, center)
        else:
            put(sheet, r, COL_FIRST_VALUE + i, value_cell.value, _number_style(sheet, styles, value_cell.decimals))
    verdict = put(sheet, r, last, row.label, center)
    verdict.fill = _status_fill(row.status)
    notes = [f"{MANUAL_COMMENT_PREFIX}{row.manual_reason}"] if row.manual else []
    notes += [row.data_note] if row.data_note else []
    notes += [f"注：{note}" for note in row.decisive]
    if notes:
        verdict.comment = Comment("\n".join(notes), "规划指标监测平台")
    name_width = _WIDTHS[COL_NAME] + (0 if row.group_id is not None else _WIDTHS[COL_GROUP])
    lines = max(
        _lines(row.display_name, name_width),
        _lines(row.target_text, _WIDTHS[COL_TARGET]),
        _lines(row.group, _WIDTHS[COL_GROUP]) if row.group_id is not None else 1,
    )
    sheet.row_dimensions[r].height = max(20, 16 * lines + 4)


@cache
def _status_fill(status: str) -> PatternFill:
    return PatternFill("solid", fgColor=_STATUS_FILLS.get(status, "FFFFFF"))


def _lines(text: str, width: int) -> int:
    """Rough wrapped line count: a CJK character is about two width units."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return max(1, -(-units // max(1, width - 1)))


def _merge_runs(sheet: Worksheet, rows: Sequence[AppendixRow]) -> None:
    """Merge 类别 down each category and 序号/parent name down each sub-indicator group."""
    start = FIRST_DATA_ROW
    for _, run in groupby(rows, key=lambda row: row.category):
        size = len(list(run))
        if size > 1:
            merge(sheet, start_row=start, start_column=COL_CATEGORY, end_row=start + size - 1, end_column=COL_CATEGORY)
        start += size
    start = FIRST_DATA_ROW
    for group_id, run in groupby(rows, key=lambda row: row.group_id):
        size = len(list(run))
        if group_id is not None and size > 1:
            for column in (COL_SEQ, COL_GROUP):
                merge(sheet, start_row=start, start_column=column, end_row=start + size - 1, end_column=column)
        start += size


def _table(sheet: Worksheet, first_row: int, headers: Iterable[str], widths: Sequence[int], styles: _Styles) -> None:
    for column, text in enumerate(headers, start=1):
        set_text(_styled(sheet, first_row, column, styles[HEADER]), text)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    print_landscape(sheet, header_rows=f"{first_row}:{first_row}", freeze=f"A{first_row + 1}")


def _appendix2(sheet: Worksheet, appendix: Appendix, styles: _Styles) -> None:
    merge(sheet, start_row=1, start_column=1, end_row=1, end_column=len(REASON_HEADERS))
    title = f"附件2：部分规划指标未达时序进度的原因分析（截至{appendix.as_of.label}）"
    set_text(_styled(sheet, 1, 1, styles[TITLE]), title)
    sheet.row_dimensions[1].height = 30
    _table(sheet, 2, REASON_HEADERS, (6, 18, 12, 60, 60), styles)
    labels = {row.indicator_id: row.label for row in appendix.rows}
    for i, reason in enumerate(appendix.reasons, start=1):
        r = 2 + i
        values = (str(i), reason.name, labels.get(reason.indicator_id, ""), reason.facts, reason.text)
        for column, text in enumerate(values, start=1):
            set_text(_styled(sheet, r, column, styles[LEFT if column >= 4 else CENTER]), text)
        sheet.row_dimensions[r].height = 16 * max(_lines(reason.facts, 60), _lines(reason.text, 60)) + 6


def _sources(sheet: Worksheet, appendix: Appendix, styles: _Styles) -> None:
    _table(sheet, 1, SOURCE_HEADERS, (9, 6, 10, 34, 14, 10, 10, 9, 36, 60), styles)
    center, left = styles[CENTER], styles[LEFT]
    r = 2
    for row in appendix.rows:
        for value_cell in row.cells:
            if value_cell is None:
                continue
            readings = [(READING_TABLE, value_cell.value, value_cell.decimals, value_cell.shown)]
            sources = [(value_cell.source, value_cell.note)]
            for other in value_cell.alternatives:
                readings.append((READING_OTHER, other.value, other.decimals, other.shown))
                sources.append((other.source, other.note))
            for (reading, value, decimals, shown), (source, note) in zip(readings, sources, strict=True):
                put(sheet, r, 1, row.indicator_id, center)
                put(sheet, r, 2, row.seq, center)
                put(sheet, r, 3, row.category, center)
                put(sheet, r, 4, row.full_name, left)
                put(sheet, r, 5, value_cell.period.label, center)
                if value is None:
                    put(sheet, r, 6, NO_DATA_MARK, center)
                else:
                    put(sheet, r, 6, value, _number_style(sheet, styles, decimals, CENTER))
                put(sheet, r, 7, shown, center)
                put(sheet, r, 8, reading, center)
                put(sheet, r, 9, source, left)
                put(sheet, r, 10, note, left)
                r += 1


# --- the template ----------------------------------------------------------------------------------


def template_workbook(plan: Plan, periods: list[Period]) -> Workbook:
    """The 附件1 export of ``plan`` with one value column per period in ``periods`` (blank where no figure
    was approved yet), built by the reports engineer's renderer so the layout is the export's."""
    as_of = max(periods, key=lambda p: p.sort_key)
    appendix = build_report(plan, as_of).appendix
    columns = tuple(sorted(set(appendix.columns) | set(periods), key=lambda p: p.sort_key))
    rows = []
    for row in appendix.rows:
        by_period = {c.period: c for c in row.cells if c is not None}
        rows.append(replace(row, cells=tuple(by_period.get(p) for p in columns)))
    appendix = replace(appendix, columns=columns, rows=tuple(rows))
    workbook = build_appendix_workbook(appendix)
    sheet = workbook[SHEET_APPENDIX1]
    for r, row in enumerate(appendix.rows, start=FIRST_DATA_ROW):
        for i, value_cell in enumerate(row.cells):
            if value_cell is None:  # no figure yet: leave the cell empty to be filled in
                sheet.cell(r, COL_FIRST_VALUE + i).value = None
    for name in list(workbook.sheetnames):
        if name not in (SHEET_APPENDIX1, SHEET_SOURCES):
            del workbook[name]
    return workbook
