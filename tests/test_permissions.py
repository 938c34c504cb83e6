"""Every URL of the entry, review and administration pages × every persona → the expected status."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from indicators.models import Department, Observation, Region, ReviewStatus
from indicators.roles import FORBIDDEN_ENTER, NOT_FOUND_SCOPE
from tests.conftest import make_user
from tests.entry_support import SmallPlan, build_small_plan
from tests.html_text import text, texts

PERSONAS = ("anonymous", "clerk", "other_clerk", "reviewer", "leader", "admin", "county2_reviewer", "city_leader")
LOGIN = "login"  # 302 to the login page
OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404


@dataclass
class Cast:
    small: SmallPlan
    submitted: Observation  # GDP 2023, awaiting review
    draft: Observation  # GDP 2024, a draft


@pytest.fixture
def cast(region: Region, stats_department: Department, hr_department: Department) -> Cast:
    small = build_small_plan(region, stats_department, hr_department)
    submitted = Observation.objects.create(
        series=small.gdp.measured_series, year=2023, value=Decimal("5.1"), decimals=1, status=ReviewStatus.SUBMITTED
    )
    draft = Observation.objects.create(series=small.gdp.measured_series, year=2024, value=Decimal("4.2"), decimals=1)
    return Cast(small, submitted, draft)


def url_for(name: str, cast: Cast) -> str:
    plan, gdp = cast.small.plan.pk, cast.small.gdp.pk
    return {
        "entry": "/indicators/entry/",
        "entry_edit": f"/indicators/entry/{cast.small.gdp.series_id}/2023H1/",
        "submit_all": "/indicators/entry/submit-all/",
        "review": "/indicators/review/",
        "submit": f"/indicators/observation/{cast.draft.pk}/submit/",
        "approve": f"/indicators/observation/{cast.submitted.pk}/approve/",
        "return": f"/indicators/observation/{cast.submitted.pk}/return/",
        "history": f"/indicators/observation/{cast.submitted.pk}/history/",
        "verdict": f"/indicators/indicator/{gdp}/verdict/?as_of=2023",
        "target": f"/indicators/indicator/{gdp}/target/",
        "indicator_edit": f"/indicators/indicator/{gdp}/edit/",
        "plans": "/indicators/plans/",
        "plan_create": "/indicators/plans/new/",
        "plan": f"/indicators/plan/{plan}/",
        "indicator_create": f"/indicators/plan/{plan}/indicators/new/",
        "locks": f"/indicators/plan/{plan}/locks/",
        "import": f"/indicators/plan/{plan}/import/",
        "import_template": f"/indicators/plan/{plan}/import/template.xlsx",
        "import_confirm": f"/indicators/plan/{plan}/import/confirm/",
    }[name]


POST_DATA = {
    "entry_edit": {"value": "4.8", "version": "0", "note": "", "source": "统计月报"},
    "submit_all": {},
    "submit": {"version": "1"},
    "approve": {"version": "1"},
    "return": {"version": "1", "note": "请核对"},
    "verdict": {"action": "set", "status": "on_track", "reason": "测试研判"},
    "target": {"action": "target", "target_text": "7.0", "reason": "测试"},
    "indicator_edit": {"name": "地区生产总值增长", "unit": "%", "reason": "测试"},
    "plan_create": {"name": ""},
    "plan": {"action": "category", "name": "安全保障"},
    "locks": {"period": "2023", "reason": "报告通过"},
    "import_confirm": {"token": "nothing-stashed"},
}

# county2_reviewer: a reviewer of another county (宛城区), outside whose scope the cast's 卧龙区 lies: 404 where
# the role would allow the action. city_leader: a leader of 南阳市, reading its counties (issue 12).
#                       anonymous clerk   other_clerk reviewer  leader     admin  county2_reviewer city_leader
MATRIX = [
    ("GET", "entry", (LOGIN, OK, OK, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    ("GET", "entry_edit", (LOGIN, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    ("POST", "entry_edit", (LOGIN, REDIRECT, NOT_FOUND, FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN)),
    ("POST", "submit_all", (LOGIN, REDIRECT, REDIRECT, FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN)),
    ("POST", "submit", (LOGIN, REDIRECT, NOT_FOUND, FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN)),
    ("GET", "review", (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK, OK, OK)),
    ("POST", "approve", (LOGIN, FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN, REDIRECT, NOT_FOUND, FORBIDDEN)),
    ("POST", "return", (LOGIN, FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN, REDIRECT, NOT_FOUND, FORBIDDEN)),
    ("GET", "history", (LOGIN, OK, OK, OK, OK, OK, NOT_FOUND, OK)),
    ("GET", "verdict", (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK, NOT_FOUND, FORBIDDEN)),
    ("POST", "verdict", (LOGIN, FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN, REDIRECT, NOT_FOUND, FORBIDDEN)),
    ("GET", "target", (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    ("POST", "target", (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN)),
    ("GET", "indicator_edit", (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    ("GET", "plans", (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    ("GET", "plan_create", (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    (
        "POST",
        "plan_create",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN),
    ),  # invalid form: 200
    ("GET", "plan", (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    ("POST", "plan", (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN)),
    ("GET", "indicator_create", (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    ("GET", "locks", (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    ("POST", "locks", (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN)),
    ("GET", "import", (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    ("GET", "import_template", (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN)),
    ("POST", "import_confirm", (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN)),
]

CASES = [
    pytest.param(method, name, persona, expected, id=f"{method}-{name}-{persona}")
    for method, name, statuses in MATRIX
    for persona, expected in zip(PERSONAS, statuses, strict=True)
]


@pytest.mark.parametrize(("method", "name", "persona", "expected"), CASES)
def test_url_persona_matrix(
    client: Client, cast: Cast, request: pytest.FixtureRequest, method: str, name: str, persona: str, expected: object
) -> None:
    user: User | None = request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    url = url_for(name, cast)
    response = client.post(url, POST_DATA.get(name, {})) if method == "POST" else client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        return
    assert response.status_code == expected, response.content.decode()[:500]
    if expected == REDIRECT:
        assert not response["Location"].startswith("/accounts/login/")


def test_forbidden_and_not_found_pages_say_why_in_chinese(
    client: Client, cast: Cast, leader: User, other_clerk: User
) -> None:
    client.force_login(leader)
    response = client.get(url_for("entry", cast))
    assert response.status_code == 403
    assert FORBIDDEN_ENTER in text(response.content)
    client.force_login(other_clerk)
    response = client.get(url_for("entry_edit", cast))
    assert response.status_code == 404
    # The Chinese 404 page, not Django's English one, and it says why: the indicator is another department's.
    shown = texts(response.content)
    assert shown[shown.index("未找到") + 1] == NOT_FOUND_SCOPE  # the heading, then the reason
    assert not any("Not Found" in t for t in shown)


def test_a_superuser_without_groups_counts_as_admin(client: Client, cast: Cast) -> None:
    root = make_user("root", None, None, is_staff=True, is_superuser=True)
    client.force_login(root)
    for name in ("plans", "locks", "target", "entry_edit", "review"):
        assert client.get(url_for(name, cast)).status_code == 200, name


def test_forbidden_writes_change_nothing(client: Client, cast: Cast, leader: User) -> None:
    client.force_login(leader)
    for name in ("entry_edit", "approve", "return", "locks"):
        client.post(url_for(name, cast), POST_DATA[name])
    cast.submitted.refresh_from_db()
    assert cast.submitted.status == ReviewStatus.SUBMITTED
    assert not Observation.objects.filter(year=2023, part="H1").exists()
    assert not cast.small.plan.period_locks.exists()
