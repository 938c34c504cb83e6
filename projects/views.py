"""Pages of major projects. Object views go through ``get_project_for_user`` / ``get_figure_for_user``;
writes through ``projects.services``. Pages count approved figures only; reviewers and admins may add
``?preview=1`` to count the figures awaiting review as well (marked 含待审核数据)."""

from __future__ import annotations

from dataclasses import dataclass, field
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
from django.views.decorators.http import require_http_methods, require_POST
from django_tables2 import RequestConfig

from indicators.models import Region, ReviewStatus
from indicators.regions import regions_by_pk, subtree
from indicators.roles import Need, home_region_id, is_admin, scope_region_ids, scoped
from projects import services
from projects.access import (
    can_review_projects,
    can_write_projects,
    get_figure_for_user,
    get_project_for_user,
    require_project_writer,
)
from projects.charts import YearAmounts, figure_html, investment_figure
from projects.exports import XLSX_CONTENT_TYPE, as_of_year, build_workbook, rows_as_of, workbook_bytes
from projects.figures import Figure
from projects.filters import ProjectFilter
from projects.forms import InvestmentForm, NoteForm, ProjectForm, ReturnForm, ScopeForm
from projects.history import change_log
from projects.models import InvestmentSummary, Project, ProjectInvestment
from projects.regional import regional_projects
from projects.review import review_queue
from projects.summary import projects_dashboard
from projects.tables import ProjectTable

PER_PAGE = 50
SAVED = "已保存。"
SAVED_DRAFT = "已保存为草稿，提交审核并审核通过后计入统计。"
SAVED_SUBMITTED = "已保存并提交审核，审核通过后计入统计。"
PREVIEW_LABEL = "含待审核数据"


@dataclass(frozen=True)
class Scope:
    regions: list[Region]  # the regions of the user's scope, in tree order
    region: Region | None
    year: int
    form: ScopeForm
    region_ids: frozenset[int] = frozenset()  # the chosen region and every region below it
    children: tuple[Region, ...] = ()  # the regions directly below the chosen one
    tree: dict[int, Region] = field(default_factory=dict)  # every region, with its parent set


def _tree_order(regions: dict[int, Region], scope: frozenset[int] | None) -> list[tuple[Region, int]]:
    """The regions of the scope in tree order with their depth below the top of the scope."""
    children: dict[int | None, list[Region]] = {}
    for r in sorted(regions.values(), key=lambda r: (r.name, r.pk)):
        children.setdefault(r.parent_id, []).append(r)
    roots = [r for r in regions.values() if scope is None or (r.pk in scope and r.parent_id not in scope)]
    if scope is None:
        roots = [r for r in roots if r.parent_id is None]
    out: list[tuple[Region, int]] = []

    def walk(region: Region, depth: int) -> None:
        out.append((region, depth))
        for child in children.get(region.pk, ()):
            walk(child, depth + 1)

    for root in sorted(roots, key=lambda r: (r.name, r.pk)):
        walk(root, 0)
    return out


