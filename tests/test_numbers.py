"""How a figure is printed: percent units and decimals, one rule each (indicators.numbers)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators import numbers


@pytest.mark.parametrize(
    ("unit", "percent", "shown", "difference"),
    [
        ("%", True, "%", "个百分点"),
        ("％", True, "%", "个百分点"),  # typed with a Chinese input method
        (" % ", True, "%", "个百分点"),
        ("万人", False, "万人", "万人"),
        ("", False, "", ""),
    ],
)
def test_percent_units(unit: str, percent: bool, shown: str, difference: str) -> None:
    assert numbers.is_percent_unit(unit) is percent
    assert numbers.shown_unit(unit) == shown
    assert numbers.difference_unit(unit) == difference


@pytest.mark.parametrize(
    ("text", "decimals", "printed"),
    [("4.0", 1, "4.0"), ("12", 0, "12"), ("0.3470", 4, "0.3470"), ("-2.11", 2, "-2.11"), ("1E+1", 0, "10")],
)
def test_a_figure_keeps_its_printed_decimals(text: str, decimals: int, printed: str) -> None:
    value = Decimal(text)
    assert numbers.decimals_of(value) == decimals
    assert numbers.printed(value, decimals) == printed


@pytest.mark.parametrize(
    ("text", "decimals", "printed"),
    [
        ("9.65", 1, "9.7"),  # 四舍五入, not half-even (9.6)
        ("9.75", 1, "9.8"),
        ("0.125", 2, "0.13"),
        ("2.5", 0, "3"),
        ("-2.45", 1, "-2.5"),  # away from zero, as the statistical tables print
        ("9.64", 1, "9.6"),
        ("4", 2, "4.00"),
        ("123456789.125", 2, "123456789.13"),
    ],
)
def test_a_figure_with_more_decimals_is_rounded_half_up(text: str, decimals: int, printed: str) -> None:
    assert numbers.printed(Decimal(text), decimals) == printed


def test_no_figure_prints_a_mark() -> None:
    assert numbers.printed(None, 2) == "/"
    assert numbers.printed(None, 2, empty="—") == "—"


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("6.5以上", "%", "6.5%以上"),
        ("2左右", "％", "2%左右"),
        ("8000以上", "人", "8000人以上"),
        ("7.1左右", "亿斤", "7.1亿斤左右"),
        ("＜5.5", "%", "＜5.5%"),
        ("6.5%以上", "%", "6.5%以上"),  # already printed with its unit
        ("8000人以上", "人", "8000人以上"),
        ("6.5以上，力争7", "%", "6.5%以上，力争7%"),
        ("与经济增长同步", "%", "与经济增长同步"),  # no number
        ("2025年达到70", "%", "2025年达到70%"),  # a year is not a figure
        ("12", "", "12"),  # no unit
    ],
)
def test_with_unit(text: str, unit: str, expected: str) -> None:
    assert numbers.with_unit(text, unit) == expected
