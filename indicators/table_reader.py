"""Read the tables people already have (.xlsx/.xlsm, .xls, .csv, Word .docx) into plain grids of cells.

Pure: no database. Every reader checks the same limits (file size, unpacked size, rows, columns) before it
walks the cells, so time and memory stay bounded whatever the file claims; every problem is a Chinese
``SourceError``. ``indicators.column_mapping`` turns a grid into the importer's rows.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from indicators.numbers import decimals_of

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".docx")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 200
MAX_TABLES = 50  # tables of a Word document (or sheets of a workbook) offered for choice

SOURCE_EMPTY = "文件是空的，请选择填好的表格文件。"
SOURCE_TOO_LARGE = "文件超过 5 MB，不能导入。请删去无关的工作表、图片后再上传。"
SOURCE_WRONG_TYPE = "只能导入 Excel（.xlsx、.xlsm、.xls）、CSV（.csv）或 Word（.docx）文件。"
SOURCE_BROKEN = "无法读取该{kind}文件，可能已损坏或只是改了扩展名。请用 {app} 打开后另存一次再上传。"
SOURCE_TOO_MANY_ROWS = "“{name}”超过 {limit} 行或 {columns} 列，不像是规划指标表，未导入。"
SOURCE_NO_TABLES = "Word 文档中没有表格。请确认指标表是 Word 表格（不是图片或文本框）。"
SOURCE_NO_SHEETS = "文件中没有可读取的表格。"
SAVE_AS_UTF8 = "请在 Excel 或 WPS 中另存为“CSV UTF-8”后再上传。"
CSV_ENCODING = "无法识别 CSV 文件的编码：只支持 UTF-8 和 GBK（GB18030）。" + SAVE_AS_UTF8
CSV_BROKEN = "CSV 文件格式有误（引号或换行不成对）。" + SAVE_AS_UTF8
CSV_MIXED = "CSV 文件中混用了两种编码（第{utf8}行是 UTF-8，第{gbk}行是 GBK），读取会出现乱码。" + SAVE_AS_UTF8

_KINDS = {
    ".xlsx": ("Excel 工作簿（.xlsx）", "Excel 或 WPS"),
    ".xlsm": ("Excel 工作簿（.xlsm）", "Excel 或 WPS"),
    ".xls": ("Excel 97-2003 工作簿（.xls）", "Excel 或 WPS"),
    ".docx": ("Word 文档（.docx）", "Word 或 WPS"),
}


class SourceError(Exception):
    """A file-level problem: reading stops here."""


@dataclass(frozen=True)
class SourceCell:
    """One cell as read: its text, and for a numeric cell the number with the decimals its format prints."""

    text: str = ""
    number: Decimal | None = None
    decimals: int = 0
    percent: bool = False  # a number formatted as a percentage (stored 0.042, shown 4.2%): number holds 4.2
    indent: int = 0  # leading indentation (alignment indent or leading spaces), for sub-indicators


EMPTY = SourceCell()


@dataclass
class Grid:
    """One table of a source: rows of cells (1-based positions as the user sees them) and its merged ranges."""

    name: str
    rows: list[list[SourceCell]]
    merges: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # covered cell → top-left

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def cell(self, row: int, column: int) -> SourceCell:
        """The cell at (row, column), 1-based; inside a merged range, the range's top-left cell."""
        row, column = self.merges.get((row, column), (row, column))
        if row > len(self.rows):
            return EMPTY
        cells = self.rows[row - 1]
        return cells[column - 1] if column <= len(cells) else EMPTY

    def own(self, row: int, column: int) -> SourceCell:
        """The cell itself (empty when covered by a merge)."""
        if (row, column) in self.merges and self.merges[(row, column)] != (row, column):
            return EMPTY
        return self.cell(row, column)

    def merged_down(self, row: int, column: int) -> bool:
        """Is (row, column) covered by a vertical merge that started on an earlier row?"""
        top = self.merges.get((row, column))
        return top is not None and top[0] < row


def suffix_of(filename: str) -> str:
    name = filename.lower().strip()
    return next((s for s in sorted(SUFFIXES, key=len, reverse=True) if name.endswith(s)), "")


def check_source(filename: str, size: int) -> None:
    """Before reading: a supported file type within the size limit."""
    if not suffix_of(filename):
        raise SourceError(SOURCE_WRONG_TYPE)
    if size == 0:
        raise SourceError(SOURCE_EMPTY)
    if size > MAX_UPLOAD_BYTES:
        raise SourceError(SOURCE_TOO_LARGE)


