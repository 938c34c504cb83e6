"""End to end in headless Chromium: a leader logs in and reads the dashboard, 附件1 and an indicator page."""

from __future__ import annotations

from typing import Any

import pytest

from indicators.models import Indicator, Plan
from tests.browser.conftest import assert_no_js_errors, login, screenshot

pytestmark = pytest.mark.browser
AS_OF = "as_of=2023H1"


def _charts_rendered(page: Any, count: int) -> None:
    page.wait_for_selector("svg.main-svg")
    assert page.locator(".plotly-graph-div svg.main-svg").count() >= count


def test_leader_reads_dashboard_appendix_and_indicator(
    browser_page: Any, live_server: Any, plan_14th: Plan, leader: Any
) -> None:
    page = browser_page
    login(page, live_server, "leader")

    page.goto(f"{live_server.url}/?{AS_OF}")
    _charts_rendered(page, 3)
    body = page.inner_text("main")
    assert "时间进度" in body and "50.0%" in body and "63.1%" in body
    assert "地区生产总值增长" in body  # a laggard
    screenshot(page, "reports-dashboard-desktop")

    page.goto(f"{live_server.url}/appendix/1/?{AS_OF}")
    table = page.locator("table.appendix1")
    assert table.locator("tbody tr").count() == 21
    assert page.locator("td.cat[rowspan='9']").inner_text() == "民生福祉"
    assert "63.1%" in page.inner_text(".summary-paragraph")
    screenshot(page, "reports-appendix1-desktop")

    gdp = Indicator.objects.get(plan=plan_14th, name="地区生产总值增长")
    page.click(f"a[href^='/indicator/{gdp.pk}/']")
    page.wait_for_url(f"**/indicator/{gdp.pk}/**")
    _charts_rendered(page, 1)
    assert "后三年需年均增长8.2%" in page.inner_text("main")
    assert "4.2" in page.inner_text("table.observations")  # the other reading of 2022
    screenshot(page, "reports-indicator-desktop")
    assert_no_js_errors(page)


def test_pages_fit_a_phone(phone_page: Any, live_server: Any, plan_14th: Plan, leader: Any) -> None:
    page = phone_page
    login(page, live_server, "leader")
    gdp = Indicator.objects.get(plan=plan_14th, name="地区生产总值增长")
    for name, url, charts in [
        ("dashboard", f"/?{AS_OF}", 3),
        ("appendix1", f"/appendix/1/?{AS_OF}", 0),
        ("indicator", f"/indicator/{gdp.pk}/?{AS_OF}", 1),
        ("appendix2", f"/appendix/2/?{AS_OF}", 0),
    ]:
        page.goto(f"{live_server.url}{url}")
        if charts:
            _charts_rendered(page, charts)
        # the page itself never scrolls sideways; wide tables scroll inside their .table-wrap
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} is {overflow}px wider than the phone"
        screenshot(page, f"reports-{name}-phone")
    assert_no_js_errors(page)


@pytest.mark.parametrize(
    ("as_of", "must", "must_not"),
    [
        ("2023H1", ["中期评估", "63.1%", "任务进度不低于时间进度"], ["数据未更新"]),
        ("2024", ["数据未更新至2024年", "森林覆盖率", "数据截至2023年上半年"], ["任务进度落后于时间进度"]),
        ("2025", ["总结评估", "数据未更新至2025年"], ["任务进度落后于时间进度", "中期完成情况"]),
    ],
)
def test_leader_reads_the_dashboard_at_any_period(
    browser_page: Any, live_server: Any, plan_14th: Plan, leader: Any, as_of: str, must: list[str], must_not: list[str]
) -> None:
    """The dashboard a leader reads at the report's date, a year later and at the end of the plan: old figures
    are shown as not updated instead of lagging, and the end of the plan is a final evaluation."""
    page = browser_page
    login(page, live_server, "leader")
    page.goto(f"{live_server.url}/?plan={plan_14th.pk}&as_of={as_of}")
    _charts_rendered(page, 3)
    body = page.inner_text("main")
    for words in must:
        assert words in body, words
    for words in must_not:
        assert words not in body, words
    screenshot(page, f"reports-dashboard-{as_of}")
    assert_no_js_errors(page)
