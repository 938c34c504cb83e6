"""What the entry and review pages show, built from a fixed number of queries (no request, no response): the
entry grid, the review queue with each figure's history, and the history records as old → new changes."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef

from indicators.annual_assessment import annual_result
from indicators.assessment import IndicatorAssessment, assess_plan, latest_period_with_data
from indicators.collection_views import review_queue
from indicators.models import Department, Indicator, Observation, PeriodLock, Plan, ReviewStatus, Series
from indicators.numbers import printed
from indicators.periods import Period, plan_periods


def grid_periods(plan: Plan, today: datetime.date) -> list[Period]:
    """The base year, then each half year and year of the plan that has begun by ``today``."""
    periods = [Period(plan.base_year), *plan_periods(plan.base_year, plan.end_year)]
    return [p for p in periods if p.year <= today.year]


def history_rows(records: list[Any], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """History records (newest first) as rows with old → new per changed field."""
    rows = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, included_fields=list(fields))
            for change in delta.changes:
                changes.append(
                    {
                        "field": record.instance_type._meta.get_field(change.field).verbose_name,
                        "old": _shown(previous, change.field, change.old),
                        "new": _shown(record, change.field, change.new),
                    }
                )
        rows.append(
            {
                "record": record,
                "kind": {"+": "新建", "~": "修改", "-": "删除"}[record.history_type],
                "changes": changes,
                "summary": _summary(record, fields) if not changes else "",
            }
        )
    return rows


def _summary(record: Any, fields: tuple[str, ...]) -> str:
    """What a record holds when there is no earlier one to compare with (creation, deletion)."""
    if "value" in fields:
        shown = "暂无数据" if record.no_data else _shown(record, "value", record.value)
        return f"数值 {shown}（{record.get_status_display()}）"
    if "target_text" in fields:
        return f"目标 {record.target_text or '—'}（{record.get_target_kind_display() or '未分类'}）"
    return ""


def _shown(record: Any, name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    model_field = record.instance_type._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name == "value":  # as printed, with the decimals recorded alongside
        return printed(value, record.decimals)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


OBSERVATION_AUDIT_FIELDS = ("value", "no_data", "decimals", "note", "source", "status", "review_note")
TARGET_AUDIT_FIELDS = ("target_text", "target_kind", "target_value", "target_direction", "target_set_manually")


@dataclass
class GridCell:
    period: Period
    observation: Observation | None
    locked: bool
    applies: bool = True  # the period lies in a plan reading the series


@dataclass
class PlanVerdict:
    indicator: Indicator
    assessment: IndicatorAssessment | None
    preview: IndicatorAssessment | None

    def _label(self, assessment: IndicatorAssessment | None) -> str:
        if assessment is None:
            return ""
        plan = self.indicator.plan
        return annual_result(plan, assessment).label if plan.is_annual else assessment.label

    @property
    def label(self) -> str:
        """The plan's wording: an annual plan says 完成 / 基本完成 / 未完成 / 暂无数据."""
        return self._label(self.assessment)

    @property
    def preview_label(self) -> str:
        return self._label(self.preview)


@dataclass
class GridRow:
    series: Series
    indicators: list[Indicator]
    cells: list[GridCell]
    verdicts: list[PlanVerdict] = field(default_factory=list)
    drafts: int = 0


@dataclass
class Grid:
    plans: list[Plan]
    periods: list[Period]
    rows: list[GridRow] = field(default_factory=list)
    drafts: int = 0


def _open_plans(plans: list[Plan], today: datetime.date) -> list[Plan]:
    """Plans whose periods have begun by ``today`` (a plan drafted for later has nothing to enter yet)."""
    return [p for p in plans if p.base_year <= today.year]


