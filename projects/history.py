"""The change history of one project and its yearly investment, from django-simple-history, in two queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Case, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from projects.models import Project, ProjectInvestment, Stage
from projects.rules import format_amount

KIND_LABELS = {"+": "新建", "~": "修改", "-": "删除"}
# Who entered a figure is the history's own user column; repeating it as a field change adds nothing.
_SKIP = {"id", "created_at", "updated_at", "version", "project", "entered_by", "total_entered_by"}
TOTAL_FIELDS = ("total_investment", "total_pending", "total_status", "total_review_note")


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class ChangeEntry:
    when: datetime.datetime
    user: str
    kind: str
    subject: str
    changes: tuple[FieldChange, ...]
    reason: str


def tracked_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in _SKIP and not f.name.endswith("_ptr")]


def _shown(field: models.Field, value: Any, known: dict[tuple[str, Any], str]) -> str:
    if value in (None, ""):
        return "—"
    if field.is_relation:
        # Names of the objects the page already holds; any other id is shown as such rather than queried.
        return known.get((field.name, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return format_amount(value)
    return str(value)


def history_entries(
    records: list[Any], fields: list[models.Field], subject: Any, known: dict[tuple[str, Any], str]
) -> list[ChangeEntry]:
    """One entry per history record, oldest first, listing what changed since the record before it."""
    previous: dict[int, Any] = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        changes = []
        for field in fields:
            new = getattr(record, field.attname)
            old = getattr(before, field.attname) if before is not None else None
            if before is None and record.history_type == "+":
                if new not in (None, ""):
                    changes.append(FieldChange(str(field.verbose_name), "—", _shown(field, new, known)))
            elif old != new:
                changes.append(
                    FieldChange(str(field.verbose_name), _shown(field, old, known), _shown(field, new, known))
                )
        previous[record.id] = record
        user = record.history_user
        entries.append(
            ChangeEntry(
                when=record.history_date,
                user=(user.get_full_name() or user.username) if user is not None else "系统",
                kind=KIND_LABELS.get(record.history_type, record.history_type),
                subject=subject(record),
                changes=tuple(changes),
                reason=record.history_change_reason or "",
            )
        )
    return entries


def change_log(project: Project, limit: int = 100) -> list[ChangeEntry]:
    """Newest first. Initial creation lists the values set; later entries list old → new."""
    project_records = list(project.history.select_related("history_user").order_by("history_date", "history_id"))
    investment_records = list(
        ProjectInvestment.history.filter(project_id=project.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    known = {("region", project.region_id): project.region.name}
    if project.plan_id and project.plan:
        known[("plan", project.plan_id)] = project.plan.name
    entries = history_entries(project_records, tracked_fields(Project), lambda r: "项目信息", known)
    entries += history_entries(
        investment_records, tracked_fields(ProjectInvestment), lambda r: f"{r.year}年投资", known
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def stage_as_of(year: int) -> Any:
    """The stage a project had at the end of ``year``: its history's last record by then; where the history
    starts later (data loaded afterwards), read from the project's own years (built by then → 竣工, started
    by then → 开工在建); otherwise unknown (empty). Never today's stage for a past year."""
    year_end = datetime.datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone())
    recorded = Project.history.model.objects.filter(id=OuterRef("pk"), history_date__lt=year_end).order_by(
        "-history_date", "-history_id"
    )
    return Coalesce(
        Subquery(recorded.values("stage")[:1]),
        Case(
            When(end_year__lte=year, then=Value(Stage.COMPLETED.value)),
            When(start_year__lte=year, then=Value(Stage.UNDER_CONSTRUCTION.value)),
            default=Value(""),
        ),
    )
