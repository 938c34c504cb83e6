"""Region-scoped roles and the region chooser (issue 12): a user acts inside a region subtree."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from indicators import roles
from indicators.models import Department, Observation, Plan, Region, ReviewStatus
from tests.conftest import make_user
from tests.entry_support import SmallPlan, build_small_plan


def _county_plan(county: Region, name: str) -> SmallPlan:
    stats = Department.objects.get_or_create(region=county, name="区统计局")[0]
    hr = Department.objects.get_or_create(region=county, name="区人社局")[0]
    return build_small_plan(county, stats, hr, name=name)


@pytest.fixture
def counties(region: Region, county2: Region, other_city_leader: User) -> dict[str, SmallPlan]:
    far = Region.objects.create(name="平桥区", parent=Region.objects.get(name="信阳市"))
    return {
        "卧龙区": _county_plan(region, "卧龙区规划"),
        "宛城区": _county_plan(county2, "宛城区规划"),
        "平桥区": _county_plan(far, "平桥区规划"),
    }


def _submitted(small: SmallPlan) -> Observation:
    return Observation.objects.create(
        series=small.gdp.measured_series, year=2023, value=Decimal("5.1"), decimals=1, status=ReviewStatus.SUBMITTED
    )


def test_a_county_reviewer_cannot_approve_another_countys_figure(
    client: Client, counties: dict[str, SmallPlan], county2_reviewer: User
) -> None:
    theirs = _submitted(counties["卧龙区"])
    own = _submitted(counties["宛城区"])
    client.force_login(county2_reviewer)
    assert client.post(f"/indicators/observation/{theirs.pk}/approve/", {"version": "1"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ReviewStatus.SUBMITTED
    assert client.post(f"/indicators/observation/{own.pk}/approve/", {"version": "1"}).status_code == 302
    own.refresh_from_db()
    assert own.status == ReviewStatus.APPROVED


def test_the_review_queue_lists_only_the_reviewers_regions(
    client: Client, counties: dict[str, SmallPlan], county2_reviewer: User
) -> None:
    _submitted(counties["卧龙区"])
    own = _submitted(counties["宛城区"])
    client.force_login(county2_reviewer)
    rows = client.get("/indicators/review/").context["rows"]
    assert [r.observation.pk for r in rows] == [own.pk]


@pytest.mark.parametrize(
    ("persona", "readable"),
    [
        ("city_leader", {"卧龙区", "宛城区"}),
        ("other_city_leader", {"平桥区"}),
        ("leader", {"卧龙区", "宛城区", "平桥区"}),  # no home region: the whole tree
        ("county2_reviewer", {"宛城区"}),
    ],
)
def test_a_leader_reads_inside_the_scope_only(
    client: Client,
    counties: dict[str, SmallPlan],
    request: pytest.FixtureRequest,
    persona: str,
    readable: set[str],
) -> None:
    client.force_login(request.getfixturevalue(persona))
    for county, small in counties.items():
        status = client.get(f"/indicator/{small.gdp.pk}/?as_of=2022").status_code
        assert status == (200 if county in readable else 404), county
        page = client.get(f"/appendix/1/?plan={small.plan.pk}&as_of=2022")
        shown = page.context["selection"].plan
        assert (shown == small.plan) == (county in readable), county


def test_users_land_on_their_home_region_and_choose_among_their_regions(
    client: Client, counties: dict[str, SmallPlan], county2_reviewer: User, city_leader: User
) -> None:
    client.force_login(county2_reviewer)
    selection = client.get("/").context["selection"]
    assert selection.plan == counties["宛城区"].plan
    assert [c.region.name for c in selection.regions] == ["宛城区"]
    client.force_login(city_leader)
    page = client.get("/")
    selection = page.context["selection"]
    assert selection.plan is None and selection.region.name == "南阳市"
    assert [(c.indent + c.region.name) for c in selection.regions] == ["南阳市", "\u3000卧龙区", "\u3000宛城区"]
    assert "南阳市尚无规划" in page.content.decode()
    county = Region.objects.get(name="宛城区")
    page = client.get(f"/?region={county.pk}")
    assert page.context["selection"].plan == counties["宛城区"].plan
    assert "宛城区 · 宛城区规划" in page.content.decode()


def test_a_region_outside_the_scope_falls_back_with_a_warning(
    client: Client, counties: dict[str, SmallPlan], county2_reviewer: User
) -> None:
    client.force_login(county2_reviewer)
    far = Region.objects.get(name="平桥区")
    page = client.get(f"/?region={far.pk}")
    assert page.context["selection"].plan == counties["宛城区"].plan
    assert "未找到所选行政区划，或它不在您的查看范围内，已改为显示河南省南阳市宛城区" in page.content.decode()


def test_scope_is_a_region_subtree(counties: dict[str, SmallPlan], city_leader: User) -> None:
    names = set(Region.objects.filter(pk__in=roles.scope_region_ids(city_leader) or ()).values_list("name", flat=True))
    assert names == {"南阳市", "卧龙区", "宛城区"}
    root = make_user("root", None, None, is_superuser=True)
    assert roles.scope_region_ids(root) is None
    assert set(roles.scoped(Plan.objects.all(), city_leader)) == {counties["卧龙区"].plan, counties["宛城区"].plan}


def test_a_user_without_home_region_lands_where_the_plans_meet(
    client: Client, counties: dict[str, SmallPlan], leader: User
) -> None:
    client.force_login(leader)
    page = client.get("/")
    selection = page.context["selection"]
    assert selection.plan is None and selection.region.name == "河南省"  # 南阳市's and 信阳市's counties
    assert "河南省尚无规划" in page.content.decode() and 'class="rollup-link"' in page.content.decode()


def test_a_reviewer_cannot_write_a_reason_for_another_countys_indicator(
    client: Client, counties: dict[str, SmallPlan], county2_reviewer: User
) -> None:
    from reports.models import ReasonNote

    theirs = counties["卧龙区"].gdp
    client.force_login(county2_reviewer)
    response = client.post("/appendix/2/", {"indicator": theirs.pk, "as_of": "2022", "text": "原因"})
    assert response.status_code == 404
    assert not ReasonNote.objects.exists()


def test_bulk_approval_never_reaches_another_county(
    client: Client, counties: dict[str, SmallPlan], county2_reviewer: User
) -> None:
    """A county reviewer posting another county's figure to 通过所选 approves nothing of it."""
    theirs = _submitted(counties["卧龙区"])
    own = _submitted(counties["宛城区"])
    client.force_login(county2_reviewer)
    client.post(
        "/indicators/review/approve-selected/",
        {"chosen": [str(theirs.pk), str(own.pk)], f"version-{theirs.pk}": "1", f"version-{own.pk}": "1"},
    )
    theirs.refresh_from_db()
    assert theirs.status == ReviewStatus.SUBMITTED


