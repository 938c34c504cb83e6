"""Entry forms: project, yearly investment, progress note; plus the region/year picker of the pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from indicators.models import Plan, Region
from indicators.services import REASON_MAX
from projects.models import ProgressNote, Project
from projects.services import RETURN_NOTE_REQUIRED

YEAR_MIN, YEAR_MAX = 1990, 2100
YEAR_ERROR = f"年份应为 {YEAR_MIN}–{YEAR_MAX} 之间的四位数字。"
AMOUNT_ERROR = "请输入以亿元为单位的数字，最多4位小数，如 19.6 或 0.7936。"
REASON_LABEL = "修改原因"
REASON_HELP = "修改已审核通过的投资数额时必填，将记入修改历史。"

_amount_messages = {"invalid": AMOUNT_ERROR, "max_decimal_places": AMOUNT_ERROR, "max_digits": AMOUNT_ERROR}


def _year_field(label: str, *, required: bool) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={"invalid": YEAR_ERROR, "min_value": YEAR_ERROR, "max_value": YEAR_ERROR},
    )


def _amount_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=4,
        error_messages={**_amount_messages, "min_value": "投资额不能为负数。"},
    )


class ScopeForm(forms.Form):
    """Which region and which year's investment a page shows; bad input falls back to the defaults."""

    region = forms.TypedChoiceField(label="行政区划", coerce=int, required=False)
    year = _year_field("年度", required=False)

    def __init__(self, *args: Any, regions: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.pk, r.name) for r in regions]  # type: ignore[attr-defined]


class ProjectForm(forms.ModelForm):
    total_investment = _amount_field("总投资（亿元）")
    start_year = _year_field("开工年份", required=False)
    end_year = _year_field("建成年份", required=False)
    reason = forms.CharField(label=REASON_LABEL, required=False, help_text=REASON_HELP, max_length=REASON_MAX)
    # The version of the project the form showed (empty for a new project): a save by someone else since is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Project
        fields = [
            "region",
            "plan",
            "name",
            "domain",
            "level",
            "stage",
            "batch",
            "batch_round",
            "total_investment",
            "start_year",
            "end_year",
            "responsible_unit",
            "location",
            "scale",
            "source",
            "note",
        ]
        widgets = {
            "scale": forms.Textarea(attrs={"rows": 2}),
            "source": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.select_related("parent")  # type: ignore[attr-defined]
        self.fields["plan"].queryset = Plan.objects.select_related("region")  # type: ignore[attr-defined]


class InvestmentForm(forms.Form):
    year = _year_field("年份", required=True)
    planned = _amount_field("年度计划投资（亿元）")
    completed = _amount_field("完成投资（亿元）")
    source = forms.CharField(label="来源", required=False, max_length=300)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=REASON_LABEL, required=False, help_text=REASON_HELP, max_length=REASON_MAX)
    # The year the form was opened for and that year's version (0: no figures yet).
    seen_year = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def expected_version(self) -> int | None:
        """The version the user saw of the year they save (0: none yet), or None when they typed another year.

        Typing a year that has figures deliberately changes them (the page says so); changing approved
        amounts then needs a reason, as always.
        """
        data = self.cleaned_data
        if data.get("seen_year") is None or data.get("version") is None or data["year"] != data["seen_year"]:
            return None
        return int(data["version"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("planned") is None and data.get("completed") is None and not self.errors:
            raise forms.ValidationError("请至少填写年度计划投资或完成投资中的一项。")
        return data


class NoteForm(forms.ModelForm):
    class Meta:
        model = ProgressNote
        fields = ["date", "text", "source"]
        widgets = {
            # ISO: what <input type=date> reads, whatever the locale (zh-hans would print 2026/11/29)
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"date": {"invalid": "日期格式应为 2025-04-17。"}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)


RETURN_NOTE_MAX = 500
RETURN_NOTE_TOO_LONG = f"退回原因最多 {RETURN_NOTE_MAX} 个字。"


class ReturnForm(forms.Form):
    note = forms.CharField(
        label="退回原因",
        max_length=RETURN_NOTE_MAX,
        error_messages={"required": RETURN_NOTE_REQUIRED, "max_length": RETURN_NOTE_TOO_LONG},
    )
