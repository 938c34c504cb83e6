"""Step 1 of the Excel import (``indicators.importer`` applies what this reads): the uploaded bytes as a ``Table``.

Pure: no database. ``read_table`` reads the 附件1 template, ``read_any`` any other layout or format (through
``indicators.column_mapping``); ``check_upload`` refuses a file by name and size before it is read. Every problem
is a Chinese message naming the row and column; ``ImportReport`` carries them, and what was written, back to the
page.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.models import Attribute, Plan
from indicators.periods import Period, PeriodError
from indicators.values import MAX_DECIMALS, VALUE_NOT_A_NUMBER, ValueInputError, parse_value
from indicators.xlsx_guard import SheetTooLargeError, check_sizes, load_for_reading
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
    READING_TABLE,
    SHEET_APPENDIX1,
    SHEET_SOURCES,
    SOURCE_HEADERS,
    TITLE_ROW,
    VERDICT_HEADERS,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # a 5 MB .xlsx that unpacks to more is a zip bomb, not a table
MAX_ROWS = 2000
MAX_COLUMNS = 200
# Checked while streaming, before openpyxl loads anything (indicators.xlsx_guard): any sheet (数据来源 has a
# row per value), and all cells together (about 130 MB once loaded).
MAX_ROWS_ANY_SHEET = 40_000
MAX_CELLS = 300_000
NO_DATA_MARKS = frozenset({"/", "／"})

FILE_EMPTY = "文件是空的，请选择填好的 Excel 文件。"
FILE_TOO_LARGE = "文件超过 5 MB，不能导入。请删去无关的工作表、图片后再上传。"
FILE_WRONG_TYPE = "只能导入 Excel（.xlsx、.xlsm、.xls）、CSV（.csv）或 Word（.docx）文件。"
FILE_NOT_XLSX = (
    "该文件不是有效的 Excel 工作簿（.xlsx），可能已损坏或只是改了扩展名。请在 Excel 中“另存为 Excel 工作簿”后再上传。"
)
SHEET_MISSING = "找不到名为“附件1”的工作表（文件中的工作表：{found}）。请使用下载的模板，不要修改工作表名称。"
HEADER_BROKEN = "表头不正确：{cell} 应为“{expected}”，实际为“{found}”。请使用下载的模板。"
HEADER_NOT_A_PERIOD = "表头不正确：{cell}“{found}”不是期间，应写作“2023年”或“2023年上半年”。"
HEADER_DUPLICATE_PERIOD = "表头中期间“{period}”出现了不止一次（{cells}）。"
HEADER_NO_PERIODS = "表头不正确：第3行从 G 列起应为各期间（如“2020年”“2023年上半年”），没有找到。"
HEADER_BASE_NOT_YEAR = "表头不正确：第一个数值列 G3 应为基期年份（如“2020年”），实际为“{found}”。"
HEADER_TARGET_YEAR = "表头不正确：F3 应为目标年份（如“2025年”），实际为“{found}”。"
FORMULA = "{cell} 含公式“{formula}”，不能导入。请复制后“选择性粘贴 → 数值”再上传。"
MERGED_WRONG = "{range} 合并单元格位置不对：数据区只有序号、类别、指标列可以上下合并，指标名称可以跨 C、D 两列。"
NO_ROWS = "表中没有指标行（从第4行开始）。"
ROW_NAME_MISSING = "第{row}行：缺少指标名称。"
ROW_CATEGORY_MISSING = "第{row}行：缺少类别。"
ROW_ATTRIBUTE = "第{row}行：属性“{found}”应为“约束性”或“预期性”。"
ROW_NOT_A_NUMBER = "{cell}（{period}）：“{found}”不是数字。{detail}"
ROW_DUPLICATE = "第{row}行：指标“{name}”与第{first}行重复。"
DETAIL_NUMBER = "请只填数字；暂无数据请留空或填“/”。"
DETAIL_PERCENT = "数值请不要带 %，如 96.6。"
DETAIL_PERCENT_FORMAT = "单元格是百分比格式，请改为常规数字格式后填写，如 96.6。"
TOO_MANY_ROWS = "表格超过 {limit} 行，不像是规划指标表，未导入。"
WARN_TEXT_NUMBER = "{cell}：数字以文本保存，已按 {value} 读取。"

_TITLE_SHORT_NAME = re.compile(r"“(.+?)”")
_TITLE_AS_OF = re.compile(r"截至(.+?)[）)]")
_YEAR = re.compile(r"^\s*(\d{4})\s*年?\s*$")
_UNIT = re.compile(r"^(.*)（([^（）]*)）\s*$")
ATTRIBUTES = {label: value for value, label in Attribute.choices}


class ImportFileError(Exception):
    """A file-level problem: reading stops here."""


@dataclass
class CellValue:
    column: int
    period: Period
    value: Decimal | None
    decimals: int
    no_data: bool


@dataclass
class TableRow:
    row: int
    seq: str
    category: str
    group: str  # the parent's name for a sub-indicator, "" for a top-level indicator
    display_name: str  # as printed, with the unit: 地区生产总值增长（%）
    attribute: str
    target_text: str
    values: list[CellValue]
    manual_label: str = ""
    manual_reason: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.group, self.display_name)


@dataclass
class Table:
    title: str
    short_name: str
    end_year: int
    periods: list[Period]
    rows: list[TableRow]
    as_of: Period | None
    sources: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    @property
    def base_year(self) -> int:
        return self.periods[0].year


@dataclass
class Change:
    row: int
    name: str
    period: str
    old: str
    new: str
    action: str  # 新增 / 修改


@dataclass
class ImportReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    series: list[str] = field(default_factory=list)  # how each new indicator found its series (统计指标)
    reading: Any = None  # column_mapping.Reading: how a table in another layout was understood; None: template
    verdicts: list[Any] = field(default_factory=list)  # column_mapping.VerdictDifference, source vs app, row by row
    committed: bool = False
    plan_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        """``修改 1，新增 3``: how many of each kind of write, for messages and the preview."""
        return "，".join(f"{name} {count}" for name, count in sorted(self.counts.items())) or "无变化"


def cell_name(row: int, column: int) -> str:
    return f"第{row}行 {get_column_letter(column)} 列"


def split_unit(display_name: str) -> tuple[str, str]:
    """``地区生产总值增长（%）`` → (地区生产总值增长, %); no trailing parenthesis → (name, "")."""
    match = _UNIT.match(display_name)
    return (match.group(1).strip(), match.group(2).strip()) if match else (display_name.strip(), "")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _plain(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return _plain(value)
    return str(value).strip()


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


_FORMAT_DECIMALS = re.compile(r"^0(?:\.(0+))?$")


def _number(cell: Cell) -> tuple[Decimal, int]:
    """A numeric cell's value with the decimals its number format prints (0.3470 stays 0.3470)."""
    raw = cell.value
    # A float carries binary noise (0.1 + 0.2); Observation keeps 6 decimals, so round to 6 first.
    text = format(Decimal(repr(round(raw, MAX_DECIMALS))), "f") if isinstance(raw, float) else str(raw)
    parsed = parse_value(text)  # raises ValueInputError: too large
    match = _FORMAT_DECIMALS.match(str(cell.number_format or ""))
    decimals = len(match.group(1) or "") if match else parsed.decimals
    decimals = max(decimals, parsed.decimals)
    value = parsed.value.quantize(Decimal(1).scaleb(-decimals)) if decimals else parsed.value
    return value, decimals


