"""Map a table's columns by the meaning of their headers and read its rows into the importer's ``Table``.

Pure: no database. ``read_source(data, filename, choice)`` finds the header (one or two rows, merged or
not) in the first rows of a grid from ``indicators.table_reader``, names each column's meaning (序号, 类别,
指标, 单位, 属性, 目标值 2025年, 实际值 2023年上半年, 完成情况, 备注 …), applies the user's corrections
(``Choice``), and reads the rows as people write them: "/" and "—" as no data, "7.0左右", "4.2%", full-width
digits, footnote marks kept as notes, sub-indicators from 其中, indentation or a merged 序号.
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from indicators.import_reading import (
    ATTRIBUTES,
    ROW_ATTRIBUTE,
    ROW_DUPLICATE,
    ROW_NAME_MISSING,
    ROW_NOT_A_NUMBER,
    CellValue,
    Table,
    TableRow,
    cell_name,
    split_unit,
)
from indicators.periods import Period, PeriodError
from indicators.table_reader import Grid, SourceCell, SourceError, normalize, plain, read_grids
from indicators.values import ValueInputError, parse_value

HEADER_SCAN_ROWS = 10

NO_HEADER = (
    "在“{name}”的前{rows}行中没有找到表头：至少需要“指标”（或“指标名称”）列，"
    "以及目标或年份列（如“2025年目标”“2021年”）。"
)
NO_VALUE_COLUMNS = "“{name}”中没有找到目标列或年份列（如“2025年”“2023年上半年”）。请在预览中指定各列的含义。"
TWO_TABLES = "第{row}行又是一行表头（{words}）：一张表格中只能有一张指标表。请把两张表分开后分别导入。"
DUPLICATE_COLUMN = "{columns}都被识别为“{label}”，请在预览中把其中一列改为其他含义或“不导入”。"
NO_NAME_COLUMN = "没有“指标”列：请在预览中指定哪一列是指标名称。"
NO_TARGET_YEAR = "无法确定目标年份：请在预览中把目标列指定为“目标值 {year}年”。"
NO_BASE_YEAR = "表中没有基期（{year}年）数值列，无法建立新规划。请加上基期列，或先在规划管理中建立规划再导入。"
TABLE_CHOICE_WRONG = "所选表格不存在，请重新选择。"
VALUE_DETAIL = "请只填数字；暂无数据请留空或填“/”。"
VALUE_PERCENT = "该指标单位为“{unit}”，不能填百分数。"
WARN_GROUP_FIGURES = "第{row}行：“{name}”下有分项指标，作为分组导入，本行的目标和数值未导入。"
WARN_FOOTNOTE_ROW = "第{row}行：“{text}”作为表注，未导入。"
WARN_APPROXIMATE = "{cell}：“{found}”按 {value} 导入，原文记入备注。"
WARN_PERCENT_VALUE = "{cell}：“{found}”按 {value} 导入（单位为%）。"
NOTE_FOOTNOTE = "原表标注“{mark}”"
NOTE_ORIGINAL = "原表为“{text}”"
DEFAULT_CATEGORY = "未分类"
WARN_NO_CATEGORY = "表中有指标没有类别，归入“{name}”类别（可在规划管理中修改）。"

# --- meanings ----------------------------------------------------------------------------------------------

SEQ, CATEGORY, GROUP, NAME, UNIT, ATTRIBUTE = "seq", "category", "group", "name", "unit", "attribute"
TARGET, VALUE, VERDICT, NOTE, IGNORE, UNKNOWN = "target", "value", "verdict", "note", "ignore", "unknown"
KIND_LABELS = {
    SEQ: "序号",
    CATEGORY: "类别",
    GROUP: "指标（分组）",
    NAME: "指标",
    UNIT: "单位",
    ATTRIBUTE: "属性",
    TARGET: "目标值",
    VALUE: "实际值",
    VERDICT: "完成情况（原表结论）",
    NOTE: "备注",
    IGNORE: "不导入",
    UNKNOWN: "未识别（不导入）",
}
SINGLE_KINDS = (SEQ, CATEGORY, GROUP, NAME, UNIT, ATTRIBUTE, TARGET, VERDICT, NOTE)

# Checked in this order: 指标属性 is an attribute, not a name; 计量单位 a unit.
_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (SEQ, ("序号", "编号", "序")),
    (ATTRIBUTE, ("属性", "性质", "指标类型")),
    (UNIT, ("单位", "计量单位")),
    (VERDICT, ("完成情况", "评估结论", "进展情况", "结论", "评价", "进度情况")),
    (NOTE, ("备注", "来源", "说明", "注")),
    (CATEGORY, ("类别", "领域", "分类", "类型", "板块")),
    (TARGET, ("目标", "规划目标", "预期目标", "目标值")),
    (NAME, ("指标", "指标名称", "名称", "主要指标", "项目", "指标项")),
)
_NOT_IMPORTED = ("责任", "牵头", "部门")  # 责任单位 is not a unit: departments are assigned by the admin
_YEAR = re.compile(r"(19\d{2}|20\d{2}|21\d{2})\s*年?")
_PARTS = (
    (("上半年", "H1", "1-6月", "1—6月", "1～6月", "1~6月"), "H1"),
    (("下半年", "H2"), "H2"),
    (("第一季度", "一季度", "Q1", "1-3月"), "Q1"),
    (("第二季度", "二季度", "Q2"), "Q2"),
    (("前三季度", "第三季度", "三季度", "Q3", "1-9月"), "Q3"),
    (("第四季度", "四季度", "Q4"), "Q4"),
)
_CATEGORY_HEADING = re.compile(r"^[一二三四五六七八九十]+[、.．]\s*(.+)$|^[（(][一二三四五六七八九十]+[）)]\s*(.+)$")
_SUB_PREFIX = re.compile(r"^其中\s*[:：、,，]?\s*")
_FOOTNOTE = re.compile(r"(\*+|＊+|※|[（(]?注\s*[0-9０-９①-⑩]*[）)]?|[①-⑩]|[¹²³⁴-⁹⁰]+)$")
_APPROXIMATE = ("左右", "以上", "以下", "约", "近", "超过", "不低于", "不高于")
NO_DATA_TEXTS = frozenset({"/", "／", "—", "——", "－", "-", "–", "\\", "无", "暂无", "暂无数据", "N/A", "NA", "…"})
_FOOTNOTE_TEXT = re.compile(r"^(注|说明|备注|资料来源|数据来源|来源)\s*[0-9①-⑩]*\s*[:：]")


@dataclass(frozen=True)
class ColumnMeaning:
    column: int
    header: str
    kind: str
    period: Period | None = None

    @property
    def letter(self) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(self.column)

    @property
    def label(self) -> str:
        base = KIND_LABELS[self.kind]
        return f"{base} {self.period.label}" if self.period is not None else base

    @property
    def code(self) -> str:
        return f"{self.kind}:{self.period.code}" if self.period is not None else self.kind


def parse_code(code: str) -> tuple[str, Period | None]:
    """``target:2025`` → (target, 2025); ``name`` → (name, None); anything else raises ValueError."""
    kind, _, period = code.partition(":")
    if kind not in KIND_LABELS or kind == UNKNOWN:
        raise ValueError(code)
    if kind in (TARGET, VALUE):
        try:
            return kind, Period.parse(period)
        except PeriodError:
            raise ValueError(code) from None
    if period:
        raise ValueError(code)
    return kind, None


@dataclass(frozen=True)
class Choice:
    """The user's corrections in the preview: which table, and a meaning for some columns."""

    table: int | None = None
    columns: dict[int, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"table": self.table, "columns": {str(k): v for k, v in self.columns.items()}})

    @classmethod
    def from_json(cls, text: str) -> Choice | None:
        """None for an empty or tampered value (the preview then starts from what the reader found)."""
        try:
            raw = json.loads(text or "null")
            if raw is None:
                return None
            table = raw.get("table")
            columns = {int(k): str(v) for k, v in raw.get("columns", {}).items()}
            for code in columns.values():
                parse_code(code)
            if table is not None and not isinstance(table, int):
                return None
        except (ValueError, TypeError, AttributeError):
            return None
        return cls(table=table, columns=columns)


