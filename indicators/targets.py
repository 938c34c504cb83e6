"""Read a printed plan target (``7.5``, ``[12]``, ``＜5.5``, ``7.0左右``, ``按市下达目标`` …) into a structured target.

Pure Python, no Django. The printed text alone is ambiguous, so the indicator's name and unit help:

============================  =====================================================================
printed                        read as
============================  =====================================================================
``按市下达目标`` / ``按省…``       assigned: yearly targets set by the upper level
``…与经济增长基本同步`` / ``高于GDP增长``  linked to the GDP growth indicator (``基本`` = approximately)
``＜x`` ``<x`` ``≤x`` ``x以下`` ``低于x``  ceiling (``x以下``/``≤`` inclusive, ``＜`` strict)
``＞x`` ``>x`` ``≥x`` ``x以上`` ``稳定在x以上`` floor
``[x]`` ``【x】`` ``〔x〕``          cumulative over the plan (五年累计): compounded for a rate of change (增长/降低),
                               summed for a count of additions (新增…, 累计…), and for a level quantity (人均预期
                               寿命〔1〕, 森林覆盖率〔2〕) the five-year change of the level: latest − base
``五年年均增长x`` ``年均提高x``     annual growth for a growth rate; annual increment (points or units a year) for a
                               share or a level such as life expectancy
``x`` or ``x左右``               annual growth when the name is a growth rate (地区生产总值增长), cumulative when it
                               counts new additions (新增…), otherwise a level to reach at the end (期末值)
anything else                  qualitative: needs a manual verdict
============================  =====================================================================

``左右`` and ``基本`` mark an approximate target; the evaluation allows a documented tolerance for them.
The guess is stored on the indicator and can be corrected by staff; a correction is never overwritten.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from indicators.numbers import is_percent_unit

LEVEL = "level"
ANNUAL_GROWTH = "annual_growth"
CUMULATIVE = "cumulative"
ANNUAL_INCREMENT = "annual_increment"
CEILING = "ceiling"
FLOOR = "floor"
ASSIGNED = "assigned"
LINKED = "linked"
QUALITATIVE = "qualitative"

HIGHER = "higher"
LOWER = "lower"

# Names whose indicator is better when lower (a level target then means "come down to").
_LOWER_IS_BETTER = ("失业率", "能耗", "排放量", "浓度", "死亡率", "发生率", "负债率", "贫困发生率")
_GROWTH_WORDS = ("增长", "增速", "增幅")
_REDUCTION_WORDS = ("降低", "下降", "降幅", "减少")
_SHARE_WORDS = ("比重", "占比", "比率", "比例", "覆盖率", "率")
_GDP_WORDS = ("经济增长", "GDP", "地区生产总值", "国内生产总值", "生产总值")
_COUNT_WORDS = ("新增", "累计", "新建", "新开工")

_NUMBER = r"([-+]?\d+(?:\.\d+)?)"


@dataclass(frozen=True)
class ParsedTarget:
    kind: str
    value: Decimal | None = None
    direction: str = HIGHER
    approximate: bool = False
    inclusive: bool = True  # for bounds: is a value equal to the bound inside it?
    compound: bool = False  # for cumulative: compound yearly rates instead of summing amounts
    linked_to_gdp: bool = False
    change: bool = False  # for cumulative: the five-year change of a level quantity (latest − base)
    note: str = ""
    reading: str = ""  # which reading the parser chose and why, where the printed text allows several


def normalise(text: str) -> str:
    """Full-width digits and signs to ASCII, whitespace removed (``＜５.５`` → ``＜5.5``)."""
    out = []
    for ch in text or "":
        if ch in "＜＞":  # keep the full-width comparison signs as printed; they are read below
            out.append(ch)
            continue
        out.append(unicodedata.normalize("NFKC", ch))
    return re.sub(r"\s+", "", "".join(out))


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def is_growth_rate(name: str, unit: str) -> bool:
    return is_percent_unit(unit) and any(word in name for word in _GROWTH_WORDS)


def is_reduction_rate(name: str, unit: str) -> bool:
    return is_percent_unit(unit) and any(word in name for word in _REDUCTION_WORDS)


def is_count(name: str) -> bool:
    """A quantity counted as additions over the years (新增就业, 累计造林): yearly values add up."""
    return any(word in name for word in _COUNT_WORDS)


def is_economic_growth(name: str, unit: str = "") -> bool:
    """The indicator a "与经济增长同步" / "高于GDP增长" target is tied to, recognised by meaning: the growth of
    地区生产总值, 国内生产总值, GDP or 经济增长 itself (not a share of GDP, such as 数字经济…占GDP比重)."""
    subject = any(word in name for word in _GDP_WORDS)
    share = any(word in name for word in ("比重", "占比", "占"))
    growth = any(word in name for word in _GROWTH_WORDS) or (name.strip() == "经济增长")
    return subject and growth and not share and (is_percent_unit(unit) or not unit.strip())


def direction_for(name: str) -> str:
    if any(word in name for word in _REDUCTION_WORDS):
        return HIGHER  # a bigger cut is better: the value is the size of the reduction
    return LOWER if any(word in name for word in _LOWER_IS_BETTER) else HIGHER


@lru_cache(maxsize=8192)  # pure, and its result is frozen: a province's 200 plans print the same targets
def parse_target(text: str, name: str = "", unit: str = "") -> ParsedTarget:
    raw = normalise(text)
    direction = direction_for(name)
    if not raw:
        return ParsedTarget(QUALITATIVE, direction=direction, note="未填写目标值")

    if re.search(r"按(市|省|上级|国家)下达", raw):
        return ParsedTarget(ASSIGNED, direction=direction)

    if "同步" in raw or ("高于" in raw and any(w in raw for w in _GDP_WORDS)):
        return ParsedTarget(
            LINKED,
            direction=HIGHER,
            approximate="基本" in raw or "同步" in raw,
            linked_to_gdp=any(w in raw for w in _GDP_WORDS),
            note="高于" if "高于" in raw else "同步",
        )

    approximate = "左右" in raw or raw.startswith("约")
    core = raw.replace("左右", "").removeprefix("约")

    bound = _parse_bound(core)
    if bound is not None:
        kind, value, inclusive = bound
        return ParsedTarget(kind, value, direction=direction, approximate=approximate, inclusive=inclusive)

    match = re.fullmatch(r"[\[【〔]" + _NUMBER + r"[\]】〕]", core)
    if match:
        compound = is_growth_rate(name, unit) or is_reduction_rate(name, unit)
        counted = is_count(name)
        if compound:
            reading = "括号表示五年累计；该指标为增长（降低）率，按各年增速复合计算累计变化。"
        elif counted:
            reading = "括号表示五年累计；该指标为新增量，按各年数值加总。"
        else:
            reading = "括号表示五年累计；该指标为水平值，按期末值与基期值之差（五年变化）计算。"
        return ParsedTarget(
            CUMULATIVE,
            _decimal(match.group(1)),
            direction=direction,
            approximate=approximate,
            compound=compound,
            change=not compound and not counted,
            reading=reading,
        )

    match = re.fullmatch(r"(?:五年|“十[四五六]五”期间)?年均(?:增长|提高|提升|增加)" + _NUMBER + r"%?", core)
    if match:
        value = _decimal(match.group(1))
        if is_growth_rate(name, unit):
            return ParsedTarget(ANNUAL_GROWTH, value, direction=direction, approximate=approximate)
        return ParsedTarget(ANNUAL_INCREMENT, value, direction=direction, approximate=approximate)

    match = re.fullmatch(_NUMBER + r"%?", core)
    if match:
        value = _decimal(match.group(1))
        if is_growth_rate(name, unit):
            return ParsedTarget(ANNUAL_GROWTH, value, direction=direction, approximate=approximate)
        if is_count(name):
            return ParsedTarget(CUMULATIVE, value, direction=direction, approximate=approximate)
        return ParsedTarget(LEVEL, value, direction=direction, approximate=approximate)

    return ParsedTarget(QUALITATIVE, direction=direction, note="无法自动识别的目标表述，需人工研判")


def _parse_bound(core: str) -> tuple[str, Decimal | None, bool] | None:
    patterns = [
        (r"＜" + _NUMBER + r"%?", CEILING, False),
        (r"<" + _NUMBER + r"%?", CEILING, False),
        (r"[≤]" + _NUMBER + r"%?", CEILING, True),
        (r"低于" + _NUMBER + r"%?", CEILING, False),
        (r"(?:不高于|控制在)" + _NUMBER + r"%?(?:以内|以下)?", CEILING, True),
        (_NUMBER + r"%?(?:以内|以下)", CEILING, True),
        (r"＞" + _NUMBER + r"%?", FLOOR, False),
        (r">" + _NUMBER + r"%?", FLOOR, False),
        (r"[≥]" + _NUMBER + r"%?", FLOOR, True),
        (r"(?:高于|不低于|稳定在|保持在|达到)" + _NUMBER + r"%?以上", FLOOR, True),
        (r"(?:不低于)" + _NUMBER + r"%?", FLOOR, True),
        (_NUMBER + r"%?以上", FLOOR, True),
    ]
    for pattern, kind, inclusive in patterns:
        match = re.fullmatch(pattern, core)
        if match:
            return kind, _decimal(match.group(1)), inclusive
    return None