def read_grids(data: bytes, filename: str) -> list[Grid]:
    """Every table of the file: the sheets of a workbook, the tables of a Word document, the one CSV table."""
    suffix = suffix_of(filename)
    check_source(filename, len(data))
    if suffix in (".xlsx", ".xlsm"):
        grids = _read_xlsx(data, suffix)
    elif suffix == ".xls":
        grids = _read_xls(data)
    elif suffix == ".csv":
        grids = [_read_csv(data, filename)]
    else:
        grids = _read_docx(data)
    grids = [g for g in grids if any(c.text for row in g.rows for c in row)]
    if not grids:
        raise SourceError(SOURCE_NO_TABLES if suffix == ".docx" else SOURCE_NO_SHEETS)
    return grids


def _broken(suffix: str) -> SourceError:
    kind, app = _KINDS[suffix]
    return SourceError(SOURCE_BROKEN.format(kind=kind, app=app))


def _check_size(name: str, rows: int, columns: int) -> None:
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise SourceError(SOURCE_TOO_MANY_ROWS.format(name=name, limit=MAX_ROWS, columns=MAX_COLUMNS))


def _check_zip(data: bytes, suffix: str) -> None:
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise _broken(suffix)
    try:
        with zipfile.ZipFile(buffer) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise _broken(suffix) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise SourceError(SOURCE_TOO_LARGE)


# --- numbers and text ------------------------------------------------------------------------------------

_FORMAT_DECIMALS = re.compile(r"0(?:\.(0+))?")


def plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _number_cell(raw: float | int | Decimal, number_format: str, indent: int = 0) -> SourceCell:
    """A numeric cell with the decimals its number format prints (0.3470 stays 0.3470; 4.2% reads 4.2)."""
    try:
        # A float carries binary noise (0.1 + 0.2); 6 decimals is what an observation keeps.
        if isinstance(raw, float):
            value = Decimal(int(raw)) if raw.is_integer() else Decimal(repr(round(raw, 6)))
            if raw != 0 and value == 0:  # finer than an observation keeps: not silently 0 (the parser refuses it)
                return SourceCell(text=repr(raw), indent=indent)
        else:
            value = Decimal(raw)
    except (InvalidOperation, ValueError, OverflowError):
        return SourceCell(text=str(raw), indent=indent)
    # Excel scales by 100 only for a bare %, not a quoted "%" or an escaped \% (a literal sign).
    percent = "%" in re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format.split(";")[0])
    if percent:
        value = (value * 100).normalize()  # 0.652 → 65.2, not 65.200 (the two places the scaling adds)
    shown = _FORMAT_DECIMALS.search(number_format.split(";")[0]) if number_format else None
    decimals = max(len(shown.group(1) or "") if shown else 0, decimals_of(value))
    decimals = min(decimals, 6)
    value = value.quantize(Decimal(1).scaleb(-decimals)) if decimals else value.to_integral()
    text = format(value, "f") + ("%" if percent else "")
    return SourceCell(text=text, number=value, decimals=decimals, percent=percent, indent=indent)


def number_text(raw: float | int | Decimal, number_format: str) -> str:
    """A numeric cell's value as its number format shows it: 0.652 formatted "0.0%" reads "65.2%"."""
    return _number_cell(raw, number_format).text


def _text_cell(raw: Any, indent: int = 0) -> SourceCell:
    text = "" if raw is None else str(raw)
    leading = len(text) - len(text.lstrip(" \u3000\t"))
    return SourceCell(text=text.strip(), indent=indent or leading)


