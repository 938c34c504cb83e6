"""Region scale (issue 12): the roll-up, the dashboard and 附件1 on the synthetic 示例省 at 1, 20 and 200 counties.

Each page is timed (median of REPEAT) beside the raw SQL fetch of its rows: the same SQL statements the page ran,
re-executed on a plain cursor with ``fetchall()``; the ratio says how much the Python side adds.

Run: ``DEBUG=1 .venv/bin/python bench/bench_regions.py [--sizes 1,20,200] [--database postgres://…/name]``
(default: 1 and 20 counties on a throw-away SQLite test database; ``--database`` uses a throw-away test database
next to the named one, e.g. test_wolong_h12_scale). Appends nothing by itself: copy the table to RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PARSER = argparse.ArgumentParser()
PARSER.add_argument("--sizes", default="1,20")
PARSER.add_argument("--database", default="")
ARGS = PARSER.parse_args()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wolong.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
if ARGS.database:
    os.environ["DATABASE_URL"] = ARGS.database
else:
    os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from wolong import gc_tuning  # noqa: E402

gc_tuning.tune()  # as the served process (wolong.wsgi)

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

REPEAT = 3


def raw_fetch_ms(sqls: list[str]) -> float:
    """The page's own SQL, re-run on a cursor (rows fetched, nothing built)."""
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in sqls:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _cold() -> None:
    """Drop every precomputed verdict: the first view after a change to every county (e.g. a new settings file)."""
    from reports.models import PrecomputedVerdicts

    PrecomputedVerdicts.objects.all().delete()


def _one_change() -> None:
    """Touch one county's figure through the service path's trace (a new history record and ``updated_at``)."""
    from indicators.models import Observation

    figure = Observation.objects.order_by("pk").first()
    assert figure is not None
    figure.save()  # simple_history records it: that county's plan gets a new data version, the others keep theirs


def measure(client: Client, url: str, *, before: object = None) -> tuple[float, int, float]:
    """``before``: run before each timed request (outside the timing), e.g. a change to one county."""
    client.get(url)  # warm up
    times = []
    for _ in range(REPEAT):
        if callable(before):
            before()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    if callable(before):
        before()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    sqls = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    return statistics.median(times), len(queries), raw_fetch_ms(sqls)


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from django.contrib.auth.models import User

        from indicators.models import Plan, Region
        from projects.scale import seed_scale

        print(f"database: {connection.vendor}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
        print("| counties | page | median ms | queries | raw fetch ms | ratio |")
        print("|---:|---|---:|---:|---:|---:|")
        from django.core.management import call_command

        from projects.scale import PROVINCE

        for size in (int(s) for s in ARGS.sizes.split(",")):
            call_command("flush", interactive=False, verbosity=0)  # a fresh province for each size
            start = time.perf_counter()
            made = seed_scale(size, 1)
            seeded = time.perf_counter() - start
            user = User.objects.create_superuser("bench", password="bench-password-123")
            client = Client()
            client.force_login(user)
            province = Region.objects.get(name=PROVINCE, parent=None)
            first = Plan.objects.order_by("pk").first()
            assert first is not None
            rollup = f"/region/{province.pk}/?as_of=2024"
            pages = [
                ("roll-up 示例省, cold (every county changed)", rollup),
                ("roll-up 示例省, after a change to one county", rollup),
                ("roll-up 示例省, precomputed", rollup),
                ("roll-up Excel, precomputed", f"/region/{province.pk}/xlsx/?as_of=2024"),
                ("dashboard (default plan)", "/?as_of=2024"),
                ("dashboard (one county)", f"/?plan={first.pk}&as_of=2024"),
                ("附件1 (one county)", f"/appendix/1/?plan={first.pk}&as_of=2024"),
                ("projects by region", f"/projects/region/{province.pk}/?year=2023"),
            ]
            for label, url in pages:
                before = _cold if "cold" in label else _one_change if "a change to one" in label else None
                ms, count, raw = measure(client, url, before=before)
                print(f"| {size} | {label} | {ms:.0f} | {count} | {raw:.1f} | {ms / raw:.1f} |", flush=True)
            print(
                f"<!-- {size} counties: {made['observations']} figures, {made['indicators']} indicators, "
                f"{made['projects']} projects, seeded in {seeded:.1f} s -->",
                flush=True,
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
