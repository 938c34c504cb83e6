"""Every write to figures, targets, manual verdicts, locks and plans goes through these services.

Views, admin actions, management commands and the Excel importer all call them. Each one checks the
user's role (``user=None`` is the command line, trusted), runs inside a transaction, calls
``full_clean()`` and saves with the audit entry of django-simple-history: who (``_history_user``) and
why (``_change_reason``, capped at simple-history's 100 characters). Failures are ``ValidationError``
with a Chinese message constant, so views show them and tests assert them exactly.

Review workflow of an observation (Akvo RSR style; only approved figures count):

    draft ──submit──▶ submitted (待审核) ──approve──▶ approved
      ▲                   │
      └──── returned ◀─return (with a note the clerk sees)

Changing a figure puts it back to draft (or straight to submitted with ``submit=True``); changing an
approved figure needs a reason. A figure of a locked period cannot change at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from indicators import numbers, roles, values
from indicators.assessment import refresh_parsed_target
from indicators.models import (
    MANUAL_REASON_REQUIRED,
    VALUE_REQUIRED,
    AlternativeReading,
    AssignedTarget,
    Category,
    CollectionDeadline,
    Department,
    Indicator,
    ManualVerdict,
    Observation,
    PeriodLock,
    Plan,
    Region,
    ReviewStatus,
    Series,
)
from indicators.periods import Period, plan_periods
from indicators.roles import AnyUser, Need
from indicators.vocabulary import Status

REASON_MAX = 100  # simple-history's history_change_reason is a CharField(max_length=100)

REASON_REQUIRED = "该数值已审核通过，修改必须填写修改原因。"
TARGET_REASON_REQUIRED = "修改目标必须填写修改原因。"
REASON_TOO_LONG = f"原因最多 {REASON_MAX} 个字。"
PERIOD_LOCKED = "{period}已锁定，数值和研判不能修改；如确需修改，请联系管理员解锁。"
# A figure is shared by every plan that reads its series: say which plan's lock closes it.
PERIOD_LOCKED_BY = "{period}已由{plans}锁定，数值和研判不能修改；如确需修改，请联系管理员解锁。"
PERIOD_OUTSIDE_PLAN = "{period}不在该规划的期间内（基期 {base} 年至目标年 {end} 年）。"
PERIOD_OUTSIDE_PLANS = "{period}不在使用该统计指标的规划期内（{spans}）。"
SERIES_REQUIRED = "该指标尚未关联统计指标，不能录入数值；请先在规划管理中保存该指标。"
PARENT_HAS_NO_FIGURES = "该指标由分项指标组成，请在分项指标中录入数值。"
CONFLICT_CHANGED = "未保存：在您编辑期间，{who}已将该数值改为 {value}（{status}，{when}）。请在最新数值基础上重新修改。"
CONFLICT_DELETED = "未保存：在您编辑期间，该数值已被删除。请刷新后重新录入。"
SUBMIT_WRONG_STATUS = "只有草稿或退回修改的数值可以提交审核。"
APPROVE_WRONG_STATUS = "只有待审核的数值可以审核通过。"
RETURN_WRONG_STATUS = "只有待审核的数值可以退回。"
RETURN_NOTE_REQUIRED = "退回时请写明退回原因，录入员会看到。"
STATUS_UNKNOWN = "研判结论不在可选范围内。"
ALREADY_LOCKED = "{period}已经锁定。"
NOT_LOCKED = "{period}没有锁定。"
PLAN_YEARS_INVALID = "目标年份必须晚于基期年份。"
CATEGORIES_REQUIRED = "请至少填写一个类别。"
CATEGORY_DUPLICATE = "类别“{name}”重复。"
INDICATOR_DUPLICATE = "该规划中已有同名指标“{name}”。"
DEPARTMENT_OTHER_REGION = "责任单位必须属于统计指标所在的行政区划。"
NEXT_PLAN_NOTHING_CHOSEN = "请至少选择一项延续的指标。"
NEXT_PLAN_OTHER_PLAN = "所选指标不属于该规划。"
NEXT_PLAN_LOCK_REASON = "已建立下一期规划“{plan}”，原规划转为只读"
NEXT_PLAN_NOTE = "延续自{plan}（{seq}{name}），沿用同一统计指标；目标值待录入。"

READING_REASON_REQUIRED = "改用其他口径数值必须写明理由，理由会记入修改记录。"
READING_NOT_APPROVED = "只有已审核且没有待审修改的数值可以改用其他口径。"
READING_SOURCE_TAKEN = "该数值已有来源为“{source}”的其他口径，请先核对。"
AUTO_READING = "改用{source}口径：{reason}"

# Reasons written to the history when the user gives none.
AUTO_CREATED = "录入"
AUTO_CHANGED = "修改"
AUTO_SUBMITTED = "提交审核"
AUTO_APPROVED = "审核通过"
AUTO_RETURNED = "退回修改：{note}"
AUTO_LOCKED = "锁定期间"
AUTO_UNLOCKED = "解锁期间"


class ConcurrentEditError(ValidationError):
    """The figure changed since the form was shown; ``current`` is the newer observation (or None)."""

    def __init__(self, message: str, current: Observation | None) -> None:
        super().__init__(message, code="conflict")
        self.current = current


@dataclass(frozen=True)
class RecordResult:
    observation: Observation
    created: bool
    changed: bool
    warning: str  # soft warning saved on the observation for the reviewer, "" if none
    repeated: bool = False  # the same user's save sent twice (a double click): recognised, nothing written


def clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError(REASON_TOO_LONG, code="reason_too_long")
    return reason


def short_reason(text: str) -> str:
    """A reason cut to the audit column's length."""
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + "…"


