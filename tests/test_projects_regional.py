"""Project totals across a region's subtree (issue 12): a province's totals by city, a city's by county."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from indicators.models import Region, StaffProfile
from projects.models import Project, ProjectInvestment, ReviewStatus
from tests.conftest import make_user


def _tree(counties_per_city: int) -> Region:
    province = Region.objects.create(name="测试省")
    for c in range(2):
        city = Region.objects.create(name=f"第{c + 1}市", parent=province)
        for n in range(counties_per_city):
            county = Region.objects.create(name=f"第{c + 1}市{n + 1}县", parent=city)
            project = Project.objects.create(region=county, name="项目", domain="urban", total_investment=Decimal("10"))
            ProjectInvestment.objects.create(
                project=project, year=2023, planned=Decimal("2"), completed=Decimal("1"), status=ReviewStatus.APPROVED
            )
            draft = Project.objects.create(region=county, name="待审项目", domain="urban", total_investment=Decimal(5))
            ProjectInvestment.objects.create(
                project=draft, year=2023, pending_planned=Decimal(9), status=ReviewStatus.DRAFT
            )
    return province


@pytest.fixture
def province_user(db: None) -> User:
    return make_user("province", "领导", None)


def test_the_province_sums_by_city_and_a_city_by_county(client: Client, province_user: User) -> None:
    province = _tree(3)
    client.force_login(province_user)
    data = client.get(f"/projects/region/{province.pk}/?year=2023").context["data"]
    assert [(r.region.name, r.project_count, r.total_investment, r.planned) for r in data.rows] == [
        ("第1市", 6, Decimal(45), Decimal(6)),
        ("第2市", 6, Decimal(45), Decimal(6)),
    ]
    assert (data.total.project_count, data.total.completed, data.total.completion_percent) == (
        12,
        Decimal(6),
        Decimal("50.0"),
    )
    city = Region.objects.get(name="第2市")
    data = client.get(f"/projects/region/{city.pk}/?year=2023").context["data"]
    assert [r.region.name for r in data.rows] == ["第2市1县", "第2市2县", "第2市3县"]


def test_outside_the_scope_is_404(client: Client, province_user: User) -> None:
    _tree(1)
    StaffProfile.objects.filter(user=province_user).update(region=Region.objects.get(name="第1市"))
    client.force_login(province_user)
    assert client.get(f"/projects/region/{Region.objects.get(name='第2市').pk}/").status_code == 404
    assert client.get(f"/projects/region/{Region.objects.get(name='第1市').pk}/").status_code == 200


@pytest.mark.parametrize("size", [1, 25])
def test_query_count_does_not_grow_with_regions(client: Client, province_user: User, size: int) -> None:
    province = _tree(size)
    client.force_login(province_user)
    with CaptureQueriesContext(connection) as context:
        assert client.get(f"/projects/region/{province.pk}/?year=2023").status_code == 200
    # session, user, groups (navigation), home region, the region tree, the two aggregates
    assert len(context.captured_queries) == 7


# --- Project pages by scope (issue 12) ------------------------------------------------------------------


def _in(user: User, name: str) -> User:
    StaffProfile.objects.filter(user=user).update(region=Region.objects.get(name=name))
    return user


def test_a_county_clerk_sees_and_edits_only_their_countys_projects(client: Client, db: None) -> None:
    _tree(2)
    own = Project.objects.filter(region__name="第1市1县").first()
    other = Project.objects.filter(region__name="第1市2县").first()
    assert own is not None and other is not None
    client.force_login(_in(make_user("county_clerk", "录入员", None), "第1市1县"))
    assert client.get(f"/projects/{own.pk}/").status_code == 200
    for url in (f"/projects/{other.pk}/", f"/projects/{other.pk}/edit/", f"/projects/{other.pk}/investment/"):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/projects/{other.pk}/notes/new/", {"date": "2023-05-01", "text": "越权", "source": ""})
    assert response.status_code == 404
    figure = ProjectInvestment.objects.get(project=other)
    assert client.post(f"/projects/review/investment/{figure.pk}/submit/").status_code == 404
    # The list, the export and the review queue hold the county's projects only, whatever ?region= asks for.
    names = {p.region.name for p in client.get("/projects/").context["table"].data}
    assert names == {"第1市1县"}
    other_county = Region.objects.get(name="第1市2县")
    assert {p.region.name for p in client.get(f"/projects/?region={other_county.pk}").context["table"].data} == {
        "第1市1县"
    }
    queue = client.get("/projects/review/").context["queue"]
    assert {row.figure.project.region.name for row in queue.drafts} == {"第1市1县"}


def test_a_reviewer_cannot_approve_another_countys_figure(client: Client, db: None) -> None:
    _tree(2)
    other = ProjectInvestment.objects.filter(project__region__name="第1市2县", status=ReviewStatus.DRAFT).first()
    assert other is not None
    client.force_login(_in(make_user("county_reviewer", "审核员", None), "第1市1县"))
    assert client.post(f"/projects/review/investment/{other.pk}/approve/").status_code == 404


def test_a_city_leader_reads_the_citys_counties_projects_not_another_citys(client: Client, db: None) -> None:
    _tree(2)
    client.force_login(_in(make_user("city_leader", "领导", None), "第1市"))
    names = {p.region.name for p in client.get("/projects/").context["table"].data}
    assert names == {"第1市1县", "第1市2县"}  # the city's subtree by default (its home region)
    elsewhere = Project.objects.filter(region__name="第2市1县").first()
    assert elsewhere is not None
    assert client.get(f"/projects/{elsewhere.pk}/").status_code == 404
    choices = [
        label.strip("\u3000") for _, label in client.get("/projects/").context["scope"].form["region"].field.choices
    ]
    assert choices == ["第1市", "第1市1县", "第1市2县"]


def test_the_dashboard_sums_the_chosen_regions_subtree_with_a_row_per_lower_region(
    client: Client, province_user: User
) -> None:
    province = _tree(3)
    client.force_login(province_user)
    response = client.get(f"/projects/dashboard/?region={province.pk}&year=2023")
    data, regional = response.context["data"], response.context["regional"]
    assert data.summary.project_count == 12 and data.summary.planned == Decimal(12)  # approved figures only
    assert [(r.region.name, r.project_count, r.planned) for r in regional.rows] == [
        ("第1市", 6, Decimal(6)),
        ("第2市", 6, Decimal(6)),
    ]
    assert "按下级行政区划" in response.content.decode()
    city = Region.objects.get(name="第2市")
    response = client.get(f"/projects/dashboard/?region={city.pk}&year=2023")
    assert response.context["data"].summary.project_count == 6
    assert [r.region.name for r in response.context["regional"].rows] == ["第2市1县", "第2市2县", "第2市3县"]
    county = Region.objects.get(name="第2市1县")
    response = client.get(f"/projects/dashboard/?region={county.pk}&year=2023")
    assert response.context["data"].summary.project_count == 2 and response.context["regional"] is None
    # A city user lands on their city.
    client.force_login(_in(make_user("city_user", "领导", None), "第1市"))
    response = client.get("/projects/dashboard/?year=2023")
    assert response.context["scope"].region.name == "第1市" and response.context["data"].summary.project_count == 6


@pytest.mark.parametrize("size", [2, 25])
def test_dashboard_of_a_province_runs_the_same_queries_whatever_the_number_of_counties(
    client: Client, province_user: User, size: int
) -> None:
    province = _tree(size)
    client.force_login(province_user)
    with CaptureQueriesContext(connection) as context:
        response = client.get(f"/projects/dashboard/?region={province.pk}&year=2023")
    assert response.status_code == 200 and response.context["data"].summary.project_count == 4 * size
    # session, user, home region, region tree, groups (preview switch), the dashboard's eight (stage, year,
    # domains ×2, summary records, investment by year/level/batch, years, batches), the two per-region aggregates
    assert len(context.captured_queries) == 15
