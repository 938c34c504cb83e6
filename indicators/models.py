"""Plans, indicators, statistical series and their observations for any region's plans."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from indicators.numbers import printed
from indicators.periods import PERIOD_PARTS, OfPeriod, Period
from indicators.vocabulary import STATUS_CHOICES


class RegionQuerySet(models.QuerySet["Region"]):
    def subtree_ids(self, root_ids: Iterable[int]) -> set[int]:
        """The ids of the given regions and all regions below them (one query, the tree is small)."""
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in self.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        found: set[int] = set()
        todo = list(root_ids)
        while todo:
            pk = todo.pop()
            if pk not in found:
                found.add(pk)
                todo.extend(children.get(pk, ()))
        return found


class Region(models.Model):
    region_path = "pk"  # from this model to its region (admin scoping, issue 12)
    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级行政区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        constraints = [
            models.UniqueConstraint(fields=["name", "parent"], name="region_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name if self.parent is None else f"{self.parent}{self.name}"


class Department(models.Model):
    """A responsible department (责任单位), e.g. 区统计局; clerks belong to one."""

    region_path = "region"  # from this model to its region (admin scoping, issue 12)

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="departments")
    name = models.CharField("名称", max_length=50)

    class Meta:
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_in_region"),
        ]

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    """Links a login to the department whose indicators it may enter."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="staff_profile"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    region = models.ForeignKey(
        Region,
        verbose_name="所辖行政区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="用户的本级行政区划（如市发改委为南阳市）：可查看、审核、管理该区划及其下级；留空则取所属单位的区划，"
        "两者都空则不限。",
    )

    class Meta:
        verbose_name = "人员单位"
        verbose_name_plural = "人员单位"

    def __str__(self) -> str:
        return f"{self.user} · {self.department or '—'}"


class Plan(models.Model):
    region_path = "region"  # from this model to its region (admin scoping, issue 12)
    name = models.CharField("规划名称", max_length=100, help_text="如：卧龙区“十四五”规划")
    short_name = models.CharField("简称", max_length=20, blank=True, help_text="如：十四五")
    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="plans")
    base_year = models.PositiveSmallIntegerField("基期年份")
    end_year = models.PositiveSmallIntegerField("目标年份")
    evaluation_settings = models.JSONField(
        "评估设置",
        default=dict,
        blank=True,
        help_text="结论用语与阈值；留空则使用中期评估报告的默认用语。",
    )
    annual_labels = models.JSONField(
        "年度计划完成情况用语",
        default=dict,
        blank=True,
        help_text='只用于一年期的年度计划，如 {"done": "完成", "mostly": "基本完成"}；留空则用默认用语。',
    )
    four_eyes = models.BooleanField(
        "审核人须不同于最后录入人（四眼原则）",
        default=True,
        help_text="勾选时，任何人（包括管理员）都不能审核通过自己最后录入或修改的数值（指标数值与本规划的项目投资）。"
        "只有一人使用的试用环境才取消勾选。",
    )

    class Meta:
        verbose_name = "规划"
        verbose_name_plural = "规划"
        ordering = ["-end_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="plan_unique_name_in_region"),
            models.CheckConstraint(condition=Q(end_year__gt=models.F("base_year")), name="plan_end_after_base"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def years(self) -> int:
        return self.end_year - self.base_year

    @property
    def is_annual(self) -> bool:
        """An annual plan (年度计划, e.g. 2025年计划: base 2024, target 2025) is judged with the annual wording."""
        return self.years == 1

    def clean(self) -> None:
        from indicators.annual import AnnualLabelsError, annual_labels
        from indicators.evaluation import Settings, SettingsError

        try:
            Settings.from_dict(self.evaluation_settings)
        except SettingsError as exc:
            raise ValidationError({"evaluation_settings": str(exc)}) from exc
        try:
            annual_labels(self.annual_labels)
        except AnnualLabelsError as exc:
            raise ValidationError({"annual_labels": str(exc)}) from exc


class Category(models.Model):
    region_path = "plan__region"  # from this model to its region (admin scoping, issue 12)
    plan = models.ForeignKey(Plan, verbose_name="规划", on_delete=models.CASCADE, related_name="categories")
    name = models.CharField("类别", max_length=30)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "类别"
        verbose_name_plural = "类别"
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="category_unique_name_in_plan"),
        ]

    def __str__(self) -> str:
        return self.name


