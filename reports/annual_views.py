"""The annual plan's execution page and its Excel: access → selection → one build → render."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from indicators.models import Plan
from indicators.roles import in_scope, scoped
from reports.annual import build_annual, build_annual_workbook
from reports.selection import Selection, select

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_ANNUAL_PLAN = "尚未建立年度计划（基期与目标年相差一年的规划，如“2025年国民经济和社会发展计划”）。"


def _annual_plan(request: HttpRequest, pk: int) -> Plan:
    plan = Plan.objects.select_related("region").filter(pk=pk).first()
    if plan is None or not plan.is_annual or not in_scope(request.user, plan.region_id):
        raise Http404("未找到该年度计划。")
    return plan


def annual_latest(request: HttpRequest) -> HttpResponse:
    """The latest annual plan's page (the navigation link)."""
    latest = next((p for p in scoped(Plan.objects.order_by("-end_year", "pk"), request.user) if p.is_annual), None)
    if latest is None:
        return render(request, "reports/annual.html", {"empty": NO_ANNUAL_PLAN})
    return redirect("reports:annual", pk=latest.pk)


def _select(request: HttpRequest, plan: Plan) -> Selection:
    """The as-of of this annual plan; the page is about one plan, so the selector offers no other."""
    return replace(select(request, fixed_plan=plan), plans=(plan,))


def annual(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _annual_plan(request, pk)
    selection = _select(request, plan)
    assert selection.as_of is not None
    report = build_annual(plan, selection.as_of)
    return render(
        request,
        "reports/annual.html",
        {"report": report, "selection": selection, "nav_query": selection.query, "plan": plan},
    )


def annual_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _annual_plan(request, pk)
    selection = _select(request, plan)
    assert selection.as_of is not None
    report = build_annual(plan, selection.as_of)
    response = HttpResponse(content_type=XLSX)
    build_annual_workbook(report).save(response)
    name = f"{plan.short_name or plan.name}计划执行情况_{report.as_of.code}.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"annual.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response
