"""Pages of data collection (issue 14): a whole period on one page, bulk approval, the collection board.

Thin views as in indicators.views: access (indicators.roles) → forms → services → redirect with a message."""

from __future__ import annotations

import base64
import io
import secrets
from typing import Any
from urllib.parse import quote, urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from indicators import collection, period_upload, roles, services
from indicators.assessment import default_plan
from indicators.forms import ObservationForm
from indicators.models import Department, Observation, Plan, ReviewStatus
from indicators.periods import Period, PeriodError, plan_periods
from indicators.roles import AnyUser, Need
from indicators.xlsx_layout import save_workbook

NO_PERIOD_ROWS = "您所在单位在{period}没有需要填报的统计指标。"
PERIOD_SAVED = "已保存 {count} 个数值（{period}）。"
PERIOD_SUBMITTED = "已保存并提交审核 {count} 个数值（{period}）。"
PERIOD_NOTHING = "没有修改，也没有需要提交的数值。"
PERIOD_NOT_SAVED = "未保存：有 {count} 行需要修改，请看标红的行；其他行也没有保存。"
BULK_APPROVED = "已审核通过 {count} 个数值。"
DEADLINE_SAVED = "已设置{period}的报送截止日期：{due}。"
DEADLINE_REMOVED = "已取消{period}的报送截止日期。"
FORBIDDEN_BOARD = "只有审核员、领导和管理员可以查看填报进度。"
PENDING = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)  # with the department: submitted by 提交全部
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period_or_404(code: str) -> Period:
    try:
        return Period.parse(code)
    except PeriodError:
        raise Http404("期间格式不正确。") from None


# --- whole-period entry -----------------------------------------------------------------------------