def build_grid(plans: list[Plan], user: Any, today: datetime.date) -> Grid:
    """One row per series the user may enter that an open plan reads, with every open plan's periods up to
    today; a figure entered here is read by every plan using the series.

    Queries: the leaf indicators of the plans that the user may enter (with series); the series' observations;
    the plans' locks; then per plan with rows, the dashboard's default as-of and assess_plan twice (approved
    only at that as-of, and with submitted figures) — a fixed number whatever the number of rows."""
    plans = _open_plans(plans, today)
    has_children = Indicator.objects.filter(parent=OuterRef("pk"))
    indicators = list(
        Indicator.objects.filter(plan__in=plans, series__isnull=False)
        .editable_by(user)
        .filter(~Exists(has_children))
        .select_related("plan", "category", "parent", "series", "series__department")
        .order_by("plan__base_year", "plan_id", "category__order", "order", "pk")
    )
    by_plan = {p.pk: p for p in plans}
    used_plans = [p for p in plans if any(i.plan_id == p.pk for i in indicators)]
    periods = sorted({period for plan in used_plans for period in grid_periods(plan, today)}, key=lambda p: p.sort_key)
    grid = Grid(plans=used_plans, periods=periods)
    if not indicators:
        return grid
    readers: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        readers[indicator.series_id].append(indicator)  # type: ignore[index]
    by_cell = {(o.series_id, o.year, o.part): o for o in Observation.objects.filter(series_id__in=list(readers))}
    locked = {(lock.plan_id, lock.year, lock.part) for lock in PeriodLock.objects.filter(plan__in=used_plans)}
    approved: dict[int, IndicatorAssessment] = {}
    preview: dict[int, IndicatorAssessment] = {}
    counted = {ReviewStatus.APPROVED, ReviewStatus.SUBMITTED}
    for plan in used_plans:
        # The verdict is the dashboard's: judged at the as-of the report pages open at (the latest period whose
        # approved data is reasonably complete, else the plan's first year), so the two never disagree.
        as_of = latest_period_with_data(plan) or Period(plan.base_year + 1)
        approved |= {a.indicator.pk: a for a in assess_plan(plan, as_of)}
        # The preview shows what the submitted figures would change: at the latest period holding an approved
        # or submitted figure (a clerk's unsent draft must not move it), never before the dashboard's as-of.
        plan_series = {i.series_id for i in indicators if i.plan_id == plan.pk}
        dated = [
            Period(o.year, o.part)
            for o in by_cell.values()
            if o.series_id in plan_series and o.status in counted and plan.base_year < o.year <= plan.end_year
        ]
        pending_at = max([as_of, *dated], key=lambda p: p.sort_key)
        preview |= {a.indicator.pk: a for a in assess_plan(plan, pending_at, include_pending=True)}
    for series_id, reading in readers.items():
        series = reading[0].series
        assert series is not None
        cells = []
        for period in periods:
            inside = [i.plan for i in reading if _period_in_plan(by_plan[i.plan_id], period)]
            cells.append(
                GridCell(
                    period=period,
                    observation=by_cell.get((series_id, period.year, period.part)),
                    locked=any((plan.pk, period.year, period.part) in locked for plan in inside),
                    applies=bool(inside),
                )
            )
        drafts = sum(
            1
            for c in cells
            if c.observation and not c.locked and c.observation.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED)
        )
        grid.drafts += drafts
        grid.rows.append(
            GridRow(
                series=series,
                indicators=reading,
                cells=cells,
                verdicts=[PlanVerdict(i, approved.get(i.pk), preview.get(i.pk)) for i in reading],
                drafts=drafts,
            )
        )
    return grid


def _period_in_plan(plan: Plan, period: Period) -> bool:
    return period == Period(plan.base_year) or plan.base_year < period.year <= plan.end_year


@dataclass
class ReviewRow:
    observation: Observation
    history: list[Any]
    previous_approved: str  # the value as last approved, "" if never
    past: list[tuple[str, str]]  # the indicator's other approved figures: (period label, value)


def build_review(
    plan: Plan | None, department: Department | None = None, period: Period | None = None
) -> tuple[list[ReviewRow], list[Observation]]:
    """Queries: submitted figures with their series; their history records; the approved figures
    of the same series; the returned figures still with the clerks — four whatever the count."""
    queue = (
        review_queue(department, period)
        .select_related("series", "series__department", "entered_by")
        .order_by("series__region", "series__name", "series__unit", "year", "part")
    )
    returned = Observation.objects.filter(status=ReviewStatus.RETURNED).select_related(
        "series", "series__department", "entered_by"
    )
    if department is not None:
        returned = returned.filter(series__department=department)
    if period is not None:
        returned = returned.filter(year=period.year, part=period.part)
    if plan is not None:
        queue = queue.of_plan(plan)
        returned = returned.of_plan(plan)
    observations = list(queue)
    ids = [o.pk for o in observations]
    records: dict[int, list[Any]] = defaultdict(list)
    history_model = Observation.history.model
    for record in (
        history_model.objects.filter(id__in=ids)
        .select_related("history_user")
        .order_by("id", "-history_date", "-history_id")
    ):
        records[record.id].append(record)
    past: dict[int, list[Observation]] = defaultdict(list)
    for other in (
        Observation.objects.approved()
        .filter(series_id__in={o.series_id for o in observations})
        .order_by("year", "part")
    ):
        past[other.series_id].append(other.counted() or other)
    rows = []
    for observation in observations:
        history = records[observation.pk]
        approved = next((r for r in history if r.status == ReviewStatus.APPROVED), None)
        previous = ""
        if approved is not None:
            previous = "暂无数据" if approved.no_data else printed(approved.value, approved.decimals)
        rows.append(
            ReviewRow(
                observation=observation,
                history=history_rows(history, OBSERVATION_AUDIT_FIELDS)[:6],
                previous_approved=previous,
                past=[
                    (o.period.label, o.display_value)
                    for o in sorted(past[observation.series_id], key=lambda o: o.period.sort_key)
                    if o.pk != observation.pk
                ],
            )
        )
    return rows, list(returned.order_by("series__name", "year", "part"))
