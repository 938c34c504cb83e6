"""Writes to major projects: every view, command and admin action goes through these.

Each write is atomic, runs ``full_clean()`` and leaves a history row (django-simple-history) with the
user and a reason (``_change_reason``; the given one, or a default such as 提交审核).

Investment figures (a year's planned and completed investment, a project's total investment) follow
the review workflow of indicator figures (``indicators.services``); only approved figures count:

    draft ──submit──▶ submitted (待审核) ──approve──▶ approved (copied to the approved columns)
      ▲                   │
      └──── returned ◀─return (with a note the clerk sees)

A new figure waits beside the approved one (see ``projects.figures``); changing an approved figure
needs a reason; entering the approved figures again simply withdraws the waiting change.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from indicators.models import Plan, ReviewStatus
from indicators.roles import AnyUser, Need, check_four_eyes
from indicators.services import clean_reason, short_reason
from projects import access
from projects.figures import Figure, FigureKind
from projects.models import NOTE_TEXT_REQUIRED, ProgressNote, Project, ProjectInvestment
from projects.rules import format_amount

REASON_REQUIRED = "修改已审核通过的投资数额时，必须填写修改原因。"
INVESTMENT_EMPTY = "请至少填写年度计划投资或完成投资中的一项。"
SUBMIT_WRONG_STATUS = "只有草稿或退回修改的数值可以提交审核。"
APPROVE_WRONG_STATUS = "只有待审核的数值可以审核通过。"
RETURN_WRONG_STATUS = "只有待审核的数值可以退回。"
RETURN_NOTE_REQUIRED = "退回时请写明退回原因，录入员会看到。"
CHANGED_SINCE_SEEN = "未处理：该数值在您打开页面后已被修改，请核对最新数值后再审核。"
CHANGED_BY_OTHER = (
    "未保存：{what}在您打开页面后已被{who}于{when}修改，现在是：{now}。请核对；如仍要保存您填写的内容，请再次点击保存。"
)
ENTERED_BY_OTHER = (
    "未保存：{what}已由{who}于{when}录入，现在是：{now}。请核对；如仍要保存您填写的内容，请再次点击保存。"
)

# Reasons written to the history when the user gives none.
AUTO_ENTERED = "录入"
AUTO_CHANGED = "修改"
AUTO_WITHDRAWN = "恢复为已审核数值"
AUTO_SUBMITTED = "提交审核"
AUTO_AND_SUBMITTED = "并提交审核"
AUTO_APPROVED = "审核通过"
AUTO_RETURNED = "退回修改：{note}"


# Project fields that the review workflow or Django keeps, not the project form: left out of a conflict message.
_NOT_ON_FORM = {"id", "total_pending", "total_status", "total_review_note", "total_entered_by"}


class ChangedSinceShownError(ValidationError):
    """Someone saved the project or figure after the form was shown; ``version`` is the newer version."""

    def __init__(self, message: str, version: int) -> None:
        super().__init__(message, code="conflict")
        self.version = version


def _last_change(obj: Project | ProjectInvestment) -> tuple[str, str]:
    """Who saved ``obj`` last and when, for the conflict message."""
    latest = obj.history.select_related("history_user").first()
    author = latest.history_user if latest is not None else None
    who = (author.get_full_name() or author.username) if author else "他人"
    return who, timezone.localtime(obj.updated_at).strftime("%Y-%m-%d %H:%M")


def _figure_now(figure: Figure) -> str:
    values = "，".join(
        f"{label} {format_amount(value)} 亿元"
        for (label, _, _), value in zip(figure.fields.pairs, figure.current_values, strict=True)
    )
    return f"{values}（{figure.status_label}）"


def _version_check(
    obj: Project | ProjectInvestment, expected: int | None, *, what: str, now: Callable[[], str]
) -> None:
    """``expected`` is the version the form showed (0: the form showed nothing there yet); None skips the check.

    ``now`` describes the saved values for the message, called only on a conflict.
    """
    if expected is None or obj.version == expected:
        return
    who, when = _last_change(obj)
    message = (ENTERED_BY_OTHER if expected == 0 else CHANGED_BY_OTHER).format(what=what, who=who, when=when, now=now())
    raise ChangedSinceShownError(message, obj.version)


def _project_now(current: Project, posted: Project) -> str:
    """The saved values the user's form would overwrite (those that differ), or the total when none differ."""
    shown = []
    total = Figure.of(current).current_values[0]
    for field in (f.name for f in Project._meta.concrete_fields if f.editable and f.name not in _NOT_ON_FORM):
        # region and plan by id: comparing the objects would load them
        attr = f"{field}_id" if field in ("region", "plan") else field
        new, old = getattr(posted, attr), getattr(current, attr)
        if field == "total_investment":
            old = total
        if new == old:
            continue
        label = getattr(Project._meta.get_field(field), "verbose_name", field)
        display = getattr(current, f"get_{field}_display", None)
        if field == "total_investment":
            value = f"{format_amount(old)} 亿元"
        elif field in ("region", "plan"):
            value = str(getattr(current, field) or "")
        else:
            value = display() if callable(display) else old
        shown.append(f"{label} {value or '（空）'}")
    return "；".join(shown) or f"总投资 {format_amount(total)} 亿元"


