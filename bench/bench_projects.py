"""Timings of the project list, project page, dashboard, 附件3 Excel export and 项目审核 at 10 and 1000 projects.

Run: ``DEBUG=1 .venv/bin/python bench/bench_projects.py`` (or ``make bench``). Uses a throw-away
in-memory SQLite test database; never touches db.sqlite3. Prints the median of REPEAT runs, the
SQL query count (which must not grow with the number of projects) and the response size.
"""

from __future__ import annotations

from django.test import Client
from harness import test_database, time_get


def main() -> None:
    with test_database():
        from django.contrib.auth.models import User

        from indicators.models import Region
        from projects.models import ProjectInvestment
        from tests.projects_factories import build_projects

        user = User.objects.create_user("bench", password="bench-password-123")
        client = Client()
        client.force_login(user)
        print(f"{'projects':>8}  {'page':<28} {'median ms':>10} {'queries':>8} {'bytes':>9}")
        for size in (10, 1000):
            region = Region.objects.create(name=f"基准区{size}")
            projects = build_projects(region, size, years=(2022, 2023, 2024), notes_per_project=3)
            # Every project's 2024 figure waits for review: the worst case of the review page.
            ProjectInvestment.objects.filter(project__region=region, year=2024).update(
                status="submitted", pending_planned=3, pending_completed=2
            )
            pages = (
                ("项目列表（每页50）", f"/projects/?region={region.pk}&year=2024"),
                ("项目列表（筛选一个领域）", f"/projects/?region={region.pk}&year=2024&domain=rural"),
                ("项目页", f"/projects/{projects[-1].pk}/"),
                ("项目仪表板", f"/projects/dashboard/?region={region.pk}&year=2024"),
                ("附件3 Excel 导出（全部）", f"/projects/export.xlsx?region={region.pk}&year=2024"),
                ("项目审核（全部待审核）", "/projects/review/"),
            )
            for label, url in pages:
                ms, count, size_bytes = time_get(client, url)
                print(f"{size:>8}  {label:<24} {ms:>10.1f} {count:>8} {size_bytes:>9}")


if __name__ == "__main__":
    main()