def choice_from_form(data: Any) -> Choice:
    """The preview's correction form (``table``, ``column-<n>`` = a meaning code) as a ``Choice``;
    fields that do not parse are left out, so the reader's own reading stands for them."""
    columns = {}
    for key in data:
        if not key.startswith("column-") or not key.removeprefix("column-").isdigit():
            continue
        code = str(data.get(key, ""))
        try:
            parse_code(code)
        except ValueError:
            continue
        columns[int(key.removeprefix("column-"))] = code
    table = str(data.get("table", ""))
    if table != str(data.get("previous_table", table)):
        columns = {}  # another table: its columns are read afresh
    return Choice(table=int(table) if table.isdigit() else None, columns=columns)


@dataclass
class VerdictDifference:
    row: int
    name: str
    source: str
    app: str
    differs: bool


@dataclass
class Reading:
    """What the reader understood, for the preview: the tables offered, the header rows, each column's meaning."""

    filename: str
    tables: list[str]
    table: int
    header_rows: tuple[int, ...]
    columns: list[ColumnMeaning]
    source_verdicts: dict[int, str] = field(default_factory=dict)  # row → the source's own verdict
    row_keys: dict[int, tuple[str, str]] = field(default_factory=dict)  # row → (group, display name)

    @property
    def table_name(self) -> str:
        return self.tables[self.table] if 0 <= self.table < len(self.tables) else ""

    @property
    def unknown(self) -> list[ColumnMeaning]:
        return [c for c in self.columns if c.kind == UNKNOWN]

    @property
    def choice(self) -> Choice:
        return Choice(table=self.table, columns={c.column: c.code for c in self.columns if c.kind != UNKNOWN})

    def options(self, periods: list[Period], end_year: int | None) -> list[tuple[str, str]]:
        """The meanings a column can be given in the preview: fixed kinds, the target year, each period."""
        found = {c.period for c in self.columns if c.period is not None}
        years = sorted({p.year for p in found} | ({end_year} if end_year else set()))
        every = sorted(set(periods) | {p for c in self.columns if c.kind == VALUE and (p := c.period)}, key=_sort)
        options = [(kind, KIND_LABELS[kind]) for kind in (SEQ, CATEGORY, GROUP, NAME, UNIT, ATTRIBUTE)]
        options += [(f"{TARGET}:{year}", f"目标值 {year}年") for year in years]
        options += [(f"{VALUE}:{p.code}", f"实际值 {p.label}") for p in every]
        options += [(VERDICT, KIND_LABELS[VERDICT]), (NOTE, KIND_LABELS[NOTE]), (IGNORE, KIND_LABELS[IGNORE])]
        return options


