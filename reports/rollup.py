"""The roll-up of a region with lower regions (issue 12): the lower regions' plans × their indicators.

One pipeline, as for 附件1: a fixed few queries (the plans under the region, ``assess_plans``' four) → frozen
dataclasses → pure renderers (the page, the Excel, the chart). Indicators are matched across plans by their
statistical series' name and unit (each region has series of its own); a group of sub-indicators, which has no
series, by its own name and unit. An indicator found in only one plan of several cannot be compared and is listed
apart. Binding indicators (约束性) come first.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from html import escape
from typing import Any

from django.db import connection
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from indicators.assessment import STATUS_GROUP, IndicatorAssessment, assess_plans, summarize
from indicators.evaluation import Verdict
from indicators.models import (
    AssignedTarget,
    Attribute,
    Category,
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
from reports.narrative import share_is_judged, task_share
from reports.rows import percent

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
    decimals: int | None = None  # the figure's printed decimals
    part: str = ""  # a group's figure is one of its parts': "城镇新增就业人数，万人"
    reached: bool = False  # the target is already reached (已提前完成规划目标)

    @property
    def concern(self) -> int:
        return CONCERN.get(self.group, CONCERN_LAST)

    @property
    def progress(self) -> Decimal | None:
        """The completion progress shown (完成进度): none for a target reached from a base already beyond it, where
        the ratio says nothing (it is negative)."""
        if self.completion is None or (self.reached and self.completion < 1):
            return None
        return self.completion

    @property
    def progress_text(self) -> str:
        """What the ranking shows and ranks by within a verdict: "完成进度 85.2%", "已达到目标", or "—"."""
        if self.progress is not None:
            return f"完成进度 {percent(self.progress)}"
        return "已达到目标" if self.reached else "—"

    @property
    def rank_key(self) -> tuple[int, int, Decimal]:
        """Best first: the verdict group in the reverse order of concern, then the target reached, then the
        completion progress shown (highest first; none last)."""
        progress = self.progress
        return (-self.concern, 0 if self.reached else 1, -progress if progress is not None else Decimal("Infinity"))

    @property
    def value_text(self) -> str:
        """The figure with the part it belongs to for a group: "1.0732（城镇新增就业人数，万人）"."""
        return f"{self.value}（{self.part}）" if self.part else self.value


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


EMPTY_ROW = SafeString("")


@dataclass(frozen=True)
class Row:
    region: Region
    plan: Plan
    items: tuple[list[Any] | None, ...]  # the stored verdicts in column order (``_stored``); None: no such one
    good: int  # top-level indicators at or above expectation
    total: int  # top-level indicators of the plan
    behind: int
    binding_behind: int
    share: Decimal  # 达到或超过预期占比, as the dashboard shows it (``narrative.task_share``)
    current: int  # top-level indicators with up-to-date data (the share's base)
    judged: bool  # the share is shown at all (``narrative.share_is_judged``; the dashboard's 暂不判断 otherwise)
    html: SafeString = EMPTY_ROW  # the row as table markup: region, share, then the cells in column order
    _built: dict[int, Cell | None] = field(default_factory=dict, compare=False, repr=False)

    def cell(self, index: int) -> Cell | None:
        """One column's cell, built from the stored row when first asked for (a page reads one or a few columns)."""
        if index not in self._built:
            i = self.items[index]
            self._built[index] = (
                None
                if i is None
                else Cell(
                    i[3], i[4], Status(i[5]), i[6], i[7], _decimal(i[8]), i[9], _decimal(i[10]), i[12], i[13], i[14]
                )
            )
        return self._built[index]

    @property
    def cells(self) -> tuple[Cell | None, ...]:
        return tuple(self.cell(n) for n in range(len(self.items)))


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
        if by == "share":  # a plan whose share is not judged (暂不判断) comes last either way
            judged = [r for r in rows if r.judged]
            judged.sort(key=lambda r: (r.share, -r.binding_behind), reverse=descending)
            return judged + [r for r in rows if not r.judged]
        if by.isdigit() and int(by) < len(self.columns):
            # As the ranking below the matrix: best first descending, lagging first ascending; without it last.
            column = int(by)
            ranked = [r for r in rows if r.cell(column) is not None]
            ranked.sort(key=lambda r: r.cell(column).rank_key, reverse=not descending)  # type: ignore[union-attr]
            return ranked + [r for r in rows if r.cell(column) is None]
        return rows

    def ranking(self, column: int) -> list[tuple[int, Row, Cell]]:
        """The regions ranked on one indicator, best first (the least concern, then the highest completion)."""
        ranked = [(row, cell) for row in self.rows if (cell := row.cell(column)) is not None]
        ranked.sort(key=lambda rc: rc[1].rank_key)  # stable: ties keep the tree order
        return [(n, row, cell) for n, (row, cell) in enumerate(ranked, start=1)]

    def lagging_on_binding(self) -> list[tuple[Column, list[Row]]]:
        """Which regions lag on which binding indicator."""
        out = []
        for column in self.columns:
            if not column.binding:
                continue
            behind = [r for r in self.rows if (c := r.cell(column.index)) is not None and c.group == Status.BEHIND]
            out.append((column, behind))
        return out


