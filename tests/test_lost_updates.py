"""No lost updates on projects and investment figures (two sessions, the second refused and shown the newer
values), and four eyes: nobody approves a figure they last entered or changed."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from indicators import services as indicator_services
from indicators.models import Department, Region, ReviewStatus
from indicators.periods import Period
from indicators.roles import SELF_APPROVAL
from projects import services
from projects.figures import Figure
from projects.models import Domain, Project, ProjectInvestment
from tests.conftest import make_user
from tests.entry_support import build_small_plan
from tests.projects_factories import make_project

D = Decimal


@pytest.fixture
def project(region: Region) -> Project:
    p = make_project(region, "卧龙艾草产业园", domain=Domain.RURAL, total_investment=D("30"))
    ProjectInvestment.objects.create(project=p, year=2024, planned=D("10"), completed=D("8"))
    return p


@pytest.fixture
def second_clerk(stats_department: Department) -> User:
    return make_user("clerk2", "录入员", stats_department, first_name="第二录入员")


def _session(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden {name} in the form"
    return match.group(1)


def _project_post(project: Project, version: str, **changes: str) -> dict[str, str]:
    data = {
        "region": str(project.region_id),
        "name": project.name,
        "domain": project.domain,
        "stage": project.stage,
        "total_investment": "30",
        "version": version,
    }
    data.update(changes)
    return data


def test_second_project_save_is_refused_with_the_newer_values(
    project: Project, clerk: User, second_clerk: User
) -> None:
    first, second = _session(clerk), _session(second_clerk)
    url = f"/projects/{project.pk}/edit/"
    seen_first = _hidden(first.get(url).content.decode(), "version")
    seen_second = _hidden(second.get(url).content.decode(), "version")

    assert first.post(url, _project_post(project, seen_first, name="卧龙艾草产业园（一期）")).status_code == 302
    response = second.post(url, _project_post(project, seen_second, location="蒲山镇"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "未保存：该项目在您打开页面后已被统计局录入员于" in page
    assert "项目名称 卧龙艾草产业园（一期）" in page  # the newer value the second save would overwrite
    project.refresh_from_db()
    assert (project.name, project.location) == ("卧龙艾草产业园（一期）", "")

    # the form now carries the newer version: saving again is a deliberate overwrite
    again = second.post(url, _project_post(project, _hidden(page, "version"), name="卧龙艾草产业园", location="蒲山镇"))
    assert again.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.location) == ("卧龙艾草产业园", "蒲山镇")


def _investment_post(year: int, seen_year: str, version: str, planned: str, **extra: str) -> dict[str, str]:
    return {
        "year": str(year),
        "planned": planned,
        "completed": "8",
        "seen_year": seen_year,
        "version": version,
        "reason": "按统计局核定数调整",
        **extra,
    }


def test_second_investment_save_of_the_same_year_is_refused(project: Project, clerk: User, second_clerk: User) -> None:
    first, second = _session(clerk), _session(second_clerk)
    url = f"/projects/{project.pk}/investment/?year=2024"
    page_first, page_second = first.get(url).content.decode(), second.get(url).content.decode()

    ok = first.post(url, _investment_post(2024, "2024", _hidden(page_first, "version"), "12"))
    assert ok.status_code == 302
    response = second.post(url, _investment_post(2024, "2024", _hidden(page_second, "version"), "11"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "未保存：2024年投资在您打开页面后已被统计局录入员于" in page
    assert "年度计划投资 12 亿元，完成投资 8 亿元（草稿）" in page
    row = ProjectInvestment.objects.get(project=project, year=2024)
    assert Figure.of(row).current_values == (D("12"), D("8"))


def test_two_clerks_entering_a_new_year_second_is_refused(project: Project, clerk: User, second_clerk: User) -> None:
    first, second = _session(clerk), _session(second_clerk)
    url = f"/projects/{project.pk}/investment/?year=2025"
    page_second = second.get(url).content.decode()
    assert _hidden(page_second, "version") == "0"
    assert first.post(url, _investment_post(2025, "2025", "0", "5")).status_code == 302

    response = second.post(url, _investment_post(2025, "2025", "0", "7"))
    assert "未保存：2025年投资已由统计局录入员于" in response.content.decode()
    assert Figure.of(ProjectInvestment.objects.get(project=project, year=2025)).current_values == (D("5"), D("8"))


def test_typing_another_year_is_a_deliberate_change_governed_by_the_reason_rule(project: Project, clerk: User) -> None:
    """The form opened for 2025 but saved as 2024 changes 2024 knowingly: no conflict, but a reason is needed."""
    client = _session(clerk)
    url = f"/projects/{project.pk}/investment/?year=2025"
    response = client.post(url, _investment_post(2024, "2025", "0", "9", reason=""))
    page = response.content.decode()
    assert "未保存" not in page and services.REASON_REQUIRED in page
    assert client.post(url, _investment_post(2024, "2025", "0", "9")).status_code == 302
    assert Figure.of(ProjectInvestment.objects.get(project=project, year=2024)).current_values == (D("9"), D("8"))


def test_every_write_advances_the_version(project: Project, clerk: User, reviewer: User) -> None:
    row = ProjectInvestment.objects.get(project=project, year=2024)
    assert row.version == 1
    services.investment_record(
        project=project, year=2024, planned=D("11"), completed=D("8"), user=clerk, reason="调整", submit=True
    )
    row.refresh_from_db()
    assert row.version == 2
    services.figure_approve(figure=Figure.of(row), user=reviewer)
    row.refresh_from_db()
    assert row.version == 3
    with pytest.raises(services.ChangedSinceShownError):
        services.investment_record(
            project=project, year=2024, planned=D("13"), completed=D("8"), user=clerk, reason="x", expected_version=2
        )


# --- four eyes ------------------------------------------------------------------------------------


def test_admin_cannot_approve_an_investment_figure_they_entered(project: Project, admin: User, reviewer: User) -> None:
    row = services.investment_record(
        project=project, year=2024, planned=D("11"), completed=D("8"), user=admin, reason="调整", submit=True
    )
    with pytest.raises(ValidationError) as caught:
        services.figure_approve(figure=Figure.of(row), user=admin)
    assert caught.value.messages == [SELF_APPROVAL]
    row.refresh_from_db()
    assert row.status == ReviewStatus.SUBMITTED and row.planned == D("10")
    services.figure_approve(figure=Figure.of(row), user=reviewer)  # someone else may
    row.refresh_from_db()
    assert row.planned == D("11")


def test_self_approval_through_the_page_shows_the_chinese_message(
    project: Project, admin: User, client: Client
) -> None:
    row = services.investment_record(
        project=project, year=2024, planned=D("11"), completed=D("8"), user=admin, reason="调整", submit=True
    )
    client.force_login(admin)
    response = client.post(f"/projects/review/investment/{row.pk}/approve/", follow=True)
    assert SELF_APPROVAL in response.content.decode()
    row.refresh_from_db()
    assert row.status == ReviewStatus.SUBMITTED


def test_admin_cannot_approve_an_indicator_figure_they_entered(
    region: Region, stats_department: Department, hr_department: Department, admin: User, reviewer: User
) -> None:
    small = build_small_plan(region, stats_department, hr_department)
    result = indicator_services.observation_record(
        indicator=small.gdp, period=Period(2023), value=D("5.1"), user=admin, submit=True
    )
    with pytest.raises(ValidationError) as caught:
        indicator_services.observation_approve(observation=result.observation, user=admin)
    assert caught.value.messages == [SELF_APPROVAL]
    approved = indicator_services.observation_approve(observation=result.observation, user=reviewer)
    assert approved.status == ReviewStatus.APPROVED


@override_settings(FOUR_EYES=False)
def test_four_eyes_can_be_switched_off_for_a_one_person_installation(project: Project, admin: User) -> None:
    row = services.investment_record(
        project=project, year=2024, planned=D("11"), completed=D("8"), user=admin, reason="调整", submit=True
    )
    services.figure_approve(figure=Figure.of(row), user=admin)
    row.refresh_from_db()
    assert row.status == ReviewStatus.APPROVED
