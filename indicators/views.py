"""Entry, review, audit and plan-administration pages. Thin views: access (indicators.roles) → form →
service (indicators.services) → redirect with a message."""

from __future__ import annotations

import datetime
import io
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.forms import BaseForm, Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from indicators import collection, roles, services
from indicators.annual_assessment import annual_result
from indicators.assessment import (
    IndicatorAssessment,
    assess_indicator,
    assess_plan,
    latest_period_with_data,
)
from indicators.collection_views import record_from_form, review_filters, review_queue
from indicators.column_mapping import Choice, choice_from_form
from indicators.forms import (
    AssignedTargetForm,
    CategoryForm,
    ImportUploadForm,
    IndicatorForm,
    LockForm,
    ManualVerdictClearForm,
    ManualVerdictForm,
    NextPlanForm,
    ObservationForm,
    PlanCreateForm,
    ReturnForm,
    TargetForm,
    VersionForm,
)
from indicators.importer import (
    FILE_TOO_LARGE,
    MAX_UPLOAD_BYTES,
    ImportFileError,
    ImportReport,
    check_upload,
    run_import,
    template_workbook,
)
from indicators.models import (
    AlternativeReading,
    Department,
    Direction,
    Indicator,
    ManualVerdict,
    Observation,
    PeriodLock,
    Plan,
    ReviewStatus,
    Series,
    TargetKind,
)
from indicators.periods import Period, PeriodError, plan_periods
from indicators.roles import Need
from indicators.services import RETURN_NOTE_REQUIRED
from indicators.targets import parse_target
from indicators.values import int_or_zero

NO_PLAN = "尚未建立规划。"
NO_ROWS = "您所在单位在该规划中没有需要录入的指标。如有疑问，请联系管理员分配责任单位。"


# --- helpers ---------------------------------------------------------------------------------------


def grid_periods(plan: Plan, today: datetime.date) -> list[Period]:
    """The base year, then each half year and year of the plan that has begun by ``today``."""
    periods = [Period(plan.base_year), *plan_periods(plan.base_year, plan.end_year)]
    return [p for p in periods if p.year <= today.year]


def _parse_period(code: str) -> Period:
    try:
        return Period.parse(code)
    except PeriodError:
        raise Http404("期间格式不正确。") from None


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


def _add_errors(form: BaseForm, error: ValidationError) -> None:
    for message in _errors(error):
        form.add_error(None, message)


def _grid_url(plan_id: int | None, series_id: int | None = None) -> str:
    url = reverse("indicators:entry")
    if plan_id:
        url = f"{url}?plan={plan_id}"
    return f"{url}#row-{series_id}" if series_id else url


def _history_rows(records: list[Any], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """History records (newest first) as rows with old → new per changed field."""
    rows = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, included_fields=list(fields))
            for change in delta.changes:
                changes.append(
                    {
                        "field": record.instance_type._meta.get_field(change.field).verbose_name,
                        "old": _shown(previous, change.field, change.old),
                        "new": _shown(record, change.field, change.new),
                    }
                )
        rows.append(
            {
                "record": record,
                "kind": {"+": "新建", "~": "修改", "-": "删除"}[record.history_type],
                "changes": changes,
                "summary": _summary(record, fields) if not changes else "",
            }
        )
    return rows


def _summary(record: Any, fields: tuple[str, ...]) -> str:
    """What a record holds when there is no earlier one to compare with (creation, deletion)."""
    if "value" in fields:
        shown = "暂无数据" if record.no_data else _shown(record, "value", record.value)
        return f"数值 {shown}（{record.get_status_display()}）"
    if "target_text" in fields:
        return f"目标 {record.target_text or '—'}（{record.get_target_kind_display() or '未分类'}）"
    return ""


