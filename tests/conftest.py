from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection, transaction

from indicators.models import Department, Plan, Region, StaffProfile
from indicators.seed import load_plan_fixture, region_path
from tests.entry_support import SmallPlan, build_small_plan

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
PLAN_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "wolong_14th_plan.json"


def pytest_configure(config: pytest.Config) -> None:
    # PBKDF2 with its production work factor dominated the suite's time (every persona hashes a password);
    # tests check who may do what, not the hash, so a fast hasher is enough here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_report_header(config: pytest.Config) -> str:
    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''} {db['NAME']}"


_DB_SERVER: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def _record_database_server(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """Remember the live database server so the end of the test log shows PostgreSQL really ran."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:  # type: ignore[attr-defined]
        if connection.vendor == "postgresql":
            cursor.execute("select version()")
            _DB_SERVER.append(cursor.fetchone()[0])
        else:
            _DB_SERVER.append(f"{connection.vendor} {connection.Database.sqlite_version}")  # type: ignore[attr-defined]


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)  # an xdist worker: tell the controller
    if workeroutput is not None and _DB_SERVER:
        workeroutput["database_server"] = _DB_SERVER[0]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """(xdist's controller) A worker finished: keep the server it used for the summary."""
    server = getattr(node, "workeroutput", {}).get("database_server")
    if server and not _DB_SERVER:
        _DB_SERVER.append(server)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _DB_SERVER:
        terminalreporter.write_line(f"database server used by the tests: {_DB_SERVER[0]}")


@pytest.fixture(scope="module")
def plan_14th_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[int]:
    """The fixture plan loaded once for a whole module (its pk), like Django's ``setUpTestData``.

    A module opts in with ``pytestmark = pytest.mark.usefixtures("plan_14th_once")``: the plan is loaded in a
    transaction held open over the module and rolled back at its end, and every test runs in a savepoint
    inside it (pytest-django's ``db``), so a test's writes are still undone before the next one. Not for
    modules with transactional or live-server tests, which need committed data.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        load_plan_fixture(PLAN_FIXTURE)
        pk = Plan.objects.get(short_name="十四五").pk
    yield pk
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def plan_14th(request: pytest.FixtureRequest, db: None) -> Plan:
    """The real 十四五 plan of the seeds, loaded from fixtures/ (once per module where the module opts in)."""
    if "plan_14th_once" in request.fixturenames:
        return Plan.objects.get(pk=request.getfixturevalue("plan_14th_once"))  # a fresh instance each test
    load_plan_fixture(PLAN_FIXTURE)
    return Plan.objects.get(short_name="十四五")


def make_user(username: str, role: str | None, department: Department | None = None, **extra: object) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-1234", **extra)  # type: ignore[arg-type]
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    StaffProfile.objects.create(user=user, department=department)
    return user


@pytest.fixture
def region(db: None) -> Region:
    # The same tree as the fixtures' plans (河南省 → 南阳市 → 卧龙区), so region scopes meet (issue 12).
    return region_path(["河南省", "南阳市", "卧龙区"])


# --- personas (issue 5): the fixed cast of the permission matrix ------------------------------------
# A clerk of 区统计局, a clerk of another department (区人社局), a reviewer, a leader and an admin (by
# group, not superuser). Departments are in the ``region`` fixture's 卧龙区.


@pytest.fixture
def stats_department(region: Region) -> Department:
    return Department.objects.get_or_create(region=region, name="区统计局")[0]


@pytest.fixture
def hr_department(region: Region) -> Department:
    return Department.objects.get_or_create(region=region, name="区人社局")[0]


@pytest.fixture
def small(region: Region, stats_department: Department, hr_department: Department) -> SmallPlan:
    """A plan built in code: GDP and urbanisation (区统计局), new jobs (区人社局); see tests/entry_support.py."""
    return build_small_plan(region, stats_department, hr_department)


@pytest.fixture
def anonymous() -> None:
    return None


@pytest.fixture
def clerk(stats_department: Department) -> User:
    return make_user("clerk", "录入员", stats_department, first_name="统计局录入员")


@pytest.fixture
def other_clerk(hr_department: Department) -> User:
    return make_user("other_clerk", "录入员", hr_department, first_name="人社局录入员")


@pytest.fixture
def reviewer(region: Region) -> User:
    drc = Department.objects.get_or_create(region=region, name="区发改委")[0]
    return make_user("reviewer", "审核员", drc, first_name="发改委审核员")


@pytest.fixture
def leader(db: None) -> User:
    return make_user("leader", "领导", None, first_name="区领导")


@pytest.fixture
def admin(db: None) -> User:
    return make_user("plan_admin", "管理员", None, first_name="系统管理员", is_staff=True)


# --- region scopes (issue 12): a second county of the same city, the city itself, another city ------------


@pytest.fixture
def county2(region: Region) -> Region:
    return Region.objects.get_or_create(name="宛城区", parent=region.parent)[0]


@pytest.fixture
def county2_reviewer(county2: Region) -> User:
    drc = Department.objects.get_or_create(region=county2, name="区发改委")[0]
    return make_user("county2_reviewer", "审核员", drc, first_name="宛城区审核员")


@pytest.fixture
def city_leader(region: Region) -> User:
    user = make_user("city_leader", "领导", None, first_name="市领导")
    StaffProfile.objects.filter(user=user).update(region=region.parent)
    return user


@pytest.fixture
def other_city_leader(region: Region) -> User:
    other_city = Region.objects.get_or_create(name="信阳市", parent=region.parent.parent if region.parent else None)[0]
    user = make_user("other_city_leader", "领导", None, first_name="信阳市领导")
    StaffProfile.objects.filter(user=user).update(region=other_city)
    return user
