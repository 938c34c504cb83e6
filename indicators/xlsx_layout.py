"""The 附件1 workbook's layout contract and the cell writers of every workbook the app writes.

Below the apps that use them: the 附件1 export (``reports.workbook``) writes this layout and the Excel import
(``indicators.import_reading``) reads it; ``set_text`` and ``merge`` serve every workbook (reports, projects).

Layout contract (the Excel import of issue 5 reads exactly this; change it here and only here):

Sheet ``SHEET_APPENDIX1`` ("附件1"):
  row ``TITLE_ROW`` (1)          the title, merged across the table
  rows ``HEADER_ROWS`` (2, 3)    two header rows: 序号 | 类别 | 指标 (C:D) | 属性 | 目标值 / 2025年 |
                                 实际值 / 2020年, 2021年, … 2023年上半年 | 中期完成情况
  rows from ``FIRST_DATA_ROW`` (4), one per printed row, columns:
      A ``COL_SEQ``        序号 (merged down a sub-indicator group)
      B ``COL_CATEGORY``   类别 (merged down each category)
      C ``COL_GROUP``      a top-level indicator's name with unit, merged across C:D; or, for a
                           sub-indicator, the parent's name (merged down the group)
      D ``COL_NAME``       the sub-indicator's name with unit (empty, merged into C, otherwise)
      E ``COL_ATTRIBUTE``  约束性 / 预期性
      F ``COL_TARGET``     the end-year target as printed (text)
      G ``COL_FIRST_VALUE`` … one column per period, labelled in header row 3 (``Period.label``,
                           e.g. "2023年上半年"; parse with ``Period.parse``); the first is the base year.
                           Numbers are numbers with the printed decimals as number format; "/" = no data.
      last column          中期完成情况 (the plan's wording); a manual verdict carries a cell comment
                           starting with ``MANUAL_COMMENT_PREFIX`` and its reason.
Sheet ``SHEET_APPENDIX2`` ("附件2"): title row, header row ``REASON_HEADERS``, one row per indicator.
Sheet ``SHEET_SOURCES`` ("数据来源"): header row ``SOURCE_HEADERS``, one row per value (口径 "附件1")
  and per alternative reading (口径 "其他口径"); column A is the indicator's database id.

Text that starts like a formula (= + - @, tab, CR) is stored as text, never as a formula.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from copy import copy
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from lxml import etree
from openpyxl import LXML, Workbook
from openpyxl.cell._writer import lxml_write_cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, BUILTIN_FORMATS_REVERSE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

SHEET_APPENDIX1 = "附件1"
SHEET_APPENDIX2 = "附件2"
SHEET_SOURCES = "数据来源"

TITLE_ROW = 1
HEADER_ROWS = (2, 3)
FIRST_DATA_ROW = 4
COL_SEQ = 1
COL_CATEGORY = 2
COL_GROUP = 3
COL_NAME = 4
COL_ATTRIBUTE = 5
COL_TARGET = 6
COL_FIRST_VALUE = 7

HEADER_SEQ = "序号"
HEADER_CATEGORY = "类别"
HEADER_INDICATOR = "指标"
HEADER_ATTRIBUTE = "属性"
HEADER_TARGET = "目标值"
HEADER_VALUES = "实际值"
HEADER_VERDICT = "中期完成情况"
HEADER_VERDICT_FINAL = "完成情况"  # a final evaluation (总结评估)
VERDICT_HEADERS = (HEADER_VERDICT, HEADER_VERDICT_FINAL)
MANUAL_COMMENT_PREFIX = "人工研判："

REASON_HEADERS = ("序号", "指标", "中期完成情况", "完成情况（系统生成）", "主要原因")
SOURCE_HEADERS = ("指标编号", "序号", "类别", "指标", "期间", "数值", "显示值", "口径", "来源", "备注")
READING_TABLE = "附件1"
READING_OTHER = "其他口径"

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def number_format(decimals: int) -> str:
    """Excel number format showing exactly the printed decimals: 0 → "0", 2 → "0.00"."""
    return "0" if decimals <= 0 else "0." + "0" * decimals


# Characters an XML file cannot hold: C0 controls other than tab, line feed and carriage return (openpyxl's
# ``ILLEGAL_CHARACTERS_RE``), lone surrogates, and U+FFFE/U+FFFF. Typed or pasted text may carry them (PostgreSQL
# stores them); a workbook with one does not open, so they are dropped.
NOT_IN_XML = re.compile(ILLEGAL_CHARACTERS_RE.pattern + "|[\ud800-\udfff\ufffe\uffff]")


def set_text(cell: Any, text: str) -> Any:
    """Write ``text`` as a string cell; a formula-like start (=, +, -, @, tab, CR) stays text, also when
    someone edits the cell later in Excel (quote prefix), and so does text that spells an Excel error ("#N/A").
    Used by every workbook the app writes. Characters XML cannot hold are dropped (``NOT_IN_XML``); at most
    32,767 characters, as Excel allows."""
    if NOT_IN_XML.search(text):
        text = NOT_IN_XML.sub("", text)
    cell._value = text[:32767]
    cell.data_type = "s"
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
    return cell


def append_row(sheet: Worksheet, values: Sequence[Any]) -> None:
    """``sheet.append(values)`` with every text through ``set_text``: openpyxl's append stores text starting with
    "=" as a formula, and a department, series or source name is text someone typed. No values: a blank row."""
    row = sheet._current_row + 1  # type: ignore[attr-defined]  # where sheet.append would write
    for column, value in enumerate(values, start=1):
        _fill(sheet.cell(row, column), value)
    sheet._current_row = row  # type: ignore[attr-defined]


def _fill(cell: Any, value: Any) -> None:
    """A value into a new cell: text through ``set_text``, anything else as openpyxl stores it."""
    if isinstance(value, str):
        set_text(cell, value)
    elif value is not None:
        cell.value = value


def print_landscape(sheet: Worksheet, *, header_rows: str, freeze: str) -> None:
    """How every table the app exports prints: landscape A4, one page wide (as many pages long as needed), the
    header rows (``"1:2"``) on every page and frozen on screen above ``freeze`` (``"A3"``)."""
    sheet.freeze_panes = freeze
    sheet.print_title_rows = header_rows
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def put(sheet: Worksheet, row: int, column: int, value: Any, style: Any) -> Any:
    """A new cell at (row, column) with ``value`` and its whole style at once: a copy of a prepared style array
    (font, border, alignment, fill, number format, … ids registered in the workbook beforehand). Text goes
    through ``set_text``. Replaces any cell there. ``sheet.cell`` plus one assignment per style attribute hashed
    each style object and looked the cell up again every time: most of the time of building a table."""
    cell = Cell(sheet, row=row, column=column, style_array=style)
    _fill(cell, value)
    sheet._add_cell(cell)  # type: ignore[attr-defined]  # as sheet.cell does: the sheet's row count follows
    return cell


def style_array(workbook: Workbook, *, number_format: str | None = None, **ids: int) -> StyleArray:
    """A style array for ``put``: registered ids by name (``fontId``, ``borderId``, ``alignmentId``, ``fillId``,
    e.g. from ``workbook._fonts.add(font)``), and a number format registered here."""
    style = StyleArray()
    for key, value in ids.items():
        setattr(style, key, value)
    if number_format is not None:
        if number_format in BUILTIN_FORMATS_REVERSE:
            style.numFmtId = int(BUILTIN_FORMATS_REVERSE[number_format])
        else:
            style.numFmtId = int(workbook._number_formats.add(number_format)) + BUILTIN_FORMATS_MAX_SIZE  # type: ignore[attr-defined]
    return style


class _StyledRange(MergedCellRange):
    """A merged range over cells styled beforehand: openpyxl's pass that copies the last cell's right and bottom
    borders onto the anchor only runs when their borders differ (with equal borders it changes nothing)."""

    def _get_borders(self) -> None:
        cells = self.ws._cells
        anchor = cells.get((self.min_row, self.min_col))
        end = cells.get((self.max_row, self.max_col))
        if anchor is None or (end is not None and end is not anchor and _border_id(end) != _border_id(anchor)):
            super()._get_borders()  # type: ignore[misc]
        else:
            self.start_cell = anchor


def _border_id(cell: Any) -> int:
    return cell._style.borderId if cell._style is not None else 0


def merge(sheet: Worksheet, *, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """``sheet.merge_cells`` without its border pass: each covered cell keeps the style it already has.

    openpyxl replaces the covered cells by unstyled ones and then copies the anchor's borders onto the
    edges cell by cell, which was most of the export's styling time; our cells are styled before merging.
    """
    coord = CellRange(min_row=start_row, min_col=start_column, max_row=end_row, max_col=end_column).coord
    merged = _StyledRange(sheet, coord)
    sheet.merged_cells.add(merged)
    cells = sheet._cells
    for row, column in merged.cells:
        if (row, column) == (start_row, start_column):
            continue
        covered = MergedCell(sheet, row, column)
        old = cells.get((row, column))
        if old is not None:
            covered._style = copy(old._style)  # type: ignore[attr-defined,union-attr]
        cells[(row, column)] = covered


TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;"})


class _RowWriter(WorksheetWriter):
    """openpyxl's sheet writer with a faster ``sheetData``: the rows written as text straight into the sheet's XML.

    openpyxl writes every cell through lxml's incremental ``xf.element`` contexts (two or three per cell, about
    6 µs a cell), most of the time of saving a table. Plain cells (text and numbers without hyperlinks) are
    written here as text with the same markup; any other cell (formula, date, rich text, boolean, hyperlink)
    through openpyxl's own element writer. The text goes into the stream between the elements lxml wrote before
    (flushed first) and after it, non-ASCII as character references as lxml writes them. The XML is openpyxl's,
    element for element and attribute for attribute (``tests/test_xlsx_writer.py``).
    """

    def write_rows(self) -> None:
        if not LXML:  # openpyxl without lxml writes through the standard library: its own rows, unchanged
            super().write_rows()
            return
        xf: Any = self.xf.send(True)
        parts = ["<sheetData>"]
        style_ids: dict[bytes, int] = {}  # openpyxl's id of each style array seen, by the array's content
        for row_idx, row in self.rows():
            self._row(parts, row, row_idx, style_ids)
        parts.append("</sheetData>")
        xf.flush()  # everything lxml holds goes out before the rows
        out: Any = self.out  # the BytesIO given by _InMemoryWriter
        out.write("".join(parts).encode("ascii", "xmlcharrefreplace"))
        self.xf.send(None)

    def _row(self, parts: list[str], row: Any, row_idx: int, style_ids: dict[bytes, int]) -> None:
        sheet: Any = self.ws
        attrs = {"r": f"{row_idx}"}
        attrs.update(sheet.row_dimensions.get(row_idx, {}))
        parts.append(_start("row", attrs) + ">")
        for cell in row:
            comment = cell._comment
            if comment is not None:
                sheet._comments.append(CommentRecord.from_cell(cell))
            style = cell._style
            key = style.tobytes() if style is not None else _NO_STYLE
            styled = key != _NO_STYLE  # openpyxl's ``has_style``: any style id set
            value = cell._value
            if value is None and not styled and comment is None:
                continue
            kind = cell.data_type
            text = kind == "s" and (value is None or type(value) is str)
            number = kind == "n" and (value is None or type(value) in _NUMBER_TYPES)
            if not (text or number) or cell.hyperlink is not None:
                parts.append(_openpyxl_cell(sheet, cell, styled))
                continue
            head = f'<c r="{get_column_letter(cell.column)}{row_idx}"'
            if styled:
                style_id = style_ids.get(key)
                if style_id is None:
                    style_id = style_ids[key] = cell.style_id
                head += f' s="{style_id}"'
            if value is None or value == "":
                parts.append(f'{head} t="{"inlineStr" if text else "n"}"/>')
            elif text:
                space = ' xml:space="preserve"' if value != value.strip() else ""
                parts.append(f'{head} t="inlineStr"><is><t{space}>{value.translate(TEXT_ESCAPES)}</t></is></c>')
            else:
                parts.append(f'{head} t="n"><v>{safe_string(value)}</v></c>')
        parts.append("</row>")


_NO_STYLE = StyleArray().tobytes()
_NUMBER_TYPES = (int, float, Decimal)


def _start(tag: str, attrs: dict[str, str]) -> str:
    return f"<{tag}" + "".join(f' {k}="{str(v).translate(ATTRIBUTE_ESCAPES)}"' for k, v in attrs.items())


def _openpyxl_cell(sheet: Any, cell: Any, styled: bool) -> str:
    """A cell the fast path does not write (formula, date, rich text, boolean, hyperlink), written by openpyxl's
    own lxml cell writer into a scratch stream."""
    buffer = BytesIO()
    with etree.xmlfile(buffer) as xf:
        lxml_write_cell(xf, sheet, cell, styled)
    return buffer.getvalue().decode("ascii")


class _InMemoryWriter(ExcelWriter):
    """openpyxl's writer with each worksheet's XML kept in memory instead of a temporary file per sheet."""

    def write_worksheet(self, ws: Any) -> None:  # openpyxl's own, with the BytesIO and without the cleanup
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _RowWriter(ws, out=BytesIO())
        writer.write()
        ws._rels = writer._rels  # type: ignore[attr-defined]
        self._archive.writestr(ws.path[1:], writer.read())  # type: ignore[attr-defined]
        self.manifest.append(ws)


def save_workbook(workbook: Workbook, out: Any) -> None:
    """``workbook.save(out)`` (a path or a writable file such as an ``HttpResponse``) without openpyxl's temporary
    file per sheet, which cost about a third of writing a small workbook. A write-only workbook saves as usual."""
    if workbook.write_only:
        workbook.save(out)
        return
    workbook.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
    # Fastest deflate level: a tenth less time to save, a fifth larger file (附件3: 12.6 → 15.2 KB).
    with ZipFile(out, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=1) as archive:
        _InMemoryWriter(workbook, archive).write_data()
