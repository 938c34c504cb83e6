"""Time of an Excel import that writes many values: a plan of N indicators exported (6 yearly values each,
2020–2025) and imported into an empty plan (indicators, series, targets and values created, every write with
its history row). Prints seconds, values per second and queries per value.

Run: ``.venv/bin/python bench/bench_import.py [N]`` (default 1667 indicators = 10,002 values; the import takes
at most 2,000 rows), SQLite in memory, or with DATABASE_URL=postgres://…/somedb (a throw-away test_somedb is
created).
"""

from __future__ import annotations

import io
import sys
import time

import bench_ratio  # noqa: F401  (configures Django with production settings)
from django.db import connection
from django.test.utils import setup_test_environment


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1667
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from indicators.importer import run_import
        from indicators.models import Observation, Plan
        from indicators.periods import Period
        from reports.appendix import build_report
        from reports.workbook import build_appendix_workbook
        from tests.builders import build_plan

        source = build_plan(size, name="基准来源")
        later = [  # 2023–2025: the 2020–2022 figures again, so each indicator prints six
            Observation(
                series_id=o.series_id,
                year=o.year + 3,
                value=o.value,
                decimals=o.decimals,
                source=o.source,
                status=o.status,
            )
            for o in Observation.objects.of_plan(source)
        ]
        Observation.objects.bulk_create(later)
        buffer = io.BytesIO()
        build_appendix_workbook(build_report(source, Period(2025)).appendix).save(buffer)
        target = Plan.objects.create(
            name="基准导入", short_name="基准导入", region=source.region, base_year=2020, end_year=2025
        )
        before = Observation.objects.count()
        count = [0]

        def counted(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            count[0] += 1
            return execute(sql, params, many, context)

        from indicators.import_reading import read_table

        reading = time.process_time()
        read_table(buffer.getvalue())
        reading = time.process_time() - reading
        with connection.execute_wrapper(counted):
            start, cpu = time.perf_counter(), time.process_time()
            report = run_import(buffer.getvalue(), user=None, filename="bench.xlsx", commit=True, plan=target)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert report.committed, report.errors[:3]
        values = Observation.objects.count() - before
        print(
            f"{connection.vendor}: {size} indicators, {values} values imported in {seconds:.1f} s "
            f"({values / seconds:.0f} values/s, {count[0]} queries = {count[0] / values:.3f} per value; "
            f"this process's CPU {cpu:.1f} s, of which reading the workbook alone {reading:.1f} s)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
