"""Project figures for dashboards: a fixed handful of aggregate queries → frozen dataclasses.

``dashboard_summary(region, year)`` is the small block for the leader dashboard (reports);
``projects_dashboard(region, year)`` is everything the projects dashboard shows. Neither writes.

Computed totals follow one rule, said here once: a registered project counts towards year Y when it
has an approved yearly investment figure for Y; its total investment is added in full, its planned
and completed investment of Y are added when known. A yearly summary record (a figure a report gives
only in aggregate) is compared with the registered projects of its scope by that rule.

Only approved figures count. ``preview=True`` (reviewers and admins, pages marked 含待审核数据) counts
the figures awaiting review instead of the approved ones they would replace; see
``InvestmentQuerySet.figures`` and ``shown_total``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from indicators.models import Region
from projects.history import stage_as_of
from projects.models import (
    Batch,
    Domain,
    InvestmentSummary,
    Level,
    Project,
    ProjectInvestment,
    Stage,
    SummaryScope,
    shown_total,
)
from projects.rules import completion_percent, difference, format_amount, summary_clause, summary_sentence

UNSET_STAGE_LABEL = "未填写"

# Which (level, batch) pairs each summary scope covers; OTHER is never compared.
_SCOPE_LEVELS: dict[str, set[str]] = {
    SummaryScope.PROVINCE: {Level.PROVINCE},
    SummaryScope.CITY: {Level.CITY},
    SummaryScope.PROVINCE_CITY: {Level.PROVINCE, Level.CITY},
}
_SCOPE_BATCHES: dict[str, set[str]] = {
    SummaryScope.SIGNED: {Batch.SIGNED},
    SummaryScope.STARTED: {Batch.STARTED},
    SummaryScope.IN_PRODUCTION: {Batch.IN_PRODUCTION},
    SummaryScope.THREE_BATCHES: set(Batch.values),
}


def scope_covers(scope: str, level: str, batch: str) -> bool | None:
    """Whether a project of ``level``/``batch`` falls in ``scope``; ``None`` for scopes never compared."""
    if scope in _SCOPE_LEVELS:
        return level in _SCOPE_LEVELS[scope]
    if scope in _SCOPE_BATCHES:
        return batch in _SCOPE_BATCHES[scope]
    return None


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    count: int


@dataclass(frozen=True)
class ProjectSummary:
    """Projects of one region, with the investment of one year (亿元)."""

    region_name: str
    year: int
    project_count: int
    total_investment: Decimal | None
    year_project_count: int
    planned: Decimal | None
    completed: Decimal | None
    stage_counts: tuple[StageCount, ...]
    preview: bool = False  # figures awaiting review included (pages mark it 含待审核数据)
    total_project_count: int = 0  # the projects with a total investment: the total covers only these

    @property
    def completion_percent(self) -> Decimal | None:
        return completion_percent(self.planned, self.completed)


@dataclass(frozen=True)
class DomainRow:
    domain: str
    label: str
    project_count: int
    total_investment: Decimal | None
    planned: Decimal | None
    completed: Decimal | None

    @property
    def completion_percent(self) -> Decimal | None:
        return completion_percent(self.planned, self.completed)


@dataclass(frozen=True)
class BatchRow:
    batch_label: str
    batch_round: str
    project_count: int
    total_investment: Decimal | None


@dataclass(frozen=True)
class Figures:
    count: int | None
    total: Decimal | None
    planned: Decimal | None
    completed: Decimal | None


@dataclass(frozen=True)
class Comparison:
    """A summary record as printed beside the same figures computed from registered projects."""

    record: InvestmentSummary
    recorded: Figures
    computed: Figures | None  # None: scope never compared (其他口径)
    completed_comparable: bool = True

    @property
    def differences(self) -> Figures | None:
        if self.computed is None:
            return None
        count = difference(self.recorded.count, self.computed.count)
        return Figures(
            count=int(count) if count is not None else None,
            total=_dec(difference(self.recorded.total, self.computed.total)),
            planned=_dec(difference(self.recorded.planned, self.computed.planned)),
            completed=_dec(difference(self.recorded.completed, self.computed.completed))
            if self.completed_comparable
            else None,
        )

    @property
    def disagrees(self) -> bool:
        diffs = self.differences
        if diffs is None:
            return False
        return any(value not in (None, 0) for value in (diffs.count, diffs.total, diffs.planned, diffs.completed))


@dataclass(frozen=True)
class ProjectsDashboard:
    summary: ProjectSummary
    domains: tuple[DomainRow, ...]
    batches: tuple[BatchRow, ...]
    comparisons: tuple[Comparison, ...]
    recorded_sentences: tuple[str, ...]
    computed_sentences: tuple[str, ...]
    years: tuple[int, ...] = field(default_factory=tuple)


def _projects(region: Region, region_ids: Collection[int] | None) -> Any:
    """The projects of the region, or of every region in ``region_ids`` (a subtree)."""
    if region_ids is None:
        return Project.objects.of_region(region)
    return Project.objects.filter(region_id__in=region_ids)


def _investments_of(region: Region, region_ids: Collection[int] | None) -> dict[str, Any]:
    return {"project__region": region} if region_ids is None else {"project__region_id__in": region_ids}


def _dec(value: Decimal | int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def dashboard_summary(
    region: Region, year: int, *, preview: bool = False, region_ids: Collection[int] | None = None
) -> ProjectSummary:
    """Counts by stage, total investment, and the year's planned/completed investment. Two queries.

    As of ``year``: only the projects that existed by then, each at its stage then (issue 14)."""
    by_stage = (
        _projects(region, region_ids)
        .existing_in(year)
        .annotate(stage_then=stage_as_of(year))
        .order_by()
        .values("stage_then")
        .annotate(
            n=Count("pk"),
            total=Sum(shown_total(preview)),
            with_total=Count("pk", filter=Q(total_investment__isnull=False)),
        )
    )
    counts = {row["stage_then"]: row["n"] for row in by_stage}
    totals = [row["total"] for row in by_stage if row["total"] is not None]
    year_rows = (
        ProjectInvestment.objects.figures(preview=preview)
        .filter(**_investments_of(region, region_ids), year=year)
        .order_by()
        .aggregate(n=Count("pk"), planned=Sum("shown_planned"), completed=Sum("shown_completed"))
    )
    stage_counts = tuple(StageCount(value, label, counts.get(value, 0)) for value, label in Stage.choices)
    if counts.get(""):
        stage_counts += (StageCount("", UNSET_STAGE_LABEL, counts[""]),)
    return ProjectSummary(
        region_name=str(region.name),
        year=year,
        project_count=sum(counts.values()),
        total_investment=sum(totals, Decimal(0)) if totals else None,
        year_project_count=year_rows["n"],
        planned=year_rows["planned"],
        completed=year_rows["completed"],
        stage_counts=stage_counts,
        preview=preview,
        total_project_count=sum(row["with_total"] for row in by_stage),
    )


def _domain_rows(region: Region, year: int, preview: bool, region_ids: Collection[int] | None) -> tuple[DomainRow, ...]:
    projects = {
        row["domain"]: row
        for row in _projects(region, region_ids)
        .existing_in(year)
        .order_by()
        .values("domain")
        .annotate(n=Count("pk"), total=Sum(shown_total(preview)))
    }
    investments = {
        row["project__domain"]: row
        for row in ProjectInvestment.objects.figures(preview=preview)
        .filter(**_investments_of(region, region_ids), year=year)
        .order_by()
        .values("project__domain")
        .annotate(planned=Sum("shown_planned"), completed=Sum("shown_completed"))
    }
    rows = []
    for value, label in Domain.choices:
        p = projects.get(value, {})
        i = investments.get(value, {})
        rows.append(DomainRow(value, label, p.get("n", 0), p.get("total"), i.get("planned"), i.get("completed")))
    return tuple(rows)


def _batch_rows(region: Region, preview: bool, region_ids: Collection[int] | None) -> tuple[BatchRow, ...]:
    rows = (
        _projects(region, region_ids)
        .exclude(batch="")
        .order_by()
        .values("batch", "batch_round")
        .annotate(n=Count("pk"), total=Sum(shown_total(preview)))
    )
    labels = dict(Batch.choices)
    order = {value: index for index, value in enumerate(Batch.values)}
    ordered = sorted(rows, key=lambda row: (order.get(row["batch"], len(order)), row["batch_round"]))
    return tuple(
        BatchRow(labels[row["batch"]], row["batch_round"] or "（未填期数）", row["n"], row["total"]) for row in ordered
    )


def _comparisons(region: Region, preview: bool, region_ids: Collection[int] | None) -> tuple[Comparison, ...]:
    """All summary records of the region beside computed totals: two queries whatever the data size."""
    records = list(InvestmentSummary.objects.filter(region=region).order_by("year", "part", "order", "pk"))
    groups: dict[int, list[dict]] = defaultdict(list)
    for row in (
        ProjectInvestment.objects.figures(preview=preview)
        .filter(**_investments_of(region, region_ids))
        .order_by()
        .values("year", "project__level", "project__batch")
        .annotate(
            n=Count("project", distinct=True),
            total=Sum(shown_total(preview, "project__")),
            planned=Sum("shown_planned"),
            completed=Sum("shown_completed"),
        )
    ):
        groups[row["year"]].append(row)

    result = []
    for record in records:
        recorded = Figures(record.project_count, record.total_investment, record.planned, record.completed)
        if scope_covers(record.scope, "", "") is None:
            result.append(Comparison(record, recorded, None))
            continue
        matching = [
            g
            for g in groups.get(record.year, [])
            if scope_covers(record.scope, g["project__level"], g["project__batch"])
        ]
        computed = Figures(
            count=sum(g["n"] for g in matching),
            total=_sum_or_zero(g["total"] for g in matching),
            planned=_sum_or_zero(g["planned"] for g in matching),
            completed=_sum_or_zero(g["completed"] for g in matching),
        )
        result.append(Comparison(record, recorded, computed, completed_comparable=record.part == ""))
    return tuple(result)


def _sum_or_zero(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def recorded_sentences(comparisons: tuple[Comparison, ...]) -> tuple[str, ...]:
    """One sentence per reported period, in the reports' wording, from the summary records."""
    by_period: dict[str, list[str]] = {}
    seen: set[tuple] = set()
    for comparison in comparisons:
        r = comparison.record
        figures = (r.project_count, r.total_investment, r.planned, r.completed)
        if all(v is None for v in figures):
            continue
        # The same figures confirmed by a second source are said once.
        key = (r.period_label, r.scope, *figures)
        if key in seen:
            continue
        seen.add(key)
        by_period.setdefault(r.period_label, []).append(
            _record_clause(r.label, r.project_count, r.total_investment, r.planned, r.completed)
        )
    return tuple(summary_sentence(period, clauses) for period, clauses in by_period.items())


