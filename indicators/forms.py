"""Forms of the entry, review and administration pages. Parsing lives in indicators.values, writes in
indicators.services; the forms only turn posted text into typed values with Chinese messages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from indicators.import_reading import FILE_EMPTY
from indicators.models import (
    VALUE_WITH_NO_DATA,
    Department,
    Direction,
    Indicator,
    Plan,
    Region,
    Series,
    TargetKind,
)
from indicators.periods import Period, PeriodError, plan_periods
from indicators.services import REASON_MAX, RETURN_NOTE_REQUIRED
from indicators.values import ValueInputError, parse_for_indicator, parse_value
from indicators.vocabulary import STATUS_CHOICES

VALUE_MISSING = "请填写数值，或勾选“暂无数据”。"
UPLOAD_REQUIRED = "请选择要上传的 Excel 文件（.xlsx）。"


class ObservationForm(forms.Form):
    value = forms.CharField(
        label="数值",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text="只填数字；可用全角数字，百分比指标可带 %。",
    )
    no_data = forms.BooleanField(label="暂无数据", required=False)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label="来源", required=False, max_length=200, help_text="来源文件与章节")
    reason = forms.CharField(
        label="修改原因", required=False, max_length=REASON_MAX, help_text="修改已审核的数值时必填。"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, indicator: Indicator | Series, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator  # an indicator or a series: its name and unit decide how a value is read
        self.parsed_decimals: int | None = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        text = (data.get("value") or "").strip()
        if data.get("no_data"):
            if text:
                self.add_error("value", VALUE_WITH_NO_DATA)
            data["number"] = None
            return data
        if not text:
            self.add_error("value", VALUE_MISSING)
            return data
        try:
            parsed = parse_for_indicator(text, name=self.indicator.name, unit=self.indicator.unit)
        except ValueInputError as error:
            self.add_error("value", error.message)
            return data
        data["number"] = parsed.value
        self.parsed_decimals = parsed.decimals
        return data


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class ReturnForm(VersionForm):
    note = forms.CharField(
        label="退回原因",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": RETURN_NOTE_REQUIRED},
    )


def period_choices(plan: Plan) -> list[tuple[str, str]]:
    periods = [Period(plan.base_year), *plan_periods(plan.base_year, plan.end_year)]
    return [(p.code, p.label) for p in periods]


class LockForm(forms.Form):
    period = forms.ChoiceField(label="期间")
    reason = forms.CharField(label="原因", required=False, max_length=REASON_MAX)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(plan)  # type: ignore[attr-defined]

    def clean_period(self) -> Period:
        return Period.parse(self.cleaned_data["period"])


class ManualVerdictForm(forms.Form):
    status = forms.ChoiceField(label="研判结论", choices=STATUS_CHOICES)
    reason = forms.CharField(
        label="理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "人工研判必须填写理由。"},
    )


class ManualVerdictClearForm(forms.Form):
    reason = forms.CharField(
        label="撤销理由", max_length=REASON_MAX, error_messages={"required": "撤销人工研判必须填写理由。"}
    )


class TargetForm(forms.Form):
    target_text = forms.CharField(label="目标值（原文）", required=False, max_length=100)
    manual = forms.BooleanField(
        label="人工指定目标类型", required=False, help_text="不勾选时按原文自动解析，下面三项以解析结果为准。"
    )
    kind = forms.ChoiceField(label="目标类型", required=False, choices=[("", "—"), *TargetKind.choices])
    value = forms.CharField(label="目标数值", required=False, max_length=40)
    direction = forms.ChoiceField(label="方向", required=False, choices=Direction.choices)
    reason = forms.CharField(
        label="修改原因", max_length=REASON_MAX, error_messages={"required": "修改目标必须填写修改原因。"}
    )

    def clean_value(self) -> Decimal | None:
        text = (self.cleaned_data.get("value") or "").strip()
        if not text:
            return None
        try:
            return parse_value(text).value
        except ValueInputError as error:
            raise ValidationError(error.message) from None


class AssignedTargetForm(forms.Form):
    period = forms.CharField(label="期间", max_length=20, help_text="如 2023 或 2023H1")
    value = forms.CharField(label="下达目标值", max_length=40)
    source = forms.CharField(label="来源", required=False, max_length=200)
    reason = forms.CharField(label="原因", max_length=REASON_MAX, error_messages={"required": "请填写原因。"})

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except PeriodError as error:
            raise ValidationError(str(error)) from None

    def clean_value(self) -> Decimal:
        try:
            return parse_value(self.cleaned_data["value"]).value
        except ValueInputError as error:
            raise ValidationError(error.message) from None


class PlanCreateForm(forms.Form):
    region = forms.ModelChoiceField(label="行政区划", queryset=Region.objects.all())
    name = forms.CharField(label="规划名称", max_length=100, help_text="如：卧龙区“十五五”规划")
    short_name = forms.CharField(label="简称", max_length=20, required=False, help_text="如：十五五")
    base_year = forms.IntegerField(label="基期年份", min_value=1949, max_value=2200, help_text="如 2025")
    end_year = forms.IntegerField(label="目标年份", min_value=1950, max_value=2200, help_text="如 2030")
    categories = forms.CharField(
        label="类别",
        widget=forms.Textarea(attrs={"rows": 5}),
        initial="经济发展\n创新驱动\n民生福祉\n绿色生态\n安全保障",
        help_text="每行一个，按表中顺序。",
    )

    def clean_categories(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["categories"].splitlines() if line.strip()]


class NextPlanForm(forms.Form):
    """Start the next plan from this one (十四五 → 十五五): names, years and the continuing indicators."""

    name = forms.CharField(label="新规划名称", max_length=100, help_text="如：卧龙区“十五五”规划")
    short_name = forms.CharField(label="简称", max_length=20, required=False, help_text="如：十五五")
    base_year = forms.IntegerField(label="基期年份", min_value=1949, max_value=2200)
    end_year = forms.IntegerField(label="目标年份", min_value=1950, max_value=2200)
    continuing = forms.ModelMultipleChoiceField(
        label="延续的指标",
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一项延续的指标。"},
        help_text="所选指标沿用同一统计指标：新规划的基期值直接读取已有数值，无需重新录入；目标值在新规划的目标页填写。",
    )

    lock_previous = forms.BooleanField(
        label="锁定原规划的全部期间（原规划转为只读，仍可评估）",
        required=False,
        help_text="锁定后原规划各期数值（含与新规划共用的基期年数值）不能再修改；管理员可在“期间锁定”中逐期解锁。"
        "原规划末年数据尚未齐全时请暂不勾选。",
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["continuing"].queryset = (  # type: ignore[attr-defined]
            Indicator.objects.of_plan(plan)
            .filter(series__isnull=False)
            .select_related("category", "parent", "series")
            .in_print_order()
        )
        self.fields["continuing"].label_from_instance = lambda i: (  # type: ignore[attr-defined]
            f"{i.seq or (i.parent.seq if i.parent else '')} {i.parent.name + ' · ' if i.parent else ''}{i.name}"
        ).strip()
        self.fields["base_year"].initial = plan.end_year
        self.fields["end_year"].initial = plan.end_year + plan.years


class CategoryForm(forms.Form):
    name = forms.CharField(label="新类别", max_length=30)


class IndicatorForm(forms.ModelForm):
    reason = forms.CharField(label="修改原因", required=False, max_length=REASON_MAX)
    # The department belongs to the series (it enters the figure once for every plan); shown here for
    # convenience and saved on the series by ``services.indicator_save``.
    department = forms.ModelChoiceField(label="责任单位", queryset=Department.objects.none(), required=False)

    class Meta:
        model = Indicator
        fields = [
            "category",
            "parent",
            "seq",
            "name",
            "unit",
            "attribute",
            "target_text",
            "series",
            "partial_periods_comparable",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["category"].queryset = plan.categories.all()  # type: ignore[attr-defined]
        parents = Indicator.objects.filter(plan=plan, parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["department"].queryset = Department.objects.filter(  # type: ignore[attr-defined]
            region=plan.region
        )
        self.fields["series"].queryset = Series.objects.filter(region=plan.region)  # type: ignore[attr-defined]
        self.fields["series"].help_text = "留空则按名称和单位匹配本区已有统计指标，没有则新建。"
        if self.instance.series is not None:
            self.fields["department"].initial = self.instance.series.department_id


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="表格文件（Excel、CSV 或 Word）", error_messages={"required": UPLOAD_REQUIRED, "empty": FILE_EMPTY}
    )
    as_of = forms.CharField(
        label="“中期完成情况”的评估期",
        required=False,
        max_length=20,
        help_text="只用于导入带批注的人工研判；默认取表标题中的“截至…”，如 2023H1。",
    )

    def clean_as_of(self) -> Period | None:
        text = (self.cleaned_data.get("as_of") or "").strip()
        if not text:
            return None
        try:
            return Period.parse(text)
        except PeriodError as error:
            raise ValidationError(str(error)) from None
