"""Report pages: access → selection (plan, as-of) → one report build → render. They write nothing,
except the 附件2 主要原因 (``appendix2`` POST; see reports/models.py for why).
"""

from __future__ import annotations

import io
from collections import Counter
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from indicators.assessment import STATUS_GROUP, assess_indicator, plan_settings, target_of
from indicators.models import Indicator, ManualVerdict, Observation
from indicators.pages import grid_periods
from indicators.periods import Period, PeriodError
from indicators.roles import Need, get_indicator_for_user, get_plan_for_user, is_reviewer
from indicators.values import int_or_zero
from indicators.vocabulary import Status
from indicators.xlsx_layout import save_workbook
from reports import figures
from reports.appendix import BEHIND_STATUSES, Report, alternatives_of, build_report, make_appendix, progress_of
from reports.context import context_tables
from reports.document import DOCX, Draft, build_document, build_draft, document_bytes
from reports.filters import FILTER_INVALID, AppendixFilterForm
from reports.permissions import FORBIDDEN_EDIT_REASON, can_edit_reasons
from reports.rows import ValueCell
from reports.selection import Selection, select
from reports.services import REASON_MAX_CHARS, reason_note_save
from reports.tables import AppendixTable, verdict_badge
from reports.workbook import build_appendix_workbook, template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_PLAN = "尚未建立规划。请运行 python manage.py seed_demo 载入演示数据。"
NO_PLAN_HERE = "所选行政区划尚无规划。"
REASON_SAVED = "已保存“{name}”的主要原因。"

# Verdict groups as the report counts them (完成市定目标 counts as 达到预期), in display order.
GROUPS = (Status.EXCEEDED, Status.ON_TRACK, Status.BEHIND, Status.NO_DATA, Status.PENDING, Status.STALE)
GROUP_OF = STATUS_GROUP  # the report's way of counting, defined once in the engine wrappers


def _page(request: HttpRequest, template: str, selection: Selection, **context: Any) -> HttpResponse:
    if selection.region is not None and context.get("empty") == NO_PLAN:
        context["empty"] = NO_PLAN_HERE  # the region has none; its lower regions may (the warning says so)
    context.update(selection=selection, nav_query=selection.query)
    return render(request, template, context)


def _report(request: HttpRequest) -> tuple[Selection, Report | None]:
    selection = select(request)
    if selection.plan is None or selection.as_of is None:
        return selection, None
    return selection, build_report(selection.plan, selection.as_of)


def dashboard(request: HttpRequest) -> HttpResponse:
    selection, report = _report(request)
    if report is None:
        return _page(request, "reports/dashboard.html", selection, empty=NO_PLAN)
    appendix = report.appendix
    summary = report.summary
    wording = plan_settings(report.plan).stage(appendix.final)
    group_labels = [(str(s), wording.label(s)) for s in GROUPS]
    counts = [summary.exceeded, summary.on_track, summary.behind, summary.no_data, summary.pending, summary.stale]
    progress = progress_of(report)
    good_share, time_pct = progress.task_pct, progress.time_pct
    by_category: Counter[tuple[str, str]] = Counter((t.category, str(GROUP_OF[Status(t.status)])) for t in appendix.top)
    laggards = [t for t in appendix.top if t.status in BEHIND_STATUSES]
    laggards.sort(key=lambda t: t.attribute != "约束性")  # binding first, print order kept otherwise
    context: dict[str, Any] = {
        "report": report,
        "summary": summary,
        "time_pct": time_pct,
        "task_pct": good_share,
        "has_data": progress.has_data,
        "current": progress.current,
        "judged": progress.judged,
        "double_half": progress.on_time,
        "stale_items": [t for t in appendix.top if t.status == Status.STALE],
        "good_label": "完成或超额完成" if appendix.final else "达到或超过预期",
        "behind_label": wording.label(Status.BEHIND),
        "progress_chart": figures.render(figures.progress_figure(time_pct, good_share), div_id="chart-progress"),
        "donut_chart": figures.render(
            figures.verdict_donut([(s, label, n) for (s, label), n in zip(group_labels, counts, strict=True)]),
            div_id="chart-donut",
        ),
        "category_chart": figures.render(
            figures.category_bars(appendix.categories, group_labels, dict(by_category)), div_id="chart-category"
        ),
        "laggards": [(t, verdict_badge(t.status, t.label, manual=t.manual)) for t in laggards],
    }
    context.update(_project_summary(selection))
    return _page(request, "reports/dashboard.html", selection, **context)


