"""Pages of major projects. Every object view goes through ``get_project_for_user``; writes through services."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from indicators.models import Region
from projects import services
from projects.access import can_write_projects, get_project_for_user, require_project_writer
from projects.charts import figure_html, investment_figure
from projects.exports import XLSX_CONTENT_TYPE, build_workbook, export_rows, workbook_bytes
from projects.filters import ProjectFilter
from projects.forms import InvestmentForm, NoteForm, ProjectForm, ScopeForm
from projects.history import change_log
from projects.models import InvestmentSummary, Project, ProjectInvestment
from projects.summary import projects_dashboard
from projects.tables import ProjectTable

PER_PAGE = 50
SAVED = "已保存。"


@dataclass(frozen=True)
class Scope:
    regions: list[Region]
    region: Region | None
    year: int
    form: ScopeForm


def _scope(request: HttpRequest) -> Scope:
    """Region and year of a page from ?region=&year=; invalid values fall back to the defaults (shown in the form)."""
    regions = list(Region.objects.filter(projects__isnull=False).distinct().order_by("pk"))
    form = ScopeForm(request.GET or None, regions=regions)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    by_pk = {r.pk: r for r in regions}
    region = by_pk.get(data.get("region") or 0) or (regions[0] if regions else None)
    year = data.get("year")
    if year is None and region is not None:
        # The latest year with registered investment; failing that, the latest year a report summarised.
        year = ProjectInvestment.objects.filter(project__region=region).aggregate(y=Max("year"))["y"]
        if year is None:
            year = InvestmentSummary.objects.filter(region=region, part="").aggregate(y=Max("year"))["y"]
    if year is None:
        year = timezone.localdate().year
    if not form.is_bound:
        form = ScopeForm(initial={"region": region.pk if region else None, "year": year}, regions=regions)
    return Scope(regions, region, year, form)


def _filtered(request: HttpRequest, scope: Scope) -> tuple[ProjectFilter, QuerySet[Project]]:
    base = Project.objects.none() if scope.region is None else Project.objects.of_region(scope.region)
    filterset = ProjectFilter(request.GET or None, queryset=base.with_year(scope.year))
    return filterset, filterset.qs


def project_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    filterset, projects = _filtered(request, scope)
    totals_row = projects.order_by().aggregate(count=Count("pk"), total=Sum("total_investment"))
    year_totals = ProjectInvestment.objects.filter(
        project__in=projects.order_by().values("pk"), year=scope.year
    ).aggregate(planned=Sum("planned"), completed=Sum("completed"))
    table = ProjectTable(
        projects.select_related(None),
        year=scope.year,
        totals={**totals_row, **year_totals},
    )
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/project_list.html",
        {
            "scope": scope,
            "filter": filterset,
            "table": table,
            "export_query": query.urlencode(),
            "can_write": can_write_projects(request.user),
        },
    )


def project_export(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    _, projects = _filtered(request, scope)
    region_name = scope.region.name if scope.region else ""
    rows = export_rows(projects, scope.year)
    wb = build_workbook(rows, year=scope.year, region_name=region_name)
    response = HttpResponse(workbook_bytes(wb), content_type=XLSX_CONTENT_TYPE)
    filename = f"{region_name}重大项目进展情况_{scope.year}年.xlsx"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    return response


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk)
    investments = list(project.investments.order_by("year"))
    chart = figure_html(investment_figure(investments)) if investments else ""
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "investments": investments,
            "chart": chart,
            "notes": list(project.notes.select_related("author").order_by("-date", "-pk")),
            "changes": change_log(project),
            "can_write": can_write_projects(request.user),
            "note_form": NoteForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    require_project_writer(request.user)
    project = Project()
    initial: dict[str, Any] = {}
    if region_pk := request.GET.get("region", ""):
        initial["region"] = region_pk if region_pk.isdigit() else None
    form = ProjectForm(request.POST or None, instance=project, initial=initial)
    return _save_project(request, form, project, title="新增重大项目")


@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk, write=True)
    form = ProjectForm(request.POST or None, instance=project)
    return _save_project(request, form, project, title=f"修改：{project.name}")


def _save_project(request: HttpRequest, form: ProjectForm, project: Project, *, title: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.project_save(
                project=form.instance, user=request.user, reason=form.cleaned_data.get("reason", "")
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, SAVED)
            return redirect("projects:detail", pk=saved.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project, "title": title})


@require_http_methods(["GET", "POST"])
def investment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk, write=True)
    existing = None
    year_param = request.GET.get("year", "")
    if year_param.isdigit():
        existing = project.investments.filter(year=int(year_param)).first()
    initial = (
        {
            "year": existing.year,
            "planned": existing.planned,
            "completed": existing.completed,
            "source": existing.source,
            "note": existing.note,
        }
        if existing
        else {"year": timezone.localdate().year}
    )
    form = InvestmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.investment_record(
                project=project,
                year=data["year"],
                planned=data["planned"],
                completed=data["completed"],
                user=request.user,
                reason=data["reason"],
                source=data["source"],
                note=data["note"],
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, f"{data['year']}年投资{SAVED}")
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/investment_form.html", {"form": form, "project": project, "existing": existing})


@require_http_methods(["GET", "POST"])
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk, write=True)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_add(
                project=project,
                date=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
                source=form.cleaned_data["source"],
                user=request.user,
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "进展情况已保存。")
            return redirect(reverse("projects:detail", args=[project.pk]) + "#notes")
    return render(request, "projects/note_form.html", {"form": form, "project": project})


def dashboard(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    data = projects_dashboard(scope.region, scope.year) if scope.region is not None else None
    max_stage = max((s.count for s in data.summary.stage_counts), default=0) if data else 0
    return render(
        request,
        "projects/dashboard.html",
        {"scope": scope, "data": data, "max_stage": max_stage or 1, "zero": Decimal(0)},
    )


def _attach(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