# --- step 1: read the workbook ---------------------------------------------------------------------


def check_upload(name: str, size: int) -> None:
    """Before reading: a table file (indicators.table_reader.SUFFIXES) within the size limit."""
    from indicators.table_reader import suffix_of

    if not suffix_of(name):
        raise ImportFileError(FILE_WRONG_TYPE)
    if size == 0:
        raise ImportFileError(FILE_EMPTY)
    if size > MAX_UPLOAD_BYTES:
        raise ImportFileError(FILE_TOO_LARGE)


def _open(data: bytes) -> Workbook:
    if not data:
        raise ImportFileError(FILE_EMPTY)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(FILE_TOO_LARGE)
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise ImportFileError(FILE_NOT_XLSX)
    try:
        with zipfile.ZipFile(buffer) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ImportFileError(FILE_TOO_LARGE)
            try:  # before openpyxl builds a cell object for each of possibly millions of cells
                check_sizes(archive, max_rows=MAX_ROWS_ANY_SHEET, max_columns=MAX_COLUMNS, max_cells=MAX_CELLS)
            except SheetTooLargeError as error:
                raise ImportFileError(str(error)) from None
        buffer.seek(0)
        return load_for_reading(buffer)
    except ImportFileError:
        raise
    # openpyxl fails on a broken or foreign archive with many kinds of exceptions (KeyError, ValueError,
    # BadZipFile, InvalidFileException, XML errors); for the user they all mean the same thing.
    except Exception:
        raise ImportFileError(FILE_NOT_XLSX) from None


