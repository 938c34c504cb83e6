"""The roll-up of a region with lower regions (issue 12): the lower regions' plans × their indicators.

One pipeline, as for 附件1: a fixed few queries (the plans under the region, ``assess_plans``' four) → frozen
dataclasses → pure renderers (the page, the Excel, the chart). Indicators are matched across plans by their
statistical series' name and unit (each region has series of its own); a group of sub-indicators, which has no
series, by its own name and unit. An indicator found in only one plan of several cannot be compared and is listed
apart. Binding indicators (约束性) come first.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Max

from indicators.assessment import STATUS_GROUP, IndicatorAssessment, assess_plans, summarize
from indicators.models import (
    AssignedTarget,
    Attribute,
    Indicator,
    ManualVerdict,
    Observation,
    PeriodLock,
    Plan,
    Region,
    Series,
)
from indicators.periods import Period
from indicators.vocabulary import Status

# Sorting by an indicator puts the lagging regions first: the order of concern.
CONCERN = {Status.BEHIND: 0, Status.STALE: 1, Status.NO_DATA: 2, Status.PENDING: 3, Status.ON_TRACK: 4}
CONCERN_LAST = 5  # 超出预期
GOOD = (Status.EXCEEDED, Status.ON_TRACK)


def match_key(indicator: Indicator) -> tuple[str, str]:
    """What makes two plans' indicators the same thing: their series' name and unit, else their own."""
    if indicator.series is not None:
        return (indicator.series.name.strip(), indicator.series.unit.strip())
    return (indicator.name.strip(), indicator.unit.strip())


@dataclass(frozen=True)
class Column:
    index: int
    name: str
    unit: str
    binding: bool

    @property
    def title(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


@dataclass(frozen=True)
class Cell:
    indicator_id: int
    status: str  # the verdict's status code (colour)
    group: Status  # as the report counts it
    label: str
    value: str  # the latest figure as printed, "/" without one
    number: Decimal | None
    period: str  # the period of that figure
    completion: Decimal | None

    @property
    def concern(self) -> int:
        return CONCERN.get(self.group, CONCERN_LAST)


@dataclass(frozen=True)
class Row:
    region: Region
    plan: Plan
    cells: tuple[Cell | None, ...]
    good: int  # top-level indicators at or above expectation
    total: int  # top-level indicators of the plan
    behind: int
    binding_behind: int

    @property
    def share(self) -> Decimal:
        """Share of the plan's indicators on track or better (0 for a plan without indicators)."""
        return (Decimal(self.good) / self.total * 100).quantize(Decimal("0.1")) if self.total else Decimal(0)


@dataclass(frozen=True)
class Unmatched:
    region: str
    plan: str
    name: str
    unit: str


@dataclass(frozen=True)
class Rollup:
    region: Region
    as_of: Period
    cycle: tuple[int, int]
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    unmatched: tuple[Unmatched, ...]

    def sorted_rows(self, by: str = "", descending: bool = False) -> list[Row]:
        """By ``share``, by a column index (lagging first), or by region (the default, tree order)."""
        rows = list(self.rows)
        if by == "share":
            rows.sort(key=lambda r: (r.share, -r.binding_behind), reverse=not descending)
            return rows[::-1] if not descending else rows
        if by.isdigit() and int(by) < len(self.columns):
            column = int(by)

            def key(row: Row) -> tuple[int, Decimal]:
                cell = row.cells[column]
                if cell is None:
                    return (CONCERN_LAST + 1, Decimal(0))
                return (cell.concern, cell.completion if cell.completion is not None else Decimal(0))

            rows.sort(key=key, reverse=descending)
        return rows

    def ranking(self, column: int) -> list[tuple[int, Row, Cell]]:
        """The regions ranked on one indicator, best first (the least concern, then the highest completion)."""
        ranked = [(row, row.cells[column]) for row in self.rows if row.cells[column] is not None]
        ranked.sort(
            key=lambda rc: (
                -rc[1].concern,  # type: ignore[union-attr]
                -(rc[1].completion if rc[1].completion is not None else Decimal(-1)),  # type: ignore[union-attr]
            )
        )
        return [(n, row, cell) for n, (row, cell) in enumerate(ranked, start=1) if cell is not None]

    def lagging_on_binding(self) -> list[tuple[Column, list[Row]]]:
        """Which regions lag on which binding indicator."""
        out = []
        for column in self.columns:
            if not column.binding:
                continue
            behind = [r for r in self.rows if (c := r.cells[column.index]) is not None and c.group == Status.BEHIND]
            out.append((column, behind))
        return out


def cycles(plans: Sequence[Plan]) -> list[tuple[int, int]]:
    """The plan periods (base year, end year) found among the plans, the most common first."""
    counts = Counter((p.base_year, p.end_year) for p in plans if not p.is_annual)
    return [cycle for cycle, _ in counts.most_common()]


def latest_year(region_ids: Sequence[int]) -> int | None:
    """The latest year with an approved figure in these regions (one aggregate over the subtree's series)."""
    latest = (
        Observation.objects.approved(with_data=True)
        .filter(series__region_id__in=region_ids)
        .aggregate(year=Max("year"))["year"]
    )
    return int(latest) if latest is not None else None


