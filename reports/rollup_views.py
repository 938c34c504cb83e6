"""The roll-up pages of a region with lower regions: access → selection → one build → render (issue 12)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from indicators.assessment import latest_period_with_data_of_plans
from indicators.models import Plan, Region
from indicators.periods import FULL_YEAR, Period, PeriodError, plan_periods
from indicators.roles import check_region, scoped
from indicators.xlsx_layout import save_workbook
from reports import figures
from reports.rollup import Rollup, cached_rollup, cycles, plans_below
from reports.rollup_render import build_rollup_workbook, indicator_chart
from reports.selection import region_tree

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_LOWER_PLANS = "{region}的下级行政区划尚无规划，无法汇总。"
ROLLUP_PARTS = (FULL_YEAR, "H1")  # the periods the chooser offers: years and half years (2023年上半年, 中期评估)
AS_OF_INVALID = "评估期“{value}”无法识别（请写作 2023、2023H1 或 2023Q3），已改为显示{default}。"


def _rollup(request: HttpRequest, pk: int) -> tuple[Rollup | None, dict[str, Any]]:
    """Queries: the user's home region and the region tree (scope), the tree for the chooser, the plans below,
    the latest period with figures (only without ``as_of``), the plans' data versions and their stored verdicts, then
    for stale plans only ``assess_plans``' four and one upsert (``reports.rollup.precomputed``)."""
    check_region(request.user, pk)
    regions, choices = region_tree(request.user)
    region = regions.get(pk)
    if region is None:
        raise Http404("未找到该行政区划。")
    tree: dict[int | None, list[Region]] = {}
    for r in sorted(regions.values(), key=lambda r: (r.name, r.pk)):
        tree.setdefault(r.parent_id, []).append(r)
    below: set[int] = set()
    todo = [region.pk]
    while todo:
        for child in tree.get(todo.pop(), ()):
            below.add(child.pk)
            todo.append(child.pk)
    candidates = list(scoped(Plan.objects.filter(region_id__in=below), request.user))
    found = cycles(candidates)
    context: dict[str, Any] = {"region": region, "choices": choices, "cycles": found, "warnings": []}
    if not found:
        context["empty"] = NO_LOWER_PLANS.format(region=region)
        return None, context
    wanted = request.GET.get("cycle", "")
    cycle = next((c for c in found if f"{c[0]}-{c[1]}" == wanted), found[0])
    plans = plans_below(region, tree, candidates, cycle)
    as_of = None
    raw = request.GET.get("as_of", "").strip()
    if raw:
        try:
            as_of = Period.parse(raw)
        except PeriodError:
            context["warnings"].append(AS_OF_INVALID.format(value=raw[:20], default="{default}"))
    if as_of is None or not cycle[0] < as_of.year <= cycle[1]:
        # As the single-plan pages choose (``latest_period_with_data``), over all the plans shown, among the periods
        # the chooser offers: the latest year or half year that at least half the plans' indicators report.
        as_of = latest_period_with_data_of_plans(plans, parts=ROLLUP_PARTS)
        if as_of is None:
            as_of = Period(min(max(timezone.localdate().year, cycle[0] + 1), cycle[1]))
    context["warnings"] = [w.replace("{default}", as_of.label) for w in context["warnings"]]
    context.update(cycle=cycle, as_of=as_of)
    return cached_rollup(region, regions, plans, as_of), context


def rollup_periods(cycle: tuple[int, int], as_of: Period) -> list[Period]:
    """The chooser's periods: the plan period's half years and years in order, plus the one shown if another kind."""
    return sorted({*plan_periods(*cycle), as_of}, key=lambda p: p.sort_key)


def _sort(request: HttpRequest, rollup: Rollup) -> tuple[str, bool]:
    by = request.GET.get("sort", "")
    if not (by == "share" or (by.isdigit() and int(by) < len(rollup.columns))):
        by = ""
    return by, request.GET.get("dir", "") == "desc"


def rollup_page(request: HttpRequest, pk: int) -> HttpResponse:
    rollup, context = _rollup(request, pk)
    if rollup is None:
        return render(request, "reports/rollup.html", context)
    by, descending = _sort(request, rollup)
    rows = rollup.sorted_rows(by, descending)
    chosen = int(by) if by.isdigit() else (0 if rollup.columns else None)
    base = {"as_of": rollup.as_of.code, "cycle": f"{rollup.cycle[0]}-{rollup.cycle[1]}"}
    context.update(
        rollup=rollup,
        rows=rows,
        sort=by,
        descending=descending,
        base_query=urlencode(base),
        sort_query=urlencode({**base, **({"sort": by} if by else {}), **({"dir": "desc"} if descending else {})}),
        column=rollup.columns[chosen] if chosen is not None else None,
        ranking=rollup.ranking(chosen) if chosen is not None else [],
        lagging=[(column, [row.region.name for row in behind]) for column, behind in rollup.lagging_on_binding()],
        chart=figures.render(indicator_chart(rollup, rollup.columns[chosen], rows), div_id="chart-rollup")
        if chosen is not None
        else "",
        periods=rollup_periods(rollup.cycle, rollup.as_of),
    )
    return render(request, "reports/rollup.html", context)


def rollup_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    rollup, context = _rollup(request, pk)
    if rollup is None:
        raise Http404(context["empty"])
    by, descending = _sort(request, rollup)
    response = HttpResponse(content_type=XLSX)
    save_workbook(build_rollup_workbook(rollup, rollup.sorted_rows(by, descending)), response)
    name = f"{rollup.region.name}下级规划指标汇总_{rollup.as_of.code}.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"rollup.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response