def _shown(record: Any, name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    model_field = record.instance_type._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name == "value":  # as printed, with the decimals recorded alongside
        return f"{value:.{record.decimals}f}"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


OBSERVATION_AUDIT_FIELDS = ("value", "no_data", "decimals", "note", "source", "status", "review_note")
TARGET_AUDIT_FIELDS = ("target_text", "target_kind", "target_value", "target_direction", "target_set_manually")


# --- entry grid -----------------------------------------------------------------------------------


@dataclass
class GridCell:
    period: Period
    observation: Observation | None
    locked: bool
    applies: bool = True  # the period lies in a plan reading the series


@dataclass
class PlanVerdict:
    indicator: Indicator
    assessment: IndicatorAssessment | None
    preview: IndicatorAssessment | None

    def _label(self, assessment: IndicatorAssessment | None) -> str:
        if assessment is None:
            return ""
        plan = self.indicator.plan
        return annual_result(plan, assessment).label if plan.is_annual else assessment.label

    @property
    def label(self) -> str:
        """The plan's wording: an annual plan says 完成 / 基本完成 / 未完成 / 暂无数据."""
        return self._label(self.assessment)

    @property
    def preview_label(self) -> str:
        return self._label(self.preview)


@dataclass
class GridRow:
    series: Series
    indicators: list[Indicator]
    cells: list[GridCell]
    verdicts: list[PlanVerdict] = field(default_factory=list)
    drafts: int = 0


@dataclass
class Grid:
    plans: list[Plan]
    periods: list[Period]
    rows: list[GridRow] = field(default_factory=list)
    drafts: int = 0


def _open_plans(plans: list[Plan], today: datetime.date) -> list[Plan]:
    """Plans whose periods have begun by ``today`` (a plan drafted for later has nothing to enter yet)."""
    return [p for p in plans if p.base_year <= today.year]


def build_grid(plans: list[Plan], user: Any, today: datetime.date) -> Grid:
    """One row per series the user may enter that an open plan reads, with every open plan's periods up to
    today; a figure entered here is read by every plan using the series.

    Queries: the leaf indicators of the plans that the user may enter (with series); the series' observations;
    the plans' locks; then per plan with rows, the dashboard's default as-of and assess_plan twice (approved
    only at that as-of, and with submitted figures) — a fixed number whatever the number of rows."""
    plans = _open_plans(plans, today)
    has_children = Indicator.objects.filter(parent=OuterRef("pk"))
    indicators = list(
        Indicator.objects.filter(plan__in=plans, series__isnull=False)
        .editable_by(user)
        .filter(~Exists(has_children))
        .select_related("plan", "category", "parent", "series", "series__department")
        .order_by("plan__base_year", "plan_id", "category__order", "order", "pk")
    )
    by_plan = {p.pk: p for p in plans}
    used_plans = [p for p in plans if any(i.plan_id == p.pk for i in indicators)]
    periods = sorted({period for plan in used_plans for period in grid_periods(plan, today)}, key=lambda p: p.sort_key)
    grid = Grid(plans=used_plans, periods=periods)
    if not indicators:
        return grid
    readers: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        readers[indicator.series_id].append(indicator)  # type: ignore[index]
    by_cell = {(o.series_id, o.year, o.part): o for o in Observation.objects.filter(series_id__in=list(readers))}
    locked = {(lock.plan_id, lock.year, lock.part) for lock in PeriodLock.objects.filter(plan__in=used_plans)}
    approved: dict[int, IndicatorAssessment] = {}
    preview: dict[int, IndicatorAssessment] = {}
    counted = {ReviewStatus.APPROVED, ReviewStatus.SUBMITTED}
    for plan in used_plans:
        # The verdict is the dashboard's: judged at the as-of the report pages open at (the latest period whose
        # approved data is reasonably complete, else the plan's first year), so the two never disagree.
        as_of = latest_period_with_data(plan) or Period(plan.base_year + 1)
        approved |= {a.indicator.pk: a for a in assess_plan(plan, as_of)}
        # The preview shows what the submitted figures would change: at the latest period holding an approved
        # or submitted figure (a clerk's unsent draft must not move it), never before the dashboard's as-of.
        plan_series = {i.series_id for i in indicators if i.plan_id == plan.pk}
        dated = [
            Period(o.year, o.part)
            for o in by_cell.values()
            if o.series_id in plan_series and o.status in counted and plan.base_year < o.year <= plan.end_year
        ]
        pending_at = max([as_of, *dated], key=lambda p: p.sort_key)
        preview |= {a.indicator.pk: a for a in assess_plan(plan, pending_at, include_pending=True)}
    for series_id, reading in readers.items():
        series = reading[0].series
        assert series is not None
        cells = []
        for period in periods:
            inside = [i.plan for i in reading if _period_in_plan(by_plan[i.plan_id], period)]
            cells.append(
                GridCell(
                    period=period,
                    observation=by_cell.get((series_id, period.year, period.part)),
                    locked=any((plan.pk, period.year, period.part) in locked for plan in inside),
                    applies=bool(inside),
                )
            )
        drafts = sum(
            1
            for c in cells
            if c.observation and not c.locked and c.observation.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED)
        )
        grid.drafts += drafts
        grid.rows.append(
            GridRow(
                series=series,
                indicators=reading,
                cells=cells,
                verdicts=[PlanVerdict(i, approved.get(i.pk), preview.get(i.pk)) for i in reading],
                drafts=drafts,
            )
        )
    return grid


