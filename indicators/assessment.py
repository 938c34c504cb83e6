"""Thin Django wrappers around the pure evaluation rules: load a plan in a fixed number of queries, judge it.

``assess_plans`` judges many plans (a region's roll-up) in the same four queries, whatever the number of plans.

Queries of ``assess_plan`` (always five, whatever the number of indicators):
1. the plan's indicators with category, parent, series (and its department) and linked indicator;
2. their series' observations up to the as-of year (approved, or approved and submitted in preview);
3. the targets assigned by the upper level; 4. the manual verdicts of this as-of; 5. nothing else — the plan's
settings are read from the plan object the caller passes.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, QuerySet
from django.db.models.base import ModelState

from indicators import targets as tk
from indicators.evaluation import (
    ManualInput,
    Point,
    Series,
    Settings,
    SettingsError,
    Target,
    Verdict,
    common_status,
    evaluate,
)
from indicators.models import AssignedTarget, Indicator, ManualVerdict, Observation, Plan, ReviewStatus
from indicators.periods import Period
from indicators.vocabulary import Status

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndicatorAssessment:
    indicator: Indicator
    observations: list[Observation]
    verdict: Verdict
    label: str
    computed_label: str
    pending: bool = False
    children: list[IndicatorAssessment] = field(default_factory=list)
    inputs: Series | None = None  # what the engine judged (None for a parent), to re-judge other readings
    data_label: str = ""  # the verdict at the data period, worded for that period's stage

    @property
    def is_parent(self) -> bool:
        return bool(self.children)


@dataclass(frozen=True)
class PlanSummary:
    total: int
    binding: int
    expected: int
    exceeded: int
    on_track: int
    good: int
    behind: int
    no_data: int
    pending: int
    names: dict[Status, list[str]]
    binding_behind: int = 0
    stale: int = 0  # not updated to the as-of's expected period (数据未更新), counted apart from the verdicts
    final: bool = False  # a final evaluation (总结评估)


def plan_settings(plan: Plan) -> Settings:
    try:
        return Settings.from_dict(plan.evaluation_settings)
    except SettingsError:
        logger.exception("Invalid evaluation settings on plan %s; using the defaults", plan.pk)
        return Settings()


def status_label(plan: Plan, status: Status) -> str:
    return plan_settings(plan).label(status)


def target_of(indicator: Indicator) -> Target:
    """The structured target: the stored kind/value/direction (staff may have corrected them), the parser's
    reading of the printed text for the finer points (左右, strict bounds, compounding)."""
    parsed = tk.parse_target(indicator.target_text, indicator.name, indicator.unit)
    if not indicator.target_kind:
        return Target.from_parsed(parsed)
    return Target(
        kind=indicator.target_kind,
        value=indicator.target_value,
        direction=indicator.target_direction or tk.HIGHER,
        approximate=parsed.approximate,
        inclusive=parsed.inclusive if parsed.kind == indicator.target_kind else True,
        compound=parsed.compound,
        mode=parsed.note if parsed.kind == tk.LINKED else "同步",
        change=parsed.change and parsed.kind == indicator.target_kind,
    )


def target_reading(indicator: Indicator) -> str:
    """Which reading of the printed target the evaluation uses and why, for everyone to see."""
    parsed = tk.parse_target(indicator.target_text, indicator.name, indicator.unit)
    if indicator.target_set_manually and indicator.target_kind and parsed.kind != indicator.target_kind:
        return "目标类型已由管理员人工确认，不按原文自动识别。"
    return parsed.reading


def refresh_parsed_target(indicator: Indicator) -> None:
    """Store the parser's reading of the printed target, unless staff have set the target by hand."""
    if indicator.target_set_manually:
        return
    parsed = tk.parse_target(indicator.target_text, indicator.name, indicator.unit)
    indicator.target_kind = parsed.kind if indicator.target_text else ""
    indicator.target_value = parsed.value
    indicator.target_direction = parsed.direction


