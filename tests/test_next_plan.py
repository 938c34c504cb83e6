"""Start the next plan from this one: continuing indicators keep their series, the base year's figure is read."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from indicators import services
from indicators.models import Category, Indicator, Plan, Region
from indicators.periods import Period

PICKED = ("地区生产总值增长", "常住人口城镇化率", "城镇新增就业人数")


@pytest.fixture
def with_2025(plan_14th: Plan) -> Plan:
    """The demo plan with 2025 figures of the three continuing indicators (built test data)."""
    for name, value in zip(PICKED, ("5.8", "66.10", "0.8123"), strict=True):
        indicator = Indicator.objects.get(plan=plan_14th, name=name)
        services.observation_record(
            indicator=indicator, period=Period(2025), value=Decimal(value), user=None, source="2025年统计公报"
        )
    return plan_14th


def _post(client: Client, plan: Plan, names: tuple[str, ...]) -> object:
    ids = [str(Indicator.objects.get(plan=plan, name=n).pk) for n in names]
    data = {"name": "卧龙区“十五五”规划", "short_name": "十五五", "base_year": "2025", "end_year": "2030"}
    return client.post(f"/indicators/plan/{plan.pk}/next/", {**data, "continuing": ids}, follow=True)


def test_next_plan_keeps_the_series_and_reads_the_base_values(client: Client, with_2025: Plan, admin: User) -> None:
    client.force_login(admin)
    page = client.get(f"/indicators/plan/{with_2025.pk}/next/").content.decode()
    assert 'value="2025"' in page and 'value="2030"' in page  # the next span proposed
    response = _post(client, with_2025, PICKED)
    new = Plan.objects.get(short_name="十五五")
    assert [str(m) for m in response.context["messages"]] == [  # type: ignore[attr-defined]
        "已建立规划：卧龙区“十五五”规划，延续 3 项指标；基期值取自各统计指标的已有数值。"
    ]
    names = list(Indicator.objects.of_plan(new).in_print_order().values_list("name", flat=True))
    assert names == ["地区生产总值增长", "常住人口城镇化率", "城镇就业", "城镇新增就业人数"]  # the group comes along
    for name in PICKED:
        old, copy = (Indicator.objects.get(plan=p, name=name) for p in (with_2025, new))
        assert copy.series_id == old.series_id and copy.target_text == ""
    body = response.content.decode()  # type: ignore[attr-defined]
    assert "基期值（2025年）" in body
    for shown in ("5.8", "66.10", "0.8123", "2025年统计公报"):
        assert shown in body
    assert list(new.categories.values_list("name", flat=True)) == list(
        with_2025.categories.values_list("name", flat=True)
    )


def test_next_plan_needs_a_choice_and_an_admin(client: Client, with_2025: Plan, admin: User, leader: User) -> None:
    client.force_login(leader)
    assert client.get(f"/indicators/plan/{with_2025.pk}/next/").status_code == 403
    client.force_login(admin)
    response = _post(client, with_2025, ())
    assert "请至少选择一项延续的指标。" in response.content.decode()  # type: ignore[attr-defined]
    assert not Plan.objects.filter(short_name="十五五").exists()


def test_next_plan_page_query_count_is_the_same_at_one_and_many_indicators(
    client: Client, region: Region, admin: User, django_assert_num_queries: object
) -> None:
    plan = Plan.objects.create(name="测试规划", region=region, base_year=2020, end_year=2025)
    category = Category.objects.create(plan=plan, name="经济发展", order=1)
    client.force_login(admin)
    for number in range(12):
        indicator = Indicator(plan=plan, category=category, name=f"指标{number}", unit="%")
        services.indicator_save(indicator=indicator, user=None)
        if number in (0, 11):
            # session, user, the plan (+region), groups, the user's home region (scope), the plan's indicators
            # with series (+category, parent),
            # the to-do counts of the navigation (issue 14)
            with django_assert_num_queries(7):  # type: ignore[operator]
                assert client.get(f"/indicators/plan/{plan.pk}/next/").status_code == 200


def test_the_finished_plan_can_be_locked_read_only(client: Client, with_2025: Plan, admin: User) -> None:
    from django.core.exceptions import ValidationError

    from indicators.periods import plan_periods

    client.force_login(admin)
    ids = [str(Indicator.objects.get(plan=with_2025, name=PICKED[0]).pk)]
    data = {"name": "十五五", "short_name": "十五五", "base_year": "2025", "end_year": "2030", "lock_previous": "on"}
    client.post(f"/indicators/plan/{with_2025.pk}/next/", {**data, "continuing": ids})
    assert with_2025.period_locks.count() == len(plan_periods(2020, 2025))
    gdp = Indicator.objects.get(plan=with_2025, name=PICKED[0])
    with pytest.raises(ValidationError, match="2025年已由卧龙区“十四五”规划锁定"):
        services.observation_record(indicator=gdp, period=Period(2025), value=Decimal("6.0"), user=admin, reason="更正")
    assert "地区生产总值增长" in client.get(f"/appendix/1/?plan={with_2025.pk}&as_of=2025").content.decode()


def test_a_figure_closed_by_the_previous_plans_lock_names_that_plan(
    client: Client, with_2025: Plan, admin: User
) -> None:
    """The next plan's base-year figure is the previous plan's 2025 figure: closed by that plan's lock, and the
    message says which plan locked it (the next plan's own lock page shows none)."""
    from django.core.exceptions import ValidationError

    client.force_login(admin)
    ids = [str(Indicator.objects.get(plan=with_2025, name=PICKED[0]).pk)]
    data = {"name": "十五五", "short_name": "十五五", "base_year": "2025", "end_year": "2030", "lock_previous": "on"}
    client.post(f"/indicators/plan/{with_2025.pk}/next/", {**data, "continuing": ids})
    new = Plan.objects.get(short_name="十五五")
    assert not new.period_locks.exists()
    gdp_next = Indicator.objects.get(plan=new, name=PICKED[0])
    expected = services.PERIOD_LOCKED_BY.format(period="2025年", plans=with_2025.name)
    with pytest.raises(ValidationError) as excinfo:
        services.observation_record(
            indicator=gdp_next, period=Period(2025), value=Decimal("6.0"), user=admin, reason="更正"
        )
    assert excinfo.value.messages == [expected]


def test_the_continuing_indicators_are_a_list_under_their_own_legend(
    client: Client, with_2025: Plan, admin: User
) -> None:
    """A list of checkboxes is a fieldset with a legend (was one label wrapping every checkbox, invalid HTML)."""
    client.force_login(admin)
    page = client.get(f"/indicators/plan/{with_2025.pk}/next/").content.decode()
    fieldset = page[page.index('<fieldset class="field field-multi') : page.index("</fieldset>")]
    assert "<legend>延续的指标" in fieldset and 'class="req"' in fieldset
    assert (
        fieldset.count('type="checkbox"') == Indicator.objects.of_plan(with_2025).filter(series__isnull=False).count()
    )
    assert "延续的指标</label>" not in page
