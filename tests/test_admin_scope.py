"""Admins administer their subtree (issue 12): the Django admin lists, opens and offers only their scope."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from indicators.models import Plan, Region, StaffProfile
from projects.models import Project
from tests.conftest import make_user


@pytest.fixture
def tree(db: None) -> dict[str, Region]:
    province = Region.objects.create(name="测试省")
    regions = {"省": province}
    for c in (1, 2):
        city = Region.objects.create(name=f"第{c}市", parent=province)
        regions[city.name] = city
        county = Region.objects.create(name=f"第{c}市1县", parent=city)
        regions[county.name] = county
        Plan.objects.create(name=f"{county.name}十四五规划", region=county, base_year=2020, end_year=2025)
        Project.objects.create(region=county, name=f"{county.name}项目", domain="urban", total_investment=Decimal(1))
    return regions


def _city_admin(tree: dict[str, Region]) -> User:
    user = make_user("city_admin", "管理员", None, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["indicators", "projects"]))
    StaffProfile.objects.filter(user=user).update(region=tree["第1市"])
    return user


def test_a_city_admin_administers_the_citys_subtree_only(client: Client, tree: dict[str, Region]) -> None:
    client.force_login(_city_admin(tree))
    listed = client.get("/admin/indicators/plan/").context["cl"].result_list
    assert [p.name for p in listed] == ["第1市1县十四五规划"]
    assert [p.name for p in client.get("/admin/projects/project/").context["cl"].result_list] == ["第1市1县项目"]
    regions = [r.name for r in client.get("/admin/indicators/region/").context["cl"].result_list]
    assert sorted(regions) == ["第1市", "第1市1县"]
    elsewhere = Plan.objects.get(region=tree["第2市1县"])
    # Another city's plan does not exist for them: the admin sends them back to the index.
    assert client.get(f"/admin/indicators/plan/{elsewhere.pk}/change/").status_code == 302
    # The region choices of a new plan are the city's subtree.
    form = client.get("/admin/indicators/plan/add/").context["adminform"].form
    assert sorted(r.name for r in form.fields["region"].queryset) == ["第1市", "第1市1县"]
    response = client.post(
        "/admin/indicators/plan/add/",
        {"name": "越权规划", "region": tree["第2市1县"].pk, "base_year": 2020, "end_year": 2025},
    )
    assert response.status_code == 200 and not Plan.objects.filter(name="越权规划").exists()


def test_a_superuser_administers_everything(client: Client, tree: dict[str, Region]) -> None:
    client.force_login(make_user("root", None, None, is_staff=True, is_superuser=True))
    assert len(client.get("/admin/indicators/plan/").context["cl"].result_list) == 2


def test_a_city_admin_manages_the_profiles_of_the_city_only(client: Client, tree: dict[str, Region]) -> None:
    """A profile's region is its own, or its department's: the city's own staff (region, no department) and the
    county's departments are listed; another city's staff and unrestricted users are not, nor offered."""
    from indicators.models import Department

    admin_user = _city_admin(tree)
    ours = Department.objects.create(region=tree["第1市1县"], name="一县统计局")
    theirs = Department.objects.create(region=tree["第2市1县"], name="二县统计局")
    make_user("county_clerk", "录入员", ours)
    make_user("other_clerk", "录入员", theirs)
    city_leader = make_user("city_leader", "领导", None)
    StaffProfile.objects.filter(user=city_leader).update(region=tree["第1市"])
    province_leader = User.objects.create_user("province_leader", password="pw-for-tests-1234")
    province_leader.groups.add(*city_leader.groups.all())  # a role, no profile: unrestricted
    newcomer = User.objects.create_user("newcomer", password="pw-for-tests-1234")
    client.force_login(admin_user)

    listed = client.get("/admin/indicators/staffprofile/").context["cl"].result_list
    assert sorted(p.user.username for p in listed) == ["city_admin", "city_leader", "county_clerk"]
    other = StaffProfile.objects.get(user__username="other_clerk")
    assert client.get(f"/admin/indicators/staffprofile/{other.pk}/change/").status_code == 302
    form = client.get("/admin/indicators/staffprofile/add/").context["adminform"].form
    offered = sorted(u.username for u in form.fields["user"].queryset)
    assert offered == ["city_admin", "city_leader", "county_clerk", "newcomer"]
    assert sorted(r.name for r in form.fields["region"].queryset) == ["第1市", "第1市1县"]
    response = client.post("/admin/indicators/staffprofile/add/", {"user": province_leader.pk, "region": ""})
    assert response.status_code == 200 and not StaffProfile.objects.filter(user=province_leader).exists()
    response = client.post("/admin/indicators/staffprofile/add/", {"user": newcomer.pk, "region": tree["第1市1县"].pk})
    assert response.status_code == 302
    assert StaffProfile.objects.get(user=newcomer).region == tree["第1市1县"]


def _fresh_scope(user: User) -> frozenset[int] | None:
    from indicators.roles import scope_region_ids

    return scope_region_ids(User.objects.get(pk=user.pk))  # a fresh instance: the scope is cached per instance


def test_a_city_admin_cannot_widen_a_scope_through_a_profile(client: Client, tree: dict[str, Region]) -> None:
    """A profile without a home region makes its user unrestricted: a scoped admin can neither save one (their
    own included), nor delete a profile, nor move a profile to another user."""
    from indicators.admin import PROFILE_NEEDS_REGION
    from indicators.models import Department

    admin_user = _city_admin(tree)
    ours = Department.objects.create(region=tree["第1市1县"], name="一县统计局")
    clerk = make_user("county_clerk", "录入员", ours)
    newcomer = User.objects.create_user("newcomer", password="pw-for-tests-1234")
    client.force_login(admin_user)
    own = StaffProfile.objects.get(user=admin_user)

    response = client.post(f"/admin/indicators/staffprofile/{own.pk}/change/", {"department": "", "region": ""})
    assert response.status_code == 200 and PROFILE_NEEDS_REGION in response.content.decode()
    assert _fresh_scope(admin_user) is not None
    other_city = tree["第2市"].pk
    response = client.post(f"/admin/indicators/staffprofile/{own.pk}/change/", {"department": "", "region": other_city})
    assert response.status_code == 200 and StaffProfile.objects.get(pk=own.pk).region == tree["第1市"]
    assert "选择一个有效的选项" in response.content.decode()  # another city is not among the choices

    profile = StaffProfile.objects.get(user=clerk)
    assert client.post(f"/admin/indicators/staffprofile/{profile.pk}/delete/", {"post": "yes"}).status_code == 403
    assert StaffProfile.objects.filter(user=clerk).exists()
    client.post(
        f"/admin/indicators/staffprofile/{profile.pk}/change/",
        {"user": newcomer.pk, "department": ours.pk, "region": ""},
    )
    assert StaffProfile.objects.get(pk=profile.pk).user == clerk  # the user field is read-only when editing
    assert _fresh_scope(clerk) is not None


def test_an_unrestricted_admin_may_still_leave_a_profile_without_region(
    client: Client, tree: dict[str, Region]
) -> None:
    client.force_login(make_user("root", None, None, is_staff=True, is_superuser=True))
    leader = make_user("province_leader", "领导", None)
    profile = StaffProfile.objects.get(user=leader)
    response = client.post(
        f"/admin/indicators/staffprofile/{profile.pk}/change/", {"user": leader.pk, "department": "", "region": ""}
    )
    assert response.status_code == 302 and _fresh_scope(leader) is None
