"""Import of the tables people have (issue 15): the 附件1 export in other layouts and formats (.xlsx, .xls, CSV
UTF-8/GBK, Word .docx) imports into an empty plan with identical indicators, targets and values; malformed
inputs of each format end in a clear Chinese message with nothing written; values as people write them."""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import Workbook

from indicators import column_mapping, import_reading, importer, table_reader
from indicators.column_mapping import Choice, classify, header_period
from indicators.models import Indicator, Observation, Plan, Region
from indicators.periods import Period
from indicators.table_reader import Grid, SourceCell
from tests.test_import import _upload, empty_plan_like, export, table_counts

# The fixture plan is loaded once for this module; each test's writes still roll back (conftest: plan_14th_once).
pytestmark = pytest.mark.usefixtures("plan_14th_once")

Rows = list[list[str]]


@pytest.fixture
def boss(plan_14th: Plan, admin: User) -> User:
    return admin


def other_region_plan(plan: Plan, name: str = "宛城区") -> Plan:
    """An empty plan of another region: importing creates its own series, so every figure comes from the file."""
    region = Region.objects.create(name=name, parent=plan.region.parent)
    return Plan.objects.create(region=region, name=f"{name}“十四五”规划", base_year=2020, end_year=2025)


def snapshot(plan: Plan) -> list[tuple[Any, ...]]:
    """What a user sees of a plan: each indicator (category, group, name, unit, attribute, target) and its figures."""
    found = []
    for indicator in Indicator.objects.of_plan(plan).select_related("category", "parent").order_by("pk"):
        figures = sorted(
            (o.year, o.part, o.display_value, o.no_data)
            for o in Observation.objects.filter(series=indicator.series_id)
            if indicator.series_id
        )
        found.append(
            (
                indicator.category.name,
                indicator.parent.name if indicator.parent else "",
                indicator.name,
                indicator.unit,
                indicator.attribute,
                indicator.target_text,
                tuple(figures),
            )
        )
    return found


# --- the same table in the layouts and formats people have ---------------------------------------------------


def printed_rows(data: bytes) -> Rows:
    """The export's 附件1 as the report prints it: one header row (序号 | 类别 | 指标 | 属性 | 2025年 | 2020年 | …),
    a sub-indicator group as a heading row followed by its 其中 rows."""
    grid = table_reader.read_grids(data, "附件1.xlsx")[0]
    periods = [grid.cell(3, c).text for c in range(7, grid.width)]
    rows: Rows = [["序号", "类别", "指标", "属性", grid.cell(3, 6).text, *periods, "中期完成情况"]]
    last_group = ""
    for r in range(4, len(grid.rows) + 1):
        group, name = grid.cell(r, 3).text, grid.own(r, 4).text
        figures = [grid.own(r, c).text for c in range(5, grid.width + 1)]
        category = grid.cell(r, 2).text
        if name:  # a sub-indicator: its group heading once, then the row with 其中
            if group != last_group:
                rows.append([grid.cell(r, 1).text, category, group, "", "", *[""] * len(periods), ""])
                last_group = group
            rows.append(["", category, f"其中：{name}", *figures])
        else:
            rows.append([grid.cell(r, 1).text, category, group, *figures])
    return rows


