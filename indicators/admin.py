from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from indicators.assessment import refresh_parsed_target
from indicators.models import (
    AlternativeReading,
    AssignedTarget,
    Category,
    Department,
    Indicator,
    ManualVerdict,
    Observation,
    Plan,
    Region,
    StaffProfile,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]
    search_fields = ["name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "department"]
    list_select_related = ["user", "department"]
    autocomplete_fields = ["department"]


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "base_year", "end_year"]
    list_filter = ["region"]
    inlines = [CategoryInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "order"]
    list_filter = ["plan"]
    search_fields = ["name"]


class ObservationInline(admin.TabularInline):
    model = Observation
    extra = 0
    fields = ["year", "part", "value", "decimals", "no_data", "status", "source", "note"]
    ordering = ["year", "part"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = [
        "seq",
        "name",
        "parent",
        "category",
        "attribute",
        "target_text",
        "target_kind",
        "target_value",
        "unit",
        "department",
    ]
    list_display_links = ["seq", "name"]
    list_filter = ["plan", "category", "attribute", "target_kind", "department"]
    list_select_related = ["parent", "category", "department"]
    search_fields = ["name", "target_text"]
    autocomplete_fields = ["parent", "linked_indicator", "department", "category"]
    inlines = [ObservationInline]

    def save_model(self, request: HttpRequest, obj: Indicator, form: Any, change: bool) -> None:
        """A hand edit of the structured target is kept; a new printed target is read by the parser again."""
        edited = {"target_kind", "target_value", "target_direction"} & set(form.changed_data)
        if edited:
            obj.target_set_manually = True
        elif "target_text" in form.changed_data or not obj.target_kind:
            refresh_parsed_target(obj)
        super().save_model(request, obj, form, change)

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "plan",
                    "category",
                    "parent",
                    "seq",
                    "order",
                    "name",
                    "unit",
                    "attribute",
                    "department",
                ]
            },
        ),
        (
            "目标",
            {
                "fields": [
                    "target_text",
                    "target_kind",
                    "target_value",
                    "target_direction",
                    "target_set_manually",
                    "linked_indicator",
                    "partial_periods_comparable",
                ]
            },
        ),
        ("说明", {"fields": ["note"]}),
    ]


class AlternativeReadingInline(admin.TabularInline):
    model = AlternativeReading
    extra = 0


@admin.register(Observation)
class ObservationAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "part", "display_value", "status", "source"]
    list_filter = ["indicator__plan", "year", "part", "status", "no_data"]
    list_select_related = ["indicator", "indicator__parent"]
    search_fields = ["indicator__name", "source", "note"]
    autocomplete_fields = ["indicator"]
    inlines = [AlternativeReadingInline]

    @admin.display(description="数值")
    def display_value(self, obj: Observation) -> str:
        return obj.display_value


@admin.register(AlternativeReading)
class AlternativeReadingAdmin(admin.ModelAdmin):
    list_display = ["observation", "value", "source"]
    list_select_related = ["observation", "observation__indicator"]
    search_fields = ["observation__indicator__name", "source"]


@admin.register(AssignedTarget)
class AssignedTargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "part", "value", "source"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]


@admin.register(ManualVerdict)
class ManualVerdictAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "part", "status", "set_by", "updated_at"]
    list_select_related = ["indicator", "set_by"]
    autocomplete_fields = ["indicator"]