def read_table(data: bytes) -> tuple[Table | None, list[str], list[str]]:
    """The table of sheet 附件1, or None with the errors; warnings are for the preview."""
    errors: list[str] = []
    warnings: list[str] = []
    try:
        workbook = _open(data)
        if SHEET_APPENDIX1 not in workbook.sheetnames:
            raise ImportFileError(SHEET_MISSING.format(found="、".join(workbook.sheetnames)))
        sheet = workbook[SHEET_APPENDIX1]
        if sheet.max_row > MAX_ROWS or sheet.max_column > MAX_COLUMNS:
            raise ImportFileError(TOO_MANY_ROWS.format(limit=MAX_ROWS))
        _check_formulas(sheet, errors)  # reported here; the rows are still read, to list every problem at once
        _check_merges(sheet, errors)
        periods, period_columns, verdict_column, end_year = _read_header(sheet)
        table = _read_rows(sheet, periods, period_columns, verdict_column, end_year, errors, warnings)
        if SHEET_SOURCES in workbook.sheetnames:
            table.sources = _read_sources(workbook[SHEET_SOURCES])
    except ImportFileError as error:
        return None, [str(error)], warnings
    if errors:
        return None, errors, warnings
    return table, errors, warnings


def _check_formulas(sheet: Worksheet, errors: list[str]) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell, MergedCell) or cell.data_type != "f":
                continue
            formula = cell.value if isinstance(cell.value, str) else getattr(cell.value, "text", "") or "="
            errors.append(FORMULA.format(cell=cell_name(cell.row, cell.column), formula=str(formula)[:40]))


def _check_merges(sheet: Worksheet, errors: list[str]) -> None:
    top, second = HEADER_ROWS
    for merged in sheet.merged_cells.ranges:
        rows, cols = (merged.min_row, merged.max_row), (merged.min_col, merged.max_col)
        if rows == (TITLE_ROW, TITLE_ROW):
            continue
        if top <= merged.min_row and merged.max_row <= second:
            continue  # header merges; the header's texts are checked separately
        if merged.min_row >= FIRST_DATA_ROW:
            vertical = cols[0] == cols[1] and cols[0] in (COL_SEQ, COL_CATEGORY, COL_GROUP)
            name_across = rows[0] == rows[1] and cols == (COL_GROUP, COL_NAME)
            if vertical or name_across:
                continue
        errors.append(MERGED_WRONG.format(range=merged.coord))


Merges = dict[tuple[int, int], tuple[int, int]]


def _merge_map(sheet: Worksheet) -> Merges:
    """Every covered cell of a merged range → its top-left cell (read once, not per lookup)."""
    covered: Merges = {}
    for merged in sheet.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                covered[(row, column)] = (merged.min_row, merged.min_col)
    return covered


def _merged_value(sheet: Worksheet, merges: Merges, row: int, column: int) -> Any:
    top_left = merges.get((row, column))
    return sheet.cell(*top_left).value if top_left else sheet.cell(row, column).value


def _in_name_merge(merges: Merges, row: int) -> bool:
    """Is C:D of this row one merged cell (a top-level indicator's name)?"""
    return merges.get((row, COL_NAME)) == (row, COL_GROUP)


