"""The review queue of project figures: four queries → frozen rows for the review page.

Every figure not approved (draft, submitted 待审核, returned 退回修改), yearly investment rows and
project totals alike, with the approved value beside the new one and the figure's change history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from indicators.models import ReviewStatus
from projects.figures import Figure
from projects.history import TOTAL_FIELDS, ChangeEntry, history_entries, tracked_fields
from projects.models import Project, ProjectInvestment

HISTORY_SHOWN = 6  # newest entries per figure on the review page
_NOT_APPROVED = (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.RETURNED)


@dataclass(frozen=True)
class ReviewRow:
    figure: Figure
    history: tuple[ChangeEntry, ...]  # newest first, at most HISTORY_SHOWN
    history_count: int

    @property
    def last_change(self) -> ChangeEntry | None:
        return self.history[0] if self.history else None


@dataclass(frozen=True)
class ReviewQueue:
    submitted: tuple[ReviewRow, ...]
    returned: tuple[ReviewRow, ...]
    drafts: tuple[ReviewRow, ...]


def _grouped(records: list[Any]) -> dict[int, list[Any]]:
    by_id: dict[int, list[Any]] = defaultdict(list)
    for record in records:
        by_id[record.id].append(record)
    return by_id


def review_queue(region_ids: Collection[int] | None = None) -> ReviewQueue:
    """Figures not yet approved (of projects in ``region_ids``, None for all), projects by name then year.
    Four queries whatever their number."""
    investments = ProjectInvestment.objects.filter(status__in=_NOT_APPROVED)
    totals = Project.objects.filter(total_status__in=_NOT_APPROVED)
    if region_ids is not None:
        investments = investments.filter(project__region_id__in=region_ids)
        totals = totals.filter(region_id__in=region_ids)
    figures = [
        Figure.of(obj)
        for obj in investments.select_related("project", "entered_by").order_by("project__name", "year", "pk")
    ]
    figures += [Figure.of(obj) for obj in totals.select_related("total_entered_by").order_by("name", "pk")]
    figures.sort(key=lambda f: (f.project.name, f.kind == "investment", getattr(f.obj, "year", 0)))

    investment_history = _grouped(
        list(
            ProjectInvestment.history.filter(id__in=investments.values("pk"))
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
    )
    total_history = _grouped(
        list(
            Project.history.filter(id__in=totals.values("pk"))
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
    )
    investment_fields = tracked_fields(ProjectInvestment)
    total_fields = [f for f in tracked_fields(Project) if f.name in TOTAL_FIELDS]

    rows: dict[str, list[ReviewRow]] = defaultdict(list)
    for figure in figures:
        if figure.kind == "total":
            entries = history_entries(total_history.get(figure.pk, []), total_fields, lambda r: "总投资", {})
            entries = [e for e in entries if e.changes]  # edits of the project's other fields
        else:
            entries = history_entries(investment_history.get(figure.pk, []), investment_fields, lambda r: "", {})
        entries.reverse()
        rows[figure.status].append(ReviewRow(figure, tuple(entries[:HISTORY_SHOWN]), len(entries)))
    return ReviewQueue(
        submitted=tuple(rows[ReviewStatus.SUBMITTED]),
        returned=tuple(rows[ReviewStatus.RETURNED]),
        drafts=tuple(rows[ReviewStatus.DRAFT]),
    )