def _sort(period: Period) -> tuple[int, int]:
    return period.sort_key


# --- header ------------------------------------------------------------------------------------------------


def header_period(text: str) -> Period | None:
    """``2023年上半年``, ``2023H1``, ``2023年1-6月``, ``2021年`` → a period; text without a year → None."""
    text = normalize(text)
    match = _YEAR.search(text)
    if not match:
        return None
    rest = text[: match.start()] + text[match.end() :]
    part = next((code for words, code in _PARTS if any(w in rest for w in words)), "")
    try:
        return Period(int(match.group(1)), part)
    except PeriodError:
        return None


def _part_only(text: str) -> str | None:
    text = normalize(text)
    if text == "全年":
        return ""
    return next((code for words, code in _PARTS if text in words), None)


def _word_kind(text: str) -> str | None:
    text = normalize(text)
    if not text or any(word in text for word in _NOT_IMPORTED):
        return None
    for kind, words in _WORDS:
        if text in words:
            return kind
    for kind, words in _WORDS:  # 指标名称及单位, 2025年规划目标 …: a known word inside
        if any(len(w) > 1 and w in text for w in words):
            return kind
    return None


def classify(top: str, sub: str) -> tuple[str, Period | None]:
    """A column's meaning from its header: the top row's words and, under a merged top, the second row's."""
    top_n, sub_n = normalize(top), normalize(sub)
    words = top_n + sub_n
    period = header_period(sub_n) or header_period(top_n) if (sub_n or top_n) else None
    if sub_n and (part := _part_only(sub_n)) is not None and (year := header_period(top_n)) is not None:
        period = Period(year.year, part)  # 上半年 under a merged 2023年
    if period is not None:
        if "目标" in words or "规划" in words:
            return TARGET, Period(period.year)
        if _word_kind(sub_n) in (VERDICT, NOTE) or (not sub_n and _word_kind(top_n) in (VERDICT, NOTE)):
            return (_word_kind(sub_n) or _word_kind(top_n)) or UNKNOWN, None
        return VALUE, period
    kind = _word_kind(sub_n) or _word_kind(top_n)
    if kind == TARGET:
        return TARGET, None  # the year comes from the plan, or the user names it
    return (kind or UNKNOWN), None


