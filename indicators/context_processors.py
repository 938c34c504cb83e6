"""Template context: which sections the logged-in user can work in, for the navigation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from indicators import collection, roles


@dataclass(frozen=True)
class NavAccess:
    enter: bool  # 数据录入
    review: bool  # 审核
    projects_review: bool  # 项目审核 (clerks submit there, reviewers approve)
    plans: bool  # 规划管理
    board: bool  # 填报进度 (reviewers, leaders, admins)


def _access(user: Any) -> NavAccess:
    admin = roles.is_admin(user)
    reviewer = roles.is_reviewer(user)
    clerk = roles.is_clerk(user)
    return NavAccess(
        enter=clerk or admin,
        review=reviewer,
        projects_review=clerk or reviewer,
        plans=admin,
        board=reviewer or roles.is_leader(user),
    )


def nav(request: HttpRequest) -> dict[str, Any]:
    """Lazy: the user's groups are read (once, cached by ``roles``) only when a page renders the navigation."""
    return {
        "nav": SimpleLazyObject(lambda: _access(request.user)),
        # To-do counts (待审核 / 被退回 / 待填报): one query when the navigation renders, none otherwise.
        "todo": SimpleLazyObject(lambda: collection.todo_counts(request.user, timezone.localdate())),
        "my_returned": SimpleLazyObject(lambda: collection.returned_figures(request.user)),
    }


def site(request: HttpRequest) -> dict[str, Any]:
    """The installation's names (``SITE_REGION``): 卧龙区规划指标监测平台, 卧龙区发改委, 卧龙区发展和改革委员会."""
    region = settings.SITE_REGION
    return {
        "site_brand": f"{region}规划指标监测平台",
        "site_org": f"{region}发改委",
        "site_org_full": f"{region}发展和改革委员会",
    }
