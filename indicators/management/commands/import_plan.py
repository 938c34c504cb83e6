"""python manage.py import_plan FILE.xlsx --region 卧龙区 --plan 卧龙区“十五五”规划 [--as-of 2023H1] [--dry-run]"""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.import_reading import ImportFileError, check_upload
from indicators.importer import find_region, run_import
from indicators.periods import Period, PeriodError


class Command(BaseCommand):
    help = "从附件1版式的表格（Excel、CSV、Word）导入规划指标与数值（空规划时建立指标）；一次性提交，有错误则不写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="附件1 版式（或按表头识别的其他版式）的 .xlsx/.xlsm/.xls/.csv/.docx 文件")
        parser.add_argument("--region", required=True, help="行政区划名称，如 卧龙区")
        parser.add_argument("--plan", required=True, help="规划名称；不存在时按表新建")
        parser.add_argument(
            "--as-of", default="", help="“中期完成情况”一列的评估期间，如 2023H1（默认取标题中的“截至…”）"
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查并列出将要写入的内容，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            as_of = Period.parse(options["as_of"]) if options["as_of"] else None
        except PeriodError as error:
            raise CommandError(str(error)) from None
        try:
            check_upload(path.name, path.stat().st_size)
            region = find_region(options["region"])
        except (ImportFileError, ValidationError) as problem:
            raise CommandError(_message(problem)) from None
        report = run_import(
            path.read_bytes(),
            user=None,
            filename=path.name,
            commit=not options["dry_run"],
            region=region,
            plan_name=options["plan"],
            as_of=as_of,
        )
        if report.reading is not None:  # another layout than the template: say how its columns were read
            self.stdout.write("，".join(f"{c.letter} 列 → {c.label}" for c in report.reading.columns))
        for warning in report.warnings:
            self.stdout.write(f"提示：{warning}")
        if report.errors:
            for message in report.errors:
                self.stderr.write(f"错误：{message}")
            raise CommandError(f"共 {len(report.errors)} 处错误，未写入任何数据。")
        verb = "检查通过（未写入）" if options["dry_run"] else "导入完成"
        self.stdout.write(self.style.SUCCESS(f"{verb}：{report.summary}。"))


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)
