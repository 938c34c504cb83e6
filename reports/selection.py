"""Which region, plan and as-of period a report page shows, from the GET parameters ``region``, ``plan``, ``as_of``.

A bad or out-of-plan value never fails: the page falls back to the default and says so in Chinese.
Queries: the user's home region (1, with a user), the region tree (1), the plan list (1), the default plan (1)
only when no plan was chosen, and the latest period with data (1) only when the default as-of is needed.
The user lands on their home region; only the plans of the user's scope (a region subtree) are offered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils import timezone

from indicators.assessment import default_plan, latest_period_with_data
from indicators.models import Plan, Region
from indicators.periods import Period, PeriodError, plan_periods

if TYPE_CHECKING:
    from indicators.roles import AnyUser

AS_OF_INVALID = "评估期“{value}”无法识别（请写作 2023、2023H1 或 2023Q3），已改为显示{default}。"
AS_OF_OUTSIDE = "评估期{label}不在规划期（{start}–{end}年）内，已改为显示{default}。"
PLAN_INVALID = "未找到所选规划，已改为显示{plan}。"
REGION_INVALID = "未找到所选行政区划，或它不在您的查看范围内，已改为显示{region}。"
REGION_WITHOUT_PLAN = "{region}尚无规划；请选择下级行政区划，或查看下级汇总。"


@dataclass(frozen=True)
class RegionChoice:
    region: Region
    depth: int  # 0 for the top of the user's scope
    has_plans: bool
    has_children: bool

    @property
    def indent(self) -> str:
        return "\u3000" * self.depth


def region_tree(user: AnyUser | None) -> tuple[dict[int, Region], list[RegionChoice]]:
    """The regions of the user's scope in tree order (one query for the tree, one for the plans' regions)."""
    from indicators.roles import scope_region_ids

    scope = scope_region_ids(user) if user is not None else None
    regions = {r.pk: r for r in Region.objects.all()}
    children: dict[int | None, list[Region]] = {}
    for r in sorted(regions.values(), key=lambda r: (r.name, r.pk)):
        children.setdefault(r.parent_id, []).append(r)
    for r in regions.values():  # the parent is known: str(region) needs no query
        if r.parent_id is not None:
            r.parent = regions[r.parent_id]
    if scope is None:
        roots = [r for r in regions.values() if r.parent_id is None]
    else:
        roots = [r for r in regions.values() if r.pk in scope and r.parent_id not in scope]
    ordered: list[RegionChoice] = []

    def walk(region: Region, depth: int) -> None:
        ordered.append(RegionChoice(region, depth, False, bool(children.get(region.pk))))
        for child in children.get(region.pk, ()):
            walk(child, depth + 1)

    for root in sorted(roots, key=lambda r: (r.name, r.pk)):
        walk(root, 0)
    return regions, ordered


NO_DATA_YET = "该规划尚无已审核的数据"


@dataclass(frozen=True)
class Selection:
    plan: Plan | None
    plans: tuple[Plan, ...]  # the chosen region's plans (all plans in scope when no region is chosen)
    as_of: Period | None
    options: tuple[tuple[int, tuple[Period, ...]], ...] = ()  # per year, for the <select>
    warnings: tuple[str, ...] = field(default=())
    region: Region | None = None
    regions: tuple[RegionChoice, ...] = ()  # the chooser: the user's scope in tree order
    all_plans: int = 0  # how many plans the user's scope holds

    @property
    def region_has_children(self) -> bool:
        return self.region is not None and any(c.region.pk == self.region.pk and c.has_children for c in self.regions)

    @property
    def query(self) -> str:
        """``plan=…&as_of=…`` to keep the choice in links and downloads."""
        params = {}
        if self.plan is not None and self.all_plans > 1:
            params["plan"] = str(self.plan.pk)
        if self.as_of is not None:
            params["as_of"] = self.as_of.code
        return urlencode(params)


def common_ancestor(members: list[Region], regions: dict[int, Region]) -> Region | None:
    """The lowest region above or at every member (None when they lie in different trees)."""

    def path(region: Region) -> list[int]:
        chain = [region.pk]
        while region.parent_id is not None:
            region = regions[region.parent_id]
            chain.append(region.pk)
        return chain[::-1]

    paths = [path(m) for m in members]
    shared = None
    for level in zip(*paths, strict=False):
        if len(set(level)) != 1:
            break
        shared = level[0]
    return regions.get(shared) if shared is not None else None


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
    from indicators.roles import home_region_id, scoped

    user = getattr(request, "user", None)
    regions, tree = region_tree(user)
    in_scope = {c.region.pk for c in tree}
    all_plans = [p for p in Plan.objects.all() if p.region_id in in_scope] if user is None else []
    if user is not None:
        all_plans = list(scoped(Plan.objects.all(), user))
    for p in all_plans:  # the region is known from the tree: no select_related needed
        p.region = regions[p.region_id]
    with_plans = {p.region_id for p in all_plans}
    tree = [RegionChoice(c.region, c.depth, c.region.pk in with_plans, c.has_children) for c in tree]
    warnings: list[str] = []
    if not all_plans and fixed_plan is None:
        return Selection(plan=None, plans=(), as_of=None, regions=tuple(tree))
    wanted_plan = request.GET.get("plan", "").strip()
    wanted_region = request.GET.get("region", "").strip()
    plan: Plan | None = fixed_plan
    if plan is None and wanted_plan:
        plan = next((p for p in all_plans if str(p.pk) == wanted_plan), None)
    region: Region | None = regions.get(plan.region_id) if plan is not None else None
    if region is None and wanted_region:
        region = regions.get(int(wanted_region)) if wanted_region.isdigit() else None
        if region is not None and region.pk not in in_scope:
            region = None
        if region is None:
            warnings.append(REGION_INVALID.format(region="{region}"))
    if region is None and user is not None:
        home = home_region_id(user)
        region = regions.get(home) if home in in_scope else None  # a city without plans shows its chooser
    if region is None and len(with_plans) > 1:
        # No home region and plans in several regions (a province): land where they meet, not on the first
        # county by name, and without scanning every plan's figures for a default.
        region = common_ancestor([regions[pk] for pk in with_plans], regions)
    plans = tuple(p for p in all_plans if region is None or p.region_id == region.pk)
    if plan is None and region is not None and not plans:
        shown = [w.replace("{region}", str(region)) for w in warnings]
        return Selection(
            plan=None,
            plans=(),
            as_of=None,
            region=region,
            regions=tuple(tree),
            all_plans=len(all_plans),
            warnings=(*shown, REGION_WITHOUT_PLAN.format(region=region)),
        )
    if plan is None:
        plan = default_plan(plans, timezone.localdate())  # one query, only when no plan was chosen
        assert plan is not None
        if wanted_plan:
            warnings.append(PLAN_INVALID.format(plan=plan.name))
    if region is None:
        region = regions.get(plan.region_id)
        plans = tuple(p for p in all_plans if p.region_id == plan.region_id)
    warnings = [w.replace("{region}", str(region)) for w in warnings]
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
    return Selection(
        plan=plan,
        plans=plans,
        as_of=as_of,
        options=options,
        warnings=tuple(warnings),
        region=region,
        regions=tuple(tree),
        all_plans=len(all_plans),
    )
