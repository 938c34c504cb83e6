"""Who may do what: the four roles and one permission-checked getter per object type.

录入员 (clerk) enters the figures of the series (统计指标) of their own department; 审核员 (reviewer) approves or
returns them and sets manual verdicts; 领导 (leader) reads everything and writes nothing; 管理员 (admin,
superusers included) administers plans, indicators, locks and imports and may do everything else.

Every view asks this module, through the getters below, never the groups directly. The answers are:
- reading (history pages, dashboards) is open to every logged-in user;
- a clerk reaching for another department's indicator gets 404, as if it did not exist;
- a user whose role does not allow the action (a leader writing, a clerk reviewing) gets 403.

Every role acts inside the user's scope, a region subtree (issue 12): the region set on the user's StaffProfile,
else their department's region, with every region below it; a user with neither (and a superuser) sees all.
A county's staff see their county, the city DRC the city and its counties. Anything outside is 404.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from indicators.models import Indicator, Observation, Plan, Region, Series, StaffProfile

ROLE_CLERK = "录入员"
ROLE_REVIEWER = "审核员"
ROLE_LEADER = "领导"
ROLE_ADMIN = "管理员"

FORBIDDEN_ENTER = "您的角色不能录入数据（只有录入员和管理员可以录入）。"
FORBIDDEN_REVIEW = "只有审核员和管理员可以审核数据、作出人工研判。"
FORBIDDEN_ADMIN = "只有管理员可以维护规划、指标、目标、期间锁定和导入数据。"
NOT_FOUND_SCOPE = "未找到该指标，或它不属于您所在单位。"
SELF_APPROVAL = "不能审核通过自己最后录入或修改的数值：请由另一位审核员或管理员审核。"
NOT_FOUND_REGION = "未找到该内容，或它不属于您所辖的行政区划。"


class Need(StrEnum):
    READ = "read"
    ENTER = "enter"  # enter or change figures, submit them
    REVIEW = "review"  # approve, return, manual verdicts
    ADMIN = "admin"  # plans, indicators, targets, locks, imports


def role_names(user: Any) -> frozenset[str]:
    """The user's group names, read once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        bool(user.is_superuser) or ROLE_ADMIN in role_names(user)
    )


def is_reviewer(user: Any) -> bool:
    """Reviewers and admins may review."""
    return ROLE_REVIEWER in role_names(user) or is_admin(user)


def is_clerk(user: Any) -> bool:
    return ROLE_CLERK in role_names(user)


def is_leader(user: Any) -> bool:
    return ROLE_LEADER in role_names(user)


def department_id(user: Any) -> int | None:
    """The department of the user's StaffProfile, or None (cached by Django on the user)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        profile = user.staff_profile
    except StaffProfile.DoesNotExist:
        return None
    return profile.department_id


def home_region_id(user: Any) -> int | None:
    """The root of the user's scope: the profile's region, else the department's region, else None (all).

    One query, cached on the user with the scope."""
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return None
    if not hasattr(user, "_home_region_id"):
        row = StaffProfile.objects.filter(user=user).values_list("region_id", "department__region_id").first()
        user._home_region_id = (row[0] or row[1]) if row else None
    home: int | None = user._home_region_id
    return home


def scope_region_ids(user: Any) -> frozenset[int] | None:
    """The regions the user may see and act in (a subtree), or None for every region; cached on the user."""
    if not hasattr(user, "_scope_region_ids"):
        home = home_region_id(user)
        user._scope_region_ids = None if home is None else frozenset(Region.objects.subtree_ids([home]))
    scope: frozenset[int] | None = user._scope_region_ids
    return scope


def in_scope(user: Any, region_id: int | None) -> bool:
    scope = scope_region_ids(user)
    return scope is None or region_id in scope


def scoped(queryset: QuerySet[Any], user: Any, region_field: str = "region") -> Any:
    """Filter any queryset down to the user's scope by the given path to its region."""
    scope = scope_region_ids(user)
    if scope is None:
        return queryset
    return queryset.filter(**{f"{region_field}__in": scope})


