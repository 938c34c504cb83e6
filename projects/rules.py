"""Money, completion and report-sentence rules for major projects. Pure Python, no Django.

Amounts are in 亿元 as ``Decimal``. Rounding is said here, once:

- an amount is shown with at most four decimals (万元 precision, e.g. 7936 万元 = 0.7936 亿元),
  trailing zeros dropped, so a printed figure such as 196.91 reads back exactly as the seed printed it;
- completion % is completed / planned × 100, rounded half-up to one decimal;
- a missing or zero planned investment has no completion % (``None``, shown as “—”), never 0 or ∞.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

AMOUNT_QUANTUM = Decimal("0.0001")
PERCENT_QUANTUM = Decimal("0.1")
EMPTY = "—"


def completion_percent(planned: Decimal | None, completed: Decimal | None) -> Decimal | None:
    """Completed investment as a percentage of planned, one decimal; ``None`` if not computable."""
    if planned is None or completed is None or planned == 0:
        return None
    return (completed / planned * 100).quantize(PERCENT_QUANTUM, rounding=ROUND_HALF_UP)


def format_amount(value: Decimal | None) -> str:
    """``Decimal("196.9100")`` → ``"196.91"``; ``None`` → ``"—"``."""
    if value is None:
        return EMPTY
    rounded = value.quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def format_total(value: Decimal | None) -> str:
    """A total as reports print it, always two decimals: ``Decimal("155.6836")`` → ``"155.68"``."""
    if value is None:
        return EMPTY
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"


def format_percent(value: Decimal | None) -> str:
    return EMPTY if value is None else f"{value:.1f}%"


def sum_known(values: Iterable[Decimal | None]) -> Decimal | None:
    """Sum of the known values; ``None`` when none is known (an unknown figure is not zero)."""
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) if known else None


def difference(recorded: Decimal | int | None, computed: Decimal | int | None) -> Decimal | int | None:
    """Recorded (as printed in a report) minus computed from registered projects; ``None`` if either is missing."""
    if recorded is None or computed is None:
        return None
    return recorded - computed


def summary_clause(
    label: str,
    *,
    count: int | None = None,
    total: Decimal | None = None,
    planned: Decimal | None = None,
    completed: Decimal | None = None,
    verb: str = "纳入",
) -> str:
    """One clause in the reports' wording: ``纳入省重点项目10个，总投资196.91亿元，年度计划投资86.52亿元``.

    Parts whose figure is unknown are left out rather than printed as zero.
    """
    head = f"{verb}{label}{count}个" if count is not None else f"{label}"
    parts = [head]
    if total is not None:
        parts.append(f"总投资{format_amount(total)}亿元")
    if planned is not None:
        parts.append(f"年度计划投资{format_amount(planned)}亿元")
    if completed is not None:
        parts.append(f"完成投资{format_amount(completed)}亿元")
        percent = completion_percent(planned, completed)
        if percent is not None:
            parts.append(f"占年度计划的{format_percent(percent)}")
    return "，".join(parts)


def summary_sentence(period_label: str, clauses: list[str]) -> str:
    """``2022年`` + clauses → ``2022年，纳入省重点项目10个，…；纳入市重点项目54个，…。``"""
    if not clauses:
        return ""
    return f"{period_label}，{'；'.join(clauses)}。"
