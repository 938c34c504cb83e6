"""Every page and export against its raw fetch, on the demo data (the real 十四五 plan and projects).

For each URL: the best time (of REPEAT runs) of the whole request through the test client, and the best time
of running the very SQL statements that request ran (captured, then re-executed with a plain cursor and
fetchall). The ratio says how much the page costs beyond fetching its rows. "page CPU ms" is the best process
CPU time of the request: on a shared machine it varies far less than wall time, so it is the figure to compare
versions by. Results go in bench/RESULTS.md.

Runs with production settings (DEBUG off). Run: ``.venv/bin/python bench/bench_ratio.py`` (SQLite in memory),
or with ``DATABASE_URL=postgres://…/somedb`` to measure on PostgreSQL (a throw-away test_somedb is created).
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wolong.settings")
# Production settings (DEBUG off: cached templates), plain http for the test client.
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DB_CONN_MAX_AGE", "0")

import django  # noqa: E402

django.setup()

from wolong import gc_tuning  # noqa: E402

gc_tuning.tune()  # as the served process (wolong.wsgi)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
AS_OF = "as_of=2023H1"


def _best_ms(action, clock=time.perf_counter) -> float:  # type: ignore[no-untyped-def]
    """The fastest of REPEAT runs: the machine is shared, and the minimum is the least disturbed figure."""
    times = []
    for _ in range(REPEAT):
        start = clock()
        action()
        times.append((clock() - start) * 1000)
    return min(times)


def measure(client: Client, url: str) -> tuple[float, float, int, float]:
    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]

    get()  # warm up templates and caches
    with CaptureQueriesContext(connection) as captured:
        get()
    statements = [q["sql"] for q in captured.captured_queries]

    def fetch() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()

    return _best_ms(get), _best_ms(fetch), len(statements), _best_ms(get, time.process_time)


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        call_command("seed_demo", "--demo-accounts", stdout=io.StringIO())
        from django.contrib.auth.models import User

        from indicators.models import Indicator
        from projects.models import Project

        client = Client()
        client.force_login(User.objects.get(username="admin"))
        gdp = Indicator.objects.get(name="地区生产总值增长", parent=None)
        project = Project.objects.order_by("pk").first()
        assert project is not None
        pages = [
            ("仪表板", f"/?{AS_OF}"),
            ("附件1 页面", f"/appendix/1/?{AS_OF}"),
            ("附件1 Excel", f"/appendix/1/xlsx/?{AS_OF}"),
            ("附件2", f"/appendix/2/?{AS_OF}"),
            ("评估文字", f"/narrative/?{AS_OF}"),
            ("单项指标", f"/indicator/{gdp.pk}/?{AS_OF}"),
            ("经济背景", "/context/"),
            ("数据录入", "/indicators/entry/"),
            ("审核", "/indicators/review/"),
            ("重大项目列表", "/projects/"),
            ("项目仪表板", "/projects/dashboard/"),
            ("项目页", f"/projects/{project.pk}/"),
            ("附件3 Excel", "/projects/export.xlsx"),
            ("项目审核", "/projects/review/"),
            *([("登录锁定", "/accounts/lockouts/")] if os.path.exists(ROOT / "indicators" / "lockouts.py") else []),
        ]
        vendor = connection.vendor
        print(f"database: {vendor}; best of {REPEAT} runs\n")
        print("| page | URL | page ms | raw fetch ms | ratio | queries | page CPU ms |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for label, url in pages:
            page_ms, fetch_ms, count, cpu_ms = measure(client, url)
            ratio = page_ms / fetch_ms if fetch_ms else float("inf")
            print(f"| {label} | `{url}` | {page_ms:.1f} | {fetch_ms:.2f} | {ratio:.1f}× | {count} | {cpu_ms:.1f} |")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
