"""How an indicator is judged, as the 2023 mid-term evaluation does. Pure Python: plain values in, a Verdict out.

Nothing here reads the clock or the database: callers pass the observations and an explicit ``as_of`` period,
and only observations up to ``as_of`` count.

Time progress (时序进度)
    The elapsed share of the plan at the end of ``as_of``: for 2021–2025, 2022 → 2/5 = 40 %, 2023年上半年 → 2.5/5
    = 50 %, 2023年第三季度 → 2.75/5 = 55 %. Clamped to 0–100 %.

Which values count
    Values of the plan years up to ``as_of``. A half-year or quarter value is year-to-date (上半年, 前三季度) and
    counts for rates, ratios and cumulative totals with the weight of the elapsed part of its year (上半年 = 0.5);
    within one year only the latest period counts. For the level of a flow quantity (粮食 21.1万吨 in 上半年) a
    partial-year value is not a full-year level: the indicator's ``partial_periods_comparable`` flag says whether
    it may be used as the latest level.

Data currency (数据截至…)
    Each series has a reporting frequency (年度 / 半年 / 季度): set by staff, or inferred from its values (a
    half-year value → half-yearly, a quarter value → quarterly, else yearly). For an as-of period it expects a
    latest period: a yearly series at 2024年上半年 expects 2023, a half-yearly one 2024年上半年. An indicator is
    judged at the time progress of its own latest data period (数据截至…), never against a later one. When that
    period is older than expected the verdict is 数据未更新 (``Status.STALE``): the verdict at the data period is
    kept beside it (``data_status``), and nothing is predicted from old data.

Mid-term and final evaluation (中期评估 / 总结评估)
    When the data period reaches the plan's end (time progress 100 %) the indicator is judged as in a final
    evaluation: the target beaten → 超额完成 (``EXCEEDED``), reached → 完成 (``ON_TRACK``), missed → 未完成
    (``BEHIND``), in the plan's ``final_labels``; required rates give way to the remaining gap ("距目标差…").

Rules per target kind
    level (期末值)            completion = (latest − base) / (target − base); works for lower-is-better targets
                             since both differences change sign. Target already reached → 超出预期; completion ≥
                             time progress → 达到预期; else 低于预期. A missing base value: the first value of the
                             plan period stands in for it and time progress is counted from that value's period.
                             Target equal to base: judged as "keep at least the target".
    annual growth (年均增长)  geometric average of the yearly rates so far (weighted by the part of the year
                             covered) against the target; ``左右`` allows ``approx_tolerance`` points below it. The
                             five-year compound growth already reached → 超出预期.
    cumulative (五年累计)     total so far / target against time progress. Counts are summed; growth rates
                             compound Π(1 + rᵢ) − 1 and reductions compound 1 − Π(1 − rᵢ). On a level quantity
                             (人均预期寿命〔1〕) the bracket is the five-year change: judged as a level target of
                             base + change.
    annual increment (年均提高) average increase per year since the base against the yearly increment (points for
                             a share, units for a level such as life expectancy).
    ceiling / floor          the latest comparable value against the bound (``＜``/``＞`` strict, ``以下``/``以上``
                             inclusive). Met → 达到预期 (a plan may label "crossed during the plan" as 超出预期
                             through ``bound_crossed_status``). Base inside the bound and latest outside → 低于预期.
                             Neither inside → progress towards the bound judged like a level target, except for a
                             rate of change (增长6.5%以上), which meets its bound or not.
    assigned (按市下达目标)    each year's value against the target assigned for that year: all met →
                             完成市定目标, any missed → 未完成市定目标; no assigned targets → 待研判 (manual).
    linked (与经济增长同步)    held to the linked indicator's numeric growth target when it has one (income growth
                             to GDP's 7.5 %), otherwise to the linked indicator's actual average growth over the same
                             years, within ``sync_tolerance`` points for 基本同步.
    qualitative              待研判 until staff give a manual verdict.
    No value at all up to ``as_of`` → 暂无数据, whatever the kind.

Required rate (后X年需…)
    What each remaining year needs to reach the target: for growth ((1 + t)ᴺ / Π(1 + rᵢ))^(1/R) − 1 over the R full
    years left after the last full year with data; for levels and increments (target − latest) / years left; for
    cumulative totals (target − total) / years left.

    The horizon is worded by one rule (``years_text``): whole years → 后X年, otherwise 剩余X年.

Outlook (预计…)
    Compares the required pace with the pace achieved so far: required ≤ achieved → 预计能如期完成规划目标;
    required ≤ ``outlook_difficult_ratio`` × achieved (default 2.5) → 预计实现规划目标存在一定难度; otherwise (or
    no progress at all) → 预计难以实现规划目标. A target already reached → 已提前完成规划目标. The outlook never
    contradicts the verdict: a verdict below expectation is at best 存在一定难度; a stale indicator and a final
    evaluation predict nothing.

Rounding
    Decimal arithmetic throughout, rounded only for display, half-up (``ROUND_HALF_UP``) to one decimal place for
    percentages and rates, two for amounts. A zero denominator gives "not computable" (None), never an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from enum import StrEnum
from functools import lru_cache
from typing import Any

from indicators import targets as tk
from indicators.numbers import difference_unit, shown_unit
from indicators.periods import Period
from indicators.vocabulary import DEFAULT_FINAL_LABELS, DEFAULT_LABELS, Status, overlay_labels

ROUNDING = ROUND_HALF_UP
ONE = Decimal(1)
HUNDRED = Decimal(100)
_CN_NUMERALS = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


class Outlook(StrEnum):
    ACHIEVED = "achieved"
    ON_COURSE = "on_course"
    SOME_DIFFICULTY = "some_difficulty"
    UNLIKELY = "unlikely"


OUTLOOK_LABELS = {
    Outlook.ACHIEVED: "已提前完成规划目标",
    Outlook.ON_COURSE: "预计能如期完成规划目标",
    Outlook.SOME_DIFFICULTY: "预计实现规划目标存在一定难度",
    Outlook.UNLIKELY: "预计难以实现规划目标",
}

# Worst first: a parent indicator takes the worst of its sub-indicators' verdicts when they differ.
STATUS_RANK = [
    Status.BEHIND,
    Status.ASSIGNED_MISSED,
    Status.PENDING,
    Status.STALE,
    Status.NO_DATA,
    Status.ON_TRACK,
    Status.ASSIGNED_MET,
    Status.AHEAD,
    Status.EXCEEDED,
]

SETTINGS_ERROR = "评估设置不正确：{detail}"


class SettingsError(ValueError):
    pass


# ---------------------------------------------------------------------------------------------------------------
# Inputs and outputs


@dataclass(frozen=True)
class Point:
    period: Period
    value: Decimal | None  # None: reported explicitly as 暂无数据
    text: str = ""  # the value as printed (4.0 stays "4.0"), for sentences

    @property
    def shown(self) -> str:
        if self.text:
            return self.text
        return num(self.value) if self.value is not None else "/"


@dataclass(frozen=True)
class Target:
    kind: str
    value: Decimal | None = None
    direction: str = tk.HIGHER
    approximate: bool = False
    inclusive: bool = True
    compound: bool = False
    mode: str = "同步"  # for linked targets: 同步 (in step) or 高于 (above)
    change: bool = False  # for cumulative: the five-year change of a level (latest − base)

    @classmethod
    def from_parsed(cls, parsed: tk.ParsedTarget) -> Target:
        return cls(
            kind=parsed.kind,
            value=parsed.value,
            direction=parsed.direction,
            approximate=parsed.approximate,
            inclusive=parsed.inclusive,
            compound=parsed.compound,
            mode=parsed.note if parsed.kind == tk.LINKED else "同步",
            change=parsed.change,
        )


@dataclass(frozen=True)
class ManualInput:
    status: Status
    reason: str


@dataclass(frozen=True)
class Series:
    """One indicator's target and values, as plain data."""

    name: str
    unit: str
    target: Target
    base_year: int
    end_year: int
    points: tuple[Point, ...] = ()
    partial_periods_comparable: bool = True
    assigned: tuple[tuple[Period, Decimal], ...] = ()
    linked: Series | None = None
    manual: ManualInput | None = None
    frequency: str = ""  # YEARLY / HALF_YEARLY / QUARTERLY; "" → inferred from the points