def _series(
    indicator: Indicator,
    plan: Plan,
    observations: list[Observation],
    assigned: list[AssignedTarget],
    manual: ManualVerdict | None,
    linked: Series | None = None,
) -> Series:
    return Series(
        name=indicator.name,
        unit=indicator.unit,
        target=target_of(indicator),
        base_year=plan.base_year,
        end_year=plan.end_year,
        points=tuple(Point(o.period, None if o.no_data else o.value, o.display_value) for o in observations),
        partial_periods_comparable=indicator.partial_periods_comparable,
        assigned=tuple((Period(a.year, a.part), a.value) for a in assigned),
        linked=linked,
        manual=ManualInput(Status(manual.status), manual.reason) if manual else None,
        frequency=indicator.series.frequency if indicator.series is not None else "",
    )


def assess_plan(plan: Plan, as_of: Period, *, include_pending: bool = False) -> list[IndicatorAssessment]:
    indicators = list(
        Indicator.objects.of_plan(plan)
        .select_related("category", "parent", "series__department", "linked_indicator")
        .in_print_order()
    )
    return _assess(plan, indicators, as_of, include_pending=include_pending)


def assess_indicator(indicator: Indicator, as_of: Period, *, include_pending: bool = False) -> IndicatorAssessment:
    """One indicator (with its sub-indicators and linked indicator) — for detail pages and the entry grid."""
    plan = indicator.plan
    wanted = Indicator.objects.filter(pk=indicator.pk) | Indicator.objects.filter(parent=indicator)
    if indicator.linked_indicator_id:
        wanted = wanted | Indicator.objects.filter(pk=indicator.linked_indicator_id)
    indicators = list(
        wanted.select_related("category", "parent", "series__department", "linked_indicator").in_print_order()
    )
    results = _assess(plan, indicators, as_of, include_pending=include_pending)
    return next(r for r in results if r.indicator.pk == indicator.pk)


def assess_plans(
    plans: Sequence[Plan], as_of: Period, *, include_pending: bool = False
) -> dict[int, list[IndicatorAssessment]]:
    """Many plans at once (a region's roll-up), in four queries whatever the number of plans:
    the indicators, their series' observations, the assigned targets and the manual verdicts. Each plan is
    judged exactly as ``assess_plan`` judges it; the result maps plan id → assessments in print order."""
    by_plan: dict[int, list[Indicator]] = {p.pk: [] for p in plans}
    if not plans:
        return {}
    plan_ids = list(by_plan)
    of_plans = Indicator.objects.filter(plan_id__in=plan_ids)
    # What judging and the many-plan readers (roll-up, ``evaluate --region``) read: parent and series. Not the
    # category, department or linked indicator instances (a linked indicator is found among the plan's own):
    # 18,000 fewer model instances for a province.
    for indicator in of_plans.select_related("parent", "series").order_by("plan_id", "category__order", "order", "pk"):
        by_plan[indicator.plan_id].append(indicator)
    observations = Observation.objects.filter(series_id__in=of_plans.values("series"), year__lte=as_of.year)
    by_series = _counted_by_series(
        loaded(observations.order_by("year", "part")), as_of, include_pending=include_pending
    )
    assigned: dict[int, list[AssignedTarget]] = defaultdict(list)
    for target in AssignedTarget.objects.filter(indicator__plan_id__in=plan_ids):
        assigned[target.indicator_id].append(target)
    manual = {
        m.indicator_id: m
        for m in ManualVerdict.objects.filter(indicator__plan_id__in=plan_ids, year=as_of.year, part=as_of.part)
    }
    return {p.pk: _judge(p, by_plan[p.pk], as_of, by_series, assigned, manual) for p in plans}


def loaded(queryset: QuerySet[Any]) -> Iterator[Any]:
    """The queryset's rows as model instances, built as ``Model.from_db`` builds them (every concrete field, from the
    database, not adding) but without its per-field descriptor calls and init signals, which no model judged here
    has receivers for: a province's 30,000 figures in a third of the time. For read-only judging of many plans."""
    model = queryset.model
    names = [field.attname for field in model._meta.concrete_fields]
    db = queryset.db
    for values in queryset.values_list(*names):
        instance = object.__new__(model)
        state = ModelState()
        state.adding, state.db = False, db
        instance._state = state
        instance.__dict__.update(zip(names, values, strict=True))
        yield instance


