"""Number formatting for project templates; the rules themselves live in ``projects/rules.py``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from projects.rules import EMPTY, completion_percent, format_amount, format_percent, format_total

register = template.Library()


@register.filter
def amount(value: Decimal | None) -> str:
    return format_amount(Decimal(value) if isinstance(value, Decimal | int) else None)


@register.filter
def total(value: Decimal | None) -> str:
    """A sum over projects, two decimals (issue 14: 155.68, not 155.6836)."""
    return format_total(Decimal(value) if isinstance(value, Decimal | int) else None)


@register.filter
def percent(value: Decimal | None) -> str:
    return format_percent(value if isinstance(value, Decimal) else None)


@register.filter
def completion(row: Any) -> str:
    """Completion % of anything with ``planned`` and ``completed``."""
    return format_percent(completion_percent(row.planned, row.completed))


@register.filter
def signed(value: Decimal | int | None) -> str:
    """A difference with its sign, e.g. +10 or −0.5; “—” when unknown."""
    if not isinstance(value, Decimal | int):  # None, or "" for a missing attribute in a template
        return EMPTY
    text = format_amount(Decimal(value))
    return f"+{text}" if value > 0 else text.replace("-", "−")


@register.filter
def bar_width(value: Decimal | int | None, maximum: Decimal | int | None = 100) -> str:
    """CSS width (0–100%) of a bar for ``value`` out of ``maximum``."""
    if value is None or not maximum:
        return "0%"
    share = min(max(Decimal(value) / Decimal(maximum) * 100, Decimal(0)), Decimal(100))
    return f"{share:.1f}%"


@register.filter
def person(user: Any, empty: str = EMPTY) -> str:
    """A user's full name, else the username; ``empty`` when there is none (a command or the fixtures)."""
    if user is None or not hasattr(user, "get_full_name"):
        return empty
    return str(user.get_full_name() or user.username)