def _header_score(grid: Grid, row: int) -> tuple[int, bool]:
    kinds = [classify(grid.cell(row, c).text, "")[0] for c in range(1, grid.width + 1)]
    known = [k for k in kinds if k != UNKNOWN]
    return len(set(known)), NAME in kinds


def find_header(grid: Grid) -> tuple[int, ...] | None:
    """The header rows: the first of the first rows naming at least a 指标 column and one other meaning,
    and the row below it when it continues the header (the 指标 cell there is empty or merged from above)."""
    for row in range(1, min(HEADER_SCAN_ROWS, len(grid.rows)) + 1):
        score, has_name = _header_score(grid, row)
        if not (has_name and score >= 2):
            continue
        below = row + 1
        name_column = next(c for c in range(1, grid.width + 1) if classify(grid.cell(row, c).text, "")[0] == NAME)
        continues = below <= len(grid.rows) and not grid.own(below, name_column).text
        if continues and any(grid.own(below, c).text for c in range(1, grid.width + 1)):
            return (row, below)
        return (row,)
    return None


def map_columns(grid: Grid, header_rows: tuple[int, ...], end_year: int | None) -> list[ColumnMeaning]:
    top = header_rows[0]
    columns: list[ColumnMeaning] = []
    for c in range(1, grid.width + 1):
        top_text = grid.cell(top, c).text
        sub_text = ""
        if len(header_rows) == 2 and not grid.merged_down(header_rows[1], c):
            sub_text = grid.cell(header_rows[1], c).text
        if not top_text and not sub_text:
            continue
        kind, period = classify(top_text, sub_text)
        header = f"{top_text} / {sub_text}" if sub_text and sub_text != top_text else top_text or sub_text
        columns.append(ColumnMeaning(c, header, kind, period))
    # two neighbouring 指标 columns (指标 merged across C:D): the first holds the group, the second the name
    names = [c for c in columns if c.kind == NAME]
    if len(names) == 2 and names[1].column == names[0].column + 1:
        columns[columns.index(names[0])] = ColumnMeaning(names[0].column, names[0].header, GROUP)
    # a bare year before an earlier year (2025年 | 2020年 | 2021年 …, as the report prints it) is the target
    bare = [c for c in columns if c.kind == VALUE and c.period is not None and not c.period.is_partial]
    if not any(c.kind == TARGET for c in columns) and len(bare) >= 2:
        first, second = bare[0], bare[1]
        assert first.period is not None and second.period is not None
        if first.period.year > second.period.year or (end_year and first.period.year == end_year):
            columns[columns.index(first)] = ColumnMeaning(first.column, first.header, TARGET, Period(first.period.year))
    # a target without a year takes the plan's end year
    if end_year:
        columns = [
            ColumnMeaning(c.column, c.header, TARGET, Period(end_year)) if c.kind == TARGET and not c.period else c
            for c in columns
        ]
    return columns