class Attribute(models.TextChoices):
    BINDING = "binding", "约束性"
    EXPECTED = "expected", "预期性"


class TargetKind(models.TextChoices):
    LEVEL = "level", "期末值"
    ANNUAL_GROWTH = "annual_growth", "年均增长"
    CUMULATIVE = "cumulative", "五年累计"
    ANNUAL_INCREMENT = "annual_increment", "年均提高"
    CEILING = "ceiling", "上限（低于）"
    FLOOR = "floor", "下限（高于）"
    ASSIGNED = "assigned", "按上级下达目标"
    LINKED = "linked", "与其他指标挂钩"
    QUALITATIVE = "qualitative", "定性/需人工研判"


class Direction(models.TextChoices):
    HIGHER = "higher", "越高越好"
    LOWER = "lower", "越低越好"


class SeriesFrequency(models.TextChoices):
    YEAR = "year", "年度"
    HALF = "half", "半年度"
    QUARTER = "quarter", "季度"


class SeriesQuerySet(models.QuerySet["Series"]):
    def of_region(self, region: Region) -> SeriesQuerySet:
        return self.filter(region=region)

    def of_plan(self, plan: Plan) -> SeriesQuerySet:
        return self.filter(pk__in=Indicator.objects.of_plan(plan).values("series"))

    def editable_by(self, user: Any) -> SeriesQuerySet:
        """The series whose figures ``user`` may enter (see ``indicators.roles``)."""
        from indicators.roles import entry_scope

        return entry_scope(self, user)


