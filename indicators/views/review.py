"""The review queue: a reviewer approves or returns submitted figures, chooses another reading, reads a figure's
history."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from indicators import collection, roles, services
from indicators.collection_views import review_filters
from indicators.forms import ReturnForm
from indicators.models import AlternativeReading, Department, Indicator, Plan
from indicators.pages import OBSERVATION_AUDIT_FIELDS, build_review, history_rows
from indicators.roles import Need
from indicators.services import RETURN_NOTE_REQUIRED
from indicators.values import int_or_zero
from indicators.views.common import apply_transition, error_messages


def review_list(request: HttpRequest) -> HttpResponse:
    # Reviewers and admins review; a leader may look at the queue but gets no buttons.
    if not (roles.is_reviewer(request.user) or roles.is_leader(request.user)):
        raise PermissionDenied(roles.FORBIDDEN_REVIEW)
    plans = list(roles.scoped(Plan.objects.select_related("region"), request.user))
    wanted = request.GET.get("plan")
    plan = next((p for p in plans if str(p.pk) == wanted), None) if wanted else None
    if wanted and plan is None:
        raise Http404("未找到该规划。")
    department, period = review_filters(request.GET, request.user)
    rows, returned = build_review(plan, department, period)
    # Only the figures of the reviewer's own regions (issue 12); the rest are not theirs to see.
    rows = [r for r in rows if roles.in_scope(request.user, r.observation.series.region_id)]
    returned = [o for o in returned if roles.in_scope(request.user, o.series.region_id)]
    return render(
        request,
        "indicators/review_list.html",
        {
            "rows": rows,
            "returned": returned,
            "plans": plans,
            "plan": plan,
            "department": department,
            "period": period,
            "departments": list(Department.objects.order_by("name")),
            "periods": collection.entry_periods(plans, timezone.localdate()),
            "can_review": roles.is_reviewer(request.user),
            "return_form": ReturnForm(),
        },
    )


def _back_to_review(request: HttpRequest) -> HttpResponseRedirect:
    url = reverse("indicators:review")
    plan = request.POST.get("plan", "")
    return redirect(f"{url}?plan={plan}" if plan.isdigit() else url)


@require_POST
def observation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    observation = roles.get_observation_for_user(request.user, pk, need=Need.REVIEW)
    apply_transition(request, observation, services.observation_approve, "已审核通过")
    return _back_to_review(request)


@require_POST
def observation_return(request: HttpRequest, pk: int) -> HttpResponse:
    observation = roles.get_observation_for_user(request.user, pk, need=Need.REVIEW)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, RETURN_NOTE_REQUIRED)
        return _back_to_review(request)
    try:
        services.observation_return(
            observation=observation,
            user=request.user,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data.get("version"),
        )
    except ValidationError as error:
        for message in error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, f"已退回修改：{observation.series.name} {observation.period.label}。")
    return _back_to_review(request)


@require_POST
def reading_choose(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer counts an other reading (其他口径) instead of the figure, with a reason kept in the history."""
    alternative = get_object_or_404(AlternativeReading.objects.select_related("observation"), pk=pk)
    observation = roles.get_observation_for_user(request.user, alternative.observation_id, need=Need.REVIEW)
    indicator = Indicator.objects.filter(
        pk=int_or_zero(request.POST.get("indicator")), series=observation.series
    ).first()
    back = reverse("reports:appendix1")
    if indicator is not None:
        back = reverse("reports:indicator", args=[indicator.parent_id or indicator.pk])
        as_of = request.POST.get("as_of", "")
        if as_of:
            back += f"?plan={indicator.plan_id}&as_of={quote(as_of)}"
    try:
        services.reading_choose(alternative=alternative, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        for message in error_messages(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            f"{observation.series.name} {observation.period.label}已改用{observation.source}口径的数值，"
            "原数值保留为其他口径。",
        )
    return redirect(back)


def observation_history(request: HttpRequest, pk: int) -> HttpResponse:
    observation = roles.get_observation_for_user(request.user, pk, need=Need.READ)
    records = list(observation.history.select_related("history_user").order_by("-history_date", "-history_id"))
    return render(
        request,
        "indicators/observation_history.html",
        {
            "observation": observation,
            "history": history_rows(records, OBSERVATION_AUDIT_FIELDS),
            "can_enter": roles.may_enter(request.user, observation.series),
        },
    )
