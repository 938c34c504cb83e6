"""End to end in headless Chromium (issue 12): a city user opens the city roll-up, sorts by a binding indicator
and opens a lagging county's indicator page."""

from __future__ import annotations

from typing import Any

import pytest

from indicators.models import Region, StaffProfile
from tests.browser.conftest import assert_no_js_errors, login, screenshot
from tests.conftest import make_user
from tests.test_rollup import _city

pytestmark = pytest.mark.browser


def test_city_user_sorts_the_rollup_and_opens_a_lagging_county(browser_page: Any, live_server: Any) -> None:
    city = _city(6)
    user = make_user("city_user", "领导", None, first_name="市发改委")
    StaffProfile.objects.filter(user=user).update(region=city)
    page = browser_page
    login(page, live_server, "city_user")
    assert "测试市尚无规划" in page.inner_text("main")  # lands on the home region, which has no plan of its own
    page.fill("input.region-filter", "103")  # the searchable chooser narrows to 测试103县
    assert page.locator("#region-select").input_value() == str(Region.objects.get(name="测试103县").pk)
    screenshot(page, "rollup_city_landing", full_page=False)
    with page.expect_navigation():
        page.click("a.rollup-link")
    assert "下级规划指标完成情况汇总" in page.inner_text("h1")
    periods = page.locator("select[name=as_of] option").all_inner_texts()
    assert periods[:3] == ["2021年上半年", "2021年", "2022年上半年"]  # half years offered, in order
    assert page.locator("select[name=as_of] option[selected]").inner_text() == "2022年"  # the latest with data
    with page.expect_navigation():
        page.click("th.binding a[data-column='0']")  # 森林覆盖率, 约束性
    page.wait_for_selector("svg.main-svg")
    first = page.locator("table.rollup-matrix tbody tr").first
    assert "低于预期" in first.locator("td.cell").first.inner_text()
    county = first.locator("th").inner_text().splitlines()[0]
    screenshot(page, "rollup_city_sorted_by_binding")
    with page.expect_navigation():
        first.locator("td.cell a").first.click()
    main = page.inner_text("main")
    assert "森林覆盖率" in main and "低于预期" in main
    assert county in page.inner_text("main") or Region.objects.filter(name=county).exists()
    screenshot(page, "rollup_lagging_county_indicator")
    assert_no_js_errors(page)
