"""Write the 附件1 workbook (the same file as the page's download button) to a path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.models import Plan
from indicators.periods import Period, PeriodError
from indicators.regions import LookupFailed, find_plan, find_region, regions_by_pk
from indicators.xlsx_layout import save_workbook
from reports.appendix import build_report
from reports.selection import default_as_of, in_plan
from reports.workbook import build_appendix_workbook

NO_PLAN = "数据库中没有规划；请先运行 seed_demo 或导入规划。"
PLAN_AMBIGUOUS = "有多个规划，请用 --plan 指定（编号或名称）：{names}"
PLAN_NOT_FOUND = "未找到规划“{plan}”；现有规划：{names}"
AS_OF_OUTSIDE = "评估期{label}不在规划期（{start}–{end}年）内。"


class Command(BaseCommand):
    help = "按官方版式导出附件1（含附件2与数据来源）Excel 文件，与页面上的“下载 Excel”相同。"
    output_help = "输出的 .xlsx 文件路径"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", help="规划编号或名称（只有一个规划时可省略）")
        parser.add_argument("--region", help="行政区划名称或编号：在该区划的规划中找 --plan（同名规划须指明区划）")
        parser.add_argument("--as-of", dest="as_of", help="评估期，如 2023、2023H1；默认为有数据的最近期间")
        parser.add_argument("-o", "--output", required=True, help=self.output_help)

    def handle(self, *args: Any, **options: Any) -> None:
        plan = self._plan(options.get("plan"), options.get("region"))
        if options.get("as_of"):
            try:
                as_of = Period.parse(options["as_of"])
            except PeriodError as exc:
                raise CommandError(str(exc)) from exc
            if not in_plan(plan, as_of):
                raise CommandError(AS_OF_OUTSIDE.format(label=as_of.label, start=plan.base_year + 1, end=plan.end_year))
        else:
            as_of = default_as_of(plan)
        output = Path(options["output"])
        if output.parent and not output.parent.exists():
            raise CommandError(f"目录不存在：{output.parent}")
        self.export(plan, as_of, output)

    def export(self, plan: Plan, as_of: Period, output: Path) -> None:
        report = build_report(plan, as_of)
        save_workbook(build_appendix_workbook(report.appendix), output)
        self.stdout.write(f"已导出 {plan.name} 截至{as_of.label}的附件1（{len(report.appendix.rows)} 行）到 {output}")

    def _plan(self, wanted: str | None, region_ref: str | None = None) -> Plan:
        plans = list(Plan.objects.all())
        names = "、".join(f"{p.pk}={p.name}" for p in plans)
        if not plans:
            raise CommandError(NO_PLAN)
        if region_ref or (wanted and sum(wanted.strip() in (p.name, p.short_name) for p in plans) > 1):
            regions = regions_by_pk()  # a region named, or a name several regions use: refuse to guess
            try:
                region = find_region(region_ref, regions) if region_ref else None
                own = [p for p in plans if region is not None and p.region_id == region.pk]
                if region is not None and not wanted:
                    if len(own) != 1:
                        raise CommandError(PLAN_AMBIGUOUS.format(names="、".join(f"{p.pk}={p.name}" for p in own)))
                    wanted = str(own[0].pk)
                return find_plan(wanted or "", plans, regions, region)
            except LookupFailed as exc:
                raise CommandError(str(exc)) from exc
        if not wanted:
            if len(plans) > 1:
                raise CommandError(PLAN_AMBIGUOUS.format(names=names))
            return plans[0]
        for plan in plans:
            if wanted.strip() in (str(plan.pk), plan.name, plan.short_name):
                return plan
        raise CommandError(PLAN_NOT_FOUND.format(plan=wanted, names=names))