@dataclass(frozen=True)
class Settings:
    """A plan's wording and thresholds (``Plan.evaluation_settings``); the defaults are the 2023 report's."""

    labels: Mapping[Status, str] = field(default_factory=lambda: dict(DEFAULT_LABELS))
    final_labels: Mapping[Status, str] = field(default_factory=lambda: dict(DEFAULT_FINAL_LABELS))
    on_track_ratio: Decimal = ONE  # completion ≥ ratio × time progress → on track
    ahead_ratio: Decimal | None = None  # if set, completion ≥ ratio × time progress → AHEAD (快于预期)
    approx_tolerance: Decimal = Decimal("0.5")  # percentage points allowed below a 左右 growth target
    sync_tolerance: Decimal = Decimal("0.5")  # percentage points for 基本同步
    bound_crossed_status: Status = Status.ON_TRACK
    outlook_difficult_ratio: Decimal = Decimal("2.5")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Settings:
        data = dict(data or {})
        unknown = set(data) - {
            "labels",
            "final_labels",
            "on_track_ratio",
            "ahead_ratio",
            "approx_tolerance",
            "sync_tolerance",
            "bound_crossed_status",
            "outlook_difficult_ratio",
        }
        if unknown:
            raise SettingsError(SETTINGS_ERROR.format(detail=f"未知的设置项 {', '.join(sorted(unknown))}"))
        kwargs: dict[str, Any] = {
            "labels": _labels(DEFAULT_LABELS, data.get("labels")),
            "final_labels": _labels(DEFAULT_FINAL_LABELS, data.get("final_labels")),
        }
        for name in (
            "on_track_ratio",
            "ahead_ratio",
            "approx_tolerance",
            "sync_tolerance",
            "outlook_difficult_ratio",
        ):
            if data.get(name) is not None:
                try:
                    value = Decimal(str(data[name]))
                except InvalidOperation:
                    raise SettingsError(SETTINGS_ERROR.format(detail=f"{name} 必须是数字")) from None
                if not value.is_finite() or value < 0:
                    raise SettingsError(SETTINGS_ERROR.format(detail=f"{name} 必须是非负数"))
                kwargs[name] = value
        if "bound_crossed_status" in data:
            try:
                kwargs["bound_crossed_status"] = Status(data["bound_crossed_status"])
            except ValueError:
                raise SettingsError(SETTINGS_ERROR.format(detail="bound_crossed_status 不是有效结论")) from None
        return cls(**kwargs)

    def label(self, status: Status) -> str:
        return self.labels.get(status, DEFAULT_LABELS[status])

    def final_stage(self) -> Settings:
        """The same settings worded for a final evaluation (总结评估)."""
        return replace(self, labels=self.final_labels)

    def stage(self, final: bool) -> Settings:
        return self.final_stage() if final else self


def _labels(defaults: Mapping[Status, str], given: Any) -> dict[Status, str]:
    return overlay_labels(
        defaults, given, Status, word="结论", error=lambda detail: SettingsError(SETTINGS_ERROR.format(detail=detail))
    )


DEFAULT_SETTINGS = Settings()


