"""The fast sheet writer (``xlsx_layout._RowWriter``) writes the very XML openpyxl's own writer writes.

Each workbook is built twice (writing a sheet records its comments and hyperlinks on the sheet), once written by
openpyxl's ``WorksheetWriter`` and once by ours, and the sheets' XML compared in canonical form (C14N: the same
elements, attributes and text in the same order; an empty cell may be written ``<c/>`` or ``<c></c>``).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.styles import Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet._writer import WorksheetWriter

from indicators import xlsx_layout as layout
from reports import workbook as appendix_workbook
from tests.test_workbook import stub_appendix


def sheets_xml(build: Callable[[], Workbook], writer: type[WorksheetWriter]) -> list[bytes]:
    out = []
    for sheet in build().worksheets:
        w = writer(sheet, out=io.BytesIO())
        w.write()
        out.append(etree.tostring(etree.fromstring(w.read()), method="c14n"))
    return out


def assert_same_xml(build: Callable[[], Workbook]) -> None:
    ours = sheets_xml(build, layout._RowWriter)
    assert ours == sheets_xml(build, WorksheetWriter)
    assert ours and all(b"<sheetData>" in sheet for sheet in ours)


def every_kind_of_cell() -> Workbook:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    thin = Side(style="thin")
    rows: list[list[object]] = [
        ["text", " padded ", "", None, 0, -1.5, Decimal("3.140"), 10**12, 1e-20],
        ["=SUM(A1:B1)", True, False, datetime.date(2023, 6, 30), datetime.datetime(2024, 1, 1, 8, 30)],  # noqa: DTZ001 (Excel has no time zones),
        ["带中文的文本", "a < b & c > d", "line\nbreak", float("nan"), Decimal("-0.05")],
    ]
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)  # type: ignore[call-overload]
    layout.set_text(sheet.cell(row=4, column=1), "=not a formula")
    sheet.cell(row=4, column=2).border = Border(left=thin, right=thin)  # styled, no value
    sheet.cell(row=4, column=3, value=1).font = Font(bold=True)
    sheet.cell(row=5, column=1, value="see").hyperlink = "https://example.invalid/"
    sheet.cell(row=5, column=2, value="commented").comment = Comment("人工研判：理由", "系统")
    sheet.cell(row=5, column=3).value = CellRichText("plain ", TextBlock(InlineFont(b=True), "bold"))
    sheet.row_dimensions[2].height = 30
    layout.merge(sheet, start_row=6, start_column=1, end_row=6, end_column=3)
    return book


def test_every_kind_of_cell_is_written_as_openpyxl_writes_it() -> None:
    assert_same_xml(every_kind_of_cell)


def test_the_appendix_workbook_is_written_as_openpyxl_writes_it() -> None:
    assert_same_xml(lambda: appendix_workbook.build_appendix_workbook(stub_appendix()))


CELL_VALUES = st.one_of(
    st.none(),
    st.text(max_size=20),  # control characters included: set_text drops what XML cannot hold
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9),
    st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(CELL_VALUES, max_size=6), max_size=6), st.booleans())
def test_any_table_is_written_as_openpyxl_writes_it(table: list[list[object]], bold: bool) -> None:
    def build() -> Workbook:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for r, values in enumerate(table, start=1):
            for c, value in enumerate(values, start=1):
                if isinstance(value, str):
                    cell = layout.set_text(sheet.cell(row=r, column=c), value)
                else:
                    cell = sheet.cell(row=r, column=c, value=value)  # type: ignore[call-overload]
                if bold:
                    cell.font = Font(bold=True)
        return book

    assert_same_xml(build)


def test_a_saved_workbook_reads_back() -> None:
    buffer = io.BytesIO()
    layout.save_workbook(every_kind_of_cell(), buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet is not None
    assert [sheet.cell(row=1, column=c).value for c in (1, 2, 5, 7)] == ["text", " padded ", 0, 3.14]
    assert sheet["A4"].value == "=not a formula" and sheet["A4"].data_type == "s"
    assert sheet["A2"].value == "=SUM(A1:B1)" and sheet["B2"].value is True
    assert sheet["B5"].comment is not None and sheet["A5"].hyperlink is not None


@pytest.mark.parametrize("text", ["a\ufffeb", "a\uffffb", "a\ud800b", "a\x01b", "a\x1fb"])
def test_characters_xml_cannot_hold_are_dropped_and_the_file_opens(text: str) -> None:
    """Pasted text may carry them (PostgreSQL stores them); openpyxl would refuse to save, a written one would
    make a file Excel cannot open."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    layout.set_text(sheet["A1"], text)
    buffer = io.BytesIO()
    layout.save_workbook(book, buffer)
    back = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert back is not None and back["A1"].value == "ab"


def test_a_hyperlinked_cell_is_written_by_openpyxl_itself() -> None:
    def build() -> Workbook:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        layout.set_text(sheet["A1"], "  ").hyperlink = "https://example.invalid/"
        layout.set_text(sheet["A2"], " 链接 ").hyperlink = "https://example.invalid/2"
        return book

    assert_same_xml(build)


def test_append_row_of_nothing_leaves_a_blank_row_as_sheet_append_does() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    layout.append_row(sheet, ["a"])
    layout.append_row(sheet, [])
    layout.append_row(sheet, ["b"])
    assert [sheet.cell(r, 1).value for r in (1, 2, 3)] == ["a", None, "b"]


def test_put_keeps_the_sheets_row_count_as_sheet_cell_does() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    layout.put(sheet, 1, 1, "a", StyleArray())
    layout.put(sheet, 2, 1, "b", StyleArray())
    assert list(sheet.iter_rows(values_only=True)) == [("a",), ("b",)]
    layout.append_row(sheet, ["c"])
    assert [sheet.cell(r, 1).value for r in (1, 2, 3)] == ["a", "b", "c"]