def _period_in_plan(plan: Plan, period: Period) -> bool:
    return period == Period(plan.base_year) or plan.base_year < period.year <= plan.end_year


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
    when = _parse_period(period)
    try:
        services.check_period_for_series(series, when)
    except ValidationError:
        raise Http404("该期间不在规划期内。") from None
    observation = (
        Observation.objects.select_related("entered_by").filter(series=series, year=when.year, part=when.part).first()
    )
    readers = list(series.indicators.select_related("plan", "category").order_by("plan__base_year", "plan_id"))
    locked = services.is_series_locked(series.pk, when)
    conflict: Observation | None = None
    grid_url = _grid_url(None, series.pk)
    if request.method == "POST":
        if locked:
            messages.error(request, services.PERIOD_LOCKED.format(period=when.label))
            return redirect(grid_url)
        form = ObservationForm(request.POST, indicator=series)
        if form.is_valid():
            try:
                result = record_from_form(form, series, when, request.user, submit="submit" in request.POST)
            except services.ConcurrentEditError as error:
                _add_errors(form, error)
                conflict = error.current
                # The form now carries the newer version: saving again is a deliberate overwrite.
                newer = request.POST.copy()
                newer["version"] = str(conflict.version if conflict else 0)
                form.data = newer
            except ValidationError as error:
                _add_errors(form, error)
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
        _history_rows(
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
            "conflict": conflict,
            "history": history,
            "alternatives": alternatives,
            "grid_url": grid_url,
            "needs_reason": observation is not None and observation.status == ReviewStatus.APPROVED,
        },
    )


def _apply_transition(
    request: HttpRequest, observation: Observation, transition: Callable[..., Observation], done: str
) -> None:
    """Run a review transition with the version the page showed; report the outcome as a message."""
    form = VersionForm(request.POST)
    expected = form.cleaned_data.get("version") if form.is_valid() else None
    try:
        transition(observation=observation, user=request.user, expected_version=expected)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, f"{done}：{observation.series.name} {observation.period.label}。")


@require_POST
def observation_submit(request: HttpRequest, pk: int) -> HttpResponse:
    observation = roles.get_observation_for_user(request.user, pk, need=Need.ENTER)
    _apply_transition(request, observation, services.observation_submit, "已提交审核")
    return redirect(_grid_url(None, observation.series_id))


