"""Who may read and write major projects, decided in one place.

Anyone logged in may read. 录入员 and 管理员 (superusers included) enter projects, investment figures
and notes, and submit figures; 审核员 and 管理员 approve or return figures; 领导 and everyone else are
read-only and get 403 on any write. The roles come from the shared role module ``indicators.roles``
(issue 5), so a user's groups are read once per request.

Projects are not scoped to a clerk's department: the seeds name no responsible unit for most projects,
and ``Project.responsible_unit`` is free text that cannot be matched to a ``Department`` reliably. So
any clerk may edit any project of their scope, and submits the figures they entered themselves.

Every role acts inside the user's region scope (issue 12, ``indicators.roles.scope_region_ids``): a county's
staff see their county's projects, the city DRC the city's counties', the province all. Outside it: 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from indicators.roles import AnyUser, Need, check_region, is_admin, is_clerk, is_reviewer
from projects.figures import Figure, FigureKind
from projects.models import Project, ProjectInvestment

READ_ONLY_MESSAGE = "您的账户只能查看重大项目，不能修改（只有录入员和管理员可以修改）。"
FORBIDDEN_REVIEW = "只有审核员和管理员可以审核重大项目的投资数额。"
FORBIDDEN_ADMIN = "只有管理员可以进行此操作。"
FORBIDDEN_OTHERS_FIGURE = "只能提交本人录入的数值；他人录入的数值请由本人或管理员提交。"
FIGURE_NOT_FOUND = "未找到该数值。"


def _active(user: AnyUser) -> bool:
    return bool(getattr(user, "is_active", False))


def can_write_projects(user: AnyUser) -> bool:
    return _active(user) and (is_admin(user) or is_clerk(user))


def can_review_projects(user: AnyUser) -> bool:
    """Reviewers and admins; they may also preview figures awaiting review on the pages."""
    return _active(user) and is_reviewer(user)


def require_project_writer(user: AnyUser) -> None:
    if not can_write_projects(user):
        raise PermissionDenied(READ_ONLY_MESSAGE)


def check_figure(user: AnyUser, figure: Figure | None, need: Need) -> None:
    """403 unless the role allows ``need``; a clerk acts on a figure (submits it) only if they entered it."""
    if need is Need.READ:
        return
    if need is Need.ENTER:
        require_project_writer(user)
        if figure is not None and not is_admin(user) and figure.entered_by_id != user.pk:
            raise PermissionDenied(FORBIDDEN_OTHERS_FIGURE)
    elif need is Need.REVIEW:
        if not can_review_projects(user):
            raise PermissionDenied(FORBIDDEN_REVIEW)
    elif not (_active(user) and is_admin(user)):
        raise PermissionDenied(FORBIDDEN_ADMIN)


def get_project_for_user(user: AnyUser, pk: int, *, write: bool = False) -> Project:
    """The project with its region and plan; 404 if missing, 403 if ``write`` and the user is read-only."""
    project = get_object_or_404(Project.objects.select_related("region", "plan"), pk=pk)
    check_region(user, project.region_id)
    if write:
        require_project_writer(user)
    return project


def get_figure_for_user(user: AnyUser, kind: str, pk: int, *, need: Need = Need.READ) -> Figure:
    """A yearly investment row or a project's total investment, as a ``Figure``; 404 if missing, 403 by role."""
    try:
        if kind == FigureKind.TOTAL:
            obj: Project | ProjectInvestment = Project.objects.select_related("region", "total_entered_by").get(pk=pk)
        elif kind == FigureKind.INVESTMENT:
            obj = ProjectInvestment.objects.select_related("project", "project__region", "entered_by").get(pk=pk)
        else:
            raise Http404(FIGURE_NOT_FOUND)
    except (Project.DoesNotExist, ProjectInvestment.DoesNotExist):
        raise Http404(FIGURE_NOT_FOUND) from None
    figure = Figure.of(obj)
    check_region(user, figure.project.region_id)
    check_figure(user, figure, need)
    return figure
