"""Major projects (重大项目), their yearly investment, progress notes and the yearly summary figures.

A project belongs to a Region and may belong to a Plan, so the same tables serve the 十五五 plan
and other districts. Amounts are in 亿元 (see ``projects/rules.py`` for rounding).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from indicators.models import Plan, Region, ReviewStatus


class Domain(models.TextChoices):
    """The eight fields of 附件3, in its order."""

    MANUFACTURING = "manufacturing", "先进制造业"
    SERVICES = "services", "现代服务业"
    RURAL = "rural", "乡村振兴"
    INNOVATION = "innovation", "科技创新"
    URBAN = "urban", "城市建设"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    ECOLOGY = "ecology", "生态保护"
    SOCIAL = "social", "社会事业"


DOMAIN_ORDER = {value: index for index, value in enumerate(Domain.values)}


class Level(models.TextChoices):
    PROVINCE = "province", "省重点"
    CITY = "city", "市重点"
    DISTRICT = "district", "区重点"


class Batch(models.TextChoices):
    """三个一批."""

    SIGNED = "signed", "签约一批"
    STARTED = "started", "开工一批"
    IN_PRODUCTION = "in_production", "投产一批"


class Stage(models.TextChoices):
    PLANNING = "planning", "谋划"
    SIGNED = "signed", "签约"
    UNDER_CONSTRUCTION = "under_construction", "开工在建"
    IN_PRODUCTION = "in_production", "建成投产"
    COMPLETED = "completed", "竣工"


YEAR_ORDER_ERROR = "竣工年份不能早于开工年份。"
ROUND_WITHOUT_BATCH = "填写批次期数时必须同时选择“三个一批”类别。"
NEGATIVE_AMOUNT = "投资额不能为负数。"
PROJECT_DUPLICATE = "该行政区划下已有同名项目。"
INVESTMENT_DUPLICATE = "该项目该年度已有投资记录，请修改原有记录。"
NOTE_TEXT_REQUIRED = "请填写进展情况。"
PENDING_WHEN_APPROVED = "已审核的数值不应有待审核的新填报数。"


def shown_total(preview: bool, prefix: str = "") -> models.Expression | models.F:
    """A project's total investment as pages count it: approved, or in preview the submitted figure if any."""
    if not preview:
        return models.F(f"{prefix}total_investment")
    return models.Case(
        models.When(**{f"{prefix}total_status": ReviewStatus.SUBMITTED}, then=models.F(f"{prefix}total_pending")),
        default=models.F(f"{prefix}total_investment"),
    )


class ProjectQuerySet(models.QuerySet["Project"]):
    def of_region(self, region: Region) -> ProjectQuerySet:
        return self.filter(region=region)

    def in_report_order(self) -> ProjectQuerySet:
        """附件3 order: by domain as printed there, then by name."""
        whens = [models.When(domain=value, then=index) for value, index in DOMAIN_ORDER.items()]
        return self.annotate(
            domain_order=models.Case(*whens, default=len(DOMAIN_ORDER), output_field=models.IntegerField())
        ).order_by("domain_order", "name", "pk")

    def existing_in(self, year: int) -> ProjectQuerySet:
        """Projects known to exist by the end of ``year``: started or built by then, with investment of that year
        or earlier, or with a progress note dated by then. A project whose first dated trace is later (a 2025
        plan's new project) is not in a 2022 table; one without any dated trace stays listed (nothing says it
        is new). One filter, no extra query."""
        investments = ProjectInvestment.objects.filter(project=models.OuterRef("pk"))
        notes = ProgressNote.objects.filter(project=models.OuterRef("pk"))
        undated = (
            Q(start_year__isnull=True, end_year__isnull=True) & ~models.Exists(investments) & ~models.Exists(notes)
        )
        return self.filter(
            Q(start_year__lte=year)
            | Q(end_year__lte=year)
            | models.Exists(investments.filter(year__lte=year))
            | models.Exists(notes.filter(date__year__lte=year))
            | undated
        )

    def with_year(self, year: int, *, preview: bool = False) -> ProjectQuerySet:
        """Annotate ``year_planned`` / ``year_completed`` (亿元), ``has_year`` and ``shown_total`` in the same query.

        Approved figures only; ``preview`` adds the figures awaiting review (see ``InvestmentQuerySet.figures``).
        """
        rows = ProjectInvestment.objects.figures(preview=preview).filter(project=models.OuterRef("pk"), year=year)
        marks = (
            {  # which shown figures are pending, so pages can mark them
                "year_pending": models.Exists(rows.filter(status=ReviewStatus.SUBMITTED)),
                "total_pending_shown": models.Q(total_status=ReviewStatus.SUBMITTED),
            }
            if preview
            else {}
        )
        return self.annotate(
            **marks,
            # django-stubs cannot see annotations made inside a QuerySet method.
            year_planned=models.Subquery(rows.values("shown_planned")[:1]),  # type: ignore[misc]
            year_completed=models.Subquery(rows.values("shown_completed")[:1]),  # type: ignore[misc]
            has_year=models.Exists(rows),
            shown_total=shown_total(preview),
        )