@require_POST
def entry_submit_all(request: HttpRequest) -> HttpResponse:
    roles.require(request.user, Need.ENTER)
    wanted = request.POST.get("plan")
    plan = Plan.objects.filter(pk=wanted).first() if wanted and wanted.isdigit() else None
    if wanted and plan is None:
        raise Http404("未找到该规划。")
    try:
        count = services.observation_submit_all(plan=plan, user=request.user)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        if count:
            messages.success(request, f"已提交审核 {count} 个数值。")
        else:
            messages.info(request, "没有需要提交的草稿。")
    return redirect(_grid_url(plan.pk if plan else None))


# --- review ----------------------------------------------------------------------------------------


@dataclass
class ReviewRow:
    observation: Observation
    history: list[Any]
    previous_approved: str  # the value as last approved, "" if never
    past: list[tuple[str, str]]  # the indicator's other approved figures: (period label, value)


def build_review(
    plan: Plan | None, department: Department | None = None, period: Period | None = None
) -> tuple[list[ReviewRow], list[Observation]]:
    """Queries: submitted figures with their series; their history records; the approved figures
    of the same series; the returned figures still with the clerks — four whatever the count."""
    queue = (
        review_queue(department, period)
        .select_related("series", "series__department", "entered_by")
        .order_by("series__region", "series__name", "series__unit", "year", "part")
    )
    returned = Observation.objects.filter(status=ReviewStatus.RETURNED).select_related(
        "series", "series__department", "entered_by"
    )
    if department is not None:
        returned = returned.filter(series__department=department)
    if period is not None:
        returned = returned.filter(year=period.year, part=period.part)
    if plan is not None:
        queue = queue.of_plan(plan)
        returned = returned.of_plan(plan)
    observations = list(queue)
    ids = [o.pk for o in observations]
    records: dict[int, list[Any]] = defaultdict(list)
    history_model = Observation.history.model
    for record in (
        history_model.objects.filter(id__in=ids)
        .select_related("history_user")
        .order_by("id", "-history_date", "-history_id")
    ):
        records[record.id].append(record)
    past: dict[int, list[Observation]] = defaultdict(list)
    for other in (
        Observation.objects.approved()
        .filter(series_id__in={o.series_id for o in observations})
        .order_by("year", "part")
    ):
        past[other.series_id].append(other)
    rows = []
    for observation in observations:
        history = records[observation.pk]
        approved = next((r for r in history if r.status == ReviewStatus.APPROVED), None)
        previous = ""
        if approved is not None:
            previous = "暂无数据" if approved.no_data else f"{approved.value:.{approved.decimals}f}"
        rows.append(
            ReviewRow(
                observation=observation,
                history=_history_rows(history, OBSERVATION_AUDIT_FIELDS)[:6],
                previous_approved=previous,
                past=[
                    (o.period.label, o.display_value)
                    for o in sorted(past[observation.series_id], key=lambda o: o.period.sort_key)
                    if o.pk != observation.pk
                ],
            )
        )
    return rows, list(returned.order_by("series__name", "year", "part"))


def review_list(request: HttpRequest) -> HttpResponse:
    # Reviewers and admins review; a leader may look at the queue but gets no buttons.
    if not (roles.is_reviewer(request.user) or roles.is_leader(request.user)):
        raise PermissionDenied(roles.FORBIDDEN_REVIEW)
    plans = list(roles.scoped(Plan.objects.select_related("region"), request.user))
    wanted = request.GET.get("plan")
    plan = next((p for p in plans if str(p.pk) == wanted), None) if wanted else None
    if wanted and plan is None:
        raise Http404("未找到该规划。")
    department, period = review_filters(request.GET)
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
    _apply_transition(request, observation, services.observation_approve, "已审核通过")
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
        for message in _errors(error):
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
        for message in _errors(error):
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
            "history": _history_rows(records, OBSERVATION_AUDIT_FIELDS),
            "can_enter": roles.may_enter(request.user, observation.series),
        },
    )