def _read_header(sheet: Worksheet) -> tuple[list[Period], list[int], int | None, int]:
    top, second = HEADER_ROWS
    for column, expected in (
        (COL_SEQ, HEADER_SEQ),
        (COL_CATEGORY, HEADER_CATEGORY),
        (COL_GROUP, HEADER_INDICATOR),
        (COL_ATTRIBUTE, HEADER_ATTRIBUTE),
        (COL_TARGET, HEADER_TARGET),
        (COL_FIRST_VALUE, HEADER_VALUES),
    ):
        found = _text(sheet.cell(top, column).value)
        if found != expected:
            raise ImportFileError(HEADER_BROKEN.format(cell=cell_name(top, column), expected=expected, found=found))
    target_header = _text(sheet.cell(second, COL_TARGET).value)
    year = _YEAR.match(target_header)
    if not year:
        raise ImportFileError(HEADER_TARGET_YEAR.format(found=target_header))
    periods: list[Period] = []
    columns: list[int] = []
    seen: dict[Period, list[str]] = {}
    column = COL_FIRST_VALUE
    verdict_column = None
    while column <= sheet.max_column:
        if _text(sheet.cell(top, column).value) in VERDICT_HEADERS:
            verdict_column = column
            break
        label = _text(sheet.cell(second, column).value)
        if not label:
            break
        try:
            period = Period.parse(label)
        except PeriodError:
            raise ImportFileError(HEADER_NOT_A_PERIOD.format(cell=cell_name(second, column), found=label)) from None
        seen.setdefault(period, []).append(cell_name(second, column))
        periods.append(period)
        columns.append(column)
        column += 1
    if not periods:
        raise ImportFileError(HEADER_NO_PERIODS)
    for period, cells in seen.items():
        if len(cells) > 1:
            raise ImportFileError(HEADER_DUPLICATE_PERIOD.format(period=period.label, cells="、".join(cells)))
    if periods[0].is_partial:
        raise ImportFileError(HEADER_BASE_NOT_YEAR.format(found=periods[0].label))
    return periods, columns, verdict_column, int(year.group(1))


def _read_rows(
    sheet: Worksheet,
    periods: list[Period],
    period_columns: list[int],
    verdict_column: int | None,
    end_year: int,
    errors: list[str],
    warnings: list[str],
) -> Table:
    title = _text(sheet.cell(TITLE_ROW, 1).value)
    short = _TITLE_SHORT_NAME.search(title)
    as_of = None
    if found := _TITLE_AS_OF.search(title):
        try:
            as_of = Period.parse(found.group(1))
        except PeriodError:
            as_of = None
    merges = _merge_map(sheet)
    rows: list[TableRow] = []
    category = ""
    first_row_of: dict[tuple[str, str], int] = {}
    last_column = max(period_columns[-1], verdict_column or 0)
    for r in range(FIRST_DATA_ROW, sheet.max_row + 1):
        if all(_merged_value(sheet, merges, r, c) in (None, "") for c in range(COL_GROUP, last_column + 1)):
            continue  # an empty line (or a stray 序号/类别 of a merge) is not a row
        category = _text(_merged_value(sheet, merges, r, COL_CATEGORY)) or category
        if _in_name_merge(merges, r) or not _text(sheet.cell(r, COL_NAME).value):
            group, name = "", _text(_merged_value(sheet, merges, r, COL_GROUP))
        else:
            group, name = _text(_merged_value(sheet, merges, r, COL_GROUP)), _text(sheet.cell(r, COL_NAME).value)
        if not name:
            errors.append(ROW_NAME_MISSING.format(row=r))
            continue
        if not category:
            errors.append(ROW_CATEGORY_MISSING.format(row=r))
        attribute = _text(sheet.cell(r, COL_ATTRIBUTE).value)
        if attribute and attribute not in ATTRIBUTES:
            errors.append(ROW_ATTRIBUTE.format(row=r, found=attribute))
        values: list[CellValue] = []
        for period, column in zip(periods, period_columns, strict=True):
            cell = sheet.cell(r, column)
            if isinstance(cell, MergedCell):
                continue  # already refused by _check_merges
            parsed = _read_value(cell, period, errors, warnings)
            if parsed is not None:
                values.append(parsed)
        row = TableRow(
            row=r,
            seq=_text(_merged_value(sheet, merges, r, COL_SEQ)),
            category=category,
            group=group,
            display_name=name,
            attribute=attribute,
            target_text=_text(sheet.cell(r, COL_TARGET).value),
            values=values,
        )
        if verdict_column is not None:
            verdict = sheet.cell(r, verdict_column)
            comment = verdict.comment.text if verdict.comment else ""
            if comment.startswith(MANUAL_COMMENT_PREFIX):
                row.manual_label = _text(verdict.value)
                row.manual_reason = comment.removeprefix(MANUAL_COMMENT_PREFIX).split("\n", 1)[0].strip()
        if row.key in first_row_of:
            errors.append(ROW_DUPLICATE.format(row=r, name=name, first=first_row_of[row.key]))
            continue
        first_row_of[row.key] = r
        rows.append(row)
    if not rows and not errors:
        raise ImportFileError(NO_ROWS)
    return Table(
        title=title,
        short_name=short.group(1) if short else "",
        end_year=end_year,
        periods=periods,
        rows=rows,
        as_of=as_of,
    )


