"""Size checks on an .xlsx while streaming its XML, before openpyxl loads anything.

openpyxl builds a Python object per cell, so a small upload that expands to millions of (even empty) cells
takes gigabytes and minutes to load before its size can be judged. Here each worksheet (and the shared
strings) is read straight from the archive through expat in small chunks, counting rows and cells and
stopping at the first one over the limit: bounded time and memory whatever the file claims. A document
type declaration in any XML part is refused outright (entity expansion, external entities), as no Excel
file has one: whichever XML parser openpyxl then uses never sees one.
"""

from __future__ import annotations

import re
import threading
import zipfile
from typing import IO
from xml.parsers import expat

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.merge import MergedCellRange

CHUNK = 64 * 1024
SHEET_PATH = re.compile(r"^xl/worksheets/[^/]+\.xml$")
SHARED_STRINGS = "xl/sharedStrings.xml"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")

TOO_MANY_ROWS = "工作簿中有工作表超过 {limit} 行（{where}），不像是规划指标表，未导入。请删去多余的行或工作表后再上传。"
TOO_MANY_COLUMNS = (
    "工作簿中有工作表超过 {limit} 列（{where}），不像是规划指标表，未导入。请删去多余的列或工作表后再上传。"
)
TOO_MANY_CELLS = "工作簿中的单元格超过 {limit} 个，不像是规划指标表，未导入。请删去多余的行、列或工作表后再上传。"
TOO_MANY_STRINGS = "工作簿中的文字超过 {limit} 段，不像是规划指标表，未导入。"
HAS_DOCTYPE = "文件中含有文档类型声明（DOCTYPE），Excel 不会生成这样的文件，未导入。"


class SheetTooLargeError(Exception):
    """The message says which limit and where, in Chinese."""


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


class _Counter:
    """Expat handlers counting ``row`` and ``c`` elements of one worksheet; ``cells`` is shared by all sheets."""

    def __init__(self, max_rows: int, max_columns: int, cells: list[int]) -> None:
        self.max_rows, self.max_columns = max_rows, max_columns
        self.row = 0  # the current row number (``r`` attribute, or one after the last)
        self.column = 0
        self.cells = cells  # [count so far, limit]

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(":", 1)[-1]
        if local == "row":
            self.row = int(attrs["r"]) if attrs.get("r", "").isdigit() else self.row + 1
            self.column = 0
            if self.row > self.max_rows:
                raise SheetTooLargeError(TOO_MANY_ROWS.format(limit=self.max_rows, where=f"第{self.row}行"))
        elif local == "c":
            self.cells[0] += 1
            if self.cells[0] > self.cells[1]:
                raise SheetTooLargeError(TOO_MANY_CELLS.format(limit=self.cells[1]))
            match = _CELL_REF.match(attrs.get("r", ""))
            self.column = _column_number(match.group(1)) if match else self.column + 1
            if self.column > self.max_columns:
                where = attrs.get("r") or f"第{self.row}行第{self.column}列"
                raise SheetTooLargeError(TOO_MANY_COLUMNS.format(limit=self.max_columns, where=where))


class _StringCounter:
    def __init__(self, limit: int) -> None:
        self.limit, self.count = limit, 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name.rsplit(":", 1)[-1] == "si":
            self.count += 1
            if self.count > self.limit:
                raise SheetTooLargeError(TOO_MANY_STRINGS.format(limit=self.limit))


def _ignore(name: str, attrs: dict[str, str]) -> None:
    return None


def _refuse_doctype(*args: object) -> None:
    raise SheetTooLargeError(HAS_DOCTYPE)


def _stream(archive: zipfile.ZipFile, name: str, start: object) -> None:
    parser = expat.ParserCreate(namespace_separator=":")
    parser.StartElementHandler = start  # type: ignore[assignment]
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    with archive.open(name) as stream:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def check_sizes(archive: zipfile.ZipFile, *, max_rows: int, max_columns: int, max_cells: int) -> None:
    """Raise ``SheetTooLargeError`` when a worksheet goes past ``max_rows`` rows or ``max_columns`` columns, or
    all worksheets together hold more than ``max_cells`` cells (or shared strings).

    Malformed XML is left to openpyxl, which reports it as a broken file.
    """
    names = archive.namelist()
    cells = [0, max_cells]
    try:
        for name in names:
            if SHEET_PATH.match(name):
                _stream(archive, name, _Counter(max_rows, max_columns, cells).start)
            elif name == SHARED_STRINGS:
                _stream(archive, name, _StringCounter(max_cells).start)
            elif name.endswith((".xml", ".rels")):
                _stream(archive, name, _ignore)  # only for the DOCTYPE refusal
    except expat.ExpatError:
        return


# --- loading for reading ---------------------------------------------------------------------------

_reading = threading.local()
_style_merged_range = MergedCellRange.format


def _style_unless_reading(self: MergedCellRange) -> None:
    if not getattr(_reading, "active", False):
        _style_merged_range(self)


# On load openpyxl copies the top-left cell's border onto the edge cells of every merged range: half the load
# time of a 附件1 of 1,667 rows, and nothing a reader looks at (the covered cells are MergedCell objects
# before this step). Skipped only inside load_for_reading, in this thread; exports still style their merges.
MergedCellRange.format = _style_unless_reading  # type: ignore[method-assign]


def load_for_reading(source: IO[bytes]) -> Workbook:
    """``load_workbook`` (formulas kept as text) without restyling the borders of merged ranges."""
    _reading.active = True
    try:
        return load_workbook(source, data_only=False)
    finally:
        _reading.active = False
