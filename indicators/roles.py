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

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from indicators.models import Department, Indicator, Observation, Plan, Region, Series, StaffProfile

ROLE_CLERK = "录入员"
ROLE_REVIEWER = "审核员"
ROLE_LEADER = "领导"
ROLE_ADMIN = "管理员"

FORBIDDEN_ENTER = "您的角色不能录入数据（只有录入员和管理员可以录入）。"
FORBIDDEN_REVIEW = "只有审核员和管理员可以审核数据、作出人工研判。"
FORBIDDEN_ADMIN = "只有管理员可以维护规划、指标、目标、期间锁定和导入数据。"
NOT_FOUND_SCOPE = "未找到该指标，或它不属于您所在单位。"
SELF_APPROVAL = "不能审核通过自己最后录入或修改的数值：请由另一位审核员或管理员审核。"
NOT_FOUND_DEPARTMENT = "未找到该单位。"
NOT_FOUND_REGION = "未找到该内容，或它不属于您所辖的行政区划。"


# Who acts: ``request.user`` (the project keeps Django's User; anonymous only before login, which every page
# requires). Services take ``AnyUser | None``, None being the command line (imports, fixtures, seeds).
AnyUser = User | AnonymousUser


class Need(StrEnum):
    READ = "read"
    ENTER = "enter"  # enter or change figures, submit them
    REVIEW = "review"  # approve, return, manual verdicts
    ADMIN = "admin"  # plans, indicators, targets, locks, imports


def signed_in(user: AnyUser | None) -> User | None:
    """The user as the project's User, for what is stored (entered_by, set_by); None when anonymous or the shell."""
    return user if isinstance(user, User) and user.is_authenticated else None


def role_names(user: AnyUser) -> frozenset[str]:
    """The user's group names, read once per request and cached on the user object."""
    person = signed_in(user)
    if person is None:
        return frozenset()
    cached: frozenset[str] | None = getattr(person, "_role_names", None)
    if cached is None:
        cached = frozenset(person.groups.values_list("name", flat=True))
        setattr(person, "_role_names", cached)  # noqa: B010 - a per-request cache on the user object
    return cached


def is_admin(user: AnyUser) -> bool:
    person = signed_in(user)
    return person is not None and (person.is_superuser or ROLE_ADMIN in role_names(person))


def is_reviewer(user: AnyUser) -> bool:
    """Reviewers and admins may review."""
    return ROLE_REVIEWER in role_names(user) or is_admin(user)


def is_clerk(user: AnyUser) -> bool:
    return ROLE_CLERK in role_names(user)


def is_leader(user: AnyUser) -> bool:
    return ROLE_LEADER in role_names(user)


def department_id(user: AnyUser) -> int | None:
    """The department of the user's StaffProfile, or None (cached by Django on the user)."""
    person = signed_in(user)
    if person is None:
        return None
    try:
        profile = person.staff_profile
    except StaffProfile.DoesNotExist:
        return None
    return profile.department_id


def home_region_id(user: AnyUser) -> int | None:
    """The root of the user's scope: the profile's region, else the department's region, else None (all).

    One query, cached on the user with the scope."""
    person = signed_in(user)
    if person is None or person.is_superuser:
        return None
    if not hasattr(person, "_home_region_id"):
        row = StaffProfile.objects.filter(user=person).values_list("region_id", "department__region_id").first()
        setattr(person, "_home_region_id", (row[0] or row[1]) if row else None)  # noqa: B010
    home: int | None = getattr(person, "_home_region_id")  # noqa: B009
    return home


def scope_region_ids(user: AnyUser) -> frozenset[int] | None:
    """The regions the user may see and act in (a subtree), or None for every region; cached on the user."""
    if not hasattr(user, "_scope_region_ids"):
        home = home_region_id(user)
        setattr(user, "_scope_region_ids", None if home is None else frozenset(Region.objects.subtree_ids([home])))  # noqa: B010
    scope: frozenset[int] | None = getattr(user, "_scope_region_ids")  # noqa: B009
    return scope


def in_scope(user: AnyUser, region_id: int | None) -> bool:
    scope = scope_region_ids(user)
    return scope is None or region_id in scope


