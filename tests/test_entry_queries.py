"""Query counts of the remaining entry and administration pages: the same at one row as at many."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from indicators import services
from indicators.models import Department, Plan, Region
from indicators.periods import Period
from tests.entry_support import SmallPlan, build_small_plan


def _grow(small: SmallPlan, admin: User, reviewer: User, rows: int) -> None:
    """``rows`` of everything the pages list: history entries, locks, assigned targets, plans, indicators."""
    for number in range(rows):
        value = Decimal(f"4.{number}")
        services.observation_record(
            indicator=small.gdp, period=Period(2022), value=value, user=admin, reason=f"第{number}次更正"
        )
        services.manual_verdict_set(
            indicator=small.gdp, as_of=Period(2023), status="on_track", reason=f"研判{number}", user=reviewer
        )
        services.indicator_target_set(indicator=small.gdp, target_text=f"7.{number}", user=admin, reason="调整")
        services.assigned_target_set(
            indicator=small.gdp, period=Period(2021 + number % 5), value=value, source="", user=admin, reason="市文件"
        )
        lock = Period(2024 + number // 4, ("", "H1", "H2", "Q1")[number % 4])  # away from the edited periods
        services.period_lock(plan=small.plan, period=lock, user=admin)
        Plan.objects.create(name=f"{small.plan.name}-{number}", region=small.plan.region, base_year=2020, end_year=2025)


# url builder, expected queries, what they are (each page also reads the user's home region: their scope, issue 12)
PAGES: list[tuple[str, Callable[[SmallPlan], str], int, str]] = [
    (
        "entry_edit",
        lambda s: f"/indicators/entry/{s.gdp.series_id}/2022/",
        # 10 (was 8 when figures belonged to one plan's indicator): the page now also reads the plans whose
        # periods the series may take and the indicators of every plan reading the series (shown on the page).
        11,
        "session, user, series (+region, department), groups, plans reading the series, observation, "
        "their indicators (+plan, category), lock, history (+users), alternative readings",
    ),
    (
        "verdict",
        lambda s: f"/indicators/indicator/{s.gdp.pk}/verdict/?as_of=2023",
        13,  # the reviewer's home region and the region tree (scope)
        "session, user, indicator, groups, manual verdict of the as-of, assess_indicator (indicators, "
        "observations, assigned targets, manual verdicts), manual verdict history (+users), lock",
    ),
    (
        "target",
        lambda s: f"/indicators/indicator/{s.gdp.pk}/target/",
        7,
        "session, user, indicator, groups, indicator history (+users), assigned targets",
    ),
    (
        "history",
        lambda s: f"/indicators/observation/{s.gdp.measured_series.observations.get(year=2022).pk}/history/",
        6,
        "session, user, observation (+series), the user's home region (scope), history records (+users), groups",
    ),
    ("locks", lambda s: f"/indicators/plan/{s.plan.pk}/locks/", 6, "session, user, plan, groups, locks (+users)"),
    ("plans", lambda s: "/indicators/plans/", 5, "session, user, groups, plans (+region)"),
    ("import", lambda s: f"/indicators/plan/{s.plan.pk}/import/", 6, "session, user, plan, groups, any indicator?"),
]


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(("name", "url", "expected", "queries"), PAGES, ids=[p[0] for p in PAGES])
def test_query_count_is_the_same_at_one_and_many_rows(
    region: Region,
    stats_department: Department,
    hr_department: Department,
    admin: User,
    reviewer: User,
    name: str,
    url: Callable[[SmallPlan], str],
    expected: int,
    queries: str,
) -> None:
    counts = []
    # one row of each and the small plan's three indicators; then eight rows and twelve more indicators
    for rows, extra in ((1, 0), (8, 12)):
        small = build_small_plan(region, stats_department, hr_department, extra_indicators=extra, name=f"规划{rows}")
        _grow(small, admin, reviewer, rows)
        client = Client()
        client.force_login(reviewer if name == "verdict" else admin)
        _count(client, url(small))  # warm-up: clears pending messages
        counts.append(_count(client, url(small)))
    # Every page also reads the to-do counts of the navigation (issue 14): one query for these reviewers/admins.
    assert counts == [expected + 1, expected + 1], queries


def test_template_export_query_count(
    region: Region, stats_department: Department, hr_department: Department, admin: User
) -> None:
    counts = []
    for extra in (0, 10):
        small = build_small_plan(region, stats_department, hr_department, extra_indicators=extra, name=f"规划{extra}")
        client = Client()
        client.force_login(admin)
        counts.append(_count(client, f"/indicators/plan/{small.plan.pk}/import/template.xlsx"))
    # session, user, plan, groups, the user's home region (scope), then reports.appendix.build_report's six
    assert counts == [11, 11]


def _upload(client: Client, plan: Plan, data: bytes) -> Any:
    file = io.BytesIO(data)
    file.name = "附件1.xlsx"
    return client.post(f"/indicators/plan/{plan.pk}/import/", {"file": file})


def test_import_preview_and_confirm_query_counts(
    region: Region, stats_department: Department, hr_department: Department, admin: User
) -> None:
    """Upload (preview, rolled back) and confirm of a plan's own template: the same at 3 and at 15 indicators."""
    counts = []
    for extra in (0, 12):
        small = build_small_plan(region, stats_department, hr_department, extra_indicators=extra, name=f"规划{extra}")
        client = Client()
        client.force_login(admin)
        template = client.get(f"/indicators/plan/{small.plan.pk}/import/template.xlsx").content
        with CaptureQueriesContext(connection) as preview:
            response = _upload(client, small.plan, template)
        assert response.status_code == 200 and response.context["token"]
        with CaptureQueriesContext(connection) as confirm:
            response = client.post(
                f"/indicators/plan/{small.plan.pk}/import/confirm/", {"token": response.context["token"]}
            )
        assert response.status_code == 302
        counts.append((len(preview.captured_queries), len(confirm.captured_queries)))
    # preview (20): session, user, plan, groups, the user's home region; in a savepoint rolled back: the plan's
    # indicators (+plan, series) and their figures; the stash (cache table: count, savepoint, read, insert,
    # release), "any indicator?", the to-do counts of the navigation, the session save (savepoint, update,
    # release). confirm (14): session, user, plan, groups, home region, the stash read and deleted, the
    # same two reads in a savepoint, the session save. Figures that do not change are not written.
    assert counts == [(20, 14), (20, 14)]
