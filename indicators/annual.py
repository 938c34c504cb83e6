"""How an annual plan (年度计划) words its results: 完成 / 基本完成 / 未完成 / 暂无数据. Pure Python.

An annual target is met by this year's figure, year-to-date (上半年, 前三季度) or full year, held against the
target as printed: "经济增长 6.5%以上" with 5.6 % in 上半年 is 未完成, with 6.5 % 完成; "一般公共预算收入增长
4%左右" with 3.8 % is 基本完成 (a 左右 target missed by at most the plan's ``approx_tolerance``, 0.5 points by
default), with 4.1 % 完成; "居民消费价格涨幅控制在2%左右" with 1.5 % is 完成. (The five-year engine judges a bound
by the progress from the base value towards it: right over five years, wrong for one year, where 2024's 4.2 %
must not make 5.6 % "on track" for 6.5 %以上.)

Targets that are not a number to hold the figure against (与经济增长同步, 按市下达, qualitative) and manual
verdicts take the engine's verdict (``indicators.evaluation``) in these words: 低于预期 / 未完成市定目标 →
未完成, 暂无数据 and 待研判 unchanged, every other verdict → 完成.

A plan may reword them (``Plan.annual_labels``, e.g. {"mostly": "接近完成"}).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any

from indicators.vocabulary import Status, overlay_labels


class Completion(StrEnum):
    DONE = "done"
    MOSTLY = "mostly"
    NOT_DONE = "not_done"
    NO_DATA = "no_data"
    PENDING = "pending"


DEFAULT_ANNUAL_LABELS: dict[Completion, str] = {
    Completion.DONE: "完成",
    Completion.MOSTLY: "基本完成",
    Completion.NOT_DONE: "未完成",
    Completion.NO_DATA: "暂无数据",
    Completion.PENDING: "待研判",
}

ANNUAL_LABELS_ERROR = "年度计划完成情况用语不正确：{detail}"


class AnnualLabelsError(ValueError):
    pass


def annual_labels(data: Mapping[str, Any] | None) -> dict[Completion, str]:
    """The default wording with a plan's own words laid over it; unknown keys or empty words are refused."""
    return overlay_labels(
        DEFAULT_ANNUAL_LABELS,
        data,
        Completion,
        word="完成情况",
        error=lambda detail: AnnualLabelsError(ANNUAL_LABELS_ERROR.format(detail=detail)),
    )


BY_FIGURE_KINDS = frozenset({"floor", "ceiling", "level", "annual_growth"})


def from_status(status: Status) -> Completion:
    """The engine's verdict in the annual wording (linked, assigned and qualitative targets, manual verdicts)."""
    if status in (Status.NO_DATA, Status.PENDING):
        return Completion(status.value)
    if status in (Status.BEHIND, Status.ASSIGNED_MISSED):
        return Completion.NOT_DONE
    return Completion.DONE


def completion(
    status: Status,
    *,
    kind: str,
    approximate: bool,
    direction: str,
    target: Decimal | None,
    latest: Decimal | None,
    inclusive: bool = True,
    tolerance: Decimal = Decimal("0.5"),
    manual: bool = False,
) -> Completion:
    """The annual wording of one target (see the module docstring).

    ``latest`` is this year's latest comparable figure (year-to-date or full year), None if there is none;
    ``status`` is the engine's verdict, used where the target is not a number to hold the figure against.
    """
    if manual or kind not in BY_FIGURE_KINDS or target is None:
        return from_status(status)
    if latest is None:
        return Completion.NO_DATA if status == Status.NO_DATA else from_status(status)
    lower_is_better = kind == "ceiling" or (kind != "floor" and direction == "lower")
    short = latest - target if lower_is_better else target - latest  # > 0: the figure falls short
    if short < 0 or (short == 0 and inclusive):
        return Completion.DONE
    if approximate and short <= tolerance:
        return Completion.MOSTLY
    return Completion.NOT_DONE
