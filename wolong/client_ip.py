"""The client's address for the login lockout (django-axes ``AXES_CLIENT_IP_CALLABLE``).

Behind nginx every request comes from the proxy's address; counting failures per address would then lock
everyone at once. When ``CLIENT_IP_HEADER`` is configured and the request comes from one of
``TRUSTED_PROXIES``, the address is the last one in that header (the one our proxy wrote). Otherwise the
header is ignored, so a client cannot choose its own address by sending it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    header = settings.CLIENT_IP_HEADER
    if not header or remote not in settings.TRUSTED_PROXIES:
        return remote
    values = [item.strip() for item in request.META.get(header, "").split(",") if item.strip()]
    return values[-1] if values else remote
