"""Timings of the 附件1 page, its Excel export and the report draft (Word) at 19 and at 500 indicators
(and their SQL query counts).

Run: ``DEBUG=1 .venv/bin/python bench/bench_reports.py`` (or ``make bench``). Uses a throw-away
in-memory SQLite test database; never touches db.sqlite3.
"""

from __future__ import annotations

from django.test import Client
from harness import test_database, time_get


def main() -> None:
    with test_database():
        from django.contrib.auth.models import User

        from tests.builders import build_plan

        user = User.objects.create_user("bench", password="bench-password-123")
        client = Client()
        client.force_login(user)
        print(f"{'indicators':>10}  {'page':<24} {'median ms':>10} {'queries':>8} {'bytes':>9}")
        for size in (19, 500):
            plan = build_plan(size, name=f"基准{size}")
            for label, path in (
                ("附件1 页面", "/appendix/1/"),
                ("附件1 Excel 导出", "/appendix/1/xlsx/"),
                ("报告草稿 Word 导出", "/report/docx/"),
            ):
                ms, count, size_bytes = time_get(client, f"{path}?plan={plan.pk}&as_of=2022")
                print(f"{size:>10}  {label:<20} {ms:>10.1f} {count:>8} {size_bytes:>9}")


if __name__ == "__main__":
    main()