def cycles(plans: Sequence[Plan]) -> list[tuple[int, int]]:
    """The plan periods (base year, end year) found among the plans, the most common first."""
    counts = Counter((p.base_year, p.end_year) for p in plans if not p.is_annual)
    return [cycle for cycle, _ in counts.most_common()]


def reached(verdict: Verdict) -> bool:
    """The target is met already and the verdict says so (超出 or 达到预期): reached ahead of time (已提前完成), a
    bound (上限/下限) the latest figure meets, a level kept (保持); as the evaluation found it, also at the plan's end
    where no outlook is given. Such a county must not rank below the counties still on the way."""
    return verdict.reached and STATUS_GROUP[verdict.status] in GOOD


def _cell(assessment: IndicatorAssessment, plan: Plan) -> Cell:
    verdict = assessment.verdict
    last = assessment.observations[-1] if assessment.observations else None
    part = ""
    if last is None and assessment.children:  # a group: its first part's latest figure, named
        child = next((c for c in assessment.children if c.observations), None)
        if child is not None:
            last = child.observations[-1]
            name, unit = child.indicator.name.strip(), child.indicator.unit.strip()
            part = f"{name}，{unit}" if unit else name
    return Cell(
        indicator_id=assessment.indicator.pk,
        status=verdict.status.value,
        group=STATUS_GROUP[verdict.status],
        label=assessment.label,
        value=last.display_value if last is not None else "/",
        number=last.value if last is not None and not last.no_data else None,
        period=last.period.label if last is not None else "",
        completion=verdict.completion,
        decimals=last.decimals if last is not None and not last.no_data else None,
        part=part,
        reached=reached(verdict),
    )


# Precomputed verdicts: one row per plan and as-of period in ``PrecomputedVerdicts`` (shared by every process and
# server), valid while its version equals the plan's data version below. A change to one county's figures, targets,
# manual verdicts, locks, indicators or settings changes that plan's version only: the next view re-judges that one
# plan (``assess_plans``' four queries for however many plans are stale) and serves the others as stored.
FORMAT = "3"  # bump when the stored row format or the cell markup changes


