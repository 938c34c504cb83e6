"""Review workflow, locks, required reasons and the optimistic check, at the service level."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from indicators import services
from indicators.models import ManualVerdict, Observation, PeriodLock, Region, ReviewStatus
from indicators.periods import Period
from indicators.values import VALUE_SHARE_OUT_OF_RANGE
from tests.entry_support import SmallPlan

Y2023 = Period(2023)


def record(small: SmallPlan, user: User, value: str = "5.1", **kwargs: object) -> services.RecordResult:
    return services.observation_record(
        indicator=small.gdp,
        period=Y2023,
        value=Decimal(value),
        user=user,
        **kwargs,  # type: ignore[arg-type]
    )


def test_new_figure_is_a_draft_with_version_1_and_an_audit_entry(small: SmallPlan, clerk: User) -> None:
    result = record(small, clerk)
    obs = result.observation
    assert (result.created, result.changed, obs.status, obs.version) == (True, True, ReviewStatus.DRAFT, 1)
    assert obs.decimals == 1
    entry = obs.history.get()
    assert (entry.history_user, entry.history_change_reason, entry.value) == (clerk, "录入", Decimal("5.1"))


def test_full_cycle_draft_submitted_returned_submitted_approved(small: SmallPlan, clerk: User, reviewer: User) -> None:
    obs = record(small, clerk).observation
    obs = services.observation_submit(observation=obs, user=clerk)
    assert obs.status == ReviewStatus.SUBMITTED
    obs = services.observation_return(observation=obs, user=reviewer, note="请核对统计公报")
    assert (obs.status, obs.review_note) == (ReviewStatus.RETURNED, "请核对统计公报")
    obs = record(small, clerk, "5.2", submit=True).observation
    assert obs.status == ReviewStatus.SUBMITTED
    obs = services.observation_approve(observation=obs, user=reviewer)
    assert (obs.status, obs.review_note, obs.version) == (ReviewStatus.APPROVED, "", 5)
    reasons = list(obs.history.order_by("history_date", "history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["录入", "提交审核", "退回修改：请核对统计公报", "修改", "审核通过"]


@pytest.mark.parametrize(
    ("start", "action", "message"),
    [
        (ReviewStatus.SUBMITTED, "submit", services.SUBMIT_WRONG_STATUS),
        (ReviewStatus.APPROVED, "submit", services.SUBMIT_WRONG_STATUS),
        (ReviewStatus.DRAFT, "approve", services.APPROVE_WRONG_STATUS),
        (ReviewStatus.RETURNED, "approve", services.APPROVE_WRONG_STATUS),
        (ReviewStatus.APPROVED, "approve", services.APPROVE_WRONG_STATUS),
        (ReviewStatus.DRAFT, "return", services.RETURN_WRONG_STATUS),
        (ReviewStatus.APPROVED, "return", services.RETURN_WRONG_STATUS),
    ],
)
def test_transitions_from_the_wrong_status_are_refused(
    small: SmallPlan, clerk: User, reviewer: User, start: str, action: str, message: str
) -> None:
    obs = Observation.objects.create(series=small.gdp.measured_series, year=2023, value=Decimal(5), status=start)
    with pytest.raises(ValidationError) as excinfo:
        if action == "submit":
            services.observation_submit(observation=obs, user=clerk)
        elif action == "approve":
            services.observation_approve(observation=obs, user=reviewer)
        else:
            services.observation_return(observation=obs, user=reviewer, note="x")
    assert excinfo.value.messages == [message]
    assert Observation.objects.get(pk=obs.pk).status == start


def test_return_needs_a_note(small: SmallPlan, clerk: User, reviewer: User) -> None:
    obs = record(small, clerk, submit=True).observation
    with pytest.raises(ValidationError) as excinfo:
        services.observation_return(observation=obs, user=reviewer, note="  ")
    assert excinfo.value.messages == [services.RETURN_NOTE_REQUIRED]


def test_changing_an_approved_figure_needs_a_reason_and_sends_it_back_to_review(small: SmallPlan, clerk: User) -> None:
    approved = small.gdp.measured_series.observations.get(year=2022)
    with pytest.raises(ValidationError) as excinfo:
        services.observation_record(indicator=small.gdp, period=Period(2022), value=Decimal("4.2"), user=clerk)
    assert excinfo.value.messages == [services.REASON_REQUIRED]
    assert Observation.objects.get(pk=approved.pk).value == Decimal("4.0")
    result = services.observation_record(
        indicator=small.gdp, period=Period(2022), value=Decimal("4.2"), user=clerk, reason="按附件2口径更正"
    )
    assert result.observation.status == ReviewStatus.DRAFT
    latest = result.observation.history.first()
    assert (latest.history_change_reason, latest.value, latest.history_user) == (
        "按附件2口径更正",
        Decimal("4.2"),
        clerk,
    )
    previous = latest.prev_record
    assert previous.value == Decimal("4.0")


def test_reason_longer_than_the_audit_column_is_refused(small: SmallPlan, clerk: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        record(small, clerk, reason="长" * 101)
    assert excinfo.value.messages == [services.REASON_TOO_LONG]


def test_unchanged_save_writes_nothing(small: SmallPlan, clerk: User) -> None:
    obs = record(small, clerk).observation
    result = record(small, clerk, expected_version=1)
    assert (result.changed, Observation.objects.get(pk=obs.pk).version, obs.history.count()) == (False, 1, 1)


def test_second_save_with_a_stale_version_is_refused_and_shows_the_newer_value(
    small: SmallPlan, clerk: User, admin: User
) -> None:
    record(small, clerk, "5.1")  # version 1, both open the form at version 1
    record(small, admin, "5.3", expected_version=1)  # first save wins → version 2
    with pytest.raises(services.ConcurrentEditError) as excinfo:
        record(small, clerk, "5.2", expected_version=1)
    message = excinfo.value.messages[0]
    assert "5.3" in message and "系统管理员" in message and "草稿" in message
    assert excinfo.value.current is not None and excinfo.value.current.version == 2
    assert Observation.objects.get(series=small.gdp.measured_series, year=2023).value == Decimal("5.3")


def test_creating_a_figure_someone_else_created_meanwhile_is_refused(
    small: SmallPlan, clerk: User, admin: User
) -> None:
    record(small, admin, "5.3", expected_version=0)
    with pytest.raises(services.ConcurrentEditError):
        record(small, clerk, "5.1", expected_version=0)


def test_stale_approve_is_refused(small: SmallPlan, clerk: User, reviewer: User) -> None:
    obs = record(small, clerk, submit=True).observation
    services.observation_return(observation=obs, user=reviewer, note="请核对")
    record(small, clerk, "5.0", submit=True)
    with pytest.raises(services.ConcurrentEditError):
        services.observation_approve(observation=obs, user=reviewer, expected_version=obs.version)


@pytest.mark.parametrize("action", ["record", "submit", "approve", "return", "verdict"])
def test_a_locked_period_cannot_change_at_all(
    small: SmallPlan, clerk: User, reviewer: User, admin: User, action: str
) -> None:
    obs = record(small, clerk, submit=True).observation
    services.period_lock(plan=small.plan, period=Y2023, user=admin, reason="评估报告已通过")
    before = Observation.objects.get(pk=obs.pk)
    with pytest.raises(ValidationError) as excinfo:
        if action == "record":
            record(small, admin, "9.9", reason="更正")
        elif action == "submit":
            Observation.objects.filter(pk=obs.pk).update(status=ReviewStatus.DRAFT)
            services.observation_submit(observation=obs, user=clerk)
        elif action == "approve":
            services.observation_approve(observation=obs, user=reviewer)
        elif action == "return":
            services.observation_return(observation=obs, user=reviewer, note="x")
        else:
            services.manual_verdict_set(
                indicator=small.gdp, as_of=Y2023, status="on_track", reason="测试", user=reviewer
            )
    if action in ("record", "submit", "approve", "return"):  # a figure, shared by plans: the locking plan is named
        expected = services.PERIOD_LOCKED_BY.format(period="2023年", plans=small.plan.name)
    else:  # a plan's own verdict
        expected = services.PERIOD_LOCKED.format(period="2023年")
    assert excinfo.value.messages == [expected]
    after = Observation.objects.get(pk=obs.pk)
    assert (after.value, after.version) == (before.value, before.version)


def test_unlock_reopens_the_period_and_both_are_audited(small: SmallPlan, admin: User) -> None:
    services.period_lock(plan=small.plan, period=Y2023, user=admin, reason="报告通过")
    with pytest.raises(ValidationError):
        services.period_lock(plan=small.plan, period=Y2023, user=admin)
    services.period_unlock(plan=small.plan, period=Y2023, user=admin, reason="更正统计数据")
    assert not PeriodLock.objects.exists()
    reasons = [h.history_change_reason for h in PeriodLock.history.order_by("history_date")]
    assert reasons == ["报告通过", "更正统计数据"]
    record(small, admin, "5.0")


def test_a_lock_covers_only_its_own_period(small: SmallPlan, admin: User) -> None:
    services.period_lock(plan=small.plan, period=Period(2023, "H1"), user=admin)
    assert record(small, admin, "5.0").created


@pytest.mark.parametrize(
    ("user_fixture", "error"),
    [("other_clerk", Http404), ("reviewer", PermissionDenied), ("leader", PermissionDenied)],
)
def test_services_check_roles_too(
    small: SmallPlan, request: pytest.FixtureRequest, user_fixture: str, error: type[Exception]
) -> None:
    user = request.getfixturevalue(user_fixture)
    with pytest.raises(error):
        record(small, user)
    assert not Observation.objects.filter(year=2023).exists()


def test_clerk_cannot_approve_and_leader_cannot_lock(small: SmallPlan, clerk: User, leader: User) -> None:
    with pytest.raises(PermissionDenied):
        record(small, clerk, approve=True)
    with pytest.raises(PermissionDenied):
        services.period_lock(plan=small.plan, period=Y2023, user=leader)


def test_share_outside_0_100_is_refused_by_the_service(small: SmallPlan, admin: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.observation_record(indicator=small.urban, period=Y2023, value=Decimal("101"), user=admin)
    assert excinfo.value.messages == [VALUE_SHARE_OUT_OF_RANGE]


def test_far_outlier_is_saved_but_flagged(small: SmallPlan, clerk: User) -> None:
    result = record(small, clerk, "45")
    assert result.observation.pk and "远超该指标以往数值（3.4 至 9.1）" in result.warning
    assert Observation.objects.get(pk=result.observation.pk).warning == result.warning
    assert record(small, clerk, "4.5", expected_version=1).warning == ""


def test_period_outside_the_plan_is_refused(small: SmallPlan, admin: User) -> None:
    for period in (Period(2019), Period(2020, "H1"), Period(2026)):
        with pytest.raises(ValidationError) as excinfo:
            services.observation_record(indicator=small.gdp, period=period, value=Decimal(1), user=admin)
        assert "不在该规划的期间内" in excinfo.value.messages[0]


def test_manual_verdict_set_override_and_clear_are_audited(small: SmallPlan, reviewer: User) -> None:
    with pytest.raises(ValidationError):
        services.manual_verdict_set(indicator=small.gdp, as_of=Y2023, status="on_track", reason=" ", user=reviewer)
    services.manual_verdict_set(indicator=small.gdp, as_of=Y2023, status="on_track", reason="疫情影响", user=reviewer)
    services.manual_verdict_set(indicator=small.gdp, as_of=Y2023, status="behind", reason="复核后调整", user=reviewer)
    assert ManualVerdict.objects.get(indicator=small.gdp).status == "behind"
    services.manual_verdict_clear(indicator=small.gdp, as_of=Y2023, user=reviewer, reason="恢复自动判断")
    history = ManualVerdict.history.order_by("history_date")
    assert [(h.history_type, h.status, h.history_change_reason) for h in history] == [
        ("+", "on_track", "疫情影响"),
        ("~", "behind", "复核后调整"),
        ("-", "behind", "恢复自动判断"),
    ]


def test_target_edit_keeps_the_parser_guess_unless_set_manually(small: SmallPlan, admin: User) -> None:
    services.indicator_target_set(indicator=small.gdp, target_text="[12]", user=admin, reason="更正")
    small.gdp.refresh_from_db()
    assert (small.gdp.target_kind, small.gdp.target_value, small.gdp.target_set_manually) == (
        "cumulative",
        Decimal(12),
        False,
    )
    services.indicator_target_set(
        indicator=small.gdp,
        target_text="[12]",
        user=admin,
        reason="人工指定为年均增长",
        manual=True,
        kind="annual_growth",
        value=Decimal("2.3"),
        direction="higher",
    )
    small.gdp.refresh_from_db()
    assert (small.gdp.target_kind, small.gdp.target_value, small.gdp.target_set_manually) == (
        "annual_growth",
        Decimal("2.3"),
        True,
    )
    with pytest.raises(ValidationError) as excinfo:
        services.indicator_target_set(indicator=small.gdp, target_text="8", user=admin, reason="")
    assert excinfo.value.messages == [services.TARGET_REASON_REQUIRED]
    assert small.gdp.history.first().history_change_reason == "人工指定为年均增长"


def test_submit_all_submits_drafts_of_own_department_only(
    small: SmallPlan, clerk: User, other_clerk: User, admin: User
) -> None:
    record(small, clerk, "5.1")
    services.observation_record(indicator=small.jobs, period=Y2023, value=Decimal("0.8"), user=other_clerk)
    assert services.observation_submit_all(plan=small.plan, user=clerk) == 1
    statuses = dict(Observation.objects.filter(year=2023).values_list("series__name", "status"))
    assert statuses == {"地区生产总值增长": "submitted", "城镇新增就业人数": "draft"}


def test_plan_create_with_categories(region: Region, admin: User) -> None:
    plan = services.plan_create(
        region=region,
        name="卧龙区“十五五”规划",
        short_name="十五五",
        base_year=2025,
        end_year=2030,
        categories=["经济发展", "创新驱动", ""],
        user=admin,
    )
    assert list(plan.categories.values_list("name", "order")) == [("经济发展", 1), ("创新驱动", 2)]
    with pytest.raises(ValidationError) as excinfo:
        services.plan_create(
            region=region, name="错", short_name="", base_year=2030, end_year=2025, categories=["a"], user=admin
        )
    assert excinfo.value.messages == [services.PLAN_YEARS_INVALID]


def test_the_approved_figure_keeps_counting_until_its_change_is_approved(
    small: SmallPlan, clerk: User, reviewer: User
) -> None:
    """Editing an approved figure must not move verdicts, pages or exports before review (review finding)."""
    from indicators.assessment import assess_indicator, latest_period_with_data

    def counted_2022(*, preview: bool = False) -> Decimal | None:
        result = assess_indicator(small.gdp, Period(2022), include_pending=preview)
        return next(o.value for o in result.observations if o.period == Period(2022))

    assert counted_2022() == Decimal("4.0")
    result = services.observation_record(
        indicator=small.gdp, period=Period(2022), value=Decimal("9.9"), user=clerk, reason="更正"
    )
    assert (result.observation.status, counted_2022()) == (ReviewStatus.DRAFT, Decimal("4.0"))
    assert latest_period_with_data(small.plan) is not None
    submitted = services.observation_submit(observation=result.observation, user=clerk)
    assert counted_2022() == Decimal("4.0")
    assert counted_2022(preview=True) == Decimal("9.9")
    returned = services.observation_return(observation=submitted, user=reviewer, note="请核实")
    assert counted_2022() == Decimal("4.0")
    resubmitted = services.observation_submit(observation=returned, user=clerk)
    approved = services.observation_approve(observation=resubmitted, user=reviewer)
    assert counted_2022() == Decimal("9.9")
    assert approved.approved_no_data is None  # nothing kept once the change is approved
