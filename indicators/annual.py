"""How an annual plan (年度计划) words its results: 完成 / 基本完成 / 未完成 / 暂无数据. Pure Python.

The engine (``indicators.evaluation``) judges an annual plan's targets like any other plan's, against the
year-to-date figure (上半年, 前三季度) or the full-year figure; this module only turns its verdict into the
wording of an execution report's table, as the vocabulary choice of the annual plan:

- 暂无数据 and 待研判 stay as they are;
- 低于预期 / 未完成市定目标 → 未完成;
- 超出预期 / 快于预期 / 完成市定目标 → 完成;
- 达到预期 → 完成, except for a 左右 target that the figure falls short of (within the engine's tolerance),
  which is 基本完成: "一般公共预算收入增长 4%左右" with 3.8 % is 基本完成, with 4.1 % 完成; a met ceiling
  ("居民消费价格涨幅控制在2%左右" with 1.5 %) is 完成.

A plan may reword them (``Plan.annual_labels``, e.g. {"mostly": "接近完成"}).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any

from indicators.vocabulary import Status


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
    labels = dict(DEFAULT_ANNUAL_LABELS)
    for key, label in (data or {}).items():
        try:
            completion = Completion(key)
        except ValueError:
            raise AnnualLabelsError(ANNUAL_LABELS_ERROR.format(detail=f"未知的完成情况 {key}")) from None
        if not isinstance(label, str) or not label.strip():
            raise AnnualLabelsError(ANNUAL_LABELS_ERROR.format(detail=f"{key} 的用语不能为空"))
        labels[completion] = label.strip()
    return labels


def completion(
    status: Status,
    *,
    kind: str,
    approximate: bool,
    direction: str,
    target: Decimal | None,
    latest: Decimal | None,
) -> Completion:
    """The annual wording of one verdict (see the module docstring). A met ceiling (控制在2%左右) is 完成."""
    if status in (Status.NO_DATA, Status.PENDING):
        return Completion(status.value)
    if status in (Status.BEHIND, Status.ASSIGNED_MISSED):
        return Completion.NOT_DONE
    if status != Status.ON_TRACK or not approximate or kind == "ceiling" or target is None or latest is None:
        return Completion.DONE
    short = latest > target if direction == "lower" else latest < target
    return Completion.MOSTLY if short else Completion.DONE
