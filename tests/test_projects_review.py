"""Review workflow of project investment figures: transitions, reasons and audit, what counts, pages,
permissions and query counts. Personas come from tests/conftest.py (clerk, other_clerk, reviewer, …)."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.models import Region
from projects import services
from projects.exports import export_rows
from projects.figures import Figure
from projects.models import Domain, Level, Project, ProjectInvestment
from projects.summary import dashboard_summary, projects_dashboard
from tests.html_text import text, texts
from tests.projects_factories import build_projects, make_project

D = Decimal


@pytest.fixture
def project(region: Region) -> Project:
    """An approved project: total 30, 2023 planned 10 / completed 11.2 (written directly, so approved)."""
    p = make_project(region, "卧龙艾草产业园", domain=Domain.RURAL, level=Level.CITY, total_investment=D("30"))
    ProjectInvestment.objects.create(project=p, year=2023, planned=D("10"), completed=D("11.2"))
    return p


def enter(
    project: Project, user: User, year: int = 2024, planned: str | None = "6", completed: str | None = "4.1", **kw: Any
) -> ProjectInvestment:
    return services.investment_record(
        project=project,
        year=year,
        planned=D(planned) if planned is not None else None,
        completed=D(completed) if completed is not None else None,
        user=user,
        **kw,
    )


def fig(obj: Project | ProjectInvestment) -> Figure:
    obj.refresh_from_db()
    return Figure.of(obj)


def reasons(obj: Project | ProjectInvestment) -> list[tuple[str | None, str | None]]:
    """(reason, username) of every history record, oldest first."""
    return [
        (r.history_change_reason, r.history_user.username if r.history_user else None)
        for r in obj.history.order_by("history_date", "history_id")
    ]


# --- transitions ------------------------------------------------------------------------------------


def test_enter_submit_approve(project: Project, clerk: User, reviewer: User) -> None:
    row = enter(project, clerk)
    assert (row.status, row.planned, row.pending_planned, row.pending_completed) == ("draft", None, D("6"), D("4.1"))
    assert not ProjectInvestment.objects.approved().filter(year=2024).exists()

    services.figure_submit(figure=fig(row), user=clerk)
    assert fig(row).status == "submitted"

    services.figure_approve(figure=fig(row), user=reviewer, seen="6|4.1")
    row.refresh_from_db()
    assert (row.status, row.planned, row.completed) == ("approved", D("6"), D("4.1"))
    assert (row.pending_planned, row.pending_completed, row.entered_by) == (None, None, clerk)
    assert reasons(row) == [("录入", "clerk"), ("提交审核", "clerk"), ("审核通过", "reviewer")]


def test_return_with_note_then_resubmit(project: Project, clerk: User, reviewer: User) -> None:
    row = enter(project, clerk, submit=True)
    assert row.status == "submitted"
    services.figure_return(figure=fig(row), user=reviewer, note="  完成投资与统计局月报不一致  ")
    row.refresh_from_db()
    assert (row.status, row.review_note) == ("returned", "完成投资与统计局月报不一致")

    # The clerk corrects it (a draft again, the note kept for them) and resubmits.
    row = enter(project, clerk, completed="4.3")
    assert (row.status, row.review_note, row.pending_completed) == ("draft", "完成投资与统计局月报不一致", D("4.3"))
    services.figure_submit(figure=fig(row), user=clerk)
    services.figure_approve(figure=fig(row), user=reviewer)
    row.refresh_from_db()
    assert (row.status, row.completed, row.review_note) == ("approved", D("4.3"), "")
    assert [r for r, _ in reasons(row)] == [
        "录入并提交审核",  # saved and submitted at once: one write
        "退回修改：完成投资与统计局月报不一致",
        "修改",
        "提交审核",
        "审核通过",
    ]


def test_returned_figure_can_be_resubmitted_unchanged(project: Project, clerk: User, reviewer: User) -> None:
    row = enter(project, clerk, submit=True)
    services.figure_return(figure=fig(row), user=reviewer, note="请附来源")
    services.figure_submit(figure=fig(row), user=clerk)
    assert fig(row).status == "submitted"


@pytest.mark.parametrize(
    ("start", "action", "message"),
    [
        ("draft", "approve", services.APPROVE_WRONG_STATUS),
        ("draft", "return", services.RETURN_WRONG_STATUS),
        ("submitted", "submit", services.SUBMIT_WRONG_STATUS),
        ("returned", "approve", services.APPROVE_WRONG_STATUS),
        ("returned", "return", services.RETURN_WRONG_STATUS),
        ("approved", "submit", services.SUBMIT_WRONG_STATUS),
        ("approved", "approve", services.APPROVE_WRONG_STATUS),
        ("approved", "return", services.RETURN_WRONG_STATUS),
    ],
)
def test_transitions_only_from_their_states(
    project: Project, clerk: User, reviewer: User, start: str, action: str, message: str
) -> None:
    row = enter(project, clerk, submit=start != "draft")
    if start == "returned":
        services.figure_return(figure=fig(row), user=reviewer, note="退回")
    if start == "approved":
        services.figure_approve(figure=fig(row), user=reviewer)
    before = reasons(row)
    with pytest.raises(ValidationError) as caught:
        if action == "submit":
            services.figure_submit(figure=fig(row), user=clerk)
        elif action == "approve":
            services.figure_approve(figure=fig(row), user=reviewer)
        else:
            services.figure_return(figure=fig(row), user=reviewer, note="x")
    assert caught.value.messages == [message]
    assert fig(row).status == start and reasons(row) == before


def test_changing_an_approved_figure_needs_a_reason(project: Project, clerk: User) -> None:
    with pytest.raises(ValidationError) as caught:
        enter(project, clerk, year=2023, planned="10", completed="12")
    assert caught.value.message_dict == {"reason": [services.REASON_REQUIRED]}
    row = ProjectInvestment.objects.get(year=2023)
    assert (row.status, row.pending_completed) == ("approved", None)

    row = enter(project, clerk, year=2023, planned="10", completed="12", reason="统计局年报核实")
    assert (row.completed, row.pending_completed, row.status) == (D("11.2"), D("12"), "draft")
    assert reasons(row)[-1] == ("统计局年报核实", "clerk")
    # Further edits of the draft need no new reason; entering the approved figures again withdraws it.
    enter(project, clerk, year=2023, planned="10", completed="12.5")
    row = enter(project, clerk, year=2023, planned="10", completed="11.2")
    assert (row.status, row.pending_planned, row.pending_completed) == ("approved", None, None)
    assert reasons(row)[-1] == ("恢复为已审核数值", "clerk")


def test_filling_in_an_empty_approved_amount_needs_no_reason(project: Project, clerk: User) -> None:
    ProjectInvestment.objects.create(project=project, year=2022, planned=D("8"))
    row = enter(project, clerk, year=2022, planned="8", completed="6.5")
    assert (row.status, row.pending_completed, row.completed) == ("draft", D("6.5"), None)


def test_unchanged_entry_writes_nothing(project: Project, clerk: User) -> None:
    row = enter(project, clerk)
    enter(project, clerk)
    assert len(reasons(row)) == 1


def test_reason_is_capped_for_the_audit_column(project: Project, clerk: User) -> None:
    with pytest.raises(ValidationError):
        enter(project, clerk, year=2023, completed="12", reason="很" * 101)


def test_return_needs_a_note(project: Project, clerk: User, reviewer: User) -> None:
    row = enter(project, clerk, submit=True)
    with pytest.raises(ValidationError) as caught:
        services.figure_return(figure=fig(row), user=reviewer, note="   ")
    assert caught.value.messages == [services.RETURN_NOTE_REQUIRED]
    assert fig(row).status == "submitted"


def test_approval_applies_only_to_the_values_seen(project: Project, clerk: User, reviewer: User) -> None:
    row = enter(project, clerk, submit=True)
    seen = fig(row).token
    enter(project, clerk, completed="9", submit=True)  # changed after the reviewer opened the page
    with pytest.raises(ValidationError) as caught:
        services.figure_approve(figure=fig(row), user=reviewer, seen=seen)
    assert caught.value.messages == [services.CHANGED_SINCE_SEEN]
    assert fig(row).approved_values == (None, None)


def test_roles_in_the_services(project: Project, clerk: User, other_clerk: User, reviewer: User, leader: User) -> None:
    with pytest.raises(PermissionDenied):
        enter(project, leader)
    with pytest.raises(PermissionDenied):
        enter(project, reviewer)
    row = enter(project, clerk)
    with pytest.raises(PermissionDenied):
        services.figure_submit(figure=fig(row), user=other_clerk)  # only the clerk who entered it
    services.figure_submit(figure=fig(row), user=clerk)
    for user in (clerk, leader):
        with pytest.raises(PermissionDenied):
            services.figure_approve(figure=fig(row), user=user)
    assert fig(row).status == "submitted"


def test_admin_may_do_everything(project: Project, clerk: User, admin: User) -> None:
    row = enter(project, clerk)
    services.figure_submit(figure=fig(row), user=admin)  # someone else's draft
    services.figure_approve(figure=fig(row), user=admin)
    assert fig(row).approved_values == (D("6"), D("4.1"))


def test_total_investment_is_reviewed_too(project: Project, clerk: User, reviewer: User) -> None:
    project.total_investment = D("31")
    with pytest.raises(ValidationError) as caught:
        services.project_save(project=project, user=clerk)
    assert caught.value.message_dict == {"reason": [services.REASON_REQUIRED]}

    project = Project.objects.get(pk=project.pk)
    project.total_investment = D("31")
    project.stage = "in_production"  # other fields take effect at once
    services.project_save(project=project, user=clerk, reason="二期追加投资", submit=True)
    project.refresh_from_db()
    assert (project.total_investment, project.total_pending, project.total_status) == (D("30"), D("31"), "submitted")
    assert project.stage == "in_production"
    assert dashboard_summary(project.region, 2023).total_investment == D("30")

    services.figure_approve(figure=fig(project), user=reviewer, seen="31")
    project.refresh_from_db()
    assert (project.total_investment, project.total_pending, project.total_status) == (D("31"), None, "approved")
    assert dashboard_summary(project.region, 2023).total_investment == D("31")
    assert reasons(project)[-2:] == [("二期追加投资", "clerk"), ("审核通过", "reviewer")]


# --- only approved figures count ----------------------------------------------------------------------


def _observed(client: Client, region: Region) -> tuple[Any, ...]:
    """Everything that shows 2024 figures: leader summary, projects dashboard, 附件3 rows, list footer."""
    summary = dashboard_summary(region, 2024)
    board = projects_dashboard(region, 2024)
    rows = export_rows(Project.objects.of_region(region), 2024)
    body = client.get("/projects/", {"year": "2024"}).content.decode()
    footer = body[body.index("<tfoot") : body.index("</tfoot>")]
    return (
        (summary.year_project_count, summary.planned, summary.completed, summary.total_investment),
        tuple((d.domain, d.planned, d.completed, d.total_investment) for d in board.domains),
        board.years,
        tuple((r.name, r.total, r.planned, r.completed) for r in rows),
        footer,
    )


def test_a_pending_figure_changes_nothing_until_approved(
    client: Client, project: Project, clerk: User, reviewer: User, leader: User
) -> None:
    other = make_project(project.region, "王村污水处理厂尾水湿地", domain=Domain.ECOLOGY, total_investment=D("0.7936"))
    ProjectInvestment.objects.create(project=other, year=2024, planned=D("0.5"), completed=D("0.25"))
    client.force_login(leader)
    before = _observed(client, project.region)
    assert before[0] == (1, D("0.5"), D("0.25"), D("30.7936"))

    row = enter(project, clerk, planned="6", completed="4.1", submit=True)
    project.total_investment = D("35")
    services.project_save(project=project, user=clerk, reason="追加投资", submit=True)
    assert _observed(client, project.region) == before
    services.figure_return(figure=fig(row), user=reviewer, note="请核实")
    assert _observed(client, project.region) == before
    services.figure_submit(figure=fig(row), user=clerk)
    assert _observed(client, project.region) == before

    services.figure_approve(figure=fig(row), user=reviewer)
    services.figure_approve(figure=fig(project), user=reviewer)
    after = _observed(client, project.region)
    assert after[0] == (2, D("6.5"), D("4.35"), D("35.7936"))
    assert ("rural", D("6"), D("4.1"), D("35")) in after[1]
    assert ("卧龙艾草产业园", D("35"), D("6"), D("4.1")) in after[3]
    assert "合计（2个项目）" in after[4] and "6.5" in after[4] and "4.35" in after[4]


def test_changing_an_approved_figure_keeps_the_approved_one_counted(
    project: Project, clerk: User, reviewer: User
) -> None:
    enter(project, clerk, year=2023, planned="10", completed="99", reason="笔误", submit=True)
    assert dashboard_summary(project.region, 2023).completed == D("11.2")
    services.figure_approve(figure=fig(ProjectInvestment.objects.get(year=2023)), user=reviewer)
    assert dashboard_summary(project.region, 2023).completed == D("99")


def test_preview_for_reviewers_only(
    client: Client, project: Project, clerk: User, reviewer: User, leader: User, admin: User
) -> None:
    enter(project, clerk, planned="6", completed="4.1", submit=True)
    enter(project, clerk, year=2025, planned="3", completed=None)  # a draft: never counted, not even in preview
    project.total_investment = D("35")
    services.project_save(project=project, user=clerk, reason="追加投资", submit=True)
    for user, shown in [(reviewer, True), (admin, True), (leader, False), (clerk, False)]:
        client.force_login(user)
        for url in ("/projects/", "/projects/dashboard/"):
            # What the reader sees, cell by cell: not a "35" inside a CSRF token, an id or a URL.
            shown_texts = texts(client.get(url, {"year": "2024", "preview": "1"}).content)
            assert any("含待审核数据" in t for t in shown_texts) is shown, (user, url)
            assert ("4.1" in shown_texts) is shown, (user, url)
            assert ("35" in shown_texts) is shown, (user, url)
        assert "3" not in texts(client.get("/projects/", {"year": "2025", "preview": "1"}).content)
    client.force_login(reviewer)
    body = client.get("/projects/", {"year": "2024", "preview": "1"}).content.decode()
    assert body.count("待审</sup>") == 3  # the pending total, planned and completed figures are marked
    shown_texts = texts(client.get("/projects/", {"year": "2024"}).content)
    assert "预览含待审核数据" in shown_texts and "4.1" not in shown_texts  # off unless asked for
    body = client.get(f"/projects/{project.pk}/", {"preview": "1"}).content.decode()
    assert "含待审核数据" in body and "待审</sup>" in body
    # The export never carries pending figures, preview or not.
    ws_rows = export_rows(Project.objects.of_region(project.region), 2024)
    assert [(r.planned, r.completed) for r in ws_rows] == [(None, None)]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["enter", "enter_submit", "submit", "approve", "return"]),
            st.integers(min_value=0, max_value=3),
            st.integers(min_value=0, max_value=3),
        ),
        max_size=12,
    )
)
def test_counted_figures_are_always_the_last_approved(
    region: Region, clerk: User, reviewer: User, actions: list[tuple[str, int, int]]
) -> None:
    """Whatever the clerk and the reviewer do, pages count exactly the values of the last approval."""
    p = make_project(region, f"性质测试{next(_names)}")
    approved: tuple[Decimal | None, Decimal | None] = (None, None)
    row: ProjectInvestment | None = None
    for action, planned, completed in actions:
        try:
            if action.startswith("enter"):
                row = enter(p, clerk, 2030, str(planned), str(completed), reason="核实", submit=action != "enter")
            elif row is not None and action == "submit":
                services.figure_submit(figure=fig(row), user=clerk)
            elif row is not None and action == "approve":
                pending = fig(row).pending_values
                services.figure_approve(figure=fig(row), user=reviewer)
                approved = (pending[0], pending[1])
            elif row is not None:
                services.figure_return(figure=fig(row), user=reviewer, note="退回")
        except ValidationError:
            pass  # a transition from the wrong state changes nothing
        counted = ProjectInvestment.objects.figures().filter(project=p).values_list("planned", "completed")
        assert list(counted) == ([] if approved == (None, None) else [approved])


_names = itertools.count()


# --- pages --------------------------------------------------------------------------------------------


@pytest.fixture
def pending(project: Project, clerk: User) -> dict[str, Any]:
    """A submitted 2024 figure and a draft total, both entered by ``clerk``."""
    submitted = enter(project, clerk, submit=True)
    project.total_investment = D("32")
    services.project_save(project=project, user=clerk, reason="调整")
    return {"submitted": submitted, "draft_total": Project.objects.get(pk=project.pk)}


def _url(action: str, obj: Project | ProjectInvestment) -> str:
    kind = "total" if isinstance(obj, Project) else "investment"
    return f"/projects/review/{kind}/{obj.pk}/{action}/"


@pytest.mark.parametrize(
    ("persona", "page", "approve", "return_", "submit"),
    [
        ("anonymous", 302, 302, 302, 302),
        ("clerk", 200, 403, 403, 302),
        ("other_clerk", 200, 403, 403, 403),
        ("reviewer", 200, 302, 302, 403),
        ("leader", 200, 403, 403, 403),
        ("admin", 200, 302, 302, 302),
        ("county2_reviewer", 200, 404, 404, 404),  # another county's figures do not exist for them (issue 12)
        ("city_leader", 200, 403, 403, 403),  # reads the city's counties, writes nothing
    ],
)
@pytest.mark.parametrize("action", ["page", "approve", "return", "submit"])
def test_permission_matrix(
    client: Client,
    pending: dict[str, Any],
    request: pytest.FixtureRequest,
    persona: str,
    page: int,
    approve: int,
    return_: int,
    submit: int,
    action: str,
) -> None:
    user = request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    submitted, draft_total = pending["submitted"], pending["draft_total"]
    if action == "page":
        response = client.get("/projects/review/")
        expected = page
    elif action == "submit":
        response = client.post(_url("submit", draft_total))
        expected = submit
    else:
        response = client.post(_url(action, submitted), {"note": "请核实"})
        expected = approve if action == "approve" else return_
    assert response.status_code == expected
    if expected == 302 and user is None:
        assert "/login/" in response["Location"]
    if expected in (403, 404):  # nothing changed
        assert fig(submitted).status == "submitted" and fig(draft_total).status == "draft"


@pytest.mark.parametrize("action", ["submit", "approve", "return"])
def test_review_actions_are_post_only_and_404_when_missing(
    client: Client, pending: dict[str, Any], admin: User, action: str
) -> None:
    client.force_login(admin)
    assert client.get(_url(action, pending["submitted"])).status_code == 405
    assert client.post(f"/projects/review/investment/99999/{action}/").status_code == 404
    assert client.post(f"/projects/review/budget/{pending['submitted'].pk}/{action}/").status_code == 404


def test_review_page_shows_old_and_new_values_and_history(
    client: Client, project: Project, clerk: User, reviewer: User, leader: User
) -> None:
    row = enter(project, clerk, year=2023, planned="10", completed="12", reason="统计局年报核实", submit=True)
    client.force_login(reviewer)
    body = client.get("/projects/review/").content.decode()
    section = body[body.index(f'id="investment-{row.pk}"') :]
    section = section[: section.index("</tr>")]
    assert "卧龙艾草产业园" in section and "2023年投资" in section
    assert '<span class="pj-old">11.2</span> → <b class="pj-new">12</b>' in section
    assert "统计局录入员" in section and "统计局年报核实" in section
    assert "通过" in section and "退回原因（必填）" in section and 'name="seen" value="10|12"' in section

    client.force_login(leader)
    body = client.get("/projects/review/").content.decode()
    assert "11.2" in body and "退回原因（必填）" not in body and "您可以查看，但不能审核。" in body


def test_clerk_sees_the_return_note(client: Client, project: Project, clerk: User, reviewer: User) -> None:
    row = enter(project, clerk, submit=True)
    client.force_login(reviewer)
    response = client.post(_url("return", row), {"note": "", "seen": "6|4.1"})
    assert response.status_code == 302
    assert fig(row).status == "submitted"  # the note is required
    assert services.RETURN_NOTE_REQUIRED in client.get("/projects/review/").content.decode()
    client.post(_url("return", row), {"note": "完成投资请附月报", "seen": "6|4.1"})
    assert fig(row).status == "returned"

    client.force_login(clerk)
    body = client.get(f"/projects/{project.pk}/").content.decode()
    assert "退回意见：完成投资请附月报" in body and "提交审核</button>" in body
    body = client.get("/projects/review/").content.decode()
    assert "完成投资请附月报" in body and f"/projects/review/investment/{row.pk}/submit/" in body
    response = client.post(_url("submit", row), {"next": "project"})
    assert response["Location"] == f"/projects/{project.pk}/#investments"
    assert fig(row).status == "submitted"


def test_leader_sees_approved_figures_only_on_the_project_page(
    client: Client, project: Project, clerk: User, leader: User
) -> None:
    enter(project, clerk, year=2023, planned="10", completed="77", reason="核实", submit=True)
    client.force_login(leader)
    table = _investment_table(client.get(f"/projects/{project.pk}/").content.decode())
    assert "11.2" in table and "新填报：" not in table and "77" not in text(table) and "审核</th>" not in table
    client.force_login(clerk)
    table = _investment_table(client.get(f"/projects/{project.pk}/").content.decode())
    assert "新填报：" in table and "<b>77</b>" in table and "待审核" in table


def _investment_table(body: str) -> str:
    start = body.index('<table class="grid pj-invest">')
    return body[start : body.index("</table>", start)]


def test_clerk_enters_and_submits_reviewer_approves_over_http(
    client: Client, project: Project, clerk: User, reviewer: User
) -> None:
    client.force_login(clerk)
    response = client.post(
        f"/projects/{project.pk}/investment/", {"year": "2024", "completed": "4.1", "submit": "1"}, follow=True
    )
    assert "2024年投资已保存并提交审核，审核通过后计入统计。" in response.content.decode()
    row = ProjectInvestment.objects.get(year=2024)
    assert row.status == "submitted"

    client.force_login(reviewer)
    response = client.post(_url("approve", row), {"seen": "|4.1"}, follow=True)
    assert "已审核通过：卧龙艾草产业园 2024年投资。" in response.content.decode()
    body = client.get(f"/projects/{project.pk}/").content.decode()
    year_row = body[body.index('id="year-2024"') :]
    assert "4.1" in year_row[: year_row.index("</tr>")]


@pytest.mark.parametrize("count", [10, 1000])
def test_review_page_query_count(
    client: Client, region: Region, clerk: User, reviewer: User, django_assert_num_queries: Any, count: int
) -> None:
    projects = build_projects(region, count, years=(2023, 2024), notes_per_project=0)
    # Every project's 2024 figure waits for review (bulk: no history, no clerk), a few go through the services.
    ProjectInvestment.objects.filter(year=2024).update(
        status="submitted", pending_planned=D("3"), pending_completed=D("2")
    )
    enter(projects[0], clerk, year=2023, planned="1", completed="1", reason="核实", submit=True)
    enter(projects[1], clerk, year=2023, planned="2", completed="2", reason="核实")
    projects[2].total_investment = D("99")
    services.project_save(project=projects[2], user=clerk, reason="核实", submit=True)
    client.force_login(reviewer)
    # session, user, user's groups, pending investments (+project, clerk), pending totals (+clerk),
    # history of those investments (+user), history of those projects (+user), the to-do counts of the
    # navigation (issue 14), the reviewer's home region and its subtree (scope, issue 12)
    with django_assert_num_queries(10):
        response = client.get("/projects/review/")
    assert response.status_code == 200
    assert response.content.decode().count("退回原因（必填）") == count + 2
