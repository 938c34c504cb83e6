"""The projects of a region's subtree, summed by lower region (issue 12)."""

from __future__ import annotations

from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from indicators.regions import regions_by_pk
from indicators.roles import check_region
from projects.models import ProjectInvestment
from projects.regional import regional_projects


def regional_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """Queries: scope (home region, tree), the tree, the latest year (without ?year=), the two aggregates."""
    check_region(request.user, pk)
    regions = regions_by_pk()
    region = regions.get(pk)
    if region is None:
        raise Http404("未找到该行政区划。")
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None
    if year is None:
        year = ProjectInvestment.objects.approved().aggregate(y=Max("year"))["y"] or timezone.localdate().year
    data = regional_projects(region, regions, year)
    return render(request, "projects/regional.html", {"data": data, "year": year})
