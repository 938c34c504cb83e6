"""Bad settings values stop start-up with a message that names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from wolong.settings import database_config, env_bool, env_list, secret_key

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), ("on", True), ("0", False), ("false", False), ("", False)],
)
def test_env_bool_accepts_usual_spellings(raw: str, expected: bool) -> None:
    assert env_bool({"DEBUG": raw}, "DEBUG", default=not expected) is expected


@pytest.mark.parametrize("raw", ["ture", "2", "maybe", "真"])
def test_env_bool_refuses_anything_else(raw: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be one of"):
        env_bool({"DEBUG": raw}, "DEBUG", default=False)


def test_allowed_hosts_refuses_empty_items() -> None:
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        env_list({"ALLOWED_HOSTS": "a.example,,b.example"}, "ALLOWED_HOSTS", default=[])


def test_secret_key_required_without_debug() -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        secret_key({}, debug=False)
    assert secret_key({}, debug=True)
    with pytest.raises(ImproperlyConfigured, match="at least 32"):
        secret_key({"SECRET_KEY": "short"}, debug=False)


def test_database_url_defaults_to_sqlite(tmp_path: Path) -> None:
    assert database_config({}, tmp_path)["ENGINE"] == "django.db.backends.sqlite3"


@pytest.mark.parametrize("url", ["mysql://root@localhost/db", "nonsense", "postgres://user@host:5432"])
def test_database_url_refuses_unusable_values(url: str, tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_config({"DATABASE_URL": url}, tmp_path)


def test_connection_age_must_be_whole_seconds(tmp_path: Path) -> None:
    url = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/wolong"}
    assert database_config({**url, "DB_CONN_MAX_AGE": "0"}, tmp_path)["CONN_MAX_AGE"] == 0
    with pytest.raises(ImproperlyConfigured, match="DB_CONN_MAX_AGE"):
        database_config({**url, "DB_CONN_MAX_AGE": "a minute"}, tmp_path)


def test_postgres_url_is_parsed(tmp_path: Path) -> None:
    config = database_config({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/wolong"}, tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "wolong"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "perhaps"}, "DEBUG must be one of"),
        ({"DEBUG": "0", "SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL must start with"),
        ({"DEBUG": "0", "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
    ],
)
def test_manage_py_stops_with_clear_message(env: dict[str, str], message: str) -> None:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    base.update({"SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "localhost"})
    base.update(env)
    proc = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode != 0
    assert message in proc.stderr


@pytest.mark.django_db
def test_the_installations_region_names_the_product(client: object, settings: object) -> None:
    """SITE_REGION: a city running its own copy sees its own name in the header, the title and the login page."""
    from django.test import Client

    assert isinstance(client, Client)
    page = client.get("/accounts/login/").content.decode()
    assert "卧龙区发展和改革委员会" in page and "卧龙区规划指标监测平台" in page
    settings.SITE_REGION = "南阳市"  # type: ignore[attr-defined]
    page = client.get("/accounts/login/").content.decode()
    assert "南阳市发展和改革委员会" in page and "南阳市规划指标监测平台" in page and "· 南阳市发改委</title>" in page
    assert "卧龙区" not in page


@pytest.mark.django_db
def test_pages_name_their_icon_so_browsers_ask_no_favicon_ico(client: object) -> None:
    from django.contrib.staticfiles import finders
    from django.test import Client

    assert isinstance(client, Client)
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get("/accounts/login/").content.decode()
    assert finders.find("favicon.svg")
