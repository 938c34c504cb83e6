"""A department's own period template (xlsx): download, preview, commit all or nothing (issue 14).

Kept apart from the plan importer (indicators.import_reading, indicators.importer: 附件1-shaped workbooks): this
module only knows its own small template — one row per series of the department for one period — and writes
through ``services.observation_record`` like the whole-period page does. Pure functions over bytes and rows;
the views only stash the file between preview and commit.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from indicators import services
from indicators.collection import PeriodRow
from indicators.numbers import printed
from indicators.periods import Period
from indicators.table_reader import number_text
from indicators.values import ValueInputError, outlier_warning, parse_for_indicator
from indicators.xlsx_layout import append_row, number_format, set_text

SHEET = "填报"
HEADERS = (
    "统计指标编号",
    "统计指标",
    "单位",
    "期间",
    "上期数值（参考）",
    "数值",
    "暂无数据",
    "来源",
    "备注",
    "修改原因",
)
NO_DATA_WORDS = {"是", "暂无", "暂无数据", "√", "Y", "YES", "1", "TRUE"}
MAX_BYTES = 1024 * 1024  # a dozen rows: anything near a megabyte is not this template

UPLOAD_NOT_XLSX = "只能上传本页下载的 Excel 模板（.xlsx）。"
UPLOAD_TOO_LARGE = "文件超过 1 MB，不是本页的填报模板。"
UPLOAD_UNREADABLE = "无法读取该文件：它不是有效的 Excel 工作簿（.xlsx），可能已损坏或只是改了扩展名。"
UPLOAD_NO_SHEET = "找不到名为“填报”的工作表，请使用本页下载的模板。"
UPLOAD_HEADERS = "表头与模板不一致（第 2 行应为：{headers}），请使用本页下载的模板。"
UPLOAD_WRONG_PERIOD = "第 {row} 行的期间是“{found}”，本页是{period}；请下载{period}的模板。"
UPLOAD_UNKNOWN_SERIES = "第 {row} 行的统计指标“{name}”不属于您所在单位在{period}应填报的指标。"
UPLOAD_DUPLICATE = "第 {row} 行与第 {first} 行是同一统计指标。"
UPLOAD_VALUE_AND_NO_DATA = "第 {row} 行既填了数值又注明暂无数据，只能选一项。"
WARN_OUTLIER = "第 {row} 行（{name}）：{warning}"
UPLOAD_BAD_VALUE = "第 {row} 行（{name}）：填写的“{value}”有误——{error}"
UPLOAD_LOCKED = "第 {row} 行（{name}）：{locked}"
UPLOAD_NEEDS_REASON = "第 {row} 行（{name}）：该数值已审核通过，修改须在“修改原因”列写明原因。"
UPLOAD_NOTHING = "模板中没有填写任何数值。"
WARN_CHANGES = "第 {row} 行（{name}）：将 {old} 改为 {new}。"


class UploadError(ValueError):
    """The file as a whole cannot be read (not an xlsx, wrong sheet or headers)."""


@dataclass(frozen=True)
class UploadLine:
    row: int  # the sheet's row number, for messages
    series_row: PeriodRow
    value: Decimal | None
    decimals: int
    no_data: bool
    source: str
    note: str
    reason: str

    @property
    def shown(self) -> str:
        """The value as it will print: its own decimals (65.20, 100; not 65.2 or 1E+2)."""
        return "暂无数据" if self.no_data else printed(self.value, self.decimals)


@dataclass
class UploadPreview:
    lines: list[UploadLine] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.lines)


def template_workbook(rows: list[PeriodRow], period: Period, department_name: str) -> Workbook:
    """The department's rows for ``period``, with the unit and the last figure of the same kind for reference."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    append_row(sheet, [f"{department_name} {period.label} 数据填报模板（只填“数值”至“修改原因”各列，不要改动前五列）"])
    append_row(sheet, HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF1F5")
    for row in rows:
        observation = row.observation
        shown: Any = ""  # the figure as a number cell printing its decimals (not text Excel flags)
        if observation is not None and not observation.no_data and observation.value is not None:
            shown = template_number(observation.value, observation.display_value)
        previous = f"{row.previous.period.label} {row.previous.display_value}" if row.previous else ""
        append_row(
            sheet,
            [
                row.series.pk,
                row.series.name,
                row.series.unit,
                period.label,
                previous,
                shown,
                "是" if observation is not None and observation.no_data else "",
                observation.source if observation else "",
                observation.note if observation else "",
                "",
            ],
        )
        if isinstance(shown, float):
            sheet.cell(sheet.max_row, 6).number_format = number_format(observation.decimals)  # type: ignore[union-attr]
        if row.locked:  # a closed figure says so in its reference column (the upload refuses a change anyway)
            set_text(sheet.cell(sheet.max_row, 5), f"{previous}（本期已锁定，不能修改）".lstrip())
    for column, width in zip("ABCDEFGHIJ", (10, 36, 10, 14, 18, 12, 10, 28, 28, 24), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "C3"
    return workbook


def template_number(value: Decimal, printed_text: str) -> float | str:
    """A figure for the template: a number cell when a float holds it exactly (every figure with up to 15
    significant digits), else its printed text, so the template uploaded back unchanged changes nothing."""
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else printed_text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cell_value(cell: Any) -> Any:
    """A cell's value as the clerk sees it: a number as its number format prints it ("4.0" with "0.0"; 65.2% stored
    as 0.652 reads "65.2%", which the value parser takes as 65.2); anything else as stored."""
    value = getattr(cell, "value", None)
    number_format = str(getattr(cell, "number_format", "") or "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_text(value, number_format)
    return value


def _open(data: bytes) -> Any:
    if len(data) > MAX_BYTES:
        raise UploadError(UPLOAD_TOO_LARGE)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UploadError(UPLOAD_UNREADABLE) from None
    if SHEET not in workbook.sheetnames:
        raise UploadError(UPLOAD_NO_SHEET)
    return workbook[SHEET]


def read_upload(data: bytes, rows: list[PeriodRow], period: Period) -> UploadPreview:
    """Read the filled template against the department's rows: every problem is listed, nothing is written."""
    sheet = _open(data)
    table = [[_cell_value(cell) for cell in row] for row in sheet.iter_rows()]
    if len(table) < 2 or tuple(_text(c) for c in table[1][: len(HEADERS)]) != HEADERS:
        raise UploadError(UPLOAD_HEADERS.format(headers="、".join(HEADERS)))
    known = {row.series.pk: row for row in rows}
    seen: dict[int, int] = {}
    preview = UploadPreview()
    for number, cells in enumerate(table[2:], start=3):
        values = [_text(c) for c in (*cells, *([None] * len(HEADERS)))[: len(HEADERS)]]
        key, name, _unit, label, _previous, value, no_data, source, note, reason = values
        if not any(values):
            continue
        if label and label != period.label:
            preview.errors.append(UPLOAD_WRONG_PERIOD.format(row=number, found=label, period=period.label))
            continue
        target = known.get(int(key)) if key.isdigit() else None
        if target is None:
            preview.errors.append(UPLOAD_UNKNOWN_SERIES.format(row=number, name=name or key, period=period.label))
            continue
        if target.series.pk in seen:
            preview.errors.append(UPLOAD_DUPLICATE.format(row=number, first=seen[target.series.pk]))
            continue
        seen[target.series.pk] = number
        line = _line(number, target, value, no_data.upper() in NO_DATA_WORDS, source, note, reason, preview, period)
        if line is not None:
            preview.lines.append(line)
    if not preview.lines and not preview.errors:
        preview.errors.append(UPLOAD_NOTHING)
    _warn_outliers(preview, period)
    return preview


def _warn_outliers(preview: UploadPreview, period: Period) -> None:
    """The warning saving would attach (far outside the series' own history), shown before saving (one query)."""
    valued = [line for line in preview.lines if line.value is not None]
    if not valued:
        return
    history = services.histories([line.series_row.series.pk for line in valued], period)
    for line in valued:
        assert line.value is not None
        warning = outlier_warning(line.value, history.get(line.series_row.series.pk, []))
        if warning:
            preview.warnings.append(
                WARN_OUTLIER.format(row=line.row, name=line.series_row.series.name, warning=warning)
            )


def _line(
    number: int,
    target: PeriodRow,
    text: str,
    no_data: bool,
    source: str,
    note: str,
    reason: str,
    preview: UploadPreview,
    period: Period,
) -> UploadLine | None:
    """One filled row as a line to write, or None when it is empty, unchanged or wrong (errors recorded)."""
    series, current = target.series, target.observation
    if text and no_data:
        preview.errors.append(UPLOAD_VALUE_AND_NO_DATA.format(row=number))
        return None
    if not text and not no_data:
        return None  # left empty: nothing to write
    value, decimals = None, 0
    if text:
        try:
            parsed = parse_for_indicator(text, name=series.name, unit=series.unit)
        except ValueInputError as error:
            shown = text if len(text) <= 20 else text[:20] + "…"
            message = UPLOAD_BAD_VALUE.format(row=number, name=series.name, value=shown, error=error.message)
            preview.errors.append(message)
            return None
        value, decimals = parsed.value, parsed.decimals
    if current is not None:  # an empty source or note column keeps what the figure has
        source, note = source or current.source, note or current.note
        if (current.value, current.no_data, current.source, current.note) == (value, no_data, source, note):
            return None  # unchanged
    if target.locked:
        locked = services.locked_message(period, target.locked_by)
        preview.errors.append(UPLOAD_LOCKED.format(row=number, name=series.name, locked=locked))
        return None
    if current is not None and current.change_needs_reason and not reason:
        preview.errors.append(UPLOAD_NEEDS_REASON.format(row=number, name=series.name))
        return None
    new = "暂无数据" if no_data else text
    if current is not None:
        old = "暂无数据" if current.no_data else current.display_value
        preview.warnings.append(WARN_CHANGES.format(row=number, name=series.name, old=old, new=new))
    return UploadLine(number, target, value, decimals, no_data, source, note, reason)


@transaction.atomic
def commit_upload(preview: UploadPreview, period: Period, user: Any) -> int:
    """Write every line through the entry service, all or none: the first refusal undoes the rest."""
    for line in preview.lines:
        try:
            services.observation_record(
                series=line.series_row.series,
                period=period,
                value=line.value,
                decimals=line.decimals,
                no_data=line.no_data,
                note=line.note,
                source=line.source,
                user=user,
                reason=line.reason or ("Excel模板填报" if line.series_row.observation else ""),
                expected_version=line.series_row.observation.version if line.series_row.observation else 0,
            )
        except ValidationError as error:
            raise ValidationError(
                [f"第 {line.row} 行（{line.series_row.series.name}）：{m}" for m in error.messages]
            ) from error
    return len(preview.lines)
