"""Sentences in the mid-term report's style, generated from the data. Pure functions, no database.

- ``indicator_sentence``: "2021年、2022年、2023年上半年全区地区生产总值增长分别为9.1%、4.0%、4.0%，进展低于预期，
  预计实现规划目标存在一定难度。"
- ``summary_paragraph``: section 一（一）'s paragraph ("《纲要》共设置…5大类别，共19项指标…占比63.1%…").
- ``shares``: the paragraph's percentages, which must add up to 100.0 as the report's do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from indicators.numbers import shown_unit
from indicators.periods import Period
from indicators.vocabulary import Status
from reports.rows import AppendixRow

if TYPE_CHECKING:
    from indicators.assessment import PlanSummary

DOCUMENT = "《纲要》"
REGION_WORD = "全区"
_LEVEL_SUFFIXES = "区县市省旗州盟镇乡"


def region_word(region_name: str) -> str:
    """How the report names its own region: 卧龙区 → 全区, 示例001县 → 全县, 南阳市 → 全市, 河南省 → 全省; another
    name is used as it is."""
    name = region_name.strip()
    if name.endswith("地区") and len(name) > 2:  # 阿克苏地区 → 全地区
        return "全地区"
    if name and name[-1] in _LEVEL_SUFFIXES:
        return f"全{name[-1]}"
    return name or REGION_WORD


HUNDRED = Decimal(100)
TENTH = Decimal("0.1")

# Statuses whose sentence says "进展…" (the others are self-explanatory: 完成市定目标, 暂无数据).
_PROGRESS_WORDS = {Status.EXCEEDED, Status.AHEAD, Status.ON_TRACK, Status.BEHIND, Status.PENDING}


def shares(counts: Sequence[int]) -> list[Decimal]:
    """Percentages with one decimal that add up to exactly 100.0 (for a non-zero total).

    Rule: round each share half up to one decimal, then let the largest share absorb the difference
    so that the total is 100.0 (ties: the first largest). This is the rule that reproduces the
    report's 12/4/3 of 19 → 63.1 %, 21.1 %, 15.8 % (half up alone gives 63.2 + 21.1 + 15.8 = 100.1).
    Largest-remainder (Hamilton) rounding was considered and rejected: it gives 63.2 / 21.0 / 15.8,
    which contradicts the printed report (remainders .58 and .89 beat 21.05's .53).
    """
    total = sum(counts)
    if total <= 0:
        return [Decimal(0) for _ in counts]
    rounded = [(HUNDRED * c / total).quantize(TENTH, rounding=ROUND_HALF_UP) for c in counts]
    largest = max(range(len(counts)), key=lambda i: (counts[i], -i))
    rounded[largest] += HUNDRED - sum(rounded)
    return rounded


def share_is_judged(summary: PlanSummary, *, has_data: bool) -> bool:
    """Whether a plan's task share is shown at all (the dashboard's 暂不判断 otherwise): the plan has data and at
    least half its indicators are up to date, so old figures never raise a 落后 alarm."""
    current = summary.total - summary.stale
    return has_data and summary.total > 0 and 2 * current >= summary.total


def task_share(summary: PlanSummary) -> Decimal:
    """达到或超过预期占比 as the dashboard, 附件1 and the roll-up show it: the good verdicts' share (``shares``) among
    the indicators whose data are up to date (a stale one is neither good nor lagging)."""
    return shares([summary.good, summary.behind, summary.no_data, summary.pending])[0]


def _unit(unit: str) -> str:
    return shown_unit(unit)


def _listed(row: AppendixRow, base_year: int) -> tuple[tuple[Period, ...], str]:
    """The periods after the base year that have a value, and "9.1%、4.0%、4.0%"."""
    cells = [c for c in row.cells if c is not None and c.value is not None and c.period.year > base_year]
    unit = _unit(row.unit)
    return tuple(c.period for c in cells), "、".join(f"{c.shown}{unit}" for c in cells)


def _periods_text(periods: Sequence[Period]) -> str:
    return "、".join(p.label for p in periods)


def values_clause(parts: Sequence[AppendixRow], base_year: int, *, region_word: str = REGION_WORD) -> str:
    """ "2021年、2022年全区A分别为1%、2%，B分别为3人、4人"; "" when nothing has a value."""
    listed = [(row, *_listed(row, base_year)) for row in parts]
    listed = [item for item in listed if item[1]]
    if not listed:
        return ""
    same_periods = len({periods for _, periods, _ in listed}) == 1
    clauses = []
    for i, (row, periods, values) in enumerate(listed):
        verb = "分别为" if len(periods) > 1 else "为"
        prefix = ""
        if i == 0 or not same_periods:
            prefix = _periods_text(periods) + (region_word if i == 0 else "")
        clauses.append(f"{prefix}{row.name}{verb}{values}")
    return "，".join(clauses)


def verdict_clause(status: str, label: str, outlook: str, *, final: bool = False) -> str:
    if final:
        words = f"{label}规划目标" if label.endswith("完成") else label
    else:
        words = f"进展{label}" if status in _PROGRESS_WORDS else label
    return f"{words}，{outlook}" if outlook else words


def stale_clause(data_period: Period | None, expected: Period | None, data_label: str) -> str:
    """What a stale indicator's sentence says instead of a prediction."""
    if data_period is None or expected is None:
        return ""
    return (
        f"数据截至{data_period.label}，尚未更新至{expected.label}，"
        f"按{data_period.label}数据判断{data_label}，暂不作预测"
    )