def _apply_choice(columns: list[ColumnMeaning], grid: Grid, header_rows: tuple[int, ...], choice: Choice | None):
    if not choice or not choice.columns:
        return columns
    by_column = {c.column: c for c in columns}
    for column, code in choice.columns.items():
        if not 1 <= column <= grid.width:
            continue
        kind, period = parse_code(code)
        header = by_column[column].header if column in by_column else ""
        by_column[column] = ColumnMeaning(column, header, kind, period)
    return [by_column[c] for c in sorted(by_column)]


def _check_columns(columns: list[ColumnMeaning], name: str, end_year: int | None) -> list[str]:
    errors = []
    seen: dict[str, list[str]] = {}
    for c in columns:
        if c.kind in SINGLE_KINDS or c.kind == VALUE:
            seen.setdefault(c.label, []).append(f"{c.letter} 列")
    for label, letters in seen.items():
        if len(letters) > 1:
            errors.append(DUPLICATE_COLUMN.format(columns="、".join(letters), label=label))
    kinds = {c.kind for c in columns}
    if NAME not in kinds:
        errors.append(NO_NAME_COLUMN)
    if TARGET in kinds and any(c.kind == TARGET and c.period is None for c in columns):
        errors.append(NO_TARGET_YEAR.format(year=end_year or "2025"))
    if not kinds & {TARGET, VALUE}:
        errors.append(NO_VALUE_COLUMNS.format(name=name))
    return errors


# --- rows ------------------------------------------------------------------------------------------------


@dataclass
class _Raw:
    row: int
    seq: str
    category: str
    name: str
    unit: str
    attribute: str
    target: str
    values: list[CellValue]
    notes: dict[str, str]  # period label → note
    verdict: str
    sub: bool
    indent: int
    seq_merged: bool

    @property
    def has_figures(self) -> bool:
        return bool(self.target or self.values)


def _footnote(text: str) -> tuple[str, str]:
    """``4.0*`` → (4.0, *); ``3.7注1`` → (3.7, 注1); marks are cut before full-width folding (① folds to 1)."""
    match = _FOOTNOTE.search(text.strip())
    if not match or match.start() == 0:
        return text.strip(), ""
    return text.strip()[: match.start()].strip(), match.group(1)


def _target_text(cell: SourceCell) -> tuple[str, str]:
    if cell.number is not None:
        return plain(cell.number), ""
    text, mark = _footnote(cell.text)
    if normalize(text) in NO_DATA_TEXTS:
        return "", mark
    return text.replace("\n", "").strip(), mark


def _value(
    cell: SourceCell, where: str, period: Period, unit: str, errors: list[str], warnings: list[str]
) -> tuple[CellValue | None, str]:
    """One figure as people write it; the second item is a note to keep with it (a footnote mark, 左右)."""
    column = 0  # filled in by the caller

    def refuse(detail: str) -> tuple[None, str]:
        errors.append(ROW_NOT_A_NUMBER.format(cell=where, period=period.label, found=cell.text, detail=detail))
        return None, ""

    if cell.number is not None:
        if cell.percent and unit not in ("%", ""):
            return refuse(VALUE_PERCENT.format(unit=unit))
        return CellValue(column, period, cell.number, cell.decimals, False), ""
    text, mark = _footnote(cell.text)
    notes = [NOTE_FOOTNOTE.format(mark=mark)] if mark else []
    folded = normalize(text)
    if not folded:
        if mark:
            return refuse(VALUE_DETAIL)
        return None, ""
    if folded in NO_DATA_TEXTS:
        return CellValue(column, period, None, 0, True), "；".join(notes)
    core = folded
    for word in _APPROXIMATE:
        core = core.replace(word, "")
    if unit and core.endswith(unit) and unit != "%":
        core = core[: -len(unit)]
    try:
        parsed = parse_value(core)
    except ValueInputError as error:
        return refuse(VALUE_DETAIL if "数字" in error.message else error.message)
    if parsed.percent and unit not in ("%", ""):
        return refuse(VALUE_PERCENT.format(unit=unit))
    if any(word in folded for word in _APPROXIMATE):
        notes.append(NOTE_ORIGINAL.format(text=cell.text))
        warnings.append(WARN_APPROXIMATE.format(cell=where, found=cell.text, value=plain(parsed.value)))
    return CellValue(column, period, parsed.value, parsed.decimals, False), "；".join(notes)


