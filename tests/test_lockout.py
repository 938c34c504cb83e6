"""Login lockout holds: per account across addresses, per address across accounts, real client address only
from a configured proxy, and an admin unlocks from the 登录锁定 page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from indicators.lockouts import FORBIDDEN, UNLOCKED_ACCOUNT
from tests.conftest import make_user
from wolong.client_ip import client_ip

PASSWORD = "pw-for-tests-1234"
LOCKED = "已暂时锁定"
LIMIT = 5


def _login(client: Client, username: str, password: str, **meta: Any) -> str:
    return client.post("/accounts/login/", {"username": username, "password": password}, **meta).content.decode()


def _logged_in(client: Client, username: str, **meta: Any) -> bool:
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD}, **meta)
    return response.status_code == 302


def test_guesses_spread_over_addresses_still_lock_the_account(client: Client, clerk: User) -> None:
    for n in range(LIMIT):
        _login(client, "clerk", "wrong", REMOTE_ADDR=f"10.0.0.{n + 1}")
    # the right password from a fresh address is refused: the account is locked wherever the guesses came from
    assert LOCKED in _login(client, "clerk", PASSWORD, REMOTE_ADDR="10.0.9.9")


def test_one_address_guessing_many_accounts_is_locked(client: Client, clerk: User, other_clerk: User) -> None:
    for n in range(LIMIT):
        _login(client, f"someone{n}", "wrong", REMOTE_ADDR="10.0.0.66")
    assert LOCKED in _login(client, "clerk", PASSWORD, REMOTE_ADDR="10.0.0.66")
    # the accounts themselves are not locked: from another address the clerk logs in
    assert _logged_in(Client(), "other_clerk", REMOTE_ADDR="10.0.0.7")


def test_success_in_between_does_not_clear_the_count(client: Client, clerk: User, other_clerk: User) -> None:
    """An attacker with one valid account cannot reset the count of their address by logging in."""
    for n in range(LIMIT - 1):
        _login(client, "clerk", "wrong", REMOTE_ADDR="10.0.0.66")
        if n == 1:
            assert _logged_in(Client(), "other_clerk", REMOTE_ADDR="10.0.0.66")
    assert LOCKED in _login(client, "clerk", "wrong", REMOTE_ADDR="10.0.0.66")


@override_settings(CLIENT_IP_HEADER="HTTP_X_REAL_IP", TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_the_configured_proxy_each_client_is_counted_on_its_own(
    client: Client, clerk: User, other_clerk: User
) -> None:
    for n in range(LIMIT):
        _login(client, f"someone{n}", "wrong", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="192.168.5.20")
    # the guessing client is locked …
    assert LOCKED in _login(client, "clerk", PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="192.168.5.20")
    # … but the proxy's address is not: another client behind the same proxy logs in
    assert _logged_in(Client(), "other_clerk", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="192.168.5.21")


def test_without_configuration_a_client_cannot_choose_its_address(client: Client, clerk: User) -> None:
    for n in range(LIMIT):
        _login(client, f"someone{n}", "wrong", REMOTE_ADDR="10.0.0.66", HTTP_X_REAL_IP=f"172.16.0.{n}")
    assert LOCKED in _login(client, "clerk", PASSWORD, REMOTE_ADDR="10.0.0.66", HTTP_X_REAL_IP="172.16.0.99")


@pytest.mark.parametrize(
    ("configured", "remote", "header", "expected"),
    [
        (None, "10.0.0.5", "1.2.3.4", "10.0.0.5"),  # not configured: header ignored
        ("HTTP_X_REAL_IP", "127.0.0.1", "192.168.1.9", "192.168.1.9"),  # from the trusted proxy: believed
        ("HTTP_X_REAL_IP", "10.0.0.5", "192.168.1.9", "10.0.0.5"),  # from anyone else: ignored
        ("HTTP_X_REAL_IP", "127.0.0.1", "", "127.0.0.1"),  # proxy sent none: the proxy's address
        ("HTTP_X_REAL_IP", "127.0.0.1", "6.6.6.6, 192.168.1.9", "192.168.1.9"),  # the last hop is ours
    ],
)
def test_client_address(configured: str | None, remote: str, header: str, expected: str) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_REAL_IP=header)
    with override_settings(CLIENT_IP_HEADER=configured, TRUSTED_PROXIES=["127.0.0.1", "::1"]):
        assert client_ip(request) == expected


def test_admin_unlocks_a_locked_account_from_the_lockout_page(client: Client, clerk: User, admin: User) -> None:
    for n in range(LIMIT):
        _login(Client(), "clerk", "wrong", REMOTE_ADDR=f"10.0.0.{n + 1}")
    client.force_login(admin)
    page = client.get("/accounts/lockouts/")
    assert [(row.key, row.failures, row.locked) for row in page.context["accounts"]] == [("clerk", 5, True)]
    assert [(row.key, row.locked) for row in page.context["addresses"]][:2] == [
        ("10.0.0.1", False),
        ("10.0.0.2", False),
    ]

    response = client.post("/accounts/lockouts/reset/", {"username": "clerk"}, follow=True)
    assert UNLOCKED_ACCOUNT.format(name="clerk") in response.content.decode()
    assert _logged_in(Client(), "clerk", REMOTE_ADDR="10.0.0.1")


def test_admin_unlocks_an_address(client: Client, clerk: User, admin: User) -> None:
    for n in range(LIMIT):
        _login(Client(), f"someone{n}", "wrong", REMOTE_ADDR="10.0.0.66")
    client.force_login(admin)
    client.post("/accounts/lockouts/reset/", {"ip_address": "10.0.0.66"})
    assert _logged_in(Client(), "clerk", REMOTE_ADDR="10.0.0.66")


@pytest.mark.parametrize("persona", ["clerk", "reviewer", "leader"])
def test_only_admins_see_or_lift_lockouts(client: Client, persona: str, request: pytest.FixtureRequest) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/accounts/lockouts/")
    assert response.status_code == 403 and FORBIDDEN in response.content.decode()
    assert client.post("/accounts/lockouts/reset/", {"username": "clerk"}).status_code == 403


def test_anonymous_is_sent_to_login(client: Client, db: None) -> None:
    response = client.get("/accounts/lockouts/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("failing_accounts", [1, 12])
def test_lockout_page_query_count(client: Client, admin: User, failing_accounts: int) -> None:
    for n in range(failing_accounts):
        make_user(f"user{n}", None)
        _login(Client(), f"user{n}", "wrong", REMOTE_ADDR=f"10.1.0.{n + 1}")
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/accounts/lockouts/")
    assert response.status_code == 200
    # session, user, user's groups (role check), failures per account, failures per address
    assert len(queries) == 6, [q["sql"] for q in queries.captured_queries]  # 5 + the to-do counts (issue 14)


def test_the_lockout_records_have_chinese_names_in_the_admin(client: Client, db: None) -> None:
    client.force_login(make_user("root_names", None, None, is_staff=True, is_superuser=True))
    page = client.get("/admin/").content.decode()
    for name in ("登录锁定", "登录失败计数", "登录失败记录", "登录记录"):
        assert name in page
    assert "Access attempts" not in page and "Access logs" not in page
