"""Load the demo data of the seeds and create the demo accounts. Safe to run again: changes nothing.

In reports, the top app, because it loads the seeds of all three apps (indicators, projects, reports)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from indicators.models import Department, StaffProfile
from indicators.roles import ROLE_ADMIN, ROLE_CLERK, ROLE_LEADER, ROLE_REVIEWER
from indicators.seed import load_plan_fixture
from projects.seed import load_projects_fixture
from reports.seed import load_reports_fixtures

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_PASSWORD = "wolong-demo-2025"


# username, full name, role, department
DEMO_ACCOUNTS = [
    ("admin", "系统管理员", ROLE_ADMIN, None),
    ("tongji", "统计局录入员", ROLE_CLERK, "区统计局"),
    ("renshe", "人社局录入员", ROLE_CLERK, "区人社局"),
    ("shenhe", "发改委审核员", ROLE_REVIEWER, "区发改委"),
    ("lingdao", "区领导", ROLE_LEADER, None),
]


class Command(BaseCommand):
    help = "载入演示数据（十四五规划指标等）并创建演示账户；可重复运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo-accounts",
            action="store_true",
            help="DEBUG 关闭时也创建演示账户（其密码公开，切勿用于生产环境）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo accounts have a published password: only on a development machine, or when asked for.
        with_accounts = settings.DEBUG or options["demo_accounts"]
        with transaction.atomic():
            result = load_plan_fixture(FIXTURES / "wolong_14th_plan.json")
            # the 2025 annual plan reads the 十四五 series (2024 GDP growth is entered once, for both)
            for kind, count in load_plan_fixture(FIXTURES / "wolong_2025_annual_plan.json").created.items():
                result.created[kind] = result.created.get(kind, 0) + count
            result.created.update(load_reports_fixtures(FIXTURES).created)
            result.created.update(load_projects_fixture(FIXTURES / "wolong_projects.json").created)
            accounts = self._accounts() if with_accounts else 0
        created = ", ".join(f"{k} {v}" for k, v in sorted(result.created.items())) or "无"
        self.stdout.write(f"演示数据已载入（新建：{created}；新建账户 {accounts} 个）。")
        if not with_accounts:
            self.stdout.write("DEBUG 未开启：未创建演示账户。请用 createsuperuser 创建管理员，或加 --demo-accounts。")
            return
        self.stdout.write(f"演示账户（密码均为 {DEMO_PASSWORD}）：")
        for username, full_name, role, department in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<8} {role:<4} {full_name}{'（' + department + '）' if department else ''}")

    def _accounts(self) -> int:
        User = get_user_model()
        created_count = 0
        for name in (ROLE_CLERK, ROLE_REVIEWER, ROLE_LEADER, ROLE_ADMIN):
            Group.objects.get_or_create(name=name)
        for username, full_name, role, department in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": full_name,
                    "is_staff": role == ROLE_ADMIN,
                    "is_superuser": role == ROLE_ADMIN,
                },
            )
            if not created:
                continue
            created_count += 1
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
            dept = Department.objects.get(name=department) if department else None
            StaffProfile.objects.create(user=user, department=dept)
        return created_count
