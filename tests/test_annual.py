"""Annual plans (年度计划): the engine's verdicts in the annual wording, the demo 2025 plan of seed 003, its page
and Excel, and one 2024 GDP figure read by both the five-year plan and the annual plan."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from indicators import evaluation as ev
from indicators import services
from indicators.annual import ANNUAL_LABELS_ERROR, Completion, completion
from indicators.assessment import assess_plan
from indicators.models import Category, Indicator, Observation, Plan, Region
from indicators.periods import Period
from indicators.seed import load_plan_fixture
from indicators.targets import parse_target
from indicators.vocabulary import Status
from reports.annual import ANNUAL_HEADERS, SHEET_ANNUAL, build_annual, build_annual_workbook
from tests.conftest import PLAN_FIXTURE

ANNUAL_FIXTURE = PLAN_FIXTURE.with_name("wolong_2025_annual_plan.json")
H1, Q3, YEAR = Period(2025, "H1"), Period(2025, "Q3"), Period(2025)
BASE = (Period(2024), "4.2")  # 2024's GDP growth, the annual plan's base value

# (name, unit, target as printed, figures, as-of, expected wording) — an annual plan is base 2024, target 2025
CASES = [
    ("地区生产总值增长", "%", "6.5以上", [(H1, "5.0")], H1, Completion.NOT_DONE),
    ("地区生产总值增长", "%", "6.5以上", [BASE, (H1, "5.6")], H1, Completion.NOT_DONE),  # not "progress" from 4.2
    ("地区生产总值增长", "%", "6.5以上", [BASE, (H1, "6.8")], H1, Completion.DONE),
    ("地区生产总值增长", "%", "6.5以上", [(Q3, "6.5")], Q3, Completion.DONE),
    ("地区生产总值增长", "%", "6.5以上", [(YEAR, "6.4")], YEAR, Completion.NOT_DONE),
    ("地区生产总值增长", "%", "6.5以上", [], H1, Completion.NO_DATA),
    ("一般公共预算收入增长", "%", "4左右", [(H1, "3.8")], H1, Completion.MOSTLY),
    ("一般公共预算收入增长", "%", "4左右", [(Q3, "4.5")], Q3, Completion.DONE),
    ("一般公共预算收入增长", "%", "4左右", [(YEAR, "3.8")], YEAR, Completion.MOSTLY),
    ("一般公共预算收入增长", "%", "4左右", [(YEAR, "4.1")], YEAR, Completion.DONE),
    ("一般公共预算收入增长", "%", "4左右", [(YEAR, "3.2")], YEAR, Completion.NOT_DONE),
    ("居民消费价格涨幅", "%", "控制在2左右", [(H1, "2.6")], H1, Completion.NOT_DONE),
    ("居民消费价格涨幅", "%", "控制在2左右", [(H1, "2.3")], H1, Completion.MOSTLY),
    ("居民消费价格涨幅", "%", "控制在2左右", [(Q3, "0.3")], Q3, Completion.DONE),
    ("居民消费价格涨幅", "%", "控制在2左右", [(YEAR, "1.5")], YEAR, Completion.DONE),
    ("粮食产量", "亿斤", "7.1左右", [(Period(2024), "6.7"), (YEAR, "7.2")], YEAR, Completion.DONE),
    ("粮食产量", "亿斤", "7.1左右", [(Period(2024), "6.7"), (YEAR, "7.0")], YEAR, Completion.MOSTLY),
    ("粮食产量", "亿斤", "7.1左右", [(Period(2024), "6.7"), (YEAR, "6.5")], YEAR, Completion.NOT_DONE),
]


@pytest.mark.parametrize(("name", "unit", "text", "figures", "as_of", "expected"), CASES)
def test_engine_verdicts_in_the_annual_wording(
    name: str, unit: str, text: str, figures: list[tuple[Period, str]], as_of: Period, expected: Completion
) -> None:
    target = ev.Target.from_parsed(parse_target(text, name, unit))
    series = ev.Series(
        name=name,
        unit=unit,
        target=target,
        base_year=2024,
        end_year=2025,
        points=tuple(ev.Point(period, Decimal(value)) for period, value in figures),
        partial_periods_comparable=name != "粮食产量",
    )
    verdict = ev.evaluate(series, as_of)
    latest = Decimal(figures[-1][1]) if figures and figures[-1][0].year == 2025 else None
    found = completion(
        verdict.status,
        kind=target.kind,
        approximate=target.approximate,
        direction=target.direction,
        target=target.value,
        latest=latest,
        inclusive=target.inclusive,
    )
    assert found == expected, verdict.explanation


def test_annual_wording_is_configurable_and_checked(region: Region) -> None:
    plan = Plan(name="2025年计划", region=region, base_year=2024, end_year=2025)
    plan.annual_labels = {"mostly": "接近完成"}
    plan.clean()
    plan.annual_labels = {"finished": "完成"}
    with pytest.raises(ValidationError) as error:
        plan.clean()
    assert ANNUAL_LABELS_ERROR.format(detail="未知的完成情况 finished") in str(error.value)
    assert plan.is_annual and not Plan(base_year=2020, end_year=2025).is_annual


@pytest.fixture
def plans(db: None) -> tuple[Plan, Plan]:
    load_plan_fixture(PLAN_FIXTURE)
    load_plan_fixture(ANNUAL_FIXTURE)
    return Plan.objects.get(short_name="十四五"), Plan.objects.get(short_name="2025年")


def test_the_2025_plan_holds_seed_003s_eleven_targets_with_sources(plans: tuple[Plan, Plan]) -> None:
    five_year, annual = plans
    indicators = list(Indicator.objects.of_plan(annual).select_related("series").in_print_order())
    assert [i.name for i in indicators] == [
        "经济增长", "研发经费投入强度", "规上工业增加值增长", "固定资产投资增长", "社会消费品零售总额增长",
        "一般公共预算收入增长", "城镇新增就业", "居民消费价格涨幅", "居民收入增长", "粮食产量",
        "单位生产总值能耗降低率",
    ]  # fmt: skip
    assert all("003 2024年计划执行报告" in i.note and "第124行" in i.note for i in indicators)
    growth = indicators[0]
    assert growth.target_text == "6.5以上"
    assert "第126行" in growth.note and "6.5%左右" in growth.note  # the other reading, with its line, kept
    # linked to the series the five-year plan uses; new series only where it has none
    shared = {i.name for i in indicators if i.measured_series.indicators.filter(plan=five_year).exists()}
    assert shared == {"经济增长", "社会消费品零售总额增长", "城镇新增就业", "居民收入增长", "单位生产总值能耗降低率"}
    income = next(i for i in indicators if i.name == "居民收入增长")
    assert income.linked_indicator == growth


def test_evaluate_lists_the_annual_plan_in_its_wording(plans: tuple[Plan, Plan]) -> None:
    out = StringIO()
    call_command("evaluate", "--plan", "2025年", "--as-of", "2025", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == 11
    assert {r["annual_status"] for r in rows} == {"暂无数据"}  # the seeds give no 2025 figure yet


def test_one_2024_gdp_figure_read_by_both_plans(plans: tuple[Plan, Plan], admin: User, reviewer: User) -> None:
    five_year, annual = plans
    gdp = Indicator.objects.get(plan=five_year, name="地区生产总值增长")
    growth = Indicator.objects.get(plan=annual, name="经济增长")
    assert gdp.series_id == growth.series_id
    row = Observation.objects.get(series=gdp.measured_series, year=2024)
    assert row.value == Decimal("4.2")

    services.observation_record(
        series=gdp.measured_series,
        period=Period(2024),
        value=Decimal("4.3"),
        user=admin,
        reason="统计年鉴核定",
        submit=True,
    )
    # four eyes: another person approves the admin's change
    services.observation_approve(observation=Observation.objects.get(pk=row.pk), user=reviewer)

    def figure_2024(plan: Plan, name: str) -> str:
        (assessment,) = [a for a in assess_plan(plan, Period(2024)) if a.indicator.name == name]
        return next(o.display_value for o in assessment.observations if o.period == Period(2024))

    assert figure_2024(five_year, "地区生产总值增长") == figure_2024(annual, "经济增长") == "4.3"
    assert Observation.objects.filter(series=gdp.measured_series, year=2024).count() == 1


def _annual_with_figures(plan: Plan, count: int, start: int = 0) -> None:
    category = Category.objects.get_or_create(plan=plan, name="其他", defaults={"order": 9})[0]
    for number in range(start, start + count):
        indicator = Indicator(plan=plan, category=category, name=f"附加{plan.pk}-{number}", unit="%")
        indicator.target_text = "5以上"
        services.indicator_save(indicator=indicator, user=None)
        services.observation_record(
            indicator=indicator, period=H1, value=Decimal("4.0"), user=None, approve=True, source="测试"
        )


def test_annual_page_and_excel(plans: tuple[Plan, Plan], client: Client, leader: User) -> None:
    _, annual = plans
    _annual_with_figures(annual, 1)
    client.force_login(leader)
    body = client.get(f"/annual/{annual.pk}/?as_of=2025H1").content.decode()
    for header in ("2024年实际", "2025年目标", "完成值", "完成情况", "备注"):
        assert header in body
    assert '<td class="num nowrap">4.2%</td>' in body  # last year's GDP growth beside this year's target
    assert "4.0%（上半年）" in body and "未完成" in body and "第126行" in body
    assert client.get("/annual/")["Location"] == f"/annual/{annual.pk}/"
    assert client.get(f"/annual/{plans[0].pk}/").status_code == 404  # a five-year plan has no annual page

    response = client.get(f"/annual/{annual.pk}/xlsx/?as_of=2025H1")
    sheet = load_workbook(io.BytesIO(response.content))[SHEET_ANNUAL]
    assert [sheet.cell(2, c).value for c in range(1, 7)] == list(ANNUAL_HEADERS)
    rows = {sheet.cell(r, 2).value: [sheet.cell(r, c).value for c in range(3, 7)] for r in range(3, sheet.max_row + 1)}
    assert len(rows) == 12
    assert rows["经济增长（%）"][:3] == ["6.5以上", "/", "暂无数据"]
    assert rows[f"附加{annual.pk}-0（%）"][:3] == ["5以上", "4.0%（上半年）", "未完成"]


def test_annual_workbook_keeps_formula_like_text_as_text(plans: tuple[Plan, Plan]) -> None:
    _, annual = plans
    Indicator.objects.filter(plan=annual, name="经济增长").update(note='=HYPERLINK("x")')
    buffer = io.BytesIO()
    build_annual_workbook(build_annual(annual, YEAR)).save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))[SHEET_ANNUAL]
    assert sheet.cell(3, 6).data_type == "s" and sheet.cell(3, 6).value == '=HYPERLINK("x")'


def test_annual_page_query_count_is_the_same_at_one_and_many_rows(
    plans: tuple[Plan, Plan], client: Client, leader: User
) -> None:
    _, annual = plans
    client.force_login(leader)
    counts = []
    for start, extra in ((0, 1), (1, 10)):
        _annual_with_figures(annual, extra, start)
        for url in (
            f"/annual/{annual.pk}/?as_of=2025H1",
            f"/annual/{annual.pk}/xlsx/?as_of=2025H1",
            f"/annual/{annual.pk}/docx/?as_of=2025H1",
        ):
            with CaptureQueriesContext(connection) as context:
                assert client.get(url).status_code == 200
            counts.append(len(context.captured_queries))
    # session, user, the plan (+region), the plan list of the selector, then assess_plan's four (indicators,
    # their series' observations, assigned targets, manual verdicts); the page also reads the user's groups
    # for the navigation; the user's home region and the region tree (scope and region chooser, issue 12)
    # the Word draft: the Excel's queries and the next year's annual plan (none here)
    assert counts[:3] == counts[3:]
    assert counts[:3] == [11, 10, 11]


def test_one_entry_grid_row_per_series_with_every_plans_target(plans: tuple[Plan, Plan], client: Client) -> None:
    from indicators.models import Department
    from tests.conftest import make_user

    five_year, annual = plans
    stats = Department.objects.get(region=five_year.region, name="区统计局")
    clerk = make_user("tongji", "录入员", stats)
    client.force_login(clerk)
    grid = client.get("/indicators/entry/").context["grid"]
    gdp = Indicator.objects.get(plan=five_year, name="地区生产总值增长")
    (row,) = [r for r in grid.rows if r.series.pk == gdp.series_id]  # one row, not one per plan
    assert [(i.plan.short_name, i.target_text) for i in row.indicators] == [("十四五", "7.5"), ("2025年", "6.5以上")]
    assert {p.short_name for p in grid.plans} == {"十四五", "2025年"}
    # a value entered once through the grid's form is read by both plans
    url = f"/indicators/entry/{gdp.series_id}/2025H1/"
    response = client.post(url, {"value": "5.6", "version": "0", "note": "", "source": "统计月报", "submit": "1"})
    assert response.status_code == 302
    for plan, name in ((five_year, "地区生产总值增长"), (annual, "经济增长")):
        (assessment,) = [a for a in assess_plan(plan, H1, include_pending=True) if a.indicator.name == name]
        assert assessment.observations[-1].display_value == "5.6"
    grid = client.get("/indicators/entry/").context["grid"]
    (row,) = [r for r in grid.rows if r.series.pk == gdp.series_id]
    annual_verdict = next(v for v in row.verdicts if v.indicator.plan == annual)
    assert (annual_verdict.label, annual_verdict.preview_label) == ("暂无数据", "未完成")  # the annual wording


@pytest.mark.parametrize(
    ("status", "kind", "expected"),
    [
        (Status.ON_TRACK, "linked", Completion.DONE),  # 与经济增长同步: the engine's verdict
        (Status.BEHIND, "linked", Completion.NOT_DONE),
        (Status.ASSIGNED_MISSED, "assigned", Completion.NOT_DONE),
        (Status.ASSIGNED_MET, "assigned", Completion.DONE),
        (Status.PENDING, "qualitative", Completion.PENDING),
        (Status.NO_DATA, "floor", Completion.NO_DATA),
    ],
)
def test_targets_without_a_number_take_the_engines_verdict(status: Status, kind: str, expected: Completion) -> None:
    target = None if kind != "floor" else Decimal("6.5")
    found = completion(status, kind=kind, approximate=False, direction="higher", target=target, latest=None)
    assert found == expected


def test_a_manual_verdict_is_worded_not_overruled() -> None:
    found = completion(
        Status.ON_TRACK,
        kind="floor",
        approximate=False,
        direction="higher",
        target=Decimal("6.5"),
        latest=Decimal("5.0"),
        manual=True,
    )
    assert found == Completion.DONE


def test_indicator_page_names_the_other_plans_reading_the_series(
    plans: tuple[Plan, Plan], client: Client, leader: User
) -> None:
    five_year, annual = plans
    gdp = Indicator.objects.get(plan=five_year, name="地区生产总值增长")
    growth = Indicator.objects.get(plan=annual, name="经济增长")
    client.force_login(leader)
    body = client.get(f"/indicator/{gdp.pk}/?as_of=2023H1").content.decode()
    assert (
        f'href="/indicator/{growth.pk}/">卧龙区2025年国民经济和社会发展计划（2024–2025年）经济增长 目标 6.5以上' in body
    )
    body = client.get(f"/indicator/{growth.pk}/").content.decode()
    assert "卧龙区“十四五”规划（2020–2025年）地区生产总值增长 目标 7.5" in body


def test_annual_execution_report_draft(plans: tuple[Plan, Plan], client: Client, leader: User) -> None:
    """The annual plan's execution report (Word): title, one sentence per target, the execution table, and
    next year's targets when that annual plan exists; read back with python-docx."""
    from docx import Document

    _, annual = plans
    _annual_with_figures(annual, 1)
    client.force_login(leader)
    body = client.get(f"/annual/{annual.pk}/?as_of=2025H1").content.decode()
    assert "下载执行情况报告草稿（Word）" in body
    response = client.get(f"/annual/{annual.pk}/docx/?as_of=2025H1")
    assert response.status_code == 200 and "annual.docx" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "关于卧龙区2025年国民经济和社会发展计划执行情况的报告" in text
    assert "共设置主要预期目标12项" in text and "未完成1项" in text
    assert f"附加{annual.pk}-0：年度目标5%以上，完成4.0%（上半年），未完成。【待撰写：原因分析】" in text
    assert "2026年主要预期目标（尚未建立2026年度计划）" in text
    assert "1．经济增长：年度目标6.5%以上，暂无数据。" in text  # said once, not "尚无数据，暂无数据"
    assert "尚无数据，暂无数据" not in text
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == list(ANNUAL_HEADERS)
    assert len(table.rows) == 1 + 12

    following = Plan.objects.create(
        name="卧龙区2026年国民经济和社会发展计划",
        short_name="2026年",
        region=annual.region,
        base_year=2025,
        end_year=2026,
    )
    category = Category.objects.create(plan=following, name="主要预期目标", order=1)
    services.indicator_save(
        indicator=Indicator(plan=following, category=category, name="经济增长", unit="%", target_text="6以上"),
        user=None,
    )
    response = client.get(f"/annual/{annual.pk}/docx/?as_of=2025H1")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "卧龙区2026年国民经济和社会发展计划拟设置主要预期目标1项" in text and "1．经济增长：6%以上。" in text


def test_export_report_writes_the_annual_draft_for_an_annual_plan(plans: tuple[Plan, Plan], tmp_path: Path) -> None:
    from docx import Document

    out = tmp_path / "执行情况.docx"
    call_command("export_report", "--plan", "2025年", "--as-of", "2025H1", "-o", str(out), stdout=StringIO())
    assert "执行情况的报告" in Document(str(out)).paragraphs[0].text
