"""End to end in headless Chromium: the project list, a project page with its plotly chart, the dashboard."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from indicators.models import Region
from projects.models import Domain, InvestmentSummary, Level, ProgressNote, ProjectInvestment, Stage, SummaryScope
from tests.browser.conftest import assert_no_js_errors, login, screenshot
from tests.conftest import make_user
from tests.projects_factories import build_projects, make_project

pytestmark = pytest.mark.browser
D = Decimal


@pytest.fixture
def projects(region: Region) -> Any:
    build_projects(region, 30, years=(2023, 2024))
    p = make_project(
        region,
        "卧龙艾草产业园（南阳产投卧龙艾草产业园）",
        domain=Domain.RURAL,
        level=Level.CITY,
        stage=Stage.IN_PRODUCTION,
        total_investment=D("30"),
        scale="规划建设用地1500亩",
        source="001 新闻；000 新闻；004 卧龙区长访谈",
    )
    for year, planned, completed in [(2022, "8", "6.5"), (2023, "10", "11.2"), (2024, "6", "4.1")]:
        ProjectInvestment.objects.create(project=p, year=year, planned=D(planned), completed=D(completed))
    ProgressNote.objects.create(project=p, date=datetime.date(2022, 2, 1), text="近期开工建设，规划建设用地1500亩。")
    ProgressNote.objects.create(project=p, date=datetime.date(2024, 12, 17), text="一期建成开园，签约入驻企业32家。")
    InvestmentSummary.objects.create(
        region=region,
        year=2024,
        scope=SummaryScope.PROVINCE_CITY,
        label="省市重点项目",
        project_count=79,
        completed=D("255.7"),
        source="003 一（一）二",
    )
    make_user("lingdao", "领导", first_name="区领导")
    return p


def test_leader_opens_list_and_project_page_with_chart(browser_page: Any, live_server: Any, projects: Any) -> None:
    page = browser_page
    login(page, live_server, "lingdao")

    page.goto(f"{live_server.url}/projects/?year=2024")
    table = page.locator("table.projects")
    assert table.locator("tbody tr").count() == 31
    assert "合计（31个项目）" in table.locator("tfoot").inner_text()
    assert page.locator("a:has-text('下载 Excel')").count() == 1
    assert page.locator("a:has-text('新增项目')").count() == 0  # a leader reads only
    screenshot(page, "projects-list-desktop")

    page.click(f"a[href='/projects/{projects.pk}/']")
    page.wait_for_url(f"**/projects/{projects.pk}/")
    page.wait_for_selector("#investment-chart svg.main-svg")
    assert page.locator("#investment-chart .plotly-graph-div").count() == 1
    assert page.locator("#investment-chart g.trace.bars").count() == 2  # planned and completed
    main = page.inner_text("main")
    assert "1500亩" in main and "一期建成开园" in main and "修改项目信息" not in main
    assert main.index("一期建成开园") < main.index("近期开工建设")  # newest note first
    screenshot(page, "projects-detail-desktop")

    page.goto(f"{live_server.url}/projects/dashboard/?year=2024")
    assert "省市重点项目79个，完成投资255.7亿元" in page.inner_text("main")
    assert page.locator("tr.pj-disagree").count() == 1
    screenshot(page, "projects-dashboard-desktop")
    assert_no_js_errors(page)


def test_clerk_records_investment_and_list_fits_a_phone(phone_page: Any, live_server: Any, projects: Any) -> None:
    make_user("tongji", "录入员", first_name="统计局录入员")
    page = phone_page
    login(page, live_server, "tongji")
    page.goto(f"{live_server.url}/projects/{projects.pk}/")
    page.click("text=录入年度投资")
    page.fill("#id_year", "2024")
    page.fill("#id_planned", "6")
    page.fill("#id_completed", "5")
    page.click("button:has-text('保存')")
    assert "修改已保存的投资数额时，必须填写修改原因。" in page.inner_text("main")
    page.fill("#id_reason", "区统计局核实")
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    page.wait_for_selector("#investment-chart svg.main-svg")
    assert "区统计局核实" in page.inner_text("table.pj-history")
    screenshot(page, "projects-detail-phone")

    page.goto(f"{live_server.url}/projects/?year=2024")
    # The page itself does not scroll sideways; the wide table scrolls inside its wrapper.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    screenshot(page, "projects-list-phone", full_page=False)
    assert_no_js_errors(page)
