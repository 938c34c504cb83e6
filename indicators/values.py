"""Figures typed by people: parsing, unit-aware sanity checks and soft outlier warnings. Pure Python.

``parse_value`` turns any string into a clean ``Decimal`` or raises ``ValueInputError`` with one of the
message constants below; it never raises anything else. Full-width digits, minus, point and percent sign
(as typed with a Chinese input method) are accepted and normalised, as is a trailing ``%``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from indicators.numbers import is_percent_unit

VALUE_EMPTY = "请填写数值。"
VALUE_NOT_A_NUMBER = "请填写数字，如 4.5、-2.11 或 96.6%；不能包含文字或其他符号。"
VALUE_TOO_MANY_DECIMALS = "小数位数过多：最多保留 6 位小数。"
VALUE_TOO_LARGE = "数值过大：整数部分最多 14 位。"
VALUE_PERCENT_NOT_ALLOWED = "该指标的单位不是“%”，不能填写百分数。"
VALUE_SHARE_OUT_OF_RANGE = "该指标是比例（%），数值应在 0 到 100 之间。"
VALUE_COUNT_NEGATIVE = "该指标是数量，不能为负数。"

PARSE_ERRORS = frozenset({VALUE_EMPTY, VALUE_NOT_A_NUMBER, VALUE_TOO_MANY_DECIMALS, VALUE_TOO_LARGE})

MAX_DECIMALS = 6  # Observation.value has decimal_places=6
MAX_INTEGER_DIGITS = 14  # ... and max_digits=20

# Full-width forms typed with a Chinese input method (０-９ ＋ － ． ， ％) map to ASCII; so do the other
# minus signs. Deliberately not NFKC, which would also turn ① or ² into digits.
_FOLD = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "＋": "+",
        "－": "-",
        "．": ".",
        "，": ",",
        "％": "%",
        "\u2212": "-",  # minus sign
        "\u2013": "-",  # en dash
        "\ufe63": "-",  # small hyphen-minus
    }
)
_NUMBER_RE = re.compile(r"^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(%?)$")
_GROUPED_RE = re.compile(r"^[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?%?$")


class ValueInputError(ValueError):
    """A figure that is not a number; ``str(error)`` is the Chinese message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ParsedValue:
    value: Decimal
    decimals: int  # decimals as typed, kept for printing ("4.0" stays 4.0)
    percent: bool  # a trailing % was typed


def parse_value(text: object) -> ParsedValue:
    """``" ４．５％ "`` → ParsedValue(Decimal("4.5"), 1, True); anything not a number → ValueInputError."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    normalised = text.translate(_FOLD).strip()  # str.strip also removes the ideographic space
    if not normalised:
        raise ValueInputError(VALUE_EMPTY)
    if "," in normalised:
        if not _GROUPED_RE.match(normalised):
            raise ValueInputError(VALUE_NOT_A_NUMBER)
        normalised = normalised.replace(",", "")
    match = _NUMBER_RE.match(normalised)
    if not match:
        raise ValueInputError(VALUE_NOT_A_NUMBER)
    sign, digits, percent = match.groups()
    integer_part, _, fraction = digits.partition(".")
    if len(fraction) > MAX_DECIMALS:
        raise ValueInputError(VALUE_TOO_MANY_DECIMALS)
    if len(integer_part.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ValueInputError(VALUE_TOO_LARGE)
    try:
        value = Decimal(f"{sign}{digits}")
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        raise ValueInputError(VALUE_NOT_A_NUMBER) from None
    if value == 0:
        value = abs(value)  # no "-0"
    return ParsedValue(value=value, decimals=len(fraction), percent=bool(percent))


# --- unit-aware sanity ----------------------------------------------------------------------------

# A "%" indicator whose name says it is a share of a whole must lie in 0–100.
SHARE_WORDS = ("比率", "比重", "比例", "占比", "覆盖率", "参保率", "城镇化率", "失业率", "达标率", "优良率")
# A "%" indicator whose name says it is a change may be negative (能耗降幅 2020 is -2.11).
CHANGE_WORDS = ("增长", "增速", "增幅", "降幅", "降低", "下降", "提高", "变化")
# Units of things counted: a negative figure is a typing error.
COUNT_UNITS = frozenset({"件", "个", "人", "万人", "人次", "岁", "年", "吨", "万吨", "张", "所", "家", "项"})


def is_share(name: str, unit: str) -> bool:
    """A percentage of a whole (比率/比重/覆盖率/参保率 …), as opposed to a growth rate."""
    return is_percent_unit(unit) and any(word in name for word in SHARE_WORDS)


def sanity_errors(value: Decimal, *, name: str, unit: str, percent: bool = False) -> list[str]:
    """Hard errors for a value that cannot be right for this indicator's unit (``percent``: % was typed)."""
    errors = []
    if percent and not is_percent_unit(unit):
        errors.append(VALUE_PERCENT_NOT_ALLOWED)
    if is_share(name, unit) and not Decimal(0) <= value <= Decimal(100):
        errors.append(VALUE_SHARE_OUT_OF_RANGE)
    if unit.strip() in COUNT_UNITS and value < 0:
        errors.append(VALUE_COUNT_NEGATIVE)
    return errors


def parse_for_indicator(text: object, *, name: str, unit: str) -> ParsedValue:
    """``parse_value`` followed by the unit-aware checks; raises ``ValueInputError`` with the first error."""
    parsed = parse_value(text)
    errors = sanity_errors(parsed.value, name=name, unit=unit, percent=parsed.percent)
    if errors:
        raise ValueInputError(errors[0])
    return parsed


# --- soft warnings (like DHIS2's min/max outlier check) -------------------------------------------

HISTORY_MIN_POINTS = 2
HISTORY_MARGIN_SHARE = Decimal("0.5")
WARNING_OUTSIDE_HISTORY = "数值 {value} 远超该指标以往数值（{low} 至 {high}），请核实单位和小数点。"
WARNING_BELOW_HISTORY = "数值 {value} 远低于该指标以往数值（{low} 至 {high}），请核实单位和小数点。"


def outlier_warning(value: Decimal, history: Iterable[Decimal]) -> str:
    """A warning when ``value`` lies far outside the indicator's own history, else "".

    The rule: with at least two earlier figures of the same kind of period (years with years, half
    years with half years), let ``low``/``high`` be their minimum and maximum and ``margin`` the larger
    of their spread (high - low) and half the largest magnitude. A value below ``low - margin`` or
    above ``high + margin`` is saved but flagged for the reviewer. GDP growth 3.4 … 9.1 accepts
    -2.3 … 14.8; typing 45 for 4.5, or 7853 人 for 0.7853 万人, is flagged.
    """
    points = [point for point in history if point is not None]
    if len(points) < HISTORY_MIN_POINTS:
        return ""
    low, high = min(points), max(points)
    margin = max(high - low, HISTORY_MARGIN_SHARE * max(abs(low), abs(high)))
    if low - margin <= value <= high + margin:
        return ""
    wording = WARNING_BELOW_HISTORY if value < low - margin else WARNING_OUTSIDE_HISTORY
    return wording.format(value=_plain(value), low=_plain(low), high=_plain(high))


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def int_or_zero(raw: str | None) -> int:
    """A posted id: its integer, or 0 (matches no row) for anything else."""
    try:
        return int(raw or "")
    except ValueError:
        return 0
