"""Hostile workbooks (tests/xlsx_bombs.py) refused while streaming: time and peak memory, each in a fresh
process; with ``--unguarded`` also what a plain openpyxl load of the same bytes costs (the old path).

Run: ``DEBUG=1 .venv/bin/python bench/bench_import_limits.py [--unguarded]``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import io, os, resource, sys, time
sys.path.insert(0, {root!r}); os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wolong.settings")
import django; django.setup()
from tests.xlsx_bombs import expanding_workbook, million_row_workbook
builders = {{
    "expanding": expanding_workbook,
    "expanding, 200 a row": lambda: expanding_workbook(per_row=200),
    "million rows": million_row_workbook,
}}
data = builders[{name!r}]()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
if {unguarded!r}:
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(data))["附件1"]
    outcome = f"loaded {{sheet.max_row}} rows x {{sheet.max_column}} columns"
else:
    from indicators.import_reading import read_table
    outcome = read_table(data)[1][0]
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{{len(data) / 1024:.0f}}|{{seconds:.3f}}|{{(peak - base) / 1024:.0f}}|{{peak / 1024:.0f}}|{{outcome}}")
"""
TIMEOUT = 60


def run(name: str, unguarded: bool) -> str:
    code = CHILD.format(root=str(ROOT), name=name, unguarded=unguarded)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT, env={"DEBUG": "1"}
        )
    except subprocess.TimeoutExpired:
        return f"| {name} | {'openpyxl load' if unguarded else 'import'} | — | > {TIMEOUT} s (stopped) | — | — |"
    size, seconds, grew, peak, outcome = proc.stdout.strip().splitlines()[-1].split("|", 4)
    path = "openpyxl load (old path)" if unguarded else "read_table (streaming check)"
    return (
        f"| {name} | {path} | {size} KiB | {float(seconds) * 1000:.0f} ms | +{grew} MiB (peak {peak} MiB) | {outcome} |"
    )


def main() -> None:
    print("| workbook | path | upload | time | memory | outcome |")
    print("|---|---|---|---|---|---|")
    for name in ("expanding", "expanding, 200 a row", "million rows"):
        print(run(name, unguarded=False))
        if "--unguarded" in sys.argv:
            print(run(name, unguarded=True))


if __name__ == "__main__":
    main()
