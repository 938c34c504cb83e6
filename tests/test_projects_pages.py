"""HTTP-level tests of the project pages: permissions, entry forms, filters, totals, query counts."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from indicators.models import Region
from projects.access import READ_ONLY_MESSAGE
from projects.models import Batch, Domain, Level, ProgressNote, Project, ProjectInvestment, Stage
from projects.services import REASON_REQUIRED
from tests.conftest import make_user
from tests.projects_factories import build_projects, make_project

D = Decimal


@pytest.fixture
def clerk(db: None) -> User:
    return make_user("clerk", "录入员", first_name="录入员甲")


@pytest.fixture
def admin_user(db: None) -> User:
    return make_user("manager", "管理员")


@pytest.fixture
def leader(db: None) -> User:
    return make_user("leader", "领导")


@pytest.fixture
def reviewer(db: None) -> User:
    return make_user("reviewer", "审核员")


@pytest.fixture
def project(region: Region) -> Project:
    p = make_project(region, "卧龙艾草产业园", domain=Domain.RURAL, total_investment=D("30"))
    ProjectInvestment.objects.create(project=p, year=2024, planned=D("10"), completed=D("6.5"))
    ProgressNote.objects.create(project=p, date="2024-06-30", text="一期建成开园")
    return p


def login(client: Client, user: User | None) -> Client:
    if user is not None:
        client.force_login(user)
    return client


READ_URLS = ["/projects/", "/projects/dashboard/", "/projects/{pk}/", "/projects/export.xlsx"]
WRITE_URLS = ["/projects/new/", "/projects/{pk}/edit/", "/projects/{pk}/investment/", "/projects/{pk}/notes/new/"]


@pytest.mark.parametrize("url", READ_URLS + WRITE_URLS)
# county2_reviewer (宛城区) and city_leader (南阳市) place the scope (issue 12): the project lies in 卧龙区, so it does
# not exist for the other county (404 on its pages, before any role check), while the city leader reads it.
@pytest.mark.parametrize(
    ("persona", "read_status", "write_status", "outside"),
    [
        ("anonymous", 302, 302, False),
        ("leader", 200, 403, False),
        ("reviewer", 200, 403, False),
        ("clerk", 200, 200, False),
        ("admin_user", 200, 200, False),
        ("county2_reviewer", 200, 403, True),
        ("city_leader", 200, 403, False),
    ],
)
def test_permission_matrix(
    client: Client,
    project: Project,
    request: pytest.FixtureRequest,
    url: str,
    persona: str,
    read_status: int,
    write_status: int,
    outside: bool,
) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = login(client, user).get(url.format(pk=project.pk))
    expected = write_status if url in WRITE_URLS else read_status
    assert response.status_code == (404 if outside and "{pk}" in url else expected)
    if response.status_code == 302:
        assert "/login/" in response["Location"]


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/projects/new/", {"name": "新项目", "domain": "rural"}),
        ("/projects/{pk}/edit/", {"name": "改名", "domain": "rural"}),
        ("/projects/{pk}/investment/", {"year": "2024", "planned": "1"}),
        ("/projects/{pk}/notes/new/", {"date": "2024-07-01", "text": "进展"}),
    ],
)
def test_leader_cannot_write_anything(client: Client, project: Project, leader: User, url: str, data: dict) -> None:
    response = login(client, leader).post(url.format(pk=project.pk), data)
    assert response.status_code == 403
    assert ProgressNote.objects.count() == 1
    assert Project.objects.get().name == "卧龙艾草产业园"
    assert ProjectInvestment.objects.get().planned == D("10")


def test_missing_project_is_404(client: Client, clerk: User, db: None) -> None:
    assert login(client, clerk).get("/projects/999/").status_code == 404
    assert client.get("/projects/999/edit/").status_code == 404


def test_read_only_message_is_chinese() -> None:
    assert "不能修改" in READ_ONLY_MESSAGE


def _project_post(region: Region, **extra: str) -> dict[str, str]:
    data = {
        "region": str(region.pk),
        "name": "众德年产350万套高端汽车零部件项目",
        "domain": Domain.MANUFACTURING,
        "level": Level.CITY,
        "stage": Stage.UNDER_CONSTRUCTION,
        "batch": Batch.STARTED,
        "batch_round": "第八期",
        "total_investment": "12.5",
    }
    data.update(extra)
    return data


def test_clerk_creates_a_project_with_history(client: Client, clerk: User, region: Region) -> None:
    response = login(client, clerk).post("/projects/new/", _project_post(region))
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert project.batch_label == "开工一批（第八期）"
    # The total is a figure: it waits as a draft until submitted and approved.
    assert project.total_investment is None
    assert (project.total_pending, project.total_status, project.total_entered_by) == (D("12.5"), "draft", clerk)
    record = project.history.get()
    assert record.history_user == clerk and record.history_type == "+" and record.history_change_reason == "录入"
    body = client.get(f"/projects/{project.pk}/").content.decode()
    assert "行政区划：卧龙区" in body and "新填报总投资（亿元）：12.5" in body and "录入员甲" in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("total_investment", "很多", "请输入以亿元为单位的数字"),
        ("total_investment", "-3", "投资额不能为负数。"),
        ("total_investment", "1.23456", "请输入以亿元为单位的数字"),
        ("start_year", "20", "年份应为"),
        ("end_year", "2020", "竣工年份不能早于开工年份。"),
        ("name", "", "这个字段是必填项。"),
        ("domain", "space", "选择一个有效的选项"),
        ("batch", "", "填写批次期数时必须同时选择"),
    ],
)
def test_bad_project_input_gives_a_chinese_message(
    client: Client, clerk: User, region: Region, field: str, value: str, message: str
) -> None:
    data = _project_post(region, **{"start_year": "2022", field: value})
    response = login(client, clerk).post("/projects/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Project.objects.exists()


def test_duplicate_name_in_region_is_refused(client: Client, clerk: User, project: Project) -> None:
    response = login(client, clerk).post("/projects/new/", _project_post(project.region, name=project.name))
    assert response.status_code == 200
    assert Project.objects.count() == 1


def test_changing_total_investment_requires_a_reason(client: Client, clerk: User, project: Project) -> None:
    login(client, clerk)
    data = _project_post(project.region, name=project.name, total_investment="31")
    response = client.post(f"/projects/{project.pk}/edit/", data)
    assert response.status_code == 200 and REASON_REQUIRED in response.content.decode()
    project.refresh_from_db()
    assert project.total_investment == D("30")

    response = client.post(f"/projects/{project.pk}/edit/", {**data, "reason": "按批复调整"})
    assert response.status_code == 302
    project.refresh_from_db()
    # The approved 30 still counts; 31 waits as the clerk's draft.
    assert (project.total_investment, project.total_pending, project.total_status) == (D("30"), D("31"), "draft")
    latest = project.history.first()
    assert latest.history_change_reason == "按批复调整" and latest.history_user == clerk

    # The edit form shows the figure last entered, and saving it unchanged needs no second reason.
    assert 'value="31.0000"' in client.get(f"/projects/{project.pk}/edit/").content.decode()
    assert client.post(f"/projects/{project.pk}/edit/", {**data, "submit": "1"}).status_code == 302
    project.refresh_from_db()
    assert project.total_status == "submitted" and project.history.first().history_change_reason == "提交审核"


def test_other_project_fields_change_without_a_reason(client: Client, clerk: User, project: Project) -> None:
    data = _project_post(project.region, name=project.name, total_investment="30", stage=Stage.IN_PRODUCTION)
    assert login(client, clerk).post(f"/projects/{project.pk}/edit/", data).status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.IN_PRODUCTION


def test_yearly_investment_entry_and_reasoned_change(client: Client, clerk: User, project: Project) -> None:
    login(client, clerk)
    url = f"/projects/{project.pk}/investment/"
    assert client.post(url, {"year": "2025", "planned": "8", "completed": ""}).status_code == 302
    new = ProjectInvestment.objects.get(year=2025)
    assert (new.planned, new.pending_planned, new.status) == (None, D("8"), "draft")

    # Changing an approved figure without a reason is refused, with the reason field flagged.
    response = client.post(url, {"year": "2024", "planned": "10", "completed": "7"})
    assert response.status_code == 200 and REASON_REQUIRED in response.content.decode()
    assert ProjectInvestment.objects.get(year=2024).pending_completed is None

    response = client.post(url, {"year": "2024", "planned": "10", "completed": "7", "reason": "统计局核实"})
    assert response.status_code == 302
    row = ProjectInvestment.objects.get(year=2024)
    assert (row.completed, row.pending_completed, row.status) == (D("6.5"), D("7"), "draft")
    assert row.history.first().history_change_reason == "统计局核实"

    # The project page shows the change, who made it and why.
    body = client.get(f"/projects/{project.pk}/").content.decode()
    assert "统计局核实" in body and "新填报完成投资（亿元）：— → 7" in body and "录入员甲" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": "2024"}, "请至少填写年度计划投资或完成投资中的一项。"),
        ({"year": "abcd", "planned": "1"}, "年份应为"),
        ({"year": "2024", "planned": "一亿"}, "请输入以亿元为单位的数字"),
        ({"year": "2024", "completed": "-1"}, "投资额不能为负数。"),
    ],
)
def test_bad_investment_input(client: Client, clerk: User, project: Project, data: dict, message: str) -> None:
    response = login(client, clerk).post(f"/projects/{project.pk}/investment/", data)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_progress_note_entry(client: Client, clerk: User, project: Project) -> None:
    login(client, clerk)
    response = client.post(f"/projects/{project.pk}/notes/new/", {"date": "2024-07-01", "text": "  二期开工  "})
    assert response.status_code == 302
    note = ProgressNote.objects.get(text="二期开工")
    assert note.author == clerk
    response = client.post(f"/projects/{project.pk}/notes/new/", {"date": "明天", "text": "x"})
    assert "日期格式应为" in response.content.decode()
    body = client.get(f"/projects/{project.pk}/").content.decode()
    assert body.index("二期开工") < body.index("一期建成开园")  # newest first


def test_progress_note_form_shows_today_as_an_iso_date(
    client: Client, clerk: User, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """<input type=date> reads only YYYY-MM-DD: the zh-hans "2026/11/29" would show blank and block saving."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2026, 11, 29))
    login(client, clerk)
    body = client.get(f"/projects/{project.pk}/notes/new/").content.decode()
    tag = re.search(r'<input[^>]*name="date"[^>]*>', body)
    assert tag is not None
    assert 'type="date"' in tag.group(0) and 'value="2026-11-29"' in tag.group(0), tag.group(0)