def check_region(user: Any, region_id: int | None) -> None:
    if not in_scope(user, region_id):
        raise Http404(NOT_FOUND_REGION)


def may_enter_at_all(user: Any) -> bool:
    return is_admin(user) or (is_clerk(user) and department_id(user) is not None)


def _responsible(target: Indicator | Series) -> int | None:
    """The department entering the figures: the series' (an indicator reads its series')."""
    if isinstance(target, Series):
        return target.department_id
    return target.series.department_id if target.series_id and target.series else None


def may_enter(user: Any, target: Indicator | Series) -> bool:
    if is_admin(user):
        return True
    dept = department_id(user)
    return is_clerk(user) and dept is not None and dept == _responsible(target)


def entry_scope(queryset: QuerySet[Any], user: Any) -> Any:
    """Filter indicators or series down to those whose figures ``user`` may enter."""
    if is_admin(user):
        return queryset
    dept = department_id(user)
    if not is_clerk(user) or dept is None:
        return queryset.none()
    if queryset.model is Series:
        return queryset.filter(Q(department_id=dept))
    return queryset.filter(Q(series__department_id=dept))


def require(user: Any, need: Need) -> None:
    """Raise 403 unless the user's role allows ``need`` somewhere (pages without one object)."""
    if need is Need.READ:
        return
    if need is Need.ENTER and not may_enter_at_all(user):
        raise PermissionDenied(FORBIDDEN_ENTER)
    if need is Need.REVIEW and not is_reviewer(user):
        raise PermissionDenied(FORBIDDEN_REVIEW)
    if need is Need.ADMIN and not is_admin(user):
        raise PermissionDenied(FORBIDDEN_ADMIN)


def check_indicator(user: Any, target: Indicator | Series, need: Need) -> None:
    """403 when the role does not allow ``need``; 404 when a clerk reaches outside their department."""
    require(user, need)
    check_region(user, target.region_id if isinstance(target, Series) else target.plan.region_id)
    if need is Need.ENTER and not may_enter(user, target):
        raise Http404(NOT_FOUND_SCOPE)


def get_plan_for_user(user: Any, pk: int, *, need: Need = Need.READ) -> Plan:
    try:
        plan = Plan.objects.select_related("region").get(pk=pk)
    except Plan.DoesNotExist:
        raise Http404("未找到该规划。") from None
    require(user, need)
    check_region(user, plan.region_id)
    return plan


def get_indicator_for_user(user: Any, pk: int, *, need: Need = Need.READ) -> Indicator:
    try:
        indicator = Indicator.objects.select_related(
            "plan", "plan__region", "category", "series", "series__department", "parent"
        ).get(pk=pk)
    except Indicator.DoesNotExist:
        raise Http404(NOT_FOUND_SCOPE) from None
    check_indicator(user, indicator, need)
    return indicator


def get_series_for_user(user: Any, pk: int, *, need: Need = Need.READ) -> Series:
    try:
        series = Series.objects.select_related("region", "department").get(pk=pk)
    except Series.DoesNotExist:
        raise Http404(NOT_FOUND_SCOPE) from None
    check_indicator(user, series, need)
    return series


def get_observation_for_user(user: Any, pk: int, *, need: Need = Need.READ) -> Observation:
    try:
        observation = Observation.objects.select_related("series", "series__department", "entered_by").get(pk=pk)
    except Observation.DoesNotExist:
        raise Http404("未找到该数值。") from None
    check_indicator(user, observation.series, need)
    return observation


def check_four_eyes(user: Any, editor_id: int | None, plans: QuerySet[Plan]) -> None:
    """Four eyes: nobody approves a figure they last entered or changed, unless every plan the figure belongs to
    (``plans``) has the plan setting ``Plan.four_eyes`` (on by default) switched off; a figure of no plan keeps it.

    ``user=None`` is the command line (imports, fixtures), which approves nothing by hand. The plans are only
    read when the approver is the editor, so a normal approval costs no query.
    """
    if user is None or editor_id is None or editor_id != user.pk:
        return
    required = set(plans.values_list("four_eyes", flat=True))
    if not required or True in required:
        raise ValidationError(SELF_APPROVAL, code="self_approval")