def test_a_department_filter_outside_the_users_region_is_404(
    client: Client, stats_department: Department, county2_reviewer: User, reviewer: User
) -> None:
    """The review page's department filter goes through the getter: another county's department is not found."""
    client.force_login(county2_reviewer)
    response = client.get("/indicators/review/", {"department": stats_department.pk})
    assert response.status_code == 404
    assert client.post("/indicators/review/approve-selected/", {"department": stats_department.pk}).status_code == 404
    client.force_login(reviewer)
    assert client.get("/indicators/review/", {"department": stats_department.pk}).status_code == 200


def test_the_entry_grid_lists_only_the_plans_of_the_users_scope(
    client: Client, counties: dict[str, SmallPlan], region: Region
) -> None:
    """An admin may enter any series, but only inside their subtree: a county admin's grid holds their county."""
    county_admin = make_user("county_admin", "管理员", None)
    from indicators.models import StaffProfile

    StaffProfile.objects.filter(user=county_admin).update(region=region)
    client.force_login(county_admin)
    response = client.get("/indicators/entry/")
    assert response.status_code == 200
    assert [p.name for p in response.context["grid"].plans] == ["卧龙区规划"]
    client.force_login(make_user("root", None, None, is_superuser=True))
    assert len(client.get("/indicators/entry/").context["grid"].plans) == 3