def _audited_save(instance: Any, user: AnyUser | None, reason: str) -> None:
    instance._history_user = user
    instance._change_reason = short_reason(reason)
    instance.save()


def _audited_delete(instance: Any, user: AnyUser | None, reason: str) -> None:
    instance._history_user = user
    instance._change_reason = short_reason(reason)
    instance.delete()


def _check(user: AnyUser | None, need: Need, target: Indicator | Series | None = None) -> None:
    if user is None:  # management command or import run from the shell
        return
    if target is None:
        roles.require(user, need)
    else:
        roles.check_indicator(user, target, need)


def check_period_in_plan(plan: Plan, period: Period) -> None:
    """The base year (full year only) and every period up to the target year belong to the plan."""
    if not _inside(plan, period):
        raise ValidationError(
            PERIOD_OUTSIDE_PLAN.format(period=period.label, base=plan.base_year, end=plan.end_year),
            code="period_outside_plan",
        )


def check_period_for_series(series: Series, period: Period) -> None:
    """A figure's period must lie in at least one plan that reads the series (any period if none does yet)."""
    plans = list(Plan.objects.filter(indicators__series=series).distinct().order_by("base_year", "pk"))
    if not plans or any(_inside(plan, period) for plan in plans):
        return
    spans = "、".join(f"{plan.base_year}–{plan.end_year}年" for plan in plans)
    raise ValidationError(PERIOD_OUTSIDE_PLANS.format(period=period.label, spans=spans), code="period_outside_plan")


def _inside(plan: Plan, period: Period) -> bool:
    return period == Period(plan.base_year) or plan.base_year < period.year <= plan.end_year


def is_locked(plan_id: int, period: Period) -> bool:
    return PeriodLock.objects.filter(plan_id=plan_id, year=period.year, part=period.part).exists()


def check_not_locked(plan_id: int, period: Period) -> None:
    if is_locked(plan_id, period):
        raise ValidationError(PERIOD_LOCKED.format(period=period.label), code="locked")


def is_series_locked(series_id: int, period: Period) -> bool:
    """Locks stay per plan (a plan's report is adopted for a period); a figure is closed when any plan
    reading its series has locked the period, since the same figure is printed in that plan's report."""
    return PeriodLock.objects.filter(plan__indicators__series_id=series_id, year=period.year, part=period.part).exists()


def locking_plans(series_id: int, period: Period) -> list[str]:
    """The names of the plans whose lock of ``period`` closes the series' figure (none: open)."""
    names = PeriodLock.objects.filter(plan__indicators__series_id=series_id, year=period.year, part=period.part)
    return sorted(set(names.values_list("plan__name", flat=True)))


def locked_message(period: Period, plans: Iterable[str]) -> str:
    return PERIOD_LOCKED_BY.format(period=period.label, plans="、".join(sorted(set(plans))))


def check_series_not_locked(series_id: int, period: Period) -> None:
    plans = locking_plans(series_id, period)
    if plans:
        raise ValidationError(locked_message(period, plans), code="locked")


def _version_check(observation: Observation | None, expected_version: int | None) -> None:
    """``expected_version`` is the version the form showed, 0 for a figure that did not exist yet."""
    if expected_version is None:
        return
    current = observation.version if observation else 0
    if current == expected_version:
        return
    if observation is None:
        raise ConcurrentEditError(CONFLICT_DELETED, None)
    latest = observation.history.select_related("history_user").first()
    author = latest.history_user if latest is not None else observation.entered_by
    who = (author.get_full_name() or author.username) if author else "他人"
    when = timezone.localtime(observation.updated_at).strftime("%Y-%m-%d %H:%M")
    shown = "暂无数据" if observation.no_data else observation.display_value
    raise ConcurrentEditError(
        CONFLICT_CHANGED.format(who=who, value=shown, status=observation.get_status_display(), when=when),
        observation,
    )


