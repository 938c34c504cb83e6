"""Data collection as a department lives it (issue 14): one period's figures on one page, the to-do counts of
the navigation, and the collection board (填报进度). Read side only; writes go through indicators.services."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from indicators import roles
from indicators.evaluation import Point, infer_frequency
from indicators.models import (
    CollectionDeadline,
    Department,
    Indicator,
    Observation,
    PeriodLock,
    Plan,
    ReviewStatus,
    Series,
    SeriesFrequency,
)
from indicators.periods import Period, plan_periods
from indicators.xlsx_layout import append_row, print_landscape

DONE = (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED)  # handed in: nothing left for the department to do


def period_ended(period: Period, today: datetime.date) -> bool:
    """A period can be reported once it is over: 2025 from 2026-01-01, 2026H1 from 2026-07-01."""
    if period.is_full_year or period.part in ("H2", "Q4"):
        return today.year > period.year
    month = {"H1": 7, "Q1": 4, "Q2": 7, "Q3": 10}[period.part]
    return (today.year, today.month) >= (period.year, month) or today.year > period.year


def current_period(today: datetime.date) -> Period:
    """The latest year or half year that is over: what departments collect now (2026-11 → 2026年上半年)."""
    return Period(today.year, "H1") if today.month >= 7 else Period(today.year - 1)


def in_plan(plan: Plan, period: Period) -> bool:
    """The base year (full year only) and every period after it up to the target year."""
    return period == Period(plan.base_year) or plan.base_year < period.year <= plan.end_year


def entry_periods(plans: list[Plan], today: datetime.date) -> list[Period]:
    """The periods a department may fill on the whole-period page: each plan's years and half years that are
    over by ``today`` (latest first), the base years included."""
    found: set[Period] = set()
    for plan in plans:
        for period in [Period(plan.base_year), *plan_periods(plan.base_year, plan.end_year)]:
            if period_ended(period, today):
                found.add(period)
    return sorted(found, key=lambda p: p.sort_key, reverse=True)


# --- one period, every series of the department --------------------------------------------------


@dataclass
class PeriodRow:
    series: Series
    indicators: list[Indicator]
    observation: Observation | None
    previous: Observation | None  # the latest approved figure of the same kind of period before, for reference
    locked_by: tuple[str, ...] = ()  # the plans whose lock of the period closes this figure
    form: Any = None  # the row's bound or unbound form, set by the view

    @property
    def locked(self) -> bool:
        return bool(self.locked_by)


def period_rows(
    plans: list[Plan], period: Period, user: Any, *, department: Department | None = None
) -> list[PeriodRow]:
    """One row per series ``user`` may enter that a plan reads for ``period``, in the plans' print order.

    Queries: the leaf indicators (with series, department, plan, category); the figures of the period; the
    earlier approved figures of the same kind of period; the locks of the period — four at any size."""
    plans = [p for p in plans if in_plan(p, period)]
    has_children = Indicator.objects.filter(parent=OuterRef("pk"))
    indicators = (
        Indicator.objects.filter(plan__in=plans, series__isnull=False)
        .editable_by(user)
        .filter(~Exists(has_children))
        .select_related("plan", "category", "series", "series__department")
        .order_by("plan__base_year", "plan_id", "category__order", "order", "pk")
    )
    if department is not None:
        indicators = indicators.filter(series__department=department)
    readers: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        readers[indicator.series_id].append(indicator)  # type: ignore[index]
    if not readers:
        return []
    ids = list(readers)
    figures = Observation.objects.filter(series_id__in=ids, year=period.year, part=period.part)
    current = {o.series_id: o for o in figures}
    previous: dict[int, Observation] = {}
    for earlier in (
        Observation.objects.approved(with_data=True)
        .filter(series_id__in=ids, part=period.part, year__lt=period.year)
        .order_by("year")
    ):
        previous[earlier.series_id] = earlier.counted() or earlier  # the latest wins
    locked_plans = dict(
        PeriodLock.objects.filter(plan__in=plans, year=period.year, part=period.part).values_list(
            "plan_id", "plan__name"
        )
    )
    return [
        PeriodRow(
            series=reading[0].measured_series,
            indicators=reading,
            observation=current.get(series_id),
            previous=previous.get(series_id),
            locked_by=tuple(sorted({locked_plans[i.plan_id] for i in reading if i.plan_id in locked_plans})),
        )
        for series_id, reading in readers.items()
    ]


# --- to-dos in the navigation --------------------------------------------------------------------


@dataclass(frozen=True)
class Todo:
    to_review: int = 0  # 待审核 (reviewers)
    returned: int = 0  # 被退回 (clerks: their department's figures)
    to_fill: int = 0  # 待填报 (clerks: series without a handed-in figure for ``period``)
    period: Period | None = None
    clerk: bool = False
    reviewer: bool = False


def todo_counts(user: Any, today: datetime.date) -> Todo:
    """The counts shown in the navigation: one query for a reviewer, one for a clerk (after the user's groups
    and profile, which the navigation reads anyway)."""
    reviewer = roles.is_reviewer(user)
    clerk = roles.is_clerk(user) and roles.department_id(user) is not None
    to_review = Observation.objects.awaiting_review().count() if reviewer else 0
    returned = to_fill = 0
    period = None
    if clerk:
        last_year = Period(today.year - 1)  # 待填报 counts the last full year: every series reports it
        read_then = Indicator.objects.filter(
            series=OuterRef("pk"), plan__base_year__lt=last_year.year, plan__end_year__gte=last_year.year
        )
        handed_in = Observation.objects.filter(
            series=OuterRef("pk"), year=last_year.year, part=last_year.part, status__in=DONE
        )
        # A locked period is closed to the clerk: nothing there is theirs to do (returned or missing).
        locked_then = PeriodLock.objects.filter(
            plan__indicators__series=OuterRef("pk"), year=last_year.year, part=last_year.part
        )
        returned_locked = PeriodLock.objects.filter(
            plan__indicators__series=OuterRef("pk"),
            year=OuterRef("observations__year"),
            part=OuterRef("observations__part"),
        )
        counts = Series.objects.filter(department_id=roles.department_id(user) or 0).aggregate(
            returned=Count(
                "observations", filter=Q(observations__status=ReviewStatus.RETURNED) & ~Q(Exists(returned_locked))
            ),
            to_fill=Count(
                "pk", distinct=True, filter=Q(Exists(read_then)) & ~Q(Exists(handed_in)) & ~Q(Exists(locked_then))
            ),
        )
        returned, to_fill, period = counts["returned"], counts["to_fill"], last_year
    return Todo(to_review=to_review, returned=returned, to_fill=to_fill, period=period, clerk=clerk, reviewer=reviewer)


def returned_figures(user: Any) -> list[Observation]:
    """The department's figures sent back by a reviewer, oldest first, with the reviewer's note (one query); not those
    of a locked period, which the clerk can no longer change."""
    locked = PeriodLock.objects.filter(
        plan__indicators__series=OuterRef("series"), year=OuterRef("year"), part=OuterRef("part")
    )
    return list(
        Observation.objects.filter(status=ReviewStatus.RETURNED, series__in=Series.objects.editable_by(user))
        .exclude(Exists(locked))
        .select_related("series")
        .order_by("updated_at", "pk")
    )


# --- the collection board (填报进度) --------------------------------------------------------------

NOT_STARTED = "not_started"
BOARD_STATES = (
    (NOT_STARTED, "未填报"),
    (ReviewStatus.DRAFT.value, "草稿"),
    (ReviewStatus.SUBMITTED.value, "待审核"),
    (ReviewStatus.RETURNED.value, "退回修改"),
    (ReviewStatus.APPROVED.value, "已审核"),
)


@dataclass
class BoardCell:
    period: Period
    expected: int  # series the department reports for this period
    counts: dict[str, int]
    deadline: datetime.date | None
    overdue: bool
    ended: bool = True  # the period is over (its figures can be reported); False: a deadline set ahead of it

    @property
    def state(self) -> str:
        """One word for the cell: 无需报送 / 已完成 / 逾期 / 未填报 / 进行中 / 未开始.

        Nothing handed in for a period that is over is 未填报 (the word the counts use), however long ago; only
        a period not yet over (shown because a deadline is set ahead) is 未开始."""
        if not self.expected:
            return "无需报送"
        if self.counts[ReviewStatus.APPROVED] == self.expected:
            return "已完成"
        if self.overdue:
            return "逾期"
        if self.counts[NOT_STARTED] == self.expected:
            return "未填报" if self.ended else "未开始"
        return "进行中"

    @property
    def parts(self) -> list[tuple[str, str, int]]:
        """(state, label, count) of the non-zero counts, for the cell's text."""
        return [(key, label, self.counts[key]) for key, label in BOARD_STATES if self.counts[key]]