@dataclass(frozen=True)
class Verdict:
    kind: str
    computed_status: Status
    status: Status
    manual: bool
    manual_reason: str
    completion: Decimal | None
    time_progress: Decimal
    average_so_far: Decimal | None
    required_rate: Decimal | None
    required_text: str
    outlook: Outlook | None
    explanation: str
    data_period: Period | None = None  # the period judged at (数据截至…): the latest counted value's
    expected_period: Period | None = None  # the latest period the as-of expects for this series
    stale: bool = False  # data_period is older than expected_period (数据未更新)
    data_status: Status | None = None  # the computed verdict at data_period (kept when status is STALE)
    final: bool = False  # judged as a final evaluation (总结评估): data_period is the plan's last
    frequency: str = ""  # the reporting frequency the expected period was read from
    frequency_inferred: bool = False  # ... inferred from the values rather than set by staff
    reached: bool = False  # the latest figure meets the target already (kept when a final evaluation drops the outlook)

    @property
    def frequency_text(self) -> str:
        """ "半年（按数据推断）"."""
        if not self.frequency:
            return ""
        return FREQUENCY_LABELS.get(self.frequency, self.frequency) + (
            "（按数据推断）" if self.frequency_inferred else ""
        )

    @property
    def outlook_label(self) -> str:
        return OUTLOOK_LABELS[self.outlook] if self.outlook else ""

    @property
    def overridden(self) -> bool:
        return self.manual and self.status != self.computed_status


# ---------------------------------------------------------------------------------------------------------------
# Numbers


def rnd(value: Decimal, places: int = 1) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)


def pct(fraction: Decimal, places: int = 1) -> str:
    """0.5 → "50.0%"."""
    return f"{rnd(fraction * HUNDRED, places)}%"


def num(value: Decimal, places: int | None = None) -> str:
    """A value for a sentence: rounded to ``places`` (zeros kept: 6.0), or without trailing zeros (7.500000 → 7.5)."""
    if places is not None:
        return f"{rnd(value, places):f}"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@lru_cache(maxsize=8192)  # ln and exp are correctly rounded, so equal inputs give the same result
def _power(base: Decimal, exponent: Decimal) -> Decimal | None:
    if base <= 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 28
        return (base.ln() * exponent).exp()


def years_text(years: Decimal) -> str:
    if years == years.to_integral_value() and int(years) in _CN_NUMERALS:
        return f"后{_CN_NUMERALS[int(years)]}年"
    return f"剩余{num(years)}年"


YEARLY = "year"
HALF_YEARLY = "half"
QUARTERLY = "quarter"
FREQUENCY_LABELS = {YEARLY: "年度", HALF_YEARLY: "半年", QUARTERLY: "季度"}


def infer_frequency(points: Iterable[Point]) -> str:
    """How often a series reports, read from its values: any quarter → quarterly, any half year → half-yearly."""
    parts = {p.period.part for p in points if p.value is not None}
    if parts & {"Q1", "Q2", "Q3", "Q4"}:
        return QUARTERLY
    if parts & {"H1", "H2"}:
        return HALF_YEARLY
    return YEARLY


def expected_period(frequency: str, as_of: Period) -> Period:
    """The latest period a series of ``frequency`` should have reported at the end of ``as_of``: a yearly
    series at 2024年上半年 expects 2023; a half-yearly one 2024年上半年; a quarterly one the quarter itself."""
    if as_of.part in ("", "H2", "Q4"):
        return Period(as_of.year)
    if frequency == QUARTERLY:
        return as_of
    if frequency == HALF_YEARLY and as_of.part in ("H1", "Q2", "Q3"):
        return Period(as_of.year, "H1")
    return Period(as_of.year - 1)


def is_final(base_year: int, end_year: int, as_of: Period) -> bool:
    """The as-of is the plan's last period: a final evaluation (总结评估) rather than a mid-term one."""
    return time_progress(base_year, end_year, as_of) >= ONE


def time_progress(base_year: int, end_year: int, as_of: Period) -> Decimal:
    span = Decimal(end_year - base_year)
    if span <= 0:
        return ONE
    share = as_of.elapsed_years(base_year) / span
    return min(max(share, Decimal(0)), ONE)


def common_status(statuses: Iterable[Status]) -> Status:
    """The verdict of a parent indicator: its sub-indicators' common verdict, or the worst when they differ."""
    values = list(statuses)
    if not values:
        return Status.NO_DATA
    if all(s == values[0] for s in values):
        return values[0]
    return min(values, key=STATUS_RANK.index)


# ---------------------------------------------------------------------------------------------------------------
# Evaluation


@dataclass
class _Context:
    series: Series
    as_of: Period
    settings: Settings
    tp: Decimal
    unit_word: str
    final: bool = False

    @property
    def s(self) -> Series:
        return self.series

    def reached(self, beyond: bool) -> Status:
        """A target reached: 超出预期 (already done) in a mid-term evaluation; at the end of the plan 超额完成
        only when strictly beyond it, 完成 when just met."""
        return Status.EXCEEDED if beyond or not self.final else Status.ON_TRACK

    def gap_text(self, gap: Decimal, what: str = "") -> str:
        """The remaining distance to the target at the end of the plan (replaces the required rate)."""
        return f"{what}距目标差{num(abs(gap), 2)}{self.unit_word}"


_BELOW = frozenset({Status.BEHIND, Status.ASSIGNED_MISSED})