class Series(models.Model):
    """A region's measured statistical series (统计指标), e.g. 地区生产总值增长 (%).

    The series owns the figures; every plan that measures the same thing references it through an
    indicator (DHIS2: data element vs. target), so a figure is entered once and read by each plan.
    """

    region_path = "region"  # from this model to its region (admin scoping, issue 12)

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="series")
    name = models.CharField("统计指标名称", max_length=100)
    unit = models.CharField("单位", max_length=20, blank=True)
    aliases = models.TextField("别名与口径", blank=True, help_text="规划文本中的其他叫法与统计口径说明，每行一条。")
    department = models.ForeignKey(
        Department,
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="series",
    )
    frequency = models.CharField(
        "报送频率",
        max_length=10,
        choices=SeriesFrequency.choices,
        blank=True,
        help_text="留空则按已有数值推断。",
    )

    history = HistoricalRecords()
    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name = "统计指标"
        verbose_name_plural = "统计指标"
        ordering = ["region", "name", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name", "unit"], name="series_unique_name_unit_in_region"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def of_plan(self, plan: Plan) -> IndicatorQuerySet:
        return self.filter(plan=plan)

    def in_print_order(self) -> IndicatorQuerySet:
        return self.order_by("category__order", "order", "pk")

    def editable_by(self, user: Any) -> IndicatorQuerySet:
        """The indicators whose figures ``user`` may enter (see ``indicators.roles``)."""
        from indicators.roles import entry_scope

        return entry_scope(self, user)


class Indicator(models.Model):
    region_path = "plan__region"  # from this model to its region (admin scoping, issue 12)
    plan = models.ForeignKey(Plan, verbose_name="规划", on_delete=models.CASCADE, related_name="indicators")
    category = models.ForeignKey(Category, verbose_name="类别", on_delete=models.PROTECT, related_name="indicators")
    parent = models.ForeignKey(
        "self",
        verbose_name="所属指标",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        help_text="分项指标填写所属的指标，如“城镇新增就业人数”属于“城镇就业”。",
    )
    seq = models.CharField("序号", max_length=10, blank=True, help_text="表中印刷的序号；分项指标留空")
    order = models.PositiveSmallIntegerField("排序", default=0)
    name = models.CharField("指标名称", max_length=100)
    unit = models.CharField("单位", max_length=20, blank=True)
    attribute = models.CharField("属性", max_length=10, choices=Attribute.choices, blank=True)
    target_text = models.CharField(
        "目标值（原文）",
        max_length=100,
        blank=True,
        help_text="与规划文本一致，如 7.5、[12]、＜5.5、按市下达目标",
    )
    target_kind = models.CharField("目标类型", max_length=20, choices=TargetKind.choices, blank=True)
    target_value = models.DecimalField("目标数值", max_digits=20, decimal_places=6, null=True, blank=True)
    target_direction = models.CharField(
        "方向", max_length=10, choices=Direction.choices, default=Direction.HIGHER, blank=True
    )
    target_set_manually = models.BooleanField(
        "目标类型已人工确认", default=False, help_text="勾选后，自动解析不会覆盖目标类型、数值和方向。"
    )
    linked_indicator = models.ForeignKey(
        "self",
        verbose_name="挂钩指标",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="linked_from",
        help_text="目标与另一指标挂钩时填写，如居民收入增长与地区生产总值增长同步。",
    )
    partial_periods_comparable = models.BooleanField(
        "半年值可与全年值比较",
        default=True,
        help_text="流量指标（如粮食产量）的上半年值不是全年水平，应取消勾选。",
    )
    series = models.ForeignKey(
        Series,
        verbose_name="统计指标",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        help_text="该指标读取数值的统计指标；由分项指标组成的指标留空。",
    )
    note = models.TextField("说明", blank=True)

    history = HistoricalRecords(excluded_fields=["order"])
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["plan", "category__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "parent", "name"], name="indicator_unique_name_in_plan"),
        ]

    def __str__(self) -> str:
        label = f"{self.seq} {self.name}".strip()
        return f"{self.parent.name} · {label}" if self.parent_id and self.parent else label

    def clean(self) -> None:
        if self.category_id and self.plan_id and self.category.plan_id != self.plan_id:
            raise ValidationError({"category": "类别必须属于同一规划。"})
        if self.parent_id and self.parent and self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": "所属指标必须属于同一规划。"})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "指标不能属于自身。"})
        if self.series is not None and self.plan_id and self.series.region_id != self.plan.region_id:
            raise ValidationError({"series": "统计指标必须属于规划所在的行政区划。"})

    @property
    def measured_series(self) -> Series:
        """The series this indicator reads; an error for a group of sub-indicators, which has none."""
        if self.series is None:
            raise ValueError(f"{self.name} has no series (a group of sub-indicators)")
        return self.series

    @property
    def department(self) -> Department | None:
        """The responsible department is the series' (one department enters a figure for every plan)."""
        return self.series.department if self.series_id and self.series else None


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已审核"
    RETURNED = "returned", "退回修改"


# A change of an approved figure is pending and the approved figure is kept beside it (Observation.keeps_approved).
_KEEPS_APPROVED = ~Q(status=ReviewStatus.APPROVED) & Q(approved_no_data__isnull=False)


class ObservationQuerySet(models.QuerySet["Observation"]):
    def approved(self, *, with_data: bool = False) -> ObservationQuerySet:
        """Rows that hold an approved figure: approved rows, and rows keeping the approved figure beside a
        pending change of it (``with_data``: a number, not 暂无数据). The SQL twin of ``Observation.counted``;
        read a row's figure through ``counted()``, since a kept row's own value is the pending change."""
        if with_data:
            return self.filter(
                Q(status=ReviewStatus.APPROVED, no_data=False) | Q(_KEEPS_APPROVED, approved_no_data=False)
            )
        return self.filter(Q(status=ReviewStatus.APPROVED) | _KEEPS_APPROVED)

    def of_plan(self, plan: Plan) -> ObservationQuerySet:
        """The figures of the series ``plan`` reads (one subquery, no duplicate rows)."""
        return self.filter(series__in=Indicator.objects.of_plan(plan).values("series"))

    def awaiting_review(self) -> ObservationQuerySet:
        return self.filter(status=ReviewStatus.SUBMITTED)


VALUE_REQUIRED = "请填写数值，或勾选“暂无数据”。"
VALUE_WITH_NO_DATA = "勾选“暂无数据”时不能同时填写数值。"
OBSERVATION_DUPLICATE = "该统计指标在该期间已有数值，不能重复录入；请修改原有数值。"


class Observation(OfPeriod, models.Model):
    """One figure of one series for one period (a year, a half year or a quarter); every plan reads it."""

    region_path = "series__region"  # from this model to its region (admin scoping, issue 12)

    series = models.ForeignKey(Series, verbose_name="统计指标", on_delete=models.CASCADE, related_name="observations")
    year = models.PositiveSmallIntegerField("年份")
    part = models.CharField(
        "期间",
        max_length=2,
        blank=True,
        default="",
        choices=[(p, Period(2000, p).label.removeprefix("2000年") or "全年") for p in PERIOD_PARTS],
    )
    value = models.DecimalField("数值", max_digits=20, decimal_places=6, null=True, blank=True)
    decimals = models.PositiveSmallIntegerField(
        "小数位数", default=0, help_text="原表印刷的小数位数，如 4.0 为 1 位，导出时保持一致。"
    )
    no_data = models.BooleanField("暂无数据", default=False)
    source = models.CharField("来源", max_length=200, blank=True, help_text="来源文件与章节")
    note = models.TextField("备注", blank=True)
    status = models.CharField("审核状态", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    review_note = models.TextField("审核意见", blank=True)
    # The last approved figure while a change of it waits for review: verdicts, pages and exports keep
    # counting it until the change is approved. All three are empty when there is nothing to keep.
    # Why the old figure moves aside here while projects keep the approved figure in place and put the new one
    # beside it (projects.models ``pending_*``): a figure here is several fields (value, decimals, 暂无数据,
    # source, note) that the entry, import and review pages, the history diffs and the four-eyes check all
    # read as "the figure being entered"; every reader of approved figures goes through ``counted()`` /
    # ``approved()``. Project figures are summed in SQL by the pages and exports (Sum of planned/completed),
    # which is simplest when the approved column is the one summed. Same rule, two storage shapes.
    approved_value = models.DecimalField("原审核值", max_digits=20, decimal_places=6, null=True, blank=True)
    approved_decimals = models.PositiveSmallIntegerField("原审核值小数位数", null=True, blank=True)
    approved_no_data = models.BooleanField("原审核值为暂无数据", null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Optimistic check against lost updates: every write through indicators.services bumps it, and a
    # form posts the version it was shown; a mismatch is refused.
    version = models.PositiveIntegerField("版本", default=1)
    warning = models.TextField("校验提示", blank=True, help_text="保存时发现的异常（如远超历史数值），提请审核员留意。")

    history = HistoricalRecords()
    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = "实际值"
        verbose_name_plural = "实际值"
        ordering = ["series_id", "year", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "part"],
                name="observation_one_per_period",
                violation_error_message=OBSERVATION_DUPLICATE,
            ),
            models.CheckConstraint(
                condition=Q(no_data=True, value__isnull=True) | Q(no_data=False, value__isnull=False),
                name="observation_value_or_no_data",
                violation_error_message=VALUE_REQUIRED,
            ),
        ]

    def __str__(self) -> str:
        shown = "暂无数据" if self.no_data else self.display_value
        return f"{self.series.name} {self.period.label}：{shown}"

    @property
    def change_needs_reason(self) -> bool:
        """Changing an approved figure needs a reason (a change of a pending one keeps its approved copy)."""
        return self.status == ReviewStatus.APPROVED

    @property
    def keeps_approved(self) -> bool:
        """A change of an approved figure is pending and the approved figure is kept beside it."""
        return self.status != ReviewStatus.APPROVED and self.approved_no_data is not None

    def counted(self, *, include_pending: bool = False) -> Observation | None:
        """What counts of this figure (the one definition of "approved"; ``approved()`` is its SQL twin): an
        approved figure; while a change of it waits for review, the approved figure kept beside it; with
        ``include_pending`` (the review preview), a submitted figure. Drafts and returned figures never count."""
        if self.status == ReviewStatus.APPROVED:
            return self
        if include_pending and self.status == ReviewStatus.SUBMITTED:
            return self
        if self.keeps_approved:
            return self.as_approved()
        return None

    def as_approved(self) -> Observation:
        """This observation as last approved (an unsaved copy), for counting while a change is pending."""
        if not self.keeps_approved:
            return self
        copy = Observation(
            pk=self.pk,
            series_id=self.series_id,
            year=self.year,
            part=self.part,
            value=self.approved_value,
            decimals=self.approved_decimals or 0,
            no_data=bool(self.approved_no_data),
            source=self.source,
            note=self.note,
            status=ReviewStatus.APPROVED,
        )
        if Observation.series.is_cached(self):
            copy.series = self.series
        return copy

    @property
    def display_value(self) -> str:
        """The value as printed: ``/`` for no data, otherwise with the printed number of decimals."""
        return printed(None if self.no_data else self.value, self.decimals)

    def clean(self) -> None:
        if self.no_data and self.value is not None:
            raise ValidationError({"value": VALUE_WITH_NO_DATA})
        if not self.no_data and self.value is None:
            raise ValidationError({"value": VALUE_REQUIRED})


class AlternativeReading(models.Model):
    """Another figure for the same observation found elsewhere in the sources.

    The seeds contradict themselves in places (GDP growth 2022 is 4.0 in 附件1, 4.2 in 附件2/附件5);
    the observation keeps the ground-truth table's value and each other reading is kept here with its
    source, never silently dropped.
    """

    observation = models.ForeignKey(
        Observation, verbose_name="实际值", on_delete=models.CASCADE, related_name="alternatives"
    )
    value = models.DecimalField("数值", max_digits=20, decimal_places=6)
    decimals = models.PositiveSmallIntegerField("小数位数", default=0)
    source = models.CharField("来源", max_length=200)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "其他口径数值"
        verbose_name_plural = "其他口径数值"
        constraints = [
            models.UniqueConstraint(fields=["observation", "source"], name="alternative_unique_per_source"),
        ]

    def __str__(self) -> str:
        return f"{printed(self.value, self.decimals)}（{self.source}）"


class AssignedTarget(OfPeriod, models.Model):
    """A yearly target assigned by the upper level (按市下达目标), e.g. the city's energy-intensity cut."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="assigned_targets"
    )
    year = models.PositiveSmallIntegerField("年份")
    part = models.CharField("期间", max_length=2, blank=True, default="")
    value = models.DecimalField("下达目标值", max_digits=20, decimal_places=6)
    source = models.CharField("来源", max_length=200, blank=True)
    note = models.TextField("说明", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "上级下达目标"
        verbose_name_plural = "上级下达目标"
        ordering = ["indicator", "year", "part"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "part"], name="assigned_target_one_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.period.label}：{self.value.normalize()}"


MANUAL_REASON_REQUIRED = "人工研判必须填写理由。"


class ManualVerdict(OfPeriod, models.Model):
    """A verdict set by staff where none computes, or overriding a computed one, for one as-of period."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="manual_verdicts"
    )
    year = models.PositiveSmallIntegerField("评估年份")
    part = models.CharField("评估期间", max_length=2, blank=True, default="")
    status = models.CharField("研判结论", max_length=20, choices=STATUS_CHOICES)
    reason = models.TextField("理由")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="研判人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "人工研判"
        verbose_name_plural = "人工研判"
        ordering = ["indicator", "year", "part"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "part"], name="manual_verdict_one_per_as_of"),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="manual_verdict_reason_required",
                violation_error_message=MANUAL_REASON_REQUIRED,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.period.label}：{self.get_status_display()}"


