from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import InvestmentSummary, ProgressNote, Project, ProjectInvestment


class InvestmentInline(admin.TabularInline):
    model = ProjectInvestment
    extra = 0
    fields = ["year", "planned", "completed", "source", "note"]


class NoteInline(admin.TabularInline):
    model = ProgressNote
    extra = 0
    fields = ["date", "text", "source", "author"]
    raw_id_fields = ["author"]


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "region", "domain", "level", "stage", "batch", "batch_round", "total_investment"]
    list_filter = ["region", "domain", "level", "stage", "batch"]
    list_select_related = ["region"]
    search_fields = ["name", "source", "note"]
    inlines = [InvestmentInline, NoteInline]


@admin.register(ProjectInvestment)
class ProjectInvestmentAdmin(SimpleHistoryAdmin):
    list_display = ["project", "year", "planned", "completed"]
    list_filter = ["year", "project__domain"]
    list_select_related = ["project"]
    search_fields = ["project__name"]
    raw_id_fields = ["project"]


@admin.register(InvestmentSummary)
class InvestmentSummaryAdmin(SimpleHistoryAdmin):
    list_display = ["year", "part", "label", "scope", "project_count", "total_investment", "planned", "completed"]
    list_filter = ["region", "year", "scope"]
    search_fields = ["label", "source", "note"]