def _audit(instance: Any, user: AnyUser | None, reason: str) -> None:
    instance._history_user = user if user is not None and user.is_authenticated else None
    instance._change_reason = short_reason(reason.strip()) or None


def _check(user: AnyUser | None, need: Need, figure: Figure | None = None) -> None:
    """The role check of ``projects.access``; ``user=None`` is the command line, trusted."""
    if user is not None:
        access.check_figure(user, figure, need)


def _enter(
    figure: Figure, values: tuple[Decimal | None, ...], *, user: AnyUser | None, reason: str, submit: bool
) -> str:
    """Put ``values`` in as the figure's new values; returns the default history reason, or "" if unchanged.

    Changing an approved amount needs ``reason``; filling in an amount that was empty does not.
    """
    f = figure.fields
    pending: tuple[Decimal | None, ...]
    if values == figure.current_values:
        if submit and figure.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
            setattr(figure.obj, f.status, ReviewStatus.SUBMITTED)
            return AUTO_SUBMITTED
        return ""
    overwrites = any(old is not None and old != new for old, new in zip(figure.approved_values, values, strict=True))
    if figure.status == ReviewStatus.APPROVED and overwrites and not reason:
        raise ValidationError({"reason": REASON_REQUIRED}, code="reason_required")
    if figure.has_approved and values == figure.approved_values:
        # Back to the approved figures: nothing is left to review.
        status, pending, default = ReviewStatus.APPROVED, (None,) * len(values), AUTO_WITHDRAWN
    else:
        status = ReviewStatus.SUBMITTED if submit else ReviewStatus.DRAFT
        pending = values
        first = figure.obj.pk is None or not (figure.has_approved or figure.is_pending)
        default = (AUTO_ENTERED if first else AUTO_CHANGED) + (AUTO_AND_SUBMITTED if submit else "")
    for (_, _, pending_field), value in zip(f.pairs, pending, strict=True):
        setattr(figure.obj, pending_field, value)
    setattr(figure.obj, f.status, status)
    if user is not None:
        setattr(figure.obj, f.entered_by, user)
    return default


@transaction.atomic
def project_save(
    *,
    project: Project,
    user: AnyUser | None,
    reason: str = "",
    submit: bool = False,
    expected_version: int | None = None,
) -> Project:
    """Create or update a project. Its total investment is a figure: a new value waits for review.

    ``project.total_investment`` carries the total the user entered; the approved total stays until approved.
    ``expected_version`` is the version the form showed: a project saved by someone else since is refused.
    """
    _check(user, Need.ENTER)
    reason = clean_reason(reason)
    entered = project.total_investment
    if project.pk:
        saved = Project.objects.select_for_update().get(pk=project.pk)
        _version_check(saved, expected_version, what="该项目", now=lambda: _project_now(saved, project))
        project.version = saved.version + 1
        project.total_investment = saved.total_investment
        project.total_pending = saved.total_pending
        project.total_status = saved.total_status
        project.total_review_note = saved.total_review_note
        project.total_entered_by_id = saved.total_entered_by_id
    else:
        project.total_investment, project.total_pending = None, None
        project.total_status = ReviewStatus.APPROVED
    default = _enter(Figure.of(project), (entered,), user=user, reason=reason, submit=submit)
    project.full_clean()
    _audit(project, user, reason or default)
    project.save()
    return project


@transaction.atomic
def investment_record(
    *,
    project: Project,
    year: int,
    planned: Decimal | None,
    completed: Decimal | None,
    user: AnyUser | None,
    reason: str = "",
    source: str = "",
    note: str = "",
    submit: bool = False,
    expected_version: int | None = None,
) -> ProjectInvestment:
    """Enter one year's planned and completed investment (亿元); it counts once a reviewer approves it.

    ``expected_version`` is the version of that year the form showed, 0 when it showed no figures for it.
    """
    _check(user, Need.ENTER)
    if planned is None and completed is None:
        raise ValidationError(INVESTMENT_EMPTY)
    reason = clean_reason(reason)
    row = ProjectInvestment.objects.select_for_update().filter(project=project, year=year).first()
    if row is not None:
        seen = row
        _version_check(seen, expected_version, what=f"{year}年投资", now=lambda: _figure_now(Figure.of(seen)))
    if row is None:
        # Nothing approved yet: the row exists only to hold the figures waiting for review.
        row = ProjectInvestment(project=project, year=year, status=ReviewStatus.DRAFT)
    row.project = project  # keep the caller's select_related objects
    default = _enter(Figure.of(row), (planned, completed), user=user, reason=reason, submit=submit)
    if source and source != row.source:
        row.source = source
        default = default or AUTO_CHANGED
    if note and note != row.note:
        row.note = note
        default = default or AUTO_CHANGED
    if not default and row.pk:
        return row
    if row.pk:
        row.version += 1
    row.full_clean()
    _audit(row, user, reason or default)
    row.save()
    return row


