from decimal import Decimal

import pytest

from indicators.periods import Period, PeriodError, plan_periods


@pytest.mark.parametrize(
    ("text", "code", "label", "elapsed"),
    [
        ("2022", "2022", "2022年", Decimal(2)),
        ("2023H1", "2023H1", "2023年上半年", Decimal("2.5")),
        ("2023h2", "2023H2", "2023年下半年", Decimal(3)),
        ("2023Q3", "2023Q3", "2023年第三季度", Decimal("2.75")),
        ("2023年上半年", "2023H1", "2023年上半年", Decimal("2.5")),
        ("2023年第一季度", "2023Q1", "2023年第一季度", Decimal("2.25")),
        ("2023年", "2023", "2023年", Decimal(3)),
        (" 2025 ", "2025", "2025年", Decimal(5)),
    ],
)
def test_parse_label_and_elapsed_years(text: str, code: str, label: str, elapsed: Decimal) -> None:
    period = Period.parse(text)
    assert period.code == code
    assert period.label == label
    assert period.elapsed_years(2020) == elapsed


@pytest.mark.parametrize("text", ["", "23", "2023H3", "2023Q5", "2023-06", "上半年", "二〇二三", "2023H"])
def test_bad_periods_are_refused_in_chinese(text: str) -> None:
    with pytest.raises(PeriodError, match="期间格式不正确"):
        Period.parse(text)


def test_order_within_a_year() -> None:
    codes = ["2023", "2023Q3", "2023H1", "2023Q1", "2022", "2023Q2"]
    assert [str(p) for p in sorted(Period.parse(c) for c in codes)] == [
        "2022",
        "2023Q1",
        "2023H1",
        "2023Q2",
        "2023Q3",
        "2023",
    ]


def test_plan_periods_lists_halves_and_years() -> None:
    assert [p.code for p in plan_periods(2020, 2022)] == ["2021H1", "2021", "2022H1", "2022"]
