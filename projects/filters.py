"""Filters of the project list, shared by the page and its Excel download."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from projects.models import Batch, Domain, Level, Project, Stage

UNSET = "none"
UNSET_LEVEL_LABEL = "未定级"


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="项目名称")
    domain = django_filters.ChoiceFilter(choices=Domain.choices, label="领域", empty_label="全部领域")
    level = django_filters.ChoiceFilter(
        choices=[*Level.choices, (UNSET, UNSET_LEVEL_LABEL)],
        method="filter_blank_or_value",
        label="级别",
        empty_label="全部级别",
    )
    stage = django_filters.ChoiceFilter(
        choices=[*Stage.choices, (UNSET, "未填写")],
        method="filter_blank_or_value",
        label="阶段",
        empty_label="全部阶段",
    )
    batch = django_filters.ChoiceFilter(
        choices=[*Batch.choices, (UNSET, "未纳入")],
        method="filter_blank_or_value",
        label="三个一批",
        empty_label="全部",
    )
    batch_round = django_filters.CharFilter(field_name="batch_round", lookup_expr="exact", label="批次期数")
    only_year = django_filters.BooleanFilter(
        method="filter_only_year",
        label="只看该年度有投资记录的项目",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_blank_or_value(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{name: "" if value == UNSET else value})

    def filter_only_year(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        # ``has_year`` is annotated by ProjectQuerySet.with_year() before filtering.
        return queryset.filter(has_year=True) if value else queryset