class Project(models.Model):
    region_path = "region"  # from this model to its region (admin scoping, issue 12)
    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="projects")
    plan = models.ForeignKey(
        Plan,
        verbose_name="所属规划",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    name = models.CharField("项目名称", max_length=120)
    domain = models.CharField("领域", max_length=20, choices=Domain.choices)
    level = models.CharField(
        "项目级别", max_length=10, choices=Level.choices, blank=True, help_text="来源未载明时留空。"
    )
    batch = models.CharField("三个一批", max_length=20, choices=Batch.choices, blank=True)
    batch_round = models.CharField("批次期数", max_length=20, blank=True, help_text="如：第六期")
    stage = models.CharField(
        "建设阶段", max_length=20, choices=Stage.choices, blank=True, help_text="来源未载明时留空。"
    )
    # The approved total; a new figure waits in ``total_pending`` until a reviewer approves it. Indicators do the
    # reverse (the new figure in place, the approved copy aside): see Observation.approved_value for why.
    total_investment = models.DecimalField("总投资（亿元）", max_digits=14, decimal_places=4, null=True, blank=True)
    total_pending = models.DecimalField("新填报总投资（亿元）", max_digits=14, decimal_places=4, null=True, blank=True)
    # Approved by default: a total written straight to ``total_investment`` (fixtures, bulk loads) is approved.
    total_status = models.CharField(
        "总投资审核状态", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.APPROVED
    )
    total_review_note = models.TextField("总投资审核意见", blank=True)
    total_entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="总投资填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    start_year = models.PositiveSmallIntegerField("开工年份", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("建成年份", null=True, blank=True)
    responsible_unit = models.CharField("责任单位", max_length=100, blank=True)
    location = models.CharField("建设地点", max_length=100, blank=True)
    scale = models.TextField(
        "建设规模（原文）", blank=True, help_text="来源中的规模、产能等数字，按原文记录，如：规划建设用地1500亩"
    )
    source = models.TextField("来源", blank=True, help_text="来源文件与章节；多个来源以“；”分隔")
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Optimistic locking, as for indicator figures: +1 on every write; a form posts the version it showed.
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    history = HistoricalRecords()
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "重大项目"
        verbose_name_plural = "重大项目"
        ordering = ["region", "domain", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="project_unique_name_in_region",
                violation_error_message=PROJECT_DUPLICATE,
            ),
            models.CheckConstraint(
                condition=Q(total_investment__isnull=True) | Q(total_investment__gte=0),
                name="project_total_not_negative",
                violation_error_message=NEGATIVE_AMOUNT,
            ),
            models.CheckConstraint(
                condition=Q(total_pending__isnull=True) | Q(total_pending__gte=0),
                name="project_pending_total_not_negative",
                violation_error_message=NEGATIVE_AMOUNT,
            ),
            models.CheckConstraint(
                condition=~Q(total_status=ReviewStatus.APPROVED) | Q(total_pending__isnull=True),
                name="project_approved_total_has_no_pending",
                violation_error_message=PENDING_WHEN_APPROVED,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = YEAR_ORDER_ERROR
        if self.batch_round and not self.batch:
            errors["batch"] = ROUND_WITHOUT_BATCH
        if self.plan_id and self.plan and self.region_id and self.plan.region_id != self.region_id:
            errors["plan"] = "所属规划必须属于同一行政区划。"
        if errors:
            raise ValidationError(errors)

    @property
    def batch_label(self) -> str:
        if not self.batch:
            return ""
        return f"{self.get_batch_display()}（{self.batch_round}）" if self.batch_round else self.get_batch_display()


class InvestmentQuerySet(models.QuerySet["ProjectInvestment"]):
    def approved(self) -> InvestmentQuerySet:
        """Rows with approved figures; a pending change to them does not matter until it is approved."""
        return self.filter(Q(planned__isnull=False) | Q(completed__isnull=False))

    def awaiting_review(self) -> InvestmentQuerySet:
        return self.filter(status=ReviewStatus.SUBMITTED)

    def figures(self, *, preview: bool = False) -> InvestmentQuerySet:
        """The rows pages count, with ``shown_planned`` / ``shown_completed`` to sum or show.

        Approved figures only; in ``preview`` a submitted (待审核) figure replaces the approved one and a
        year with only a submitted figure counts too. Drafts and returned figures never count.
        """
        if not preview:
            return self.approved().annotate(shown_planned=models.F("planned"), shown_completed=models.F("completed"))
        submitted = Q(status=ReviewStatus.SUBMITTED)
        return self.filter(submitted | Q(planned__isnull=False) | Q(completed__isnull=False)).annotate(
            shown_planned=models.Case(
                models.When(submitted, then=models.F("pending_planned")), default=models.F("planned")
            ),
            shown_completed=models.Case(
                models.When(submitted, then=models.F("pending_completed")), default=models.F("completed")
            ),
        )


class ProjectInvestment(models.Model):
    """Planned and completed investment of one project in one year (亿元).

    ``planned`` / ``completed`` are the approved figures, the only ones dashboards and exports count. A
    clerk's new figures wait in ``pending_planned`` / ``pending_completed`` with ``status`` draft →
    submitted → approved (copied over) or returned, as for indicator figures (``indicators.services``).
    """

    region_path = "project__region"  # from this model to its region (admin scoping, issue 12)

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="investments")
    year = models.PositiveSmallIntegerField("年份")
    planned = models.DecimalField("年度计划投资（亿元）", max_digits=14, decimal_places=4, null=True, blank=True)
    completed = models.DecimalField("完成投资（亿元）", max_digits=14, decimal_places=4, null=True, blank=True)
    pending_planned = models.DecimalField(
        "新填报计划投资（亿元）", max_digits=14, decimal_places=4, null=True, blank=True
    )
    pending_completed = models.DecimalField(
        "新填报完成投资（亿元）", max_digits=14, decimal_places=4, null=True, blank=True
    )
    # Approved by default: figures written straight to ``planned``/``completed`` (fixtures, bulk loads) are approved.
    status = models.CharField("审核状态", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.APPROVED)
    review_note = models.TextField("审核意见", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField("来源", max_length=300, blank=True)
    note = models.TextField("说明", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)  # as Project.version

    history = HistoricalRecords()
    objects = InvestmentQuerySet.as_manager()

    class Meta:
        verbose_name = "年度投资"
        verbose_name_plural = "年度投资"
        ordering = ["project", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year"],
                name="investment_one_per_year",
                violation_error_message=INVESTMENT_DUPLICATE,
            ),
            models.CheckConstraint(
                condition=(Q(planned__isnull=True) | Q(planned__gte=0))
                & (Q(completed__isnull=True) | Q(completed__gte=0)),
                name="investment_not_negative",
                violation_error_message=NEGATIVE_AMOUNT,
            ),
            models.CheckConstraint(
                condition=(Q(pending_planned__isnull=True) | Q(pending_planned__gte=0))
                & (Q(pending_completed__isnull=True) | Q(pending_completed__gte=0)),
                name="investment_pending_not_negative",
                violation_error_message=NEGATIVE_AMOUNT,
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.APPROVED)
                | (Q(pending_planned__isnull=True) & Q(pending_completed__isnull=True)),
                name="investment_approved_has_no_pending",
                violation_error_message=PENDING_WHEN_APPROVED,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.name} {self.year}年"

    @property
    def has_approved(self) -> bool:
        return self.planned is not None or self.completed is not None


class ProgressNote(models.Model):
    """A dated line of progress (进展情况), e.g. 一期建成开园，签约入驻企业32家."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="notes")
    date = models.DateField("日期")
    text = models.TextField("进展情况")
    source = models.CharField("来源", max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "项目进展"
        verbose_name_plural = "项目进展"
        ordering = ["project", "-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.project.name} {self.date:%Y-%m-%d}"


class SummaryScope(models.TextChoices):
    """Which registered projects a yearly summary figure is compared with."""

    PROVINCE = "province", "省重点项目"
    CITY = "city", "市重点项目"
    PROVINCE_CITY = "province_city", "省市重点项目"
    SIGNED = "signed", "“签约一批”项目"
    STARTED = "started", "“开工一批”项目"
    IN_PRODUCTION = "in_production", "“投产一批”项目"
    THREE_BATCHES = "three_batches", "“三个一批”项目"
    OTHER = "other", "其他口径（不与登记项目比较）"


class InvestmentSummary(models.Model):
    """A figure a report gives only in aggregate, e.g. 2022年纳入省重点项目10个，总投资196.91亿元.

    Kept beside the totals computed from registered projects; the difference is shown, never hidden.
    """

    region_path = "region"  # from this model to its region (admin scoping, issue 12)

    region = models.ForeignKey(
        Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="investment_summaries"
    )
    plan = models.ForeignKey(
        Plan, verbose_name="所属规划", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年份")
    part = models.CharField("期间", max_length=2, blank=True, default="", choices=[("", "全年"), ("H1", "上半年")])
    scope = models.CharField("口径", max_length=20, choices=SummaryScope.choices)
    label = models.CharField("原文表述", max_length=100, help_text="如：纳入省重点项目、前六期纳入“签约一批”项目")
    project_count = models.PositiveIntegerField("项目个数", null=True, blank=True)
    total_investment = models.DecimalField("总投资（亿元）", max_digits=14, decimal_places=4, null=True, blank=True)
    planned = models.DecimalField("年度计划投资（亿元）", max_digits=14, decimal_places=4, null=True, blank=True)
    completed = models.DecimalField("完成投资（亿元）", max_digits=14, decimal_places=4, null=True, blank=True)
    source = models.CharField("来源", max_length=300)
    note = models.TextField("说明", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度汇总数"
        verbose_name_plural = "年度汇总数"
        ordering = ["region", "year", "part", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "part", "label", "source"], name="summary_unique_per_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_part_display() if self.part else ''} {self.label}"

    @property
    def period_label(self) -> str:
        return f"{self.year}年{'上半年' if self.part == 'H1' else ''}"