def normalize(text: str) -> str:
    """Full-width digits, letters and signs to half-width (４．２％ → 4.2%), inner line breaks removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# --- the readers -----------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, suffix: str) -> list[Grid]:
    from openpyxl import load_workbook

    from indicators.xlsx_guard import SheetTooLargeError, check_sizes

    _check_zip(data, suffix)
    try:  # counted while streaming the sheets' XML, before openpyxl builds a cell object for each cell
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_sizes(archive, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS, max_cells=MAX_ROWS * MAX_COLUMNS)
    except SheetTooLargeError as error:
        raise SourceError(str(error)) from None
    try:
        # data_only: the values Excel or WPS saved for formulas; keep_vba off: macros are dropped.
        workbook = load_workbook(io.BytesIO(data), data_only=True, keep_vba=False)
    except Exception:
        # openpyxl fails on a broken or foreign archive with many kinds of exceptions (KeyError, ValueError,
        # BadZipFile, InvalidFileException, XML errors); for the user they all mean the same thing.
        raise _broken(suffix) from None
    grids = []
    for sheet in workbook.worksheets[:MAX_TABLES]:
        _check_size(sheet.title, sheet.max_row, sheet.max_column)
        rows = []
        for row in sheet.iter_rows():
            cells = []
            for cell in row:
                raw = cell.value
                indent = int(getattr(cell.alignment, "indent", 0) or 0) if cell.has_style else 0
                if isinstance(raw, bool):
                    cells.append(_text_cell(str(raw)))
                elif isinstance(raw, int | float | Decimal):
                    cells.append(_number_cell(raw, str(cell.number_format or ""), indent))
                elif raw is None:
                    cells.append(EMPTY)
                else:
                    cells.append(_text_cell(raw, indent))
            rows.append(cells)
        merges = {}
        for merged in sheet.merged_cells.ranges:
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    merges[(r, c)] = (merged.min_row, merged.min_col)
        grids.append(Grid(name=sheet.title, rows=rows, merges=merges))
    return grids


def _read_xls(data: bytes) -> list[Grid]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception:
        # xlrd raises XLRDError, CompDocError, struct errors … for anything that is not a BIFF workbook.
        raise _broken(".xls") from None
    grids = []
    try:
        for index in range(min(book.nsheets, MAX_TABLES)):
            sheet = book.sheet_by_index(index)
            _check_size(sheet.name, sheet.nrows, sheet.ncols)
            rows = []
            for r in range(sheet.nrows):
                cells = []
                for c in range(sheet.ncols):
                    cell = sheet.cell(r, c)
                    if cell.ctype in (xlrd.XL_CELL_NUMBER,):
                        xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
                        number_format = book.format_map[xf.format_key].format_str if xf else ""
                        cells.append(_number_cell(cell.value, number_format))
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        cells.append(EMPTY)
                    else:
                        cells.append(_text_cell(cell.value))
                rows.append(cells)
            merges = {}
            for r0, r1, c0, c1 in sheet.merged_cells:  # half-open, 0-based
                for r in range(r0, r1):
                    for c in range(c0, c1):
                        merges[(r + 1, c + 1)] = (r0 + 1, c0 + 1)
            grids.append(Grid(name=sheet.name, rows=rows, merges=merges))
    finally:
        book.release_resources()
    return grids


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GBK/GB18030, decided line by line so that a mixed file is refused."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    utf8_line = gbk_line = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_line = utf8_line or number
        except UnicodeDecodeError:
            gbk_line = gbk_line or number
    if utf8_line and gbk_line:
        raise SourceError(CSV_MIXED.format(utf8=utf8_line, gbk=gbk_line))
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SourceError(CSV_ENCODING) from None


def _read_csv(data: bytes, filename: str) -> Grid:
    text = decode_csv(data)
    if "\x00" in text:
        raise SourceError(CSV_ENCODING)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[SourceCell]] = []
    try:
        for line in csv.reader(io.StringIO(text, newline=""), dialect):
            if len(rows) >= MAX_ROWS or len(line) > MAX_COLUMNS:
                _check_size(filename, MAX_ROWS + 1, len(line))
            rows.append([_text_cell(value) for value in line])
    except csv.Error:
        raise SourceError(CSV_BROKEN) from None
    return Grid(name=filename, rows=rows)


def _read_docx(data: bytes) -> list[Grid]:
    import docx

    _check_zip(data, ".docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:
        # python-docx raises PackageNotFoundError, KeyError, XML errors … for a broken or foreign file.
        raise _broken(".docx") from None
    grids = []
    for number, table in enumerate(document.tables[:MAX_TABLES], start=1):
        name = f"表格{number}"
        _check_size(name, len(table.rows), len(table.columns))
        rows: list[list[SourceCell]] = []
        merges: dict[tuple[int, int], tuple[int, int]] = {}
        first_seen: dict[Any, tuple[int, int]] = {}  # keeps the elements alive, so their proxies stay the same
        for r, row in enumerate(table.rows, start=1):
            cells = []
            # row.cells repeats a merged cell once per grid column it spans, and returns the top cell
            # of a vertical merge on the rows below: the same underlying element marks a merge.
            for c, cell in enumerate(row.cells, start=1):
                key = cell._tc
                if key in first_seen:
                    merges[(r, c)] = first_seen[key]
                    merges.setdefault(first_seen[key], first_seen[key])
                    cells.append(EMPTY)
                    continue
                first_seen[key] = (r, c)
                paragraph = cell.paragraphs[0] if cell.paragraphs else None
                indent = 0
                if paragraph is not None and paragraph.paragraph_format.left_indent:
                    indent = 1 if paragraph.paragraph_format.left_indent > 0 else 0
                cells.append(_text_cell(cell.text, indent))
            rows.append(cells)
        grids.append(Grid(name=name, rows=rows, merges=merges))
    return grids