def _project_summary(selection: Selection) -> dict[str, Any]:
    """The major-project block of issue 6, when that app provides it."""
    try:
        from projects.summary import dashboard_summary
    except ImportError:  # projects/summary.py not there yet: the dashboard simply has no project block
        return {}
    assert selection.plan is not None and selection.as_of is not None
    return {"project_summary": dashboard_summary(selection.plan.region, selection.as_of.year)}


def appendix1(request: HttpRequest) -> HttpResponse:
    selection, report = _report(request)
    if report is None:
        return _page(request, "reports/appendix1.html", selection, empty=NO_PLAN)
    form = AppendixFilterForm(request.GET or None, report.appendix.rows)
    warnings = list(selection.warnings)
    if form.is_bound and not form.is_valid():
        warnings.append(FILTER_INVALID)
    rows = form.filtered()
    table = AppendixTable(report.appendix, rows, query=selection.query)
    return _page(
        request,
        "reports/appendix1.html",
        selection,
        report=report,
        table=table,
        form=form,
        shown=len(rows),
        warnings=warnings,
    )


def appendix1_xlsx(request: HttpRequest) -> HttpResponse:
    _, report = _report(request)
    if report is None:
        messages.error(request, NO_PLAN)
        return redirect("reports:appendix1")
    return workbook_response(report)


def workbook_filename(report: Report) -> str:
    short = report.plan.short_name or report.plan.name
    return f"附件1_{short}规划主要指标完成情况_{report.appendix.as_of.code}.xlsx"


def workbook_response(report: Report) -> HttpResponse:
    response = HttpResponse(content_type=XLSX)
    save_workbook(build_appendix_workbook(report.appendix), response)
    name = workbook_filename(report)
    response["Content-Disposition"] = f"attachment; filename=\"appendix1.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response


def report_docx(request: HttpRequest) -> HttpResponse:
    """The evaluation report draft (Word) of the selected plan and as-of."""
    _, report = _report(request)
    if report is None:
        messages.error(request, NO_PLAN)
        return redirect("reports:home")
    return document_response(build_draft(report))


def document_response(draft: Draft) -> HttpResponse:
    response = HttpResponse(document_bytes(build_document(draft)), content_type=DOCX)
    name = quote(draft.filename)
    response["Content-Disposition"] = f"attachment; filename=\"report.docx\"; filename*=UTF-8''{name}"
    return response


def narrative_page(request: HttpRequest) -> HttpResponse:
    selection, report = _report(request)
    if report is None:
        return _page(request, "reports/narrative.html", selection, empty=NO_PLAN)
    categories: dict[str, list[Any]] = {}
    for item in report.appendix.top:
        categories.setdefault(item.category, []).append(item)
    return _page(request, "reports/narrative.html", selection, report=report, categories=categories)


