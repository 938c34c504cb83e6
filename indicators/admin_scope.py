"""Admins administer their subtree (issue 12): one mixin scopes a ModelAdmin's rows and its foreign-key choices.

A model admin names the path from its model to a region (``region_path``); the rows listed, searched
(autocomplete included) and opened are those of the user's scope (``indicators.roles.scope_region_ids``), and
every foreign-key choice to a region-bound model is limited the same way. Superusers and users without a home
region see everything, as on the pages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import ForeignKey, Model, QuerySet
from django.http import HttpRequest

from indicators.roles import scoped


def region_path_of(model: type[Model]) -> str | None:
    """The path from a model to its region (the model's ``region_path`` attribute), None for unbound models.

    Each region-bound model names its own path, so this module needs no import of the apps above it."""
    path = getattr(model, "region_path", None)
    return path if isinstance(path, str) else None


class RegionScopedAdmin:
    """Mix into a ModelAdmin before the admin class; set ``region_path`` (defaults to the model's known path)."""

    region_path: str | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        path = self.region_path or region_path_of(queryset.model)
        return scoped(queryset, request.user, path) if path else queryset

    def formfield_for_foreignkey(self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        path = region_path_of(related) if isinstance(related, type) else None
        if path is not None and "queryset" not in kwargs:
            kwargs["queryset"] = scoped(related._default_manager.all(), request.user, path)  # type: ignore[union-attr]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
