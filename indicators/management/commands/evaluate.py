"""Judge every indicator of a plan as of a period: ``manage.py evaluate --as-of 2023H1 [--plan …] [--json]``.

With ``--region`` (issue 12): ``--plan`` is looked for in that region only; without ``--plan`` every plan under the
region (its subtree) is judged, in a fixed number of queries (``assess_plans``), and each JSON row names its
region and plan. An ambiguous region or plan name is refused with the candidates listed.
"""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from indicators.annual_assessment import annual_result
from indicators.assessment import (
    IndicatorAssessment,
    assess_plan,
    assess_plans,
    default_plan,
    latest_period_with_data,
    summarize,
)
from indicators.evaluation import is_final, pct, rnd, time_progress
from indicators.models import Plan, TargetKind
from indicators.periods import Period, PeriodError
from indicators.regions import LookupFailed, find_region, regions_by_pk, subtree
from indicators.regions import find_plan as find_named_plan

KIND_LABELS = dict(TargetKind.choices)


def find_plan(ref: str | None) -> Plan:
    """A plan by id or name; when none is named, the plan the pages open on (``default_plan``)."""
    plans = Plan.objects.select_related("region")
    if ref is None:
        chosen = default_plan(list(plans), timezone.localdate())
        if chosen is None:
            raise CommandError("尚未建立规划。请运行 python manage.py seed_demo 载入演示数据。")
        return chosen
    match = list(plans.filter(pk=int(ref)) if ref.isdigit() else plans.filter(Q(name=ref) | Q(short_name=ref)))
    if len(match) > 1:  # never silently the first: the same short name (十四五) in several regions
        try:
            return find_named_plan(ref, match, regions_by_pk())
        except LookupFailed as exc:
            raise CommandError(str(exc)) from exc
    if not match:
        raise CommandError(f"找不到规划“{ref}”。")
    return match[0]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _fraction(value: Decimal | None) -> str | None:
    return str(rnd(value, 4)) if value is not None else None


def as_json(row: IndicatorAssessment) -> dict[str, Any]:
    indicator, verdict = row.indicator, row.verdict
    return {
        "seq": indicator.seq or (indicator.parent.seq if indicator.parent else ""),
        "name": indicator.name,
        "parent": indicator.parent.name if indicator.parent else None,
        "attribute": indicator.get_attribute_display(),
        "kind": verdict.kind or None,
        "computed_status": row.computed_label,
        "status": row.label,
        "status_code": verdict.status.value,
        "manual": verdict.manual,
        "completion": float(rnd(verdict.completion, 4)) if verdict.completion is not None else None,
        "time_progress": float(rnd(verdict.time_progress, 4)),
        "required_rate": float(rnd(verdict.required_rate, 2)) if verdict.required_rate is not None else None,
        "outlook": verdict.outlook_label or None,
        "explanation": verdict.explanation,
        "data_period": verdict.data_period.code if verdict.data_period else None,
        "stale": verdict.stale,
        "data_status": row.data_label or None,
        "final": verdict.final,
    }


