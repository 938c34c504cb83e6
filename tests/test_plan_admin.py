"""Plan administration in the browser: a new plan with its categories, indicators, targets and departments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from indicators import services
from indicators.models import Department, Indicator, Plan, Region


@pytest.fixture
def plan_15th(client: Client, region: Region, admin: User) -> Plan:
    client.force_login(admin)
    response = client.post(
        "/indicators/plans/new/",
        {
            "region": region.pk,
            "name": "卧龙区“十五五”规划",
            "short_name": "十五五",
            "base_year": "2025",
            "end_year": "2030",
            "categories": "经济发展\n创新驱动\n民生福祉\n绿色生态\n安全保障\n",
        },
    )
    plan = Plan.objects.get(short_name="十五五")
    assert response["Location"] == f"/indicators/plan/{plan.pk}/"
    return plan


def test_create_plan_with_categories(plan_15th: Plan) -> None:
    assert (plan_15th.base_year, plan_15th.end_year) == (2025, 2030)
    assert list(plan_15th.categories.values_list("name", flat=True)) == [
        "经济发展",
        "创新驱动",
        "民生福祉",
        "绿色生态",
        "安全保障",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"base_year": "2030", "end_year": "2025"}, services.PLAN_YEARS_INVALID),
        ({"categories": "经济发展\n经济发展"}, "类别“经济发展”重复。"),
        ({"categories": "  \n "}, "这个字段是必填项。"),
        ({"name": ""}, "这个字段是必填项。"),
    ],
)
def test_plan_form_errors_are_chinese(
    client: Client, region: Region, admin: User, data: dict[str, str], message: str
) -> None:
    client.force_login(admin)
    payload = {"region": region.pk, "name": "规划", "base_year": "2025", "end_year": "2030", "categories": "经济发展"}
    response = client.post("/indicators/plans/new/", {**payload, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Plan.objects.exists()


def test_add_indicators_with_targets_parsed_and_assign_departments(
    client: Client, plan_15th: Plan, stats_department: Department, hr_department: Department
) -> None:
    economy = plan_15th.categories.get(name="经济发展")
    welfare = plan_15th.categories.get(name="民生福祉")
    url = f"/indicators/plan/{plan_15th.pk}/indicators/new/"
    response = client.post(
        url,
        {
            "category": economy.pk,
            "seq": "1",
            "name": "地区生产总值增长",
            "unit": "%",
            "attribute": "expected",
            "target_text": "6左右",
            "department": stats_department.pk,
            "partial_periods_comparable": "on",
        },
    )
    assert response.status_code == 302
    gdp = Indicator.objects.get(plan=plan_15th, name="地区生产总值增长")
    assert (gdp.target_kind, gdp.target_value, gdp.department) == ("annual_growth", Decimal(6), stats_department)
    client.post(url, {"category": welfare.pk, "seq": "2", "name": "城镇就业", "attribute": "expected"})
    group = Indicator.objects.get(plan=plan_15th, name="城镇就业")
    client.post(
        url,
        {
            "category": welfare.pk,
            "parent": group.pk,
            "name": "城镇新增就业人数",
            "unit": "万人",
            "attribute": "expected",
            "target_text": "[4]",
        },
    )
    jobs = Indicator.objects.get(plan=plan_15th, name="城镇新增就业人数")
    assert (jobs.parent, jobs.target_kind, jobs.order) == (group, "cumulative", 3)
    # the same name twice in the plan is refused
    response = client.post(url, {"category": economy.pk, "name": "地区生产总值增长", "attribute": "expected"})
    assert "该规划中已有同名指标“地区生产总值增长”。" in response.content.decode()
    # departments in one form
    response = client.post(
        f"/indicators/plan/{plan_15th.pk}/",
        {"action": "departments", f"dept-{gdp.pk}": str(hr_department.pk), f"dept-{jobs.pk}": str(hr_department.pk)},
        follow=True,
    )
    assert "已更新 2 项指标的责任单位。" in [str(m) for m in response.context["messages"]]
    gdp.refresh_from_db()
    assert gdp.department == hr_department
    assert gdp.measured_series.history.first().history_change_reason == "分配责任单位"  # the series' department
    assert Indicator.objects.get(pk=group.pk).department is None


def test_edit_indicator_keeps_the_target_kind_unless_the_text_changes(client: Client, plan_15th: Plan) -> None:
    economy = plan_15th.categories.get(name="经济发展")
    url = f"/indicators/plan/{plan_15th.pk}/indicators/new/"
    client.post(
        url,
        {
            "category": economy.pk,
            "seq": "1",
            "name": "研发经费投入增长",
            "unit": "%",
            "target_text": "[12]",
            "attribute": "expected",
        },
    )
    rd = Indicator.objects.get(name="研发经费投入增长")
    services.indicator_target_set(
        indicator=rd,
        target_text="[12]",
        user=None,
        reason="人工",
        manual=True,
        kind="annual_growth",
        value=Decimal(12),
        direction="higher",
    )
    edit = {
        "category": economy.pk,
        "seq": "1",
        "name": "研发经费投入增长率",
        "unit": "%",
        "target_text": "[12]",
        "attribute": "expected",
        "reason": "更名",
    }
    assert client.post(f"/indicators/indicator/{rd.pk}/edit/", edit).status_code == 302
    rd.refresh_from_db()
    assert (rd.name, rd.target_kind, rd.target_set_manually) == ("研发经费投入增长率", "annual_growth", True)


def test_add_category(client: Client, plan_15th: Plan) -> None:
    client.post(f"/indicators/plan/{plan_15th.pk}/", {"action": "category", "name": "改革开放"})
    assert plan_15th.categories.order_by("-order").first().name == "改革开放"  # type: ignore[union-attr]
    response = client.post(f"/indicators/plan/{plan_15th.pk}/", {"action": "category", "name": "改革开放"})
    assert response.status_code == 200
    assert plan_15th.categories.filter(name="改革开放").count() == 1


def test_plan_pages_query_counts(
    client: Client, plan_15th: Plan, stats_department: Department, django_assert_num_queries: object
) -> None:
    economy = plan_15th.categories.get(name="经济发展")
    url = f"/indicators/plan/{plan_15th.pk}/"
    client.get(url)  # shows (and clears) the "plan created" message
    for number in range(1, 8):
        services.indicator_save(
            indicator=Indicator(plan=plan_15th, category=economy, name=f"指标{number}"),
            user=None,
            department=stats_department,
        )
        # session, user, the plan with its region, groups, the region's departments, the plan's indicators
        # (with category, parent, series), their series' base-year figures (8, was 7 before the base-value
        # column: the figure is read from the series, never retyped), its categories; the user's home region
        # (scope, issue 12); the to-do counts of the navigation (issue 14)
        with django_assert_num_queries(10):  # type: ignore[operator]
            assert client.get(url).status_code == 200


def test_department_assignment_is_a_service_with_its_role_check(
    plan_15th: Plan, admin: User, reviewer: User, county2: Region, hr_department: Department
) -> None:
    """Only an admin of the plan's region assigns departments; a department of another region is none."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from indicators.roles import FORBIDDEN_ADMIN
    from tests.conftest import make_user

    economy = plan_15th.categories.get(name="经济发展")
    gdp = Indicator(plan=plan_15th, category=economy, name="地区生产总值增长", unit="%", target_text="6.5")
    services.indicator_save(indicator=gdp, user=admin)
    with pytest.raises(PermissionDenied, match=FORBIDDEN_ADMIN):
        services.plan_departments_assign(plan=plan_15th, chosen={gdp.pk: str(hr_department.pk)}, user=reviewer)
    county2_admin = make_user("county2_admin", "管理员", Department.objects.create(region=county2, name="宛城区发改委"))
    with pytest.raises(Http404):
        services.plan_departments_assign(plan=plan_15th, chosen={gdp.pk: str(hr_department.pk)}, user=county2_admin)
    foreign = Department.objects.create(region=county2, name="宛城区统计局")
    assert services.plan_departments_assign(plan=plan_15th, chosen={gdp.pk: str(foreign.pk)}, user=admin) == 0
    assert services.plan_departments_assign(plan=plan_15th, chosen={gdp.pk: str(hr_department.pk)}, user=admin) == 1
    assert Indicator.objects.get(pk=gdp.pk).department == hr_department
