"""Optional read replica: read-only report pages may read the indicator and project tables from a streaming
replica when ``DATABASE_REPLICA_URL`` is set.

Only reads of the domain apps are routed, and only during a GET of a page in ``READ_ONLY_VIEWS``: sessions,
users and the login lockout always use the primary, and so does every write. A replica lags the primary by
a moment, so for ``PIN_SECONDS`` after a user's own write (any POST) their pages read from the primary:
they always see what they just saved.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
DOMAIN_APPS = frozenset({"indicators", "projects", "reports"})
READ_ONLY_VIEWS = frozenset(
    {
        "reports:home",
        "reports:appendix1",
        "reports:appendix1_xlsx",
        "reports:appendix2",
        "reports:narrative",
        "reports:indicator",
        "reports:context",
        "projects:list",
        "projects:export",
        "projects:dashboard",
        "projects:detail",
    }
)
PIN_SECONDS = 30
_PIN_KEY = "wolong_primary_until"
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_read_only: ContextVar[bool] = ContextVar("wolong_read_only_request", default=False)


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _read_only.get() and model._meta.app_label in DOMAIN_APPS:
            return REPLICA
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # both databases hold the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


class ReplicaMiddleware:
    """Marks the read-only page requests for the router; pins a user to the primary after their writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        finally:
            token = getattr(request, "_replica_token", None)
            if token is not None:
                _read_only.reset(token)
        if request.method not in _SAFE_METHODS and getattr(request, "user", None) and request.user.is_authenticated:
            request.session[_PIN_KEY] = time.time() + PIN_SECONDS
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        match = request.resolver_match
        if (
            request.method in ("GET", "HEAD")
            and match is not None
            and match.view_name in READ_ONLY_VIEWS
            and request.session.get(_PIN_KEY, 0) < time.time()
        ):
            request._replica_token = _read_only.set(True)  # type: ignore[attr-defined]