def _locked_row(series: Series, period: Period) -> Observation | None:
    return (
        Observation.objects.select_for_update(of=("self",))
        .select_related("entered_by")
        .filter(series=series, year=period.year, part=period.part)
        .first()
    )


def _history_of(series: Series, period: Period) -> list[Decimal]:
    """Approved figures of the same kind of period (years with years, halves with halves), for warnings."""
    return histories([series.pk], period).get(series.pk, [])


def histories(series_ids: Sequence[int], period: Period) -> dict[int, list[Decimal]]:
    """``_history_of`` for several series in one query (a period upload's preview warns before saving)."""
    rows = (
        Observation.objects.approved(with_data=True)
        .filter(series_id__in=series_ids, part=period.part)
        .exclude(year=period.year)
    )
    grouped: dict[int, list[Observation]] = defaultdict(list)
    for row in rows:
        grouped[row.series_id].append(row)
    return {series_id: counted_values(group) for series_id, group in grouped.items()}


def counted_values(rows: Iterable[Observation]) -> list[Decimal]:
    """The values that count among ``rows`` (``Observation.counted``: an approved figure, or the approved figure
    kept beside a pending change), the history the outlier warning compares a new figure with."""
    figures = (row.counted() for row in rows)
    return [figure.value for figure in figures if figure is not None and figure.value is not None]


def clean_figure(
    series: Series, *, value: Decimal | None, decimals: int | None, no_data: bool, note: str, source: str
) -> tuple[Decimal | None, int, str, str]:
    """A figure as it is stored (value, decimals, note, source): "暂无数据" clears the value; a value passes the
    sanity checks and keeps the decimals it was written with. Shared by the single write and the bulk import."""
    note, source = (note or "").strip(), (source or "").strip()
    if no_data:
        return None, 0, note, source
    if value is None:
        raise ValidationError(VALUE_REQUIRED, code="required")
    errors = values.sanity_errors(value, name=series.name, unit=series.unit)
    if errors:
        raise ValidationError(errors, code="sanity")
    return value, numbers.decimals_of(value) if decimals is None else decimals, note, source


@transaction.atomic
def observation_record(
    *,
    series: Series | None = None,
    indicator: Indicator | None = None,
    period: Period,
    value: Decimal | None,
    decimals: int | None = None,
    no_data: bool = False,
    note: str = "",
    source: str = "",
    user: AnyUser | None,
    reason: str = "",
    expected_version: int | None = None,
    submit: bool = False,
    approve: bool = False,
) -> RecordResult:
    """Create or change the figure of ``series`` for ``period``; every plan reading the series sees it.

    Given ``indicator`` instead (imports, the seed loader), the figure goes to the indicator's series and the
    period is checked against the indicator's plan. ``submit`` sends it to review at once; ``approve``
    (reviewers, admins, imports) records it approved.
    """
    _check(user, Need.ENTER, indicator if indicator is not None else series)
    if approve:
        _check(user, Need.REVIEW)
    if indicator is not None:
        if indicator.children.exists():
            raise ValidationError(PARENT_HAS_NO_FIGURES, code="parent")
        series = indicator.series
        if series is None:
            raise ValidationError(SERIES_REQUIRED, code="series")
        check_period_in_plan(indicator.plan, period)
    else:
        if series is None:
            raise ValidationError(SERIES_REQUIRED, code="series")
        check_period_for_series(series, period)
        if series.indicators.exists() and not series.indicators.filter(children=None).exists():
            raise ValidationError(PARENT_HAS_NO_FIGURES, code="parent")
    check_series_not_locked(series.pk, period)
    reason = clean_reason(reason)
    value, decimals, note, source = clean_figure(
        series, value=value, decimals=decimals, no_data=no_data, note=note, source=source
    )

    existing = _locked_row(series, period)
    new = (value, no_data, decimals, note, source)
    repeated = _is_repeat(existing, user, new, expected_version)
    if not repeated:
        _version_check(existing, expected_version)
    observation = existing or Observation(series=series, year=period.year, part=period.part)
    changed = (
        existing is None
        or (
            existing.value,
            existing.no_data,
            existing.decimals,
            existing.note,
            existing.source,
        )
        != new
    )
    check_reason(existing, changed=changed, reason=reason)
    target = next_status(observation, changed=changed, approve=approve, submit=submit)
    if target is None:
        return RecordResult(observation, created=False, changed=False, warning=observation.warning, repeated=repeated)

    warning = observation.warning
    hold_approved(observation, existing, target=target, changed=changed)
    if changed:
        observation.value, observation.no_data, observation.decimals = value, no_data, decimals or 0
        observation.note, observation.source = note, source
        observation.entered_by = roles.signed_in(user) or observation.entered_by
        warning = "" if value is None else values.outlier_warning(value, _history_of(series, period))
        observation.warning = warning
    observation.status = target
    if target == ReviewStatus.APPROVED:
        observation.review_note = ""
    observation.version = (existing.version + 1) if existing else 1
    observation.full_clean()
    if existing is None:
        default = AUTO_CREATED
    elif changed:
        default = AUTO_CHANGED
    else:
        default = AUTO_APPROVED if approve else AUTO_SUBMITTED
    _audited_save(observation, user, reason or default)
    return RecordResult(observation, created=existing is None, changed=changed, warning=warning)


