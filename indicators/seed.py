"""Load a plan fixture (``fixtures/*_plan.json``) into the database, idempotently.

Rows are matched on natural keys and only created when missing, so running the loader twice
changes nothing and never overwrites a correction made later in the admin.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from indicators.assessment import refresh_parsed_target
from indicators.models import (
    AlternativeReading,
    Attribute,
    Category,
    Department,
    Indicator,
    ManualVerdict,
    Observation,
    Plan,
    Region,
    ReviewStatus,
    Series,
)
from indicators.periods import Period

NO_DATA_MARK = "/"
ATTRIBUTES = {label: value for value, label in Attribute.choices}


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, was_created: bool) -> None:
        if was_created:
            self.created[kind] = self.created.get(kind, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.created.values())


def printed_decimal(text: str) -> tuple[Decimal, int]:
    """``"0.3470"`` → (Decimal("0.3470"), 4): the value and how many decimals were printed."""
    value = Decimal(text)
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return value, decimals


def region_path(names: list[str]) -> Region:
    parent = None
    for name in names:
        parent, _ = Region.objects.get_or_create(name=name, parent=parent)
    assert parent is not None
    return parent


@transaction.atomic
def load_plan_fixture(path: Path) -> LoadResult:
    data = json.loads(path.read_text(encoding="utf-8"))
    sources: dict[str, str] = data["sources"]
    result = LoadResult()

    region = region_path(data["region"])
    plan, created = Plan.objects.get_or_create(region=region, name=data["plan"]["name"], defaults=data["plan"])
    result.count("plan", created)

    departments = {}
    for name in data["departments"]:
        departments[name], created = Department.objects.get_or_create(region=region, name=name)
        result.count("department", created)

    categories = {}
    for order, name in enumerate(data["categories"], start=1):
        categories[name], created = Category.objects.get_or_create(plan=plan, name=name, defaults={"order": order})
        result.count("category", created)

    order = 0
    pending_links: list[tuple[Indicator, str]] = []
    for row in data["indicators"]:
        order += 1
        parent = _load_indicator(plan, categories, departments, sources, row, None, order, pending_links, result)
        for child in row.get("children", []):
            order += 1
            child = {**child, "category": row["category"], "seq": ""}
            _load_indicator(plan, categories, departments, sources, child, parent, order, pending_links, result)

    for indicator, linked_name in pending_links:
        if indicator.linked_indicator_id is None:
            indicator.linked_indicator = Indicator.objects.get(plan=plan, parent=None, name=linked_name)
            indicator.save(update_fields=["linked_indicator"])
    return result


def _load_indicator(
    plan: Plan,
    categories: dict[str, Category],
    departments: dict[str, Department],
    sources: dict[str, str],
    row: dict[str, Any],
    parent: Indicator | None,
    order: int,
    pending_links: list[tuple[Indicator, str]],
    result: LoadResult,
) -> Indicator:
    defaults: dict[str, Any] = {
        "category": categories[row["category"]],
        "seq": row.get("seq", ""),
        "order": order,
        "unit": row.get("unit", ""),
        "attribute": ATTRIBUTES[row["attribute"]] if row.get("attribute") else "",
        "target_text": row.get("target", ""),
        "partial_periods_comparable": row.get("partial_periods_comparable", True),
        "note": row.get("note", ""),
    }
    if not row.get("children"):  # a group of sub-indicators has no figures, hence no series
        defaults["series"] = _series(plan, row, departments, result)
    if "target_kind" in row:
        defaults.update(
            target_kind=row["target_kind"],
            target_value=Decimal(row["target_value"]) if row.get("target_value") else None,
            target_set_manually=True,
        )
    indicator, created = Indicator.objects.get_or_create(plan=plan, parent=parent, name=row["name"], defaults=defaults)
    result.count("indicator", created)
    if indicator.series_id is None and "series" in defaults:  # loaded before series existed
        indicator.series = defaults["series"]
        indicator.save(update_fields=["series"])
    if created and not indicator.target_set_manually:
        refresh_parsed_target(indicator)
        indicator.save(update_fields=["target_kind", "target_value", "target_direction"])
    if row.get("linked_to"):
        pending_links.append((indicator, row["linked_to"]))

    table_source = sources.get("A1", "")  # the plan's own table (附件1), if the fixture has one
    observations: dict[str, Observation] = {}
    for code, text in row.get("values", {}).items():
        observations[code] = _load_observation(indicator, code, text, table_source, "", result)
    for later in row.get("later_values", []):
        observations[later["period"]] = _load_observation(
            indicator,
            later["period"],
            later["value"],
            sources[later["source"]],
            later.get("note", ""),
            result,
        )
    for alt in row.get("alternatives", []):
        value, decimals = printed_decimal(alt["value"])
        _, created = AlternativeReading.objects.get_or_create(
            observation=observations[alt["period"]],
            source=sources[alt["source"]],
            defaults={"value": value, "decimals": decimals, "note": alt.get("note", "")},
        )
        result.count("alternative", created)
    if manual := row.get("manual_verdict"):
        period = Period.parse(manual["as_of"])
        _, created = ManualVerdict.objects.get_or_create(
            indicator=indicator,
            year=period.year,
            part=period.part,
            defaults={"status": manual["status"], "reason": manual["reason"]},
        )
        result.count("manual_verdict", created)
    return indicator


def _series(plan: Plan, row: dict[str, Any], departments: dict[str, Department], result: LoadResult) -> Series:
    """The region's series measured by this row (matched on name and unit), with the row's department."""
    series, created = Series.objects.get_or_create(
        region=plan.region,
        name=row.get("series", row["name"]),
        unit=row.get("unit", ""),
        defaults={"department": departments.get(row.get("department", ""))},
    )
    result.count("series", created)
    return series


def _load_observation(
    indicator: Indicator, code: str, text: str, source: str, note: str, result: LoadResult
) -> Observation:
    period = Period.parse(code)
    if text == NO_DATA_MARK:
        defaults: dict[str, Any] = {"no_data": True, "value": None, "decimals": 0}
    else:
        value, decimals = printed_decimal(text)
        defaults = {"no_data": False, "value": value, "decimals": decimals}
    defaults.update(source=source, note=note, status=ReviewStatus.APPROVED)
    observation, created = Observation.objects.get_or_create(
        series_id=indicator.series_id, year=period.year, part=period.part, defaults=defaults
    )
    result.count("observation", created)
    return observation