def evaluate(series: Series, as_of: Period, settings: Settings = DEFAULT_SETTINGS) -> Verdict:
    """Judge one indicator at ``as_of``: at the time progress of its own latest data period, marked stale
    when that period is older than the as-of expects; the outlook and wording agree with the verdict."""
    points = _in_plan(series, as_of)
    data_period = points[-1].period if points else None
    horizon = min(as_of, Period(series.end_year))
    frequency = series.frequency or infer_frequency(points)
    expected = expected_period(frequency, horizon)
    stale = data_period is not None and data_period.end < expected.end
    tp = time_progress(series.base_year, series.end_year, data_period or as_of)
    final = data_period is not None and tp >= ONE
    stage = settings.stage(final)
    unit_word = difference_unit(series.unit)
    ctx = _Context(series, as_of, stage, tp, unit_word, final=final)
    result = _compute(ctx, points)
    computed = result.status
    outlook = None if final else result.outlook
    required, required_text = result.required, result.required_text
    explanation = result.explanation
    status = computed
    if stale and computed in (Status.PENDING, Status.NO_DATA):
        explanation = f"数据截至{data_period.label}，未更新至{expected.label}。{explanation}"  # type: ignore[union-attr]
        outlook, required, required_text = None, None, ""
    elif stale:
        assert data_period is not None
        status = Status.STALE
        outlook, required, required_text = None, None, ""
        explanation = (
            f"数据截至{data_period.label}，未更新至{expected.label}，暂不预测后续进展；"
            f"按{data_period.label}数据（时序进度{pct(tp)}）判断为“{stage.label(computed)}”：{explanation}"
        )
    elif required_text:
        explanation += f"{required_text}。"
    judged = status  # what the data say at the as-of: the computed verdict, or STALE
    reason = ""
    if series.manual is not None:
        status = series.manual.status
        reason = series.manual.reason
        explanation += f"人工研判为“{stage.label(status)}”（计算结论：{stage.label(judged)}），理由：{reason}"
    if status in _BELOW and outlook in (Outlook.ON_COURSE, Outlook.ACHIEVED):
        outlook = Outlook.SOME_DIFFICULTY  # a lagging indicator is never predicted to finish on time
    return Verdict(
        kind=series.target.kind,
        computed_status=judged,
        status=status,
        manual=series.manual is not None,
        manual_reason=reason,
        completion=result.completion,
        time_progress=tp,
        average_so_far=result.average,
        required_rate=required,
        required_text=required_text,
        outlook=outlook,
        explanation=explanation,
        data_period=data_period,
        expected_period=expected,
        stale=stale,
        data_status=computed,
        final=final,
        frequency=frequency,
        frequency_inferred=not series.frequency,
        reached=result.reached or result.outlook == Outlook.ACHIEVED,
    )


@dataclass
class _Result:
    status: Status
    explanation: str
    completion: Decimal | None = None
    average: Decimal | None = None
    required: Decimal | None = None
    required_text: str = ""
    outlook: Outlook | None = None
    reached: bool = False  # the target is met by the latest figure (also where no outlook says so: bounds, 保持)


def _in_plan(series: Series, as_of: Period) -> list[Point]:
    """Valued points of the plan years up to as_of, in period order."""
    return sorted(
        (
            p
            for p in series.points
            if p.value is not None and series.base_year < p.period.year <= series.end_year and p.period <= as_of
        ),
        key=lambda p: p.period.sort_key,
    )


def _per_year(points: list[Point]) -> list[Point]:
    """The latest point of each year (a full year beats its 上半年)."""
    latest: dict[int, Point] = {}
    for p in points:
        latest[p.period.year] = p
    return [latest[y] for y in sorted(latest)]


def _weight(period: Period) -> Decimal:
    return period.end - Decimal(period.year - 1)


def _base_point(series: Series) -> Point | None:
    for p in series.points:
        if p.period == Period(series.base_year) and p.value is not None:
            return p
    return None


def _latest_level(series: Series, points: list[Point]) -> Point | None:
    usable = [p for p in points if series.partial_periods_comparable or not p.period.is_partial]
    return usable[-1] if usable else None


def _values_text(points: list[Point], unit: str) -> str:
    unit = shown_unit(unit)
    return "、".join(f"{p.period.label}{p.shown}{unit}" for p in points if p.value is not None)


def _outlook(required: Decimal | None, achieved: Decimal | None, settings: Settings) -> Outlook | None:
    if required is None:
        return None
    if achieved is not None and required <= achieved:
        return Outlook.ON_COURSE
    if achieved is None or achieved <= 0:
        return Outlook.UNLIKELY
    if required <= achieved * settings.outlook_difficult_ratio:
        return Outlook.SOME_DIFFICULTY
    return Outlook.UNLIKELY


def _compute(ctx: _Context, points: list[Point]) -> _Result:
    """The verdict of ``points`` (the plan-period values up to the as-of, in order) by the target's kind."""
    s = ctx.series
    if ctx.as_of.elapsed_years(s.base_year) <= 0:
        return _Result(
            Status.NO_DATA,
            f"评估期{ctx.as_of.label}早于规划期（{s.base_year + 1}–{s.end_year}年），暂无数据。",
        )
    if not points:
        return _Result(Status.NO_DATA, f"截至{ctx.as_of.label}，规划期内暂无数据。")
    kind = s.target.kind
    handlers: dict[str, Callable[[_Context, list[Point]], _Result]] = {
        tk.LEVEL: _level,
        tk.ANNUAL_GROWTH: _annual_growth,
        tk.CUMULATIVE: _cumulative,
        tk.ANNUAL_INCREMENT: _annual_increment,
        tk.CEILING: _bound,
        tk.FLOOR: _bound,
        tk.ASSIGNED: _assigned,
        tk.LINKED: _linked,
    }
    handler = handlers.get(kind)
    if handler is None or (kind not in (tk.ASSIGNED, tk.LINKED) and s.target.value is None):
        return _Result(Status.PENDING, "目标为定性表述或无法自动识别，需人工研判。")
    if kind == tk.CUMULATIVE and s.target.change:
        return _level_change(ctx, points)
    return handler(ctx, points)


def _level_change(ctx: _Context, points: list[Point]) -> _Result:
    """〔x〕 on a level quantity: the five-year change, i.e. a level target of base + x."""
    s = ctx.series
    change = s.target.value
    assert change is not None
    base = _base_point(s)
    if base is None or base.value is None:
        return _Result(
            Status.PENDING, f"目标为五年累计变化〔{num(change)}〕，但缺少{s.base_year}年基期值，需人工研判。"
        )
    goal = base.value + change
    verb = "提高" if change >= 0 else "降低"
    rule = (
        f"目标类型：五年累计变化〔{num(change)}〕，即由{s.base_year}年的{num(base.value)}{verb}"
        f"到{num(goal)}{s.unit}，按期末值判断。"
    )
    held = replace(
        s,
        target=Target(
            tk.LEVEL, goal, direction=tk.LOWER if change < 0 else tk.HIGHER, approximate=s.target.approximate
        ),
    )
    inner = _Context(held, ctx.as_of, ctx.settings, ctx.tp, ctx.unit_word, final=ctx.final)
    result = _level(inner, points)
    result.explanation = rule + result.explanation.split("。", 1)[1]
    return result