def _is_repeat(
    existing: Observation | None, user: AnyUser | None, new: tuple[Any, ...], expected_version: int | None
) -> bool:
    """A stale version that is the same user's own save of the same figure (a double click or a resent form):
    the figure already holds exactly what is posted, so it is no conflict with anybody."""
    if existing is None or expected_version is None or user is None or existing.version == expected_version:
        return False
    stored = (existing.value, existing.no_data, existing.decimals, existing.note, existing.source)
    return existing.entered_by_id == user.pk and stored == new


def check_reason(existing: Observation | None, *, changed: bool, reason: str) -> None:
    """Changing an approved figure needs a reason."""
    if existing is not None and changed and existing.change_needs_reason and not reason:
        raise ValidationError(REASON_REQUIRED, code="reason_required")


def next_status(observation: Observation, *, changed: bool, approve: bool, submit: bool) -> str | None:
    """The review status a write leaves the figure in; None when the write changes nothing."""
    if changed:
        return ReviewStatus.APPROVED if approve else ReviewStatus.SUBMITTED if submit else ReviewStatus.DRAFT
    if approve and observation.status != ReviewStatus.APPROVED:
        return ReviewStatus.APPROVED
    if submit and observation.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
        return ReviewStatus.SUBMITTED
    return None


def hold_approved(observation: Observation, existing: Observation | None, *, target: str, changed: bool) -> None:
    """An approval drops the kept approved copy; a change of an approved figure keeps it beside the change, so
    it goes on counting until the change is approved (Akvo RSR: only approved counts)."""
    if target == ReviewStatus.APPROVED:
        _forget_approved(observation)
    elif changed and existing is not None and existing.status == ReviewStatus.APPROVED:
        observation.approved_value = existing.value
        observation.approved_decimals = existing.decimals
        observation.approved_no_data = existing.no_data


def _forget_approved(observation: Observation) -> None:
    observation.approved_value = observation.approved_decimals = observation.approved_no_data = None


def _transition(
    observation: Observation,
    *,
    user: AnyUser | None,
    need: Need,
    allowed_from: Sequence[str],
    wrong_status: str,
    to: str,
    reason: str,
    expected_version: int | None,
    review_note: str | None = None,
) -> Observation:
    _check(user, need, observation.series)
    row = _locked_row(observation.series, observation.period)
    if row is None:
        raise ConcurrentEditError(CONFLICT_DELETED, None)
    _version_check(row, expected_version)
    check_series_not_locked(observation.series_id, row.period)
    if row.status not in allowed_from:
        raise ValidationError(wrong_status, code="wrong_status")
    row.series = observation.series  # keep the caller's select_related objects
    if to == ReviewStatus.APPROVED:
        roles.check_four_eyes(user, row.entered_by_id, Plan.objects.filter(indicators__series_id=row.series_id))
    row.status = to
    if to == ReviewStatus.APPROVED:
        _forget_approved(row)
    if review_note is not None:
        row.review_note = review_note
    row.version += 1
    row.full_clean()
    _audited_save(row, user, reason)
    return row


@transaction.atomic
def observation_submit(
    *, observation: Observation, user: AnyUser | None, expected_version: int | None = None
) -> Observation:
    return _transition(
        observation,
        user=user,
        need=Need.ENTER,
        allowed_from=(ReviewStatus.DRAFT, ReviewStatus.RETURNED),
        wrong_status=SUBMIT_WRONG_STATUS,
        to=ReviewStatus.SUBMITTED,
        reason=AUTO_SUBMITTED,
        expected_version=expected_version,
    )


