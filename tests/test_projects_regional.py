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