def _scope(request: HttpRequest) -> Scope:
    """Region and year of a page from ?region=&year=; invalid values fall back to the defaults (shown in the form).

    The regions offered are the user's scope (issue 12); a page shows the chosen region's subtree: a county its own
    projects, a city its counties'. The default is the user's home region, else the first region with projects.
    Queries: the user's home region and scope (cached on the user), the region tree, the default region (without a
    home region and ?region=), the latest year (without ?year=)."""
    user = request.user
    allowed = scope_region_ids(user)
    tree = regions_by_pk()
    ordered = _tree_order(tree, allowed)
    regions = [r for r, _ in ordered]
    form = ScopeForm(request.GET or None, regions=regions)
    form.fields["region"].choices = [(r.pk, "\u3000" * depth + r.name) for r, depth in ordered]  # type: ignore[attr-defined]
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    by_pk = {r.pk: r for r in regions}
    region = by_pk.get(data.get("region") or 0) or by_pk.get(home_region_id(user) or 0)
    if region is None:
        first = scoped(Region.objects.filter(projects__isnull=False), user, "pk").order_by("pk").first()
        region = by_pk.get(first.pk) if first is not None else (regions[0] if regions else None)
    ids = frozenset(subtree(region, tree)) if region is not None else frozenset()
    year = data.get("year")
    if year is None and region is not None:
        # The latest year with approved investment; failing that, the latest year a report summarised.
        year = ProjectInvestment.objects.approved().filter(project__region_id__in=ids).aggregate(y=Max("year"))["y"]
        if year is None:
            year = InvestmentSummary.objects.filter(region=region, part="").aggregate(y=Max("year"))["y"]
    if year is None:
        year = timezone.localdate().year
    if not form.is_bound:
        choices = form.fields["region"].choices  # type: ignore[attr-defined]
        form = ScopeForm(initial={"region": region.pk if region else None, "year": year}, regions=regions)
        form.fields["region"].choices = choices  # type: ignore[attr-defined]
    children = tuple(r for r in regions if region is not None and r.parent_id == region.pk)
    return Scope(regions, region, year, form, ids, children, tree)


def _preview(request: HttpRequest) -> bool:
    """``?preview=1`` counts figures awaiting review; only for reviewers and admins, ignored for others."""
    return request.GET.get("preview") == "1" and can_review_projects(request.user)


def _toggle_query(request: HttpRequest, preview: bool) -> str:
    """The page's query string with the preview switched to ``preview``."""
    query = request.GET.copy()
    query.pop("preview", None)
    query.pop("page", None)
    if preview:
        query["preview"] = "1"
    return query.urlencode()


def _preview_context(request: HttpRequest, preview: bool) -> dict[str, Any]:
    return {
        "preview": preview,
        "preview_label": PREVIEW_LABEL,
        "can_preview": can_review_projects(request.user),
        "preview_on_query": _toggle_query(request, True),
        "preview_off_query": _toggle_query(request, False),
    }


def _filtered(request: HttpRequest, scope: Scope, *, preview: bool) -> tuple[ProjectFilter, QuerySet[Project]]:
    # As of the page's year (issue 14): projects known by then, at their stage then, with that year's investment.
    base = as_of_year(Project.objects.filter(region_id__in=scope.region_ids), scope.year, preview=preview)
    filterset = ProjectFilter(request.GET or None, queryset=base)
    return filterset, filterset.qs


def project_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    preview = _preview(request)
    filterset, projects = _filtered(request, scope, preview=preview)
    totals_row = projects.order_by().aggregate(count=Count("pk"), total=Sum("shown_total"))
    year_totals = (
        ProjectInvestment.objects.figures(preview=preview)
        .filter(project__in=projects.order_by().values("pk"), year=scope.year)
        .aggregate(planned=Sum("shown_planned"), completed=Sum("shown_completed"))
    )
    table = ProjectTable(
        projects.select_related(None),
        year=scope.year,
        totals={**totals_row, **year_totals},
    )
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    export_query = request.GET.copy()
    for key in ("page", "preview"):  # the export carries approved figures only
        export_query.pop(key, None)
    return render(
        request,
        "projects/project_list.html",
        {
            "scope": scope,
            "filter": filterset,
            "table": table,
            "export_query": export_query.urlencode(),
            "can_write": can_write_projects(request.user),
            **_preview_context(request, preview),
        },
    )