def test_list_filters_and_totals_row(client: Client, leader: User, region: Region) -> None:
    a = make_project(region, "甲", domain=Domain.RURAL, level=Level.PROVINCE, total_investment=D("10"))
    b = make_project(region, "乙", domain=Domain.RURAL, level=Level.CITY, total_investment=D("5.5"))
    make_project(region, "丙", domain=Domain.SOCIAL, total_investment=D("100"))
    ProjectInvestment.objects.create(project=a, year=2024, planned=D("4"), completed=D("3"))
    ProjectInvestment.objects.create(project=b, year=2024, planned=D("1"), completed=D("2"))
    ProjectInvestment.objects.create(project=b, year=2023, planned=D("9"), completed=D("9"))
    login(client, leader)

    body = client.get("/projects/", {"domain": "rural", "year": "2024"}).content.decode()
    assert "甲" in body and "乙" in body and "丙" not in body
    footer = body[body.index("<tfoot") : body.index("</tfoot>")]
    assert "合计（2个项目）" in footer and ">15.50<" in footer and ">5.00<" in footer and "100.0%" in footer

    body = client.get("/projects/", {"level": "none", "year": "2024"}).content.decode()
    assert "丙" in body and "甲" not in body

    body = client.get("/projects/", {"only_year": "on", "year": "2023"}).content.decode()
    assert "乙" in body and "甲" not in body and "合计（1个项目）" in body

    # Bad input never gives a 500: an invalid year falls back to the default with a message.
    response = client.get("/projects/", {"year": "二〇二四", "level": "nonsense"})
    assert response.status_code == 200 and "年份应为" in response.content.decode()