# --- manual verdicts and targets --------------------------------------------------------------------


def indicator_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = roles.get_indicator_for_user(request.user, pk, need=Need.REVIEW)
    plan = indicator.plan
    wanted = request.GET.get("as_of") or request.POST.get("as_of")
    as_of = _parse_period(wanted) if wanted else latest_period_with_data(plan) or Period(plan.base_year + 1)
    try:
        services.check_period_in_plan(plan, as_of)
    except ValidationError:
        raise Http404("该期间不在规划期内。") from None
    current = ManualVerdict.objects.filter(indicator=indicator, year=as_of.year, part=as_of.part).first()
    form = ManualVerdictForm(initial={"status": current.status, "reason": current.reason} if current else None)
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
                _add_errors(bound, error)
            else:
                return redirect(f"{reverse('indicators:verdict', args=[indicator.pk])}?as_of={as_of.code}")
        if action == "clear":
            clear_form = bound  # type: ignore[assignment]
        else:
            form = bound  # type: ignore[assignment]
    assessment = assess_indicator(indicator, as_of)
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
                    _add_errors(assigned_form, error)
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
                    _add_errors(form, error)
                else:
                    messages.success(request, f"已保存目标：{indicator.name}。")
                    return redirect("indicators:target", pk=indicator.pk)
    records = list(indicator.history.select_related("history_user").order_by("-history_date", "-history_id"))
    target_history = [
        row for row in _history_rows(records, TARGET_AUDIT_FIELDS) if row["changes"] or row["kind"] != "修改"
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


# --- plan administration ----------------------------------------------------------------------------


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
            _add_errors(form, error)
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
            _add_errors(form, error)
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
                known = {d.pk: d for d in departments}
                changed = 0
                with transaction.atomic():  # all assignments or none
                    # The department belongs to the series: it enters the figure for every plan reading it.
                    for indicator in indicators:
                        if indicator.series is None:
                            continue
                        raw = request.POST.get(f"dept-{indicator.pk}", "")
                        new = known.get(int(raw)) if raw.isdigit() else None
                        changed += services.series_department_set(
                            series=indicator.series, department=new, user=request.user, reason="分配责任单位"
                        )
                messages.success(request, f"已更新 {changed} 项指标的责任单位。")
                return redirect("indicators:plan", pk=plan.pk)
        except ValidationError as error:
            for message in _errors(error):
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
            _add_errors(form, error)
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
                _add_errors(form, error)
            else:
                return redirect("indicators:locks", pk=plan.pk)
    locks = list(plan.period_locks.select_related("locked_by").order_by("year", "part"))
    locks.sort(key=lambda lock: lock.period.sort_key)
    return render(request, "indicators/plan_locks.html", {"plan": plan, "form": form, "locks": locks})


# --- Excel import -----------------------------------------------------------------------------------

IMPORT_EXPIRED = "导入已过期或已完成，请重新上传文件。"
_STASH_KEY = "indicator_imports"
_STASH_MAX_AGE = 24 * 3600  # seconds


def _stash(request: HttpRequest, plan: Plan, filename: str, data: bytes, as_of: Period | None) -> str:
    """Keep the previewed file until it is confirmed: in the database (cache "imports"), its token in the session.

    Never on the local disk: with several app servers the confirm may reach another one.
    """
    token = secrets.token_urlsafe(16)
    caches["imports"].set(f"preview:{token}", data, timeout=_STASH_MAX_AGE)
    stash = request.session.get(_STASH_KEY, {})
    stash[token] = {"plan": plan.pk, "filename": filename, "as_of": as_of.code if as_of else ""}
    request.session[_STASH_KEY] = stash
    return token


def _unstash(request: HttpRequest, plan: Plan, token: str) -> tuple[bytes, str, Period | None] | None:
    stash = request.session.get(_STASH_KEY, {})
    entry = stash.pop(token, None) if token.replace("-", "").replace("_", "").isalnum() else None
    request.session[_STASH_KEY] = stash
    if entry is None or entry["plan"] != plan.pk:
        return None
    data = caches["imports"].get(f"preview:{token}")
    caches["imports"].delete(f"preview:{token}")
    if data is None:
        return None
    return data, entry["filename"], Period.parse(entry["as_of"]) if entry["as_of"] else None


UPLOAD_FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the other form fields


def _body_size(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def plan_import(request: HttpRequest, pk: int) -> HttpResponse:
    plan = roles.get_plan_for_user(request.user, pk, need=Need.ADMIN)
    if request.method == "POST" and _body_size(request) > MAX_UPLOAD_BYTES + UPLOAD_FORM_OVERHEAD:
        # Refused before Django parses the body, so an oversized file is never written to disk.
        context = {
            "plan": plan,
            "form": ImportUploadForm(),
            "report": None,
            "token": "",
            "empty_plan": not plan.indicators.exists(),
            "upload_error": FILE_TOO_LARGE,
        }
        return render(request, "indicators/plan_import.html", context)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    token = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_upload(upload.name or "", upload.size or 0)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            data = upload.read()
            as_of = form.cleaned_data["as_of"]
            report = run_import(
                data, user=request.user, filename=upload.name or "", commit=False, plan=plan, as_of=as_of
            )
            if report.ok or report.reading is not None:  # another layout: kept for the user's corrections
                token = _stash(request, plan, upload.name or "", data, as_of)
    return render(request, "indicators/plan_import.html", _import_context(plan, report, token, form))


def _import_context(plan: Plan, report: ImportReport | None, token: str, form: ImportUploadForm) -> dict[str, Any]:
    context = {"plan": plan, "form": form, "report": report, "token": token, "empty_plan": not plan.indicators.exists()}
    reading = report.reading if report is not None else None
    if reading is not None:
        periods = [Period(plan.base_year), *plan_periods(plan.base_year, plan.end_year)]
        context["mapping_options"] = reading.options(periods, plan.end_year)
        context["choice_json"] = reading.choice.to_json()
        context["verdict_differences"] = [v for v in report.verdicts if v.differs] if report else []
    return context


@require_POST
def plan_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    plan = roles.get_plan_for_user(request.user, pk, need=Need.ADMIN)
    stashed = _unstash(request, plan, request.POST.get("token", ""))
    if stashed is None:
        messages.error(request, IMPORT_EXPIRED)
        return redirect("indicators:import", pk=plan.pk)
    data, filename, as_of = stashed
    if request.POST.get("remap"):
        # The user corrected the table or a column's meaning: preview again from the same file.
        corrected = choice_from_form(request.POST)
        report = run_import(
            data, user=request.user, filename=filename, commit=False, plan=plan, as_of=as_of, choice=corrected
        )
        token = _stash(request, plan, filename, data, as_of)
        return render(
            request,
            "indicators/plan_import.html",
            _import_context(plan, report, token, ImportUploadForm()),
        )
    choice = Choice.from_json(request.POST.get("choice", ""))
    report = run_import(data, user=request.user, filename=filename, commit=True, plan=plan, as_of=as_of, choice=choice)
    if not report.committed:
        return render(
            request,
            "indicators/plan_import.html",
            {"plan": plan, "form": ImportUploadForm(), "report": report, "token": "", "empty_plan": False},
        )
    messages.success(request, f"导入完成（{filename}）：{report.summary}。")
    return redirect("indicators:plan", pk=plan.pk)


def plan_import_template(request: HttpRequest, pk: int) -> HttpResponse:
    plan = roles.get_plan_for_user(request.user, pk, need=Need.ADMIN)
    periods = grid_periods(plan, timezone.localdate()) or [Period(plan.base_year)]
    workbook = template_workbook(plan, periods)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = quote(f"{plan.short_name or plan.name}_附件1_导入模板.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