def _on_track_status(ctx: _Context, completion: Decimal, tp: Decimal) -> Status:
    """Completion against time progress (levels, cumulative totals)."""
    return _pace_status(ctx, completion >= ctx.settings.on_track_ratio * tp, completion, tp)


def _pace_status(ctx: _Context, on_pace: bool, completion: Decimal | None, tp: Decimal) -> Status:
    """On track, or AHEAD when the plan sets an ``ahead_ratio`` band and completion clears it."""
    if not on_pace:
        return Status.BEHIND
    ahead = ctx.settings.ahead_ratio
    if ahead is not None and completion is not None and completion >= ahead * tp:
        return Status.AHEAD
    return Status.ON_TRACK


def _against_time(ctx: _Context, status: Status, tp: Decimal) -> str:
    """How completion compares with time progress, in the words of the status just decided (so the sentence
    can never contradict the verdict when a plan sets an on-track ratio other than 1)."""
    ratio = ctx.settings.on_track_ratio
    bar = f"时序进度{pct(tp)}" if ratio == ONE else f"时序进度{pct(tp)}的{num(ratio)}倍"
    if status == Status.EXCEEDED:
        return f"已超过{bar}"
    return f"{'不低于' if status in (Status.ON_TRACK, Status.AHEAD) else '低于'}{bar}"


def _verdict_words(ctx: _Context, status: Status) -> str:
    if ctx.final:
        return f"总结评估为“{ctx.settings.label(status)}”"
    return f"进展{ctx.settings.label(status)}" if status not in (Status.EXCEEDED,) else "已提前完成规划目标"


# level -----------------------------------------------------------------------------------------------------------


def _level(ctx: _Context, points: list[Point]) -> _Result:
    s = ctx.series
    assert s.target.value is not None
    target = s.target.value
    latest = _latest_level(s, points)
    if latest is None or latest.value is None:
        return _Result(Status.NO_DATA, "只有半年数据，不能作为全年水平比较，暂无可比数据。")
    base = _base_point(s)
    base_note = ""
    tp = ctx.tp
    if base is None:
        first = points[0]
        if first.period == latest.period:
            reached = _reached(latest.value, target, s.target.direction, inclusive=True)
            if reached:
                return _Result(
                    Status.EXCEEDED,
                    f"缺少基期值，仅有{latest.period.label}一期数据{num(latest.value)}，已达到目标{num(target)}。",
                    outlook=Outlook.ACHIEVED,
                )
            return _Result(
                Status.PENDING,
                f"缺少基期值，仅有{latest.period.label}一期数据{num(latest.value)}，无法判断进度，需人工研判。",
            )
        base = first
        span = Decimal(s.end_year) - first.period.end
        tp = min(max((points[-1].period.end - first.period.end) / span, Decimal(0)), ONE) if span > 0 else ONE
        base_note = (
            f"缺少{s.base_year}年基期值，以规划期内首个数据（{first.period.label}{first.shown}）为起点，"
            f"时序进度自该期起算为{pct(tp)}。"
        )
    assert base.value is not None
    values = _values_text(points, s.unit)
    rule = f"目标类型：期末值，目标{num(target)}{s.unit}。{values}。"
    if target == base.value:
        met = _reached(latest.value, target, s.target.direction, inclusive=True)
        status = Status.ON_TRACK if met else Status.BEHIND
        return _Result(
            status, rule + f"目标值与基期值相同，按保持不低于目标判断，{_verdict_words(ctx, status)}。", reached=met
        )
    if _reached(latest.value, target, s.target.direction, inclusive=True):
        completion = (latest.value - base.value) / (target - base.value)
        status = ctx.reached(beyond=latest.value != target)
        return _Result(
            status,
            rule + base_note + f"最新值{num(latest.value)}已达到目标值{num(target)}，{_verdict_words(ctx, status)}。",
            completion=completion,
            outlook=Outlook.ACHIEVED,
        )
    completion = (latest.value - base.value) / (target - base.value)
    status = _on_track_status(ctx, completion, tp)
    years_left = Decimal(s.end_year) - latest.period.end
    required = (target - latest.value) / years_left if years_left > 0 else None
    elapsed = latest.period.end - base.period.end
    achieved = (latest.value - base.value) / elapsed if elapsed > 0 else None
    if s.target.direction == tk.LOWER:
        required = -required if required is not None else None
        achieved = -achieved if achieved is not None else None
    required_text = ""
    if required is not None:
        verb = "降低" if s.target.direction == tk.LOWER else "提高"
        required_text = f"{years_text(years_left)}需年均{verb}{num(required, 2)}{ctx.unit_word}"
    elif ctx.final:
        required_text = ctx.gap_text(target - latest.value)
    explanation = (
        rule
        + base_note
        + f"完成进度=（{num(latest.value)}−{num(base.value)}）÷（{num(target)}−{num(base.value)}）={pct(completion)}，"
        + f"{_against_time(ctx, status, tp)}，{_verdict_words(ctx, status)}。"
    )
    return _Result(
        status,
        explanation,
        completion=completion,
        required=required,
        required_text=required_text,
        outlook=_outlook(required, achieved, ctx.settings),
    )


def _reached(value: Decimal, target: Decimal, direction: str, *, inclusive: bool) -> bool:
    if direction == tk.LOWER:
        return value <= target if inclusive else value < target
    return value >= target if inclusive else value > target


# annual growth ---------------------------------------------------------------------------------------------------


@dataclass
class _Growth:
    factor: Decimal  # Π (1 + rᵢ)^wᵢ over counted periods
    elapsed: Decimal  # Σ wᵢ
    full_factor: Decimal  # Π (1 + rᵢ) over full years only
    last_full_year: int | None
    points: list[Point]

    def missing_years(self, base_year: int) -> list[int]:
        """Plan years before the last one with data that have no full-year value (a gap in the series)."""
        return _missing_years(self.points, base_year)

    @property
    def average(self) -> Decimal | None:
        if self.elapsed <= 0:
            return None
        root = _power(self.factor, ONE / self.elapsed)
        return (root - ONE) * HUNDRED if root is not None else None


