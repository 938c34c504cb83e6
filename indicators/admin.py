from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
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
    PeriodLock,
    Plan,
    Region,
    Series,
    StaffProfile,
)
from indicators.periods import Period


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
    list_display = ["name", "region", "base_year", "end_year", "four_eyes"]
    list_filter = ["region"]
    inlines = [CategoryInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "order"]
    list_filter = ["plan"]
    search_fields = ["name"]


class ReadOnlyAdminMixin:
    """Shown for reference only: writes go through the browser forms and their services, which enforce
    period locks, versions and the required reason of every change."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ObservationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Observation
    extra = 0
    fields = ["year", "part", "value", "decimals", "no_data", "status", "source", "note"]
    ordering = ["year", "part"]


class SeriesIndicatorInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Indicator
    fk_name = "series"
    extra = 0
    fields = ["plan", "seq", "name", "target_text"]
    verbose_name_plural = "使用该统计指标的规划指标"


@admin.register(Series)
class SeriesAdmin(SimpleHistoryAdmin):
    list_display = ["name", "unit", "region", "department", "frequency"]
    list_filter = ["region", "department", "frequency"]
    list_select_related = ["region", "department"]
    search_fields = ["name", "aliases"]
    autocomplete_fields = ["department"]
    inlines = [SeriesIndicatorInline, ObservationInline]


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
        "series",
    ]
    list_display_links = ["seq", "name"]
    list_filter = ["plan", "category", "attribute", "target_kind", "series__department"]
    list_select_related = ["parent", "category", "series"]
    search_fields = ["name", "target_text"]
    autocomplete_fields = ["parent", "linked_indicator", "series", "category"]

    def save_model(self, request: HttpRequest, obj: Indicator, form: Any, change: bool) -> None:
        """A hand edit of the structured target is kept; a new printed target is read by the parser again."""
        edited = {"target_kind", "target_value", "target_direction"} & set(form.changed_data)
        if edited:
            obj.target_set_manually = True
        elif "target_text" in form.changed_data or not obj.target_kind:
            refresh_parsed_target(obj)
        if obj.series_id is None and not (change and obj.children.exists()):
            from indicators import services  # the region's series of this name and unit, as the plan pages do

            obj.series, _ = services.series_match(region=obj.plan.region, name=obj.name, unit=obj.unit, user=None)
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
                    "series",
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


class ObservationAdminForm(forms.ModelForm):
    """A figure of a locked period cannot change here either (issue 5)."""

    class Meta:
        model = Observation
        fields = "__all__"  # noqa: DJ007 - the admin's own field list applies

    def clean(self) -> dict[str, Any]:
        from indicators import services

        super().clean()
        series = self.cleaned_data.get("series")
        year, part = self.cleaned_data.get("year"), self.cleaned_data.get("part", "")
        if series is not None and year is not None and services.is_series_locked(series.pk, Period(year, part)):
            raise ValidationError(services.PERIOD_LOCKED.format(period=Period(year, part).label))
        return self.cleaned_data


@admin.register(Observation)
class ObservationAdmin(SimpleHistoryAdmin):
    list_display = ["series", "year", "part", "display_value", "status", "source"]
    list_filter = ["series__region", "year", "part", "status", "no_data"]
    list_select_related = ["series"]
    search_fields = ["series__name", "source", "note"]
    autocomplete_fields = ["series"]
    inlines = [AlternativeReadingInline]
    form = ObservationAdminForm
    actions = ["approve_selected"]

    @admin.display(description="数值")
    def display_value(self, obj: Observation) -> str:
        return obj.display_value

    def save_model(self, request: HttpRequest, obj: Observation, form: Any, change: bool) -> None:
        if change:
            obj.version += 1  # an edit here also invalidates forms open in the entry pages
        obj._change_reason = "后台修改"  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    @admin.action(description="审核通过所选的待审核数值")
    def approve_selected(self, request: HttpRequest, queryset: Any) -> None:
        from indicators import services  # issue 5: the same service as the review page

        approved = 0
        for observation in queryset.select_related("series", "series__department"):
            try:
                services.observation_approve(observation=observation, user=request.user)
                approved += 1
            except (ValidationError, PermissionDenied) as error:
                text = "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{observation}：{text}", messages.ERROR)
        self.message_user(request, f"已审核通过 {approved} 个数值。", messages.SUCCESS)


@admin.register(AlternativeReading)
class AlternativeReadingAdmin(admin.ModelAdmin):
    list_display = ["observation", "value", "source"]
    list_select_related = ["observation", "observation__series"]
    search_fields = ["observation__series__name", "source"]


@admin.register(AssignedTarget)
class AssignedTargetAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):  # edited on the indicator's 目标 page
    list_display = ["indicator", "year", "part", "value", "source"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]


@admin.register(ManualVerdict)
class ManualVerdictAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):  # set on the indicator's 人工研判 page
    list_display = ["indicator", "year", "part", "status", "set_by", "updated_at"]
    list_select_related = ["indicator", "set_by"]
    autocomplete_fields = ["indicator"]


@admin.register(PeriodLock)
class PeriodLockAdmin(SimpleHistoryAdmin):
    """Read-only here: locks are set and lifted on the plan's lock page, which audits the reason."""

    list_display = ["plan", "year", "part", "locked_by", "locked_at", "reason"]
    list_select_related = ["plan", "locked_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
