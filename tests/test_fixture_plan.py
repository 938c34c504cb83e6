"""The loaded 十四五 fixture equals 附件1 of the mid-term evaluation, row by row."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from indicators.models import AlternativeReading, Indicator, ManualVerdict, Observation, Plan
from indicators.seed import load_plan_fixture
from tests.conftest import PLAN_FIXTURE, SEEDS

# The fixture plan is loaded once for this module; each test's writes still roll back (conftest: plan_14th_once).
pytestmark = pytest.mark.usefixtures("plan_14th_once")

ND = None  # "/" in the table: no data

# 附件1, transcribed: (序号, 类别, 指标, 单位, 属性, 2025年 as printed, 2020, 2021, 2022, 2023年上半年)
APPENDIX_1 = [
    ("1", "经济发展", "地区生产总值增长", "%", "预期性", "7.5", "3.4", "9.1", "4.0", "4.0"),
    ("2", "经济发展", "常住人口城镇化率", "%", "预期性", "70", "62.97", "63.99", "64.54", ND),
    ("3", "经济发展", "社会消费品零售总额增长", "%", "预期性", "7.0左右", ND, "9.3", "9.8", "7.2"),
    ("4", "创新驱动", "研发经费投入增长", "%", "预期性", "[12]", "7.6", "9.8", "11.9", ND),
    ("5", "创新驱动", "每万人发明专利拥有量", "件", "预期性", "3.0", ND, ND, ND, ND),
    (
        "6",
        "创新驱动",
        "数字经济核心产业增加值占地区生产总值比重",
        "%",
        "预期性",
        "五年年均增长2.5",
        ND,
        ND,
        ND,
        ND,
    ),
    (
        "7",
        "民生福祉",
        "城乡居民人均可支配收入增长率",
        "%",
        "预期性",
        "五年年均增长与经济增长基本同步",
        ND,
        "8.1",
        "4.9",
        "5.6",
    ),
    (
        "8",
        "民生福祉",
        "城镇就业/城镇新增就业人数",
        "万人",
        "预期性",
        "3.5",
        "0.7",
        "0.9259",
        "0.7853",
        "0.3470",
    ),
    ("8", "民生福祉", "城镇就业/城镇调查失业率", "%", "预期性", "＜5.5", "4", "3.4", "3.3", "4"),
    ("9", "民生福祉", "劳动年龄人口平均受教育年限", "年", "约束性", "11.0左右", "9", "9", "9", "10"),
    (
        "10",
        "民生福祉",
        "每千人口卫生技术人员数/每千人口拥有执业（助理）医师数",
        "人",
        "预期性",
        "3.2",
        "1.3",
        "1.96",
        "2.91",
        "3.7",
    ),
    (
        "10",
        "民生福祉",
        "每千人口卫生技术人员数/每千人口注册护士数",
        "人",
        "预期性",
        "3.8",
        "1.7",
        "2.36",
        "2.3",
        "4.7",
    ),
    ("11", "民生福祉", "基本养老保险参保率", "%", "预期性", "＞95", ND, "93.7", "95", "100"),
    ("12", "民生福祉", "每千人拥有3岁以下儿童托位数", "个", "预期性", "4.0", ND, "0.23", "2.44", "3.04"),
    ("13", "民生福祉", "人均预期寿命", "岁", "预期性", "五年年均增长1.0", ND, "75.36", "78.12", ND),
    (
        "14",
        "绿色生态",
        "单位生产总值能源消耗降幅",
        "%",
        "约束性",
        "按市下达目标",
        "-2.11",
        "-5.26",
        "0.13",
        ND,
    ),
    ("15", "绿色生态", "单位生产总值二氧化碳排放降低", "%", "约束性", "按市下达目标", ND, ND, ND, ND),
    ("16", "绿色生态", "城市空气优良天数比率", "%", "约束性", "按市下达目标", ND, "73", "71", "45.2"),
    ("17", "绿色生态", "达到或好于Ⅲ类水体比例", "%", "约束性", "按市下达目标", "75", "90", "96.6", "96.6"),
    ("18", "绿色生态", "森林覆盖率", "%", "约束性", "14.05", "9.41", "12.67", "12.67", "12.67"),
    ("19", "安全保障", "粮食综合生产能力", "万吨", "预期性", "35", "35.9", "37", "39.5", "21.1"),
]
PERIODS = [(2020, ""), (2021, ""), (2022, ""), (2023, "H1")]


def _row_key(indicator: Indicator) -> str:
    return f"{indicator.parent.name}/{indicator.name}" if indicator.parent else indicator.name


def _leaf_rows(plan: Plan) -> list[Indicator]:
    return list(
        Indicator.objects.of_plan(plan)
        .filter(children__isnull=True)
        .select_related("parent", "category")
        .in_print_order()
    )


def test_plan_has_19_indicators_in_5_categories_and_21_table_rows(plan_14th: Plan) -> None:
    top = Indicator.objects.of_plan(plan_14th).filter(parent=None)
    assert top.count() == 19
    assert list(plan_14th.categories.values_list("name", flat=True)) == [
        "经济发展",
        "创新驱动",
        "民生福祉",
        "绿色生态",
        "安全保障",
    ]
    assert top.filter(attribute="binding").count() == 6
    assert top.filter(attribute="expected").count() == 13
    assert len(_leaf_rows(plan_14th)) == 21


@pytest.mark.parametrize("expected", APPENDIX_1, ids=[f"{r[0]}-{r[2]}" for r in APPENDIX_1])
def test_row_matches_appendix_1(plan_14th: Plan, expected: tuple) -> None:
    seq, category, key, unit, attribute, target, *values = expected
    by_key = {_row_key(i): i for i in _leaf_rows(plan_14th)}
    indicator = by_key[key]
    shown_seq = indicator.parent.seq if indicator.parent else indicator.seq
    assert (shown_seq, indicator.category.name, indicator.unit) == (seq, category, unit)
    assert indicator.get_attribute_display() == attribute
    assert indicator.target_text == target
    observations = {(o.year, o.part): o for o in indicator.measured_series.observations.all()}
    for (year, part), printed in zip(PERIODS, values, strict=True):
        obs = observations[(year, part)]
        assert obs.status == "approved"
        assert obs.source == "002 中期评估报告 附件1"
        if printed is None:
            assert obs.no_data and obs.value is None
            assert obs.display_value == "/"
        else:
            assert not obs.no_data
            assert obs.value == Decimal(printed)
            assert obs.display_value == printed  # printed precision kept: 4.0 stays 4.0, 0.3470 stays 0.3470


def test_every_observation_names_its_source(plan_14th: Plan) -> None:
    assert not Observation.objects.of_plan(plan_14th).filter(source="").exists()
    assert not AlternativeReading.objects.filter(source="").exists()


@pytest.mark.parametrize(
    ("name", "period", "table_value", "other_value", "source_fragment"),
    [
        ("地区生产总值增长", (2022, ""), "4.0", "4.2", "附件2"),
        ("地区生产总值增长", (2022, ""), "4.0", "4.2", "附件5"),
        ("社会消费品零售总额增长", (2022, ""), "9.8", "1.7", "一（一）"),
        ("城乡居民人均可支配收入增长率", (2021, ""), "8.1", "10.3", "附件2"),
        ("城乡居民人均可支配收入增长率", (2022, ""), "4.9", "3.1", "附件2"),
        ("城市空气优良天数比率", (2021, ""), "73", "71", "一（一）"),
        ("城镇新增就业人数", (2022, ""), "0.7853", "1.9", "一（二）"),
    ],
)
def test_contradictions_keep_appendix_1_and_record_the_other_reading(
    plan_14th: Plan,
    name: str,
    period: tuple[int, str],
    table_value: str,
    other_value: str,
    source_fragment: str,
) -> None:
    obs = Observation.objects.get(
        series__indicators__plan=plan_14th, series__indicators__name=name, year=period[0], part=period[1]
    )
    assert obs.value == Decimal(table_value)
    readings = [a for a in obs.alternatives.all() if source_fragment in a.source]
    assert [a.value for a in readings] == [Decimal(other_value)]


@pytest.mark.parametrize(
    ("name", "period", "value", "source_fragment"),
    [
        ("地区生产总值增长", (2024, ""), "4.2", "003"),
        ("城镇新增就业人数", (2024, ""), "1.0732", "003"),
        ("粮食综合生产能力", (2024, ""), "33.5", "003"),
        ("社会消费品零售总额增长", (2024, "H1"), "6.3", "004"),
    ],
)
def test_later_figures_from_other_seeds(
    plan_14th: Plan, name: str, period: tuple[int, str], value: str, source_fragment: str
) -> None:
    obs = Observation.objects.get(
        series__indicators__plan=plan_14th, series__indicators__name=name, year=period[0], part=period[1]
    )
    assert obs.value == Decimal(value)
    assert obs.source.startswith(source_fragment)


def test_assigned_rows_carry_the_reports_verdict_as_manual(plan_14th: Plan) -> None:
    manual = ManualVerdict.objects.filter(indicator__plan=plan_14th).select_related("indicator")
    assert sorted((m.indicator.seq, m.status) for m in manual) == [
        ("14", "on_track"),
        ("16", "assigned_met"),
        ("17", "assigned_met"),
    ]
    assert all("中期评估报告" in m.reason for m in manual)


def test_loading_twice_changes_nothing(plan_14th: Plan) -> None:
    gdp = Observation.objects.get(series__name="地区生产总值增长", year=2021)
    gdp.note = "管理员更正过的备注"
    gdp.save()
    counts = [m.objects.count() for m in (Indicator, Observation, AlternativeReading, ManualVerdict)]
    result = load_plan_fixture(PLAN_FIXTURE)
    assert result.total == 0
    assert [m.objects.count() for m in (Indicator, Observation, AlternativeReading, ManualVerdict)] == counts
    gdp.refresh_from_db()
    assert gdp.note == "管理员更正过的备注"


def _seed_appendix_1_rows() -> list[list[str]]:
    """Parse 附件1 out of the evaluation report itself (tab-indented cells, one per line)."""
    text = (SEEDS / "002_cae29be595d6bbe5.txt").read_text(encoding="utf-8")
    start = text.index("“十四五”规划主要指标目标完成情况\n\t序号")
    end = text.index("附件2：", start)
    cells = [line.strip() for line in text[start:end].split("\n\t")[1:]]
    header_end = cells.index("中期完成情况") + 1
    body = cells[header_end:]
    rows, row = [], []
    for cell in body:
        cell = cell.split("\n [bookmark")[0]  # the table's last cell runs into the next heading
        row.append(cell.replace("\n", ""))
        if cell.strip() in {"低于预期", "达到预期", "超出预期", "暂无数据", "完成市定目标"}:
            rows.append(row)
            row = []
    return rows


@pytest.mark.skipif(not (SEEDS / "002_cae29be595d6bbe5.txt").exists(), reason="shared/seeds not beside the checkout")
def test_transcribed_table_matches_the_seed_file() -> None:
    rows = _seed_appendix_1_rows()
    assert len(rows) == 21
    for seed_row, expected in zip(rows, APPENDIX_1, strict=True):
        *_, target, base, y2021, y2022, h1, _verdict = seed_row
        printed = [v if v is not None else "/" for v in expected[6:]]
        assert [target, base, y2021, y2022, h1] == [expected[5], *printed]
        name_cell = next(c for c in seed_row if re.search(r"[（(]", c))
        assert expected[2].split("/")[-1] in name_cell