def test_list_totals_have_two_decimals_while_rows_keep_theirs(client: Client, leader: User, region: Region) -> None:
    """The rows print amounts as entered (up to 万元 precision); the totals row two decimals, as 附件3."""
    a = make_project(region, "甲", domain=Domain.RURAL, total_investment=D("155.0"))
    b = make_project(region, "乙", domain=Domain.RURAL, total_investment=D("0.6836"))
    ProjectInvestment.objects.create(project=a, year=2024, planned=D("1.2345"), completed=D("1"))
    ProjectInvestment.objects.create(project=b, year=2024, planned=D("2"), completed=D("0.0001"))
    login(client, leader)
    body = client.get("/projects/", {"year": "2024"}).content.decode()
    footer = body[body.index("<tfoot") : body.index("</tfoot>")]
    assert ">155.68<" in footer and "155.6836" not in footer
    assert ">3.23<" in footer and ">1.00<" in footer
    rows = body[body.index("<tbody") : body.index("</tbody>")]
    assert "0.6836" in rows and "1.2345" in rows


@pytest.mark.parametrize("query", ["", "sort=-total_investment", "sort=batch&page=2", "preview=1", "q=无此项目"])
def test_list_rows_are_those_of_django_tables2s_own_template(
    client: Client, reviewer: User, region: Region, query: str
) -> None:
    """The body rows rendered in one pass (``ProjectTable.body_html``) are exactly django-tables2's own."""
    projects = build_projects(region, 60)
    Project.objects.filter(pk=projects[0].pk).update(
        batch=Batch.SIGNED, batch_round="第六期", total_pending=D("7"), total_status="submitted"
    )
    Project.objects.filter(pk=projects[1].pk).update(level="", stage="", name="<b>甲&乙</b>")
    login(client, reviewer)
    response = client.get(f"/projects/?year=2024&{query}")
    table = response.context["table"]
    ours = table.as_html(response.wsgi_request)
    table.template_name = "django_tables2/table.html"
    stock = table.as_html(response.wsgi_request)

    def tbody(html: str) -> str:
        body = html[html.index("<tbody") : html.index("</tbody>")]
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", body)).strip()

    assert "<td" in tbody(ours)
    assert tbody(ours) == tbody(stock)