class PeriodRowForm(ObservationForm):
    """One row of the whole-period page: the per-cell form, compact, remembering what it showed.

    ``show_hidden_initial`` posts the values the page showed, so a row counts as changed only when the clerk
    changed it, not when somebody else changed the figure meanwhile (that is caught by the version check)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].widget = forms.TextInput(attrs={"autocomplete": "off"})
        for name in ("value", "no_data", "note", "source"):
            self.fields[name].show_hidden_initial = True


def record_from_form(
    form: ObservationForm, series: Any, when: Period, user: Any, *, submit: bool
) -> services.RecordResult:
    """Save a valid entry form (the per-cell page's or a row of the whole-period page) through the service."""
    data = form.cleaned_data
    return services.observation_record(
        series=series,
        period=when,
        value=data["number"],
        decimals=form.parsed_decimals,
        no_data=data["no_data"],
        note=data["note"],
        source=data["source"],
        user=user,
        reason=data["reason"],
        expected_version=data["version"],
        submit=submit,
    )


def _row_initial(observation: Observation | None) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": observation.version if observation else 0}
    if observation is not None:
        initial.update(
            value="" if observation.no_data else observation.display_value,
            no_data=observation.no_data,
            note=observation.note,
            source=observation.source,
        )
    return initial


def _chosen_department(request: HttpRequest) -> Department | None:
    """Admins may look at one department's rows (``?department=``); clerks always see their own."""
    raw = request.GET.get("department", "")
    if not raw or not roles.is_admin(request.user):
        return None
    return roles.get_department_for_user(request.user, raw)


def period_entry(request: HttpRequest, period: str) -> HttpResponse:
    """All the department's series for one period on one form: save all, or save and submit all."""
    roles.require(request.user, Need.ENTER)
    when = _period_or_404(period)
    today = timezone.localdate()
    plans = list(Plan.objects.select_related("region"))
    choices = collection.entry_periods(plans, today)
    if when not in choices:
        raise Http404("该期间不在规划期内或尚未结束。")
    department = _chosen_department(request)
    rows = collection.period_rows(plans, when, request.user, department=department)
    post = request.POST if request.method == "POST" else None
    for row in rows:
        row.form = PeriodRowForm(
            post, prefix=f"s{row.series.pk}", indicator=row.series, initial=_row_initial(row.observation)
        )
    if post is not None:
        done = _save_period(request, when, rows, submit="submit" in post)
        if done:
            return redirect(request.get_full_path())
    return render(
        request,
        "indicators/period_entry.html",
        {
            "period": when,
            "periods": choices,
            "rows": rows,
            "department": department,
            "departments": list(Department.objects.order_by("name")) if roles.is_admin(request.user) else [],
            "empty": NO_PERIOD_ROWS.format(period=when.label),
            "returned": [r for r in rows if r.observation and r.observation.status == ReviewStatus.RETURNED],
        },
    )


def _save_period(request: HttpRequest, when: Period, rows: list[collection.PeriodRow], *, submit: bool) -> bool:
    """Save the changed rows (and with ``submit`` send every draft or returned figure of the page to review),
    all or nothing: one row that fails leaves every figure as it was. Returns whether it saved."""
    failed = 0
    count = 0
    with transaction.atomic():
        for row in rows:
            form = row.form
            if row.locked:
                continue
            changed = form.has_changed() and any(name != "version" for name in form.changed_data)
            if not changed:
                observation = row.observation
                if submit and observation is not None and observation.status in PENDING:
                    version = form.fields["version"].clean(form["version"].data)
                    try:
                        services.observation_submit(
                            observation=observation, user=request.user, expected_version=version
                        )
                    except ValidationError as error:
                        form.add_error(None, error)
                        failed += 1
                    else:
                        count += 1
                continue
            if not form.is_valid():
                failed += 1
                continue
            try:
                result = record_from_form(form, row.series, when, request.user, submit=submit)
            except ValidationError as error:
                form.add_error(None, error)
                failed += 1
            else:
                count += result.changed or result.created or result.repeated or submit
                if result.warning:
                    messages.warning(request, f"{row.series.name}：{result.warning}（已保存，审核员会看到这条提示。）")
        if failed:
            transaction.set_rollback(True)
    if failed:
        # The warnings above belong to rows that were rolled back: drop them, keep the error.
        list(messages.get_messages(request))
        messages.error(request, PERIOD_NOT_SAVED.format(count=failed))
        return False
    if count:
        text = PERIOD_SUBMITTED if submit else PERIOD_SAVED
        messages.success(request, text.format(count=count, period=when.label))
    else:
        messages.info(request, PERIOD_NOTHING)
    return True


# --- bulk approval ------------------------------------------------------------------------------------


def review_queue(department: Department | None, period: Period | None) -> Any:
    """The figures awaiting review, narrowed to a department and a period when asked (the review page's list)."""
    queue = Observation.objects.awaiting_review()
    if department is not None:
        queue = queue.filter(series__department=department)
    if period is not None:
        queue = queue.filter(year=period.year, part=period.part)
    return queue


def review_filters(data: Any, user: AnyUser) -> tuple[Department | None, Period | None]:
    """The department and period chosen on the review page (GET) or posted with a bulk approval; 404 if unknown
    or outside the user's region."""
    raw_department, raw_period = data.get("department", ""), data.get("period", "")
    department = roles.get_department_for_user(user, raw_department) if raw_department else None
    return department, (_period_or_404(raw_period) if raw_period else None)


@require_POST
def approve_selected(request: HttpRequest) -> HttpResponse:
    roles.require(request.user, Need.REVIEW)
    department, period = review_filters(request.POST, request.user)
    ids = request.POST.getlist("shown" if "all" in request.POST else "chosen")
    chosen: dict[int, int | None] = {}
    for raw in ids:
        if raw.isdigit():
            version = request.POST.get(f"version-{raw}", "")
            chosen[int(raw)] = int(version) if version.isdigit() else None
    try:
        approved = services.observations_approve_many(
            # only figures of the reviewer's own regions (issue 12): another county's id approves nothing
            queue=roles.scoped(review_queue(department, period), request.user, "series__region"),
            chosen=chosen,
            user=request.user,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, BULK_APPROVED.format(count=len(approved)))
    params = {
        key: value
        for key, value in (
            ("plan", request.POST.get("plan", "")),
            ("department", str(department.pk) if department else ""),
            ("period", period.code if period else ""),
        )
        if value
    }
    url = reverse("indicators:review")
    return redirect(f"{url}?{urlencode(params)}" if params else url)


# --- the collection board ----------------------------------------------------------------------------


class DeadlineForm(forms.Form):
    period = forms.ChoiceField(label="期间")
    due = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),  # what <input type=date> reads
        help_text="留空则取消该期间的截止日期。",
        error_messages={"invalid": "日期格式不正确，请写作 2026-02-15。"},
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [  # type: ignore[attr-defined]
            (p.code, p.label) for p in plan_periods(plan.base_year, plan.end_year)
        ]

    def clean_period(self) -> Period:
        return Period.parse(self.cleaned_data["period"])


def _board_plan(request: HttpRequest) -> tuple[Plan | None, list[Plan]]:
    if not (roles.is_reviewer(request.user) or roles.is_leader(request.user)):
        raise PermissionDenied(FORBIDDEN_BOARD)
    plans = list(Plan.objects.select_related("region"))
    wanted = request.GET.get("plan", "")
    if wanted:
        plan = next((p for p in plans if str(p.pk) == wanted), None)
        if plan is None:
            raise Http404("未找到该规划。")
        return plan, plans
    return default_plan(plans, timezone.localdate()), plans


