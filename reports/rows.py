"""The rows of 附件1/附件2 as frozen dataclasses: what every renderer (page table, workbook, narrative,
charts) reads. Pure Python; ``reports.appendix.build_appendix`` fills them from the evaluation engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from indicators.numbers import printed, shown_unit
from indicators.periods import Period

NO_DATA_MARK = "/"


@dataclass(frozen=True)
class OtherReading:
    """An alternative reading (其他口径) of a value, with its source."""

    shown: str
    value: Decimal
    decimals: int
    source: str
    note: str
    pk: int = 0  # the stored reading, so a reviewer can choose it


@dataclass(frozen=True)
class ValueCell:
    period: Period
    value: Decimal | None  # None: no data ("/")
    decimals: int
    source: str = ""
    note: str = ""
    alternatives: tuple[OtherReading, ...] = ()
    pending: bool = False  # not yet approved (preview only)

    @property
    def shown(self) -> str:
        """As printed: the printed number of decimals, or "/"."""
        return printed(self.value, self.decimals, empty=NO_DATA_MARK)


@dataclass(frozen=True)
class AppendixRow:
    """One printed row of 附件1: a top-level indicator without sub-indicators, or a sub-indicator."""

    indicator_id: int
    seq: str  # printed 序号; a sub-indicator carries its parent's
    category: str
    name: str  # without unit
    unit: str
    attribute: str  # 约束性 / 预期性 / ""
    target_text: str  # the 2025 target as printed
    cells: tuple[ValueCell | None, ...]  # one per Appendix.columns; None: no observation ("/")
    status: str  # indicators.vocabulary.Status value
    label: str  # the plan's wording for the status
    group: str = ""  # the parent's name for a sub-indicator row
    group_id: int | None = None
    manual: bool = False
    manual_reason: str = ""
    computed_label: str = ""
    explanation: str = ""
    required_text: str = ""
    outlook: str = ""
    completion: Decimal | None = None
    time_progress: Decimal | None = None
    average_so_far: Decimal | None = None
    required_rate: Decimal | None = None
    kind: str = ""
    pending: bool = False
    data_period: Period | None = None  # the period the verdict was judged at (数据截至…)
    stale: bool = False  # not updated to the as-of's expected period (数据未更新)
    data_label: str = ""  # the verdict at the data period
    decisive: tuple[str, ...] = ()  # other readings that would change the verdict ("按正文口径1.7则为低于预期")
    target_reading: str = ""  # which reading of the printed target the evaluation uses, and why
    frequency_text: str = ""  # 报送频率: "半年（按数据推断）"

    @property
    def data_note(self) -> str:
        """ "数据截至2023年上半年（未更新）：达到预期" for a stale row; "" otherwise."""
        if not self.stale or self.data_period is None:
            return ""
        return f"数据截至{self.data_period.label}，按该期判断为“{self.data_label}”"

    @property
    def display_name(self) -> str:
        """The name as printed in 附件1: 地区生产总值增长（%）."""
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    @property
    def full_name(self) -> str:
        return f"{self.group}·{self.name}" if self.group else self.name

    @property
    def completion_percent(self) -> str:
        return percent(self.completion)

    def shown(self, index: int) -> str:
        cell = self.cells[index]
        return NO_DATA_MARK if cell is None else cell.shown


@dataclass(frozen=True)
class TopIndicator:
    """One of the plan's top-level indicators (what the report counts): its verdict and printed rows."""

    indicator_id: int
    seq: str
    category: str
    name: str
    attribute: str
    status: str
    label: str
    outlook: str
    required_text: str
    explanation: str
    manual: bool
    rows: tuple[AppendixRow, ...]  # its own row, or its sub-indicators' rows
    sentence: str = ""
    stale: bool = False
    data_period: Period | None = None
    data_label: str = ""

    @property
    def is_group(self) -> bool:
        return len(self.rows) > 1 or (len(self.rows) == 1 and self.rows[0].group_id is not None)


@dataclass(frozen=True)
class ReasonEntry:
    """One indicator of 附件2: generated facts and the staff-written 主要原因."""

    indicator_id: int
    name: str
    facts: str
    text: str
    updated_by: str = ""
    updated_at: str = ""
    label: str = ""
    seq: str = ""
    completion: Decimal | None = None
    time_progress: Decimal | None = None
    average_so_far: Decimal | None = None
    required_text: str = ""
    outlook: str = ""
    unit: str = ""

    @property
    def completion_percent(self) -> str:
        return percent(self.completion)

    @property
    def time_progress_percent(self) -> str:
        return percent(self.time_progress)

    @property
    def average_text(self) -> str:
        if self.average_so_far is None:
            return ""
        return f"{self.average_so_far.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}{shown_unit(self.unit)}"


@dataclass(frozen=True)
class Appendix:
    plan_name: str
    title: str  # “十四五”规划主要指标目标完成情况
    base_year: int
    end_year: int
    as_of: Period
    columns: tuple[Period, ...]  # the base year, then every period with data up to as_of
    rows: tuple[AppendixRow, ...]
    reasons: tuple[ReasonEntry, ...] = field(default=())
    top: tuple[TopIndicator, ...] = field(default=())
    time_progress: Decimal = Decimal(0)
    categories: tuple[str, ...] = field(default=())
    final: bool = False  # the as-of is the plan's last period: a final evaluation (总结评估)

    @property
    def target_header(self) -> str:
        return f"{self.end_year}年"

    @property
    def stage(self) -> str:
        return "总结评估" if self.final else "中期评估"

    @property
    def verdict_header(self) -> str:
        return "完成情况" if self.final else "中期完成情况"

    @property
    def time_progress_percent(self) -> str:
        return percent(self.time_progress)


def percent(fraction: Decimal | None) -> str:
    """0.361 → "36.1%" (half up, one decimal); "" when not computable."""
    if fraction is None:
        return ""
    return f"{(fraction * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def appendix_title(short_name: str) -> str:
    return f"“{short_name}”规划主要指标目标完成情况" if short_name else "规划主要指标目标完成情况"