def _record_clause(
    label: str,
    count: int | None,
    total: Decimal | None,
    planned: Decimal | None,
    completed: Decimal | None,
) -> str:
    if count is None and total is None and planned is None and completed is not None and label.endswith("投资"):
        return f"{label}{format_amount(completed)}亿元"
    clause = summary_clause(label, count=count, total=total, planned=planned, completed=completed, verb="")
    # Without a count the clause reads "省市重点项目，年度计划投资60亿元"; the reports omit that comma.
    return clause.replace("，", "", 1) if count is None else clause


def computed_sentences(summary: ProjectSummary, domains: tuple[DomainRow, ...]) -> tuple[str, ...]:
    """What the registered projects say for the year, in the same wording."""
    if summary.year_project_count == 0:
        return (f"{summary.year}年，已登记项目中尚无该年度投资记录。",)
    clause = summary_clause(
        "有年度投资记录的项目",
        count=summary.year_project_count,
        planned=summary.planned,
        completed=summary.completed,
        verb="",
    )
    domain_clauses = [
        f"{row.label}完成投资{format_amount(row.completed)}亿元" for row in domains if row.completed is not None
    ]
    sentences = [summary_sentence(f"据已登记项目统计，{summary.year}年", [clause])]
    if domain_clauses:
        sentences.append(summary_sentence("分领域看", domain_clauses))
    return tuple(sentences)


def projects_dashboard(
    region: Region, year: int, *, preview: bool = False, region_ids: Collection[int] | None = None
) -> ProjectsDashboard:
    """Everything the projects dashboard shows, of ``region`` or, with ``region_ids``, of its subtree (issue 12):
    the recorded summaries stay the region's own. Eight queries whatever the number of projects."""
    summary = dashboard_summary(region, year, preview=preview, region_ids=region_ids)
    domains = _domain_rows(region, year, preview, region_ids)
    comparisons = _comparisons(region, preview, region_ids)
    years = tuple(
        ProjectInvestment.objects.figures(preview=preview)
        .filter(**_investments_of(region, region_ids))
        .order_by("year")
        .values_list("year", flat=True)
        .distinct()
    )
    return ProjectsDashboard(
        summary=summary,
        domains=domains,
        batches=_batch_rows(region, preview, region_ids),
        comparisons=comparisons,
        recorded_sentences=recorded_sentences(comparisons),
        computed_sentences=computed_sentences(summary, domains),
        years=years,
    )