def _missing_years(points: list[Point], base_year: int) -> list[int]:
    if not points:
        return []
    full = {p.period.year for p in points if not p.period.is_partial}
    return [y for y in range(base_year + 1, points[-1].period.year) if y not in full]


def _missing_note(missing: list[int], consequence: str) -> str:
    if not missing:
        return ""
    years = "、".join(f"{y}年" for y in missing)
    return f"缺少{years}全年数据，{consequence}。"


def _growth(series: Series, points: list[Point]) -> _Growth | None:
    yearly = _per_year(points)
    factor = ONE
    full = ONE
    elapsed = Decimal(0)
    last_full = None
    for p in yearly:
        assert p.value is not None
        growth = ONE + p.value / HUNDRED
        if growth <= 0:
            return None
        weight = _weight(p.period)
        powered = _power(growth, weight)
        if powered is None:
            return None
        factor *= powered
        elapsed += weight
        if not p.period.is_partial:
            full *= growth
            last_full = p.period.year
    return _Growth(factor, elapsed, full, last_full, yearly)


def _required_growth(series: Series, g: _Growth, target: Decimal) -> tuple[Decimal | None, Decimal]:
    start = g.last_full_year or series.base_year
    remaining = Decimal(series.end_year - start)
    if remaining <= 0:
        return None, remaining
    goal = _power(ONE + target / HUNDRED, Decimal(series.end_year - series.base_year))
    if goal is None:
        return None, remaining
    root = _power(goal / g.full_factor, ONE / remaining)
    return ((root - ONE) * HUNDRED if root is not None else None), remaining


def _annual_growth(ctx: _Context, points: list[Point], *, target: Decimal | None = None, rule: str = "") -> _Result:
    s = ctx.series
    target = target if target is not None else s.target.value
    assert target is not None
    g = _growth(s, points)
    values = _values_text(_per_year(points), s.unit)
    if g is None or g.average is None:
        return _Result(Status.PENDING, f"{values}。增长率低于−100%，无法计算年均增长，需人工研判。")
    average = g.average
    years = Decimal(s.end_year - s.base_year)
    goal = _power(ONE + target / HUNDRED, years)
    assert goal is not None
    goal_growth = goal - ONE
    achieved_growth = g.factor - ONE
    completion = achieved_growth / goal_growth if goal_growth != 0 else None
    tolerance = ctx.settings.approx_tolerance if s.target.approximate else Decimal(0)
    lower = s.target.direction == tk.LOWER
    reached_total = (g.factor <= goal) if lower else (g.factor >= goal)
    on_pace = (average <= target + tolerance) if lower else (average >= target - tolerance)
    if reached_total and target > 0 and not lower:
        status = ctx.reached(beyond=average > target)
    else:
        status = _pace_status(ctx, on_pace, completion, ctx.tp)
    missing = g.missing_years(s.base_year)
    required, remaining = _required_growth(s, g, target) if not missing else (None, Decimal(0))
    required_text = f"{years_text(remaining)}需年均增长{num(required, 1)}%" if required is not None else ""
    if ctx.final and status == Status.BEHIND:
        required_text = ctx.gap_text(target - average, "年均增速")
    rule = rule or f"目标类型：年均增长，目标年均{num(target)}%{'左右' if s.target.approximate else ''}。"
    partial = any(p.period.is_partial for p in g.points)
    explanation = (
        rule
        + f"{values}，按几何平均计算年均增长{num(average, 1)}%"
        + ("（半年/季度值按所占年份计权）" if partial else "")
        + f"，{'达到' if on_pace else '低于'}目标"
        + (f"（允许{num(tolerance)}个百分点的“左右”幅度）" if tolerance and on_pace and average < target else "")
        + f"；累计增长{pct(achieved_growth)}，五年累计需增长{pct(goal_growth)}"
        + (f"（完成{pct(completion)}，时序进度{pct(ctx.tp)}）" if completion is not None else "")
        + f"，{_verdict_words(ctx, status)}。"
        + _missing_note(missing, "无法准确测算后续所需增速")
    )
    outlook = Outlook.ACHIEVED if status == Status.EXCEEDED else _outlook(required, average, ctx.settings)
    return _Result(
        status,
        explanation,
        completion=completion,
        average=average,
        required=required if status != Status.EXCEEDED else None,
        required_text=required_text if status != Status.EXCEEDED else "",
        outlook=outlook,
    )


# cumulative ------------------------------------------------------------------------------------------------------