@pytest.mark.parametrize(
    "query",
    [
        "sort=year_planned",
        "sort=-total_investment",
        "sort=evil",
        "page=999",
        "page=abc",
        "region=999",
        "region=abc",
        "year=99999",
        "only_year=maybe",
        "stage=%00",
    ],
)
@pytest.mark.parametrize("path", ["/projects/", "/projects/dashboard/", "/projects/export.xlsx"])
def test_odd_query_strings_never_fail(client: Client, leader: User, project: Project, path: str, query: str) -> None:
    assert login(client, leader).get(f"{path}?{query}").status_code == 200


def test_dashboard_shows_recorded_beside_computed_with_difference(client: Client, leader: User, region: Region) -> None:
    from projects.models import InvestmentSummary, SummaryScope

    p = make_project(region, "省重点甲", level=Level.PROVINCE, total_investment=D("90"))
    ProjectInvestment.objects.create(project=p, year=2022, planned=D("80"), completed=D("70"))
    InvestmentSummary.objects.create(
        region=region,
        year=2022,
        scope=SummaryScope.PROVINCE,
        label="纳入省重点项目",
        project_count=10,
        total_investment=D("196.91"),
        planned=D("86.52"),
        source="002 一（三）",
    )
    body = login(client, leader).get("/projects/dashboard/", {"year": "2022"}).content.decode()
    assert "2022年，纳入省重点项目10个，总投资196.91亿元，年度计划投资86.52亿元。" in body
    assert 'class="pj-disagree"' in body
    assert "+106.91" in body and "+6.52" in body and "+9" in body
    assert "87.5%" in body  # 70 / 80 completion of the year


