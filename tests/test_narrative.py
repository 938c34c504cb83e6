"""Generated sentences and the summary paragraph of section 一（一）; shares that add up to 100.0."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.assessment import PlanSummary
from indicators.models import Plan
from indicators.periods import Period
from indicators.vocabulary import Status
from reports import narrative
from reports.appendix import build_report
from reports.rows import AppendixRow, ValueCell

D = Decimal


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # the report: 12 good, 4 behind, 3 without data of 19 → 63.1 / 21.1 / 15.8
        ([12, 4, 3, 0], ["63.1", "21.1", "15.8", "0.0"]),
        ([1, 1, 1], ["33.4", "33.3", "33.3"]),  # half up gives 99.9: the first largest takes the 0.1
        ([2, 1], ["66.7", "33.3"]),
        ([1, 0, 0], ["100.0", "0.0", "0.0"]),
        ([0, 0], ["0", "0"]),  # nothing to share: no claim of 100 %
        ([1, 1, 1, 1, 1, 1, 1], ["14.2", "14.3", "14.3", "14.3", "14.3", "14.3", "14.3"]),
    ],
)
def test_shares_table(counts: list[int], expected: list[str]) -> None:
    assert [str(s) for s in narrative.shares(counts)] == expected


def test_hamilton_rounding_would_contradict_the_report() -> None:
    """Why the rule is not largest remainder: it gives 63.2 / 21.0 / 15.8 for the report's counts."""
    quotas = [D(1000) * c / 19 for c in (12, 4, 3)]  # in tenths of a percent
    floors = [int(q) for q in quotas]
    order = sorted(range(3), key=lambda i: quotas[i] - floors[i], reverse=True)
    for i in order[: 1000 - sum(floors)]:
        floors[i] += 1
    assert floors == [632, 210, 158]
    assert [str(s) for s in narrative.shares([12, 4, 3])] == ["63.1", "21.1", "15.8"]


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=8))
def test_shares_always_add_up_to_100_and_stay_close(counts: list[int]) -> None:
    result = narrative.shares(counts)
    if sum(counts) == 0:
        assert all(s == 0 for s in result)
        return
    assert sum(result) == D(100)
    assert all(share == share.quantize(D("0.1")) and share >= 0 for share in result)
    exact = [D(100) * count / sum(counts) for count in counts]
    largest = counts.index(max(counts))  # the first largest absorbs the rounding difference
    for i, (share, quota) in enumerate(zip(result, exact, strict=True)):
        if i != largest:
            # every other share is its exact share rounded half up to a tenth: off by at most 0.05
            assert share == quota.quantize(D("0.1"), rounding=ROUND_HALF_UP)
            assert abs(share - quota) <= D("0.05")
    # the largest takes what the others' roundings left: off by at most 0.05 for each of them
    assert abs(result[largest] - exact[largest]) <= D("0.05") * (len(counts) - 1)


def _row(name: str, unit: str, values: list[tuple[Period, str | None]], **extra: object) -> AppendixRow:
    cells = tuple(
        ValueCell(p, None if v is None else D(v), len(v.split(".")[1]) if v and "." in v else 0) for p, v in values
    )
    fields: dict = {"status": "behind", "label": "低于预期"}
    fields.update(extra)
    return AppendixRow(
        indicator_id=1,
        seq="1",
        category="经济发展",
        name=name,
        unit=unit,
        attribute="预期性",
        target_text="7.5",
        cells=cells,
        **fields,
    )


Y20, Y21, Y22, H23 = Period(2020), Period(2021), Period(2022), Period(2023, "H1")


@pytest.mark.parametrize(
    ("parts", "status", "label", "outlook", "expected"),
    [
        (
            [_row("地区生产总值增长率", "%", [(Y20, "3.4"), (Y21, "9.1"), (Y22, "4.0"), (H23, "4.0")])],
            "behind",
            "低于预期",
            "预计实现规划目标存在一定难度",
            "2021年、2022年、2023年上半年全区地区生产总值增长率分别为9.1%、4.0%、4.0%，进展低于预期，"
            "预计实现规划目标存在一定难度。",
        ),
        (
            [_row("常住人口城镇化率", "%", [(Y20, "62.97"), (Y21, "63.99"), (Y22, "64.54"), (H23, None)])],
            "behind",
            "低于预期",
            "预计实现规划目标存在一定难度",
            "2021年、2022年全区常住人口城镇化率分别为63.99%、64.54%，进展低于预期，预计实现规划目标存在一定难度。",
        ),
        (
            [_row("粮食综合生产能力", "万吨", [(Y22, "39.5")])],
            "on_track",
            "达到预期",
            "",
            "2022年全区粮食综合生产能力为39.5万吨，进展达到预期。",
        ),
        (
            [
                _row("每千人口拥有执业（助理）医师数", "人", [(Y21, "1.96"), (Y22, "2.91"), (H23, "3.7")]),
                _row("每千人口注册护士数", "人", [(Y21, "2.36"), (Y22, "2.3"), (H23, "4.7")]),
            ],
            "exceeded",
            "超出预期",
            "已提前完成规划目标",
            "2021年、2022年、2023年上半年全区每千人口拥有执业（助理）医师数分别为1.96人、2.91人、3.7人，"
            "每千人口注册护士数分别为2.36人、2.3人、4.7人，进展超出预期，已提前完成规划目标。",
        ),
        (
            [_row("城市空气优良天数比率", "%", [(Y21, "73"), (Y22, "71"), (H23, "45.2")])],
            "assigned_met",
            "完成市定目标",
            "",
            "2021年、2022年、2023年上半年全区城市空气优良天数比率分别为73%、71%、45.2%，完成市定目标。",
        ),
        (
            [_row("每万人发明专利拥有量", "件", [(Y21, None)])],
            "no_data",
            "暂无数据",
            "",
            "每万人发明专利拥有量暂无数据。",
        ),
        ([_row("数字经济", "%", [])], "pending", "待研判", "", "数字经济暂无数据，待研判。"),
    ],
)
def test_indicator_sentence(parts: list[AppendixRow], status: str, label: str, outlook: str, expected: str) -> None:
    name = parts[0].name if len(parts) == 1 else "每千人口卫生技术人员数"
    sentence = narrative.indicator_sentence(name, parts, status=status, label=label, outlook=outlook, base_year=2020)
    assert sentence == expected