def _cumulative(ctx: _Context, points: list[Point]) -> _Result:
    s = ctx.series
    target = s.target.value
    assert target is not None
    yearly = _per_year(points)
    values = _values_text(yearly, s.unit)
    last_end = yearly[-1].period.end
    years_left = Decimal(s.end_year) - last_end
    reduction = tk.is_reduction_rate(s.name, s.unit)
    if s.target.compound:
        factor = ONE
        for p in yearly:
            assert p.value is not None
            step = (ONE - p.value / HUNDRED) if reduction else (ONE + p.value / HUNDRED)
            powered = _power(step, _weight(p.period))
            if powered is None:
                return _Result(Status.PENDING, f"{values}。数值超出可复合计算的范围，需人工研判。")
            factor *= powered
        total = (ONE - factor) * HUNDRED if reduction else (factor - ONE) * HUNDRED
        how = "按复合计算累计" + ("降低" if reduction else "增长")
        goal_factor = (ONE - target / HUNDRED) if reduction else (ONE + target / HUNDRED)
        required = None
        if years_left > 0 and factor > 0 and goal_factor > 0:
            root = _power(goal_factor / factor, ONE / years_left)
            if root is not None:
                required = ((ONE - root) if reduction else (root - ONE)) * HUNDRED
        required_text = (
            f"{years_text(years_left)}需年均{'降低' if reduction else '增长'}{num(required, 1)}%"
            if required is not None
            else ""
        )
        shown_total = f"{num(total, 2)}%"
    else:
        total = sum((p.value for p in yearly if p.value is not None), Decimal(0))
        how = "累计"
        required = (target - total) / years_left if years_left > 0 else None
        required_text = f"{years_text(years_left)}需年均新增{num(required, 2)}{s.unit}" if required is not None else ""
        shown_total = f"{num(total)}{s.unit}"
    completion = total / target if target != 0 else None
    if completion is None:
        status = Status.PENDING
    elif total >= target:
        status = ctx.reached(beyond=total > target)
    else:
        status = _on_track_status(ctx, completion, ctx.tp)
    if ctx.final and status == Status.BEHIND:
        required, required_text = None, ctx.gap_text(target - total)
    elapsed = last_end - Decimal(s.base_year)
    achieved = (total / elapsed) if elapsed > 0 and not s.target.compound else None
    if s.target.compound and elapsed > 0:
        achieved = total / elapsed  # average share per year, to compare paces only
    explanation = (
        f"目标类型：五年累计，目标{num(target)}{'%' if s.target.compound else s.unit}。{values}，{how}{shown_total}，"
        + (f"完成进度{pct(completion)}，{_against_time(ctx, status, ctx.tp)}，" if completion is not None else "")
        + f"{_verdict_words(ctx, status)}。"
        + _missing_note(_missing_years(yearly, s.base_year), "累计值只计已有数据")
    )
    if status in (Status.EXCEEDED,) or (ctx.final and status == Status.ON_TRACK):
        return _Result(status, explanation, completion=completion, outlook=Outlook.ACHIEVED)
    return _Result(
        status,
        explanation,
        completion=completion,
        required=required,
        required_text=required_text,
        outlook=_outlook(required, achieved, ctx.settings),
    )


# annual increment ------------------------------------------------------------------------------------------------


def _annual_increment(ctx: _Context, points: list[Point]) -> _Result:
    s = ctx.series
    step = s.target.value
    assert step is not None
    latest = _latest_level(s, points)
    if latest is None or latest.value is None:
        return _Result(Status.NO_DATA, "只有半年数据，不能作为全年水平比较，暂无可比数据。")
    base = _base_point(s)
    base_note = ""
    if base is None:
        base = points[0]
        base_note = f"缺少{s.base_year}年基期值，以{base.period.label}{num(base.value)}为起点。"  # type: ignore[arg-type]
        if base.period == latest.period:
            return _Result(
                Status.PENDING,
                base_note + "仅有一期数据，无法计算年均提高幅度，需人工研判。",
            )
    assert base.value is not None
    elapsed = latest.period.end - base.period.end
    goal = base.value + step * (Decimal(s.end_year) - base.period.end)
    average = (latest.value - base.value) / elapsed if elapsed > 0 else None
    values = _values_text(points, s.unit)
    rule = f"目标类型：年均提高，每年提高{num(step)}{ctx.unit_word}（期末应达到约{num(goal, 2)}{s.unit}）。{values}。"
    completion = (latest.value - base.value) / (goal - base.value) if goal != base.value else None
    tolerance = ctx.settings.approx_tolerance if s.target.approximate else Decimal(0)
    if latest.value >= goal:
        status = ctx.reached(beyond=latest.value > goal)
        return _Result(
            status,
            rule + base_note + f"最新值{num(latest.value)}已达到期末目标，{_verdict_words(ctx, status)}。",
            completion=completion,
            average=average,
            outlook=Outlook.ACHIEVED,
        )
    on_pace = average is not None and average >= step - tolerance
    status = _pace_status(ctx, on_pace, completion, ctx.tp)
    years_left = Decimal(s.end_year) - latest.period.end
    required = (goal - latest.value) / years_left if years_left > 0 else None
    required_text = (
        f"{years_text(years_left)}需年均提高{num(required, 2)}{ctx.unit_word}" if required is not None else ""
    )
    if ctx.final and required is None:
        required_text = ctx.gap_text(goal - latest.value)
    explanation = (
        rule
        + base_note
        + (f"年均提高{num(average, 2)}{ctx.unit_word}，" if average is not None else "")
        + f"{'达到' if on_pace else '低于'}每年{num(step)}的要求，{_verdict_words(ctx, status)}。"
    )
    return _Result(
        status,
        explanation,
        completion=completion,
        average=average,
        required=required,
        required_text=required_text,
        outlook=_outlook(required, average, ctx.settings),
    )


# bounds ----------------------------------------------------------------------------------------------------------


def _inside(value: Decimal, target: Target) -> bool:
    assert target.value is not None
    if target.kind == tk.CEILING:
        return value <= target.value if target.inclusive else value < target.value
    return value >= target.value if target.inclusive else value > target.value


