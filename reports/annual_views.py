"""The annual plan's execution page and its Excel: access → selection → one build → render."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from indicators.models import Plan
from indicators.periods import Period
from indicators.roles import get_plan_for_user, scoped
from indicators.xlsx_layout import save_workbook
from reports.annual import AnnualReport, build_annual, build_annual_workbook
from reports.document import build_annual_document, document_bytes
from reports.selection import Selection, select

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_ANNUAL_PLAN = "尚未建立年度计划（基期与目标年相差一年的规划，如“2025年国民经济和社会发展计划”）。"


def _annual_plan(request: HttpRequest, pk: int) -> Plan:
    plan = get_plan_for_user(request.user, pk)
    if not plan.is_annual:
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
    save_workbook(build_annual_workbook(report), response)
    name = f"{plan.short_name or plan.name}计划执行情况_{report.as_of.code}.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"annual.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def next_annual_report(plan: Plan) -> AnnualReport | None:
    """Next year's annual plan of the same region, judged at its own start (its targets beside this year's)."""
    following = Plan.objects.filter(region_id=plan.region_id, base_year=plan.end_year, end_year=plan.end_year + 1)
    nxt = following.first()
    return build_annual(nxt, Period(nxt.end_year)) if nxt is not None else None


def annual_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The execution report draft (Word): the year's table and sentences, next year's targets."""
    plan = _annual_plan(request, pk)
    selection = _select(request, plan)
    assert selection.as_of is not None
    report = build_annual(plan, selection.as_of)
    response = HttpResponse(document_bytes(build_annual_document(report, next_annual_report(plan))), content_type=DOCX)
    name = f"{plan.short_name or plan.name}执行情况报告草稿_{report.as_of.code}.docx"
    response["Content-Disposition"] = f"attachment; filename=\"annual.docx\"; filename*=UTF-8''{quote(name)}"
    return response