def to_xlsx(rows: Rows, *, numbers: bool = True) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sheet1"
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            cell = sheet.cell(r, c)
            if numbers and r > 1 and c > 5 and _is_number(text):
                cell.value = float(text)
                decimals = len(text.partition(".")[2])
                cell.number_format = "0." + "0" * decimals if decimals else "0"
            else:
                cell.value = text or None
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def to_xls(rows: Rows) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    styles: dict[int, Any] = {}
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if r > 0 and c > 4 and _is_number(text):
                decimals = len(text.partition(".")[2])
                if decimals not in styles:
                    styles[decimals] = xlwt.easyxf(num_format_str="0." + "0" * decimals if decimals else "0")
                sheet.write(r, c, float(text), styles[decimals])
            elif text:
                sheet.write(r, c, text)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_csv(rows: Rows, encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def to_docx(rows: Rows, *, tables_before: int = 0) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("附件1：卧龙区“十四五”规划主要指标完成情况")
    for _ in range(tables_before):  # an unrelated table first, as in a report
        other = document.add_table(rows=2, cols=2)
        other.cell(0, 0).text, other.cell(0, 1).text = "项目", "金额"
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row_of_table, row in zip(table.rows, rows, strict=True):  # table.cell() walks the whole table each call
        for cell, text in zip(row_of_table.cells, row, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


FORMATS: list[tuple[str, str, Callable[[Rows], bytes]]] = [
    ("printed layout .xlsx", "附件1.xlsx", to_xlsx),
    ("printed layout .xlsx, numbers as text", "附件1.xlsx", lambda rows: to_xlsx(rows, numbers=False)),
    (".xlsm", "附件1.xlsm", to_xlsx),
    (".xls", "附件1.xls", to_xls),
    ("CSV UTF-8", "附件1.csv", lambda rows: to_csv(rows, "utf-8-sig")),
    ("CSV GBK", "附件1.csv", lambda rows: to_csv(rows, "gbk")),
    ("Word table", "附件1.docx", lambda rows: to_docx(rows, tables_before=1)),
]


def test_template_round_trip_into_another_region_is_the_baseline(plan_14th: Plan, boss: User) -> None:
    first = other_region_plan(plan_14th)
    report = importer.run_import(export(plan_14th), user=boss, filename="附件1.xlsx", commit=True, plan=first)
    assert report.committed and report.reading is None  # the template path, exactly as before
    assert len(snapshot(first)) == 23


@pytest.mark.parametrize(("case", "filename", "write"), FORMATS, ids=[case for case, _, _ in FORMATS])
def test_each_format_imports_the_same_indicators_targets_and_values(
    plan_14th: Plan, boss: User, case: str, filename: str, write: Callable[[Rows], bytes]
) -> None:
    exported = export(plan_14th)
    baseline = other_region_plan(plan_14th, "卧龙区（模板）")
    assert importer.run_import(exported, user=boss, filename="附件1.xlsx", commit=True, plan=baseline).committed
    expected = snapshot(baseline)

    target = other_region_plan(plan_14th)
    data = write(printed_rows(exported))
    report = importer.run_import(data, user=boss, filename=filename, commit=True, plan=target)
    assert report.errors == [], report.errors
    assert report.committed
    assert snapshot(target) == expected
    labels = [c.label for c in report.reading.columns]
    assert labels[:6] == ["序号", "类别", "指标", "属性", "目标值 2025年", "实际值 2020年"]
    assert report.reading.unknown == []


def test_export_with_a_renamed_sheet_or_header_reads_by_meaning(plan_14th: Plan, boss: User) -> None:
    """Once refused with "找不到名为“附件1”的工作表" or "表头不正确"; now read as another 附件1-like layout."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(export(plan_14th)))
    workbook["附件1"].title = "Sheet1"
    workbook["Sheet1"].cell(2, 1).value = "编号"
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = table_counts()
    report = importer.run_import(buffer.getvalue(), user=boss, filename="改过的.xlsx", commit=True, plan=plan_14th)
    assert report.errors == [] and report.changes == []  # the same figures: nothing to change
    assert table_counts() == before
    columns = {c.letter: c.label for c in report.reading.columns}
    assert columns["A"] == "序号" and columns["C"] == "指标（分组）" and columns["D"] == "指标"
    assert columns["F"] == "目标值 2025年" and columns["G"] == "实际值 2020年"
    assert columns["J"] == "实际值 2023年上半年"


def test_preview_into_a_plan_that_exists_updates_figures_from_a_csv(plan_14th: Plan, boss: User) -> None:
    rows = [
        ["指标名称", "单位", "2024年", "备注"],
        ["地区生产总值增长", "%", "5.1*", "初步核算"],
        ["常住人口城镇化率", "%", "／", ""],
    ]
    report = importer.run_import(to_csv(rows, "gbk"), user=boss, filename="统计局.csv", commit=False, plan=plan_14th)
    assert report.errors == [], report.errors
    changed = [(c.name, c.period, c.new) for c in report.changes]
    assert ("地区生产总值增长", "2024年", "5.1") in changed or report.counts["未变"] == 1
    assert [c.label for c in report.reading.columns] == ["指标", "单位", "实际值 2024年", "备注"]


# --- values as people write them -----------------------------------------------------------------------------


def _cell(text: str) -> SourceCell:
    return SourceCell(text=text)


@pytest.mark.parametrize(
    ("written", "unit", "value", "no_data", "note"),
    [
        ("7.5", "%", Decimal("7.5"), False, ""),
        ("４．２", "%", Decimal("4.2"), False, ""),  # full-width digits
        ("4.2%", "%", Decimal("4.2"), False, ""),
        ("4.0*", "%", Decimal("4.0"), False, "原表标注“*”"),
        ("3.7注1", "人", Decimal("3.7"), False, "原表标注“注1”"),
        ("2.44①", "个", Decimal("2.44"), False, "原表标注“①”"),
        ("7.0左右", "%", Decimal("7.0"), False, "原表为“7.0左右”"),
        ("1.2万人", "万人", Decimal("1.2"), False, ""),
        ("1,234.5", "亿元", Decimal("1234.5"), False, ""),
        ("/", "%", None, True, ""),
        ("—", "%", None, True, ""),
        ("", "%", None, False, ""),
    ],
)
def test_values_as_people_write_them(written: str, unit: str, value: Decimal | None, no_data: bool, note: str) -> None:
    errors: list[str] = []
    parsed, found_note = column_mapping._value(_cell(written), "第5行 F 列", Period(2022), unit, errors, [])
    assert errors == []
    if value is None and not no_data:
        assert parsed is None
        return
    assert parsed is not None
    assert (parsed.value, parsed.no_data) == (value, no_data)
    assert found_note == note


@pytest.mark.parametrize(
    ("written", "unit", "message"),
    [
        ("约为四", "%", "不是数字"),
        ("4.2%", "万人", "该指标单位为“万人”，不能填百分数。"),
    ],
)
def test_values_that_are_not_numbers_are_refused(written: str, unit: str, message: str) -> None:
    errors: list[str] = []
    column_mapping._value(_cell(written), "第5行 F 列", Period(2022), unit, errors, [])
    assert len(errors) == 1 and message in errors[0]


@pytest.mark.parametrize(
    ("top", "sub", "label"),
    [
        ("序号", "", "序号"),
        ("类别", "", "类别"),
        ("领域", "", "类别"),
        ("指标名称", "", "指标"),
        ("指标属性", "", "属性"),
        ("计量单位", "", "单位"),
        ("2025年目标", "", "目标值 2025年"),
        ("规划目标", "2025年", "目标值 2025年"),
        ("目标值", "2025年", "目标值 2025年"),
        ("实际值", "2021年", "实际值 2021年"),
        ("2023年", "上半年", "实际值 2023年上半年"),
        ("2023H1", "", "实际值 2023年上半年"),
        ("2023年1-6月", "", "实际值 2023年上半年"),
        ("中期完成情况", "", "完成情况（原表结论）"),
        ("备注", "", "备注"),
        ("责任单位", "", "未识别（不导入）"),
    ],
)
def test_headers_are_mapped_by_meaning(top: str, sub: str, label: str) -> None:
    kind, period = classify(top, sub)
    meaning = column_mapping.ColumnMeaning(1, top, kind, period)
    assert meaning.label == label


@given(st.text(max_size=30), st.sampled_from(["%", "万人", "", "亿元"]))
def test_any_written_value_is_read_or_refused_in_chinese(written: str, unit: str) -> None:
    errors: list[str] = []
    parsed, _ = column_mapping._value(_cell(written), "第5行 F 列", Period(2022), unit, errors, [])
    assert parsed is None or parsed.no_data or isinstance(parsed.value, Decimal)
    assert all(e.startswith("第5行 F 列（2022年）：") for e in errors)  # a located Chinese message, never a crash


@given(st.binary(max_size=400))
@example(b"\r\x01")  # once a csv.Error escaped
@example(b'"a,b\n\x00')
def test_any_bytes_as_csv_are_read_or_refused_with_a_message(data: bytes) -> None:
    try:
        grids = table_reader.read_grids(data, "a.csv")
    except table_reader.SourceError as error:
        assert str(error)
    else:
        assert len(grids) == 1


def test_header_period_reads_years_and_halves() -> None:
    assert header_period("２０２３年上半年") == Period(2023, "H1")
    assert header_period("指标") is None


def test_sub_indicators_from_indentation_and_merged_seq() -> None:
    rows = [
        [_cell("序号"), _cell("类别"), _cell("指标"), _cell("2025年"), _cell("2020年"), _cell("2021年")],
        [_cell("1"), _cell("民生福祉"), _cell("城镇就业"), _cell(""), _cell(""), _cell("")],
        [
            _cell(""),
            _cell(""),
            SourceCell("城镇新增就业人数（万人）", indent=1),
            _cell("[5]"),
            _cell("1"),
            _cell("0.93"),
        ],
        [_cell(""), _cell(""), _cell("城镇调查失业率（%）"), _cell("＜5.5"), _cell("/"), _cell("3.4")],
        [_cell("2"), _cell(""), _cell("人均预期寿命（岁）"), _cell("78"), _cell("75"), _cell("75.36")],
    ]
    # 序号 1 merged over rows 2–4, 类别 merged over rows 2–5
    merges = {(r, 1): (2, 1) for r in range(2, 5)} | {(r, 2): (2, 2) for r in range(2, 6)}
    grid = Grid("Sheet1", rows, merges)
    header = column_mapping.find_header(grid)
    assert header == (1,)
    columns = column_mapping.map_columns(grid, header, None)
    table, _, errors, _ = column_mapping.read_rows(grid, header, columns, None)
    assert errors == []
    assert [(r.group, r.display_name, r.category, r.seq) for r in table.rows] == [
        ("城镇就业", "城镇新增就业人数（万人）", "民生福祉", "1"),
        ("城镇就业", "城镇调查失业率（%）", "民生福祉", "1"),
        ("", "人均预期寿命（岁）", "民生福祉", "2"),
    ]


def test_choice_survives_the_round_trip_and_tampering_is_ignored() -> None:
    choice = Choice(table=1, columns={5: "target:2025", 6: "ignore"})
    assert Choice.from_json(choice.to_json()) == choice
    assert Choice.from_json('{"columns": {"5": "drop table"}}') is None
    assert Choice.from_json("not json") is None


def test_the_user_corrects_a_column_meaning(plan_14th: Plan, boss: User) -> None:
    rows = [["指标", "单位", "规划值", "2021年"], ["地区生产总值增长", "%", "7.5", "6.1"]]
    data = to_csv(rows, "utf-8")
    first = importer.run_import(data, user=boss, filename="a.csv", commit=False, plan=empty_plan_like(plan_14th))
    assert [c.label for c in first.reading.unknown] == ["未识别（不导入）"]  # 规划值 is not guessed
    assert "C 列“规划值”未识别，未导入。" in first.warnings
    plan = Plan.objects.get(name="导入的规划")
    corrected = Choice(table=0, columns={3: "target:2025"})
    second = importer.run_import(data, user=boss, filename="a.csv", commit=True, plan=plan, choice=corrected)
    assert second.errors == [] and second.committed
    assert Indicator.objects.get(plan=plan, name="地区生产总值增长").target_text == "7.5"


# --- malformed inputs: a Chinese message and nothing written -------------------------------------------------


def _two_tables(rows: Rows) -> Rows:
    return [*rows[:5], rows[0], *rows[5:]]


def _no_header(rows: Rows) -> Rows:
    return [["甲", "乙", "丙"], *[[f"{i}", "x", "y"] for i in range(12)]]


def _mixed_csv(rows: Rows) -> bytes:
    head = to_csv(rows[:3], "utf-8")
    return head + to_csv(rows[3:], "gbk")


def _docx_without_tables(rows: Rows) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("2023年卧龙区国民经济和社会发展计划执行情况")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _huge_xls(rows: Rows) -> bytes:
    return to_xls(rows + [[f"指标{i}", "", "", "", "1"] for i in range(table_reader.MAX_ROWS)])


def _bad_value(rows: Rows) -> Rows:
    changed = [list(row) for row in rows]
    changed[1][6] = "约为四"
    return changed


MALFORMED: list[tuple[str, str, Callable[[Rows], bytes], str]] = [
    ("xlsx without a header", "a.xlsx", lambda rows: to_xlsx(_no_header(rows)), "没有找到表头"),
    ("xlsx with two tables", "a.xlsx", lambda rows: to_xlsx(_two_tables(rows)), "又是一行表头"),
    ("xlsx that is not a workbook", "a.xlsx", lambda rows: b"PK not really", import_reading.FILE_NOT_XLSX),
    ("xls without a header", "a.xls", lambda rows: to_xls(_no_header(rows)), "没有找到表头"),
    ("xls with two tables", "a.xls", lambda rows: to_xls(_two_tables(rows)), "又是一行表头"),
    ("xlsm that is not a workbook", "a.xlsm", lambda rows: b"PK not really", "无法读取该Excel 工作簿（.xlsm）文件"),
    ("xls that is not a workbook", "a.xls", lambda rows: b"\xd0\xcf\x11\xe0 broken", "无法读取该Excel 97-2003"),
    ("huge xls", "a.xls", _huge_xls, "超过 2000 行"),
    ("csv without a header", "a.csv", lambda rows: to_csv(_no_header(rows), "utf-8"), "没有找到表头"),
    ("csv with two tables", "a.csv", lambda rows: to_csv(_two_tables(rows), "gbk"), "又是一行表头"),
    ("csv with mixed encodings", "a.csv", _mixed_csv, "CSV 文件中混用了两种编码"),
    ("csv with a word for a number", "a.csv", lambda rows: to_csv(_bad_value(rows), "utf-8"), "“约为四”不是数字"),
    ("docx without tables", "a.docx", _docx_without_tables, "Word 文档中没有表格"),
    ("docx with two tables in one", "a.docx", lambda rows: to_docx(_two_tables(rows)), "又是一行表头"),
    ("docx that is not a document", "a.docx", lambda rows: b"PK\x03\x04 broken", "无法读取该Word 文档"),
]


@pytest.mark.parametrize(("case", "filename", "make", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_sources_are_refused_in_chinese_with_nothing_written(
    plan_14th: Plan, boss: User, case: str, filename: str, make: Callable[[Rows], bytes], message: str
) -> None:
    data = make(printed_rows(export(plan_14th)))
    target = other_region_plan(plan_14th)
    before = table_counts()
    report = importer.run_import(data, user=boss, filename=filename, commit=True, plan=target)
    assert not report.committed
    assert any(message in error for error in report.errors), report.errors
    assert table_counts() == before


@pytest.mark.parametrize("filename", ["big.csv", "big.xlsx", "big.docx", "big.xls"])
def test_reading_stays_bounded_in_time_and_memory(filename: str) -> None:
    """A file at the size limit is read (or refused) within a second or two and a bounded amount of memory."""
    rows: Rows = [["指标", "2020年", "2021年"]] + [[f"指标{i}", "1.5", "2.5"] for i in range(table_reader.MAX_ROWS - 1)]
    writers: dict[str, Callable[[Rows], bytes]] = {
        ".csv": lambda r: to_csv(r, "utf-8"),
        ".xlsx": to_xlsx,
        ".docx": to_docx,
        ".xls": to_xls,
    }
    data = writers[table_reader.suffix_of(filename)](rows)
    tracemalloc.start()
    started = time.perf_counter()
    grids = table_reader.read_grids(data, filename)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(grids[-1].rows) == table_reader.MAX_ROWS
    print(f"{filename}: {len(data)} bytes, {elapsed:.2f} s, peak {peak / 1e6:.1f} MB")
    assert elapsed < 30 and peak < 300e6


# --- the pages -----------------------------------------------------------------------------------------------


def test_upload_a_docx_preview_shows_the_mapping_then_confirm(client: Client, plan_14th: Plan, boss: User) -> None:
    target = other_region_plan(plan_14th)
    client.force_login(boss)
    data = to_docx(printed_rows(export(plan_14th)), tables_before=1)
    response = _upload(client, target, data, "去年的报告.docx")
    body = response.content.decode()
    assert response.status_code == 200 and "确认导入" in body, body[-3000:]
    assert "E 列 → 目标值 2025年" in body
    assert "表格2" in body  # the Word document's tables are offered
    assert Indicator.objects.filter(plan=target).count() == 0
    response = client.post(
        f"/indicators/plan/{target.pk}/import/confirm/",
        {"token": response.context["token"], "choice": response.context["report"].reading.choice.to_json()},
        follow=True,
    )
    assert any(str(m).startswith("导入完成（去年的报告.docx）") for m in response.context["messages"])
    assert Indicator.objects.filter(plan=target).count() == 23


def test_remap_in_the_preview_re_reads_the_stashed_file(client: Client, plan_14th: Plan, boss: User) -> None:
    target = empty_plan_like(plan_14th)
    client.force_login(boss)
    rows = [["指标", "单位", "规划值", "2020年"], ["地区生产总值增长", "%", "7.5", "2.5"]]
    response = _upload(client, target, to_csv(rows, "utf-8"), "a.csv")
    assert "规划值" in response.content.decode() and "未识别" in response.content.decode()
    token = response.context["token"]
    response = client.post(
        f"/indicators/plan/{target.pk}/import/confirm/",
        {
            "token": token,
            "remap": "1",
            "table": "0",
            "column-1": "name",
            "column-2": "unit",
            "column-3": "target:2025",
            "column-4": "value:2020",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "C 列 → 目标值 2025年" in body
    assert Indicator.objects.filter(plan=target).count() == 0
    response = client.post(
        f"/indicators/plan/{target.pk}/import/confirm/",
        {"token": response.context["token"], "choice": response.context["report"].reading.choice.to_json()},
        follow=True,
    )
    assert Indicator.objects.get(plan=target, name="地区生产总值增长").target_text == "7.5"


def test_verdict_column_of_the_source_is_compared_row_by_row(plan_14th: Plan, boss: User) -> None:
    rows = printed_rows(export(plan_14th))
    gdp = next(i for i, row in enumerate(rows) if row[2].startswith("地区生产总值增长"))
    rows[gdp][-1] = "达到预期"  # the office's own table said so; the app's rules say otherwise
    report = importer.run_import(to_csv(rows, "utf-8"), user=boss, filename="a.csv", commit=False, plan=plan_14th)
    assert report.errors == []
    differing = [(v.name, v.source, v.app) for v in report.verdicts if v.differs]
    assert ("地区生产总值增长（%）", "达到预期", "低于预期") in differing
    assert len(report.verdicts) == 21
