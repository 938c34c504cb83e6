from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from indicators.admin_scope import RegionScopedAdmin
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
from indicators.roles import scope_region_ids


@admin.register(Region)
class RegionAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "parent"]
    search_fields = ["name"]


@admin.register(Department)
class DepartmentAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]


class StaffProfileForm(forms.ModelForm):
    """For an admin with a home region: a profile's home region must be set and inside that admin's subtree (a
    profile without any would make its user unrestricted, one outside would move them out of reach)."""

    scope: frozenset[int] | None = None

    class Meta:
        model = StaffProfile
        fields = ["user", "department", "region"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.scope is None:
            return cleaned
        region = cleaned.get("region")
        department = cleaned.get("department")
        home = region.pk if region is not None else (department.region_id if department is not None else None)
        if home is None:
            raise ValidationError(PROFILE_NEEDS_REGION)
        if home not in self.scope:
            raise ValidationError(PROFILE_OUT_OF_SCOPE)
        return cleaned


PROFILE_NEEDS_REGION = "请选择所属单位或所辖行政区划：两者都空的用户不受区划限制，只有不受限的管理员可以这样设置。"
PROFILE_OUT_OF_SCOPE = "所选单位或行政区划不在您管理的范围内。"


@admin.register(StaffProfile)
class StaffProfileAdmin(RegionScopedAdmin, admin.ModelAdmin):
    """A profile's region is its own ``region``, or its department's when that is empty (``roles.home_region_id``).

    An admin with a home region sees the profiles whose home region is in their subtree, never a profile without
    any (its user is unrestricted); saves a profile only with a home region inside that subtree; attaches a new
    profile only to a user of the subtree or to a user who holds no role yet (a new colleague), never to an
    unrestricted role holder; never moves a profile to another user; and deletes none (a role holder without a
    profile would be unrestricted). Unrestricted admins do all of this as before."""

    form = StaffProfileForm
    region_path = "department__region"
    list_display = ["user", "department", "region"]
    list_select_related = ["user", "department", "region"]
    autocomplete_fields = ["department"]

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = admin.ModelAdmin.get_queryset(self, request)
        scope = scope_region_ids(request.user)
        if scope is None:
            return queryset
        return queryset.filter(Q(region__in=scope) | Q(region__isnull=True, department__region__in=scope))

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"scope": scope_region_ids(request.user)})

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and scope_region_ids(request.user) is not None:
            return ["user"]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if scope_region_ids(request.user) is not None:
            return False
        return bool(super().has_delete_permission(request, obj))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        scope = scope_region_ids(request.user)
        if db_field.name == "user" and scope is not None:
            in_scope = Q(staff_profile__in=self.get_queryset(request))
            newcomer = Q(staff_profile__isnull=True, is_superuser=False, is_staff=False, groups__isnull=True)
            kwargs["queryset"] = get_user_model().objects.filter(in_scope | newcomer).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


@admin.register(Plan)
class PlanAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "region", "base_year", "end_year", "four_eyes"]
    list_filter = ["region"]
    inlines = [CategoryInline]


@admin.register(Category)
class CategoryAdmin(RegionScopedAdmin, admin.ModelAdmin):
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

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # simple_history's revert form saves without asking has_change_permission.
        raise PermissionDenied


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
class SeriesAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "unit", "region", "department", "frequency"]
    list_filter = ["region", "department", "frequency"]
    list_select_related = ["region", "department"]
    search_fields = ["name", "aliases"]
    autocomplete_fields = ["department"]
    inlines = [SeriesIndicatorInline, ObservationInline]


@admin.register(Indicator)
class IndicatorAdmin(RegionScopedAdmin, SimpleHistoryAdmin):
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
        from indicators import services  # checks, series matching and the audit entry, as the plan pages

        services.indicator_save(
            indicator=obj, user=request.user, reason="后台修改", grouping=change and obj.children.exists()
        )

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


class AlternativeReadingInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AlternativeReading
    extra = 0


@admin.register(Observation)
class ObservationAdmin(RegionScopedAdmin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only, but for the approve action (the review page's service). A figure is written only by
    ``services.observation_record`` and friends, which check the period lock, the version, the reason for
    changing an approved figure and keep the approved copy beside a pending change; an admin form would be a
    second, weaker path that has to copy every one of those rules, so there is none."""

    list_display = ["series", "year", "part", "display_value", "status", "short_source"]
    list_filter = ["series__region", "year", "part", "status", "no_data"]
    list_select_related = ["series"]
    search_fields = ["series__name", "source", "note"]
    autocomplete_fields = ["series"]
    inlines = [AlternativeReadingInline]
    actions = ["approve_selected"]

    @admin.display(description="数值")
    def display_value(self, obj: Observation) -> str:
        return obj.display_value

    @admin.display(description="来源")
    def short_source(self, obj: Observation) -> str:
        """The first 40 characters: a seed's source notes run to several lines and made every row tall."""
        return obj.source if len(obj.source) <= 40 else f"{obj.source[:40]}…"

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
class AlternativeReadingAdmin(RegionScopedAdmin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a reading is chosen through services.reading_choose on the indicator page."""

    region_path = "observation__series__region"
    list_display = ["observation", "value", "source"]
    list_select_related = ["observation", "observation__series"]
    search_fields = ["observation__series__name", "source"]


@admin.register(AssignedTarget)
class AssignedTargetAdmin(RegionScopedAdmin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    region_path = "indicator__plan__region"  # edited on the indicator's 目标 page
    list_display = ["indicator", "year", "part", "value", "source"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]


@admin.register(ManualVerdict)
class ManualVerdictAdmin(RegionScopedAdmin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    region_path = "indicator__plan__region"  # set on the indicator's 人工研判 page
    list_display = ["indicator", "year", "part", "status", "set_by", "updated_at"]
    list_select_related = ["indicator", "set_by"]
    autocomplete_fields = ["indicator"]


@admin.register(PeriodLock)
class PeriodLockAdmin(RegionScopedAdmin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: locks are set and lifted on the plan's lock page, which audits the reason."""

    region_path = "plan__region"
    list_display = ["plan", "year", "part", "locked_by", "locked_at", "reason"]
    list_select_related = ["plan", "locked_by"]
