"""The review page and the lock page over HTTP, and their query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from indicators import services
from indicators.models import Department, Observation, Region, ReviewStatus
from indicators.periods import Period
from tests.entry_support import SmallPlan, build_small_plan


def submit(small: SmallPlan, clerk: User, value: str = "5.1") -> Observation:
    return services.observation_record(
        indicator=small.gdp, period=Period(2023), value=Decimal(value), user=clerk, submit=True, source="统计公报"
    ).observation


def test_review_lists_submitted_figures_with_context(
    client: Client, small: SmallPlan, clerk: User, reviewer: User
) -> None:
    obs = submit(small, clerk)
    client.force_login(reviewer)
    response = client.get("/indicators/review/")
    body = response.content.decode()
    assert "待审核（1）" in body
    assert "2021年 9.1" in body and "2022年 4.0" in body  # the indicator's own history
    assert "统计局录入员" in body and "来源：统计公报" in body
    assert f'action="/indicators/observation/{obs.pk}/approve/"' in body


def test_review_shows_the_previously_approved_value_of_a_changed_figure(
    client: Client, small: SmallPlan, clerk: User, reviewer: User
) -> None:
    services.observation_record(
        indicator=small.gdp, period=Period(2022), value=Decimal("4.2"), user=clerk, reason="附件2口径", submit=True
    )
    client.force_login(reviewer)
    row = client.get("/indicators/review/").context["rows"][0]
    assert (row.observation.display_value, row.previous_approved) == ("4.2", "4.0")
    assert any(c["old"] == "4.0" and c["new"] == "4.2" for h in row.history for c in h["changes"])


def test_approve_button(client: Client, small: SmallPlan, clerk: User, reviewer: User) -> None:
    obs = submit(small, clerk)
    client.force_login(reviewer)
    response = client.post(f"/indicators/observation/{obs.pk}/approve/", {"version": obs.version}, follow=True)
    assert "已审核通过：地区生产总值增长 2023年。" in [str(m) for m in response.context["messages"]]
    assert Observation.objects.get(pk=obs.pk).status == ReviewStatus.APPROVED
    assert "没有待审核的数值。" in response.content.decode()


def test_return_button_needs_a_note(client: Client, small: SmallPlan, clerk: User, reviewer: User) -> None:
    obs = submit(small, clerk)
    client.force_login(reviewer)
    response = client.post(
        f"/indicators/observation/{obs.pk}/return/", {"version": obs.version, "note": ""}, follow=True
    )
    assert services.RETURN_NOTE_REQUIRED in [str(m) for m in response.context["messages"]]
    assert Observation.objects.get(pk=obs.pk).status == ReviewStatus.SUBMITTED
    response = client.post(
        f"/indicators/observation/{obs.pk}/return/", {"version": obs.version, "note": "请核对"}, follow=True
    )
    assert Observation.objects.get(pk=obs.pk).status == ReviewStatus.RETURNED
    assert "已退回，等待录入员修改（1）" in response.content.decode()


def test_approving_a_figure_changed_since_the_page_was_shown_is_refused(
    client: Client, small: SmallPlan, clerk: User, reviewer: User
) -> None:
    obs = submit(small, clerk)
    shown_version = obs.version
    services.observation_record(indicator=small.gdp, period=Period(2023), value=Decimal("5.4"), user=clerk, submit=True)
    client.force_login(reviewer)
    response = client.post(f"/indicators/observation/{obs.pk}/approve/", {"version": shown_version}, follow=True)
    assert any("改为 5.4" in str(m) for m in response.context["messages"])
    assert Observation.objects.get(pk=obs.pk).status == ReviewStatus.SUBMITTED


def test_leader_sees_the_queue_without_buttons(client: Client, small: SmallPlan, clerk: User, leader: User) -> None:
    submit(small, clerk)
    client.force_login(leader)
    body = client.get("/indicators/review/").content.decode()
    assert "待审核（1）" in body and "您可以查看待审核的数值，但不能审核。" in body
    assert "/approve/" not in body


def test_lock_page_locks_and_unlocks(client: Client, small: SmallPlan, admin: User) -> None:
    client.force_login(admin)
    response = client.post(
        f"/indicators/plan/{small.plan.pk}/locks/", {"period": "2023H1", "reason": "报告通过"}, follow=True
    )
    assert "已锁定：2023年上半年。该期间的数值不能再修改。" in [str(m) for m in response.context["messages"]]
    assert small.plan.period_locks.get().period == Period(2023, "H1")
    response = client.post(
        f"/indicators/plan/{small.plan.pk}/locks/",
        {"action": "unlock", "period": "2023H1", "reason": "更正"},
        follow=True,
    )
    assert not small.plan.period_locks.exists()
    response = client.post(f"/indicators/plan/{small.plan.pk}/locks/", {"period": "2031"})
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()


# --- query counts ------------------------------------------------------------------------------------
# The same number of queries with one row as with many: nothing is fetched per row.


def _grid_queries(client: Client, django_assert_num_queries: object, expected: int) -> None:
    with django_assert_num_queries(expected):  # type: ignore[operator]
        response = client.get("/indicators/entry/")
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 12])
def test_grid_query_count_does_not_grow_with_rows(
    client: Client,
    region: Region,
    stats_department: Department,
    hr_department: Department,
    clerk: User,
    django_assert_num_queries: object,
    extra: int,
) -> None:
    small = build_small_plan(region, stats_department, hr_department, extra_indicators=extra)
    client.force_login(clerk)
    # session, user, groups (role check), staff profile, plan list, editable indicators of the open plans
    # (with series), their series' observations, the plans' locks, then per plan with rows assess_plan twice
    # (approved, with submitted figures): indicators, observations, assigned targets, manual verdicts each.
    # 16, one fewer than when the grid showed one plan: the grid no longer chooses a default plan.
    # 18 with issue 14: the dashboard's default as-of per plan, and the to-do counts of the navigation.
    # 20 with issue 12: the plan list is the user's scope (their home region and its subtree).
    _grid_queries(client, django_assert_num_queries, 20)
    grid = client.get("/indicators/entry/").context["grid"]
    assert (grid.plans, len(grid.rows)) == ([small.plan], 2 + extra)


@pytest.mark.parametrize("extra", [0, 12])
def test_review_query_count_does_not_grow_with_rows(
    client: Client,
    region: Region,
    stats_department: Department,
    hr_department: Department,
    reviewer: User,
    django_assert_num_queries: object,
    extra: int,
) -> None:
    small = build_small_plan(region, stats_department, hr_department, extra_indicators=extra)
    Observation.objects.create(
        series=small.gdp.measured_series, year=2023, value=Decimal("5.1"), decimals=1, status=ReviewStatus.SUBMITTED
    )
    client.force_login(reviewer)
    # session, user, groups, plan list, the submitted figures (with indicator, plan, parent, department,
    # author), their history records (with users), the approved figures of the same indicators, the
    # returned figures still with the clerks; the reviewer's home region and the region tree (scope, issue 12).
    # With issue 14 the departments of the filter and the to-do counts of the navigation.
    with django_assert_num_queries(12):  # type: ignore[operator]
        response = client.get("/indicators/review/")
    assert len(response.context["rows"]) == 1 + extra


# --- the Django admin goes through the same rules ------------------------------------------------------


def test_admin_action_approves_through_the_service(client: Client, small: SmallPlan, clerk: User) -> None:
    obs = submit(small, clerk)
    root = User.objects.create_superuser("root", password="pw-for-tests-1234")
    client.force_login(root)
    response = client.post(
        "/admin/indicators/observation/",
        {
            "action": "approve_selected",
            "_selected_action": [obs.pk, small.gdp.measured_series.observations.get(year=2021).pk],
        },
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert "已审核通过 1 个数值。" in texts
    assert any(services.APPROVE_WRONG_STATUS in t for t in texts)  # the 2021 figure was approved already
    assert Observation.objects.get(pk=obs.pk).history.first().history_change_reason == "审核通过"


def test_admin_cannot_change_an_approved_figure(client: Client, small: SmallPlan) -> None:
    """The admin shows figures but writes none: neither its change form nor simple_history's revert form can
    change an approved figure behind the reason rule and the kept approved copy of the entry pages."""
    obs = small.gdp.measured_series.observations.get(year=2022)
    assert obs.status == ReviewStatus.APPROVED
    first = obs.history.earliest()
    root = User.objects.create_superuser("root", password="pw-for-tests-1234")
    client.force_login(root)
    data = {
        "series": small.gdp.series_id,
        "year": 2022,
        "part": "",
        "value": "4.2",
        "decimals": 1,
        "status": "approved",
        "version": obs.version,
        "alternatives-TOTAL_FORMS": 0,
        "alternatives-INITIAL_FORMS": 0,
    }
    change = f"/admin/indicators/observation/{obs.pk}/change/"
    assert client.post(change, data).status_code == 403
    assert client.get("/admin/indicators/observation/add/").status_code == 403
    assert client.post(f"/admin/indicators/observation/{obs.pk}/delete/", {"post": "yes"}).status_code == 403
    revert = f"/admin/indicators/observation/{obs.pk}/history/{first.history_id}/"
    assert client.post(revert, data).status_code == 403
    kept = Observation.objects.get(pk=obs.pk)
    assert (kept.value, kept.version, kept.status) == (Decimal("4.0"), obs.version, ReviewStatus.APPROVED)
    page = client.get(change)  # still readable, with no save button
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
