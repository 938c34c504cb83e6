"""How a figure is printed: whether its unit is a percentage, and its decimals. Pure Python.

One place for each rule, used by the engine (evaluation, targets), the entry checks (values), the importers and
every renderer (pages, 附件, Word): a 全角 ％ is a percentage too, and a figure keeps the decimals it was printed
with ("4.0" stays 4.0).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

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
    """The number with its printed decimals (``printed(Decimal("4"), 1)`` → ``"4.0"``); ``empty`` for none.

    Rounded 四舍五入 (half up, as statistical tables print: 9.65 → 9.7), not Python's half-even (9.6)."""
    if value is None:
        return empty
    step = Decimal(1).scaleb(-max(decimals, 0))
    return f"{Decimal(value).quantize(step, rounding=ROUND_HALF_UP):f}"


_BARE_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(?![\d.%％年月日])")


def with_unit(text: str, unit: str) -> str:
    """A target as a report prints it, each bare number followed by the unit: ("6.5以上", "%") → "6.5%以上",
    ("8000以上", "人") → "8000人以上"; numbers that already carry it, dates and texts without a number unchanged."""
    shown = shown_unit(unit)
    if not shown:
        return text
    return _BARE_NUMBER.sub(lambda m: m.group(1) if text[m.end() :].startswith(shown) else m.group(1) + shown, text)
