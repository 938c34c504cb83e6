"""End to end in headless Chromium (issue 14): a clerk fills a whole period on one page and submits it; the
reviewer sees 待审核 N in the navigation and approves them all at once; the collection board shows the
department's period approved. At 1366 px and at 390 px."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from openpyxl import load_workbook

from indicators.models import Department, Observation, Plan
from tests.browser.conftest import assert_no_js_errors, login, screenshot
from tests.conftest import make_user

pytestmark = pytest.mark.browser
PERIOD = "2025"


@pytest.fixture
def cast(plan_14th: Plan) -> Department:
    stats = Department.objects.get(region=plan_14th.region, name="区统计局")
    make_user("tongji", "录入员", stats, first_name="统计局录入员")
    make_user("shenhe", "审核员", first_name="发改委审核员")
    return stats


def _logout(page: Any) -> None:
    with page.expect_navigation():
        page.click("form.logout button")


def _fill_period(page: Any) -> int:
    """Fill every empty row: the previous figure of the row when it shows one, else 暂无数据. Returns how many."""
    filled = 0
    rows = page.locator("table.period-table tbody tr")
    for index in range(rows.count()):
        row = rows.nth(index)
        value = row.locator("td.cell-value input[type=text]").first
        if not value.count() or value.input_value():
            continue
        previous = row.locator("th .small").first
        match = re.search(r"：(-?[\d.]+)$", previous.inner_text()) if previous.count() else None
        if match:
            value.click()
            page.keyboard.type(match.group(1))
            page.keyboard.press("Tab")  # value → 暂无数据 → 来源, one row after another
            page.keyboard.press("Tab")
            page.keyboard.type("2025年统计公报")
        else:
            row.locator("td.cell-check input[type=checkbox]").check()
        filled += 1
    return filled


@pytest.mark.parametrize(("width", "fixture"), [(1366, "browser_page"), (390, "phone_page")])
def test_clerk_fills_a_period_reviewer_approves_all_board_shows_it(
    request: pytest.FixtureRequest,
    live_server: Any,
    plan_14th: Plan,
    cast: Department,
    width: int,
    fixture: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The pages read today's date (the live server runs in this process): 2026-03-01, when 2025 is due.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2026, 3, 1))
    page = request.getfixturevalue(fixture)
    login(page, live_server, "tongji")
    assert "待填报" in page.inner_text("nav.mainnav")  # 2025 is over and not yet reported
    page.goto(f"{live_server.url}/indicators/entry/")
    wrap = page.locator(".entry-grid-wrap")
    # the grid opens at the latest periods: scrolled to its right end when wider than the window
    assert page.evaluate("w => w.scrollWidth <= w.clientWidth || w.scrollLeft > 0", wrap.element_handle())
    screenshot(page, f"collection-grid-{width}", full_page=False)
    page.click(f"nav.period-links a[href='/indicators/entry/period/{PERIOD}/']")
    page.wait_for_load_state()
    assert "整期填报 · 2025年" in page.inner_text("h1")
    # Tab goes from a row's value to its 暂无数据 box and on to its source
    first = page.locator("td.cell-value input[type=text]").first
    first.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "checkbox"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name").endswith("-source")
    filled = _fill_period(page)
    assert filled > 0
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the period page is {overflow}px wider than the window"
    screenshot(page, f"collection-period-{width}")
    with page.expect_navigation():
        page.click("button[name=submit]")
    message = page.inner_text(".messages")
    assert "已保存并提交审核" in message, message
    waiting = Observation.objects.filter(status="submitted", series__department=cast, year=2025, part="").count()
    assert waiting >= filled
    _logout(page)

    login(page, live_server, "shenhe")
    assert f"待审核 {waiting}" in page.inner_text("nav.mainnav")
    screenshot(page, f"collection-nav-{width}", full_page=False)
    page.goto(f"{live_server.url}/indicators/review/?department={cast.pk}&period={PERIOD}")
    screenshot(page, f"collection-review-{width}")
    with page.expect_navigation():
        page.click("button[name=all]")
    assert f"已审核通过 {waiting} 个数值。" in page.inner_text(".messages")
    assert "待审核" not in page.inner_text("nav.mainnav")

    page.goto(f"{live_server.url}/indicators/board/?plan={plan_14th.pk}")
    cell = page.locator(f"td[title='区统计局 {PERIOD}年']")
    assert "已完成" in cell.inner_text()
    screenshot(page, f"collection-board-{width}")
    assert_no_js_errors(page)


@pytest.mark.parametrize(("width", "fixture"), [(1366, "browser_page"), (390, "phone_page")])
def test_clerk_uploads_the_period_template(
    request: pytest.FixtureRequest,
    live_server: Any,
    plan_14th: Plan,
    cast: Department,
    width: int,
    fixture: str,
    tmp_path: Any,
) -> None:
    page = request.getfixturevalue(fixture)
    login(page, live_server, "tongji")
    page.goto(f"{live_server.url}/indicators/entry/period/{PERIOD}/upload/")
    with page.expect_download() as download:
        page.click("a.button")
    path = tmp_path / "template.xlsx"
    download.value.save_as(path)
    workbook = load_workbook(path)
    sheet = workbook["填报"]
    first = sheet.cell(row=3, column=2).value
    sheet.cell(row=3, column=6).value = "4.8"
    sheet.cell(row=3, column=8).value = "2025年统计公报"
    workbook.save(path)
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("form.card-form button")
    assert "将保存 1 个数值" in page.inner_text("main")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the upload page is {overflow}px wider than the window"
    screenshot(page, f"collection-upload-{width}")
    with page.expect_navigation():
        page.click("button[name=confirm]")
    assert "已从 Excel 模板保存 1 个数值" in page.inner_text(".messages")
    assert Observation.objects.get(series__name=first, series__department=cast, year=2025, part="").source
    assert_no_js_errors(page)
