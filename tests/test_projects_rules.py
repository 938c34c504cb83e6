"""Pure rules of projects/rules.py and the scope rule of projects/summary.py: tables, no database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projects.models import Batch, Level, SummaryScope
from projects.rules import (
    completion_percent,
    difference,
    format_amount,
    format_percent,
    sum_known,
    summary_clause,
    summary_sentence,
)
from projects.summary import scope_covers

D = Decimal


@pytest.mark.parametrize(
    ("planned", "completed", "expected"),
    [
        (D("38.8"), D("40.97"), D("105.6")),  # 附件3: 2022 市重点工业项目, printed as 106%
        (D("14.6"), D("16.5"), D("113.0")),  # 附件3: 三大改造 113%
        (D("273"), D("173.9"), D("63.7")),  # 004 prints 61.7%; the printed figures give 63.7
        (D("10"), D("0"), D("0.0")),
        (D("3"), D("1"), D("33.3")),
        (D("8"), D("1"), D("12.5")),  # half-up
        (D("0"), D("5"), None),  # zero plan: no percentage
        (None, D("5"), None),
        (D("5"), None, None),
    ],
)
def test_completion_percent(planned: Decimal | None, completed: Decimal | None, expected: Decimal | None) -> None:
    assert completion_percent(planned, completed) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("196.9100"), "196.91"),
        (D("95.4"), "95.4"),
        (D("0.7936"), "0.7936"),
        (D("41"), "41"),
        (D("41.0000"), "41"),
        (D("0"), "0"),
        (D("0.00004"), "0"),
        (D("0.00005"), "0.0001"),
        (D("1E+2"), "100"),
        (None, "—"),
    ],
)
def test_format_amount(value: Decimal | None, text: str) -> None:
    assert format_amount(value) == text


def test_format_percent_and_sums() -> None:
    assert format_percent(D("63.7")) == "63.7%"
    assert format_percent(None) == "—"
    assert sum_known([None, None]) is None
    assert sum_known([D("1.5"), None, D("2")]) == D("3.5")
    assert difference(10, 7) == 3
    assert difference(D("196.91"), None) is None


def test_summary_sentence_in_the_reports_wording() -> None:
    clause = summary_clause("省重点项目", count=10, total=D("196.91"), planned=D("86.52"))
    assert (
        summary_sentence("2022年", [clause]) == "2022年，纳入省重点项目10个，总投资196.91亿元，年度计划投资86.52亿元。"
    )
    two = summary_sentence("2021年", [clause, summary_clause("市重点项目", count=13, total=D("25.2"))])
    assert two.count("；") == 1 and two.endswith("总投资25.2亿元。")
    assert summary_sentence("2021年", []) == ""


def test_summary_clause_leaves_out_unknown_figures_and_adds_completion() -> None:
    assert summary_clause("省市重点项目", count=79, completed=D("255.7")) == "纳入省市重点项目79个，完成投资255.7亿元"
    assert summary_clause("X", count=1, planned=D("2"), completed=D("1")).endswith("占年度计划的50.0%")


@pytest.mark.parametrize(
    ("scope", "level", "batch", "covered"),
    [
        (SummaryScope.PROVINCE, Level.PROVINCE, "", True),
        (SummaryScope.PROVINCE, Level.CITY, "", False),
        (SummaryScope.CITY, Level.CITY, Batch.SIGNED, True),
        (SummaryScope.PROVINCE_CITY, Level.PROVINCE, "", True),
        (SummaryScope.PROVINCE_CITY, Level.CITY, "", True),
        (SummaryScope.PROVINCE_CITY, Level.DISTRICT, "", False),
        (SummaryScope.PROVINCE_CITY, "", "", False),
        (SummaryScope.SIGNED, "", Batch.SIGNED, True),
        (SummaryScope.SIGNED, "", Batch.STARTED, False),
        (SummaryScope.THREE_BATCHES, "", Batch.IN_PRODUCTION, True),
        (SummaryScope.THREE_BATCHES, Level.PROVINCE, "", False),
        (SummaryScope.OTHER, Level.PROVINCE, Batch.SIGNED, None),
    ],
)
def test_scope_covers(scope: str, level: str, batch: str, covered: bool | None) -> None:
    assert scope_covers(scope, level, batch) is covered


amounts = st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False)


@given(amounts)
def test_format_amount_reads_back_exactly(value: Decimal) -> None:
    assert Decimal(format_amount(value)) == value


@given(amounts, amounts)
def test_completion_percent_is_none_or_non_negative(planned: Decimal, completed: Decimal) -> None:
    result = completion_percent(planned, completed)
    assert (result is None) == (planned == 0)
    if result is not None:
        assert result >= 0
        assert result.as_tuple().exponent == -1
