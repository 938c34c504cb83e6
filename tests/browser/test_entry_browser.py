"""End to end in headless Chromium: a clerk enters 2023 GDP growth and submits it, a reviewer approves it,
and the dashboard's verdict for GDP growth changes accordingly."""

from __future__ import annotations

from typing import Any

import pytest

from indicators.models import Department, Observation, Plan
from tests.browser.conftest import assert_no_js_errors, login, screenshot
from tests.conftest import make_user

pytestmark = pytest.mark.browser
GDP = "地区生产总值增长"


@pytest.fixture
def cast(plan_14th: Plan) -> None:
    stats = Department.objects.get(region=plan_14th.region, name="区统计局")
    make_user("tongji", "录入员", stats, first_name="统计局录入员")
    make_user("shenhe", "审核员", first_name="发改委审核员")


def _dashboard_gdp(page: Any, live_server: Any) -> str:
    """The dashboard's entry for GDP growth as of 2023 (among the laggards, or the indicators not updated)."""
    page.goto(f"{live_server.url}/?as_of=2023")
    return str(page.locator("ul.laggards li").filter(has=page.locator("a", has_text=GDP)).first.inner_text())


def _logout(page: Any) -> None:
    with page.expect_navigation():
        page.click("form.logout button")


def test_clerk_enters_reviewer_approves_dashboard_updates(
    browser_page: Any, live_server: Any, plan_14th: Plan, cast: None
) -> None:
    page = browser_page
    login(page, live_server, "tongji")
    # before the 2023 figure: not updated to 2023, judged at 2023年上半年, nothing predicted from old data
    assert "数据截至2023年上半年，按该期判断为“低于预期”" in _dashboard_gdp(page, live_server)

    page.goto(f"{live_server.url}/indicators/entry/")
    assert "城镇新增就业人数" not in page.inner_text("main")  # another department's indicator
    page.click(f"a[aria-label='{GDP} 2023年']")
    page.fill("#id_value", "５．１")  # typed with a Chinese input method
    page.fill("#id_source", "2023年统计公报")
    screenshot(page, "entry-edit-desktop")
    with page.expect_navigation():
        page.click("button[name=submit]")
    assert "已保存：地区生产总值增长 2023年 = 5.1（待审核）。" in page.inner_text(".messages")
    row = page.locator("tr", has_text=GDP).first
    assert "待审核" in row.inner_text()
    screenshot(page, "entry-grid-desktop")
    observation = Observation.objects.get(
        series__indicators__plan=plan_14th, series__indicators__name=GDP, year=2023, part=""
    )
    assert observation.status == "submitted"
    _logout(page)

    login(page, live_server, "shenhe")
    page.goto(f"{live_server.url}/indicators/review/")
    review_row = page.locator(f"#obs-{observation.pk}")
    assert "5.1" in review_row.inner_text() and "统计局录入员" in review_row.inner_text()
    screenshot(page, "entry-review-desktop")
    with page.expect_navigation():
        review_row.locator("button", has_text="通过").click()
    assert "已审核通过：地区生产总值增长 2023年。" in page.inner_text(".messages")

    # 9.1%, 4.0% and now 5.1%: two years left instead of three, each needing 9.7% (still 低于预期)
    gdp_item = _dashboard_gdp(page, live_server)
    screenshot(page, "entry-dashboard-after-approval")
    assert "低于预期" in gdp_item and "后两年需年均增长9.7%" in gdp_item
    assert_no_js_errors(page)


def test_entry_pages_fit_a_phone(phone_page: Any, live_server: Any, plan_14th: Plan, cast: None) -> None:
    page = phone_page
    login(page, live_server, "tongji")
    gdp = plan_14th.indicators.get(name=GDP)
    for name, url in [("grid", "/indicators/entry/"), ("edit", f"/indicators/entry/{gdp.pk}/2022/")]:
        page.goto(f"{live_server.url}{url}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} is {overflow}px wider than the phone"
        screenshot(page, f"entry-{name}-phone")
    assert_no_js_errors(page)


def test_entry_grid_keeps_indicator_names_in_view_when_scrolled(
    chromium: Any, live_server: Any, plan_14th: Plan, cast: None
) -> None:
    """The grid opens scrolled to the latest periods; the indicator names (first column) stay visible."""
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 800})
    try:
        page = context.new_page()
        login(page, live_server, "tongji")
        page.goto(f"{live_server.url}/indicators/entry/")
        wrap = page.locator(".entry-grid-wrap")
        scroll_left = wrap.evaluate("w => w.scrollLeft")
        assert scroll_left > 0, "the grid should be wide enough to scroll at 1366 px (test premise)"
        box = wrap.evaluate("w => { const r = w.getBoundingClientRect(); return {left: r.left, right: r.right}; }")
        cells = page.locator(".entry-grid th.name")
        assert cells.count() > 1
        for i in range(cells.count()):
            cell = cells.nth(i).evaluate(
                "c => { const r = c.getBoundingClientRect(); return {left: r.left, right: r.right}; }"
            )
            assert cell["left"] >= box["left"] - 1 and cell["right"] <= box["right"] + 1, (i, cell, box)
            assert cell["left"] >= 0
        # the name cell is on top: what the browser shows at its centre is the name cell itself
        first = cells.nth(1)
        on_top = first.evaluate(
            "c => { const r = c.getBoundingClientRect();"
            " const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
            " return c.contains(e); }"
        )
        assert on_top
        page.screenshot(path="/work/notes/h-forms/entry-grid-1366.png")
        screenshot(page, "entry-grid-1366-scrolled", full_page=False)
    finally:
        context.close()


def test_reviewer_ticks_the_whole_page_and_approves_the_selection(
    browser_page: Any, live_server: Any, plan_14th: Plan, cast: None
) -> None:
    """The header box of the review queue ticks every figure (and follows them: cleared when one is untick)."""
    from decimal import Decimal

    from indicators import services
    from indicators.models import Indicator
    from indicators.periods import Period

    clerk = Department.objects.get(region=plan_14th.region, name="区统计局").staff.get().user
    figures = [
        services.observation_record(
            indicator=Indicator.objects.get(plan=plan_14th, name=GDP),
            period=Period(year),
            value=Decimal(value),
            user=clerk,
            submit=True,
        ).observation
        for year, value in ((2023, "5.1"), (2025, "5.8"))
    ]
    page = browser_page
    login(page, live_server, "shenhe")
    page.goto(f"{live_server.url}/indicators/review/")
    master = page.locator("input[data-check-all]")
    boxes = page.locator('input[type=checkbox][form="bulk-form"]')
    assert boxes.count() >= 2
    master.check()
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    boxes.first.uncheck()
    assert not master.is_checked()
    master.check()
    with page.expect_navigation():
        page.click("button[name=selected]")
    assert all(Observation.objects.get(pk=f.pk).status == "approved" for f in figures)
    assert_no_js_errors(page)
