"""Timings of the 附件1 page and its Excel export at 19 and at 500 indicators (and their SQL query counts).

Run: ``DEBUG=1 .venv/bin/python bench/bench_reports.py`` (or ``make bench``). Uses a throw-away
in-memory SQLite test database; never touches db.sqlite3.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wolong.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

REPEAT = 5


def _time(client: Client, url: str) -> tuple[float, int, int]:
    """Median milliseconds over REPEAT runs, the query count and the response size."""
    client.get(url)  # warm up templates and caches
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return statistics.median(times), len(queries), len(response.content)


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from django.contrib.auth.models import User

        from tests.builders import build_plan

        user = User.objects.create_user("bench", password="bench-password-123")
        client = Client()
        client.force_login(user)
        print(f"{'indicators':>10}  {'page':<24} {'median ms':>10} {'queries':>8} {'bytes':>9}")
        for size in (19, 500):
            plan = build_plan(size, name=f"基准{size}")
            for label, path in (("附件1 页面", "/appendix/1/"), ("附件1 Excel 导出", "/appendix/1/xlsx/")):
                ms, count, size_bytes = _time(client, f"{path}?plan={plan.pk}&as_of=2022")
                print(f"{size:>10}  {label:<20} {ms:>10.1f} {count:>8} {size_bytes:>9}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
