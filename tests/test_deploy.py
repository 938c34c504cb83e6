"""Production settings: secure by default, switchable for a plain-http intranet, Chinese error pages, CSP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k3y-" + "aZ9!x" * 12
# Variables a production host might not have; stripped so the subprocess sees only what each test sets.
OURS = {
    "DATABASE_URL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "HTTPS",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "PROXY_SSL_HEADER",
    "ADMINS",
    "LOG_FILE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests' conftest for their own process
}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in OURS}
    base.update({"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "monitor.example.gov.cn"}, **env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120, check=False
    )


def _settings(env: dict[str, str], *names: str) -> dict[str, object]:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=str))"
    )
    proc = _run({"DJANGO_SETTINGS_MODULE": "wolong.settings", **env}, "-c", code)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_only_secret_key_and_allowed_hosts() -> None:
    proc = _run({}, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_plain_http_intranet_switches_the_https_settings_off() -> None:
    secure = _settings({}, "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
    assert secure == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }
    plain = _settings(
        {"HTTPS": "0"}, "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"
    )
    assert plain == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
    }


def test_proxy_ssl_header_and_error_mail_come_from_the_environment(tmp_path: Path) -> None:
    log_file = tmp_path / "wolong.log"
    values = _settings(
        {"PROXY_SSL_HEADER": "X-Forwarded-Proto", "ADMINS": "it@example.gov.cn", "LOG_FILE": str(log_file)},
        "SECURE_PROXY_SSL_HEADER",
        "ADMINS",
        "LOGGING",
    )
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["ADMINS"] == [["it@example.gov.cn", "it@example.gov.cn"]]
    logging = values["LOGGING"]
    assert isinstance(logging, dict)
    assert logging["root"]["handlers"] == ["console", "file", "mail_admins"]
    assert logging["handlers"]["file"]["filename"] == str(log_file)
    assert _settings({}, "SECURE_PROXY_SSL_HEADER") == {"SECURE_PROXY_SSL_HEADER": None}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PROXY_SSL_HEADER": "X-Forwarded-Proto: https"}, "PROXY_SSL_HEADER must be an HTTP header name"),
        ({"ADMINS": "it-department"}, "ADMINS must be comma-separated e-mail addresses"),
        ({"SECURE_HSTS_SECONDS": "a year"}, "SECURE_HSTS_SECONDS must be a whole number"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be"),
    ],
)
def test_bad_production_values_stop_start_up(env: dict[str, str], message: str) -> None:
    proc = _run(env, "manage.py", "check")
    assert proc.returncode != 0
    assert message in proc.stderr


def test_pages_carry_a_content_security_policy(client: Client, leader: object) -> None:
    client.force_login(leader)  # type: ignore[arg-type]
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_bad_host_gets_the_chinese_400_page(client: Client, db: None) -> None:
    response = client.get("/accounts/login/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_server_error_page_is_chinese_and_needs_no_context() -> None:
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "服务器出错" in body and "Server Error" not in body


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Wolong-2025", "密码太短：至少需要 12 个字符。"),
        ("123456789012345", "密码只包含数字。"),
        ("password12345", "这个密码太常见了。"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(password: str, message: str) -> None:
    with translation.override(settings.LANGUAGE_CODE), pytest.raises(ValidationError) as caught:
        validate_password(password)
    assert message in caught.value.messages


def test_a_long_unusual_password_passes() -> None:
    validate_password("卧龙区-监测-2025-春")


def test_the_removed_four_eyes_variable_fails_loudly() -> None:
    """Four eyes is a plan setting now; a leftover FOUR_EYES=0 must not look as if it still switched it off."""
    proc = _run({"FOUR_EYES": "0"}, "manage.py", "check")
    assert proc.returncode != 0
    assert "Plan.four_eyes" in proc.stderr
