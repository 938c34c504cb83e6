"""Garbage-collector thresholds for the serving process.

Judging a province cold (200 plans, 58,000 figures loaded as model instances) spent 40 % of its time in
Python's cyclic garbage collector at the default thresholds (700, 10, 10): 560 young and 4 full collections a
request, each walking every live object. With (50000, 20, 100) it runs 7 young collections and the request takes
1.3 s instead of 1.9 s (bench/RESULTS.md, Regions). Reference counting still frees almost everything at once; the
collector only finds cycles, so memory grows by the cycles of one request at most.

Applied by ``wolong.wsgi`` (gunicorn and runserver) and by the benchmarks; ``GC_THRESHOLDS=700,10,10`` in the
environment restores Python's defaults.
"""

from __future__ import annotations

import gc
import os

DEFAULT = (50_000, 20, 100)


def thresholds() -> tuple[int, ...]:
    text = os.environ.get("GC_THRESHOLDS", "").strip()
    if not text:
        return DEFAULT
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise ValueError(f"GC_THRESHOLDS 应为 1–3 个以逗号分隔的整数（如 50000,20,100），而不是 {text!r}") from None
    if not 1 <= len(values) <= 3 or any(v < 0 for v in values):
        raise ValueError(f"GC_THRESHOLDS 应为 1–3 个以逗号分隔的非负整数（如 50000,20,100），而不是 {text!r}")
    if values[0] < 100:  # 0 would switch the collector off for a worker's whole life
        raise ValueError(f"GC_THRESHOLDS 的第一个数至少为 100（0 会关闭垃圾回收），而不是 {text!r}")
    return values


def tune() -> None:
    gc.set_threshold(*thresholds())
