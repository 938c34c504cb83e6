"""Writes to major projects: every view, command and admin action goes through these.

Each write is atomic, runs ``full_clean()`` and leaves a history row (django-simple-history) with
the user and, where a saved investment figure changes, the reason given.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from projects.models import NOTE_TEXT_REQUIRED, ProgressNote, Project, ProjectInvestment

REASON_REQUIRED = "修改已保存的投资数额时，必须填写修改原因。"
INVESTMENT_EMPTY = "请至少填写年度计划投资或完成投资中的一项。"


def _audit(instance: Any, user: Any, reason: str) -> None:
    instance._history_user = user if user is not None and user.is_authenticated else None
    instance._change_reason = reason.strip() or None


@transaction.atomic
def project_save(*, project: Project, user: Any, reason: str = "") -> Project:
    """Create or update a project; a change to a saved total investment needs a reason."""
    if project.pk:
        saved = Project.objects.filter(pk=project.pk).values_list("total_investment", flat=True).first()
        if saved is not None and saved != project.total_investment and not reason.strip():
            raise ValidationError({"reason": REASON_REQUIRED})
    project.full_clean()
    _audit(project, user, reason)
    project.save()
    return project


@transaction.atomic
def investment_record(
    *,
    project: Project,
    year: int,
    planned: Decimal | None,
    completed: Decimal | None,
    user: Any,
    reason: str = "",
    source: str = "",
    note: str = "",
) -> ProjectInvestment:
    """Record one year's planned and completed investment (亿元); changing a saved figure needs a reason."""
    if planned is None and completed is None:
        raise ValidationError(INVESTMENT_EMPTY)
    row = ProjectInvestment.objects.select_for_update().filter(project=project, year=year).first()
    if row is None:
        row = ProjectInvestment(project=project, year=year)
    else:
        changed = (row.planned is not None and row.planned != planned) or (
            row.completed is not None and row.completed != completed
        )
        if changed and not reason.strip():
            raise ValidationError({"reason": REASON_REQUIRED})
    row.planned = planned
    row.completed = completed
    if source:
        row.source = source
    if note:
        row.note = note
    row.full_clean()
    _audit(row, user, reason)
    row.save()
    return row


@transaction.atomic
def note_add(*, project: Project, date: datetime.date, text: str, user: Any, source: str = "") -> ProgressNote:
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