def indicator_sentence(
    name: str,
    parts: Sequence[AppendixRow],
    *,
    status: str,
    label: str,
    outlook: str,
    base_year: int,
    region_word: str = REGION_WORD,
    final: bool = False,
    data_note: str = "",
    decisive: Sequence[str] = (),
) -> str:
    """One indicator's sentence; ``parts`` are its own row, or its sub-indicators' rows. A stale indicator
    says how old its data are instead of predicting; readings that would change the verdict are named."""
    values = values_clause(parts, base_year, region_word=region_word)
    if not values:
        return f"{name}{label}。" if status == Status.NO_DATA else f"{name}暂无数据，{label}。"
    clause = data_note if data_note else verdict_clause(status, label, outlook, final=final)
    other = "".join(f"（{note}）" for note in decisive)
    return f"{values}，{clause}{other}。"


@dataclass(frozen=True)
class SummaryInput:
    """What the paragraph needs beyond ``PlanSummary``."""

    categories: tuple[str, ...]
    time_progress: Decimal
    as_of: Period
    behind_attributes: tuple[str, ...]  # 约束性 / 预期性 of each indicator below expectation
    final: bool = False  # a final evaluation (总结评估): the plan period is over


def _names(names: Sequence[str]) -> str:
    return "、".join(names)


def summary_paragraph(summary: PlanSummary, extra: SummaryInput) -> str:
    """Section 一（一）'s paragraph, e.g. "《纲要》共设置经济发展、…5大类别，共19项指标，其中，…"."""
    names = summary.names
    parts = [
        f"{DOCUMENT}共设置{_names(extra.categories)}{len(extra.categories)}大类别，共{summary.total}项指标，"
        f"其中，约束性指标{summary.binding}项，预期性指标{summary.expected}项。"
    ]
    if summary.total == 0:
        return parts[0]
    groups = [summary.good, summary.behind, summary.no_data, summary.pending, summary.stale]
    good_share, behind_share, no_data_share, pending_share, stale_share = shares(groups)
    midway = extra.time_progress == Decimal("0.5")
    if extra.final:
        phase = "从规划期实施情况看"
        good_words, exceeded_words, on_track_words, behind_words = (
            "完成规划目标",
            "超额完成规划目标",
            "完成规划目标",
            "未完成规划目标",
        )
    else:
        phase = "从前半期实施情况看" if midway else f"从截至{extra.as_of.label}的实施情况看"
        good_words, exceeded_words, on_track_words, behind_words = (
            "达到或超过预期进度",
            "超过预期进度",
            "达到预期进度",
            "完成情况低于预期",
        )
    if summary.good:
        parts.append(f"{phase}，有{summary.good}项指标完成较好，{good_words}，占比{good_share}%。")
        follow = []
        if summary.exceeded:
            follow.append(f"其中，{_names(names[Status.EXCEEDED])}{summary.exceeded}项指标{exceeded_words}。")
        if summary.on_track:
            follow.append(f"{summary.on_track}项指标{on_track_words}，分别是{_names(names[Status.ON_TRACK])}。")
        parts.append("".join(follow))
    else:
        parts.append(f"{phase}，暂无指标{good_words}。")
    if summary.behind:
        attributes = set(extra.behind_attributes)
        kind = attributes.pop() if len(attributes) == 1 and "" not in attributes else ""
        parts.append(
            f"{summary.behind}项{kind}指标{behind_words}，占比{behind_share}%，分别是{_names(names[Status.BEHIND])}。"
        )
    if summary.stale:
        parts.append(
            f"{summary.stale}项指标数据尚未更新至{extra.as_of.label}，占比{stale_share}%，"
            f"分别是{_names(names[Status.STALE])}，按其最新数据判断的情况见附件1。"
        )
    if summary.no_data:
        parts.append(
            f"{summary.no_data}项指标暂时没有数据，占比{no_data_share}%，分别是{_names(names[Status.NO_DATA])}。"
        )
    if summary.pending:
        parts.append(
            f"{summary.pending}项指标有待人工研判，占比{pending_share}%，分别是{_names(names[Status.PENDING])}。"
        )
    parts.append("各类规划指标的具体完成情况详见附件1。")
    return "".join(parts)