@dataclass
class BoardRow:
    department: Department | None
    series: int
    cells: list[BoardCell]


@dataclass
class Board:
    plan: Plan
    periods: list[Period]
    deadlines: dict[Period, datetime.date]
    rows: list[BoardRow] = field(default_factory=list)


def _expects(series: Series, period: Period, points: list[Point]) -> bool:
    """Every series reports full years; a half year only a series reported half-yearly or quarterly, set on the
    series or inferred from its figures by the same rule the verdicts use (indicators.evaluation)."""
    if period.is_full_year:
        return True
    return (series.frequency or infer_frequency(points)) in (SeriesFrequency.HALF, SeriesFrequency.QUARTER)


def build_board(plan: Plan, today: datetime.date) -> Board:
    """Department × period of ``plan``: how many of the department's series are not started, draft, submitted,
    returned or approved, against the period's deadline. Periods: those over by ``today`` or with a deadline.

    Queries: the plan's leaf indicators (with series and department); the figures of those series in the plan's
    years; the plan's deadlines — three whatever the number of departments, series and periods."""
    has_children = Indicator.objects.filter(parent=OuterRef("pk"))
    series_by_id: dict[int, Series] = {}
    for indicator in (
        Indicator.objects.of_plan(plan)
        .filter(series__isnull=False)
        .filter(~Exists(has_children))
        .select_related("series", "series__department")
    ):
        series_by_id[indicator.series_id] = indicator.measured_series  # type: ignore[index]
    status: dict[tuple[int, int, str], str] = {}
    points: dict[int, list[Point]] = defaultdict(list)
    for series_id, year, part, state, value in Observation.objects.filter(
        series_id__in=list(series_by_id), year__gt=plan.base_year, year__lte=plan.end_year
    ).values_list("series_id", "year", "part", "status", "value"):
        status[(series_id, year, part)] = state
        points[series_id].append(Point(Period(year, part), value))
    deadlines = {d.period: d.due for d in CollectionDeadline.objects.filter(plan=plan)}
    periods = [p for p in plan_periods(plan.base_year, plan.end_year) if period_ended(p, today) or p in deadlines]
    board = Board(plan=plan, periods=periods, deadlines=deadlines)
    by_department: dict[int | None, list[Series]] = defaultdict(list)
    for series in series_by_id.values():
        by_department[series.department_id].append(series)

    def department_name(pk: int | None) -> str:
        department = by_department[pk][0].department
        return department.name if department is not None else ""

    departments = sorted(by_department, key=lambda pk: (pk is None, department_name(pk)))
    for department_pk in departments:
        members = by_department[department_pk]
        cells = []
        for period in periods:
            expected = [s for s in members if _expects(s, period, points[s.pk])]
            counts: Counter[str] = Counter({key: 0 for key, _ in BOARD_STATES})
            for series in expected:
                counts[status.get((series.pk, period.year, period.part), NOT_STARTED)] += 1
            due = deadlines.get(period)
            open_work = counts[NOT_STARTED] + counts[ReviewStatus.DRAFT] + counts[ReviewStatus.RETURNED]
            cells.append(
                BoardCell(
                    period=period,
                    expected=len(expected),
                    counts=dict(counts),
                    deadline=due,
                    overdue=due is not None and today > due and open_work > 0,
                    ended=period_ended(period, today),
                )
            )
        board.rows.append(BoardRow(department=members[0].department, series=len(members), cells=cells))
    # A half year nobody reports (and nobody set a deadline for) is no column at all.
    keep = [
        index
        for index, period in enumerate(periods)
        if period in deadlines or any(row.cells[index].expected for row in board.rows)
    ]
    board.periods = [periods[i] for i in keep]
    for row in board.rows:
        row.cells = [row.cells[i] for i in keep]
    return board


BOARD_HEADERS = ("责任单位", "期间", "截止日期", "应报", *(label for _, label in BOARD_STATES), "状态")


def board_workbook(board: Board) -> Any:
    """The board as one sheet, a line per department and period (filterable in Excel)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "填报进度"
    append_row(sheet, [f"{board.plan.name} 填报进度"])
    append_row(sheet, BOARD_HEADERS)
    for row in board.rows:
        name = row.department.name if row.department else "未分配单位"
        for cell in row.cells:
            append_row(
                sheet,
                [
                    name,
                    cell.period.label,
                    cell.deadline.isoformat() if cell.deadline else "",
                    cell.expected,
                    *(cell.counts[key] for key, _ in BOARD_STATES),
                    cell.state,
                ],
            )
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 12
    print_landscape(sheet, header_rows="1:2", freeze="A3")  # like the other exports
    return workbook