def _counted_by_series(
    observations: Iterable[Observation], as_of: Period, *, include_pending: bool
) -> dict[int, list[Observation]]:
    """The figures that count up to ``as_of`` (``observations`` in period order), per series, in period order."""
    by_series: dict[int, list[Observation]] = defaultdict(list)
    for obs in observations:
        counted = obs.counted(include_pending=include_pending)
        if counted is not None and obs.period <= as_of:
            by_series[obs.series_id].append(counted)
    for rows in by_series.values():
        rows.sort(key=lambda o: o.period.sort_key)
    return by_series


def _assess(
    plan: Plan, indicators: list[Indicator], as_of: Period, *, include_pending: bool
) -> list[IndicatorAssessment]:
    ids = [i.pk for i in indicators]
    # The figures belong to the series; each indicator reads its series' figures (two indicators may share one).
    series_ids = {i.series_id for i in indicators if i.series_id}
    by_series = _counted_by_series(
        Observation.objects.filter(series_id__in=series_ids, year__lte=as_of.year).order_by("year", "part"),
        as_of,
        include_pending=include_pending,
    )
    assigned: dict[int, list[AssignedTarget]] = defaultdict(list)
    for target in AssignedTarget.objects.filter(indicator_id__in=ids):
        assigned[target.indicator_id].append(target)
    manual = {
        m.indicator_id: m for m in ManualVerdict.objects.filter(indicator_id__in=ids, year=as_of.year, part=as_of.part)
    }
    return _judge(plan, indicators, as_of, by_series, assigned, manual)


def _judge(
    plan: Plan,
    indicators: list[Indicator],
    as_of: Period,
    by_series: dict[int, list[Observation]],
    assigned: dict[int, list[AssignedTarget]],
    manual: dict[int, ManualVerdict],
) -> list[IndicatorAssessment]:
    """Judge one plan's indicators from figures, targets and manual verdicts already loaded (no queries)."""
    settings = plan_settings(plan)
    by_indicator: dict[int, list[Observation]] = defaultdict(list)
    for indicator in indicators:
        if indicator.series_id:  # a shared series may run past this plan's end (十五五's figures)
            by_indicator[indicator.pk] = [o for o in by_series.get(indicator.series_id, ()) if o.year <= plan.end_year]
    known = {i.pk: i for i in indicators}

    growth = next((i for i in indicators if i.parent_id is None and tk.is_economic_growth(i.name, i.unit)), None)

    def series_for(indicator: Indicator, *, with_link: bool = True) -> Series:
        linked = None
        other: Indicator | None = None
        if with_link and indicator.linked_indicator_id and indicator.linked_indicator_id in known:
            other = known[indicator.linked_indicator_id]
        elif with_link and indicator.target_kind == tk.LINKED and growth is not None and growth.pk != indicator.pk:
            other = growth  # linked by meaning: the plan's economic-growth indicator
        if other is not None:
            linked = series_for(other, with_link=False)
        return _series(
            indicator,
            plan,
            by_indicator[indicator.pk],
            assigned[indicator.pk],
            manual.get(indicator.pk),
            linked,
        )

    children_of: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        if indicator.parent_id:
            children_of[indicator.parent_id].append(indicator)

    leaf_results: dict[int, IndicatorAssessment] = {}
    for indicator in indicators:
        if children_of.get(indicator.pk):
            continue
        inputs = series_for(indicator)
        verdict = evaluate(inputs, as_of, settings)
        observations = by_indicator[indicator.pk]
        stage = settings.stage(verdict.final)
        leaf_results[indicator.pk] = IndicatorAssessment(
            indicator=indicator,
            observations=observations,
            verdict=verdict,
            label=stage.label(verdict.status),
            computed_label=stage.label(verdict.computed_status),
            pending=any(o.status != ReviewStatus.APPROVED for o in observations),
            inputs=inputs,
            data_label=stage.label(verdict.data_status) if verdict.data_status else "",
        )

    results: list[IndicatorAssessment] = []
    for indicator in indicators:
        if indicator.pk in leaf_results:
            results.append(leaf_results[indicator.pk])
            continue
        children = [leaf_results[c.pk] for c in children_of[indicator.pk] if c.pk in leaf_results]
        results.append(_parent(indicator, children, as_of, settings, manual.get(indicator.pk), plan))
    return results