@transaction.atomic
def observation_approve(
    *, observation: Observation, user: AnyUser | None, expected_version: int | None = None
) -> Observation:
    return _transition(
        observation,
        user=user,
        need=Need.REVIEW,
        allowed_from=(ReviewStatus.SUBMITTED,),
        wrong_status=APPROVE_WRONG_STATUS,
        to=ReviewStatus.APPROVED,
        reason=AUTO_APPROVED,
        expected_version=expected_version,
        review_note="",
    )


@transaction.atomic
def observation_return(
    *, observation: Observation, user: AnyUser | None, note: str, expected_version: int | None = None
) -> Observation:
    note = (note or "").strip()
    if not note:
        raise ValidationError(RETURN_NOTE_REQUIRED, code="note_required")
    return _transition(
        observation,
        user=user,
        need=Need.REVIEW,
        allowed_from=(ReviewStatus.SUBMITTED,),
        wrong_status=RETURN_WRONG_STATUS,
        to=ReviewStatus.RETURNED,
        reason=AUTO_RETURNED.format(note=note),
        expected_version=expected_version,
        review_note=note,
    )


@transaction.atomic
def reading_choose(*, alternative: AlternativeReading, user: AnyUser | None, reason: str) -> Observation:
    """A reviewer makes an other reading (其他口径) the counted figure; the figure it replaces becomes an other
    reading with its own source, so neither number is lost, and the history keeps who chose it and why."""
    reason = clean_reason(reason)
    if not reason:
        raise ValidationError(READING_REASON_REQUIRED, code="reason_required")
    observation = (
        Observation.objects.select_for_update(of=("self",)).select_related("series").get(pk=alternative.observation_id)
    )
    _check(user, Need.REVIEW, observation.series)
    check_series_not_locked(observation.series_id, observation.period)
    if observation.status != ReviewStatus.APPROVED or observation.no_data or observation.value is None:
        raise ValidationError(READING_NOT_APPROVED, code="not_approved")
    old_value, old_decimals, old_source = observation.value, observation.decimals, observation.source
    taken = observation.alternatives.exclude(pk=alternative.pk).filter(source=old_source or "原采用数值")
    if taken.exists():
        raise ValidationError(READING_SOURCE_TAKEN.format(source=old_source), code="source_taken")
    new_source = alternative.source
    observation.value, observation.decimals, observation.source = alternative.value, alternative.decimals, new_source
    observation.version += 1
    alternative.value, alternative.decimals = old_value, old_decimals
    alternative.source = old_source or "原采用数值"
    alternative.note = f"原采用数值；改用{new_source}口径的理由：{reason}"
    alternative.full_clean()
    alternative.save()
    _audited_save(observation, user, AUTO_READING.format(source=new_source, reason=reason))
    return observation


@transaction.atomic
def observation_submit_all(*, plan: Plan | None = None, user: AnyUser | None) -> int:
    """Submit every draft or returned figure the user may enter (of ``plan``'s series if given); returns how
    many. Figures of a period locked by any plan reading the series stay as they are."""
    _check(user, Need.ENTER)
    series = Series.objects.of_plan(plan) if plan is not None else Series.objects.all()
    if user is not None:
        series = series.editable_by(user)
    locked = set(
        PeriodLock.objects.filter(plan__indicators__series__in=series).values_list(
            "plan__indicators__series", "year", "part"
        )
    )
    count = 0
    pending = (
        Observation.objects.filter(series__in=series, status__in=[ReviewStatus.DRAFT, ReviewStatus.RETURNED])
        .select_related("series", "series__department")
        .order_by("pk")
    )
    for observation in pending:
        if (observation.series_id, observation.year, observation.part) in locked:
            continue
        observation_submit(observation=observation, user=user)
        count += 1
    return count


# --- period locks ----------------------------------------------------------------------------------


@transaction.atomic
def period_lock(*, plan: Plan, period: Period, user: AnyUser | None, reason: str = "") -> PeriodLock:
    _check(user, Need.ADMIN)
    check_period_in_plan(plan, period)
    reason = clean_reason(reason)
    if is_locked(plan.pk, period):
        raise ValidationError(ALREADY_LOCKED.format(period=period.label), code="already_locked")
    lock = PeriodLock(plan=plan, year=period.year, part=period.part, reason=reason, locked_by=roles.signed_in(user))
    lock.full_clean()
    _audited_save(lock, user, reason or AUTO_LOCKED)
    return lock


@transaction.atomic
def period_unlock(*, plan: Plan, period: Period, user: AnyUser | None, reason: str = "") -> None:
    _check(user, Need.ADMIN)
    reason = clean_reason(reason)
    lock = PeriodLock.objects.filter(plan=plan, year=period.year, part=period.part).first()
    if lock is None:
        raise ValidationError(NOT_LOCKED.format(period=period.label), code="not_locked")
    _audited_delete(lock, user, reason or AUTO_UNLOCKED)