def plan_versions(plans: Sequence[Plan]) -> dict[int, str]:
    """Two queries: per plan, the newest change of everything its verdicts read, and its categories in print order.
    Every write through the services leaves a history record (simple_history) or bumps ``updated_at``; bulk loads
    add rows (counted). Categories keep no history, so their order enters as it is. The plan's own settings are read
    from the loaded plan."""
    if not plans:
        return {}
    ids = ",".join(str(int(p.pk)) for p in plans)
    ind, obs = Indicator._meta.db_table, Observation._meta.db_table
    # Indicators' print order: their history skips the order field, so it enters as the sum of id × order (every
    # save through the services or the admin also leaves a history record).
    order = connection.ops.quote_name("order")
    h_ind, h_obs, h_series, h_target, h_verdict, h_lock = (
        m.history.model._meta.db_table
        for m in (Indicator, Observation, Series, AssignedTarget, ManualVerdict, PeriodLock)
    )
    sql = f"""
        WITH ps AS (SELECT DISTINCT plan_id, series_id FROM {ind} WHERE plan_id IN ({ids}) AND series_id IS NOT NULL)
        SELECT p.id, ih.v, ic.n, ic.m, ic.o, t.v, mv.v, l.v, oh.v, oc.n, oc.u, sh.v
        FROM {Plan._meta.db_table} p
        LEFT JOIN (SELECT plan_id, MAX(history_id) v FROM {h_ind} WHERE plan_id IN ({ids}) GROUP BY plan_id) ih
            ON ih.plan_id = p.id
        LEFT JOIN (SELECT plan_id, COUNT(*) n, MAX(id) m, SUM(id * {order}) o FROM {ind} WHERE plan_id IN ({ids})
            GROUP BY plan_id) ic ON ic.plan_id = p.id
        LEFT JOIN (SELECT i.plan_id, MAX(h.history_id) v FROM {h_target} h JOIN {ind} i ON i.id = h.indicator_id
            WHERE i.plan_id IN ({ids}) GROUP BY i.plan_id) t ON t.plan_id = p.id
        LEFT JOIN (SELECT i.plan_id, MAX(h.history_id) v FROM {h_verdict} h JOIN {ind} i ON i.id = h.indicator_id
            WHERE i.plan_id IN ({ids}) GROUP BY i.plan_id) mv ON mv.plan_id = p.id
        LEFT JOIN (SELECT plan_id, MAX(history_id) v FROM {h_lock} WHERE plan_id IN ({ids}) GROUP BY plan_id) l
            ON l.plan_id = p.id
        LEFT JOIN (SELECT ps.plan_id, MAX(h.history_id) v FROM ps JOIN {h_obs} h ON h.series_id = ps.series_id
            GROUP BY ps.plan_id) oh ON oh.plan_id = p.id
        LEFT JOIN (SELECT ps.plan_id, COUNT(*) n, MAX(o.updated_at) u FROM ps JOIN {obs} o ON o.series_id = ps.series_id
            GROUP BY ps.plan_id) oc ON oc.plan_id = p.id
        LEFT JOIN (SELECT ps.plan_id, MAX(h.history_id) v FROM ps JOIN {h_series} h ON h.id = ps.series_id
            GROUP BY ps.plan_id) sh ON sh.plan_id = p.id
        WHERE p.id IN ({ids})"""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        found = {row[0]: row[1:] for row in cursor.fetchall()}
    # Categories keep no history: their print order itself, exactly (a sum of id × order misses some reorders).
    categories: dict[int, list[int]] = defaultdict(list)
    for plan_id, category_id in (
        Category.objects.filter(plan_id__in=[p.pk for p in plans])
        .order_by("plan_id", "order", "pk")
        .values_list("plan_id", "pk")
    ):
        categories[plan_id].append(category_id)
    out = {}
    for plan in plans:
        settings = (plan.base_year, plan.end_year, plan.evaluation_settings, plan.annual_labels)
        text = repr((FORMAT, found.get(plan.pk), categories.get(plan.pk), settings))
        out[plan.pk] = hashlib.sha256(text.encode()).hexdigest()[:32]
    return out


def _stored(assessments: Sequence[IndicatorAssessment], plan: Plan, as_of: Period) -> dict[str, object]:
    """A plan's top-level verdicts as stored: one compact list per indicator, with its table cell's markup."""
    top = []
    for assessment in assessments:
        indicator = assessment.indicator
        if indicator.parent_id is not None:
            continue
        cell = _cell(assessment, plan)
        # What format_html would build, with the standard library's escape: Django's checks each argument
        # for lazy text, a third of judging a province cold (every value here is plain text or a number).
        html = (
            f'<td class="cell status-{escape(str(cell.status))}"><a href="/indicator/{int(cell.indicator_id)}/'
            f'?as_of={escape(as_of.code)}">{escape(str(cell.value))}</a>'
            + (f'<div class="sub part">（{escape(cell.part)}）</div>' if cell.part else "")
            + f'<div class="sub">{escape(str(cell.label))}</div></td>'
        )
        name, unit = match_key(indicator)
        top.append(
            [
                name,
                unit,
                indicator.attribute == Attribute.BINDING,
                cell.indicator_id,
                cell.status,
                cell.group.value,
                cell.label,
                cell.value,
                None if cell.number is None else str(cell.number),
                cell.period,
                None if cell.completion is None else str(cell.completion),
                str(html),
                cell.decimals,
                cell.part,
                cell.reached,
            ]
        )
    summary = summarize(assessments)
    top_level = [a for a in assessments if a.indicator.parent_id is None]
    return {
        "top": top,
        "good": summary.good,
        "total": summary.total,
        "behind": summary.behind,
        "binding_behind": summary.binding_behind,
        "share": str(task_share(summary)),
        "current": summary.total - summary.stale,
        "judged": share_is_judged(summary, has_data=any(a.verdict.data_period is not None for a in top_level)),
    }


