"""Data collection as a department lives it (issue 14): whole-period entry, to-dos, bulk approval, the
collection board with deadlines — over HTTP, with their query counts."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from indicators import collection, services
from indicators.collection_views import BULK_APPROVED, PERIOD_NOT_SAVED, PERIOD_SAVED, PERIOD_SUBMITTED, DeadlineForm
from indicators.models import CollectionDeadline, Department, Indicator, Observation, Region, ReviewStatus, Series
from indicators.periods import Period
from indicators.values import outlier_warning
from tests.entry_support import SmallPlan, approved, build_small_plan


@pytest.fixture
def march_2026(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    """Pages read today's date: pin it to 2026-03-01 (2025 is over and due, 2026年上半年 not yet)."""
    today = datetime.date(2026, 3, 1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: today)
    return today


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def row_data(series_id: int, *, value: str = "", no_data: bool = False, version: int = 0, **extra: str) -> dict:
    """The posted fields of one row, as the page shows them (empty) and as the clerk changed them."""
    prefix = f"s{series_id}"
    data = {
        f"{prefix}-value": value,
        f"{prefix}-note": extra.get("note", ""),
        f"{prefix}-source": extra.get("source", ""),
        f"{prefix}-reason": extra.get("reason", ""),
        f"{prefix}-version": str(version),
        f"initial-{prefix}-value": extra.get("shown_value", ""),
        f"initial-{prefix}-note": "",
        f"initial-{prefix}-source": "",
    }
    if no_data:
        data[f"{prefix}-no_data"] = "on"
    return data


# --- whole-period entry ---------------------------------------------------------------------------