def _is_footnote_row(cells: list[str]) -> bool:
    filled = [t for t in cells if t]
    return bool(filled) and bool(_FOOTNOTE_TEXT.match(normalize(filled[0]))) and len(set(filled)) == 1


def read_rows(
    grid: Grid, header_rows: tuple[int, ...], columns: list[ColumnMeaning], base_year: int | None
) -> tuple[Table, Reading, list[str], list[str]]:
    errors: list[str] = []
    warnings: list[str] = []
    by_kind: dict[str, ColumnMeaning] = {c.kind: c for c in columns if c.kind in SINGLE_KINDS}
    value_columns = [c for c in columns if c.kind == VALUE and c.period is not None]
    header_words = {w for _, words in _WORDS for w in words if len(w) > 1}
    raws: list[_Raw] = []
    category = ""

    def text(row: int, kind: str, *, merged: bool = True) -> str:
        column = by_kind.get(kind)
        if column is None:
            return ""
        cell = grid.cell(row, column.column) if merged else grid.own(row, column.column)
        return cell.text if cell.number is None else plain(cell.number)

    for r in range(header_rows[-1] + 1, len(grid.rows) + 1):
        row_texts = [grid.own(r, c).text for c in range(1, grid.width + 1)]
        if not any(row_texts):
            continue
        repeated = [t for t in row_texts if normalize(t) in header_words]
        if len(repeated) >= 3:
            errors.append(TWO_TABLES.format(row=r, words="、".join(repeated[:4])))
            break
        if _is_footnote_row(row_texts):
            warnings.append(WARN_FOOTNOTE_ROW.format(row=r, text=next(t for t in row_texts if t)[:30]))
            continue
        category = text(r, CATEGORY).strip() or category
        group_text = text(r, GROUP)
        name_cell = grid.own(r, by_kind[NAME].column) if NAME in by_kind else SourceCell()
        name = name_cell.text
        if GROUP in by_kind and (not name or grid.merges.get((r, by_kind[NAME].column)) == (r, by_kind[GROUP].column)):
            name, group_text = group_text, ""
        values: list[CellValue] = []
        notes: dict[str, str] = {}
        unit = text(r, UNIT)
        shown_unit = unit or split_unit(_name_with_unit(name))[1]
        for column in value_columns:
            assert column.period is not None
            where = cell_name(r, column.column)
            parsed, note = _value(grid.own(r, column.column), where, column.period, shown_unit, errors, warnings)
            if parsed is not None:
                parsed.column = column.column
                values.append(parsed)
            if note:
                notes[column.period.label] = note
        target, mark = _target_text(grid.own(r, by_kind[TARGET].column)) if TARGET in by_kind else ("", "")
        target_period = by_kind[TARGET].period if TARGET in by_kind else None
        if mark and target_period is not None:
            notes.setdefault(target_period.label, NOTE_FOOTNOTE.format(mark=mark))
        extra = text(r, NOTE, merged=False)
        if extra:
            for label in [v.period.label for v in values]:
                notes[label] = "；".join(filter(None, [notes.get(label, ""), extra]))
        seq = text(r, SEQ)
        heading = _CATEGORY_HEADING.match(normalize(name)) if name else None
        if CATEGORY not in by_kind and heading and not values and not target:
            category = (heading.group(1) or heading.group(2)).strip()
            continue
        if not name and not group_text:
            if values or target:
                errors.append(ROW_NAME_MISSING.format(row=r))
            continue
        sub = bool(_SUB_PREFIX.match(name.strip()))
        name = _SUB_PREFIX.sub("", name.strip())
        seq_column = by_kind.get(SEQ)
        raws.append(
            _Raw(
                row=r,
                seq=seq,
                category=category,
                name=(f"{group_text}\x00{name}" if group_text else name),
                unit=unit,
                attribute=text(r, ATTRIBUTE),
                target=target,
                values=values,
                notes=notes,
                verdict=text(r, VERDICT, merged=False).strip(),
                sub=sub,
                indent=name_cell.indent,
                seq_merged=bool(seq_column and grid.merged_down(r, seq_column.column)),
            )
        )
    rows, sources, verdicts, keys = _build_rows(raws, errors, warnings)
    periods = sorted({c.period for c in value_columns if c.period is not None}, key=_sort)
    if base_year is not None and Period(base_year) not in periods:
        periods.insert(0, Period(base_year))  # into a plan that exists: only the plan's base year is checked
    target_column = by_kind.get(TARGET)
    end_year = target_column.period.year if target_column and target_column.period else 0
    table = Table(title="", short_name="", end_year=end_year, periods=periods, rows=rows, as_of=None)
    table.sources = sources
    reading = Reading(filename="", tables=[], table=0, header_rows=header_rows, columns=columns)
    reading.source_verdicts = verdicts
    reading.row_keys = keys
    return table, reading, errors, warnings


