"""The indicator page's chart of a statistical series across plans (十四五 and 十五五 on one axis)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from indicators import services
from indicators.evaluation import Target
from indicators.models import Indicator, Plan
from indicators.periods import Period
from reports.figures import PlanPath, plan_path

D = Decimal


@pytest.mark.parametrize(
    ("target", "base_value", "expected"),
    [
        # a level: straight from the base year's figure to the target
        (Target("level", D("70")), D("60.5"), PlanPath("十五五目标", (2025.0, 2030.0), (60.5, 70.0))),
        # without a base-year figure only the target point
        (Target("level", D("70")), None, PlanPath("十五五目标", (2030.0,), (70.0,))),
        # a series of growth rates: the target rate in each year of the plan
        (Target("annual_growth", D("6")), D("5.8"), PlanPath("十五五目标", (2026.0, 2030.0), (6.0, 6.0))),
        # a ceiling is a level line over the span
        (Target("ceiling", D("5.5"), direction="lower"), None, PlanPath("十五五目标", (2025.0, 2030.0), (5.5, 5.5))),
        # 〔x〕 on a level: base + change
        (Target("cumulative", D("3"), change=True), D("10"), PlanPath("十五五目标", (2025.0, 2030.0), (10.0, 13.0))),
        # sums over years, compounding rates, assigned and qualitative targets are not values of the series
        (Target("cumulative", D("3")), D("10"), None),
        (Target("annual_growth", D("15"), compound=True), D("10"), None),
        (Target("assigned"), D("10"), None),
        (Target("level"), D("10"), None),
    ],
)
def test_plan_path(target: Target, base_value: Decimal | None, expected: PlanPath | None) -> None:
    assert plan_path("十五五", 2025, 2030, target, base_value) == expected


def _figure(body: str, div_id: str) -> dict[str, Any]:
    match = re.search(rf'<script id="{div_id}-figure" type="application/json">(.*?)</script>', body, re.S)
    assert match, f"no chart {div_id}"
    return json.loads(match.group(1))


def test_the_next_plans_indicator_page_shows_both_plans_on_the_series(
    client: Client, plan_14th: Plan, admin: User
) -> None:
    name = "常住人口城镇化率"
    old = Indicator.objects.get(plan=plan_14th, name=name)
    base_2020 = Decimal(str(old.series.observations.get(year=2020, part="").value))  # type: ignore[union-attr]
    target_2025 = Decimal(str(old.target_value))
    services.observation_record(
        indicator=old, period=Period(2025), value=D("66.10"), user=None, source="2025年公报", approve=True
    )
    client.force_login(admin)
    client.post(
        f"/indicators/plan/{plan_14th.pk}/next/",
        {
            "name": "卧龙区“十五五”规划",
            "short_name": "十五五",
            "base_year": "2025",
            "end_year": "2030",
            "continuing": [old.pk],
        },
    )
    new = Indicator.objects.get(plan__short_name="十五五", name=name)
    new.target_text = "70"
    services.indicator_save(indicator=new, user=None)

    body = client.get(f"/indicator/{new.pk}/?as_of=2026").content.decode()
    assert "统计指标全程（各规划目标）" in body
    figure = _figure(body, "series-chart")
    actual, *paths = figure["data"]
    assert {(p["name"], tuple(p["x"]), tuple(p["y"])) for p in paths} == {
        ("十四五目标", (2020.0, 2025.0), (float(base_2020), float(target_2025))),
        ("十五五目标", (2025.0, 2030.0), (66.1, 70.0)),
    }
    assert actual["x"][-1] == 2025.0 and actual["text"][-1] == "66.10"  # the shared figure ends one, begins the other

    # A plan whose series no other five-year plan reads has no such chart.
    lone = Indicator.objects.get(plan=plan_14th, name="研发经费投入增长")
    assert "统计指标全程" not in client.get(f"/indicator/{lone.pk}/?as_of=2023H1").content.decode()