def precomputed(plans: Sequence[Plan], as_of: Period) -> dict[int, dict[str, Any]]:
    """Each plan's stored verdicts, re-judging only the plans whose data version changed since they were stored.

    Queries: the versions, the stored rows; when any is stale, ``assess_plans``' four and one upsert."""
    from reports.models import PrecomputedVerdicts

    versions = plan_versions(plans)
    stored = {
        plan_id: rows
        for plan_id, version, rows in PrecomputedVerdicts.objects.filter(
            plan_id__in=list(versions), as_of=as_of.code
        ).values_list("plan_id", "version", "rows")
        if version == versions[plan_id]
    }
    stale = [p for p in plans if p.pk not in stored]
    if stale:
        results = assess_plans(stale, as_of)
        fresh = [
            PrecomputedVerdicts(plan=p, as_of=as_of.code, version=versions[p.pk], rows=_stored(results[p.pk], p, as_of))
            for p in stale
        ]
        # Two processes may store the same plan at once: the last write wins, both carry the version read before
        # judging, so a row judged from older data than its version says is never stored.
        PrecomputedVerdicts.objects.bulk_create(
            fresh, update_conflicts=True, unique_fields=["plan", "as_of"], update_fields=["version", "rows"]
        )
        stored.update({row.plan_id: row.rows for row in fresh})
    return stored


def cached_rollup(region: Region, regions: dict[int, Region], plans: Sequence[Plan], as_of: Period) -> Rollup:
    """The roll-up built from the precomputed verdicts (``precomputed``): two queries when nothing changed."""
    return rollup_from(region, regions, plans, as_of, precomputed(plans, as_of))


def build_rollup(region: Region, regions: dict[int, Region], plans: Sequence[Plan], as_of: Period) -> Rollup:
    """``plans``: one plan per lower region (same plan period); ``regions``: the tree, to name each row.

    Judged afresh (no stored verdicts read or written)."""
    results = assess_plans(plans, as_of)
    return rollup_from(region, regions, plans, as_of, {p.pk: _stored(results[p.pk], p, as_of) for p in plans})


def rollup_from(
    region: Region,
    regions: dict[int, Region],
    plans: Sequence[Plan],
    as_of: Period,
    stored: dict[int, dict[str, Any]],
) -> Rollup:
    """The matrix from each plan's stored verdicts: columns matched across plans, cells in column order, and each
    row's markup joined from its cells' stored markup (the page prints it as is)."""
    keys_by_plan: dict[int, dict[tuple[str, str], list[Any]]] = {}
    seen: Counter[tuple[str, str]] = Counter()
    binding: dict[tuple[str, str], bool] = {}
    order: dict[tuple[str, str], int] = {}
    for plan in plans:
        top: dict[tuple[str, str], list[Any]] = {}
        for item in stored[plan.pk]["top"]:
            key = (item[0], item[1])
            top.setdefault(key, item)
            binding[key] = binding.get(key, False) or item[2]
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
        summary = stored[plan.pk]
        items = [top.get(k) for k in shared]
        row = Row(
            region=regions[plan.region_id],
            plan=plan,
            items=tuple(items),
            good=summary["good"],
            total=summary["total"],
            behind=summary["behind"],
            binding_behind=summary["binding_behind"],
            share=Decimal(summary["share"]),
            current=summary["current"],
            judged=summary["judged"],
        )
        region_head = format_html(
            '<th scope="row" class="sticky-col">{}<div class="plan-name">{}</div></th>', row.region.name, plan.name
        )
        if row.judged:
            share = format_html(
                '<td class="num">{}%<div class="sub">{}/{}</div></td>', f"{row.share:.1f}", row.good, row.current
            )
        else:  # as the dashboard: too few indicators up to date to judge the plan's progress
            share = format_html(
                '<td class="num">—<div class="sub">暂不判断（{}/{}项已更新）</div></td>', row.current, row.total
            )
        head = region_head + share
        cells = "".join(EMPTY_CELL if i is None else i[11] for i in items)
        rows.append(replace(row, html=mark_safe(head + cells)))  # the cells' markup was stored escaped
        for key in top:
            if key not in shared:
                unmatched.append(Unmatched(regions[plan.region_id].name, plan.name, key[0], key[1]))
    cycle = (plans[0].base_year, plans[0].end_year) if plans else (0, 0)
    return Rollup(region, as_of, cycle, columns, tuple(rows), tuple(unmatched))


EMPTY_CELL = '<td class="cell none">—</td>'


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