def _summary(**counts: int) -> PlanSummary:
    names = {
        Status.EXCEEDED: [f"超{i}" for i in range(counts.get("exceeded", 0))],
        Status.ON_TRACK: [f"达{i}" for i in range(counts.get("on_track", 0))],
        Status.BEHIND: [f"低{i}" for i in range(counts.get("behind", 0))],
        Status.NO_DATA: [f"无{i}" for i in range(counts.get("no_data", 0))],
        Status.PENDING: [f"待{i}" for i in range(counts.get("pending", 0))],
    }
    total = sum(len(v) for v in names.values())
    return PlanSummary(
        total=total,
        binding=counts.get("binding", 0),
        expected=total - counts.get("binding", 0),
        exceeded=len(names[Status.EXCEEDED]),
        on_track=len(names[Status.ON_TRACK]),
        good=len(names[Status.EXCEEDED]) + len(names[Status.ON_TRACK]),
        behind=len(names[Status.BEHIND]),
        no_data=len(names[Status.NO_DATA]),
        pending=len(names[Status.PENDING]),
        names=names,
    )


def _extra(tp: str = "0.5", behind: tuple[str, ...] = ()) -> narrative.SummaryInput:
    return narrative.SummaryInput(("经济发展", "民生福祉"), D(tp), Period(2023, "H1"), behind)


def test_summary_without_exceeded_or_behind_skips_those_sentences() -> None:
    text = narrative.summary_paragraph(_summary(on_track=3, no_data=1, binding=1), _extra())
    assert text == (
        "《纲要》共设置经济发展、民生福祉2大类别，共4项指标，其中，约束性指标1项，预期性指标3项。"
        "从前半期实施情况看，有3项指标完成较好，达到或超过预期进度，占比75.0%。3项指标达到预期进度，分别是达0、达1、达2。"
        "1项指标暂时没有数据，占比25.0%，分别是无0。各类规划指标的具体完成情况详见附件1。"
    )


def test_summary_behind_of_mixed_attributes_and_pending_and_another_as_of() -> None:
    text = narrative.summary_paragraph(_summary(behind=2, pending=1), _extra("0.6", behind=("约束性", "预期性")))
    assert "从截至2023年上半年的实施情况看，暂无指标达到或超过预期进度。" in text
    assert "2项指标完成情况低于预期，占比66.7%，分别是低0、低1。" in text
    assert "1项指标有待人工研判，占比33.3%，分别是待0。" in text


def test_summary_of_the_fixture_plan_matches_the_report(plan_14th: Plan) -> None:
    """Section 一（一）: 19 项, 约束性 6, 预期性 13, 12 完成较好 (1 超出), 4 低于预期, 3 暂无数据; 63.1/21.1/15.8."""
    report = build_report(plan_14th, Period(2023, "H1"))
    s = report.summary
    assert (s.total, s.binding, s.expected, s.good, s.exceeded, s.on_track, s.behind, s.no_data) == (
        19, 6, 13, 12, 1, 11, 4, 3,
    )  # fmt: skip
    text = report.paragraph
    assert text.startswith(
        "《纲要》共设置经济发展、创新驱动、民生福祉、绿色生态、安全保障5大类别，共19项指标，其中，约束性指标6项，预期性指标13项。"
        "从前半期实施情况看，有12项指标完成较好，达到或超过预期进度，占比63.1%。其中，每千人口卫生技术人员数1项指标超过预期进度。"
        "11项指标达到预期进度，分别是社会消费品零售总额增长、城镇就业、"
    )
    assert (
        "4项预期性指标完成情况低于预期，占比21.1%，分别是地区生产总值增长、常住人口城镇化率、研发经费投入增长、" in text
    )
    assert (
        "3项指标暂时没有数据，占比15.8%，分别是每万人发明专利拥有量、数字经济核心产业增加值占地区生产总值比重、" in text
    )
    gdp = next(t for t in report.appendix.top if t.name == "地区生产总值增长")
    assert gdp.sentence == (
        "2021年、2022年、2023年上半年全区地区生产总值增长分别为9.1%、4.0%、4.0%，进展低于预期，"
        "预计实现规划目标存在一定难度。"
    )


@pytest.mark.parametrize(
    ("region", "word"),
    [
        ("卧龙区", "全区"),
        ("示例001县", "全县"),
        ("南阳市", "全市"),
        ("河南省", "全省"),
        ("某某旗", "全旗"),
        ("示例片", "示例片"),
    ],
)
def test_the_report_names_its_own_region_by_level(region: str, word: str) -> None:
    assert narrative.region_word(region) == word


@pytest.mark.django_db
def test_a_county_plans_sentences_say_the_whole_county() -> None:
    from reports.appendix import build_report
    from tests.test_rollup import _city

    city = _city(1)
    plan = Plan.objects.get(region__parent=city)
    sentences = [t.sentence for t in build_report(plan, Period(2022)).appendix.top]
    assert any("全县" in s for s in sentences) and not any("全区" in s for s in sentences)
