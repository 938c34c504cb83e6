"""Helpers shared by the views of this package: a period from the URL, validation errors as messages, review
transitions."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest

from indicators.forms import VersionForm
from indicators.models import Observation
from indicators.periods import Period, PeriodError


def parse_period(code: str) -> Period:
    try:
        return Period.parse(code)
    except PeriodError:
        raise Http404("期间格式不正确。") from None


def error_messages(error: ValidationError) -> list[str]:
    return list(error.messages)


def add_errors(form: BaseForm, error: ValidationError) -> None:
    for message in error_messages(error):
        form.add_error(None, message)


def apply_transition(
    request: HttpRequest, observation: Observation, transition: Callable[..., Observation], done: str
) -> None:
    """Run a review transition with the version the page showed; report the outcome as a message."""
    form = VersionForm(request.POST)
    expected = form.cleaned_data.get("version") if form.is_valid() else None
    try:
        transition(observation=observation, user=request.user, expected_version=expected)
    except ValidationError as error:
        for message in error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, f"{done}：{observation.series.name} {observation.period.label}。")