def appendix2(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _appendix2_save(request)
    selection, report = _report(request)
    if report is None:
        return _page(request, "reports/appendix2.html", selection, empty=NO_PLAN)
    return _page(
        request,
        "reports/appendix2.html",
        selection,
        report=report,
        can_edit=can_edit_reasons(request.user),
        max_chars=REASON_MAX_CHARS,
    )


def _appendix2_save(request: HttpRequest) -> HttpResponse:
    if not can_edit_reasons(request.user):
        return HttpResponseForbidden(FORBIDDEN_EDIT_REASON)
    indicator = get_indicator_for_user(request.user, int_or_zero(request.POST.get("indicator")))
    if indicator.parent_id is not None:
        raise Http404("未找到该指标。")
    plan = indicator.plan
    back = reverse("reports:appendix2")
    try:
        as_of = Period.parse(request.POST.get("as_of", ""))
    except PeriodError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    query = f"?plan={plan.pk}&as_of={as_of.code}"
    try:
        reason_note_save(indicator=indicator, as_of=as_of, text=request.POST.get("text", ""), user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back + query)
    messages.success(request, REASON_SAVED.format(name=indicator.name))
    return redirect(f"{back}{query}#reason-{indicator.pk}")


def indicator(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_indicator_for_user(request.user, pk)
    if item.parent_id:
        # A sub-indicator is shown on its parent's page, beside its sibling, as in 附件1.
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(f"{reverse('reports:indicator', args=[item.parent_id])}{query}#chart-{item.pk}")
    selection = select(request, fixed_plan=item.plan)
    assert selection.as_of is not None
    as_of = selection.as_of
    assessment = assess_indicator(item, as_of)
    parts = assessment.children or [assessment]
    alternatives = alternatives_of([o.pk for part in parts for o in part.observations])
    appendix = make_appendix(item.plan, as_of, [assessment, *assessment.children], alternatives, {})
    top = appendix.top[0]
    charts = []
    for row, part in zip(top.rows, parts, strict=True):
        target = target_of(part.indicator)
        fig = figures.indicator_figure(
            row,
            kind=target.kind,
            target_value=target.value,
            base_year=item.plan.base_year,
            end_year=item.plan.end_year,
            as_of=as_of,
            time_progress=appendix.time_progress,
        )
        charts.append((row, figures.render(fig, div_id=f"chart-{row.indicator_id}")))
    # The same series read by other plans (十四五 → 十五五, the annual plans), with their targets and spans.
    other_plans = list(
        Indicator.objects.filter(series_id__in=[p.indicator.series_id for p in parts if p.indicator.series_id])
        .exclude(plan=item.plan)
        .select_related("plan")
        .order_by("plan__base_year", "plan__end_year", "pk")
    )
    series_chart = _series_chart(item, other_plans, as_of) if not assessment.children else None
    names = {p.indicator.pk: p.indicator.name for p in (assessment, *assessment.children)}
    history = [
        {
            "when": h.history_date,
            "indicator": names.get(h.indicator_id, ""),
            "period": Period(h.year, h.part).label,
            "status": h.get_status_display(),
            "reason": h.reason,
            "who": (h.history_user.get_full_name() or h.history_user.username) if h.history_user else "系统导入",
            "action": h.get_history_type_display(),
        }
        for h in ManualVerdict.history.filter(indicator_id__in=list(names))
        .select_related("history_user")
        .order_by("-history_date")
    ]
    return _page(
        request,
        "reports/indicator.html",
        selection,
        item=item,
        assessment=assessment,
        top=top,
        charts=charts,
        appendix=appendix,
        history=history,
        other_plans=other_plans,
        series_chart=series_chart,
        verdict_html=verdict_badge(top.status, top.label, manual=top.manual, reason=assessment.verdict.manual_reason),
        can_choose_reading=is_reviewer(request.user),
    )


def _series_chart(item: Indicator, other_plans: list[Indicator], as_of: Period) -> str | None:
    """The indicator's statistical series over every plan that reads it, with each multi-year plan's target path
    (十四五 and 十五五 on one axis); None when no other multi-year plan reads the series. Two queries."""
    readers = [i for i in (item, *other_plans) if i.plan.end_year - i.plan.base_year > 1]
    if item.series_id is None or len(readers) < 2:
        return None
    counted = [
        c
        for c in (o.counted() for o in Observation.objects.approved().filter(series_id=item.series_id))
        if c is not None and not c.no_data
    ]
    counted.sort(key=lambda o: o.period)
    by_year = {o.period: o.value for o in counted if not o.period.is_partial}
    # Full years, and a part year only while its year has no full figure (上半年 of the running year).
    points = [
        ValueCell(o.period, o.value, o.decimals)
        for o in counted
        if not o.period.is_partial or Period(o.period.year) not in by_year
    ]
    paths = [
        path
        for reader in sorted(readers, key=lambda i: i.plan.base_year)
        if (
            path := figures.plan_path(
                reader.plan.short_name or reader.plan.name,
                reader.plan.base_year,
                reader.plan.end_year,
                target_of(reader),
                by_year.get(Period(reader.plan.base_year)),
            )
        )
        is not None
    ]
    return figures.render(figures.series_figure(points, paths, unit=item.unit, as_of=as_of), div_id="series-chart")


def context(request: HttpRequest) -> HttpResponse:
    """Section 二's context statistics (表1–表4 with 图1–图4): fixed historical data, so no as-of."""
    blocks = context_tables()
    charts = [(block, figures.render(figures.context_figure(block))) for block in blocks]
    return render(request, "reports/context.html", {"charts": charts})


# --- the import template (linked from indicators' import page; built by reports.workbook) -------------


def plan_import_template(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, need=Need.ADMIN)
    periods = grid_periods(plan, timezone.localdate()) or [Period(plan.base_year)]
    workbook = template_workbook(plan, periods)
    buffer = io.BytesIO()
    save_workbook(workbook, buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = quote(f"{plan.short_name or plan.name}_附件1_导入模板.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
