"""python manage.py export_projects --year 2022 -o 重大项目.xlsx [--region 卧龙区]"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.models import Region
from indicators.xlsx_layout import save_workbook
from projects.exports import build_workbook, export_rows
from projects.models import Project


class Command(BaseCommand):
    help = "按附件3格式导出重大项目进展情况（按领域分组，含小计与合计）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="年度，如 2022")
        parser.add_argument("-o", "--output", required=True, help="输出文件路径（.xlsx）")
        parser.add_argument("--region", default="", help="行政区划名称；只有一个行政区划有项目时可省略")

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        if not 1990 <= year <= 2100:
            raise CommandError("年份应为 1990–2100 之间的四位数字。")
        regions = Region.objects.filter(projects__isnull=False).distinct()
        if options["region"]:
            regions = regions.filter(name=options["region"])
        found = list(regions[:2])
        if not found:
            raise CommandError("没有找到有重大项目的行政区划。")
        if len(found) > 1:
            raise CommandError("有多个行政区划有重大项目，请用 --region 指定。")
        region = found[0]
        rows = export_rows(Project.objects.of_region(region), year)
        output = Path(options["output"])
        if output.suffix.lower() != ".xlsx":
            raise CommandError("输出文件应以 .xlsx 结尾。")
        save_workbook(build_workbook(rows, year=year, region_name=region.name), output)
        self.stdout.write(f"已导出 {region.name} {year}年重大项目 {len(rows)} 个：{output}")