def project_export(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    _, projects = _filtered(request, scope, preview=False)
    region_name = scope.region.name if scope.region else ""
    rows = rows_as_of(projects, scope.year)
    wb = build_workbook(rows, year=scope.year, region_name=region_name)
    response = HttpResponse(workbook_bytes(wb), content_type=XLSX_CONTENT_TYPE)
    filename = f"{region_name}重大项目进展情况_{scope.year}年.xlsx"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    return response


@dataclass(frozen=True)
class InvestmentLine:
    """A year on the project page: the figures counted, and the waiting ones for those who work on them."""

    figure: Figure
    shown: YearAmounts
    can_submit: bool


def _shown(figure: Figure, preview: bool) -> tuple[Any, ...]:
    return figure.pending_values if preview and figure.status == ReviewStatus.SUBMITTED else figure.approved_values


def _may_submit(user: Any, figure: Figure) -> bool:
    """What ``check_figure(…, Need.ENTER)`` allows, without raising: buttons only where the POST would pass."""
    if figure.status not in (ReviewStatus.DRAFT, ReviewStatus.RETURNED) or not can_write_projects(user):
        return False
    return is_admin(user) or figure.entered_by_id == user.pk


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk)
    preview = _preview(request)
    lines = []
    for row in project.investments.order_by("year"):
        figure = Figure.of(row)
        planned, completed = _shown(figure, preview)
        shown = YearAmounts(row.year, planned, completed)
        lines.append(InvestmentLine(figure, shown, _may_submit(request.user, figure)))
    counted = [line.shown for line in lines if line.shown.planned is not None or line.shown.completed is not None]
    chart = figure_html(investment_figure(counted)) if counted else ""
    total = Figure.of(project)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "lines": lines,
            "total": total,
            "shown_total": _shown(total, preview)[0],
            "total_can_submit": _may_submit(request.user, total),
            "chart": chart,
            "notes": list(project.notes.select_related("author").order_by("-date", "-pk")),
            "changes": change_log(project),
            "can_write": can_write_projects(request.user),
            # Figures waiting for review are shown to those who enter or review them; leaders read approved ones.
            "sees_pending": can_write_projects(request.user) or can_review_projects(request.user),
            "note_form": NoteForm(),
            **_preview_context(request, preview),
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
    total = Figure.of(project)
    # The form shows the total the clerk last entered, which may still be waiting for review.
    form = ProjectForm(
        request.POST or None,
        instance=project,
        initial={"total_investment": total.current_values[0], "version": project.version},
    )
    return _save_project(request, form, project, title=f"修改：{project.name}", total=total)


def _save_project(
    request: HttpRequest, form: ProjectForm, project: Project, *, title: str, total: Figure | None = None
) -> HttpResponse:
    # Only regions and plans of the user's scope may be chosen (issue 12); another is refused as an invalid choice.
    for name, path in (("region", "pk"), ("plan", "region")):
        form.fields[name].queryset = scoped(form.fields[name].queryset, request.user, path)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            saved = services.project_save(
                project=form.instance,
                user=request.user,
                reason=form.cleaned_data.get("reason", ""),
                submit=submit,
                expected_version=form.cleaned_data.get("version"),
            )
        except services.ChangedSinceShownError as exc:
            _conflict(form, exc)
        except ValidationError as exc:
            _attach(form, exc)
        else:
            status = saved.total_status
            if status == ReviewStatus.SUBMITTED:
                messages.success(request, f"{SAVED}总投资{SAVED_SUBMITTED}")
            elif status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
                messages.success(request, f"{SAVED}总投资{SAVED_DRAFT}")
            else:
                messages.success(request, SAVED)
            return redirect("projects:detail", pk=saved.pk)
    return render(
        request, "projects/project_form.html", {"form": form, "project": project, "title": title, "total": total}
    )


