"""The role predicates and the entry scope of indicators.roles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from indicators import roles
from indicators.models import Indicator
from indicators.roles import Need
from tests.conftest import make_user
from tests.entry_support import SmallPlan


# columns: is_admin, is_reviewer, is_clerk, is_leader, may_enter_at_all
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("clerk", (False, False, True, False, True)),
        ("other_clerk", (False, False, True, False, True)),
        ("reviewer", (False, True, False, False, False)),
        ("leader", (False, False, False, True, False)),
        ("admin", (True, True, False, False, True)),
    ],
)
def test_predicates(request: pytest.FixtureRequest, persona: str, expected: tuple[bool, ...]) -> None:
    user = request.getfixturevalue(persona)
    predicates = (roles.is_admin, roles.is_reviewer, roles.is_clerk, roles.is_leader, roles.may_enter_at_all)
    assert tuple(predicate(user) for predicate in predicates) == expected


def test_anonymous_has_no_role(db: None) -> None:
    nobody = AnonymousUser()
    assert not any(f(nobody) for f in (roles.is_admin, roles.is_reviewer, roles.is_clerk, roles.may_enter_at_all))
    assert roles.department_id(nobody) is None


def test_superuser_is_admin_and_clerk_without_department_enters_nothing(small: SmallPlan) -> None:
    root = make_user("root", None, is_superuser=True)
    assert roles.is_admin(root) and roles.may_enter(root, small.jobs)
    homeless = make_user("homeless", "录入员", None)
    assert not roles.may_enter_at_all(homeless)
    assert not Indicator.objects.editable_by(homeless).exists()


def test_editable_by_is_the_department_scope(small: SmallPlan, clerk: User, other_clerk: User, admin: User) -> None:
    plan = Indicator.objects.of_plan(small.plan)
    assert set(plan.editable_by(clerk)) == {small.gdp, small.urban}
    assert set(plan.editable_by(other_clerk)) == {small.jobs}
    assert set(plan.editable_by(admin)) == {small.gdp, small.urban, small.jobs}


def test_roles_are_read_once_per_request(small: SmallPlan, clerk: User, django_assert_num_queries: object) -> None:
    fresh = User.objects.get(pk=clerk.pk)  # as the middleware loads it for a request
    with django_assert_num_queries(2):  # type: ignore[operator]
        for _ in range(5):
            roles.may_enter(fresh, small.gdp)  # groups once, staff profile once


@pytest.mark.parametrize(
    ("persona", "need", "indicator", "error"),
    [
        ("other_clerk", Need.ENTER, "gdp", Http404),
        ("reviewer", Need.ENTER, "gdp", PermissionDenied),
        ("leader", Need.ENTER, "gdp", PermissionDenied),
        ("leader", Need.REVIEW, "gdp", PermissionDenied),
        ("clerk", Need.REVIEW, "gdp", PermissionDenied),
        ("reviewer", Need.ADMIN, "gdp", PermissionDenied),
        ("clerk", Need.ENTER, "jobs", Http404),
    ],
)
def test_getter_refusals(
    small: SmallPlan, request: pytest.FixtureRequest, persona: str, need: Need, indicator: str, error: type[Exception]
) -> None:
    user = request.getfixturevalue(persona)
    with pytest.raises(error):
        roles.get_indicator_for_user(user, getattr(small, indicator).pk, need=need)


def test_getters_allow_and_404_on_missing(small: SmallPlan, clerk: User, leader: User) -> None:
    assert roles.get_indicator_for_user(clerk, small.gdp.pk, need=Need.ENTER) == small.gdp
    assert roles.get_indicator_for_user(leader, small.jobs.pk) == small.jobs  # reading is open
    with pytest.raises(Http404):
        roles.get_indicator_for_user(clerk, 999_999)
    with pytest.raises(Http404):
        roles.get_observation_for_user(clerk, 999_999)
    with pytest.raises(Http404):
        roles.get_plan_for_user(clerk, 999_999)