def scoped(queryset: QuerySet[Any], user: AnyUser, region_field: str = "region") -> Any:
    """Filter any queryset down to the user's scope by the given path to its region."""
    scope = scope_region_ids(user)
    if scope is None:
        return queryset
    return queryset.filter(**{f"{region_field}__in": scope})


def check_region(user: AnyUser, region_id: int | None) -> None:
    if not in_scope(user, region_id):
        raise Http404(NOT_FOUND_REGION)


def may_enter_at_all(user: AnyUser) -> bool:
    return is_admin(user) or (is_clerk(user) and department_id(user) is not None)


def _responsible(target: Indicator | Series) -> int | None:
    """The department entering the figures: the series' (an indicator reads its series')."""
    if isinstance(target, Series):
        return target.department_id
    return target.series.department_id if target.series_id and target.series else None


def may_enter(user: AnyUser, target: Indicator | Series) -> bool:
    if is_admin(user):
        return True
    dept = department_id(user)
    return is_clerk(user) and dept is not None and dept == _responsible(target)


def entry_scope(queryset: QuerySet[Any], user: AnyUser) -> Any:
    """Filter indicators or series down to those whose figures ``user`` may enter."""
    if is_admin(user):
        return queryset
    dept = department_id(user)
    if not is_clerk(user) or dept is None:
        return queryset.none()
    if queryset.model is Series:
        return queryset.filter(Q(department_id=dept))
    return queryset.filter(Q(series__department_id=dept))


def require(user: AnyUser, need: Need) -> None:
    """Raise 403 unless the user's role allows ``need`` somewhere (pages without one object)."""
    if need is Need.READ:
        return
    if need is Need.ENTER and not may_enter_at_all(user):
        raise PermissionDenied(FORBIDDEN_ENTER)
    if need is Need.REVIEW and not is_reviewer(user):
        raise PermissionDenied(FORBIDDEN_REVIEW)
    if need is Need.ADMIN and not is_admin(user):
        raise PermissionDenied(FORBIDDEN_ADMIN)


def check_indicator(user: AnyUser, target: Indicator | Series, need: Need) -> None:
    """403 when the role does not allow ``need``; 404 when a clerk reaches outside their department."""
    require(user, need)
    check_region(user, target.region_id if isinstance(target, Series) else target.plan.region_id)
    if need is Need.ENTER and not may_enter(user, target):
        raise Http404(NOT_FOUND_SCOPE)


def get_plan_for_user(user: AnyUser, pk: int, *, need: Need = Need.READ) -> Plan:
    try:
        plan = Plan.objects.select_related("region").get(pk=pk)
    except Plan.DoesNotExist:
        raise Http404("未找到该规划。") from None
    require(user, need)
    check_region(user, plan.region_id)
    return plan


def get_department_for_user(user: AnyUser, raw: str) -> Department:
    """A department chosen in a filter (``?department=``), inside the user's region scope; 404 otherwise."""
    department = Department.objects.filter(pk=raw).first() if raw.isdigit() else None
    if department is None or not in_scope(user, department.region_id):
        raise Http404(NOT_FOUND_DEPARTMENT)
    return department


def get_indicator_for_user(user: AnyUser, pk: int, *, need: Need = Need.READ) -> Indicator:
    try:
        indicator = Indicator.objects.select_related(
            "plan", "plan__region", "category", "series", "series__department", "parent"
        ).get(pk=pk)
    except Indicator.DoesNotExist:
        raise Http404(NOT_FOUND_SCOPE) from None
    check_indicator(user, indicator, need)
    return indicator


def get_series_for_user(user: AnyUser, pk: int, *, need: Need = Need.READ) -> Series:
    try:
        series = Series.objects.select_related("region", "department").get(pk=pk)
    except Series.DoesNotExist:
        raise Http404(NOT_FOUND_SCOPE) from None
    check_indicator(user, series, need)
    return series


def get_observation_for_user(user: AnyUser, pk: int, *, need: Need = Need.READ) -> Observation:
    try:
        observation = Observation.objects.select_related("series", "series__department", "entered_by").get(pk=pk)
    except Observation.DoesNotExist:
        raise Http404("未找到该数值。") from None
    check_indicator(user, observation.series, need)
    return observation


def check_four_eyes(user: AnyUser | None, editor_id: int | None, plans: QuerySet[Plan]) -> None:
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