def _read_value(cell: Cell, period: Period, errors: list[str], warnings: list[str]) -> CellValue | None:
    raw = cell.value
    where = cell_name(cell.row, cell.column)

    def refuse(detail: str) -> None:
        errors.append(ROW_NOT_A_NUMBER.format(cell=where, period=period.label, found=_text(raw), detail=detail))

    if raw is None or (isinstance(raw, str) and not raw.strip()) or cell.data_type == "f":
        return None  # empty, or a formula (already reported)
    if isinstance(raw, str) and raw.strip() in NO_DATA_MARKS:
        return CellValue(cell.column, period, None, 0, True)
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
        refuse(DETAIL_NUMBER)
        return None
    if isinstance(raw, str):
        try:
            parsed = parse_value(raw)
        except ValueInputError as error:
            refuse(DETAIL_NUMBER if error.message == VALUE_NOT_A_NUMBER else error.message)
            return None
        if parsed.percent:
            refuse(DETAIL_PERCENT)
            return None
        warnings.append(WARN_TEXT_NUMBER.format(cell=where, value=_plain(parsed.value)))
        return CellValue(cell.column, period, parsed.value, parsed.decimals, False)
    if "%" in str(cell.number_format or ""):
        refuse(DETAIL_PERCENT_FORMAT)  # Excel stores 96.6% as 0.966
        return None
    try:
        value, decimals = _number(cell)
    except ValueInputError as error:
        refuse(error.message)
        return None
    return CellValue(cell.column, period, value, decimals, False)


def _read_sources(sheet: Worksheet) -> dict[tuple[str, str], tuple[str, str]]:
    """(full name, period label) → (source, note) from the export's 数据来源 sheet, if it is intact."""
    header = tuple(_text(c.value) for c in sheet[1][: len(SOURCE_HEADERS)])
    if header != SOURCE_HEADERS:
        return {}
    found = {}
    for values in sheet.iter_rows(min_row=2, values_only=True):
        if len(values) < len(SOURCE_HEADERS) or _text(values[7]) != READING_TABLE:
            continue
        found[(_text(values[3]), _text(values[4]))] = (_text(values[8]), _text(values[9]))
    return found


_LAYOUT_ERRORS = (SHEET_MISSING.split("“")[0], HEADER_BROKEN.split("：")[0] + "：第2行")


def read_any(
    data: bytes, filename: str, choice: Any = None, *, plan: Plan | None = None
) -> tuple[Table | None, list[str], list[str], Any]:
    """The 附件1 template as before; any other layout or format through ``indicators.column_mapping``,
    whose ``Reading`` (the column meanings, for the preview) comes back as the fourth item."""
    from indicators.column_mapping import read_source
    from indicators.table_reader import suffix_of

    if suffix_of(filename) == ".xlsx" and choice is None:
        table, errors, warnings = read_table(data)
        # Only a sheet or top header that is not the template's means "another layout": a template with a
        # broken period header, a formula or a bad figure keeps the template's precise messages.
        if table is not None or not (len(errors) == 1 and errors[0].startswith(_LAYOUT_ERRORS)):
            return table, errors, warnings, None
    source, reading, errors, warnings = read_source(
        data,
        filename,
        choice,
        base_year=plan.base_year if plan is not None else None,
        end_year=plan.end_year if plan is not None else None,
    )
    if reading is not None:
        warnings = [f"{c.letter} 列“{c.header}”未识别，未导入。" for c in reading.unknown] + warnings
    return source, errors, warnings, reading
