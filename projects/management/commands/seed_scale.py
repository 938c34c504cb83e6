"""Build the synthetic province for benchmarks: ``manage.py seed_scale --regions 200 [--seed 1]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projects.scale import seed_scale


class Command(BaseCommand):
    help = "生成基准测试用的示例省（13个市、N个县，每县一个30项指标的规划），同样的参数每次生成同样的数据"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--regions", type=int, required=True, help="县（区）个数，如 200")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["regions"] < 1:
            raise CommandError("--regions 至少为 1。")
        try:
            made = seed_scale(options["regions"], options["seed"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已生成示例省：{made['regions']}个行政区划，{made['plans']}个规划，{made['indicators']}项指标，"
            f"{made['observations']}个数值，{made['projects']}个重大项目。"
        )
