"""Series for the pure evaluation engine, built from plain strings (no database)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from indicators.evaluation import Point, Series, Target
from indicators.periods import Period

TARGET_OPTIONS = ("direction", "approximate", "inclusive", "compound", "mode", "change")


def series(kind: str, target: str | None, values: Mapping[str, str | None], **kw: object) -> Series:
    """A 2021–2025 plan's series: ``values`` maps period codes to values (None: 暂无数据); target options
    (direction, approximate, …) and Series fields (unit, name, frequency, …) as keywords."""
    target_kw = {k: kw.pop(k) for k in TARGET_OPTIONS if k in kw}
    return Series(
        name=str(kw.pop("name", "指标")),
        unit=str(kw.pop("unit", "%")),
        target=Target(kind, Decimal(target) if target is not None else None, **target_kw),  # type: ignore[arg-type]
        base_year=2020,
        end_year=2025,
        points=tuple(Point(Period.parse(code), Decimal(v) if v is not None else None) for code, v in values.items()),
        **kw,  # type: ignore[arg-type]
    )
