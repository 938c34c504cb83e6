"""Write the evaluation report draft (Word; the same file as the pages' "下载报告草稿（Word）") to a path."""

from __future__ import annotations

from pathlib import Path

from indicators.models import Plan
from indicators.periods import Period
from reports.annual import build_annual
from reports.annual_views import next_annual_report
from reports.appendix import build_report
from reports.document import annual_title, build_annual_document, build_document, build_draft
from reports.management.commands.export_appendix import Command as ExportAppendix


class Command(ExportAppendix):
    """The same --plan and --as-of as export_appendix (and the same Chinese errors); a .docx instead."""

    help = "导出评估报告草稿（Word），与页面上的“下载报告草稿（Word）”相同。"
    output_help = "输出的 .docx 文件路径"

    def export(self, plan: Plan, as_of: Period, output: Path) -> None:
        if plan.is_annual:  # an annual plan's execution report (年度计划执行情况)
            report = build_annual(plan, as_of)
            build_annual_document(report, next_annual_report(plan)).save(str(output))
            self.stdout.write(f"已导出《{annual_title(report)}》（草稿，数据截至{as_of.label}）到 {output}")
            return
        draft = build_draft(build_report(plan, as_of))
        build_document(draft).save(str(output))
        self.stdout.write(f"已导出《{draft.title}》（草稿，数据截至{as_of.label}）到 {output}")