def _parent(
    indicator: Indicator,
    children: list[IndicatorAssessment],
    as_of: Period,
    settings: Settings,
    manual: ManualVerdict | None,
    plan: Plan,
) -> IndicatorAssessment:
    computed = common_status(c.verdict.status for c in children)
    status = Status(manual.status) if manual else computed
    parts = "、".join(f"{c.indicator.name}{c.label}" for c in children)
    explanation = f"由分项指标综合判断：{parts}。分项结论一致时取其结论，不一致时取较差者。"
    first = children[0].verdict if children else None
    final = bool(children) and all(c.verdict.final for c in children)
    settings = settings.stage(final)
    if manual:
        explanation += f"人工研判为“{settings.label(status)}”，理由：{manual.reason}"
    periods = [c.verdict.data_period for c in children if c.verdict.data_period is not None]
    verdict = Verdict(
        kind="",
        computed_status=computed,
        status=status,
        manual=manual is not None,
        manual_reason=manual.reason if manual else "",
        completion=None,
        time_progress=first.time_progress if first else Decimal(0),
        average_so_far=None,
        required_rate=None,
        required_text="；".join(
            f"{c.indicator.name}{c.verdict.required_text}" for c in children if c.verdict.required_text
        ),
        outlook=first.outlook if first and all(c.verdict.outlook == first.outlook for c in children) else None,
        explanation=explanation,
        data_period=max(periods, key=lambda p: p.sort_key) if periods else None,
        expected_period=first.expected_period if first else None,
        stale=computed == Status.STALE,
        data_status=common_status(c.verdict.data_status or c.verdict.status for c in children) if children else None,
        final=final,
    )
    return IndicatorAssessment(
        indicator=indicator,
        observations=[],
        verdict=verdict,
        label=settings.label(status),
        computed_label=settings.label(computed),
        pending=any(c.pending for c in children),
        children=children,
        data_label=settings.label(verdict.data_status) if verdict.data_status else "",
    )


def default_plan(plans: Sequence[Plan], today: datetime.date) -> Plan | None:
    """The plan pages open on when none is asked for, the same everywhere (one query).

    The plan running today if it has approved figures; otherwise the plan with the most recent approved
    figures (a newly created 十五五 without data must not replace 十四五 on the leaders' pages); otherwise
    the plan running today; otherwise the first given.
    """
    if not plans:
        return None
    # A series is shared by plans: only figures inside a plan's own years count as that plan's data.
    latest = dict(
        Observation.objects.approved(with_data=True)
        .filter(
            series__indicators__plan__in=plans,
            year__gt=F("series__indicators__plan__base_year"),
            year__lte=F("series__indicators__plan__end_year"),
        )
        .values_list("series__indicators__plan")
        .annotate(last=Max("year"))
        .values_list("series__indicators__plan", "last")
    )
    running = [p for p in plans if p.base_year < today.year <= p.end_year]
    with_data = [p for p in plans if p.pk in latest]
    for plan in running:
        if plan.pk in latest:
            return plan
    if with_data:
        return max(with_data, key=lambda p: (latest[p.pk], p.end_year))
    return running[0] if running else plans[0]


COVERAGE_FOR_DEFAULT = Decimal("0.5")


def latest_period_with_data(plan: Plan, *, min_coverage: Decimal = COVERAGE_FOR_DEFAULT) -> Period | None:
    """The default as-of of pages: the latest period for which the plan's data is reasonably complete.

    A period counts when at least ``min_coverage`` of the plan's series that have any approved value in the plan
    period have one for it. Without this, one early 2024 figure (GDP growth in a news report) would move every
    page to 2024 and show most indicators as lagging for want of data. With ``min_coverage=0`` it is simply the
    latest period with any value. One query.
    """
    rows = (
        Observation.objects.approved(with_data=True)
        .of_plan(plan)
        .filter(year__gt=plan.base_year, year__lte=plan.end_year)
        .values_list("series_id", "year", "part")
    )
    return latest_covered_period(rows, min_coverage=min_coverage)