class PeriodLock(OfPeriod, models.Model):
    """A plan's period closed for changes, e.g. 2023H1 once the mid-term report is adopted."""

    plan = models.ForeignKey(Plan, verbose_name="规划", on_delete=models.CASCADE, related_name="period_locks")
    year = models.PositiveSmallIntegerField("年份")
    part = models.CharField("期间", max_length=2, blank=True, default="")
    reason = models.CharField("锁定原因", max_length=100, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="锁定人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    locked_at = models.DateTimeField("锁定时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "期间锁定"
        verbose_name_plural = "期间锁定"
        ordering = ["plan", "year", "part"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "part"], name="period_lock_one_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.period.label}"


# Same shape as PeriodLock (plan, period, who, when) but not merged: a lock and a deadline are set, lifted and
# audited for different reasons by different pages, a period may have either without the other, and merging
# them would mean a table with two nullable meanings and a data migration for no reader that wants both.
class CollectionDeadline(OfPeriod, models.Model):
    """When a plan period's figures are due from the departments (e.g. 2025年全年 by 2026-02-15), set by an admin."""

    plan = models.ForeignKey(Plan, verbose_name="规划", on_delete=models.CASCADE, related_name="deadlines")
    year = models.PositiveSmallIntegerField("年份")
    part = models.CharField("期间", max_length=2, blank=True, default="")
    due = models.DateField("截止日期")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="设置人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "报送截止日期"
        verbose_name_plural = "报送截止日期"
        ordering = ["plan", "year", "part"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "part"], name="collection_deadline_one_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.period.label}：{self.due:%Y-%m-%d}"
