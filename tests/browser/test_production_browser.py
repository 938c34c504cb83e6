"""Production hardening seen in the browser: charts under the CSP, lifting a lockout, a refused lost update."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from indicators.models import Plan
from tests.browser.conftest import assert_no_js_errors, login, screenshot

pytestmark = pytest.mark.browser


def test_charts_draw_and_selectors_work_under_the_policy(
    browser_page: Any, live_server: Any, plan_14th: Plan, leader: Any
) -> None:
    page = browser_page
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    login(page, live_server, "leader")

    response = page.goto(f"{live_server.url}/?as_of=2023H1")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("#chart-progress svg.main-svg")
    assert page.locator(".plotly-graph-div svg.main-svg").count() >= 3
    screenshot(page, "csp-dashboard")

    # the period selector submits on change through static/js/app.js, not an inline handler
    with page.expect_navigation():
        page.select_option("select[name=as_of]", "2022")
    assert "as_of=2022" in page.url
    page.wait_for_selector("#chart-progress svg.main-svg")

    violations = [text for text in console if "Content Security Policy" in text]
    assert not violations, violations
    assert_no_js_errors(page)


def test_admin_lifts_a_lockout_in_the_browser(browser_page: Any, live_server: Any, clerk: Any, admin: Any) -> None:
    page = browser_page
    # guesses from elsewhere: five from the browser's own address would lock that address, admin included
    for n in range(5):
        Client().post("/accounts/login/", {"username": "clerk", "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{n}")

    login(page, live_server, "plan_admin")
    page.click("text=登录锁定")
    assert "已锁定" in page.inner_text("table.lockouts")
    screenshot(page, "lockouts")
    with page.expect_navigation():
        page.click("table.lockouts >> text=解除锁定")
    assert "已解除账户“clerk”的登录锁定。" in page.inner_text("main")
    assert_no_js_errors(page)


def test_second_clerk_sees_the_newer_investment_instead_of_overwriting_it(
    browser_page: Any, live_server: Any, clerk: Any, region: Any
) -> None:
    from decimal import Decimal

    from projects import services
    from projects.models import ProjectInvestment
    from tests.projects_factories import make_project

    project = make_project(region, "卧龙艾草产业园")
    ProjectInvestment.objects.create(project=project, year=2024, planned=Decimal(10), completed=Decimal(8))
    page = browser_page
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/projects/{project.pk}/investment/?year=2024")
    # meanwhile someone else saves the same year
    services.investment_record(
        project=project, year=2024, planned=Decimal(12), completed=Decimal(8), user=None, reason="核定"
    )
    page.fill("#id_planned", "11")
    page.fill("#id_reason", "调整")
    with page.expect_navigation():
        page.click("button.primary")
    assert "未保存：2024年投资在您打开页面后已被" in page.inner_text("main")
    screenshot(page, "investment-conflict")
    assert_no_js_errors(page)
