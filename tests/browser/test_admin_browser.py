"""The Django admin under the Content-Security-Policy: its own static scripts (filters, actions, inlines,
autocomplete) run, nothing is blocked, and saving works."""

from __future__ import annotations

from typing import Any

import pytest

from indicators.models import Category, Plan
from tests.browser.conftest import TEST_PASSWORD, assert_no_js_errors, screenshot
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def test_admin_pages_work_under_the_policy(browser_page: Any, live_server: Any, plan_14th: Plan) -> None:
    make_user("boss", "管理员", is_staff=True, is_superuser=True)
    page = browser_page
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert "/admin/login/" not in page.url

    # a changelist: a sidebar filter narrows it, the select-all box (admin/js/actions.js) ticks every row
    response = page.goto(f"{live_server.url}/admin/indicators/indicator/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    with page.expect_navigation():
        page.click("#changelist-filter >> text=约束性")
    assert "attribute__exact=binding" in page.url
    rows = page.locator("#result_list tbody tr").count()
    assert 0 < rows < plan_14th.indicators.count()
    page.click("#action-toggle")
    assert page.locator("input.action-select:checked").count() == rows
    assert str(rows) in page.inner_text(".action-counter")
    screenshot(page, "admin-changelist")

    # a change form with autocomplete (select2 fetching /admin/autocomplete/ under connect-src 'self')
    indicator = plan_14th.indicators.filter(parent=None).order_by("pk").first()
    assert indicator is not None
    page.goto(f"{live_server.url}/admin/indicators/indicator/{indicator.pk}/change/")
    page.click("#id_category + .select2 .select2-selection")
    page.wait_for_selector(".select2-results__option >> text=民生福祉")
    page.keyboard.press("Escape")

    # the plan's change form: add a category row (admin/js/inlines.js), switch four eyes off, save
    page.goto(f"{live_server.url}/admin/indicators/plan/{plan_14th.pk}/change/")
    page.uncheck("#id_four_eyes")
    page.click(".add-row a")
    page.fill("input[name='categories-5-name']", "测试类别")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert page.locator(".messagelist .success").count() == 1
    screenshot(page, "admin-saved")
    plan_14th.refresh_from_db()
    assert plan_14th.four_eyes is False
    assert Category.objects.filter(plan=plan_14th, name="测试类别").exists()

    violations = [text for text in console if "Content Security Policy" in text or "Refused to" in text]
    assert not violations, violations
    assert_no_js_errors(page)
