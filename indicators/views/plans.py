"""Plan administration: plans, indicators, targets, manual verdicts and period locks (admins; verdicts reviewers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from indicators import roles, services
from indicators.assessment import assess_indicator, latest_period_with_data
from indicators.forms import (
    AssignedTargetForm,
    CategoryForm,
    IndicatorForm,
    LockForm,
    ManualVerdictClearForm,
    ManualVerdictForm,
    NextPlanForm,
    PlanCreateForm,
    TargetForm,
)
from indicators.models import Department, Direction, Indicator, ManualVerdict, Observation, Plan, TargetKind
from indicators.pages import TARGET_AUDIT_FIELDS, history_rows
from indicators.periods import Period, plan_periods
from indicators.roles import Need
from indicators.targets import parse_target
from indicators.views.common import add_errors, error_messages, parse_period


def indicator_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = roles.get_indicator_for_user(request.user, pk, need=Need.REVIEW)
    plan = indicator.plan
    wanted = request.GET.get("as_of") or request.POST.get("as_of")
    as_of = parse_period(wanted) if wanted else latest_period_with_data(plan) or Period(plan.base_year + 1)
    try:
        services.check_period_in_plan(plan, as_of)
    except ValidationError:
        raise Http404("该期间不在规划期内。") from None
    current = ManualVerdict.objects.filter(indicator=indicator, year=as_of.year, part=as_of.part).first()
    form: Form | None = None
    clear_form = ManualVerdictClearForm()
    if request.method == "POST":
        action = request.POST.get("action", "set")
        bound: Form = ManualVerdictClearForm(request.POST) if action == "clear" else ManualVerdictForm(request.POST)
        if bound.is_valid():
            try:
                if action == "clear":
                    services.manual_verdict_clear(
                        indicator=indicator, as_of=as_of, user=request.user, reason=bound.cleaned_data["reason"]
                    )
                    messages.success(request, f"已撤销人工研判：{indicator.name}（{as_of.label}）。")
                else:
                    services.manual_verdict_set(
                        indicator=indicator,
                        as_of=as_of,
                        status=bound.cleaned_data["status"],
                        reason=bound.cleaned_data["reason"],
                        user=request.user,
                    )
                    messages.success(request, f"已保存人工研判：{indicator.name}（{as_of.label}）。")
            except ValidationError as error:
                add_errors(bound, error)
            else:
                return redirect(f"{reverse('indicators:verdict', args=[indicator.pk])}?as_of={as_of.code}")
        if action == "clear":
            clear_form = bound  # type: ignore[assignment]
        else:
            form = bound
    assessment = assess_indicator(indicator, as_of)
    if form is None:
        # A first verdict starts from what the figures say (not the first choice, 超出预期); a stored one as it is.
        computed = assessment.verdict.computed_status.value
        offered = {value for value, _ in ManualVerdictForm.base_fields["status"].choices}  # type: ignore[attr-defined]
        initial = {"status": current.status, "reason": current.reason} if current else None
        if current is None and computed in offered:
            initial = {"status": computed}
        form = ManualVerdictForm(initial=initial)
    history_model = ManualVerdict.history.model
    records = list(
        history_model.objects.filter(indicator_id=indicator.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    return render(
        request,
        "indicators/indicator_verdict.html",
        {
            "indicator": indicator,
            "as_of": as_of,
            "periods": [(p.code, p.label) for p in plan_periods(plan.base_year, plan.end_year)],
            "current": current,
            "assessment": assessment,
            "form": form,
            "clear_form": clear_form,
            "records": records,
            "locked": services.is_locked(plan.pk, as_of),
        },
    )


def indicator_target(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = roles.get_indicator_for_user(request.user, pk, need=Need.ADMIN)
    guess = parse_target(indicator.target_text, indicator.name, indicator.unit)
    guess_text = " · ".join(
        part
        for part in (
            dict(TargetKind.choices).get(guess.kind, guess.kind),
            "" if guess.value is None else f"{guess.value.normalize():f}",
            dict(Direction.choices).get(guess.direction, guess.direction),
            "约数" if guess.approximate else "",
            guess.note,
        )
        if part
    )
    form = TargetForm(
        initial={
            "target_text": indicator.target_text,
            "manual": indicator.target_set_manually,
            "kind": indicator.target_kind,
            "value": "" if indicator.target_value is None else f"{indicator.target_value.normalize():f}",
            "direction": indicator.target_direction,
        }
    )
    assigned_form = AssignedTargetForm()
    if request.method == "POST":
        if request.POST.get("action") == "assigned":
            assigned_form = AssignedTargetForm(request.POST)
            if assigned_form.is_valid():
                data = assigned_form.cleaned_data
                try:
                    services.assigned_target_set(
                        indicator=indicator,
                        period=data["period"],
                        value=data["value"],
                        source=data["source"],
                        user=request.user,
                        reason=data["reason"],
                    )
                except ValidationError as error:
                    add_errors(assigned_form, error)
                else:
                    messages.success(request, f"已保存上级下达目标：{data['period'].label}。")
                    return redirect("indicators:target", pk=indicator.pk)
        else:
            form = TargetForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.indicator_target_set(
                        indicator=indicator,
                        target_text=data["target_text"],
                        user=request.user,
                        reason=data["reason"],
                        manual=data["manual"],
                        kind=data["kind"],
                        value=data["value"],
                        direction=data["direction"],
                    )
                except ValidationError as error:
                    add_errors(form, error)
                else:
                    messages.success(request, f"已保存目标：{indicator.name}。")
                    return redirect("indicators:target", pk=indicator.pk)
    records = list(indicator.history.select_related("history_user").order_by("-history_date", "-history_id"))
    target_history = [
        row for row in history_rows(records, TARGET_AUDIT_FIELDS) if row["changes"] or row["kind"] != "修改"
    ]
    return render(
        request,
        "indicators/indicator_target.html",
        {
            "indicator": indicator,
            "guess": guess,
            "guess_text": guess_text,
            "form": form,
            "assigned_form": assigned_form,
            "assigned": list(indicator.assigned_targets.order_by("year", "part")),
            "history": target_history,
        },
    )


def plan_list(request: HttpRequest) -> HttpResponse:
    roles.require(request.user, Need.ADMIN)
    plans = roles.scoped(Plan.objects.select_related("region"), request.user)
    return render(request, "indicators/plan_list.html", {"plans": plans})


def plan_create(request: HttpRequest) -> HttpResponse:
    roles.require(request.user, Need.ADMIN)
    form = PlanCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                region=data["region"],
                name=data["name"],
                short_name=data["short_name"],
                base_year=data["base_year"],
                end_year=data["end_year"],
                categories=data["categories"],
                user=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"已建立规划：{plan.name}。")
            return redirect("indicators:plan", pk=plan.pk)
    return render(request, "indicators/plan_form.html", {"form": form})


def plan_next(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the next plan from this one; the continuing indicators keep their series."""
    plan = roles.get_plan_for_user(request.user, pk, need=Need.ADMIN)
    form = NextPlanForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.plan_start_next(
                plan=plan,
                name=data["name"],
                short_name=data["short_name"],
                base_year=data["base_year"],
                end_year=data["end_year"],
                continuing=list(data["continuing"]),
                user=request.user,
                lock_previous=data["lock_previous"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            count = len(data["continuing"])
            messages.success(request, f"已建立规划：{new.name}，延续 {count} 项指标；基期值取自各统计指标的已有数值。")
            return redirect("indicators:plan", pk=new.pk)
    return render(request, "indicators/plan_next.html", {"plan": plan, "form": form})


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = roles.get_plan_for_user(request.user, pk, need=Need.ADMIN)
    category_form = CategoryForm()
    departments = list(Department.objects.filter(region=plan.region))
    indicators = list(Indicator.objects.of_plan(plan).select_related("category", "parent", "series").in_print_order())
    # The base year's figure of each series, read (never retyped) with its source and review status.
    base_values = {
        o.series_id: o
        for o in Observation.objects.filter(
            series__in=[i.series_id for i in indicators if i.series_id], year=plan.base_year, part=""
        )
    }
    for indicator in indicators:
        indicator.base_value = base_values.get(indicator.series_id or 0)  # type: ignore[attr-defined]
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "category":
                category_form = CategoryForm(request.POST)
                if category_form.is_valid():
                    services.category_add(plan=plan, name=category_form.cleaned_data["name"], user=request.user)
                    messages.success(request, "已添加类别。")
                    return redirect("indicators:plan", pk=plan.pk)
            elif action == "departments":
                chosen = {i.pk: request.POST.get(f"dept-{i.pk}", "") for i in indicators}
                changed = services.plan_departments_assign(plan=plan, chosen=chosen, user=request.user)
                messages.success(request, f"已更新 {changed} 项指标的责任单位。")
                return redirect("indicators:plan", pk=plan.pk)
        except ValidationError as error:
            for message in error_messages(error):
                messages.error(request, message)
    return render(
        request,
        "indicators/plan_detail.html",
        {
            "plan": plan,
            "categories": list(plan.categories.all()),
            "indicators": indicators,
            "departments": departments,
            "category_form": category_form,
        },
    )


def indicator_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = roles.get_plan_for_user(request.user, plan_pk, need=Need.ADMIN)
    return _indicator_form(request, plan, Indicator(plan=plan))


def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = roles.get_indicator_for_user(request.user, pk, need=Need.ADMIN)
    return _indicator_form(request, indicator.plan, indicator)


def _indicator_form(request: HttpRequest, plan: Plan, indicator: Indicator) -> HttpResponse:
    form = IndicatorForm(request.POST or None, instance=indicator, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.indicator_save(
                indicator=form.instance,
                user=request.user,
                reason=form.cleaned_data.get("reason", ""),
                department=form.cleaned_data.get("department"),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"已保存指标：{saved.name}。")
            return redirect("indicators:plan", pk=plan.pk)
    return render(request, "indicators/indicator_form.html", {"form": form, "plan": plan, "indicator": indicator})


def plan_locks(request: HttpRequest, pk: int) -> HttpResponse:
    plan = roles.get_plan_for_user(request.user, pk, need=Need.ADMIN)
    form = LockForm(plan=plan)
    if request.method == "POST":
        form = LockForm(request.POST, plan=plan)
        if form.is_valid():
            period, reason = form.cleaned_data["period"], form.cleaned_data["reason"]
            try:
                if request.POST.get("action") == "unlock":
                    services.period_unlock(plan=plan, period=period, user=request.user, reason=reason)
                    messages.success(request, f"已解锁：{period.label}。")
                else:
                    services.period_lock(plan=plan, period=period, user=request.user, reason=reason)
                    messages.success(request, f"已锁定：{period.label}。该期间的数值不能再修改。")
            except ValidationError as error:
                add_errors(form, error)
            else:
                return redirect("indicators:locks", pk=plan.pk)
    locks = list(plan.period_locks.select_related("locked_by").order_by("year", "part"))
    locks.sort(key=lambda lock: lock.period.sort_key)
    return render(request, "indicators/plan_locks.html", {"plan": plan, "form": form, "locks": locks})
