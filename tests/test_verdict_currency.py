"""Verdicts that stay true at any period: data currency, the final evaluation, text that agrees with the verdict,
readings that decide a verdict, and target notation (issue 9)."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from indicators import targets as tk
from indicators.assessment import assess_plan
from indicators.evaluation import (
    HALF_YEARLY,
    QUARTERLY,
    YEARLY,
    Point,
    Settings,
    SettingsError,
    evaluate,
    expected_period,
    infer_frequency,
)
from indicators.models import Category, Indicator, Observation, Plan, Region, ReviewStatus
from indicators.models import Series as StatisticalSeries
from indicators.periods import Period, plan_periods
from indicators.vocabulary import Status
from indicators.xlsx_layout import SHEET_APPENDIX1
from reports import narrative
from reports.appendix import build_report
from reports.workbook import build_appendix_workbook, verdict_column
from tests.engine_support import series

# The fixture plan is loaded once for this module; each test's writes still roll back (conftest: plan_14th_once).
pytestmark = pytest.mark.usefixtures("plan_14th_once")

D = Decimal
P = Period.parse
CONTRADICTION = ("低于预期", "预计能如期完成")


# --- data currency -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "as_of", "expected"),
    [
        (YEARLY, "2024H1", "2023"),
        (YEARLY, "2024", "2024"),
        (YEARLY, "2024Q3", "2023"),
        (HALF_YEARLY, "2024H1", "2024H1"),
        (HALF_YEARLY, "2024Q1", "2023"),
        (HALF_YEARLY, "2024Q3", "2024H1"),
        (HALF_YEARLY, "2024", "2024"),
        (QUARTERLY, "2024Q3", "2024Q3"),
        (QUARTERLY, "2024H2", "2024"),
    ],
)
def test_expected_latest_period(frequency: str, as_of: str, expected: str) -> None:
    assert expected_period(frequency, P(as_of)) == P(expected)


@pytest.mark.parametrize(
    ("values", "frequency"),
    [
        ({"2021": "1", "2022": "2"}, YEARLY),
        ({"2021": "1", "2023H1": "2"}, HALF_YEARLY),
        ({"2021": "1", "2023Q3": "2"}, QUARTERLY),
        ({"2021": "1", "2023H1": None}, YEARLY),  # an explicit 暂无数据 says nothing about frequency
    ],
)
def test_frequency_is_inferred_from_the_values(values: dict[str, str | None], frequency: str) -> None:
    assert infer_frequency(series(tk.LEVEL, "5", values).points) == frequency


def test_an_old_figure_is_judged_at_its_own_period_and_marked_stale() -> None:
    # 森林覆盖率: 12.67 in 2023年上半年 was on track (70.3 % ≥ 50 %); at 2024 nothing new has come in.
    forest = series(tk.LEVEL, "14.05", {"2020": "9.41", "2021": "12.67", "2022": "12.67", "2023H1": "12.67"})
    at_h1 = evaluate(forest, P("2023H1"))
    at_2024 = evaluate(forest, P("2024"))
    assert at_h1.status == Status.ON_TRACK and not at_h1.stale
    assert at_2024.status == Status.STALE and at_2024.stale
    assert at_2024.data_status == Status.ON_TRACK
    assert at_2024.data_period == P("2023H1") and at_2024.expected_period == P("2024")
    assert at_2024.time_progress == D("0.5")  # its own period's time progress, not 2024's 80 %
    assert at_2024.outlook is None and at_2024.required_text == ""
    assert "数据截至2023年上半年，未更新至2024年" in at_2024.explanation


def test_a_yearly_figure_is_current_until_the_next_year_is_due() -> None:
    urbanisation = series(tk.LEVEL, "70", {"2020": "62.97", "2021": "63.99", "2022": "64.54"})
    assert not evaluate(urbanisation, P("2023H1")).stale  # 2022 is the latest a yearly series can have then
    assert evaluate(urbanisation, P("2023")).stale


def test_a_frequency_set_by_staff_beats_the_inferred_one() -> None:
    # one stray 上半年 figure makes the series look half-yearly; staff say it is yearly
    yearly_with_a_half = series(tk.LEVEL, "14", {"2020": "9", "2021H1": "10", "2023": "12"}, frequency=YEARLY)
    set_by_staff = evaluate(yearly_with_a_half, P("2024H1"))
    assert not set_by_staff.stale  # a yearly series at 2024H1 expects 2023
    assert set_by_staff.frequency_text == "年度"
    assert evaluate(replace(yearly_with_a_half, frequency=""), P("2024H1")).stale  # inferred: half-yearly
    assert evaluate(replace(yearly_with_a_half, frequency=HALF_YEARLY), P("2024H1")).stale


def test_values_after_the_plan_never_count() -> None:
    gdp = series(tk.ANNUAL_GROWTH, "7.5", {"2020": "3", "2025": "8", "2026": "1"})
    assert evaluate(gdp, P("2027")).data_period == P("2025")


# --- final evaluation --------------------------------------------------------------------------------------------

FINAL_CASES = [
    # id, kind, target, values, extra, expected status, final label, words in the explanation or requirement
    ("level beaten", tk.LEVEL, "70", {"2020": "62", "2025": "71"}, {}, Status.EXCEEDED, "超额完成", ""),
    ("level just met", tk.LEVEL, "70", {"2020": "62", "2025": "70"}, {}, Status.ON_TRACK, "完成", ""),
    (
        "level missed",
        tk.LEVEL,
        "70",
        {"2020": "62", "2025": "69.2"},
        {},
        Status.BEHIND,
        "未完成",
        "距目标差0.80个百分点",
    ),
    (
        "growth missed",
        tk.ANNUAL_GROWTH,
        "7.5",
        {"2021": "6", "2022": "6", "2023": "6", "2024": "6", "2025": "6"},
        {},
        Status.BEHIND,
        "未完成",
        "年均增速距目标差1.50个百分点",
    ),
    (
        "growth beaten",
        tk.ANNUAL_GROWTH,
        "7.5",
        {"2021": "8", "2022": "8", "2023": "8", "2024": "8", "2025": "8"},
        {},
        Status.EXCEEDED,
        "超额完成",
        "",
    ),
    (
        "cumulative missed",
        tk.CUMULATIVE,
        "5",
        {"2021": "1", "2022": "1", "2023": "1", "2024": "1", "2025": "0.5"},
        {"unit": "万人"},
        Status.BEHIND,
        "未完成",
        "距目标差0.50万人",
    ),
    (
        "ceiling kept",
        tk.CEILING,
        "5.5",
        {"2020": "4", "2025": "4.2"},
        {"inclusive": False},
        Status.ON_TRACK,
        "完成",
        "",
    ),
]


@pytest.mark.parametrize(
    ("case", "kind", "target", "values", "extra", "expected", "label", "words"),
    FINAL_CASES,
    ids=[c[0] for c in FINAL_CASES],
)
def test_final_evaluation(
    case: str,
    kind: str,
    target: str,
    values: dict[str, str | None],
    extra: dict,
    expected: Status,
    label: str,
    words: str,
) -> None:
    verdict = evaluate(series(kind, target, values, **extra), P("2025"))
    assert verdict.final and not verdict.stale
    assert verdict.status == expected, verdict.explanation
    assert Settings().final_stage().label(verdict.status) == label
    assert verdict.outlook is None  # the plan is over: nothing left to predict
    assert "需年均" not in verdict.required_text
    if words:
        assert words in verdict.required_text
        assert words in verdict.explanation


def test_final_labels_are_configurable_per_plan() -> None:
    settings_ = Settings.from_dict({"final_labels": {"exceeded": "提前实现", "behind": "滞后"}})
    assert settings_.final_stage().label(Status.BEHIND) == "滞后"
    assert settings_.label(Status.BEHIND) == "低于预期"  # the mid-term wording is untouched
    with pytest.raises(SettingsError, match="未知的结论"):
        Settings.from_dict({"final_labels": {"nope": "x"}})


def test_at_the_end_without_the_last_years_figures_the_indicator_is_stale_not_failed() -> None:
    verdict = evaluate(series(tk.LEVEL, "70", {"2020": "62", "2024": "64"}), P("2025"))
    assert verdict.status == Status.STALE and not verdict.final
    assert verdict.data_status == Status.BEHIND


# --- text that agrees with the verdict ----------------------------------------------------------------------------

KINDS = [
    (tk.LEVEL, "14", {}),
    (tk.ANNUAL_GROWTH, "7.5", {"approximate": True}),
    (tk.CUMULATIVE, "3.5", {"unit": "万人"}),
    (tk.ANNUAL_INCREMENT, "1", {"unit": "岁"}),
    (tk.CEILING, "5.5", {"inclusive": False}),
    (tk.FLOOR, "35", {"unit": "万吨"}),
]
ALL_PERIODS = [Period(2020), *plan_periods(2020, 2025, quarters=True), Period(2026)]
values_st = st.decimals(min_value=D("-5"), max_value=D("40"), places=2)


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    base=values_st,
    data=st.dictionaries(st.sampled_from(plan_periods(2020, 2025)), values_st, min_size=1, max_size=8),
)
def test_no_sentence_says_lagging_and_on_course_at_any_period(
    kind: tuple[str, str, dict], base: Decimal, data: dict[Period, Decimal]
) -> None:
    name, target, extra = kind
    points = (Point(Period(2020), base), *(Point(p, v) for p, v in data.items()))
    s = replace(series(name, target, {}, **dict(extra)), points=points)
    for as_of in ALL_PERIODS:
        verdict = evaluate(s, as_of)
        label = Settings().stage(verdict.final).label(verdict.status)
        facts = verdict.explanation + (f"{verdict.outlook_label}。" if verdict.outlook_label else "")  # 附件2
        sentence = narrative.verdict_clause(str(verdict.status), label, verdict.outlook_label, final=verdict.final)
        for text in (verdict.explanation, facts, sentence, f"{label}{verdict.outlook_label}"):
            assert not all(word in text for word in CONTRADICTION), (as_of, text)


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    frequency=st.sampled_from([YEARLY, HALF_YEARLY]),
    base=values_st,
    data=st.dictionaries(st.integers(2021, 2025), values_st, min_size=1, max_size=5),
    older=values_st,
    as_of=st.sampled_from(ALL_PERIODS),
)
def test_a_value_older_than_the_latest_never_changes_a_verdict(
    kind: tuple[str, str, dict],
    frequency: str,
    base: Decimal,
    data: dict[int, Decimal],
    older: Decimal,
    as_of: Period,
) -> None:
    """A year's 上半年 figure arriving after its full-year figure (the full year counts), or for a level kind
    any figure between the base and the latest, changes neither the verdict nor the period it is judged at."""
    name, target, extra = kind
    points = [Point(Period(2020), base), *(Point(Period(y), v) for y, v in sorted(data.items()))]
    s = replace(series(name, target, {}, **dict(extra)), points=tuple(points), frequency=frequency)
    before = evaluate(s, as_of)
    years = [y for y in data if Period(y) <= as_of]
    candidates = [Point(Period(y, "H1"), older) for y in years]
    if name in (tk.LEVEL, tk.CEILING, tk.FLOOR) and years:
        gaps = [y for y in range(2021, max(years)) if y not in data]
        candidates += [Point(Period(y), older) for y in gaps]
    for extra_point in candidates:
        after = evaluate(replace(s, points=(*s.points, extra_point)), as_of)
        assert (after.status, after.data_period, after.stale) == (before.status, before.data_period, before.stale)


def test_a_lagging_indicator_is_never_predicted_to_finish_on_time() -> None:
    jobs = series(tk.CUMULATIVE, "3.5", {"2021": "0.3", "2022": "0.3", "2023H1": "0.3"}, unit="万人")
    verdict = evaluate(jobs, P("2023H1"))
    assert verdict.status == Status.BEHIND
    assert verdict.outlook_label != "预计能如期完成规划目标"


# --- target notation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "unit", "kind", "compound", "change"),
    [
        ("〔1〕", "人均预期寿命", "岁", tk.CUMULATIVE, False, True),
        ("〔2〕", "森林覆盖率", "%", tk.CUMULATIVE, False, True),
        ("〔12〕", "研发经费投入增长", "%", tk.CUMULATIVE, True, False),
        ("〔5〕", "城镇新增就业人数", "万人", tk.CUMULATIVE, False, False),
        ("[3.5]", "城镇新增就业人数", "万人", tk.CUMULATIVE, False, False),
    ],
)
def test_bracketed_targets(text: str, name: str, unit: str, kind: str, compound: bool, change: bool) -> None:
    parsed = tk.parse_target(text, name, unit)
    assert (parsed.kind, parsed.compound, parsed.change) == (kind, compound, change)
    assert parsed.reading.startswith("括号表示五年累计")


def test_a_bracket_on_a_level_is_the_five_year_change() -> None:
    life = series(tk.CUMULATIVE, "1", {"2020": "75.0", "2022": "75.5"}, unit="岁", change=True)
    verdict = evaluate(life, P("2022"))
    assert verdict.completion == D("0.5")  # half of the 1-year increase, not 151 years of summed levels
    assert verdict.status == Status.ON_TRACK
    assert "由2020年的75提高到76岁" in verdict.explanation
    reached = evaluate(replace(life, points=(*life.points, Point(P("2023"), D("76.2")))), P("2023"))
    assert reached.status == Status.EXCEEDED


@pytest.mark.parametrize(
    ("name", "unit", "linked"),
    [
        ("地区生产总值增长", "%", True),
        ("国内生产总值增长", "%", True),
        ("GDP增速", "%", True),
        ("经济增长", "%", True),
        ("数字经济核心产业增加值占地区生产总值比重", "%", False),
        ("地区生产总值", "亿元", False),
    ],
)
def test_economic_growth_is_found_by_meaning(name: str, unit: str, linked: bool) -> None:
    assert tk.is_economic_growth(name, unit) == linked


def _plan(region: Region, name: str = "测试规划") -> tuple[Plan, Category]:
    plan = Plan.objects.create(name=name, short_name=name, region=region, base_year=2020, end_year=2025)
    return plan, Category.objects.create(plan=plan, name="经济发展", order=1)


def _indicator(plan: Plan, category: Category, name: str, target: str, *, order: int, **values: str) -> Indicator:
    parsed = tk.parse_target(target, name, "%")
    series, _ = StatisticalSeries.objects.get_or_create(region=plan.region, name=name, unit="%")
    indicator = Indicator.objects.create(
        plan=plan,
        series=series,
        category=category,
        seq=str(order),
        order=order,
        name=name,
        unit="%",
        attribute="expected",
        target_text=target,
        target_kind=parsed.kind,
        target_value=parsed.value,
    )
    for code, text in values.items():
        period = P(code.removeprefix("y"))
        Observation.objects.create(
            series=series,
            year=period.year,
            part=period.part,
            value=D(text),
            decimals=1,
            status=ReviewStatus.APPROVED,
        )
    return indicator


def test_a_linked_target_finds_economic_growth_by_meaning(db: None) -> None:
    plan, category = _plan(Region.objects.create(name="某县"))
    _indicator(plan, category, "国内生产总值增长", "7.5", order=1, y2021="8", y2022="8")
    income = _indicator(plan, category, "居民人均可支配收入增长", "与经济增长基本同步", order=2, y2021="5", y2022="5")
    assert income.linked_indicator_id is None
    verdict = next(a for a in assess_plan(plan, P("2022")) if a.indicator.pk == income.pk).verdict
    assert "按国内生产总值增长目标年均7.5%评判" in verdict.explanation
    assert verdict.status == Status.BEHIND


# --- the demo plan -----------------------------------------------------------------------------------------------


def _evaluate_json(plan: Plan, as_of: str) -> dict[str, dict]:
    out = StringIO()
    call_command("evaluate", "--plan", str(plan.pk), "--as-of", as_of, "--json", stdout=out)
    return {row["name"]: row for row in json.loads(out.getvalue())}


def test_demo_plan_at_2024_has_no_false_alarms(plan_14th: Plan) -> None:
    rows = _evaluate_json(plan_14th, "2024")
    for name in ("劳动年龄人口平均受教育年限", "森林覆盖率", "每千人拥有3岁以下儿童托位数"):
        row = rows[name]
        assert row["status"] != "低于预期" and row["status"] == "数据未更新"
        assert row["stale"] is True and row["data_period"] == "2023H1" and row["data_status"] == "达到预期"
    assert rows["地区生产总值增长"]["stale"] is False and rows["地区生产总值增长"]["data_period"] == "2024"
    for row in rows.values():
        assert not (row["status"] == "低于预期" and "预计能如期完成" in json.dumps(row, ensure_ascii=False))
        assert not (row["stale"] and row["status"] == "低于预期")


def test_demo_plan_at_the_report_date_is_unchanged(plan_14th: Plan) -> None:
    rows = _evaluate_json(plan_14th, "2023H1")
    assert not any(row["stale"] for row in rows.values())
    assert rows["常住人口城镇化率"]["data_period"] == "2022"
    assert rows["地区生产总值增长"]["data_period"] == "2023H1"


def test_a_reading_that_would_change_the_verdict_is_named(plan_14th: Plan) -> None:
    report = build_report(plan_14th, P("2023H1"))
    retail = next(r for r in report.appendix.rows if r.name == "社会消费品零售总额增长")
    assert retail.label == "达到预期"
    assert any("2022年为1.7%，则为低于预期" in note for note in retail.decisive)
    gdp = next(r for r in report.appendix.rows if r.name == "地区生产总值增长")
    assert gdp.decisive == ()  # 4.2 instead of 4.0 leaves GDP 低于预期: not decisive, not mentioned
    sentence = next(t.sentence for t in report.appendix.top if t.name == "社会消费品零售总额增长")
    assert "则为低于预期" in sentence
    book = build_appendix_workbook(report.appendix)
    sheet = book[SHEET_APPENDIX1]
    comments = [sheet.cell(r, verdict_column(report.appendix)).comment for r in range(4, 4 + len(report.appendix.rows))]
    assert any(c is not None and "则为低于预期" in c.text for c in comments)


# --- pages and workbook at the end of the plan, and for a plan without data -------------------------------------


@pytest.fixture
def finished_plan(db: None) -> Plan:
    plan, category = _plan(Region.objects.create(name="某区"), "十四五")
    _indicator(plan, category, "常住人口城镇化率", "70", order=1, y2020="62", y2024="68", y2025="70.5")
    _indicator(
        plan, category, "地区生产总值增长", "7.5", order=2, y2021="6", y2022="6", y2023="6", y2024="6", y2025="6"
    )
    return plan


def test_final_workbook_says_final_evaluation(finished_plan: Plan, tmp_path: object) -> None:
    report = build_report(finished_plan, P("2025"))
    assert report.appendix.final
    sheet = build_appendix_workbook(report.appendix)[SHEET_APPENDIX1]
    assert "总结评估" in sheet["A1"].value
    assert sheet.cell(2, verdict_column(report.appendix)).value == "完成情况"
    labels = [sheet.cell(r, verdict_column(report.appendix)).value for r in (4, 5)]
    assert labels == ["超额完成", "未完成"]
    assert "完成规划目标" in report.paragraph and "达到或超过预期" not in report.paragraph
    path = f"{tmp_path}/final.xlsx"
    build_appendix_workbook(report.appendix).save(path)
    assert load_workbook(path)[SHEET_APPENDIX1]["A1"].value == sheet["A1"].value


def test_final_pages_say_final_evaluation(client: Client, finished_plan: Plan, leader: User) -> None:
    client.force_login(leader)
    for url in ("/", "/appendix/1/"):
        body = client.get(f"{url}?plan={finished_plan.pk}&as_of=2025").content.decode()
        assert "总结评估" in body or "完成情况" in body
        assert "中期完成情况" not in body
    body = client.get(f"/appendix/1/?plan={finished_plan.pk}&as_of=2025").content.decode()
    assert "超额完成" in body and "未完成" in body
    body = client.get(f"/narrative/?plan={finished_plan.pk}&as_of=2025").content.decode()
    assert "总结评估文字稿" in body and "中期评估" not in body
    assert "超额完成规划目标" in body  # 城镇化率 beat its target


def test_a_plan_without_data_shows_nothing_red(client: Client, leader: User, db: None) -> None:
    plan, category = _plan(Region.objects.create(name="某市"), "十五五")
    _indicator(plan, category, "地区生产总值增长", "6", order=1)
    client.force_login(leader)
    body = client.get(f"/?plan={plan.pk}&as_of=2023H1").content.decode()
    assert "落后" not in body and "st-behind" not in body
    assert "该规划尚无已审核的数据" in body


def test_dashboard_counts_stale_indicators_apart(client: Client, plan_14th: Plan, leader: User) -> None:
    client.force_login(leader)
    body = client.get(f"/?plan={plan_14th.pk}&as_of=2024").content.decode()
    assert "任务进度落后于时间进度" not in body
    assert "数据未更新至2024年" in body
    assert "森林覆盖率" in body  # listed among the stale indicators, with the period it was judged at
    assert "数据截至2023年上半年" in body


# --- a reviewer chooses which reading counts ---------------------------------------------------------------------


def _retail_2022(plan: Plan) -> Observation:
    retail = Indicator.objects.get(plan=plan, name="社会消费品零售总额增长")
    return Observation.objects.get(series=retail.series, year=2022, part="")


def test_reviewer_chooses_the_other_reading_with_a_reason(client: Client, plan_14th: Plan, reviewer: User) -> None:
    observation = _retail_2022(plan_14th)
    body_reading = observation.alternatives.get(value=D("1.7"))
    client.force_login(reviewer)
    retail = Indicator.objects.get(plan=plan_14th, name="社会消费品零售总额增长")
    page = client.get(f"/indicator/{retail.pk}/?plan={plan_14th.pk}&as_of=2023H1").content.decode()
    assert "改用此口径" in page and "则为低于预期" in page
    assert "半年（按数据推断）" in page  # the reporting frequency the currency check used
    response = client.post(
        f"/indicators/reading/{body_reading.pk}/choose/",
        {"reason": "以统计公报为准", "as_of": "2023H1", "indicator": retail.pk},
    )
    assert response.status_code == 302 and response["Location"].startswith(f"/indicator/{retail.pk}/")
    observation.refresh_from_db()
    assert observation.value == D("1.7") and observation.source == body_reading.source
    kept = observation.alternatives.get()
    assert kept.value == D("9.8") and "以统计公报为准" in kept.note  # the replaced figure is kept, with its source
    assert observation.history.first().history_change_reason.endswith("以统计公报为准")
    rows = _evaluate_json(plan_14th, "2023H1")
    assert rows["社会消费品零售总额增长"]["status"] == "低于预期"


def test_choosing_a_reading_needs_a_reason_and_a_reviewer(
    client: Client, plan_14th: Plan, reviewer: User, leader: User
) -> None:
    observation = _retail_2022(plan_14th)
    body_reading = observation.alternatives.get(value=D("1.7"))
    url = f"/indicators/reading/{body_reading.pk}/choose/"
    client.force_login(leader)
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(reviewer)
    response = client.post(url, {"reason": "  "}, follow=True)
    assert "改用其他口径数值必须写明理由" in response.content.decode()
    observation.refresh_from_db()
    assert observation.value == D("9.8")


def test_a_bound_on_a_rate_of_change_is_met_or_not() -> None:
    """经济增长6.5%以上 with 4.2 % the year before and 5.6 % now: behind, not "on track" towards 6.5 from 4.2."""
    growth = series(tk.FLOOR, "6.5", {"2020": "4.2", "2021H1": "5.6"}, name="经济增长", inclusive=True)
    assert evaluate(growth, P("2021H1")).status == Status.BEHIND
    level = series(tk.FLOOR, "35", {"2020": "30", "2022": "33"}, name="粮食产量", unit="万吨")
    assert evaluate(level, P("2022")).status == Status.ON_TRACK  # a level still moves towards its bound
