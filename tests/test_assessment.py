"""The fixture plan judged as of 2023年上半年 gives exactly the 中期完成情况 column of 附件1."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from indicators import services
from indicators.assessment import assess_indicator, assess_plan, latest_period_with_data, summarize
from indicators.models import Indicator, ManualVerdict, Observation, Plan, ReviewStatus
from indicators.periods import Period
from indicators.vocabulary import Status
from tests.builders import build_plan

# The fixture plan is loaded once for this module; each test's writes still roll back (conftest: plan_14th_once).
pytestmark = pytest.mark.usefixtures("plan_14th_once")

H1_2023 = Period.parse("2023H1")

# (row as named in the fixture, 中期完成情况 as printed in 附件1)
APPENDIX_1_VERDICTS = [
    ("地区生产总值增长", "低于预期"),
    ("常住人口城镇化率", "低于预期"),
    ("社会消费品零售总额增长", "达到预期"),
    ("研发经费投入增长", "低于预期"),
    ("每万人发明专利拥有量", "暂无数据"),
    ("数字经济核心产业增加值占地区生产总值比重", "暂无数据"),
    ("城乡居民人均可支配收入增长率", "低于预期"),
    ("城镇新增就业人数", "达到预期"),
    ("城镇调查失业率", "达到预期"),
    ("劳动年龄人口平均受教育年限", "达到预期"),
    ("每千人口拥有执业（助理）医师数", "超出预期"),
    ("每千人口注册护士数", "超出预期"),
    ("基本养老保险参保率", "达到预期"),
    ("每千人拥有3岁以下儿童托位数", "达到预期"),
    ("人均预期寿命", "达到预期"),
    ("单位生产总值能源消耗降幅", "达到预期"),
    ("单位生产总值二氧化碳排放降低", "暂无数据"),
    ("城市空气优良天数比率", "完成市定目标"),
    ("达到或好于Ⅲ类水体比例", "完成市定目标"),
    ("森林覆盖率", "达到预期"),
    ("粮食综合生产能力", "达到预期"),
]
MANUAL_ROWS = {"单位生产总值能源消耗降幅", "城市空气优良天数比率", "达到或好于Ⅲ类水体比例"}


@pytest.fixture
def assessed(plan_14th: Plan) -> dict[str, object]:
    return {a.indicator.name: a for a in assess_plan(plan_14th, H1_2023)}


@pytest.mark.parametrize(("name", "printed"), APPENDIX_1_VERDICTS, ids=[r[0] for r in APPENDIX_1_VERDICTS])
def test_every_row_reproduces_the_report(assessed: dict, name: str, printed: str) -> None:
    assessment = assessed[name]
    assert assessment.label == printed, assessment.verdict.explanation
    # only the 按市下达目标 rows without assigned targets carry a manual verdict; all others are computed
    assert assessment.verdict.manual is (name in MANUAL_ROWS)
    if name not in MANUAL_ROWS:
        assert assessment.computed_label == printed


def test_parent_rows_take_their_sub_indicators_verdict(assessed: dict) -> None:
    assert assessed["城镇就业"].label == "达到预期"
    assert assessed["每千人口卫生技术人员数"].label == "超出预期"
    assert [c.indicator.name for c in assessed["城镇就业"].children] == ["城镇新增就业人数", "城镇调查失业率"]


def test_summary_equals_the_reports_text(plan_14th: Plan) -> None:
    summary = summarize(assess_plan(plan_14th, H1_2023))
    assert (summary.total, summary.binding, summary.expected) == (19, 6, 13)
    assert (summary.good, summary.exceeded, summary.on_track) == (12, 1, 11)
    assert (summary.behind, summary.no_data, summary.pending) == (4, 3, 0)
    assert summary.names[Status.BEHIND] == [
        "地区生产总值增长",
        "常住人口城镇化率",
        "研发经费投入增长",
        "城乡居民人均可支配收入增长率",
    ]
    assert summary.names[Status.EXCEEDED] == ["每千人口卫生技术人员数"]
    assert summary.names[Status.NO_DATA] == [
        "每万人发明专利拥有量",
        "数字经济核心产业增加值占地区生产总值比重",
        "单位生产总值二氧化碳排放降低",
    ]


def test_gdp_required_rate_with_appendix_1_and_with_the_revision(plan_14th: Plan, assessed: dict) -> None:
    assert assessed["地区生产总值增长"].verdict.required_text == "后三年需年均增长8.2%"
    gdp_2022 = Observation.objects.get(
        series__indicators__plan=plan_14th, series__indicators__name="地区生产总值增长", year=2022
    )
    revision = gdp_2022.alternatives.get(source__contains="附件5")
    gdp_2022.value, gdp_2022.decimals = revision.value, revision.decimals  # 4.0 → 4.2 as 附件5 does
    gdp_2022.save()
    gdp = Indicator.objects.get(plan=plan_14th, name="地区生产总值增长")
    assert assess_indicator(gdp, H1_2023).verdict.required_text == "后三年需年均增长8.1%"


def test_the_narrative_numbers_keep_printed_precision(assessed: dict) -> None:
    assert "2021年9.1%、2022年4.0%、2023年上半年4.0%" in assessed["地区生产总值增长"].verdict.explanation


def test_only_approved_values_count_unless_previewing(plan_14th: Plan) -> None:
    gdp = Indicator.objects.get(plan=plan_14th, name="地区生产总值增长")
    Observation.objects.create(
        series=gdp.measured_series, year=2023, value=Decimal("20"), decimals=1, status=ReviewStatus.SUBMITTED
    )
    as_of = Period(2023)
    counted = assess_indicator(gdp, as_of).verdict
    # the submitted 2023 figure does not count: the approved data end at 2023H1, older than 2023 expects
    assert counted.stale and counted.status == Status.STALE and counted.data_status == Status.BEHIND
    preview = assess_indicator(gdp, as_of, include_pending=True)
    assert preview.verdict.status == Status.ON_TRACK
    assert preview.pending


def test_manual_verdict_overrides_and_shows_both(plan_14th: Plan) -> None:
    gdp = Indicator.objects.get(plan=plan_14th, name="地区生产总值增长")
    ManualVerdict.objects.create(indicator=gdp, year=2023, part="H1", status="on_track", reason="考虑统计口径调整")
    result = assess_indicator(gdp, H1_2023)
    assert (result.computed_label, result.label, result.verdict.overridden) == ("低于预期", "达到预期", True)


def test_default_as_of_is_the_latest_reasonably_complete_period(plan_14th: Plan) -> None:
    # 2024 has 3 of the 17 reporting rows (from news and the 2024 report); 2023H1 has 12 of them
    assert latest_period_with_data(plan_14th) == H1_2023
    assert latest_period_with_data(plan_14th, min_coverage=Decimal(0)) == Period(2024)


@pytest.mark.parametrize("coverage", ["0", "0.5", "0.8", "1"])
def test_many_plans_default_as_one_plan_does(plan_14th: Plan, coverage: str) -> None:
    """The roll-up's rule (counted in the database) and the single-plan pages' (counted in Python) agree."""
    from indicators.assessment import latest_period_with_data_of_plans

    share = Decimal(coverage)
    expected = latest_period_with_data(plan_14th, min_coverage=share)
    assert latest_period_with_data_of_plans([plan_14th], min_coverage=share) == expected


def test_default_as_of_without_any_data(db: None) -> None:
    plan = build_plan(2)
    Observation.objects.all().delete()
    assert latest_period_with_data(plan) is None


@pytest.mark.parametrize("size", [19, 500])
def test_assess_plan_runs_a_fixed_number_of_queries(db: None, django_assert_num_queries, size: int) -> None:
    plan = build_plan(size)
    # indicators (with category/parent/department/linked), observations, assigned targets, manual verdicts
    with django_assert_num_queries(4):
        results = assess_plan(plan, H1_2023)
    assert len(results) == size


def test_default_plan_is_the_one_with_data_until_the_new_plan_has_some(plan_14th: Plan) -> None:
    """A new, empty 十五五 must not replace 十四五 on the pages; once it has approved figures it does."""
    import datetime

    from indicators.assessment import default_plan
    from indicators.models import Category

    new = Plan.objects.create(name="卧龙区“十五五”规划", region=plan_14th.region, base_year=2025, end_year=2030)
    plans = list(Plan.objects.all())
    nov_2026 = datetime.date(2026, 11, 21)
    assert default_plan(plans, nov_2026) == plan_14th
    category = Category.objects.create(plan=new, name="经济发展")
    gdp = Indicator(plan=new, category=category, name="地区生产总值增长", unit="%", target_text="6.5")
    services.indicator_save(indicator=gdp, user=None)  # reads the 十四五 series of the same name and unit
    Observation.objects.create(
        series=gdp.measured_series, year=2026, part="H1", value=Decimal("5.0"), status=ReviewStatus.DRAFT
    )
    assert default_plan(plans, nov_2026) == plan_14th  # a draft is not data yet
    Observation.objects.filter(series=gdp.measured_series).update(status=ReviewStatus.APPROVED)
    assert default_plan(plans, nov_2026) == new
    assert default_plan(plans, datetime.date(2024, 6, 1)) == plan_14th
    assert default_plan([], nov_2026) is None


def test_a_pending_change_of_an_approved_figure_still_counts_everywhere(plan_14th: Plan, admin: User) -> None:
    """One notion of "approved": a plan whose only figure is a pending change of an approved value is the
    default plan, its period is the default as-of, and the verdict counts the approved figure, not the change."""
    import datetime

    from indicators.assessment import default_plan, latest_period_with_data_of_plans
    from indicators.models import Category

    new = Plan.objects.create(name="卧龙区“十五五”规划", region=plan_14th.region, base_year=2025, end_year=2030)
    category = Category.objects.create(plan=new, name="经济发展")
    gdp = Indicator(plan=new, category=category, name="地区生产总值增长", unit="%", target_text="6.5")
    services.indicator_save(indicator=gdp, user=None)
    series = gdp.measured_series
    services.observation_record(
        series=series, period=Period(2026, "H1"), value=Decimal("5.0"), user=admin, approve=True
    )
    services.observation_record(
        series=series, period=Period(2026, "H1"), value=Decimal("9.9"), user=admin, reason="更正", submit=True
    )
    pending = Observation.objects.get(series=series, year=2026)
    assert pending.status == ReviewStatus.SUBMITTED and pending.keeps_approved

    assert default_plan(list(Plan.objects.all()), datetime.date(2026, 11, 21)) == new
    assert latest_period_with_data(new) == Period(2026, "H1")
    assert latest_period_with_data_of_plans([new]) == Period(2026, "H1")
    assert Observation.objects.approved(with_data=True).filter(series=series, year=2026).count() == 1
    counted = pending.counted()
    assert counted is not None and counted.value == Decimal("5.0")
    (assessment,) = assess_plan(new, Period(2026, "H1"))
    assert assessment.observations[-1].period == Period(2026, "H1")
    assert assessment.observations[-1].value == Decimal("5.0")
    assert pending.counted(include_pending=True) is pending

    services.observation_record(
        series=series, period=Period(2026, "H1"), value=Decimal("9.9"), user=admin, submit=True
    )  # a draft of a figure never approved counts nowhere
    Observation.objects.filter(pk=pending.pk).update(approved_value=None, approved_decimals=None, approved_no_data=None)
    assert Observation.objects.approved().filter(series=series, year=2026).count() == 0
    assert Observation.objects.get(pk=pending.pk).counted() is None
    assert default_plan(list(Plan.objects.all()), datetime.date(2026, 11, 21)) == plan_14th
    assert latest_period_with_data(new) is None


def test_loaded_figures_are_the_models_own(plan_14th: Plan) -> None:
    """``loaded`` builds instances without Model.__init__: the same field values, not adding, from the same database,
    and usable as any instance (``counted``, the series relation); it relies on no init receivers for Observation."""
    from django.db.models.signals import post_init, pre_init

    from indicators.assessment import loaded

    assert not pre_init.has_listeners(Observation) and not post_init.has_listeners(Observation)
    queryset = Observation.objects.of_plan(plan_14th).order_by("pk")
    names = [f.attname for f in Observation._meta.concrete_fields]
    fast, usual = list(loaded(queryset)), list(queryset)
    assert len(fast) == len(usual) > 0
    for a, b in zip(fast, usual, strict=True):
        assert [getattr(a, n) for n in names] == [getattr(b, n) for n in names]
        assert (a._state.adding, a._state.db) == (b._state.adding, b._state.db)
        assert a == b and a.series.pk == b.series_id and (a.counted() is None) == (b.counted() is None)
