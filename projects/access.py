"""Who may read and write major projects, decided in one place.

Anyone logged in may read. 管理员 (superusers included) and 录入员 may write; 领导, 审核员 and
everyone else are read-only and get 403 on any write. The roles themselves come from the shared
role module ``indicators.roles`` (issue 5), so a group is read once per request.

Projects are not scoped to a clerk's department (the seeds name no responsible unit for most
projects), so any clerk may edit any project; narrowing that is left for later.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from indicators.roles import is_admin, is_clerk
from projects.models import Project

READ_ONLY_MESSAGE = "您的账户只能查看重大项目，不能修改（只有录入员和管理员可以修改）。"


def can_write_projects(user: Any) -> bool:
    return bool(getattr(user, "is_active", False)) and (is_admin(user) or is_clerk(user))


def require_project_writer(user: Any) -> None:
    if not can_write_projects(user):
        raise PermissionDenied(READ_ONLY_MESSAGE)


def get_project_for_user(user: Any, pk: int, *, write: bool = False) -> Project:
    """The project with its region and plan; 404 if missing, 403 if ``write`` and the user is read-only."""
    project = get_object_or_404(Project.objects.select_related("region", "plan"), pk=pk)
    if write:
        require_project_writer(user)
    return project
