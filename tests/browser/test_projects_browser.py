"""End to end in headless Chromium: the project list, a project page with its plotly chart, the dashboard."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

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
    page.click("button:has-text('保存草稿')")
    assert "修改已审核通过的投资数额时，必须填写修改原因。" in page.inner_text("main")
    page.fill("#id_reason", "区统计局核实")
    with page.expect_navigation():
        page.click("button:has-text('保存草稿')")
    page.wait_for_selector("#investment-chart svg.main-svg")
    assert "区统计局核实" in page.inner_text("table.pj-history")
    # The draft waits beside the approved figure, which still counts.
    row_2024 = page.locator("#year-2024").inner_text()
    assert "4.1" in row_2024 and "草稿" in row_2024 and "新填报" in row_2024
    screenshot(page, "projects-detail-phone")

    # The clerk's own draft waits on 项目审核 with a 提交审核 button; the page fits the phone.
    page.goto(f"{live_server.url}/projects/review/")
    assert "区统计局核实" not in page.inner_text("main")  # history is folded away
    draft = page.locator("tr", has_text="卧龙艾草产业园").first
    assert "4.1 → 5" in draft.inner_text()
    assert draft.locator("button:has-text('提交审核')").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    screenshot(page, "projects-review-phone")

    page.goto(f"{live_server.url}/projects/?year=2024")
    # The page itself does not scroll sideways; the wide table scrolls inside its wrapper.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    screenshot(page, "projects-list-phone", full_page=False)
    assert_no_js_errors(page)


def test_clerk_submits_reviewer_approves_project_page_shows_it(
    browser_page: Any, live_server: Any, projects: Any
) -> None:
    """tongji enters 2024 completed investment and submits it; shenhe approves it on 项目审核; it counts."""
    project = make_project(
        projects.region,
        "众德年产350万套高端汽车零部件项目",
        domain=Domain.MANUFACTURING,
        stage=Stage.UNDER_CONSTRUCTION,
        total_investment=D("12.5"),
    )
    ProjectInvestment.objects.create(project=project, year=2024, planned=D("3"))
    make_user("tongji", "录入员", first_name="统计局录入员")
    make_user("shenhe", "审核员", first_name="发改委审核员")
    page = browser_page

    login(page, live_server, "tongji")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.click("#year-2024 a:has-text('修改')")
    assert page.input_value("#id_planned") == "3.0000" and page.input_value("#id_completed") == ""
    page.fill("#id_completed", "2.4")
    page.fill("#id_source", "区统计局2024年12月重点项目月报")
    screenshot(page, "projects-review-1-clerk-enters")
    with page.expect_navigation():
        page.click("button:has-text('保存并提交审核')")
    assert "2024年投资已保存并提交审核，审核通过后计入统计。" in page.inner_text(".messages")
    row = page.locator("#year-2024").inner_text()
    assert "待审核" in row and "2.4" in row
    assert page.locator("#investment-chart g.trace.bars").count() == 2
    screenshot(page, "projects-review-2-clerk-submitted")
    with page.expect_navigation():
        page.click("form.logout button")

    login(page, live_server, "shenhe")
    page.click("nav.mainnav a:has-text('项目审核')")
    page.wait_for_url("**/projects/review/")
    figure = ProjectInvestment.objects.get(project=project, year=2024)
    review_row = page.locator(f"#investment-{figure.pk}")
    text = review_row.inner_text()
    assert "众德年产350万套高端汽车零部件项目" in text and "2024年投资" in text and "统计局录入员" in text
    assert "— → 2.4" in text
    screenshot(page, "projects-review-3-reviewer-queue")

    # Before approving, the reviewer may preview the list with the pending figure, clearly marked.
    page.goto(f"{live_server.url}/projects/?year=2024&domain=manufacturing&preview=1")
    assert "含待审核数据" in page.inner_text("main")
    assert "2.4" in page.locator("tr", has_text="众德年产350万套").inner_text()
    screenshot(page, "projects-review-3b-list-preview")
    page.click("text=只看已审核数据")
    assert "2.4" not in page.locator("tr", has_text="众德年产350万套").inner_text()
    page.goto(f"{live_server.url}/projects/review/")
    with page.expect_navigation():
        review_row.locator("button", has_text="通过").click()
    assert "已审核通过：众德年产350万套高端汽车零部件项目 2024年投资。" in page.inner_text(".messages")
    assert "没有待审核的投资数额。" in page.inner_text("main")

    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.wait_for_selector("#investment-chart svg.main-svg")
    row = page.locator("#year-2024").inner_text()
    assert "2.4" in row and "80.0%" in row and "已审核" in row
    history = page.inner_text("table.pj-history")
    assert "修改并提交审核" in history and "审核通过" in history and "发改委审核员" in history
    screenshot(page, "projects-review-4-project-page-after-approval")
    assert_no_js_errors(page)


def test_clerk_adds_a_progress_note_keeping_todays_date(browser_page: Any, live_server: Any, projects: Any) -> None:
    """The date field opens on today (an ISO value <input type=date> can show), so saving needs no date typed."""
    make_user("tongji", "录入员", first_name="统计局录入员")
    page = browser_page
    login(page, live_server, "tongji")
    page.goto(f"{live_server.url}/projects/{projects.pk}/")
    page.click("summary:has-text('添加进展')")
    form = page.locator("details.pj-inline-form form")
    assert form.locator("input[name=date]").input_value() == timezone.localdate().isoformat()
    form.locator("textarea[name=text]").fill("二期主体完工")
    with page.expect_navigation():
        form.locator("button:has-text('保存进展')").click()
    note = ProgressNote.objects.get(project=projects, text="二期主体完工")
    assert note.date == timezone.localdate()
    assert "二期主体完工" in page.inner_text("main")
    assert_no_js_errors(page)