class Command(BaseCommand):
    help = "按中期评估口径评估规划指标：evaluate [--plan 编号或名称] --as-of 2023H1 [--json]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", help="规划编号或名称；只有一个规划时可省略")
        parser.add_argument("--as-of", dest="as_of", help="评估时点，如 2022、2023H1、2023Q3；默认最近有数据的期间")
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument(
            "--region", help="行政区划名称（可写全称，如 河南省南阳市卧龙区）或编号；不写 --plan 时评估其下所有规划"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["region"]:
            self._region(options)
            return
        plan = find_plan(options["plan"])
        if options["as_of"]:
            try:
                as_of = Period.parse(options["as_of"])
            except PeriodError as exc:
                raise CommandError(str(exc)) from exc
        else:
            latest = latest_period_with_data(plan)
            if latest is None:
                raise CommandError("该规划还没有已审核的数据，请用 --as-of 指定评估时点。")
            as_of = latest
        rows = assess_plan(plan, as_of)
        if options["json"]:
            data = [as_json(r) for r in rows]
            if plan.is_annual:  # an annual plan's results also in its own wording (完成 / 基本完成 / 未完成)
                for item, row in zip(data, rows, strict=True):
                    result = annual_result(plan, row)
                    item.update(annual_status=result.label, annual_status_code=result.completion.value)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self._table(plan, as_of, rows)

    def _region(self, options: dict[str, Any]) -> None:
        """Queries: the regions, the plans, then one plan's five or ``assess_plans``' four."""
        regions = regions_by_pk()
        try:
            region = find_region(options["region"], regions)
            plans = list(Plan.objects.filter(region_id__in=subtree(region, regions)).order_by("region_id", "pk"))
            if options["plan"]:
                plans = [find_named_plan(options["plan"], plans, regions, region)]
        except LookupFailed as exc:
            raise CommandError(str(exc)) from exc
        if not plans:
            raise CommandError(f"{region}及其下级尚无规划。")
        if not options["as_of"]:
            if len(plans) > 1:
                raise CommandError("评估多个规划时请用 --as-of 指定评估时点，如 --as-of 2023H1。")
            options["as_of"] = (latest_period_with_data(plans[0]) or Period(plans[0].base_year + 1)).code
        try:
            as_of = Period.parse(options["as_of"])
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        results = assess_plans(plans, as_of)
        if options["json"]:
            data = []
            for plan in plans:
                for row in results[plan.pk]:
                    item = as_json(row)
                    item.update(region=str(regions[plan.region_id]), plan=plan.name, plan_id=plan.pk)
                    if plan.is_annual:
                        result = annual_result(plan, row)
                        item.update(annual_status=result.label, annual_status_code=result.completion.value)
                    data.append(item)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for n, plan in enumerate(plans):
            if n:
                self.stdout.write("")
            self.stdout.write(f"【{regions[plan.region_id]}】")
            self._table(plan, as_of, results[plan.pk])

    def _table(self, plan: Plan, as_of: Period, rows: list[IndicatorAssessment]) -> None:
        stage = "总结评估" if is_final(plan.base_year, plan.end_year, as_of) else "中期评估"
        progress = pct(time_progress(plan.base_year, plan.end_year, as_of))
        self.stdout.write(f"{plan.name} · {stage} · 截至{as_of.label} · 时序进度 {progress}")
        header = [
            ("序号", 5),
            ("指标", 44),
            ("属性", 7),
            ("目标类型", 16),
            ("数据截至", 16),
            ("计算结论", 12),
            ("最终结论", 22),
            ("完成进度", 10),
        ]
        self.stdout.write("".join(_pad(h, w) for h, w in header) + "后续要求")
        for row in rows:
            indicator, verdict = row.indicator, row.verdict
            name = ("  └ " if indicator.parent_id else "") + indicator.name
            final = (annual_result(plan, row).label if plan.is_annual else row.label) + (
                "（人工）" if verdict.manual else ""
            )
            data = verdict.data_period.label if verdict.data_period else "—"
            cells = [
                indicator.seq,
                name,
                indicator.get_attribute_display(),
                KIND_LABELS.get(verdict.kind, "—") if verdict.kind else "—",
                data + ("（未更新）" if verdict.stale else ""),
                row.data_label or row.computed_label,
                final,
                pct(verdict.completion) if verdict.completion is not None else "—",
            ]
            line = "".join(_pad(text, width) for text, (_, width) in zip(cells, header, strict=True))
            self.stdout.write(line + (verdict.required_text or ""))
        s = summarize(rows)
        stale = f"，{s.stale}项数据未更新至{as_of.label}" if s.stale else ""
        good, exceeded, behind = (
            ("完成或超额完成", "超额完成", "未完成") if s.final else ("达到或超过预期", "超出预期", "低于预期")
        )
        self.stdout.write(
            f"\n共{s.total}项指标（约束性{s.binding}项、预期性{s.expected}项）：{good}{s.good}项"
            f"（其中{exceeded}{s.exceeded}项），{behind}{s.behind}项，暂无数据{s.no_data}项，待研判{s.pending}项{stale}。"
        )
