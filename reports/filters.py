"""Filters of the 附件1 page: category, attribute and verdict. A plain form over the built rows (the
rows are computed, not a queryset, so django-filter would add nothing). An unknown value is ignored
with a Chinese message, never a 500.
"""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

from reports.rows import AppendixRow

ALL = ""
FILTER_INVALID = "筛选条件无效，已显示全部指标。"


class AppendixFilterForm(forms.Form):
    category = forms.ChoiceField(label="类别", required=False)
    attribute = forms.ChoiceField(label="属性", required=False)
    verdict = forms.ChoiceField(label="完成情况", required=False)

    def __init__(self, data: object, rows: Sequence[AppendixRow]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.rows = rows
        for name, values in (
            ("category", [r.category for r in rows]),
            ("attribute", [r.attribute for r in rows if r.attribute]),
            ("verdict", [r.label for r in rows]),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(ALL, "全部")] + [(v, v) for v in dict.fromkeys(values)]

    @property
    def active(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())

    def filtered(self) -> list[AppendixRow]:
        if not self.is_valid():
            return list(self.rows)
        wanted = self.cleaned_data
        return [
            r
            for r in self.rows
            if (not wanted["category"] or r.category == wanted["category"])
            and (not wanted["attribute"] or r.attribute == wanted["attribute"])
            and (not wanted["verdict"] or r.label == wanted["verdict"])
        ]
