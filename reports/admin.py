from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indicators.admin_scope import RegionScopedAdmin
from reports.models import ContextTable, ContextValue, ReasonNote


class ContextValueInline(admin.TabularInline):
    model = ContextValue
    extra = 0
    fields = ["region", "order", "year", "reading", "value", "decimals", "source", "note"]


@admin.register(ContextTable)
class ContextTableAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "unit", "chart_kind"]
    inlines = [ContextValueInline]


@admin.register(ReasonNote)
class ReasonNoteAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    region_path = "plan__region"
    list_display = ["indicator", "plan", "year", "part", "updated_by", "updated_at"]
    list_filter = ["plan", "year", "part"]
    list_select_related = ["indicator", "plan", "updated_by"]
    search_fields = ["indicator__name", "text"]
    raw_id_fields = ["indicator"]