def _name_with_unit(name: str) -> str:
    """``地区生产总值增长(%)`` → ``地区生产总值增长（%）``: half-width brackets of a trailing unit made full-width."""
    name = name.strip()
    match = re.match(r"^(.*?)\s*[(（]([^()（）]*)[)）]\s*$", name)
    return f"{match.group(1).strip()}（{match.group(2).strip()}）" if match else name


def _build_rows(
    raws: list[_Raw], errors: list[str], warnings: list[str]
) -> tuple[list[TableRow], dict[tuple[str, str], tuple[str, str]], dict[int, str], dict[int, tuple[str, str]]]:
    # A row is a sub-indicator when it says 其中, is indented deeper than the row it follows, or shares a
    # merged 序号 with the rows above; its parent is the last top-level row, which then becomes a group.
    parent_of: dict[int, int] = {}
    last_top: int | None = None
    for index, raw in enumerate(raws):
        if "\x00" in raw.name:
            last_top = None
            continue
        top = raws[last_top] if last_top is not None else None
        is_sub = top is not None and (
            raw.sub or raw.indent > top.indent or (raw.seq_merged and raw.seq == top.seq and not top.has_figures)
        )
        if is_sub and last_top is not None:
            parent_of[index] = last_top
        else:
            last_top = index
    groups = set(parent_of.values())
    rows: list[TableRow] = []
    sources: dict[tuple[str, str], tuple[str, str]] = {}
    verdicts: dict[int, str] = {}
    keys: dict[int, tuple[str, str]] = {}
    first_row_of: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(raws):
        if index in groups:
            if raw.has_figures:
                warnings.append(WARN_GROUP_FIGURES.format(row=raw.row, name=raw.name))
            continue
        if "\x00" in raw.name:
            group, name = raw.name.split("\x00", 1)
        elif index in parent_of:
            group, name = split_unit(_name_with_unit(raws[parent_of[index]].name))[0], raw.name
        else:
            group, name = "", raw.name
        display = _name_with_unit(name)
        if raw.unit and not split_unit(display)[1]:
            display = f"{display}（{raw.unit.strip()}）"
        attribute = normalize(raw.attribute)
        attribute = {"约束": "约束性", "预期": "预期性"}.get(attribute, attribute)
        if attribute and attribute not in ATTRIBUTES:
            errors.append(ROW_ATTRIBUTE.format(row=raw.row, found=raw.attribute))
        if not raw.category and WARN_NO_CATEGORY.format(name=DEFAULT_CATEGORY) not in warnings:
            warnings.append(WARN_NO_CATEGORY.format(name=DEFAULT_CATEGORY))
        row = TableRow(
            row=raw.row,
            seq=raws[parent_of[index]].seq if index in parent_of else raw.seq,
            category=raw.category or DEFAULT_CATEGORY,
            group=group,
            display_name=display,
            attribute=attribute,
            target_text=raw.target,
            values=raw.values,
        )
        if row.key in first_row_of:
            errors.append(ROW_DUPLICATE.format(row=raw.row, name=display, first=first_row_of[row.key]))
            continue
        first_row_of[row.key] = raw.row
        full_name = f"{group}·{split_unit(display)[0]}" if group else split_unit(display)[0]
        for label, note in raw.notes.items():
            sources[(full_name, label)] = ("", note)
        if raw.verdict:
            verdicts[raw.row] = raw.verdict
        keys[raw.row] = row.key
        rows.append(row)
    return rows, sources, verdicts, keys


