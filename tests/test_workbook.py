"""The 附件1 workbook renderer, tested without a database by reading the workbook back."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from indicators import xlsx_layout as layout
from indicators.periods import Period
from reports import workbook as wb
from reports.rows import Appendix, AppendixRow, OtherReading, ReasonEntry, ValueCell

COLUMNS = (Period(2020), Period(2021), Period(2022), Period(2023, "H1"))
GDP: list[str | None] = ["3.4", "9.1", "4.0", "4.0"]
ON, BEHIND = "达到预期", "低于预期"


def cell(period: Period, text: str | None, **extra: object) -> ValueCell:
    if text is None:
        return ValueCell(period, None, 0)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return ValueCell(period, Decimal(text), decimals, source="附件1", **extra)  # type: ignore[arg-type]


def row(pk: int, seq: str, category: str, name: str, values: list[str | None], **extra: object) -> AppendixRow:
    fields: dict = {
        "unit": "%",
        "attribute": "预期性",
        "target_text": "7.5",
        "status": "on_track",
        "label": "达到预期",
    }
    fields.update(extra)
    return AppendixRow(
        indicator_id=pk,
        seq=seq,
        category=category,
        name=name,
        cells=tuple(cell(p, v) if v != "missing" else None for p, v in zip(COLUMNS, values, strict=True)),
        **fields,
    )


def stub_appendix(rows: list[AppendixRow] | None = None, reasons: tuple[ReasonEntry, ...] = ()) -> Appendix:
    if rows is None:
        rows = [
            row(1, "1", "经济发展", "地区生产总值增长", GDP, status="behind", label="低于预期"),
            row(2, "2", "经济发展", "常住人口城镇化率", ["62.97", "63.99", "64.54", None], target_text="70"),
            row(
                3,
                "3",
                "民生福祉",
                "城镇新增就业人数",
                ["0.7", "0.9259", "0.7853", "0.3470"],
                unit="万人",
                group="城镇就业",
                group_id=30,
                target_text="3.5",
            ),
            row(
                4,
                "3",
                "民生福祉",
                "城镇调查失业率",
                ["4", "3.4", "3.3", "4"],
                group="城镇就业",
                group_id=30,
                target_text="＜5.5",
            ),
            row(
                5,
                "4",
                "绿色生态",
                "单位生产总值能源消耗降幅",
                ["-2.11", "-5.26", "0.13", "missing"],
                attribute="约束性",
                target_text="按市下达目标",
                manual=True,
                manual_reason="沿用报告结论",
            ),
        ]
    return Appendix(
        plan_name="卧龙区“十四五”规划",
        title="“十四五”规划主要指标目标完成情况",
        base_year=2020,
        end_year=2025,
        as_of=Period(2023, "H1"),
        columns=COLUMNS,
        rows=tuple(rows),
        reasons=reasons,
    )


def read_back(appendix: Appendix) -> Workbook:
    buffer = io.BytesIO()
    wb.build_appendix_workbook(appendix).save(buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def merged(sheet: object) -> set[str]:
    return {str(r) for r in sheet.merged_cells.ranges}  # type: ignore[attr-defined]


def test_sheets_title_and_two_header_rows() -> None:
    book = read_back(stub_appendix())
    assert book.sheetnames == [layout.SHEET_APPENDIX1, layout.SHEET_APPENDIX2, layout.SHEET_SOURCES]
    sheet = book[layout.SHEET_APPENDIX1]
    assert sheet["A1"].value == "附件1：“十四五”规划主要指标目标完成情况（中期评估，截至2023年上半年）"
    assert [sheet.cell(2, c).value for c in range(1, 12)] == [
        "序号",
        "类别",
        "指标",
        None,
        "属性",
        "目标值",
        "实际值",
        None,
        None,
        None,
        "中期完成情况",
    ]
    assert [sheet.cell(3, c).value for c in range(6, 11)] == ["2025年", "2020年", "2021年", "2022年", "2023年上半年"]
    assert {"A1:K1", "A2:A3", "B2:B3", "C2:D3", "E2:E3", "G2:J2", "K2:K3"} <= merged(sheet)
    assert [Period.parse(str(sheet.cell(3, c).value)) for c in range(layout.COL_FIRST_VALUE, 11)] == list(COLUMNS)


def test_values_are_numbers_with_the_printed_decimals_and_slash_for_no_data() -> None:
    sheet = read_back(stub_appendix())[layout.SHEET_APPENDIX1]
    gdp = [sheet.cell(4, c) for c in range(7, 11)]
    assert [c.value for c in gdp] == [3.4, 9.1, 4.0, 4.0]
    assert [c.number_format for c in gdp] == ["0.0"] * 4
    jobs = sheet.cell(6, 7 + 3)
    assert jobs.value == pytest.approx(0.347) and jobs.number_format == "0.0000"
    assert sheet.cell(5, 10).value == "/"  # no data in the period
    assert sheet.cell(8, 10).value == "/"  # no observation at all
    assert sheet.cell(8, 7).value == pytest.approx(-2.11) and sheet.cell(8, 7).number_format == "0.00"
    # targets as printed, as text
    assert [sheet.cell(r, 6).value for r in range(4, 9)] == ["7.5", "70", "3.5", "＜5.5", "按市下达目标"]


def test_category_cells_and_sub_indicator_groups_are_merged() -> None:
    sheet = read_back(stub_appendix())[layout.SHEET_APPENDIX1]
    ranges = merged(sheet)
    assert "B4:B5" in ranges  # 经济发展: two rows
    assert "B6:B7" in ranges  # 民生福祉: the two sub-indicators
    assert not any(r.startswith("B8") for r in ranges)  # 绿色生态: one row, nothing to merge
    assert {"A6:A7", "C6:C7"} <= ranges  # 序号 and the parent name down the group
    assert {"C4:D4", "C5:D5", "C8:D8"} <= ranges  # a top-level name spans both name columns
    assert sheet["C6"].value == "城镇就业"
    assert [sheet["D6"].value, sheet["D7"].value] == ["城镇新增就业人数（万人）", "城镇调查失业率（%）"]
    assert sheet["C4"].value == "地区生产总值增长（%）"


def test_verdicts_with_manual_comment_borders_widths_and_print_setup() -> None:
    sheet = read_back(stub_appendix())[layout.SHEET_APPENDIX1]
    assert [sheet.cell(r, 11).value for r in range(4, 9)] == [BEHIND, ON, ON, ON, ON]
    comment = sheet.cell(8, 11).comment
    assert comment is not None and comment.text == "人工研判：沿用报告结论"
    assert sheet.cell(4, 11).comment is None
    assert sheet.cell(4, 11).fill.fgColor.rgb.endswith("FBE4E2")
    assert sheet.cell(6, 4).border.left.style == "thin"
    assert sheet.cell(6, 4).alignment.wrap_text
    assert sheet.column_dimensions["D"].width == 30
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$2:$3"
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4  # "9": A4
    setup = sheet.sheet_properties.pageSetUpPr
    assert setup is not None and setup.fitToPage


@pytest.mark.parametrize("name", ["=SUM(A1)", "+1+1", "-2+3", "@cmd", '=HYPERLINK("http://x")', "#N/A", "#DIV/0!"])
def test_formula_like_text_is_written_as_text(name: str) -> None:
    appendix = stub_appendix(
        [row(1, "1", name, name, ["1", "2", "3", "4"], target_text=name, unit="", label=name)],
        reasons=(ReasonEntry(1, name, facts=name, text=name),),
    )
    book = read_back(appendix)
    sheet = book[layout.SHEET_APPENDIX1]
    for coordinate in ("B4", "C4", "F4", "K4"):
        assert sheet[coordinate].value == name
        assert sheet[coordinate].data_type == "s"
    for coordinate in ("B3", "D3", "E3"):
        assert book[layout.SHEET_APPENDIX2][coordinate].value == name
        assert book[layout.SHEET_APPENDIX2][coordinate].data_type == "s"
    assert book[layout.SHEET_SOURCES]["D2"].value == name


@given(st.text(min_size=1, max_size=30))
def test_any_text_reads_back_unchanged_and_never_as_a_formula(text: str) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    clean = "".join(ch for ch in text if ch.isprintable() or ch in "\t")
    if not clean:
        return
    layout.set_text(sheet["A1"], clean)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    back = load_workbook(buffer).active["A1"]  # type: ignore[index]
    assert back.data_type == "s"
    assert back.value == clean


def test_appendix2_and_sources_sheets() -> None:
    alternative = OtherReading("4.2", Decimal("4.2"), 1, "附件2", "另一口径")
    gdp = row(1, "1", "经济发展", "地区生产总值增长", ["3.4", "9.1", "4.0", "4.0"], status="behind", label="低于预期")
    cells = list(gdp.cells)
    cells[2] = ValueCell(COLUMNS[2], Decimal("4.0"), 1, "002 附件1", "", (alternative,))
    gdp = AppendixRow(**{**gdp.__dict__, "cells": tuple(cells)})
    reasons = (ReasonEntry(1, "地区生产总值增长", "年均增长6.6%。", "受疫情影响。"),)
    book = read_back(stub_appendix([gdp], reasons))
    second = book[layout.SHEET_APPENDIX2]
    assert [second.cell(2, c).value for c in range(1, 6)] == list(layout.REASON_HEADERS)
    expected = ["1", "地区生产总值增长", BEHIND, "年均增长6.6%。", "受疫情影响。"]
    assert [second.cell(3, c).value for c in range(1, 6)] == expected
    third = book[layout.SHEET_SOURCES]
    assert [third.cell(1, c).value for c in range(1, 11)] == list(layout.SOURCE_HEADERS)
    rows = [[c.value for c in r] for r in third.iter_rows(min_row=2)]
    assert len(rows) == 5  # four values and one alternative reading
    assert rows[3][:9] == [1, "1", "经济发展", "地区生产总值增长", "2022年", 4.2, "4.2", "其他口径", "附件2"]
    assert rows[2][7] == "附件1" and rows[2][8] == "002 附件1"


@pytest.mark.parametrize(("decimals", "fmt"), [(0, "0"), (1, "0.0"), (2, "0.00"), (4, "0.0000")])
def test_number_format(decimals: int, fmt: str) -> None:
    assert layout.number_format(decimals) == fmt