def board(request: HttpRequest) -> HttpResponse:
    plan, plans = _board_plan(request)
    can_set = roles.is_admin(request.user)
    form = DeadlineForm(plan=plan) if plan is not None and can_set else None
    if request.method == "POST":
        if not can_set or plan is None:
            raise PermissionDenied(roles.FORBIDDEN_ADMIN)
        form = DeadlineForm(request.POST, plan=plan)
        if form.is_valid():
            period, due = form.cleaned_data["period"], form.cleaned_data["due"]
            try:
                services.deadline_set(plan=plan, period=period, due=due, user=request.user)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                if due is None:
                    messages.success(request, DEADLINE_REMOVED.format(period=period.label))
                else:
                    messages.success(request, DEADLINE_SAVED.format(period=period.label, due=due.isoformat()))
                return redirect(f"{reverse('indicators:board')}?plan={plan.pk}")
    today = timezone.localdate()
    return render(
        request,
        "indicators/board.html",
        {
            "plan": plan,
            "plans": plans,
            "board": collection.build_board(plan, today) if plan is not None else None,
            "form": form,
            "today": today,
        },
    )


def board_export(request: HttpRequest) -> HttpResponse:
    plan, _ = _board_plan(request)
    if plan is None:
        raise Http404("尚未建立规划。")
    workbook = collection.board_workbook(collection.build_board(plan, timezone.localdate()))
    buffer = io.BytesIO()
    save_workbook(workbook, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stamp = timezone.localdate().isoformat()
    filename = quote(f"{plan.short_name or plan.name}_填报进度_{stamp}.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


# --- the department's period template (xlsx) --------------------------------------------------------

UPLOAD_STASH = "period_uploads"
UPLOAD_EXPIRED = "上传已过期或已提交，请重新上传文件。"
UPLOAD_DONE = "已从 Excel 模板保存 {count} 个数值（{period}，草稿）；请核对后提交审核。"
UPLOAD_REQUIRED = "请选择填好的 Excel 模板（.xlsx）。"


def _period_context(request: HttpRequest, period: str) -> tuple[Period, list[collection.PeriodRow], str]:
    roles.require(request.user, Need.ENTER)
    when = _period_or_404(period)
    plans = list(Plan.objects.select_related("region"))
    if when not in collection.entry_periods(plans, timezone.localdate()):
        raise Http404("该期间不在规划期内或尚未结束。")
    department = _chosen_department(request)
    rows = collection.period_rows(plans, when, request.user, department=department)
    name = (
        department.name
        if department
        else (rows[0].series.department.name if rows and rows[0].series.department else "")
    )
    return when, rows, name


def period_template(request: HttpRequest, period: str) -> HttpResponse:
    when, rows, department_name = _period_context(request, period)
    buffer = io.BytesIO()
    save_workbook(period_upload.template_workbook(rows, when, department_name), buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    filename = quote(f"{department_name or '本单位'}_{when.label}_填报模板.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def period_upload_page(request: HttpRequest, period: str) -> HttpResponse:
    """Upload the filled template: a preview with every row error and warning, then commit all or nothing."""
    when, rows, department_name = _period_context(request, period)
    preview: period_upload.UploadPreview | None = None
    error = ""
    token = ""
    if request.method == "POST":
        stash = request.session.get(UPLOAD_STASH, {})
        if "confirm" in request.POST:
            entry = stash.pop(request.POST.get("token", ""), None)
            request.session[UPLOAD_STASH] = stash
            if entry is None or entry["period"] != when.code:
                messages.error(request, UPLOAD_EXPIRED)
                return redirect(request.path)
            preview = period_upload.read_upload(base64.b64decode(entry["data"]), rows, when)  # against today's rows
            if preview.ok:
                try:
                    count = period_upload.commit_upload(preview, when, request.user)
                except ValidationError as failure:
                    preview.errors.extend(failure.messages)
                else:
                    messages.success(request, UPLOAD_DONE.format(count=count, period=when.label))
                    return redirect("indicators:period_entry", period=when.code)
        else:
            upload = request.FILES.get("file")
            if upload is None or not upload.size:
                error = UPLOAD_REQUIRED
            elif not (upload.name or "").lower().endswith(".xlsx"):
                error = period_upload.UPLOAD_NOT_XLSX
            elif upload.size > period_upload.MAX_BYTES:
                error = period_upload.UPLOAD_TOO_LARGE
            else:
                data = upload.read()
                try:
                    preview = period_upload.read_upload(data, rows, when)
                except period_upload.UploadError as failure:
                    error = str(failure)
                else:
                    if preview.ok:
                        token = secrets.token_urlsafe(12)
                        stash[token] = {"period": when.code, "data": base64.b64encode(data).decode()}
                        request.session[UPLOAD_STASH] = stash
    return render(
        request,
        "indicators/period_upload.html",
        {
            "period": when,
            "rows": rows,
            "preview": preview,
            "error": error,
            "token": token,
            "department": department_name,
        },
    )
