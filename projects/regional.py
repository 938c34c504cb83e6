"""Project totals across a region's subtree (issue 12): a city's or province's totals by lower region.

Two aggregate queries whatever the number of regions and projects: the projects (count, total investment) and the
year's investment figures (planned, completed), each grouped by the project's region; every region's figures are
then added to the lower region of the chosen region it lies under. Same counting rule as ``projects.summary``:
approved figures only (``ProjectInvestment.objects.figures``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from indicators.models import Region
from projects.models import Project, ProjectInvestment, shown_total
from projects.rules import completion_percent


@dataclass(frozen=True)
class RegionTotals:
    region: Region
    project_count: int
    total_investment: Decimal
    year_project_count: int
    planned: Decimal
    completed: Decimal

    @property
    def completion_percent(self) -> Decimal | None:
        return completion_percent(self.planned or None, self.completed or None)


@dataclass(frozen=True)
class RegionalProjects:
    region: Region
    year: int
    rows: tuple[RegionTotals, ...]  # one per lower region (the region itself first, when it has projects)
    total: RegionTotals


def regional_projects(region: Region, regions: dict[int, Region], year: int) -> RegionalProjects:
    """``regions``: every region by id (the tree, loaded once by the caller)."""
    top_of: dict[int, int] = {}  # region id → the lower region of ``region`` it lies under (or region itself)
    for r in regions.values():
        path = [r.pk]
        node = r
        while node.parent_id is not None and node.pk != region.pk:
            node = regions[node.parent_id]
            path.append(node.pk)
        if node.pk == region.pk:
            top_of[r.pk] = path[-2] if len(path) > 1 else region.pk
    ids = list(top_of)
    sums: dict[int, list[Decimal | int]] = {
        pk: [0, Decimal(0), 0, Decimal(0), Decimal(0)] for pk in set(top_of.values())
    }
    for row in (
        Project.objects.filter(region_id__in=ids)
        .order_by()
        .values("region_id")
        .annotate(n=Count("pk"), total=Sum(shown_total(False)))
    ):
        acc = sums[top_of[row["region_id"]]]
        acc[0] += row["n"]
        acc[1] += row["total"] or 0
    for row in (
        ProjectInvestment.objects.figures()
        .filter(project__region_id__in=ids, year=year)
        .order_by()
        .values("project__region_id")
        .annotate(n=Count("pk"), planned=Sum("shown_planned"), completed=Sum("shown_completed"))
    ):
        acc = sums[top_of[row["project__region_id"]]]
        acc[2] += row["n"]
        acc[3] += row["planned"] or 0
        acc[4] += row["completed"] or 0

    def totals(r: Region, acc: Sequence[Decimal | int]) -> RegionTotals:
        return RegionTotals(r, int(acc[0]), Decimal(acc[1]), int(acc[2]), Decimal(acc[3]), Decimal(acc[4]))

    rows = [totals(regions[pk], acc) for pk, acc in sums.items() if pk != region.pk or acc[0]]
    rows.sort(key=lambda t: (t.region.pk != region.pk, t.region.name))
    grand = [sum((Decimal(acc[i]) for acc in sums.values()), Decimal(0)) for i in range(5)]
    return RegionalProjects(region, year, tuple(rows), totals(region, grand))