@require_http_methods(["GET", "POST"])
def investment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk, write=True)
    existing = None
    year_param = request.GET.get("year", "")
    if year_param.isdigit():
        existing = project.investments.filter(year=int(year_param)).first()
    figure = Figure.of(existing) if existing else None
    if existing and figure:
        planned, completed = figure.current_values  # what was last entered, approved or not
        initial = {
            "year": existing.year,
            "planned": planned,
            "completed": completed,
            "source": existing.source,
            "note": existing.note,
            "seen_year": existing.year,
            "version": existing.version,
        }
    else:
        year = int(year_param) if year_param.isdigit() else timezone.localdate().year
        initial = {"year": year, "seen_year": year, "version": 0}
    form = InvestmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = services.investment_record(
                project=project,
                year=data["year"],
                planned=data["planned"],
                completed=data["completed"],
                user=request.user,
                reason=data["reason"],
                source=data["source"],
                note=data["note"],
                submit="submit" in request.POST,
                expected_version=form.expected_version(),
            )
        except services.ChangedSinceShownError as exc:
            _conflict(form, exc, seen_year=data["year"])
        except ValidationError as exc:
            _attach(form, exc)
        else:
            if row.status == ReviewStatus.SUBMITTED:
                messages.success(request, f"{data['year']}年投资{SAVED_SUBMITTED}")
            elif row.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
                messages.success(request, f"{data['year']}年投资{SAVED_DRAFT}")
            else:
                messages.success(request, f"{data['year']}年投资{SAVED}")
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/investment_form.html", {"form": form, "project": project, "figure": figure})


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
    preview = _preview(request)
    data, regional = None, None
    if scope.region is not None:
        # A region with lower regions: its whole subtree, and the totals of each lower region (issue 12).
        below = scope.region_ids if scope.children else None
        data = projects_dashboard(scope.region, scope.year, preview=preview, region_ids=below)
        if scope.children:
            regional = regional_projects(scope.region, scope.tree, scope.year)
    max_stage = max((s.count for s in data.summary.stage_counts), default=0) if data else 0
    return render(
        request,
        "projects/dashboard.html",
        {
            "scope": scope,
            "data": data,
            "regional": regional,
            "max_stage": max_stage or 1,
            "zero": Decimal(0),
            **_preview_context(request, preview),
        },
    )


# --- review ------------------------------------------------------------------------------------------


def review_list(request: HttpRequest) -> HttpResponse:
    """Every figure not yet approved; reviewers approve or return, clerks submit their own, leaders read."""
    user = request.user
    queue = review_queue(scope_region_ids(user))
    return render(
        request,
        "projects/review_list.html",
        {
            "queue": queue,
            "can_review": can_review_projects(user),
            "can_write": can_write_projects(user),
            "submittable": {
                row.figure.anchor for row in (*queue.returned, *queue.drafts) if _may_submit(user, row.figure)
            },
        },
    )


def _back(request: HttpRequest, figure: Figure) -> HttpResponse:
    """Back to where the button was: the project page or the review page."""
    if request.POST.get("next") == "project":
        return redirect(reverse("projects:detail", args=[figure.project.pk]) + "#investments")
    return redirect(reverse("projects:review") + "#queue")


def _report(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_POST
def figure_submit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    figure = get_figure_for_user(request.user, kind, pk, need=Need.ENTER)
    try:
        services.figure_submit(figure=figure, user=request.user)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, f"已提交审核：{figure.project.name} {figure.label}。")
    return _back(request, figure)


@require_POST
def figure_approve(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    figure = get_figure_for_user(request.user, kind, pk, need=Need.REVIEW)
    try:
        services.figure_approve(figure=figure, user=request.user, seen=request.POST.get("seen"))
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, f"已审核通过：{figure.project.name} {figure.label}。")
    return _back(request, figure)


@require_POST
def figure_return(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    figure = get_figure_for_user(request.user, kind, pk, need=Need.REVIEW)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get("note", []):
            messages.error(request, str(message))
        return _back(request, figure)
    try:
        services.figure_return(
            figure=figure, user=request.user, note=form.cleaned_data["note"], seen=request.POST.get("seen")
        )
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, f"已退回修改：{figure.project.name} {figure.label}。")
    return _back(request, figure)


def _conflict(form: Any, exc: services.ChangedSinceShownError, *, seen_year: int | None = None) -> None:
    """Show the newer values; the form now carries the newer version, so saving again is a deliberate overwrite."""
    form.add_error(None, exc)
    newer = form.data.copy()
    newer["version"] = str(exc.version)
    if seen_year is not None:
        newer["seen_year"] = str(seen_year)
    form.data = newer


def _attach(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
