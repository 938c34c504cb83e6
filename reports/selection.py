"""Which plan and which as-of period a report page shows, from the GET parameters ``plan`` and ``as_of``.

A bad or out-of-plan value never fails: the page falls back to the default and says so in Chinese.
Queries: the plan list (1), plus the latest period with data (1) only when the default as-of is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils import timezone

from indicators.assessment import default_plan, latest_period_with_data
from indicators.models import Plan
from indicators.periods import Period, PeriodError, plan_periods

AS_OF_INVALID = "评估期“{value}”无法识别（请写作 2023、2023H1 或 2023Q3），已改为显示{default}。"
AS_OF_OUTSIDE = "评估期{label}不在规划期（{start}–{end}年）内，已改为显示{default}。"
PLAN_INVALID = "未找到所选规划，已改为显示{plan}。"
NO_DATA_YET = "该规划尚无已审核的数据"


@dataclass(frozen=True)
class Selection:
    plan: Plan | None
    plans: tuple[Plan, ...]
    as_of: Period | None
    options: tuple[tuple[int, tuple[Period, ...]], ...] = ()  # per year, for the <select>
    warnings: tuple[str, ...] = field(default=())

    @property
    def query(self) -> str:
        """``plan=…&as_of=…`` to keep the choice in links and downloads."""
        params = {}
        if self.plan is not None and len(self.plans) > 1:
            params["plan"] = str(self.plan.pk)
        if self.as_of is not None:
            params["as_of"] = self.as_of.code
        return urlencode(params)


def default_as_of(plan: Plan) -> Period:
    """The latest period with approved data, or the first year of the plan when there is none."""
    return latest_period_with_data(plan) or Period(plan.base_year + 1)


def in_plan(plan: Plan, period: Period) -> bool:
    return plan.base_year < period.year <= plan.end_year


def selectable_periods(plan: Plan, as_of: Period) -> list[Period]:
    """The plan's years and half years (上半年), plus the period shown if it is another kind (a quarter typed
    into the address): nobody picks among 35 periods of which most were never reported. No query."""
    wanted = set(plan_periods(plan.base_year, plan.end_year))
    wanted.add(as_of)
    return sorted(wanted, key=lambda p: p.sort_key)


def select(request: HttpRequest, *, fixed_plan: Plan | None = None) -> Selection:
    """``fixed_plan``: a page about one indicator shows that indicator's plan, whatever ``plan`` says."""
    plans = tuple(Plan.objects.select_related("region"))
    warnings: list[str] = []
    if not plans:
        return Selection(plan=None, plans=(), as_of=None)
    wanted_plan = request.GET.get("plan", "").strip()
    plan: Plan | None = fixed_plan
    if plan is None and wanted_plan:
        plan = next((p for p in plans if str(p.pk) == wanted_plan), None)
    if plan is None:
        plan = default_plan(plans, timezone.localdate())  # one query, only when no plan was chosen
        assert plan is not None
        if wanted_plan:
            warnings.append(PLAN_INVALID.format(plan=plan.name))
    as_of: Period | None = None
    raw = request.GET.get("as_of", "").strip()
    if raw:
        try:
            as_of = Period.parse(raw)
        except PeriodError:
            warnings.append(AS_OF_INVALID.format(value=raw[:20], default="{default}"))
        else:
            if not in_plan(plan, as_of):
                warnings.append(
                    AS_OF_OUTSIDE.format(
                        label=as_of.label, start=plan.base_year + 1, end=plan.end_year, default="{default}"
                    )
                )
                as_of = None
    if as_of is None:
        as_of = default_as_of(plan)
        warnings = [w.replace("{default}", as_of.label) for w in warnings]
    periods = selectable_periods(plan, as_of)
    options = tuple(
        (year, tuple(p for p in periods if p.year == year)) for year in range(plan.base_year + 1, plan.end_year + 1)
    )
    return Selection(plan=plan, plans=plans, as_of=as_of, options=options, warnings=tuple(warnings))
