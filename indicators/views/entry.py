"""The entry grid and one figure's entry page: a clerk enters figures and submits them for review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from indicators import collection, roles, services
from indicators.collection_views import record_from_form
from indicators.forms import ObservationForm
from indicators.models import AlternativeReading, Observation, Plan, ReviewStatus
from indicators.pages import OBSERVATION_AUDIT_FIELDS, build_grid, history_rows
from indicators.roles import Need
from indicators.views.common import add_errors, apply_transition, error_messages, parse_period

NO_PLAN = "尚未建立规划。"
NO_ROWS = "您所在单位在该规划中没有需要录入的指标。如有疑问，请联系管理员分配责任单位。"


def _grid_url(plan_id: int | None, series_id: int | None = None) -> str:
    url = reverse("indicators:entry")
    if plan_id:
        url = f"{url}?plan={plan_id}"
    return f"{url}#row-{series_id}" if series_id else url


def entry_grid(request: HttpRequest) -> HttpResponse:
    roles.require(request.user, Need.ENTER)
    plans = list(roles.scoped(Plan.objects.select_related("region"), request.user))  # in scope (issue 12)
    wanted = request.GET.get("plan")
    plan = None
    if wanted:  # one plan's series only; by default every open plan
        plan = next((p for p in plans if str(p.pk) == wanted), None)
        if plan is None:
            raise Http404("未找到该规划。")
    grid = build_grid([plan] if plan else plans, request.user, timezone.localdate()) if plans else None
    return render(
        request,
        "indicators/entry_grid.html",
        {
            "plans": plans,
            "plan": plan,
            "grid": grid,
            "no_plan": NO_PLAN,
            "no_rows": NO_ROWS,
            "periods": collection.entry_periods([plan] if plan else plans, timezone.localdate()) if grid else [],
        },
    )


def entry_edit(request: HttpRequest, series_pk: int, period: str) -> HttpResponse:
    series = roles.get_series_for_user(request.user, series_pk, need=Need.ENTER)
    when = parse_period(period)
    try:
        services.check_period_for_series(series, when)
    except ValidationError:
        raise Http404("该期间不在规划期内。") from None
    observation = (
        Observation.objects.select_related("entered_by").filter(series=series, year=when.year, part=when.part).first()
    )
    readers = list(series.indicators.select_related("plan", "category").order_by("plan__base_year", "plan_id"))
    locked_by = services.locking_plans(series.pk, when)
    locked = bool(locked_by)
    conflict: Observation | None = None
    grid_url = _grid_url(None, series.pk)
    if request.method == "POST":
        if locked:
            messages.error(request, services.locked_message(when, locked_by))
            return redirect(grid_url)
        form = ObservationForm(request.POST, indicator=series)
        if form.is_valid():
            try:
                result = record_from_form(form, series, when, request.user, submit="submit" in request.POST)
            except services.ConcurrentEditError as error:
                add_errors(form, error)
                conflict = error.current
                # The form now carries the newer version: saving again is a deliberate overwrite.
                newer = request.POST.copy()
                newer["version"] = str(conflict.version if conflict else 0)
                form.data = newer
            except ValidationError as error:
                add_errors(form, error)
            else:
                saved = result.observation
                shown = "暂无数据" if saved.no_data else saved.display_value
                if result.changed or result.created or result.repeated:  # a double click: the same message
                    messages.success(
                        request,
                        f"已保存：{series.name} {when.label} = {shown}（{saved.get_status_display()}）。",
                    )
                elif saved.status == ReviewStatus.SUBMITTED:
                    messages.success(request, f"已提交审核：{series.name} {when.label}。")
                else:
                    messages.info(request, "数值没有变化，未保存。")
                if result.warning:
                    messages.warning(request, f"{result.warning}（已保存，审核员会看到这条提示。）")
                return redirect(grid_url)
    else:
        initial: dict[str, Any] = {"version": observation.version if observation else 0}
        if observation:
            initial.update(
                value="" if observation.no_data else observation.display_value,
                no_data=observation.no_data,
                note=observation.note,
                source=observation.source,
            )
        form = ObservationForm(initial=initial, indicator=series)
    history = (
        history_rows(
            list(observation.history.select_related("history_user").order_by("-history_date", "-history_id")),
            OBSERVATION_AUDIT_FIELDS,
        )
        if observation
        else []
    )
    alternatives = list(AlternativeReading.objects.filter(observation=observation)) if observation else []
    return render(
        request,
        "indicators/entry_edit.html",
        {
            "series": series,
            "readers": readers,
            "period": when,
            "observation": observation,
            "form": form,
            "locked": locked,
            "locked_by": "、".join(locked_by),
            "conflict": conflict,
            "history": history,
            "alternatives": alternatives,
            "grid_url": grid_url,
            "needs_reason": observation is not None and observation.change_needs_reason,
        },
    )


@require_POST
def observation_submit(request: HttpRequest, pk: int) -> HttpResponse:
    observation = roles.get_observation_for_user(request.user, pk, need=Need.ENTER)
    apply_transition(request, observation, services.observation_submit, "已提交审核")
    return redirect(_grid_url(None, observation.series_id))


@require_POST
def entry_submit_all(request: HttpRequest) -> HttpResponse:
    roles.require(request.user, Need.ENTER)
    wanted = request.POST.get("plan")
    plan = roles.get_plan_for_user(request.user, int(wanted)) if wanted and wanted.isdigit() else None
    if wanted and plan is None:
        raise Http404("未找到该规划。")
    try:
        count = services.observation_submit_all(plan=plan, user=request.user)
    except ValidationError as error:
        for message in error_messages(error):
            messages.error(request, message)
    else:
        if count:
            messages.success(request, f"已提交审核 {count} 个数值。")
        else:
            messages.info(request, "没有需要提交的草稿。")
    return redirect(_grid_url(plan.pk if plan else None))
