"""Table-driven tests of the pure evaluation rules (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import targets as tk
from indicators.evaluation import (
    STATUS_RANK,
    ManualInput,
    Outlook,
    Settings,
    SettingsError,
    common_status,
    evaluate,
    time_progress,
)
from indicators.periods import Period
from indicators.vocabulary import Status
from tests.engine_support import series

D = Decimal
P = Period.parse
H1_2023 = P("2023H1")


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2020", "0"),
        ("2021", "0.2"),
        ("2022", "0.4"),
        ("2023H1", "0.5"),
        ("2023Q3", "0.55"),
        ("2025", "1"),
        ("2027", "1"),
    ],
)
def test_time_progress(as_of: str, expected: str) -> None:
    assert time_progress(2020, 2025, P(as_of)) == D(expected)


# level --------------------------------------------------------------------------------------------------------------
LEVEL_CASES = [
    # id, target, values, extra, expected status
    ("urbanisation behind", "70", {"2020": "62.97", "2021": "63.99", "2022": "64.54"}, {}, Status.BEHIND),
    ("forest on track", "14.05", {"2020": "9.41", "2023H1": "12.67"}, {}, Status.ON_TRACK),
    ("exactly on time progress", "11", {"2020": "9", "2023H1": "10"}, {}, Status.ON_TRACK),
    ("target reached early", "3.2", {"2020": "1.3", "2023H1": "3.7"}, {}, Status.EXCEEDED),
    ("lower is better on track", "10", {"2020": "20", "2023H1": "14"}, {"direction": tk.LOWER}, Status.ON_TRACK),
    ("lower is better behind", "10", {"2020": "20", "2023H1": "18"}, {"direction": tk.LOWER}, Status.BEHIND),
    ("lower is better reached", "10", {"2020": "20", "2022": "9"}, {"direction": tk.LOWER}, Status.EXCEEDED),
    ("zero base", "4", {"2020": "0", "2023H1": "2"}, {}, Status.ON_TRACK),
    ("negative base", "2", {"2020": "-2", "2023H1": "-1"}, {}, Status.BEHIND),
    ("target equals base kept", "35", {"2020": "35", "2022": "35"}, {}, Status.ON_TRACK),
    ("target equals base lost", "35", {"2020": "35", "2022": "34"}, {}, Status.BEHIND),
    ("missing base uses first value", "4.0", {"2020": None, "2021": "0.23", "2023H1": "3.04"}, {}, Status.ON_TRACK),
    ("missing base one value only", "4.0", {"2020": None, "2022": "2.0"}, {}, Status.PENDING),
    ("missing base one value reached", "4.0", {"2022": "4.5"}, {}, Status.EXCEEDED),
    (
        "only a half-year value of a flow",
        "35",
        {"2020": "35.9", "2023H1": "21.1"},
        {"partial_periods_comparable": False},
        Status.NO_DATA,
    ),
    ("no data at all", "70", {"2020": "62.97", "2021": None, "2022": None}, {}, Status.NO_DATA),
]


@pytest.mark.parametrize(
    ("case", "target", "values", "extra", "expected"), LEVEL_CASES, ids=[c[0] for c in LEVEL_CASES]
)
def test_level(case: str, target: str, values: dict, extra: dict, expected: Status) -> None:
    verdict = evaluate(series(tk.LEVEL, target, values, **extra), H1_2023)
    assert verdict.status == expected, verdict.explanation
    assert verdict.explanation


def test_level_completion_and_required_rate() -> None:
    verdict = evaluate(series(tk.LEVEL, "70", {"2020": "62.97", "2021": "63.99", "2022": "64.54"}), H1_2023)
    assert round(_c(verdict.completion), 3) == D("0.223")  # (64.54-62.97)/(70-62.97)
    assert verdict.required_text == "后三年需年均提高1.82个百分点"
    # judged at its own data period (2022, time progress 40 %), not at the as-of's 50 %
    assert "22.3%" in verdict.explanation and "低于时序进度40.0%" in verdict.explanation
    assert verdict.data_period == Period(2022) and not verdict.stale


def test_as_of_before_any_data() -> None:
    verdict = evaluate(series(tk.LEVEL, "70", {"2020": "62.97", "2022": "64.54"}), P("2021"))
    assert verdict.status == Status.NO_DATA
    assert evaluate(series(tk.LEVEL, "70", {"2020": "62.97"}), P("2020")).status == Status.NO_DATA


def test_later_values_are_ignored_before_as_of() -> None:
    s = series(tk.LEVEL, "3.2", {"2020": "1.3", "2022": "2.91", "2023H1": "3.7"})
    assert evaluate(s, P("2022")).status == Status.ON_TRACK
    assert evaluate(s, H1_2023).status == Status.EXCEEDED


# annual growth ------------------------------------------------------------------------------------------------------
GDP = {"2020": "3.4", "2021": "9.1", "2022": "4.0", "2023H1": "4.0"}


def test_gdp_is_behind_and_needs_8_2_percent() -> None:
    verdict = evaluate(series(tk.ANNUAL_GROWTH, "7.5", GDP, name="地区生产总值增长"), H1_2023)
    assert verdict.status == Status.BEHIND
    assert verdict.required_text == "后三年需年均增长8.2%"
    assert verdict.outlook == Outlook.SOME_DIFFICULTY


def test_gdp_revised_to_4_2_needs_8_1_percent() -> None:
    verdict = evaluate(series(tk.ANNUAL_GROWTH, "7.5", {**GDP, "2022": "4.2"}), H1_2023)
    assert verdict.required_text == "后三年需年均增长8.1%"


GROWTH_CASES = [
    ("retail above target", "7.0", {"2021": "9.3", "2022": "9.8", "2023H1": "7.2"}, {}, Status.ON_TRACK),
    ("within 左右 tolerance", "7.0", {"2021": "6.8", "2022": "6.7"}, {"approximate": True}, Status.ON_TRACK),
    ("below without 左右", "7.0", {"2021": "6.8", "2022": "6.7"}, {}, Status.BEHIND),
    ("five-year growth already reached", "5", {"2021": "15", "2022": "15", "2023": "5"}, {}, Status.EXCEEDED),
    ("only a half-year value", "7.5", {"2023H1": "8.0"}, {}, Status.ON_TRACK),
    ("a collapse below -100%", "7.5", {"2021": "-120"}, {}, Status.PENDING),
    ("negative growth", "7.5", {"2021": "-3", "2022": "2"}, {}, Status.BEHIND),
]


@pytest.mark.parametrize(
    ("case", "target", "values", "extra", "expected"), GROWTH_CASES, ids=[c[0] for c in GROWTH_CASES]
)
def test_annual_growth(case: str, target: str, values: dict, extra: dict, expected: Status) -> None:
    assert evaluate(series(tk.ANNUAL_GROWTH, target, values, **extra), H1_2023).status == expected


# cumulative ---------------------------------------------------------------------------------------------------------
def test_cumulative_sum_of_new_jobs() -> None:
    s = series(
        tk.CUMULATIVE, "3.5", {"2020": "0.7", "2021": "0.9259", "2022": "0.7853", "2023H1": "0.3470"}, unit="万人"
    )
    verdict = evaluate(s, H1_2023)
    assert verdict.status == Status.ON_TRACK
    assert round(_c(verdict.completion), 4) == D("0.5881")  # 2.0582 / 3.5, the base year's 0.7 not counted


def test_cumulative_full_year_replaces_its_half_year() -> None:
    s = series(tk.CUMULATIVE, "3.5", {"2021": "0.9", "2022H1": "0.3", "2022": "0.8"}, unit="万人")
    assert round(_c(evaluate(s, P("2022")).completion), 4) == round(D("1.7") / D("3.5"), 4)


def test_cumulative_compound_reduction() -> None:
    s = series(tk.CUMULATIVE, "13.5", {"2021": "3", "2022": "3"}, name="单位生产总值能源消耗降低", compound=True)
    verdict = evaluate(s, P("2022"))
    # 1 - 0.97 * 0.97 = 5.91 %; 5.91 / 13.5 = 43.8 % ≥ 40 %
    assert round(_c(verdict.completion), 3) == D("0.438")
    assert verdict.status == Status.ON_TRACK


@pytest.mark.parametrize(
    ("values", "as_of", "expected"),
    [
        ({"2021": "2", "2022": "1.6"}, "2022", Status.EXCEEDED),
        ({"2021": "0.5"}, "2021", Status.BEHIND),  # 14 % < 20 %
        ({"2021": "0.7"}, "2021", Status.ON_TRACK),  # 20 % = 20 %
    ],
)
def test_cumulative_statuses(values: dict, as_of: str, expected: Status) -> None:
    assert evaluate(series(tk.CUMULATIVE, "3.5", values, unit="万人"), P(as_of)).status == expected


# annual increment ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"2020": None, "2021": "75.36", "2022": "78.12"}, Status.ON_TRACK),
        ({"2020": "75", "2022": "76"}, Status.BEHIND),
        ({"2020": "75", "2022": "81"}, Status.EXCEEDED),
        ({"2021": "75.36"}, Status.PENDING),
    ],
)
def test_annual_increment(values: dict, expected: Status) -> None:
    assert evaluate(series(tk.ANNUAL_INCREMENT, "1.0", values, unit="岁"), H1_2023).status == expected


# bounds -------------------------------------------------------------------------------------------------------------
BOUND_CASES = [
    (
        "unemployment under ceiling",
        tk.CEILING,
        "5.5",
        {"2020": "4", "2023H1": "4"},
        {"inclusive": False},
        Status.ON_TRACK,
    ),
    (
        "exactly on a strict ceiling",
        tk.CEILING,
        "5.5",
        {"2020": "4", "2022": "5.5"},
        {"inclusive": False},
        Status.BEHIND,
    ),
    ("exactly on an inclusive ceiling", tk.CEILING, "5.5", {"2020": "4", "2022": "5.5"}, {}, Status.ON_TRACK),
    ("exactly on a strict floor", tk.FLOOR, "95", {"2020": "96", "2022": "95"}, {"inclusive": False}, Status.BEHIND),
    (
        "pension above floor",
        tk.FLOOR,
        "95",
        {"2021": "93.7", "2022": "95", "2023H1": "100"},
        {"inclusive": False},
        Status.ON_TRACK,
    ),
    (
        "grain half-year ignored",
        tk.FLOOR,
        "35",
        {"2020": "35.9", "2022": "39.5", "2023H1": "21.1"},
        {"partial_periods_comparable": False},
        Status.ON_TRACK,
    ),
    ("grain half-year counted when comparable", tk.FLOOR, "35", {"2020": "35.9", "2023H1": "21.1"}, {}, Status.BEHIND),
    ("neither inside, progressing", tk.FLOOR, "95", {"2020": "90", "2023H1": "93"}, {}, Status.ON_TRACK),
    ("neither inside, lagging", tk.FLOOR, "95", {"2020": "90", "2023H1": "91"}, {}, Status.BEHIND),
]


@pytest.mark.parametrize(
    ("case", "kind", "bound", "values", "extra", "expected"), BOUND_CASES, ids=[c[0] for c in BOUND_CASES]
)
def test_bounds(case: str, kind: str, bound: str, values: dict, extra: dict, expected: Status) -> None:
    assert evaluate(series(kind, bound, values, **extra), H1_2023).status == expected


def test_bound_crossed_during_the_plan_can_be_labelled_stronger() -> None:
    s = series(tk.FLOOR, "95", {"2020": "90", "2022": "96"})
    assert evaluate(s, H1_2023).status == Status.ON_TRACK
    national = Settings.from_dict({"bound_crossed_status": "exceeded", "labels": {"exceeded": "提前实现"}})
    verdict = evaluate(s, H1_2023, national)
    assert verdict.status == Status.EXCEEDED
    assert national.label(verdict.status) == "提前实现"


# assigned -----------------------------------------------------------------------------------------------------------
AIR = {"2021": "73", "2022": "71", "2023H1": "45.2"}


@pytest.mark.parametrize(
    ("assigned", "values", "expected"),
    [
        ((), AIR, Status.PENDING),
        (((P("2021"), D(70)), (P("2022"), D(70))), AIR, Status.ASSIGNED_MET),
        (((P("2021"), D(70)), (P("2022"), D(72))), AIR, Status.ASSIGNED_MISSED),
        (((P("2021"), D(70)),), {"2021": None}, Status.NO_DATA),
    ],
)
def test_assigned(assigned: tuple, values: dict, expected: Status) -> None:
    assert evaluate(series(tk.ASSIGNED, None, values, assigned=assigned), H1_2023).status == expected


# linked -------------------------------------------------------------------------------------------------------------
INCOME = {"2021": "8.1", "2022": "4.9", "2023H1": "5.6"}


def test_linked_is_held_to_the_gdp_target() -> None:
    gdp = series(tk.ANNUAL_GROWTH, "7.5", GDP, name="地区生产总值增长")
    verdict = evaluate(series(tk.LINKED, None, INCOME, linked=gdp, approximate=True), H1_2023)
    assert verdict.status == Status.BEHIND
    assert "7.5%" in verdict.explanation


@pytest.mark.parametrize(
    ("own", "mode", "expected"),
    [
        ({"2021": "6.0", "2022": "5.0"}, "同步", Status.ON_TRACK),  # GDP 6.2 / 5.2: within 0.5 points
        ({"2021": "5.0", "2022": "4.0"}, "同步", Status.BEHIND),
        ({"2021": "6.5", "2022": "5.5"}, "高于", Status.ON_TRACK),
        ({"2021": "6.0", "2022": "5.0"}, "高于", Status.BEHIND),
    ],
)
def test_linked_without_numeric_target_follows_actual_growth(own: dict, mode: str, expected: Status) -> None:
    gdp = series(tk.QUALITATIVE, None, {"2021": "6.2", "2022": "5.2"}, name="地区生产总值增长")
    s = series(tk.LINKED, None, own, linked=gdp, approximate=True, mode=mode)
    assert evaluate(s, P("2022")).status == expected


# manual, settings, parents ------------------------------------------------------------------------------------------
def test_manual_verdict_wins_and_is_marked() -> None:
    s = series(tk.ASSIGNED, None, AIR, manual=ManualInput(Status.ASSIGNED_MET, "按报告"))
    verdict = evaluate(s, H1_2023)
    assert (verdict.computed_status, verdict.status, verdict.manual) == (Status.PENDING, Status.ASSIGNED_MET, True)
    assert verdict.overridden
    assert "按报告" in verdict.explanation


def test_qualitative_is_pending() -> None:
    assert evaluate(series(tk.QUALITATIVE, None, {"2022": "1"}), H1_2023).status == Status.PENDING


def test_ahead_band_of_another_plan() -> None:
    national = Settings.from_dict({"ahead_ratio": "1.2", "labels": {"ahead": "快于预期", "on_track": "基本符合预期"}})
    s = series(tk.LEVEL, "14.05", {"2020": "9.41", "2023H1": "12.67"})
    assert evaluate(s, H1_2023, national).status == Status.AHEAD  # 70 % ≥ 1.2 × 50 %


@pytest.mark.parametrize(
    "data",
    [{"labels": {"nonsense": "x"}}, {"labels": {"behind": ""}}, {"on_track_ratio": "abc"}, {"colour": "red"}],
)
def test_bad_settings_are_refused_in_chinese(data: dict) -> None:
    with pytest.raises(SettingsError, match="评估设置不正确"):
        Settings.from_dict(data)


@pytest.mark.parametrize(
    ("children", "expected"),
    [
        ([Status.EXCEEDED, Status.EXCEEDED], Status.EXCEEDED),
        ([Status.ON_TRACK, Status.EXCEEDED], Status.ON_TRACK),
        ([Status.ON_TRACK, Status.BEHIND], Status.BEHIND),
        ([], Status.NO_DATA),
    ],
)
def test_parent_takes_the_common_or_worst_verdict(children: list[Status], expected: Status) -> None:
    assert common_status(children) == expected


# properties ---------------------------------------------------------------------------------------------------------
values_st = st.decimals(min_value=D("-50"), max_value=D("200"), places=2, allow_nan=False, allow_infinity=False)


def _c(value: Decimal | None) -> Decimal:
    assert value is not None
    return value


def _rank(status: Status) -> int:
    return STATUS_RANK.index(status)


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from([tk.LEVEL, tk.ANNUAL_GROWTH, tk.CUMULATIVE, tk.ANNUAL_INCREMENT, tk.FLOOR]),
    target=st.decimals(min_value=D("0.5"), max_value=D("100"), places=1),
    base=values_st,
    latest=values_st,
    better=st.decimals(min_value=D("0.01"), max_value=D("50"), places=2),
)
def test_verdict_never_worsens_when_the_latest_value_improves(
    kind: str, target: Decimal, base: Decimal, latest: Decimal, better: Decimal
) -> None:
    def verdict_for(value: Decimal) -> Status:
        return evaluate(
            series(kind, str(target), {"2020": str(base), "2021": "1", "2022": str(value)}), P("2022")
        ).status

    worse, improved = verdict_for(latest), verdict_for(latest + better)
    if Status.PENDING not in (worse, improved):
        assert _rank(improved) >= _rank(worse)


@settings(max_examples=200, deadline=None)
@given(
    target=st.decimals(min_value=D("0.5"), max_value=D("20"), places=1),
    r1=st.decimals(min_value=D("-10"), max_value=D("30"), places=1),
    r2=st.decimals(min_value=D("-10"), max_value=D("30"), places=1),
)
def test_growing_at_the_required_rate_reaches_the_target(target: Decimal, r1: Decimal, r2: Decimal) -> None:
    before = evaluate(series(tk.ANNUAL_GROWTH, str(target), {"2021": str(r1), "2022": str(r2)}), P("2022"))
    if before.required_rate is None:
        assert before.status == Status.EXCEEDED
        return
    required = before.required_rate
    rest = {str(y): str(required) for y in (2023, 2024, 2025)}
    after = evaluate(series(tk.ANNUAL_GROWTH, str(target), {"2021": str(r1), "2022": str(r2), **rest}), P("2025"))
    assert abs(after.average_so_far - target) < D("0.0001")  # type: ignore[operator]


@settings(max_examples=100, deadline=None)
@given(
    target=st.decimals(min_value=D("10"), max_value=D("100"), places=2),
    base=st.decimals(min_value=D("0"), max_value=D("9"), places=2),
    latest=st.decimals(min_value=D("0"), max_value=D("9.9"), places=2),
)
def test_level_required_increase_reaches_the_target(target: Decimal, base: Decimal, latest: Decimal) -> None:
    verdict = evaluate(series(tk.LEVEL, str(target), {"2020": str(base), "2022": str(latest)}), P("2022"))
    assert verdict.required_rate is not None
    assert abs(latest + verdict.required_rate * 3 - target) < D("0.0001")


def test_explanation_agrees_with_the_verdict_under_a_stricter_ratio() -> None:
    strict = Settings.from_dict({"on_track_ratio": "1.2"})
    verdict = evaluate(series(tk.LEVEL, "14.05", {"2020": "9.41", "2022": "11.5"}), P("2022"), strict)
    assert verdict.status == Status.BEHIND  # 45 % completion < 1.2 × 40 %
    assert "低于时序进度40.0%的1.2倍" in verdict.explanation
    assert "不低于" not in verdict.explanation
