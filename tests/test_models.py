"""Database constraints on observations, plans and indicators."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators import services
from indicators.models import (
    OBSERVATION_DUPLICATE,
    VALUE_REQUIRED,
    Category,
    Indicator,
    ManualVerdict,
    Observation,
    Plan,
    Region,
)


@pytest.fixture
def indicator(region: Region) -> Indicator:
    plan = Plan.objects.create(name="测试规划", region=region, base_year=2020, end_year=2025)
    category = Category.objects.create(plan=plan, name="经济发展", order=1)
    indicator = Indicator(plan=plan, category=category, seq="1", name="地区生产总值增长", unit="%")
    return services.indicator_save(indicator=indicator, user=None)  # with its series


def test_second_observation_for_same_period_is_refused(indicator: Indicator) -> None:
    Observation.objects.create(series=indicator.measured_series, year=2022, value=Decimal("4.0"), decimals=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(series=indicator.measured_series, year=2022, value=Decimal("4.2"), decimals=1)
    # a different period of the same year is another observation
    Observation.objects.create(series=indicator.measured_series, year=2022, part="H1", value=Decimal("3.0"))
    assert indicator.measured_series.observations.count() == 2


def test_duplicate_period_fails_validation_with_a_message(indicator: Indicator) -> None:
    Observation.objects.create(series=indicator.measured_series, year=2022, value=Decimal("4.0"))
    duplicate = Observation(series=indicator.measured_series, year=2022, value=Decimal("4.2"))
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert OBSERVATION_DUPLICATE in str(excinfo.value)


def test_value_is_required_unless_no_data(indicator: Indicator) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(series=indicator.measured_series, year=2021, value=None, no_data=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(series=indicator.measured_series, year=2021, value=Decimal(1), no_data=True)
    no_data = Observation.objects.create(series=indicator.measured_series, year=2021, value=None, no_data=True)
    assert no_data.display_value == "/"


def test_missing_value_gives_the_chinese_message(indicator: Indicator) -> None:
    with pytest.raises(ValidationError) as excinfo:
        Observation(series=indicator.measured_series, year=2021).full_clean()
    assert VALUE_REQUIRED in str(excinfo.value)


def test_plan_end_year_must_follow_base_year(region: Region) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(name="错误规划", region=region, base_year=2025, end_year=2020)


def test_manual_verdict_needs_a_reason(indicator: Indicator) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ManualVerdict.objects.create(indicator=indicator, year=2023, part="H1", status="on_track", reason="")


def test_category_of_another_plan_is_refused(indicator: Indicator, region: Region) -> None:
    other_plan = Plan.objects.create(name="十五五", region=region, base_year=2025, end_year=2030)
    other_category = Category.objects.create(plan=other_plan, name="经济发展")
    indicator.category = other_category
    with pytest.raises(ValidationError, match="类别必须属于同一规划"):
        indicator.full_clean()


def test_observation_changes_are_kept_in_history(indicator: Indicator) -> None:
    obs = Observation.objects.create(series=indicator.measured_series, year=2022, value=Decimal("4.0"), decimals=1)
    obs.value = Decimal("4.2")
    obs.save()
    assert [h.value for h in obs.history.order_by("history_date")] == [Decimal("4.0"), Decimal("4.2")]


def test_plan_refuses_bad_evaluation_settings(region: Region) -> None:
    plan = Plan(
        name="国家规划", region=region, base_year=2020, end_year=2025, evaluation_settings={"labels": {"x": "y"}}
    )
    with pytest.raises(ValidationError, match="评估设置不正确"):
        plan.full_clean()
    plan.evaluation_settings = {"labels": {"exceeded": "提前实现", "behind": "滞后"}, "ahead_ratio": "1.2"}
    plan.full_clean()