def latest_period_with_data_of_plans(
    plans: Sequence[Plan], *, parts: Iterable[str] | None = None, min_coverage: Decimal = COVERAGE_FOR_DEFAULT
) -> Period | None:
    """``latest_period_with_data`` for several plans at once (a roll-up of lower regions' plans): the latest period
    for which at least ``min_coverage`` of all the plans' series with data have a figure, each plan's figures counted
    inside its own plan period. ``parts``: only these kinds of period ("" a year, "H1" a half year). Two aggregate
    queries (a province's 30,000 figures are counted in the database, not fetched)."""
    if not plans:
        return None
    figures = Observation.objects.approved(with_data=True).filter(
        series__indicators__plan__in=[p.pk for p in plans],
        year__gt=F("series__indicators__plan__base_year"),
        year__lte=F("series__indicators__plan__end_year"),
    )
    if parts is not None:
        figures = figures.filter(part__in=list(parts))
    per_period = figures.order_by().values("year", "part").annotate(n=Count("series_id", distinct=True))
    reporting = {Period(row["year"], row["part"]): row["n"] for row in per_period}
    if not reporting:
        return None
    total = figures.order_by().aggregate(n=Count("series_id", distinct=True))["n"]
    return latest_covered(reporting, total, min_coverage=min_coverage)


def latest_covered_period(
    rows: Iterable[tuple[int, int, str]], *, min_coverage: Decimal = COVERAGE_FOR_DEFAULT
) -> Period | None:
    """``latest_covered`` over (series, year, part) rows of approved figures."""
    reporting: dict[Period, set[int]] = defaultdict(set)
    for series_id, year, part in rows:
        reporting[Period(year, part)].add(series_id)
    if not reporting:
        return None
    any_data = set().union(*reporting.values())
    return latest_covered({p: len(ids) for p, ids in reporting.items()}, len(any_data), min_coverage=min_coverage)


def latest_covered(
    reporting: dict[Period, int], total: int, *, min_coverage: Decimal = COVERAGE_FOR_DEFAULT
) -> Period | None:
    """The rule of ``latest_period_with_data``: the latest period that at least ``min_coverage`` of the ``total``
    series with any figure report (``reporting``: period → how many series report it), else the latest with any."""
    if not reporting:
        return None
    needed = Decimal(total) * min_coverage
    covered = [period for period, n in reporting.items() if Decimal(n) >= needed]
    return max(covered or reporting, key=lambda p: p.sort_key)


STATUS_GROUP = {  # how the report counts: 完成市定目标 as 达到预期, 未完成市定目标 as 低于预期
    Status.EXCEEDED: Status.EXCEEDED,
    Status.AHEAD: Status.ON_TRACK,
    Status.ON_TRACK: Status.ON_TRACK,
    Status.ASSIGNED_MET: Status.ON_TRACK,
    Status.BEHIND: Status.BEHIND,
    Status.ASSIGNED_MISSED: Status.BEHIND,
    Status.NO_DATA: Status.NO_DATA,
    Status.PENDING: Status.PENDING,
    Status.STALE: Status.STALE,
}


def summarize(assessments: Iterable[IndicatorAssessment]) -> PlanSummary:
    """Counts per top-level indicator, as the report counts them (完成市定目标 counts as 达到预期)."""
    top = [a for a in assessments if a.indicator.parent_id is None]
    names: dict[Status, list[str]] = {s: [] for s in set(STATUS_GROUP.values())}
    final = bool(top) and all(a.verdict.final or a.verdict.stale or a.verdict.data_period is None for a in top)
    for a in top:
        names[STATUS_GROUP[a.verdict.status]].append(a.indicator.name)
    binding = [a for a in top if a.indicator.attribute == "binding"]
    return PlanSummary(
        total=len(top),
        binding=len(binding),
        expected=sum(1 for a in top if a.indicator.attribute == "expected"),
        exceeded=len(names[Status.EXCEEDED]),
        on_track=len(names[Status.ON_TRACK]),
        good=len(names[Status.EXCEEDED]) + len(names[Status.ON_TRACK]),
        behind=len(names[Status.BEHIND]),
        no_data=len(names[Status.NO_DATA]),
        pending=len(names[Status.PENDING]),
        names=names,
        binding_behind=sum(1 for a in binding if STATUS_GROUP[a.verdict.status] == Status.BEHIND),
        stale=len(names[Status.STALE]),
        final=final,
    )