# --- manual verdicts --------------------------------------------------------------------------------


@transaction.atomic
def manual_verdict_set(
    *, indicator: Indicator, as_of: Period, status: str, reason: str, user: AnyUser | None
) -> ManualVerdict:
    """Set or override the verdict of ``indicator`` at ``as_of``; the reason is required and audited."""
    _check(user, Need.REVIEW)
    check_period_in_plan(indicator.plan, as_of)
    check_not_locked(indicator.plan_id, as_of)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(MANUAL_REASON_REQUIRED, code="reason_required")
    if status not in {s.value for s in Status}:
        raise ValidationError(STATUS_UNKNOWN, code="status")
    verdict = ManualVerdict.objects.select_for_update(of=("self",)).order_by().filter(
        indicator=indicator, year=as_of.year, part=as_of.part
    ).first() or ManualVerdict(indicator=indicator, year=as_of.year, part=as_of.part)
    verdict.status, verdict.reason = status, reason
    if user is not None:
        verdict.set_by = roles.signed_in(user)
    verdict.full_clean()
    _audited_save(verdict, user, reason)
    return verdict


@transaction.atomic
def manual_verdict_clear(*, indicator: Indicator, as_of: Period, user: AnyUser | None, reason: str) -> None:
    _check(user, Need.REVIEW)
    check_not_locked(indicator.plan_id, as_of)
    reason = clean_reason(reason)
    if not reason:
        raise ValidationError(MANUAL_REASON_REQUIRED, code="reason_required")
    verdict = ManualVerdict.objects.filter(indicator=indicator, year=as_of.year, part=as_of.part).first()
    if verdict is not None:
        _audited_delete(verdict, user, reason)


# --- targets, plans, indicators (admin) --------------------------------------------------------------


@transaction.atomic
def indicator_target_set(
    *,
    indicator: Indicator,
    target_text: str,
    user: AnyUser | None,
    reason: str,
    manual: bool = False,
    kind: str = "",
    value: Decimal | None = None,
    direction: str = "",
) -> Indicator:
    """Change the printed target; without ``manual`` the parser's reading is stored, else the given one."""
    _check(user, Need.ADMIN)
    reason = clean_reason(reason)
    if not reason:
        raise ValidationError(TARGET_REASON_REQUIRED, code="reason_required")
    indicator.target_text = (target_text or "").strip()
    indicator.target_set_manually = manual
    if manual:
        indicator.target_kind, indicator.target_value = kind, value
        indicator.target_direction = direction or indicator.target_direction
    else:
        refresh_parsed_target(indicator)
    indicator.full_clean()
    _audited_save(indicator, user, reason)
    return indicator


@transaction.atomic
def assigned_target_set(
    *, indicator: Indicator, period: Period, value: Decimal, source: str, user: AnyUser | None, reason: str
) -> AssignedTarget:
    _check(user, Need.ADMIN)
    check_period_in_plan(indicator.plan, period)
    reason = clean_reason(reason)
    if not reason:
        raise ValidationError(TARGET_REASON_REQUIRED, code="reason_required")
    target = AssignedTarget.objects.filter(
        indicator=indicator, year=period.year, part=period.part
    ).first() or AssignedTarget(indicator=indicator, year=period.year, part=period.part)
    target.value, target.source = value, (source or "").strip()
    target.full_clean()
    _audited_save(target, user, reason)
    return target


@transaction.atomic
def plan_create(
    *,
    region: Region,
    name: str,
    short_name: str,
    base_year: int,
    end_year: int,
    categories: Sequence[str],
    user: AnyUser | None,
) -> Plan:
    """A new plan (e.g. 十五五, base 2025, target 2030) with its categories in the given order."""
    _check(user, Need.ADMIN)
    if end_year <= base_year:
        raise ValidationError(PLAN_YEARS_INVALID, code="years")
    names = [c.strip() for c in categories if c.strip()]
    if not names:
        raise ValidationError(CATEGORIES_REQUIRED, code="categories")
    for category_name in names:
        if names.count(category_name) > 1:
            raise ValidationError(CATEGORY_DUPLICATE.format(name=category_name), code="categories")
    plan = Plan(region=region, name=name.strip(), short_name=short_name.strip(), base_year=base_year, end_year=end_year)
    plan.full_clean()
    plan.save()
    for order, category_name in enumerate(names, start=1):
        category_add(plan=plan, name=category_name, order=order, user=user)
    return plan


