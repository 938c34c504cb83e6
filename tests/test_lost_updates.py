"""No lost updates on projects and investment figures (two sessions, the second refused and shown the newer
values), and four eyes: nobody approves a figure they last entered or changed."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client

from indicators import services as indicator_services
from indicators.models import Category, Department, Indicator, Observation, Plan, Region, ReviewStatus
from indicators.periods import Period
from indicators.roles import SELF_APPROVAL
from projects import services
from projects.figures import Figure
from projects.models import Domain, Project, ProjectInvestment
from tests.conftest import make_user
from tests.entry_support import SmallPlan, build_small_plan
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


def _own_submitted_figure(small: SmallPlan, admin: User) -> Observation:
    return indicator_services.observation_record(
        indicator=small.gdp, period=Period(2023), value=D("5.1"), user=admin, submit=True
    ).observation


@pytest.fixture
def small(region: Region, stats_department: Department, hr_department: Department) -> SmallPlan:
    return build_small_plan(region, stats_department, hr_department)


def test_four_eyes_is_a_plan_setting_on_by_default(small: SmallPlan) -> None:
    assert small.plan.four_eyes is True
    assert Plan._meta.get_field("four_eyes").verbose_name == "审核人须不同于最后录入人（四眼原则）"


def test_self_approval_of_an_indicator_figure_changes_nothing(small: SmallPlan, admin: User) -> None:
    figure = _own_submitted_figure(small, admin)
    history = figure.history.count()
    with pytest.raises(ValidationError) as caught:
        indicator_services.observation_approve(observation=figure, user=admin, expected_version=figure.version)
    assert caught.value.messages == [SELF_APPROVAL]
    stored = Observation.objects.get(pk=figure.pk)
    assert (stored.status, stored.version, stored.history.count()) == (ReviewStatus.SUBMITTED, figure.version, history)


def test_self_approval_on_the_review_page_shows_the_chinese_message(
    small: SmallPlan, admin: User, client: Client
) -> None:
    figure = _own_submitted_figure(small, admin)
    client.force_login(admin)
    response = client.post(f"/indicators/observation/{figure.pk}/approve/", {"version": figure.version}, follow=True)
    assert SELF_APPROVAL in [str(m) for m in response.context["messages"]]
    assert Observation.objects.get(pk=figure.pk).status == ReviewStatus.SUBMITTED


def test_bulk_approval_with_an_own_figure_approves_nothing(
    small: SmallPlan, admin: User, clerk: User, client: Client
) -> None:
    own = _own_submitted_figure(small, admin)
    other = indicator_services.observation_record(
        indicator=small.urban, period=Period(2023), value=D("65.0"), user=clerk, submit=True
    ).observation
    client.force_login(admin)
    data = {"chosen": [own.pk, other.pk], f"version-{own.pk}": own.version, f"version-{other.pk}": other.version}
    response = client.post("/indicators/review/approve-selected/", {**data, "selected": ""}, follow=True)
    assert SELF_APPROVAL in [str(m) for m in response.context["messages"]]
    assert not Observation.objects.filter(status=ReviewStatus.APPROVED, year=2023).exists()


def test_a_plan_with_four_eyes_off_lets_the_editor_approve(small: SmallPlan, admin: User) -> None:
    Plan.objects.filter(pk=small.plan.pk).update(four_eyes=False)
    figure = _own_submitted_figure(small, admin)
    approved = indicator_services.observation_approve(observation=figure, user=admin)
    assert approved.status == ReviewStatus.APPROVED


def test_a_series_shared_with_a_plan_keeping_four_eyes_keeps_it(small: SmallPlan, admin: User) -> None:
    """A figure printed in two plans' reports: one plan switching four eyes off does not decide for the other."""
    Plan.objects.filter(pk=small.plan.pk).update(four_eyes=False)
    annual = Plan.objects.create(name="2023年计划", region=small.plan.region, base_year=2022, end_year=2023)
    Indicator.objects.create(
        plan=annual,
        category=Category.objects.create(plan=annual, name="经济发展"),
        seq="1",
        name="地区生产总值增长",
        series=small.gdp.series,
    )
    figure = _own_submitted_figure(small, admin)
    with pytest.raises(ValidationError) as caught:
        indicator_services.observation_approve(observation=figure, user=admin)
    assert caught.value.messages == [SELF_APPROVAL]


def test_a_project_figure_follows_its_plan_or_else_its_regions_plans(
    project: Project, admin: User, small: SmallPlan
) -> None:
    planned = iter(range(11, 20))

    def own_figure() -> Figure:
        row = services.investment_record(
            project=project,
            year=2024,
            planned=D(next(planned)),
            completed=D("8"),
            user=admin,
            reason="调整",
            submit=True,
        )
        return Figure.of(row)

    with pytest.raises(ValidationError):  # no plan of its own: the region's plan keeps four eyes (default)
        services.figure_approve(figure=own_figure(), user=admin)
    Plan.objects.filter(pk=small.plan.pk).update(four_eyes=False)
    services.figure_approve(figure=own_figure(), user=admin)  # every plan of the region has it off
    assert ProjectInvestment.objects.get(project=project, year=2024).status == ReviewStatus.APPROVED

    strict = Plan.objects.create(name="另一规划", region=project.region, base_year=2020, end_year=2025)
    Project.objects.filter(pk=project.pk).update(plan=strict)
    with pytest.raises(ValidationError):  # its own plan keeps four eyes
        services.figure_approve(figure=own_figure(), user=admin)
    Plan.objects.filter(pk=strict.pk).update(four_eyes=False)
    services.figure_approve(figure=own_figure(), user=admin)


def test_a_region_without_plans_keeps_four_eyes_on_project_figures(project: Project, admin: User) -> None:
    row = services.investment_record(
        project=project, year=2024, planned=D("11"), completed=D("8"), user=admin, reason="调整", submit=True
    )
    with pytest.raises(ValidationError):
        services.figure_approve(figure=Figure.of(row), user=admin)


def test_four_eyes_is_switched_off_in_the_plan_admin(small: SmallPlan, client: Client) -> None:
    client.force_login(make_user("boss", "管理员", is_staff=True, is_superuser=True))
    page = client.get(f"/admin/indicators/plan/{small.plan.pk}/change/")
    assert "审核人须不同于最后录入人（四眼原则）" in page.content.decode()
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "evaluation_settings": "{}",
            "annual_labels": "{}",
            "categories-TOTAL_FORMS": "0",
            "categories-INITIAL_FORMS": "0",
            "categories-MIN_NUM_FORMS": "0",
            "categories-MAX_NUM_FORMS": "1000",
        }
    )
    data.pop("four_eyes", None)  # an unticked checkbox is not posted
    response = client.post(f"/admin/indicators/plan/{small.plan.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Plan.objects.get(pk=small.plan.pk).four_eyes is False
