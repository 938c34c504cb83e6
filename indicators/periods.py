"""Reporting periods: a full year, a half year or a quarter. Pure Python, no Django.

A period is written ``2023`` (year), ``2023H1`` (上半年) or ``2023Q3`` (第三季度); Chinese labels
such as ``2023年上半年`` are accepted too. ``elapsed_years(base_year)`` is how much of the plan has
run at the period's end: 2023H1 after a 2020 base year is 2.5 years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

FULL_YEAR = ""
PERIOD_PARTS = ("", "H1", "H2", "Q1", "Q2", "Q3", "Q4")

_PART_LABELS = {
    "": "",
    "H1": "上半年",
    "H2": "下半年",
    "Q1": "第一季度",
    "Q2": "第二季度",
    "Q3": "第三季度",
    "Q4": "第四季度",
}
# Fraction of the year that has passed when the period ends.
_PART_END = {
    "": Decimal(1),
    "H1": Decimal("0.5"),
    "H2": Decimal(1),
    "Q1": Decimal("0.25"),
    "Q2": Decimal("0.5"),
    "Q3": Decimal("0.75"),
    "Q4": Decimal(1),
}
# Ordering within a year: a period ending later sorts later; the full year sorts last of all.
_PART_ORDER = {"Q1": 1, "H1": 2, "Q2": 3, "Q3": 4, "H2": 5, "Q4": 6, "": 7}

_CODE_RE = re.compile(r"^\s*(\d{4})\s*(?:([HhQq])\s*([1-4]))?\s*$")
_LABEL_RE = re.compile(
    r"^\s*(\d{4})\s*年?\s*(上半年|下半年|一季度|第一季度|二季度|第二季度|三季度|第三季度|四季度|第四季度|全年)?\s*$"
)
_LABEL_PART = {
    None: "",
    "全年": "",
    "上半年": "H1",
    "下半年": "H2",
    "一季度": "Q1",
    "第一季度": "Q1",
    "二季度": "Q2",
    "第二季度": "Q2",
    "三季度": "Q3",
    "第三季度": "Q3",
    "四季度": "Q4",
    "第四季度": "Q4",
}

PERIOD_FORMAT_ERROR = "期间格式不正确：请写作 2023、2023H1（上半年）或 2023Q3（第三季度）。"


class PeriodError(ValueError):
    """A period string that is not a year, half year or quarter."""


@dataclass(frozen=True, order=False)
class Period:
    year: int
    part: str = FULL_YEAR

    def __post_init__(self) -> None:
        if self.part not in _PART_LABELS:
            raise PeriodError(PERIOD_FORMAT_ERROR)
        if not 1900 <= self.year <= 2200:
            raise PeriodError(PERIOD_FORMAT_ERROR)

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _CODE_RE.match(text or "")
        if match:
            year, letter, number = match.groups()
            part = f"{letter.upper()}{number}" if letter else FULL_YEAR
            if part.startswith("H") and number not in {"1", "2"}:
                raise PeriodError(PERIOD_FORMAT_ERROR)
            return cls(int(year), part)
        match = _LABEL_RE.match(text or "")
        if match:
            return cls(int(match.group(1)), _LABEL_PART[match.group(2)])
        raise PeriodError(PERIOD_FORMAT_ERROR)

    @property
    def code(self) -> str:
        return f"{self.year}{self.part}"

    @property
    def label(self) -> str:
        return f"{self.year}年{_PART_LABELS[self.part]}"

    @property
    def is_full_year(self) -> bool:
        return self.part in (FULL_YEAR,)

    @property
    def is_partial(self) -> bool:
        """True for a period that covers less than the whole year (上半年, a quarter, 下半年)."""
        return self.part != FULL_YEAR

    @property
    def end(self) -> Decimal:
        """The period's end on a continuous year axis: 2023H1 → 2022.5, 2023 → 2023."""
        return Decimal(self.year - 1) + _PART_END[self.part]

    def elapsed_years(self, base_year: int) -> Decimal:
        return self.end - Decimal(base_year)

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.year, _PART_ORDER[self.part])

    def __lt__(self, other: Period) -> bool:
        return self.sort_key < other.sort_key

    def __le__(self, other: Period) -> bool:
        return self.sort_key <= other.sort_key

    def __gt__(self, other: Period) -> bool:
        return self.sort_key > other.sort_key

    def __ge__(self, other: Period) -> bool:
        return self.sort_key >= other.sort_key

    def __str__(self) -> str:
        return self.code


def plan_periods(base_year: int, end_year: int, *, quarters: bool = False) -> list[Period]:
    """Every period of a plan after its base year, in order: halves and years (and quarters if asked)."""
    periods: list[Period] = []
    for year in range(base_year + 1, end_year + 1):
        parts = ["Q1", "H1", "Q2", "Q3", "H2", "Q4", ""] if quarters else ["H1", ""]
        periods.extend(Period(year, part) for part in parts)
    return periods


class OfPeriod:
    """For the models keyed by a period's ``year`` and ``part`` (figures, verdicts, locks, deadlines, notes):
    the period they are of. The fields stay on each model, whose verbose names differ (年份, 评估年份)."""

    year: Any
    part: Any

    @property
    def period(self) -> Period:
        return _period(self.year, self.part)


# Periods are immutable values: one instance per (year, part), not one per figure and reading (a province's
# roll-up read 100,000 of them).
_period = lru_cache(maxsize=4096)(Period)
