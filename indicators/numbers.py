"""How a figure is printed: whether its unit is a percentage, and its decimals. Pure Python.

One place for each rule, used by the engine (evaluation, targets), the entry checks (values), the importers and
every renderer (pages, 附件, Word): a 全角 ％ is a percentage too, and a figure keeps the decimals it was printed
with ("4.0" stays 4.0).
"""

from __future__ import annotations

from decimal import Decimal

PERCENT_UNITS = frozenset({"%", "％"})
NO_DATA_MARK = "/"


def is_percent_unit(unit: str) -> bool:
    """A percentage (``%`` or the full-width ``％``, spaces around ignored)."""
    return unit.strip() in PERCENT_UNITS


def shown_unit(unit: str) -> str:
    """The unit as printed after a number: ``%`` for either percent sign, otherwise the unit itself."""
    return "%" if is_percent_unit(unit) else unit.strip()


def difference_unit(unit: str) -> str:
    """The unit of a difference of two figures: two percentages differ by 个百分点."""
    return "个百分点" if is_percent_unit(unit) else unit.strip()


def decimals_of(value: Decimal) -> int:
    """The decimals a number is written with: ``Decimal("4.0")`` → 1, ``Decimal("12")`` → 0."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def printed(value: Decimal | None, decimals: int, *, empty: str = NO_DATA_MARK) -> str:
    """The number with its printed decimals (``printed(Decimal("4"), 1)`` → ``"4.0"``); ``empty`` for none."""
    return empty if value is None else f"{value:.{decimals}f}"
