"""Verdict statuses and their default wording, as in the 2023 mid-term evaluation. Pure Python.

A plan may relabel them (``Plan.evaluation_settings["labels"]``): the national plan's mid-term
evaluation says 提前实现 / 快于预期 / 基本符合预期 / 滞后 for the same ideas. At the end of the plan the
same statuses are worded for the final evaluation (总结评估, ``final_labels``): the target was beaten
(超额完成), reached (完成) or missed (未完成).
"""

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

E = TypeVar("E", bound=StrEnum)


class Status(StrEnum):
    EXCEEDED = "exceeded"  # the end-of-plan target is already reached (提前完成)
    AHEAD = "ahead"  # clearly ahead of time progress; only when a plan sets ``ahead_ratio``
    ON_TRACK = "on_track"  # on or ahead of time progress, or the bound is met
    BEHIND = "behind"
    NO_DATA = "no_data"
    ASSIGNED_MET = "assigned_met"  # met the target assigned by the city/province that year
    ASSIGNED_MISSED = "assigned_missed"
    PENDING = "pending"  # needs a manual verdict (待研判)
    STALE = "stale"  # the latest figure is older than the as-of expects (数据未更新); never set by hand


DEFAULT_LABELS: dict[Status, str] = {
    Status.EXCEEDED: "超出预期",
    Status.AHEAD: "快于预期",
    Status.ON_TRACK: "达到预期",
    Status.BEHIND: "低于预期",
    Status.NO_DATA: "暂无数据",
    Status.ASSIGNED_MET: "完成市定目标",
    Status.ASSIGNED_MISSED: "未完成市定目标",
    Status.PENDING: "待研判",
    Status.STALE: "数据未更新",
}

DEFAULT_FINAL_LABELS: dict[Status, str] = {
    Status.EXCEEDED: "超额完成",
    Status.AHEAD: "完成",
    Status.ON_TRACK: "完成",
    Status.BEHIND: "未完成",
    Status.NO_DATA: "暂无数据",
    Status.ASSIGNED_MET: "完成上级下达目标",
    Status.ASSIGNED_MISSED: "未完成上级下达目标",
    Status.PENDING: "待研判",
    Status.STALE: "数据未更新",
}

# What staff may choose as a manual verdict: every status but STALE, which only the data can say.
STATUS_CHOICES = [(status.value, label) for status, label in DEFAULT_LABELS.items() if status != Status.STALE]


def overlay_labels(
    defaults: Mapping[E, str], given: Any, kind: type[E], *, word: str, error: Callable[[str], Exception]
) -> dict[E, str]:
    """The default wording with a plan's own words laid over it (verdicts, annual completions): a mapping of
    known keys to non-empty words, else ``error`` with a message naming the ``word`` (结论, 完成情况)."""
    labels = dict(defaults)
    if given is not None and not isinstance(given, Mapping):
        raise error(f"{word}用语必须是“{word}: 用语”的对应表")
    for key, label in (given or {}).items():
        try:
            member = kind(key)
        except ValueError:
            raise error(f"未知的{word} {key}") from None
        if not isinstance(label, str) or not label.strip():
            raise error(f"{word} {key} 的用语不能为空")
        labels[member] = label.strip()
    return labels
