"""The two kinds of project figure under review, seen through one small adapter.

A yearly investment row (planned and completed investment of a year) and a project's total investment
follow the same workflow as indicator figures: the approved value stays where the pages read it, the
new value waits beside it with a review status (``indicators.models.ReviewStatus``). ``Figure`` lets
services, the permission getter and the review page treat both alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models

from indicators.models import ReviewStatus
from projects.models import Project, ProjectInvestment


class FigureKind(models.TextChoices):
    INVESTMENT = "investment", "年度投资"
    TOTAL = "total", "总投资"


@dataclass(frozen=True)
class FigureFields:
    """Field names of one kind: review state, and (approved, pending) pairs with their labels."""

    status: str
    review_note: str
    entered_by: str
    pairs: tuple[tuple[str, str, str], ...]  # (label, approved field, pending field)


FIELDS = {
    FigureKind.INVESTMENT: FigureFields(
        "status",
        "review_note",
        "entered_by",
        (("年度计划投资", "planned", "pending_planned"), ("完成投资", "completed", "pending_completed")),
    ),
    FigureKind.TOTAL: FigureFields(
        "total_status", "total_review_note", "total_entered_by", (("总投资", "total_investment", "total_pending"),)
    ),
}


@dataclass(frozen=True)
class Part:
    """One amount of a figure: the approved value and the value waiting (亿元)."""

    label: str
    old: Decimal | None
    new: Decimal | None

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class Figure:
    kind: FigureKind
    obj: Any  # ProjectInvestment for INVESTMENT, Project for TOTAL

    @classmethod
    def of(cls, obj: Project | ProjectInvestment) -> Figure:
        return cls(FigureKind.TOTAL if isinstance(obj, Project) else FigureKind.INVESTMENT, obj)

    @property
    def fields(self) -> FigureFields:
        return FIELDS[self.kind]

    @property
    def pk(self) -> int:
        return int(self.obj.pk)

    @property
    def project(self) -> Project:
        return self.obj if self.kind == FigureKind.TOTAL else self.obj.project

    @property
    def label(self) -> str:
        return "总投资" if self.kind == FigureKind.TOTAL else f"{self.obj.year}年投资"

    @property
    def status(self) -> str:
        return str(getattr(self.obj, self.fields.status))

    @property
    def status_label(self) -> str:
        return str(ReviewStatus(self.status).label)

    @property
    def review_note(self) -> str:
        return str(getattr(self.obj, self.fields.review_note))

    @property
    def entered_by(self) -> Any:
        return getattr(self.obj, self.fields.entered_by)

    @property
    def entered_by_id(self) -> int | None:
        value = getattr(self.obj, self.fields.entered_by + "_id")
        return int(value) if value is not None else None

    @property
    def is_pending(self) -> bool:
        return self.status != ReviewStatus.APPROVED

    @property
    def approved_values(self) -> tuple[Decimal | None, ...]:
        return tuple(getattr(self.obj, approved) for _, approved, _ in self.fields.pairs)

    @property
    def pending_values(self) -> tuple[Decimal | None, ...]:
        return tuple(getattr(self.obj, pending) for _, _, pending in self.fields.pairs)

    @property
    def current_values(self) -> tuple[Decimal | None, ...]:
        """What the clerk last entered: the waiting values, or the approved ones when nothing waits."""
        return self.pending_values if self.is_pending else self.approved_values

    @property
    def has_approved(self) -> bool:
        return any(value is not None for value in self.approved_values)

    @property
    def parts(self) -> tuple[Part, ...]:
        return tuple(
            Part(label, getattr(self.obj, approved), getattr(self.obj, pending))
            for label, approved, pending in self.fields.pairs
        )

    @property
    def token(self) -> str:
        """The waiting values as a reviewer saw them; posted back so an approval applies to exactly those."""
        return "|".join("" if v is None else format(v.normalize(), "f") for v in self.pending_values)

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.pk}"
