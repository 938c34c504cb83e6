"""The value parser, unit-aware sanity checks and the soft outlier warning (pure Python, no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from indicators.values import (
    PARSE_ERRORS,
    VALUE_COUNT_NEGATIVE,
    VALUE_EMPTY,
    VALUE_NOT_A_NUMBER,
    VALUE_PERCENT_NOT_ALLOWED,
    VALUE_SHARE_OUT_OF_RANGE,
    VALUE_TOO_LARGE,
    VALUE_TOO_MANY_DECIMALS,
    ValueInputError,
    is_share,
    outlier_warning,
    parse_for_indicator,
    parse_value,
    sanity_errors,
)


@pytest.mark.parametrize(
    ("text", "value", "decimals", "percent"),
    [
        ("4.5", "4.5", 1, False),
        ("4.0", "4.0", 1, False),
        (" -2.11 ", "-2.11", 2, False),
        ("４．５", "4.5", 1, False),  # full-width digits and point
        ("－５．２６", "-5.26", 2, False),  # full-width minus
        ("\u22125.26", "-5.26", 2, False),  # the minus sign of word processors
        ("96.6%", "96.6", 1, True),
        ("９６．６％", "96.6", 1, True),
        ("\u3000100\u3000", "100", 0, False),  # ideographic spaces around
        ("0.3470", "0.3470", 4, False),
        ("1,234.5", "1234.5", 1, False),
        ("+7", "7", 0, False),
        (".5", "0.5", 1, False),
        ("-0", "0", 0, False),
    ],
)
def test_numbers_are_accepted_and_normalised(text: str, value: str, decimals: int, percent: bool) -> None:
    parsed = parse_value(text)
    assert (parsed.value, parsed.decimals, parsed.percent) == (Decimal(value), decimals, percent)
    assert str(parsed.value) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", VALUE_EMPTY),
        ("   ", VALUE_EMPTY),
        ("约5", VALUE_NOT_A_NUMBER),
        ("5左右", VALUE_NOT_A_NUMBER),
        ("4 5", VALUE_NOT_A_NUMBER),
        ("1,23", VALUE_NOT_A_NUMBER),
        ("1e5", VALUE_NOT_A_NUMBER),
        ("NaN", VALUE_NOT_A_NUMBER),
        ("Infinity", VALUE_NOT_A_NUMBER),
        ("①", VALUE_NOT_A_NUMBER),
        ("٣", VALUE_NOT_A_NUMBER),  # Arabic-Indic three
        ("5%%", VALUE_NOT_A_NUMBER),
        ("/", VALUE_NOT_A_NUMBER),
        ("0.1234567", VALUE_TOO_MANY_DECIMALS),
        ("123456789012345", VALUE_TOO_LARGE),
    ],
)
def test_anything_else_is_refused_with_a_message(text: str, message: str) -> None:
    with pytest.raises(ValueInputError) as excinfo:
        parse_value(text)
    assert excinfo.value.message == message


@given(st.text())
@example("٣")
@example("1" * 5000)
@example("-.")
@example("%")
def test_any_string_is_a_clean_decimal_or_a_clear_error(text: str) -> None:
    try:
        parsed = parse_value(text)
    except ValueInputError as error:
        assert error.message in PARSE_ERRORS
        return
    assert parsed.value.is_finite()
    assert abs(parsed.value) < Decimal(10) ** 14  # fits Observation.value: max_digits=20, decimal_places=6
    exponent = parsed.value.as_tuple().exponent
    assert isinstance(exponent, int) and max(0, -exponent) == parsed.decimals <= 6


@given(st.decimals(min_value=-(10**13), max_value=10**13, places=3, allow_nan=False, allow_infinity=False))
def test_printed_decimals_round_trip(number: Decimal) -> None:
    assert parse_value(f"{number:f}").value == number


@pytest.mark.parametrize(
    ("name", "share"),
    [
        ("常住人口城镇化率", True),
        ("城市空气优良天数比率", True),
        ("达到或好于Ⅲ类水体比例", True),
        ("森林覆盖率", True),
        ("基本养老保险参保率", True),
        ("城镇调查失业率", True),
        ("数字经济核心产业增加值占地区生产总值比重", True),
        ("地区生产总值增长", False),
        ("城乡居民人均可支配收入增长率", False),
        ("单位生产总值能源消耗降幅", False),
    ],
)
def test_shares_are_told_from_growth_rates(name: str, share: bool) -> None:
    assert is_share(name, "%") is share


@pytest.mark.parametrize(
    ("value", "name", "unit", "percent", "errors"),
    [
        ("101", "森林覆盖率", "%", False, [VALUE_SHARE_OUT_OF_RANGE]),
        ("-1", "城市空气优良天数比率", "%", False, [VALUE_SHARE_OUT_OF_RANGE]),
        ("100", "基本养老保险参保率", "%", False, []),
        ("-5.26", "单位生产总值能源消耗降幅", "%", False, []),  # a growth rate may be negative
        ("-3", "地区生产总值增长", "%", True, []),
        ("150", "地区生产总值增长", "%", False, []),  # not a share: no range (the soft warning catches it)
        ("5", "城镇新增就业人数", "万人", True, [VALUE_PERCENT_NOT_ALLOWED]),
        ("-0.2", "城镇新增就业人数", "万人", False, [VALUE_COUNT_NEGATIVE]),
        ("75.36", "人均预期寿命", "岁", False, []),
    ],
)
def test_unit_aware_sanity(value: str, name: str, unit: str, percent: bool, errors: list[str]) -> None:
    assert sanity_errors(Decimal(value), name=name, unit=unit, percent=percent) == errors


def test_parse_for_indicator_raises_the_first_sanity_error() -> None:
    with pytest.raises(ValueInputError) as excinfo:
        parse_for_indicator("１０１％", name="森林覆盖率", unit="%")
    assert excinfo.value.message == VALUE_SHARE_OUT_OF_RANGE
    assert parse_for_indicator("９６．６％", name="达到或好于Ⅲ类水体比例", unit="%").value == Decimal("96.6")


GDP_HISTORY = [Decimal("3.4"), Decimal("9.1"), Decimal("4.0"), Decimal("4.2")]


@pytest.mark.parametrize(
    ("value", "history", "flagged"),
    [
        ("4.5", GDP_HISTORY, False),
        ("45", GDP_HISTORY, True),  # 4.5 typed without the point
        ("14.8", GDP_HISTORY, False),  # high 9.1 + spread 5.7
        ("14.9", GDP_HISTORY, True),
        ("-2.3", GDP_HISTORY, False),
        ("-2.4", GDP_HISTORY, True),
        ("7853", [Decimal("0.7"), Decimal("0.9259"), Decimal("0.7853")], True),  # 人 instead of 万人
        ("1.2", [Decimal("0.7"), Decimal("0.9259"), Decimal("0.7853")], False),
        ("999", [Decimal("3.4")], False),  # one earlier figure is not a history
        ("999", [], False),
    ],
)
def test_outlier_warning_rule(value: str, history: list[Decimal], flagged: bool) -> None:
    assert bool(outlier_warning(Decimal(value), history)) is flagged