def test_summary_partial_renders_for_the_leader_dashboard(region: Region) -> None:
    from django.template.loader import render_to_string

    from projects.summary import dashboard_summary

    build_projects(region, 3, years=(2024,))
    html = render_to_string("projects/_dashboard_summary.html", {"project_summary": dashboard_summary(region, 2024)})
    assert "登记项目" in html and ">3<" in html and "7.5" in html  # planned 3 × 2.5


# --- Query counts: the same at 10 and at 1000 projects -------------------------------------------


@pytest.mark.parametrize("count", [10, 1000])
def test_list_query_count(
    client: Client, leader: User, region: Region, django_assert_num_queries: Any, count: int
) -> None:
    build_projects(region, count)
    login(client, leader)
    # session, user, the user's home region and scope (issue 12), the region tree, latest year, user's groups
    # (write buttons), paginator count, page rows, totals of projects, totals of the year's investment
    with django_assert_num_queries(11):
        response = client.get("/projects/", {"domain": "manufacturing"})
    assert response.status_code == 200


@pytest.mark.parametrize("count", [10, 1000])
def test_detail_query_count(
    client: Client, leader: User, region: Region, django_assert_num_queries: Any, count: int
) -> None:
    projects = build_projects(region, count, years=tuple(range(2021, 2021 + count // 100 + 2)), notes_per_project=3)
    target = projects[-1]
    login(client, leader)
    # session, user, project (+region, plan), investments, notes (+author), project history,
    # investment history, user's groups, the user's home region (scope, issue 12)
    with django_assert_num_queries(9):
        response = client.get(f"/projects/{target.pk}/")
    assert response.status_code == 200 and "main-svg" not in response.content.decode()  # drawn by plotly.js


@pytest.mark.parametrize("count", [10, 1000])
def test_dashboard_query_count(
    client: Client, leader: User, region: Region, django_assert_num_queries: Any, count: int
) -> None:
    build_projects(region, count)
    login(client, leader)
    # session, user, the user's home region and scope (issue 12), the region tree, latest year, user's groups
    # (preview switch), projects by stage, the year's
    # investment, projects by domain, investment by domain, summary records, investment by year/level/batch,
    # years, batches by round
    with django_assert_num_queries(15):
        response = client.get("/projects/dashboard/")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [10, 1000])
def test_export_query_count(
    client: Client, leader: User, region: Region, django_assert_num_queries: Any, count: int
) -> None:
    build_projects(region, count)
    login(client, leader)
    # session, user, the user's home region and scope (issue 12), the region tree, latest year, rows (with the
    # year's investment and latest note as subqueries)
    with django_assert_num_queries(7):
        response = client.get("/projects/export.xlsx", {"stage": "under_construction"})
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    assert ws is not None
    names = [ws.cell(row=r, column=2).value for r in range(3, ws.max_row + 1)]
    assert sum(1 for n in names if isinstance(n, str) and n.startswith("项目")) == len(
        [i for i in range(count) if i % len(Stage.values) == 1]
    )


def test_default_year_is_the_latest_with_data(client: Client, leader: User, region: Region) -> None:
    from projects.models import InvestmentSummary, SummaryScope

    make_project(region, "无投资记录的项目")
    InvestmentSummary.objects.create(
        region=region, year=2022, scope=SummaryScope.PROVINCE, label="纳入省重点项目", project_count=10, source="002"
    )
    login(client, leader)
    assert "2022年计划投资" in client.get("/projects/").content.decode()
    p = make_project(region, "有投资记录的项目")
    ProjectInvestment.objects.create(project=p, year=2024, planned=D("1"))
    assert "2024年计划投资" in client.get("/projects/").content.decode()