@transaction.atomic
def category_add(*, plan: Plan, name: str, user: AnyUser | None, order: int | None = None) -> Category:
    _check(user, Need.ADMIN)
    if order is None:
        order = (plan.categories.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    category = Category(plan=plan, name=name.strip(), order=order)
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def series_match(*, region: Region, name: str, unit: str, user: AnyUser | None) -> tuple[Series, bool]:
    """The region's series of this name and unit, created when missing; returns (series, created)."""
    _check(user, Need.ADMIN)
    found = Series.objects.filter(region=region, name=name.strip(), unit=unit.strip()).first()
    if found is not None:
        return found, False
    series = Series(region=region, name=name.strip(), unit=unit.strip())
    series.full_clean()
    _audited_save(series, user, "新建统计指标")
    return series, True


_KEEP = object()


@transaction.atomic
def series_department_set(
    *, series: Series, department: Department | None, user: AnyUser | None, reason: str = ""
) -> bool:
    """Assign the department that enters the series' figures (for every plan); returns whether it changed."""
    _check(user, Need.ADMIN)
    if series.department_id == (department.pk if department else None):
        return False
    if department is not None and department.region_id != series.region_id:
        raise ValidationError(DEPARTMENT_OTHER_REGION, code="department")
    series.department = department
    _audited_save(series, user, clean_reason(reason) or "分配责任单位")
    return True


@transaction.atomic  # all assignments or none
def plan_departments_assign(*, plan: Plan, chosen: dict[int, str], user: AnyUser | None) -> int:
    """Assign the responsible department of each indicator of ``plan`` from ``chosen`` (indicator id → the
    department's id as posted; empty or not one of the plan region's departments: none). The department belongs
    to the series, so it enters the figure for every plan reading it. Returns how many changed."""
    _check(user, Need.ADMIN)
    if user is not None:
        roles.check_region(user, plan.region_id)
    known = {str(d.pk): d for d in Department.objects.filter(region=plan.region_id)}
    changed = 0
    for indicator in Indicator.objects.of_plan(plan).filter(pk__in=list(chosen)).select_related("series"):
        if indicator.series is not None:
            department = known.get(chosen[indicator.pk].strip())
            changed += series_department_set(series=indicator.series, department=department, user=user)
    return changed


@transaction.atomic
def indicator_save(
    *, indicator: Indicator, user: AnyUser | None, reason: str = "", department: Any = _KEEP, grouping: bool = False
) -> Indicator:
    """Create or change an indicator (plan administration, imports); the target is parsed unless manual.

    An indicator without a series gets the region's series of the same name and unit (created if missing),
    unless it only groups sub-indicators (``grouping``); ``department`` (a Department or None), when given,
    is assigned to that series.
    """
    _check(user, Need.ADMIN)
    reason = clean_reason(reason)
    creating = indicator.pk is None
    if indicator.series_id is None and not grouping:
        indicator.series, _ = series_match(
            region=indicator.plan.region, name=indicator.name, unit=indicator.unit, user=user
        )
    if department is not _KEEP and indicator.series is not None:
        series_department_set(series=indicator.series, department=department, user=user, reason=reason)
    if creating and not indicator.order:
        last = (
            Indicator.objects.filter(plan_id=indicator.plan_id).order_by("-order").values_list("order", flat=True)
        ).first()
        indicator.order = (last or 0) + 1
    stored = Indicator.objects.filter(pk=indicator.pk).values_list("target_text", flat=True).first()
    if creating or stored != indicator.target_text:
        refresh_parsed_target(indicator)  # the parser's reading, unless staff set the target by hand
    indicator.full_clean()
    twins = Indicator.objects.filter(plan_id=indicator.plan_id, parent_id=indicator.parent_id, name=indicator.name)
    if twins.exclude(pk=indicator.pk).exists():  # the unique constraint lets NULL parents repeat
        raise ValidationError(INDICATOR_DUPLICATE.format(name=indicator.name), code="duplicate")
    _audited_save(indicator, user, reason or ("新建指标" if creating else "修改指标"))
    return indicator


@transaction.atomic
def plan_start_next(
    *,
    plan: Plan,
    name: str,
    short_name: str,
    base_year: int,
    end_year: int,
    continuing: Sequence[Indicator],
    user: AnyUser | None,
    lock_previous: bool = False,
) -> Plan:
    """The next plan started from ``plan`` (十四五 → 十五五): the same categories, and the chosen indicators
    continue on the same series, so the base year's figure (2025) is read from the series, never retyped.
    Targets stay empty, to be entered in the browser or imported; sub-indicators bring their group along.
    ``lock_previous`` locks every period of the finished plan (read-only unless an admin unlocks a period);
    it stays evaluable (final evaluation)."""
    _check(user, Need.ADMIN)
    if not continuing:
        raise ValidationError(NEXT_PLAN_NOTHING_CHOSEN, code="nothing_chosen")
    if any(indicator.plan_id != plan.pk for indicator in continuing):
        raise ValidationError(NEXT_PLAN_OTHER_PLAN, code="other_plan")
    new = plan_create(
        region=plan.region,
        name=name,
        short_name=short_name,
        base_year=base_year,
        end_year=end_year,
        categories=[c.name for c in plan.categories.order_by("order", "pk")],
        user=user,
    )
    categories = {c.name: c for c in new.categories.all()}
    copies: dict[int, Indicator] = {}

    def carry(old: Indicator, parent: Indicator | None) -> Indicator:
        copy = Indicator(
            plan=new,
            category=categories[old.category.name],
            parent=parent,
            seq=old.seq,
            order=old.order,
            name=old.name,
            unit=old.unit,
            attribute=old.attribute,
            series=old.series,
            partial_periods_comparable=old.partial_periods_comparable,
            note=NEXT_PLAN_NOTE.format(plan=plan.name, seq=f"{old.seq} " if old.seq else "", name=old.name),
        )
        grouping = old.series_id is None
        return indicator_save(indicator=copy, user=user, reason=f"延续自{plan.name}", grouping=grouping)

    chosen = sorted(continuing, key=lambda i: (i.category.order, i.order, i.pk))
    for old in chosen:
        parent = None
        if old.parent_id:
            group = old.parent
            assert group is not None
            if group.pk not in copies:
                copies[group.pk] = carry(group, None)
            parent = copies[group.pk]
        copies[old.pk] = carry(old, parent)
    for old in chosen:  # income growth in step with GDP growth stays linked when both continue
        if old.linked_indicator_id in copies:
            copy = copies[old.pk]
            copy.linked_indicator = copies[old.linked_indicator_id]
            indicator_save(indicator=copy, user=user, reason=f"延续自{plan.name}：挂钩指标")
    if lock_previous:
        locked = {(lock.year, lock.part) for lock in plan.period_locks.all()}
        for period in plan_periods(plan.base_year, plan.end_year):
            if (period.year, period.part) not in locked:
                period_lock(plan=plan, period=period, user=user, reason=NEXT_PLAN_LOCK_REASON.format(plan=new.name))
    return new


# --- data collection (issue 14): bulk approval, deadlines -------------------------------------------

BULK_NOTHING_CHOSEN = "请至少选择一个待审核的数值。"
BULK_OUT_OF_SCOPE = (
    "所选数值中有 {count} 个不在当前列表中（已被他人处理或不属于所选单位和期间），未作任何审核；请刷新后重试。"
)
DEADLINE_SET = "设置报送截止日期"
DEADLINE_CLEARED = "取消报送截止日期"


@transaction.atomic
def observations_approve_many(*, queue: Any, chosen: dict[int, int | None], user: AnyUser | None) -> list[Observation]:
    """Approve the chosen figures (pk → the version the page showed) in one go, all or none.

    ``queue`` is the list the reviewer was shown (a queryset of figures awaiting review, already filtered by
    department and period): a figure outside it is refused, and so is the whole request. Each approval goes
    through ``observation_approve``, so each has its own audit entry."""
    _check(user, Need.REVIEW)
    if not chosen:
        raise ValidationError(BULK_NOTHING_CHOSEN, code="nothing_chosen")
    found = list(queue.filter(pk__in=list(chosen)).select_related("series", "series__department").order_by("pk"))
    missing = len(chosen) - len(found)
    if missing:
        raise ValidationError(BULK_OUT_OF_SCOPE.format(count=missing), code="out_of_scope")
    return [
        observation_approve(observation=observation, user=user, expected_version=chosen[observation.pk])
        for observation in found
    ]


@transaction.atomic
def deadline_set(*, plan: Plan, period: Period, due: Any, user: AnyUser | None) -> CollectionDeadline | None:
    """Set (or with ``due=None`` clear) when ``plan``'s figures for ``period`` are due; audited."""
    _check(user, Need.ADMIN)
    check_period_in_plan(plan, period)
    current = CollectionDeadline.objects.filter(plan=plan, year=period.year, part=period.part).first()
    if due is None:
        if current is not None:
            _audited_delete(current, user, DEADLINE_CLEARED)
        return None
    deadline = current or CollectionDeadline(plan=plan, year=period.year, part=period.part)
    deadline.due = due
    deadline.set_by = roles.signed_in(user)
    deadline.full_clean()
    _audited_save(deadline, user, DEADLINE_SET)
    return deadline
