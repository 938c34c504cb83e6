"""Excel import in the 附件1 layout: round trip, preview/confirm, the command, and malformed workbooks that
must each end in a clear Chinese error with zero rows written."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook, load_workbook

from indicators import import_reading, importer, services
from indicators.models import Category, Indicator, ManualVerdict, Observation, PeriodLock, Plan
from indicators.periods import Period
from indicators.xlsx_layout import SHEET_APPENDIX1
from reports.appendix import build_report
from reports.workbook import build_appendix_workbook

# The fixture plan is loaded once for this module; each test's writes still roll back (conftest: plan_14th_once).
pytestmark = pytest.mark.usefixtures("plan_14th_once")

AS_OF = Period(2024)


def export(plan: Plan, as_of: Period = AS_OF) -> bytes:
    buffer = io.BytesIO()
    build_appendix_workbook(build_report(plan, as_of).appendix).save(buffer)
    return buffer.getvalue()


def sheet_values(data: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(data))[SHEET_APPENDIX1]
    return [tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def table_counts() -> dict[str, int]:
    return {
        "plans": Plan.objects.count(),
        "categories": Category.objects.count(),
        "indicators": Indicator.objects.count(),
        "observations": Observation.objects.count(),
        "observation_history": Observation.history.count(),
        "indicator_history": Indicator.history.count(),
        "manual_verdicts": ManualVerdict.objects.count(),
        "locks": PeriodLock.objects.count(),
    }


def empty_plan_like(plan: Plan, name: str = "导入的规划") -> Plan:
    return Plan.objects.create(
        region=plan.region, name=name, short_name=plan.short_name, base_year=plan.base_year, end_year=plan.end_year
    )


@pytest.fixture
def boss(plan_14th: Plan, admin: User) -> User:
    return admin


# --- round trip ---------------------------------------------------------------------------------------


def test_export_import_export_gives_identical_values(plan_14th: Plan, boss: User) -> None:
    first = export(plan_14th)
    target = empty_plan_like(plan_14th)
    report = importer.run_import(first, user=boss, filename="附件1.xlsx", commit=True, plan=target)
    assert report.errors == [] and report.committed
    assert report.counts["指标"] == Indicator.objects.filter(plan=plan_14th).count() == 23
    second = export(target)
    before, after = sheet_values(first), sheet_values(second)
    assert len(before) == len(after) == 2 + 21
    verdict_column = len(before[0]) - 1
    # every printed cell but the verdict: names, units, attributes, targets, base and yearly values
    assert [row[:verdict_column] for row in after] == [row[:verdict_column] for row in before]
    imported = Indicator.objects.get(plan=target, name="地区生产总值增长")
    assert (imported.unit, imported.attribute, imported.target_text, imported.target_kind) == (
        "%",
        "expected",
        "7.5",
        "annual_growth",
    )
    income = Indicator.objects.get(plan=target, name="城乡居民人均可支配收入增长率")
    assert income.linked_indicator == imported  # "与经济增长基本同步" is linked to GDP growth, as in the seed
    jobs = Indicator.objects.get(plan=target, name="城镇新增就业人数")
    assert jobs.parent is not None and jobs.parent.name == "城镇就业"
    assert Observation.objects.get(series=jobs.measured_series, year=2023, part="H1").display_value == "0.3470"
    # imported figures are approved and audited with the file name
    # same region: every indicator matched the 十四五 series of its name and unit, whose figures it now reads
    # (the file's identical figures are left as they are), and the preview says so
    assert "第4行：匹配已有统计指标：地区生产总值增长（%），沿用其已有数值。" in report.series
    assert report.counts["匹配统计指标"] == 21 and report.counts["新建统计指标"] == 0
    gdp = Indicator.objects.get(plan=plan_14th, name="地区生产总值增长")
    assert imported.series == gdp.series
    gdp_2022 = Observation.objects.get(series=imported.measured_series, year=2022)
    assert gdp_2022.status == "approved"
    assert gdp_2022.source == "002 中期评估报告 附件1"


def test_importing_the_export_into_its_own_plan_changes_nothing(plan_14th: Plan, boss: User) -> None:
    data = export(plan_14th)
    before = table_counts()
    report = importer.run_import(data, user=boss, filename="a.xlsx", commit=True, plan=plan_14th)
    assert report.errors == [] and report.changes == []  # "/" over no figure adds nothing to a plan that exists
    assert table_counts() == before


def test_preview_writes_nothing_and_commit_writes_the_changes(plan_14th: Plan, boss: User) -> None:
    workbook = load_workbook(io.BytesIO(export(plan_14th)))
    sheet = workbook[SHEET_APPENDIX1]
    row = _row_of(sheet, "地区生产总值增长")
    column = _column_of(sheet, "2022年")
    sheet.cell(row, column).value = 4.2
    data = _bytes(workbook)
    before = table_counts()
    preview = importer.run_import(data, user=boss, filename="b.xlsx", commit=False, plan=plan_14th)
    assert preview.errors == [] and not preview.committed
    assert [(c.name, c.period, c.old, c.new) for c in preview.changes if c.action == "修改"] == [
        ("地区生产总值增长", "2022年", "4.0", "4.2")
    ]
    assert table_counts() == before
    report = importer.run_import(data, user=boss, filename="b.xlsx", commit=True, plan=plan_14th)
    assert report.committed
    obs = Observation.objects.get(
        series__indicators__plan=plan_14th, series__indicators__name="地区生产总值增长", year=2022
    )
    assert (obs.value, obs.status, obs.history.first().history_change_reason) == (
        Decimal("4.2"),
        "approved",
        "Excel 导入：b.xlsx",
    )


# --- malformed workbooks: a clear Chinese error and zero rows written ----------------------------------


def _row_of(sheet: Any, name: str) -> int:
    for row in sheet.iter_rows(min_row=4):
        for cell in row[2:4]:
            if isinstance(cell.value, str) and cell.value.startswith(name):
                return int(cell.row)
    raise AssertionError(name)


def _column_of(sheet: Any, label: str) -> int:
    for cell in sheet[3]:
        if cell.value == label:
            return int(cell.column)
    raise AssertionError(label)


def _bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _mutate(change: Callable[[Any], None]) -> Callable[[bytes], bytes]:
    def apply(data: bytes) -> bytes:
        workbook = load_workbook(io.BytesIO(data))
        change(workbook)
        return _bytes(workbook)

    return apply


def _text_in_number(workbook: Any) -> None:
    sheet = workbook[SHEET_APPENDIX1]
    sheet.cell(_row_of(sheet, "地区生产总值增长"), _column_of(sheet, "2022年")).value = "约4.0"


def _duplicate_row(workbook: Any) -> None:
    sheet = workbook[SHEET_APPENDIX1]
    source = _row_of(sheet, "常住人口城镇化率")
    target = sheet.max_row + 1
    for column in range(1, sheet.max_column + 1):
        sheet.cell(target, column).value = sheet.cell(source, column).value
    sheet.merge_cells(start_row=target, start_column=3, end_row=target, end_column=4)


def _formula(workbook: Any) -> None:
    sheet = workbook[SHEET_APPENDIX1]
    sheet.cell(_row_of(sheet, "地区生产总值增长"), _column_of(sheet, "2021年")).value = "=4.5*2"


def _bad_merge(workbook: Any) -> None:
    sheet = workbook[SHEET_APPENDIX1]
    row = _row_of(sheet, "地区生产总值增长")
    sheet.merge_cells(start_row=row, start_column=7, end_row=row, end_column=8)


def _percent_format(workbook: Any) -> None:
    sheet = workbook[SHEET_APPENDIX1]
    cell = sheet.cell(_row_of(sheet, "森林覆盖率"), _column_of(sheet, "2022年"))
    cell.value, cell.number_format = 0.1267, "0.00%"


def _rename_header(label: str, new: str) -> Callable[[Any], None]:
    def change(workbook: Any) -> None:
        sheet = workbook[SHEET_APPENDIX1]
        sheet.cell(3, _column_of(sheet, label)).value = new

    return change


def _unknown_indicator(workbook: Any) -> None:
    sheet = workbook[SHEET_APPENDIX1]
    sheet.cell(_row_of(sheet, "森林覆盖率"), 3).value = "森林蓄积量（万立方米）"


MALFORMED = [
    ("empty file", lambda data: b"", import_reading.FILE_EMPTY),
    ("not excel, renamed", lambda data: b"%PDF-1.4 this is not a workbook", import_reading.FILE_NOT_XLSX),
    ("a zip but not a workbook", lambda data: _zip_without_workbook(), import_reading.FILE_NOT_XLSX),
    (
        "oversized",
        lambda data: data + b"\0" * (import_reading.MAX_UPLOAD_BYTES + 1 - len(data)),
        import_reading.FILE_TOO_LARGE,
    ),
    # A renamed sheet or top header is no longer refused: it is read by meaning (tests/test_import_sources.py).
    (
        "period header not a period",
        _mutate(_rename_header("2022年", "去年")),
        "表头不正确：第3行 I 列“去年”不是期间",
    ),
    ("duplicate period", _mutate(_rename_header("2022年", "2021年")), "表头中期间“2021年”出现了不止一次"),
    ("period outside the plan", _mutate(_rename_header("2024年", "2026年")), "表头期间“2026年”不在规划"),
    (
        "text in a number cell",
        _mutate(_text_in_number),
        "（2022年）：“约4.0”不是数字。请只填数字；暂无数据请留空或填“/”。",
    ),
    ("duplicate rows", _mutate(_duplicate_row), "指标“常住人口城镇化率（%）”与第5行重复"),
    ("formula", _mutate(_formula), "含公式“=4.5*2”，不能导入"),
    ("merged cells in the wrong place", _mutate(_bad_merge), "合并单元格位置不对"),
    ("percent-formatted cell", _mutate(_percent_format), "单元格是百分比格式"),
    ("unknown indicator", _mutate(_unknown_indicator), "中没有指标“森林蓄积量（万立方米）”"),
]


def _zip_without_workbook() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(("case", "make", "message"), MALFORMED, ids=[case for case, _, _ in MALFORMED])
def test_malformed_workbook_is_refused_with_a_chinese_error_and_nothing_written(
    plan_14th: Plan, boss: User, case: str, make: Callable[[bytes], bytes], message: str
) -> None:
    data = make(export(plan_14th))
    before = table_counts()
    report = importer.run_import(data, user=boss, filename="坏表.xlsx", commit=True, plan=plan_14th)
    assert not report.committed
    assert any(message in error for error in report.errors), report.errors
    assert table_counts() == before


def test_malformed_workbook_into_an_empty_plan_creates_nothing(plan_14th: Plan, boss: User) -> None:
    target = empty_plan_like(plan_14th)
    data = _mutate(_text_in_number)(export(plan_14th))
    before = table_counts()
    report = importer.run_import(data, user=boss, filename="x.xlsx", commit=True, plan=target)
    assert report.errors and table_counts() == before


def test_a_locked_period_refuses_the_whole_import(plan_14th: Plan, boss: User) -> None:
    workbook = load_workbook(io.BytesIO(export(plan_14th)))
    sheet = workbook[SHEET_APPENDIX1]
    sheet.cell(_row_of(sheet, "地区生产总值增长"), _column_of(sheet, "2022年")).value = 4.2
    sheet.cell(_row_of(sheet, "常住人口城镇化率"), _column_of(sheet, "2021年")).value = 64.0
    services.period_lock(plan=plan_14th, period=Period(2021), user=boss)
    before = table_counts()
    report = importer.run_import(_bytes(workbook), user=boss, filename="x.xlsx", commit=True, plan=plan_14th)
    locked = services.PERIOD_LOCKED_BY.format(period="2021年", plans=plan_14th.name)  # names the locking plan
    assert report.errors == ["第5行 H 列（2021年）：" + locked]
    assert table_counts() == before  # the unlocked 2022 change was rolled back too


def test_value_cells_read_numbers_text_and_no_data(plan_14th: Plan, boss: User) -> None:
    workbook = load_workbook(io.BytesIO(export(plan_14th)))
    sheet = workbook[SHEET_APPENDIX1]
    row = _row_of(sheet, "地区生产总值增长")
    sheet.cell(row, _column_of(sheet, "2022年")).value = "４．２"  # text: read, with a warning
    report = importer.run_import(_bytes(workbook), user=boss, filename="x.xlsx", commit=False, plan=plan_14th)
    assert report.errors == []
    assert any("数字以文本保存，已按 4.2 读取" in w for w in report.warnings)
    assert [(c.old, c.new) for c in report.changes if c.action == "修改"] == [("4.0", "4.2")]


# --- the command ------------------------------------------------------------------------------------


def test_import_plan_command_creates_a_plan_from_the_table(plan_14th: Plan, tmp_path: Path) -> None:
    path = tmp_path / "十四五附件1.xlsx"
    path.write_bytes(export(plan_14th))
    out = io.StringIO()
    call_command("import_plan", str(path), "--region", "卧龙区", "--plan", "导入测试规划", stdout=out)
    assert "导入完成" in out.getvalue()
    plan = Plan.objects.get(name="导入测试规划")
    assert (plan.short_name, plan.base_year, plan.end_year) == ("十四五", 2020, 2025)
    assert list(plan.categories.values_list("name", flat=True)) == [
        "经济发展",
        "创新驱动",
        "民生福祉",
        "绿色生态",
        "安全保障",
    ]
    assert plan.indicators.count() == 23


def test_import_plan_command_prints_the_errors_and_writes_nothing(plan_14th: Plan, tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(_mutate(_text_in_number)(export(plan_14th)))
    before = table_counts()
    err = io.StringIO()
    with pytest.raises(CommandError, match="共 1 处错误，未写入任何数据"):
        call_command("import_plan", str(path), "--region", "卧龙区", "--plan", "新规划", stderr=err)
    assert "“约4.0”不是数字" in err.getvalue()
    assert table_counts() == before
    with pytest.raises(CommandError, match="找不到行政区划“火星”"):
        call_command("import_plan", str(path), "--region", "火星", "--plan", "新规划")
    (tmp_path / "table.pdf").write_text("a,b")
    with pytest.raises(CommandError, match=re.escape(import_reading.FILE_WRONG_TYPE)):
        call_command("import_plan", str(tmp_path / "table.pdf"), "--region", "卧龙区", "--plan", "新规划")


# --- the upload pages ----------------------------------------------------------------------------------


def _upload(client: Client, plan: Plan, data: bytes, name: str = "附件1.xlsx") -> Any:
    file = io.BytesIO(data)
    file.name = name
    return client.post(f"/indicators/plan/{plan.pk}/import/", {"file": file})


def test_upload_preview_confirm(client: Client, plan_14th: Plan, boss: User) -> None:
    target = empty_plan_like(plan_14th)
    client.force_login(boss)
    response = _upload(client, target, export(plan_14th))
    body = response.content.decode()
    assert response.status_code == 200 and "确认导入" in body
    assert "匹配已有统计指标：地区生产总值增长（%），沿用其已有数值。" in body  # the preview explains the matching
    assert Indicator.objects.filter(plan=target).count() == 0
    token = response.context["token"]
    response = client.post(f"/indicators/plan/{target.pk}/import/confirm/", {"token": token}, follow=True)
    assert any(str(m).startswith("导入完成（附件1.xlsx）") for m in response.context["messages"])
    assert Indicator.objects.filter(plan=target).count() == 23
    # the token is single-use
    response = client.post(f"/indicators/plan/{target.pk}/import/confirm/", {"token": token}, follow=True)
    assert "导入已过期或已完成，请重新上传文件。" in [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4", "指标.pdf", import_reading.FILE_WRONG_TYPE),
        (b"", "空.xlsx", import_reading.FILE_EMPTY),
        (b"not a zip", "假.xlsx", import_reading.FILE_NOT_XLSX),
        (b"\0" * (import_reading.MAX_UPLOAD_BYTES + 1), "大.xlsx", import_reading.FILE_TOO_LARGE),
        # far over the limit: refused from Content-Length before Django parses (and spools) the body
        (b"\0" * (import_reading.MAX_UPLOAD_BYTES * 2), "很大.xlsx", import_reading.FILE_TOO_LARGE),
    ],
)
def test_bad_uploads_are_refused_in_chinese(
    client: Client, plan_14th: Plan, boss: User, data: bytes, name: str, message: str
) -> None:
    client.force_login(boss)
    before = table_counts()
    response = _upload(client, plan_14th, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "确认导入" not in response.content.decode()
    assert table_counts() == before


def test_template_has_the_export_layout_and_imports_back_unchanged(client: Client, plan_14th: Plan, boss: User) -> None:
    client.force_login(boss)
    response = client.get(f"/indicators/plan/{plan_14th.pk}/import/template.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook[SHEET_APPENDIX1]
    labels = [c.value for c in sheet[3] if c.value]
    assert labels[:3] == ["2025年", "2020年", "2021年上半年"]  # target year, base year, every period so far
    assert "2025年上半年" in labels
    report = importer.run_import(response.content, user=boss, filename="t.xlsx", commit=True, plan=plan_14th)
    assert report.errors == [] and report.changes == []


def test_all_problems_are_listed_at_once(plan_14th: Plan, boss: User) -> None:
    data = _mutate(_formula)(_mutate(_text_in_number)(export(plan_14th)))
    report = importer.run_import(data, user=boss, filename="x.xlsx", commit=True, plan=plan_14th)
    assert len(report.errors) == 2
    assert "含公式" in report.errors[0] and "不是数字" in report.errors[1]


def test_import_into_another_region_creates_its_own_series(plan_14th: Plan, boss: User) -> None:
    from indicators.models import Region, Series

    other = Plan.objects.create(
        region=Region.objects.create(name="宛城区", parent=plan_14th.region.parent),
        name="宛城区“十四五”规划",
        base_year=2020,
        end_year=2025,
    )
    before = Series.objects.count()
    report = importer.run_import(export(plan_14th), user=boss, filename="a.xlsx", commit=True, plan=other)
    assert report.committed and report.counts["新建统计指标"] == 21 and report.counts["匹配统计指标"] == 0
    assert "第4行：新建统计指标：地区生产总值增长（%）。" in report.series
    assert Series.objects.count() == before + 21
    assert Series.objects.filter(region=other.region).count() == 21
