"""End to end in headless Chromium: an admin starts the next plan from the five-year plan, picks three continuing
indicators, and their 2025 base values appear on the new plan's page without typing a figure."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from indicators import services
from indicators.models import Indicator, Plan
from indicators.periods import Period
from tests.browser.conftest import assert_no_js_errors, login, screenshot
from tests.conftest import make_user

pytestmark = pytest.mark.browser
PICKED = {"地区生产总值增长": "5.8", "常住人口城镇化率": "66.10", "森林覆盖率": "14.12"}


@pytest.fixture
def with_2025(plan_14th: Plan) -> Plan:
    make_user("guanli", "管理员", first_name="系统管理员", is_staff=True)
    for name, value in PICKED.items():
        services.observation_record(
            indicator=Indicator.objects.get(plan=plan_14th, name=name),
            period=Period(2025),
            value=Decimal(value),
            user=None,
            source="2025年统计公报",
            approve=True,
        )
    return plan_14th


def test_admin_starts_the_next_plan_and_base_values_are_read(
    browser_page: Any, live_server: Any, with_2025: Plan
) -> None:
    page = browser_page
    login(page, live_server, "guanli")
    page.goto(f"{live_server.url}/indicators/plan/{with_2025.pk}/")
    with page.expect_navigation():
        page.click("text=以本规划为基础建立下一期规划")
    page.fill("#id_name", "卧龙区“十五五”规划")
    page.fill("#id_short_name", "十五五")
    assert page.input_value("#id_base_year") == "2025" and page.input_value("#id_end_year") == "2030"
    for name in PICKED:
        page.get_by_label(name, exact=False).first.check()
    screenshot(page, "next-plan-form")
    with page.expect_navigation():
        page.click("form.next-plan-form button.primary")
    assert "延续 3 项指标" in page.inner_text(".messages")
    new = Plan.objects.get(short_name="十五五")
    for name, value in PICKED.items():
        indicator = Indicator.objects.get(plan=new, name=name)
        cell = page.inner_text(f"#base-{indicator.pk}")
        assert value in cell and "已审核" in cell and "2025年统计公报" in cell, cell
    assert "基期 2025 年" in page.inner_text("main")
    screenshot(page, "next-plan-created")
    assert_no_js_errors(page)
