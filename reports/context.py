"""Context statistics of the report's section 二 (表1–表4): loader and page rows.

The loader reads ``fixtures/context_statistics.json`` idempotently (natural keys, create only when
missing, never overwriting a later correction). ``context_tables()`` is the page's one query turned
into frozen rows; the table shows the printed (table) reading, the chart plots the unrounded chart
data, and a cell whose other readings disagree with it beyond rounding is flagged with every reading
and its source.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import transaction

from indicators.seed import LoadResult, printed_decimal
from reports.models import ContextTable, ContextValue, Reading

CONTEXT_FIXTURE_NAME = "context_statistics.json"


@transaction.atomic
def load_context_fixture(path: Path) -> LoadResult:
    data = json.loads(path.read_text(encoding="utf-8"))
    sources: dict[str, str] = data["sources"]
    result = LoadResult()
    for spec in data["tables"]:
        table, created = ContextTable.objects.get_or_create(
            number=spec["number"],
            defaults={
                "title": spec["title"],
                "figure_title": spec["figure_title"],
                "series": spec["series"],
                "unit": spec["unit"],
                "chart_kind": spec["chart_kind"],
                "note": spec.get("note", ""),
            },
        )
        result.count("context_table", created)
        order = {region: i for i, region in enumerate(spec["regions"], start=1)}
        for reading in spec["readings"]:
            for region, by_year in reading["values"].items():
                for year, text in by_year.items():
                    value, decimals = printed_decimal(text)
                    _, created = ContextValue.objects.get_or_create(
                        table=table,
                        region=region,
                        year=int(year),
                        reading=reading["reading"],
                        defaults={
                            "order": order[region],
                            "value": value,
                            "decimals": decimals,
                            "source": sources[reading["source"]],
                            "note": reading.get("note", ""),
                        },
                    )
                    result.count("context_value", created)
    return result


@dataclass(frozen=True)
class ContextReading:
    reading: str  # Reading label: 表格 / 图表数据 / 正文
    shown: str
    source: str
    note: str


@dataclass(frozen=True)
class ContextCell:
    shown: str  # the table's printed value; "" when the table has none
    disagrees: bool  # another reading differs from the printed value beyond rounding
    readings: tuple[ContextReading, ...]

    @property
    def tooltip(self) -> str:
        return "；".join(f"{r.reading} {r.shown}（{r.source}）" for r in self.readings)


@dataclass(frozen=True)
class ContextSeries:
    region: str
    years: tuple[int, ...]
    values: tuple[Decimal, ...]  # the unrounded chart data where present, else the table's


@dataclass(frozen=True)
class ContextTableRows:
    number: int
    title: str
    figure_title: str
    series: str
    unit: str
    chart_kind: str
    note: str
    years: tuple[int, ...]
    regions: tuple[str, ...]
    cells: dict[tuple[str, int], ContextCell]
    chart: tuple[ContextSeries, ...]
    sources: tuple[str, ...]

    def row(self, region: str) -> list[ContextCell | None]:
        return [self.cells.get((region, year)) for year in self.years]

    @property
    def rows(self) -> list[tuple[str, list[ContextCell | None]]]:
        return [(region, self.row(region)) for region in self.regions]

    @property
    def has_disagreement(self) -> bool:
        return any(cell.disagrees for cell in self.cells.values())


def _reading_order(value: ContextValue) -> int:
    return list(Reading).index(Reading(value.reading))


def rounds_to(value: Decimal, printed: Decimal, decimals: int) -> bool:
    """True when ``value`` rounded half up to ``decimals`` places is the printed figure."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP) == printed


def build_context_rows(values: list[ContextValue]) -> list[ContextTableRows]:
    """Group the values (ordered by table, region order, year) into one block per table."""
    tables: dict[int, ContextTable] = {}
    by_table: dict[int, list[ContextValue]] = defaultdict(list)
    for value in values:
        tables[value.table.number] = value.table
        by_table[value.table.number].append(value)
    labels = dict(Reading.choices)
    blocks = []
    for number, table in sorted(tables.items()):
        rows = by_table[number]
        regions = tuple(dict.fromkeys(v.region for v in rows))
        years = tuple(sorted({v.year for v in rows}))
        per_cell: dict[tuple[str, int], dict[str, ContextValue]] = defaultdict(dict)
        for v in rows:
            per_cell[(v.region, v.year)][v.reading] = v
        cells: dict[tuple[str, int], ContextCell] = {}
        for key, readings in per_cell.items():
            printed = readings.get(Reading.TABLE)
            ordered = [readings[r] for r in (Reading.TABLE, Reading.CHART, Reading.TEXT) if r in readings]
            disagrees = printed is not None and any(
                not rounds_to(other.value, printed.value, printed.decimals) for other in ordered if other is not printed
            )
            cells[key] = ContextCell(
                shown=printed.display_value if printed else "",
                disagrees=disagrees,
                readings=tuple(ContextReading(labels[v.reading], v.display_value, v.source, v.note) for v in ordered),
            )
        chart = []
        for region in regions:
            points = []
            for year in years:
                readings = per_cell.get((region, year), {})
                chosen = readings.get(Reading.CHART) or readings.get(Reading.TABLE)
                if chosen is not None:
                    points.append((year, chosen.value))
            chart.append(ContextSeries(region, tuple(y for y, _ in points), tuple(v for _, v in points)))
        blocks.append(
            ContextTableRows(
                number=number,
                title=table.title,
                figure_title=table.figure_title,
                series=table.series,
                unit=table.unit,
                chart_kind=table.chart_kind,
                note=table.note,
                years=years,
                regions=regions,
                cells=cells,
                chart=tuple(chart),
                sources=tuple(dict.fromkeys(v.source for v in sorted(rows, key=_reading_order))),
            )
        )
    return blocks


def context_tables() -> list[ContextTableRows]:
    """The /context/ page's data in one query."""
    return build_context_rows(list(ContextValue.objects.for_page()))
