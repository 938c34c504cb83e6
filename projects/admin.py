"""Admin of major projects. Investment figures are read-only here: they change through the entry pages,
so that every change passes the review workflow and carries a reason (``projects.services``)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from indicators.admin_scope import RegionScopedAdmin
from projects.models import InvestmentSummary, ProgressNote, Project, ProjectInvestment

INVESTMENT_FIGURES = ["planned", "completed", "pending_planned", "pending_completed", "status", "review_note"]
TOTAL_FIGURES = ["total_investment", "total_pending", "total_status", "total_review_note", "total_entered_by"]


class InvestmentInline(admin.TabularInline):
    model = ProjectInvestment
    extra = 0
    fields = ["year", *INVESTMENT_FIGURES, "source", "note"]
    readonly_fields = ["year", *INVESTMENT_FIGURES]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NoteInline(admin.TabularInline):
    model = ProgressNote
    extra = 0
    fields = ["date", "text", "source", "author"]
    raw_id_fields = ["author"]


@admin.register(Project)
class ProjectAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "region", "domain", "level", "stage", "batch", "batch_round", "total_investment"]
    list_filter = ["region", "domain", "level", "stage", "batch", "total_status"]
    list_select_related = ["region"]
    search_fields = ["name", "source", "note"]
    readonly_fields = TOTAL_FIGURES
    inlines = [InvestmentInline, NoteInline]


@admin.register(ProjectInvestment)
class ProjectInvestmentAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["project", "year", "planned", "completed", "status"]
    list_filter = ["year", "status", "project__domain"]
    list_select_related = ["project"]
    search_fields = ["project__name"]
    readonly_fields = [*INVESTMENT_FIGURES, "entered_by"]
    raw_id_fields = ["project"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(InvestmentSummary)
class InvestmentSummaryAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["year", "part", "label", "scope", "project_count", "total_investment", "planned", "completed"]
    list_filter = ["region", "year", "scope"]
    search_fields = ["label", "source", "note"]