def _refetch(figure: Figure) -> Figure:
    """The figure again, locked for the transition."""
    if figure.kind == FigureKind.TOTAL:
        return Figure.of(Project.objects.select_for_update().get(pk=figure.pk))
    row = ProjectInvestment.objects.select_for_update().get(pk=figure.pk)
    row.project = figure.project  # keep the caller's select_related objects
    return Figure.of(row)


def _transition(
    figure: Figure,
    *,
    user: AnyUser | None,
    need: Need,
    allowed_from: tuple[str, ...],
    wrong_status: str,
    reason: str,
    seen: str | None,
    apply: Callable[[Figure], None],
) -> Figure:
    _check(user, need, figure)
    current = _refetch(figure)
    if current.status not in allowed_from:
        raise ValidationError(wrong_status, code="wrong_status")
    if seen is not None and seen != current.token:
        raise ValidationError(CHANGED_SINCE_SEEN, code="changed")
    apply(current)
    current.obj.version += 1
    current.obj.full_clean()
    _audit(current.obj, user, reason)
    current.obj.save()
    return current


@transaction.atomic
def figure_submit(*, figure: Figure, user: AnyUser | None) -> Figure:
    """Send a draft or returned figure to review; a clerk submits the figures they entered."""

    def apply(current: Figure) -> None:
        setattr(current.obj, current.fields.status, ReviewStatus.SUBMITTED)

    return _transition(
        figure,
        user=user,
        need=Need.ENTER,
        allowed_from=(ReviewStatus.DRAFT, ReviewStatus.RETURNED),
        wrong_status=SUBMIT_WRONG_STATUS,
        reason=AUTO_SUBMITTED,
        seen=None,
        apply=apply,
    )


def _plans_of(figure: Figure) -> QuerySet[Plan]:
    """The plans whose settings govern a project figure: the project's plan, or all of its region's when it has none."""
    project_id = figure.obj.pk if figure.kind == FigureKind.TOTAL else figure.obj.project_id
    return Plan.objects.filter(
        Q(projects__pk=project_id) | Q(region__projects__pk=project_id, region__projects__plan__isnull=True)
    )


@transaction.atomic
def figure_approve(*, figure: Figure, user: AnyUser | None, seen: str | None = None) -> Figure:
    """The waiting values become the approved ones; ``seen`` is the token of the values the reviewer saw."""

    def apply(current: Figure) -> None:
        check_four_eyes(user, current.entered_by_id, _plans_of(current))
        f = current.fields
        for _, approved, pending in f.pairs:
            setattr(current.obj, approved, getattr(current.obj, pending))
            setattr(current.obj, pending, None)
        setattr(current.obj, f.status, ReviewStatus.APPROVED)
        setattr(current.obj, f.review_note, "")

    return _transition(
        figure,
        user=user,
        need=Need.REVIEW,
        allowed_from=(ReviewStatus.SUBMITTED,),
        wrong_status=APPROVE_WRONG_STATUS,
        reason=AUTO_APPROVED,
        seen=seen,
        apply=apply,
    )


@transaction.atomic
def figure_return(*, figure: Figure, user: AnyUser | None, note: str, seen: str | None = None) -> Figure:
    """Back to the clerk with ``note``; the approved figures stay as they were."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(RETURN_NOTE_REQUIRED, code="note_required")

    def apply(current: Figure) -> None:
        setattr(current.obj, current.fields.status, ReviewStatus.RETURNED)
        setattr(current.obj, current.fields.review_note, note)

    return _transition(
        figure,
        user=user,
        need=Need.REVIEW,
        allowed_from=(ReviewStatus.SUBMITTED,),
        wrong_status=RETURN_WRONG_STATUS,
        reason=AUTO_RETURNED.format(note=note),
        seen=seen,
        apply=apply,
    )


@transaction.atomic
def note_add(
    *, project: Project, date: datetime.date, text: str, user: AnyUser | None, source: str = ""
) -> ProgressNote:
    _check(user, Need.ENTER)
    if not text.strip():
        raise ValidationError({"text": NOTE_TEXT_REQUIRED})
    note = ProgressNote(
        project=project,
        date=date,
        text=text.strip(),
        source=source,
        author=user if user is not None and user.is_authenticated else None,
    )
    note.full_clean()
    note.save()
    return note
