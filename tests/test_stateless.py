"""Several app servers: import previews wait in the database, and the optional replica router sends only
read-only report pages to the replica (never sessions, users or writes)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import resolve

from indicators.models import Indicator, Plan
from tests.test_import import empty_plan_like, export
from wolong.replica import ReplicaMiddleware, ReplicaRouter


def test_import_preview_is_confirmed_from_another_server(plan_14th: Plan, admin: User) -> None:
    """The preview is kept in the database: a confirm served by a process that never saw the file works."""
    target = empty_plan_like(plan_14th)
    preview_server = Client()
    preview_server.force_login(admin)
    file = io.BytesIO(export(plan_14th))
    file.name = "附件1.xlsx"
    response = preview_server.post(f"/indicators/plan/{target.pk}/import/", {"file": file})
    token = response.context["token"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM wolong_import_previews")
        assert cursor.fetchone()[0] == 1

    # "another server": a fresh client carrying only the session cookie (sessions live in the database too)
    other_server = Client()
    other_server.cookies = preview_server.cookies
    response = other_server.post(f"/indicators/plan/{target.pk}/import/confirm/", {"token": token}, follow=True)
    assert any(str(m).startswith("导入完成") for m in response.context["messages"])
    assert Indicator.objects.filter(plan=target).count() == 23
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM wolong_import_previews")
        assert cursor.fetchone()[0] == 0  # single use


def _routed(method: str, path: str, *, pinned: bool = False, user: Any = None) -> dict[str, str | None]:
    """Where the router sends reads of a domain model and of the user table while the view runs."""
    request: HttpRequest = getattr(RequestFactory(), method.lower())(path)
    request.session = SessionStore()
    if pinned:
        request.session["wolong_primary_until"] = 2**40
    request.user = user or AnonymousUser()
    request.resolver_match = resolve(path)
    seen: dict[str, str | None] = {}

    def view(request: HttpRequest) -> HttpResponse:
        router = ReplicaRouter()
        seen["indicator"] = router.db_for_read(Indicator)
        seen["user"] = router.db_for_read(User)
        return HttpResponse()

    def handler(request: HttpRequest) -> HttpResponse:  # what Django does between the middleware's calls
        middleware.process_view(request, view, (), {})
        return view(request)

    middleware = ReplicaMiddleware(handler)
    middleware(request)
    seen["after"] = ReplicaRouter().db_for_read(Indicator)
    return seen


@pytest.mark.parametrize(
    ("method", "path", "pinned", "indicator_reads"),
    [
        ("GET", "/appendix/1/", False, "replica"),
        ("GET", "/", False, "replica"),
        ("GET", "/projects/dashboard/", False, "replica"),
        ("GET", "/appendix/1/", True, None),  # the user wrote a moment ago: they read their own writes
        ("POST", "/appendix/2/", False, None),  # writes never
        ("GET", "/indicators/entry/", False, None),  # pages that write read from the primary
        ("GET", "/indicators/review/", False, None),
    ],
)
def test_replica_router(method: str, path: str, pinned: bool, indicator_reads: str | None, db: None) -> None:
    seen = _routed(method, path, pinned=pinned)
    assert seen["indicator"] == indicator_reads
    assert seen["user"] is None  # users, sessions, lockouts: always the primary
    assert seen["after"] is None  # the mark ends with the request


def test_a_write_pins_the_user_to_the_primary(admin: User) -> None:
    request = RequestFactory().post("/appendix/2/")
    request.session = SessionStore()
    request.user = admin
    ReplicaMiddleware(lambda r: HttpResponse())(request)
    assert request.session["wolong_primary_until"] > 0


def test_writes_and_migrations_go_to_the_primary() -> None:
    router = ReplicaRouter()
    assert router.db_for_write(Indicator) == "default"
    assert router.allow_migrate("replica", "indicators") is False
    assert router.allow_migrate("default", "indicators") is True