def _cell(assessment: IndicatorAssessment, plan: Plan) -> Cell:
    verdict = assessment.verdict
    last = assessment.observations[-1] if assessment.observations else None
    if last is None and assessment.children:  # a group: its first part's latest figure
        last = next((c.observations[-1] for c in assessment.children if c.observations), None)
    return Cell(
        indicator_id=assessment.indicator.pk,
        status=verdict.status.value,
        group=STATUS_GROUP[verdict.status],
        label=assessment.label,
        value=last.display_value if last is not None else "/",
        number=last.value if last is not None and not last.no_data else None,
        period=last.period.label if last is not None else "",
        completion=verdict.completion,
    )


# Precomputed roll-ups, per process, keyed by everything a verdict depends on (see ``data_version``): any
# approval, import, target, manual verdict, lock or series change gives a new key, so a stale entry is never read.
_CACHE: OrderedDict[tuple[object, ...], Rollup] = OrderedDict()
CACHE_SIZE = 4


def data_version() -> tuple[object, ...]:
    """One query: the newest change of everything a verdict reads. Every write through the services leaves a
    history record (simple_history) or bumps ``updated_at``; bulk loads add rows (counted)."""
    tables = [
        m.history.model._meta.db_table
        for m in (Observation, Indicator, AssignedTarget, ManualVerdict, PeriodLock, Series)
    ]
    parts = [f"(SELECT MAX(history_id) FROM {table})" for table in tables]
    obs, ind = Observation._meta.db_table, Indicator._meta.db_table
    parts += [f"(SELECT COUNT(*) FROM {obs})", f"(SELECT MAX(updated_at) FROM {obs})", f"(SELECT MAX(id) FROM {ind})"]
    parts += [f"(SELECT COUNT(*) FROM {ind})"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone() or ())


def cached_rollup(region: Region, regions: dict[int, Region], plans: Sequence[Plan], as_of: Period) -> Rollup:
    """``build_rollup`` through the per-process cache: one query when nothing changed since the last build."""
    settings = tuple((p.pk, p.base_year, p.end_year, repr(p.evaluation_settings), repr(p.annual_labels)) for p in plans)
    names = tuple((r.pk, r.name, r.parent_id) for r in regions.values())
    key = (region.pk, as_of, settings, hash(names), data_version())
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    rollup = build_rollup(region, regions, plans, as_of)
    _CACHE[key] = rollup
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return rollup


def build_rollup(region: Region, regions: dict[int, Region], plans: Sequence[Plan], as_of: Period) -> Rollup:
    """``plans``: one plan per lower region (same plan period); ``regions``: the tree, to name each row."""
    results = assess_plans(plans, as_of)
    keys_by_plan: dict[int, dict[tuple[str, str], IndicatorAssessment]] = {}
    seen: Counter[tuple[str, str]] = Counter()
    binding: dict[tuple[str, str], bool] = {}
    order: dict[tuple[str, str], int] = {}
    for plan in plans:
        top: dict[tuple[str, str], IndicatorAssessment] = {}
        for assessment in results[plan.pk]:
            indicator = assessment.indicator
            if indicator.parent_id is not None:
                continue
            key = match_key(indicator)
            top.setdefault(key, assessment)
            binding[key] = binding.get(key, False) or indicator.attribute == Attribute.BINDING
            order.setdefault(key, len(order))
        keys_by_plan[plan.pk] = top
        seen.update(top.keys())
    shared = [k for k in order if seen[k] > 1 or len(plans) == 1]
    shared.sort(key=lambda k: (not binding[k], order[k]))
    columns = tuple(Column(n, k[0], k[1], binding[k]) for n, k in enumerate(shared))
    rows = []
    unmatched = []
    for plan in plans:
        top = keys_by_plan[plan.pk]
        summary = summarize(results[plan.pk])
        rows.append(
            Row(
                region=regions[plan.region_id],
                plan=plan,
                cells=tuple(_cell(top[k], plan) if k in top else None for k in shared),
                good=summary.good,
                total=summary.total,
                behind=summary.behind,
                binding_behind=summary.binding_behind,
            )
        )
        for key in top:
            if key not in shared:
                unmatched.append(Unmatched(regions[plan.region_id].name, plan.name, key[0], key[1]))
    cycle = (plans[0].base_year, plans[0].end_year) if plans else (0, 0)
    return Rollup(region, as_of, cycle, columns, tuple(rows), tuple(unmatched))


def plans_below(
    region: Region, tree: dict[int | None, list[Region]], plans: Sequence[Plan], cycle: tuple[int, int]
) -> list[Plan]:
    """One plan per region strictly below ``region`` that has a plan of ``cycle`` (tree order)."""
    by_region: dict[int, list[Plan]] = defaultdict(list)
    for plan in plans:
        if (plan.base_year, plan.end_year) == cycle:
            by_region[plan.region_id].append(plan)
    out: list[Plan] = []

    def walk(node: Region) -> None:
        for child in tree.get(node.pk, ()):
            if by_region.get(child.pk):
                out.append(sorted(by_region[child.pk], key=lambda p: p.name)[0])
            walk(child)

    walk(region)
    return out
