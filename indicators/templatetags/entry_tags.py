from typing import Any

from django import template

register = template.Library()


@register.filter
def person(user: Any, empty: str = "—") -> str:
    """A user's full name, else the username; ``empty`` for nobody (e.g. the command line)."""
    if user is None:
        return empty
    return user.get_full_name() or user.username
