"""Every page requires login except the login page and static files."""

import pytest
from django.test import Client

from indicators.models import Indicator, Plan
from tests.conftest import make_user


@pytest.mark.parametrize("url", ["/", "/admin/", "/admin/indicators/observation/"])
def test_anonymous_is_sent_to_login(client: Client, db: None, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_login_page_is_public_and_chinese(client: Client, db: None) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "用户名" in response.content.decode()


def test_plotly_js_is_served_from_our_static_files(client: Client, db: None) -> None:
    response = client.get("/static/vendor/plotly.min.js")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    assert b"plotly" in body[:2000].lower()


def test_wrong_password_shows_chinese_error_and_lockout_after_five(client: Client, db: None) -> None:
    make_user("tongji", "录入员")
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": "tongji", "password": "wrong"})
        assert response.status_code == 200
        assert "请输入一个正确的" in response.content.decode()
    response = client.post("/accounts/login/", {"username": "tongji", "password": "wrong"})
    assert "已暂时锁定" in response.content.decode()
    # even the right password is refused while locked
    response = client.post("/accounts/login/", {"username": "tongji", "password": "pw-for-tests-1234"})
    assert "已暂时锁定" in response.content.decode()


def test_admin_lists_all_21_rows_with_their_numbers(client: Client, plan_14th: Plan) -> None:
    admin = make_user("boss", "管理员", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/indicators/indicator/", {"plan__id__exact": str(plan_14th.pk), "all": ""})
    body = response.content.decode()
    assert response.status_code == 200
    leaves = Indicator.objects.of_plan(plan_14th).filter(children__isnull=True)
    assert leaves.count() == 21
    for indicator in leaves:
        assert indicator.name in body
    response = client.get("/admin/indicators/observation/", {"q": "地区生产总值增长"})
    body = response.content.decode()
    for printed in ("3.4", "9.1", "4.0", "4.2"):
        assert f">{printed}<" in body


def test_messages_stay_chinese_for_an_english_browser(client: Client, db: None) -> None:
    response = client.post(
        "/accounts/login/", {"username": "nobody", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )
    body = response.content.decode()
    assert "请输入一个正确的" in body
    assert "Please enter" not in body


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("领导", [], ["数据录入", ">审核<", "项目审核", "规划管理"]),
        ("录入员", ["数据录入", "项目审核"], [">审核<", "规划管理"]),
        ("审核员", [">审核<", "项目审核"], ["数据录入", "规划管理"]),
        ("管理员", ["数据录入", ">审核<", "项目审核", "规划管理"], []),
    ],
)
def test_navigation_shows_only_sections_the_role_can_use(
    client: Client, db: None, role: str, shown: list[str], hidden: list[str]
) -> None:
    client.force_login(make_user("someone", role))
    nav = client.get("/context/").content.decode().split('<nav class="mainnav"', 1)[1].split("</nav>", 1)[0]
    for label in shown:
        assert label in nav, label
    for label in hidden:
        assert label not in nav, label