def test_period_page_lists_the_departments_series_only(client: Client, small: SmallPlan, clerk: User) -> None:
    client.force_login(clerk)
    response = client.get("/indicators/entry/period/2024/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "整期填报 · 2024年" in body
    assert "地区生产总值增长" in body and "常住人口城镇化率" in body
    assert "城镇新增就业人数" not in body  # 区人社局's series
    assert "上期 2022年：4.0" in body  # the last figure of the same kind, for reference


def test_save_all_writes_changed_rows_as_drafts_and_leaves_untouched_rows(
    client: Client, small: SmallPlan, clerk: User
) -> None:
    client.force_login(clerk)
    data = {
        **row_data(small.gdp.series_id, value="５．２", source="2024年统计公报"),  # type: ignore[arg-type]
        **row_data(small.urban.series_id),  # type: ignore[arg-type]
        "save": "",
    }
    response = client.post("/indicators/entry/period/2024/", data, follow=True)
    assert PERIOD_SAVED.format(count=1, period="2024年") in messages_of(response)
    gdp = Observation.objects.get(series=small.gdp.series, year=2024, part="")
    assert (gdp.value, gdp.status, gdp.source) == (Decimal("5.2"), ReviewStatus.DRAFT, "2024年统计公报")
    assert not Observation.objects.filter(series=small.urban.series, year=2024).exists()
    assert gdp.history.first().history_user == clerk  # audited through the service


def test_submit_all_submits_new_figures_and_earlier_drafts(client: Client, small: SmallPlan, clerk: User) -> None:
    draft = services.observation_record(
        indicator=small.urban, period=Period(2024), value=Decimal("65.1"), user=clerk
    ).observation
    client.force_login(clerk)
    data = {
        **row_data(small.gdp.series_id, no_data=True, note="统计局尚未发布"),  # type: ignore[arg-type]
        **row_data(small.urban.series_id, value="65.1", version=draft.version, shown_value="65.1"),  # type: ignore[arg-type]
        "submit": "",
    }
    response = client.post("/indicators/entry/period/2024/", data, follow=True)
    assert PERIOD_SUBMITTED.format(count=2, period="2024年") in messages_of(response)
    statuses = dict(Observation.objects.filter(year=2024).values_list("series_id", "status"))
    assert statuses == {small.gdp.series_id: "submitted", small.urban.series_id: "submitted"}
    assert Observation.objects.get(series=small.gdp.series, year=2024).no_data


def test_one_bad_row_saves_nothing(client: Client, small: SmallPlan, clerk: User) -> None:
    client.force_login(clerk)
    data = {
        **row_data(small.gdp.series_id, value="5.2"),  # type: ignore[arg-type]
        **row_data(small.urban.series_id, value="六十五"),  # type: ignore[arg-type]
        "save": "",
    }
    response = client.post("/indicators/entry/period/2024/", data)
    assert response.status_code == 200
    assert PERIOD_NOT_SAVED.format(count=1) in messages_of(response)
    assert not Observation.objects.filter(year=2024).exists()
    assert 'class="row-error' in response.content.decode()


def test_changing_an_approved_figure_needs_a_reason_and_rolls_back_the_page(
    client: Client, small: SmallPlan, clerk: User
) -> None:
    approved = Observation.objects.get(series=small.gdp.series, year=2022)
    client.force_login(clerk)
    data = {
        **row_data(small.gdp.series_id, value="4.2", version=approved.version, shown_value="4.0"),  # type: ignore[arg-type]
        **row_data(small.urban.series_id, value="64.9"),  # type: ignore[arg-type]
        "save": "",
    }
    # 常住人口城镇化率 2022 is approved 64.54 too: the page posts what it showed
    data[f"initial-s{small.urban.series_id}-value"] = "64.54"
    data[f"s{small.urban.series_id}-version"] = str(
        Observation.objects.get(series=small.urban.series, year=2022).version
    )
    response = client.post("/indicators/entry/period/2022/", data)
    assert services.REASON_REQUIRED in response.content.decode()
    assert Observation.objects.get(pk=approved.pk).value == Decimal("4.0")
    data[f"s{small.gdp.series_id}-reason"] = "附件2口径"
    data[f"s{small.urban.series_id}-reason"] = "统计年鉴更正"
    response = client.post("/indicators/entry/period/2022/", data, follow=True)
    changed = Observation.objects.get(pk=approved.pk)
    assert (changed.value, changed.approved_value, changed.status) == (Decimal("4.2"), Decimal("4.0"), "draft")
    assert changed.history.first().history_change_reason == "附件2口径"


def test_a_figure_changed_by_somebody_else_meanwhile_is_a_conflict(
    client: Client, small: SmallPlan, clerk: User, admin: User
) -> None:
    client.force_login(clerk)
    services.observation_record(indicator=small.gdp, period=Period(2024), value=Decimal("5.8"), user=admin)
    data = {**row_data(small.gdp.series_id, value="5.2", version=0), "save": ""}  # type: ignore[arg-type]
    response = client.post("/indicators/entry/period/2024/", data)
    assert "未保存：在您编辑期间" in response.content.decode()
    assert Observation.objects.get(series=small.gdp.series, year=2024).value == Decimal("5.8")


def test_period_page_refuses_unknown_and_unstarted_periods_and_other_roles(
    client: Client, small: SmallPlan, clerk: User, leader: User
) -> None:
    client.force_login(clerk)
    assert client.get("/indicators/entry/period/2024Q9/").status_code == 404
    assert client.get("/indicators/entry/period/2031/").status_code == 404
    client.force_login(leader)
    assert client.get("/indicators/entry/period/2024/").status_code == 403


# --- the listed fixes -------------------------------------------------------------------------------


def test_a_double_submit_is_the_same_users_save(client: Client, small: SmallPlan, clerk: User) -> None:
    client.force_login(clerk)
    form = {"value": "5.1", "source": "公报", "note": "", "reason": "", "version": "0", "submit": ""}
    url = f"/indicators/entry/{small.gdp.series_id}/2023/"
    client.post(url, form)
    response = client.post(url, form, follow=True)  # the second click, with the page's old version
    shown = messages_of(response)
    assert not any("未保存" in m for m in shown), shown
    assert "已保存：地区生产总值增长 2023年 = 5.1（待审核）。" in shown
    observation = Observation.objects.get(series=small.gdp.series, year=2023)
    assert observation.version == 1 and observation.history.count() == 1


def test_another_users_change_is_still_a_conflict(small: SmallPlan, clerk: User, admin: User) -> None:
    services.observation_record(indicator=small.gdp, period=Period(2023), value=Decimal("5.1"), user=admin)
    with pytest.raises(services.ConcurrentEditError):
        services.observation_record(
            series=small.gdp.series, period=Period(2023), value=Decimal("5.1"), user=clerk, expected_version=0
        )


@pytest.mark.parametrize(
    ("value", "wording"),
    [("45", "远超该指标以往数值"), ("-20", "远低于该指标以往数值"), ("5", "")],
)
def test_outlier_wording_says_below_or_above(value: str, wording: str) -> None:
    history = [Decimal("3.4"), Decimal("9.1"), Decimal("4.0")]
    warning = outlier_warning(Decimal(value), history)
    assert (wording in warning) if wording else warning == ""


# --- to-dos -------------------------------------------------------------------------------------------


def test_reviewer_sees_the_count_awaiting_review(client: Client, small: SmallPlan, clerk: User, reviewer: User) -> None:
    for year in (2023, 2024):
        services.observation_record(
            indicator=small.gdp, period=Period(year), value=Decimal("5.1"), user=clerk, submit=True
        )
    client.force_login(reviewer)
    assert "待审核 2" in client.get("/").content.decode()


def test_clerk_sees_returned_first_with_the_note_and_what_is_left_to_fill(
    client: Client, small: SmallPlan, clerk: User, reviewer: User, march_2026: datetime.date
) -> None:
    _returned_2025(small, clerk, reviewer, note="请按统计公报核实")
    client.force_login(clerk)
    body = client.get("/").content.decode()
    assert "被退回 1" in body and "待填报 2" in body  # 2025: GDP returned, urbanisation not entered
    assert "被退回的数值（1）" in body
    assert "审核员意见：请按统计公报核实" in body
    assert "/indicators/entry/period/2025/" in body


def _returned_2025(small: SmallPlan, clerk: User, reviewer: User, note: str = "核实") -> None:
    """The clerk's 2025 GDP figure, submitted and sent back by the reviewer."""
    observation = services.observation_record(
        indicator=small.gdp, period=Period(2025), value=Decimal("5.1"), user=clerk, submit=True
    ).observation
    services.observation_return(observation=observation, user=reviewer, note=note)


def test_a_locked_period_leaves_nothing_to_do(
    small: SmallPlan, clerk: User, reviewer: User, admin: User, march_2026: datetime.date
) -> None:
    """A returned or missing figure of a locked period is not the clerk's to do (they cannot change it)."""
    _returned_2025(small, clerk, reviewer)
    todo = collection.todo_counts(clerk, march_2026)
    assert (todo.returned, todo.to_fill) == (1, 2)
    services.period_lock(plan=small.plan, period=Period(2025), user=admin, reason="报告已通过")
    todo = collection.todo_counts(clerk, march_2026)
    assert (todo.returned, todo.to_fill) == (0, 0)
    assert collection.returned_figures(clerk) == []


def test_todo_counts_ignore_other_departments(
    small: SmallPlan, other_clerk: User, clerk: User, reviewer: User, march_2026: datetime.date
) -> None:
    _returned_2025(small, clerk, reviewer)
    todo = collection.todo_counts(other_clerk, march_2026)
    assert (todo.returned, todo.to_fill, todo.to_review) == (0, 1, 0)


# --- bulk approval ------------------------------------------------------------------------------------


def _submitted(small: SmallPlan, clerk: User, other_clerk: User) -> list[Observation]:
    figures = [
        services.observation_record(
            indicator=indicator, period=Period(2023), value=Decimal(value), user=user, submit=True
        ).observation
        for indicator, value, user in (
            (small.gdp, "5.1", clerk),
            (small.urban, "65.0", clerk),
            (small.jobs, "0.7", other_clerk),
        )
    ]
    return figures


def test_bulk_approve_approves_each_with_its_own_audit_entry(
    client: Client, small: SmallPlan, clerk: User, other_clerk: User, reviewer: User
) -> None:
    gdp, urban, jobs = _submitted(small, clerk, other_clerk)
    client.force_login(reviewer)
    data = {"chosen": [gdp.pk, urban.pk], f"version-{gdp.pk}": gdp.version, f"version-{urban.pk}": urban.version}
    response = client.post("/indicators/review/approve-selected/", {**data, "selected": ""}, follow=True)
    assert BULK_APPROVED.format(count=2) in messages_of(response)
    for figure in (gdp, urban):
        latest = Observation.objects.get(pk=figure.pk).history.first()
        assert (latest.status, latest.history_user, latest.history_change_reason) == ("approved", reviewer, "审核通过")
    assert Observation.objects.get(pk=jobs.pk).status == "submitted"


def test_bulk_approve_all_shown_with_the_department_filter(
    client: Client, small: SmallPlan, clerk: User, other_clerk: User, reviewer: User, stats_department: Department
) -> None:
    gdp, urban, _ = _submitted(small, clerk, other_clerk)
    client.force_login(reviewer)
    page = client.get(f"/indicators/review/?department={stats_department.pk}&period=2023")
    assert {r.observation.pk for r in page.context["rows"]} == {gdp.pk, urban.pk}
    data = {"shown": [gdp.pk, urban.pk], "department": stats_department.pk, "period": "2023", "all": ""}
    client.post("/indicators/review/approve-selected/", data)
    assert set(Observation.objects.filter(status="approved", year=2023).values_list("pk", flat=True)) == {
        gdp.pk,
        urban.pk,
    }


def test_bulk_approve_refuses_a_figure_of_another_scope_and_approves_nothing(
    client: Client, small: SmallPlan, clerk: User, other_clerk: User, reviewer: User, stats_department: Department
) -> None:
    gdp, _, jobs = _submitted(small, clerk, other_clerk)
    client.force_login(reviewer)
    data = {"chosen": [gdp.pk, jobs.pk], "department": stats_department.pk, "selected": ""}
    response = client.post("/indicators/review/approve-selected/", data, follow=True)
    assert services.BULK_OUT_OF_SCOPE.format(count=1) in messages_of(response)
    assert not Observation.objects.filter(year=2023, status="approved").exists()


def test_bulk_approve_with_a_stale_version_approves_nothing(
    client: Client, small: SmallPlan, clerk: User, other_clerk: User, reviewer: User
) -> None:
    gdp, urban, _ = _submitted(small, clerk, other_clerk)
    client.force_login(reviewer)
    data = {"chosen": [gdp.pk, urban.pk], f"version-{gdp.pk}": gdp.version, f"version-{urban.pk}": 99}
    response = client.post("/indicators/review/approve-selected/", data, follow=True)
    assert any("未保存：在您编辑期间" in m for m in messages_of(response))
    assert not Observation.objects.filter(year=2023, status="approved").exists()


@pytest.mark.parametrize("persona", ["clerk", "leader"])
def test_only_reviewers_bulk_approve(
    client: Client, small: SmallPlan, clerk: User, other_clerk: User, persona: str, request: pytest.FixtureRequest
) -> None:
    gdp, _, _ = _submitted(small, clerk, other_clerk)
    client.force_login(request.getfixturevalue(persona))
    assert client.post("/indicators/review/approve-selected/", {"chosen": [gdp.pk]}).status_code == 403
    assert Observation.objects.get(pk=gdp.pk).status == "submitted"


def test_bulk_approve_with_nothing_chosen_says_so(client: Client, small: SmallPlan, reviewer: User) -> None:
    client.force_login(reviewer)
    response = client.post("/indicators/review/approve-selected/", {"selected": ""}, follow=True)
    assert services.BULK_NOTHING_CHOSEN in messages_of(response)


# --- the collection board -------------------------------------------------------------------------


def test_board_counts_by_department_and_period(
    small: SmallPlan, clerk: User, other_clerk: User, march_2026: datetime.date
) -> None:
    services.observation_record(indicator=small.gdp, period=Period(2023), value=Decimal("5.1"), user=clerk, submit=True)
    services.observation_record(indicator=small.urban, period=Period(2023), value=Decimal("65"), user=clerk)
    board = collection.build_board(small.plan, march_2026)
    assert [p.code for p in board.periods] == ["2021", "2022", "2023", "2024", "2025"]  # no half-year reporter
    stats = next(r for r in board.rows if r.department and r.department.name == "区统计局")
    cell = stats.cells[2]
    assert (cell.expected, cell.counts["submitted"], cell.counts["draft"], cell.counts["not_started"]) == (2, 1, 1, 0)
    assert stats.cells[1].state == "已完成"  # 2022 approved for both
    assert stats.cells[3].state == "未填报"  # 2024 is over and nothing was entered: not "未开始"


def test_board_says_not_started_only_for_a_period_not_over(small: SmallPlan, admin: User) -> None:
    today = datetime.date(2025, 3, 1)
    services.deadline_set(plan=small.plan, period=Period(2025), due=datetime.date(2026, 2, 15), user=admin)
    board = collection.build_board(small.plan, today)
    stats = next(r for r in board.rows if r.department and r.department.name == "区统计局")
    states = {c.period.code: c.state for c in stats.cells}
    assert states["2025"] == "未开始"  # shown ahead because of its deadline
    assert states["2024"] == "未填报"
    assert "未开始" not in [state for code, state in states.items() if code != "2025"]


def test_board_page_and_export_say_not_reported_for_periods_long_over(
    client: Client, small: SmallPlan, admin: User, march_2026: datetime.date
) -> None:
    client.force_login(admin)
    body = client.get(f"/indicators/board/?plan={small.plan.pk}").content.decode()
    assert "未开始" not in body and '<td class="state-missing"' in body
    response = client.get(f"/indicators/board/export.xlsx?plan={small.plan.pk}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    line = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "区统计局" and r[1] == "2024年")
    assert line[-1] == "未填报"
    assert sheet.freeze_panes == "A3"
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.page_setup.orientation == "landscape"


@pytest.mark.parametrize(
    ("due", "overdue"),
    [
        (datetime.date(2024, 2, 15), True),  # passed with figures missing
        (datetime.date(2026, 3, 1), False),  # due today: not yet late
        (datetime.date(2026, 6, 30), False),
    ],
)
def test_deadline_marks_overdue(
    small: SmallPlan, admin: User, march_2026: datetime.date, due: datetime.date, overdue: bool
) -> None:
    services.deadline_set(plan=small.plan, period=Period(2024), due=due, user=admin)
    board = collection.build_board(small.plan, march_2026)
    cell = next(c for c in board.rows[0].cells if c.period == Period(2024))
    assert (cell.deadline, cell.overdue) == (due, overdue)
    done = next(c for c in board.rows[0].cells if c.period == Period(2022))
    assert not done.overdue  # 2022 is complete whatever its deadline


def test_admin_sets_and_clears_a_deadline_on_the_board(client: Client, small: SmallPlan, admin: User) -> None:
    client.force_login(admin)
    url = f"/indicators/board/?plan={small.plan.pk}"
    response = client.post(url, {"period": "2025", "due": "2026-02-15"}, follow=True)
    assert "已设置2025年的报送截止日期：2026-02-15。" in messages_of(response)
    deadline = CollectionDeadline.objects.get(plan=small.plan, year=2025)
    assert deadline.history.first().history_user == admin
    assert "截止 2026-02-15" in response.content.decode()
    response = client.post(url, {"period": "2025", "due": "15/02/2026"})
    assert "日期格式不正确，请写作 2026-02-15。" in response.content.decode()
    client.post(url, {"period": "2025", "due": ""})
    assert not CollectionDeadline.objects.exists()


def test_deadline_form_shows_its_date_in_iso(small: SmallPlan) -> None:
    """<input type=date> reads only YYYY-MM-DD, not the zh-hans "2026/02/15"."""
    with translation.override("zh-hans"):
        html = str(DeadlineForm(plan=small.plan, initial={"due": datetime.date(2026, 2, 15)})["due"])
    assert 'type="date"' in html and 'value="2026-02-15"' in html, html


def test_leaders_read_the_board_but_cannot_set_deadlines(
    client: Client, small: SmallPlan, leader: User, clerk: User
) -> None:
    client.force_login(leader)
    response = client.get(f"/indicators/board/?plan={small.plan.pk}")
    assert response.status_code == 200 and "设置报送截止日期" not in response.content.decode()
    assert (
        client.post(f"/indicators/board/?plan={small.plan.pk}", {"period": "2025", "due": "2026-02-15"}).status_code
        == 403
    )
    assert not CollectionDeadline.objects.exists()
    client.force_login(clerk)
    assert client.get("/indicators/board/").status_code == 403


def test_board_export_reads_back(client: Client, small: SmallPlan, admin: User, march_2026: datetime.date) -> None:
    services.deadline_set(plan=small.plan, period=Period(2024), due=datetime.date(2025, 2, 15), user=admin)
    client.force_login(admin)
    response = client.get(f"/indicators/board/export.xlsx?plan={small.plan.pk}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == collection.BOARD_HEADERS
    line = next(r for r in rows if r[0] == "区统计局" and r[1] == "2024年")
    assert line[2:] == ("2025-02-15", 2, 2, 0, 0, 0, 0, "逾期")


def test_board_export_keeps_a_formula_like_name_as_text(client: Client, small: SmallPlan, admin: User) -> None:
    Department.objects.filter(name="区统计局").update(name='=HYPERLINK("http://example.invalid","统计局")')
    client.force_login(admin)
    sheet = load_workbook(io.BytesIO(client.get(f"/indicators/board/export.xlsx?plan={small.plan.pk}").content)).active
    assert sheet is not None
    names = [c for c in sheet["A"] if c.value and str(c.value).startswith("=")]
    assert names and all(c.data_type == "s" and c.value.startswith('=HYPERLINK("http') for c in names)


# --- query counts -----------------------------------------------------------------------------------


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


PAGES = [
    # url, persona, expected queries, what they are
    (
        "/indicators/entry/period/2023/",
        "clerk",
        10,
        "session, user, groups, profile, to-do counts, plans, leaf indicators (+series, plan), figures of the "
        "period, earlier approved figures, locks",
    ),
    (
        "/indicators/board/?plan={plan}",
        "admin",
        8,
        "session, user, groups, plans, plan's leaf indicators (+series, department), figures, deadlines, to-do count",
    ),
    ("/indicators/board/export.xlsx?plan={plan}", "admin", 7, "session, user, groups, plans, board's three"),
    (
        "/indicators/review/?department={department}&period=2023",
        "reviewer",
        13,
        "session, user, groups, plans, department, queue, history, past figures, returned, departments, to-do, "
        "the reviewer's home region and region tree (issue 12)",
    ),
]


def _grow(small: SmallPlan, region: Region, size: int) -> None:
    """``size`` more departments, each with a series of its own that the plan reads, with a figure of 2023."""
    category = small.plan.categories.get(name="经济发展")
    for number in range(size):
        department = Department.objects.create(region=region, name=f"{small.plan.name}单位{number}")
        series = Series.objects.create(
            region=region, name=f"{small.plan.name}指标{number}", unit="%", department=department
        )
        indicator = Indicator.objects.create(
            plan=small.plan, category=category, order=50 + number, name=series.name, unit="%", series=series
        )
        approved(indicator, 2023, "1.5")


@pytest.mark.parametrize(("url", "persona", "expected", "queries"), PAGES, ids=[p[0].split("?")[0] for p in PAGES])
def test_query_counts_are_the_same_at_one_and_many(
    region: Region,
    stats_department: Department,
    hr_department: Department,
    request: pytest.FixtureRequest,
    url: str,
    persona: str,
    expected: int,
    queries: str,
) -> None:
    counts = []
    user = request.getfixturevalue(persona)
    for size in (1, 12):  # one extra indicator and department, then many of both
        small = build_small_plan(region, stats_department, hr_department, extra_indicators=size, name=f"规划{size}")
        _grow(small, region, size)
        client = Client()
        client.force_login(user)
        page = url.format(plan=small.plan.pk, department=stats_department.pk)
        _count(client, page)  # warm-up: pending messages
        counts.append(_count(client, page))
    assert counts == [expected, expected], queries


def test_returned_count_leaves_out_only_the_locked_figure(
    small: SmallPlan, clerk: User, reviewer: User, admin: User
) -> None:
    for year in (2024, 2025):
        figure = services.observation_record(
            indicator=small.gdp, period=Period(year), value=Decimal("5.1"), user=clerk, submit=True
        ).observation
        services.observation_return(observation=figure, user=reviewer, note="核实")
    services.period_lock(plan=small.plan, period=Period(2024), user=admin, reason="报告已通过")
    todo = collection.todo_counts(clerk, datetime.date(2026, 3, 1))
    assert todo.returned == 1
    assert [o.year for o in collection.returned_figures(clerk)] == [2025]