# --- the whole source --------------------------------------------------------------------------------------


def read_source(
    data: bytes,
    filename: str,
    choice: Choice | None = None,
    *,
    base_year: int | None = None,
    end_year: int | None = None,
) -> tuple[Table | None, Reading | None, list[str], list[str]]:
    """The chosen (or first readable) table of the file as the importer's ``Table``, with what was understood.

    ``base_year``/``end_year`` are the plan's when importing into a plan that exists (they resolve a target
    column without a year and spare the base-year column); None when the table builds a new plan."""
    try:
        grids = read_grids(data, filename)
    except SourceError as error:
        return None, None, [str(error)], []
    names = [g.name for g in grids]
    if choice is not None and choice.table is not None:
        if not 0 <= choice.table < len(grids):
            return None, None, [TABLE_CHOICE_WRONG], []
        index = choice.table
        header_rows = find_header(grids[index])
    else:
        found = [(i, h) for i, g in enumerate(grids) if (h := find_header(g)) is not None]
        index, header_rows = found[0] if found else (0, None)
    grid = grids[index]
    if header_rows is None:
        return None, None, [NO_HEADER.format(name=grid.name, rows=HEADER_SCAN_ROWS)], []
    columns = map_columns(grid, header_rows, end_year)
    with contextlib.suppress(ValueError):  # a tampered choice: keep what the reader found
        columns = _apply_choice(columns, grid, header_rows, choice)
    reading = Reading(filename=filename, tables=names, table=index, header_rows=header_rows, columns=columns)
    errors = _check_columns(columns, grid.name, end_year)
    if errors:
        return None, reading, errors, []
    table, rows_reading, errors, warnings = read_rows(grid, header_rows, columns, base_year)
    reading.source_verdicts = rows_reading.source_verdicts
    reading.row_keys = rows_reading.row_keys
    if not table.end_year and end_year:
        table.end_year = end_year
    if base_year is None and table.periods and table.periods[0].is_partial:
        errors.append(NO_BASE_YEAR.format(year=table.periods[0].year - 1))
    if not table.rows and not errors:
        errors.append(f"“{grid.name}”中没有指标行（表头在第{header_rows[-1]}行）。")
    title = _title(grid, header_rows[0])
    table.title = title
    if short := re.search(r"“(.+?)”", title):
        table.short_name = short.group(1)
    if as_of := re.search(r"截至(.+?)[）)]", title):
        try:
            table.as_of = Period.parse(as_of.group(1))
        except PeriodError:
            table.as_of = None
    return (None if errors else table), reading, errors, warnings


def _title(grid: Grid, header_row: int) -> str:
    for r in range(1, header_row):
        texts = [c.text for c in grid.rows[r - 1] if c.text]
        if len(texts) == 1:
            return unicodedata.normalize("NFC", texts[0])
    return ""
