"""登录锁定: an admin sees who is locked out (per account and per address) and unlocks them.

django-axes counts failures per account from any address and per address over any accounts
(``AXES_LOCKOUT_PARAMETERS``); either count reaching ``AXES_FAILURE_LIMIT`` within the cool-off locks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from indicators.roles import is_admin

log = logging.getLogger(__name__)

FORBIDDEN = "只有管理员可以查看和解除登录锁定。"
UNLOCKED_ACCOUNT = "已解除账户“{name}”的登录锁定。"
UNLOCKED_ADDRESS = "已解除地址 {name} 的登录锁定。"
NOTHING_TO_UNLOCK = "没有需要解除的锁定：请从列表中选择账户或地址。"


@dataclass(frozen=True)
class FailureCount:
    key: str  # the username or the address
    failures: int
    last: object
    locked: bool


def _recent() -> QuerySet[AccessAttempt]:
    cooloff = settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - timedelta(hours=cooloff))


def _counts(field: str) -> list[FailureCount]:
    rows = (
        _recent()
        .filter(**{f"{field}__isnull": False})
        .values(field)
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .order_by("-failures", field)
    )
    limit = settings.AXES_FAILURE_LIMIT
    return [
        FailureCount(row[field], row["failures"], row["last"], row["failures"] >= limit) for row in rows if row[field]
    ]


def _require_admin(request: HttpRequest) -> None:
    if not is_admin(request.user):
        raise PermissionDenied(FORBIDDEN)


def lockout_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return render(
        request,
        "registration/lockout_list.html",
        {
            "accounts": _counts("username"),
            "addresses": _counts("ip_address"),
            "limit": settings.AXES_FAILURE_LIMIT,
            "hours": settings.AXES_COOLOFF_TIME,
        },
    )


@require_POST
def lockout_reset(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    username = request.POST.get("username", "").strip()
    address = request.POST.get("ip_address", "").strip()
    if username:
        reset(username=username)
        messages.success(request, UNLOCKED_ACCOUNT.format(name=username))
        log.warning("login lockout of account %r lifted by %s", username, request.user)
    elif address:
        reset(ip=address)
        messages.success(request, UNLOCKED_ADDRESS.format(name=address))
        log.warning("login lockout of address %s lifted by %s", address, request.user)
    else:
        messages.error(request, NOTHING_TO_UNLOCK)
    return redirect("lockouts")