def _bound(ctx: _Context, points: list[Point]) -> _Result:
    s = ctx.series
    bound = s.target.value
    assert bound is not None
    latest = _latest_level(s, points)
    if latest is None or latest.value is None:
        return _Result(Status.NO_DATA, "只有半年数据，不能作为全年水平比较，暂无可比数据。")
    sign = (
        ("≤" if s.target.inclusive else "＜") if s.target.kind == tk.CEILING else ("≥" if s.target.inclusive else "＞")
    )
    rule = (
        f"目标类型：{'上限' if s.target.kind == tk.CEILING else '下限'}，要求{sign}{num(bound)}{shown_unit(s.unit)}。"
    )
    skipped = [
        p for p in points if p.period.is_partial and not s.partial_periods_comparable and p.period > latest.period
    ]
    skip_note = f"{'、'.join(p.period.label for p in skipped)}为半年数据，不作为全年水平比较。" if skipped else ""
    base = _base_point(s) or points[0]
    assert base.value is not None
    base_inside = _inside(base.value, s.target)
    if _inside(latest.value, s.target):
        status = ctx.settings.bound_crossed_status if not base_inside else Status.ON_TRACK
        return _Result(
            status,
            rule
            + skip_note
            + f"最新可比数据{_values_text([latest], s.unit)}，满足要求，{_verdict_words(ctx, status)}。",
            outlook=Outlook.ON_COURSE,
            reached=True,
        )
    if base_inside:
        return _Result(
            Status.BEHIND,
            rule + skip_note + f"{base.period.label}{num(base.value)}满足要求，最新可比数据{latest.period.label}"
            f"{num(latest.value)}未满足，进展{ctx.settings.label(Status.BEHIND)}。",
            required_text=f"需{'降至' if s.target.kind == tk.CEILING else '提高到'}{sign}{num(bound)}",
            outlook=Outlook.SOME_DIFFICULTY,
        )
    rate = tk.is_growth_rate(s.name, s.unit) or tk.is_reduction_rate(s.name, s.unit)
    if bound == base.value or latest.period == base.period or rate:
        # A rate of change (经济增长6.5%以上) meets its bound in the year or not: there is no "progress" from the
        # base year's rate towards it.
        return _Result(Status.BEHIND, rule + skip_note + f"最新可比数据{num(latest.value)}未满足要求，进展低于预期。")
    completion = (latest.value - base.value) / (bound - base.value)
    status = _on_track_status(ctx, completion, ctx.tp)
    years_left = Decimal(s.end_year) - latest.period.end
    required = (bound - latest.value) / years_left if years_left > 0 else None
    required_text = (
        f"{years_text(years_left)}需年均变动{num(required, 2)}{ctx.unit_word}" if required is not None else ""
    )
    if ctx.final:
        required_text = ctx.gap_text(bound - latest.value)
    return _Result(
        status,
        rule + skip_note + f"基期与最新可比数据均未满足要求，按向目标推进的进度判断：完成进度{pct(completion)}，"
        f"{_against_time(ctx, status, ctx.tp)}，{_verdict_words(ctx, status)}。",
        completion=completion,
        required=required,
        required_text=required_text,
    )


# assigned --------------------------------------------------------------------------------------------------------


def _assigned(ctx: _Context, points: list[Point]) -> _Result:
    s = ctx.series
    by_period = {p.period: p for p in points}
    checks = []
    for period, goal in sorted(s.assigned, key=lambda item: item[0].sort_key):
        point = by_period.get(period)
        if period > ctx.as_of or point is None or point.value is None:
            continue
        met = _reached(point.value, goal, s.target.direction, inclusive=True)
        checks.append((period, point.value, goal, met))
    values = _values_text(points, s.unit)
    if not checks:
        return _Result(
            Status.PENDING,
            f"目标类型：按上级下达目标。{values}。尚未录入对应年度的下达目标，需人工研判。",
        )
    detail = "；".join(
        f"{period.label}实际{num(value)}、下达目标{num(goal)}，{'完成' if met else '未完成'}"
        for period, value, goal, met in checks
    )
    status = Status.ASSIGNED_MET if all(c[3] for c in checks) else Status.ASSIGNED_MISSED
    return _Result(
        status,
        f"目标类型：按上级下达目标。{detail}。{ctx.settings.label(status)}。",
        outlook=Outlook.ON_COURSE if status == Status.ASSIGNED_MET else Outlook.SOME_DIFFICULTY,
    )


# linked ----------------------------------------------------------------------------------------------------------


def _linked(ctx: _Context, points: list[Point]) -> _Result:
    s = ctx.series
    linked = s.linked
    if linked is None:
        return _Result(Status.PENDING, "目标与其他指标挂钩，但未指定挂钩指标，需人工研判。")
    if linked.target.kind == tk.ANNUAL_GROWTH and linked.target.value is not None:
        target = linked.target.value
        if s.target.mode == "高于":
            rule = f"目标类型：高于{linked.name}，按{linked.name}目标年均{num(target)}%评判。"
        else:
            basic = "基本" if s.target.approximate else ""
            rule = f"目标类型：与{linked.name}{basic}同步，按{linked.name}目标年均{num(target)}%评判。"
        inner = _Context(s, ctx.as_of, ctx.settings, ctx.tp, ctx.unit_word, final=ctx.final)
        held = Series(
            name=s.name,
            unit=s.unit,
            target=Target(tk.ANNUAL_GROWTH, target, approximate=s.target.approximate),
            base_year=s.base_year,
            end_year=s.end_year,
            points=s.points,
        )
        inner.series = held
        return _annual_growth(inner, points, target=target, rule=rule)
    own = _growth(s, points)
    other_points = _in_plan(linked, ctx.as_of)
    years = {p.period for p in _per_year(points)}
    other = _growth(linked, [p for p in _per_year(other_points) if p.period in years])
    if own is None or other is None or own.average is None or other.average is None:
        return _Result(Status.NO_DATA, f"{linked.name}同期暂无可比数据，无法判断是否同步。")
    tolerance = ctx.settings.sync_tolerance if s.target.approximate else Decimal(0)
    if s.target.mode == "高于":
        ok = own.average > other.average
        words = (
            f"年均增长{num(own.average, 1)}%，{'高于' if ok else '未高于'}{linked.name}同期年均{num(other.average, 1)}%"
        )
    else:
        ok = own.average >= other.average - tolerance
        words = (
            f"年均增长{num(own.average, 1)}%，{linked.name}同期年均{num(other.average, 1)}%，"
            f"{'基本同步' if ok else '慢于经济增长'}（允许{num(tolerance)}个百分点）"
        )
    status = Status.ON_TRACK if ok else Status.BEHIND
    return _Result(
        status,
        f"目标类型：与{linked.name}挂钩（{linked.name}无数值目标，按其实际增长判断）。"
        f"{_values_text(_per_year(points), s.unit)}，{words}，{_verdict_words(ctx, status)}。",
        average=own.average,
        outlook=Outlook.ON_COURSE if ok else Outlook.SOME_DIFFICULTY,
    )
