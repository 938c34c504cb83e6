"""Small builders for test data made in code (plan → categories → indicators → observations)."""

from __future__ import annotations

from decimal import Decimal

from indicators.models import Category, Indicator, Observation, Plan, Region, ReviewStatus, Series

KINDS = [
    ("地区生产总值增长", "%", "7.5", "annual_growth", ["3.4", "9.1", "4.0"]),
    ("常住人口城镇化率", "%", "70", "level", ["62.97", "63.99", "64.54"]),
    ("城镇新增就业人数", "万人", "3.5", "cumulative", ["0.7", "0.9259", "0.7853"]),
    ("城镇调查失业率", "%", "＜5.5", "ceiling", ["4", "3.4", "3.3"]),
    ("单位生产总值能源消耗降幅", "%", "按市下达目标", "assigned", ["-2.11", "-5.26", "0.13"]),
]


def build_plan(indicators: int, *, name: str = "测试规划", region: Region | None = None) -> Plan:
    """A 2021–2025 plan with ``indicators`` indicators cycling through the target kinds, each with 2020–2022 values."""
    region = region or Region.objects.get_or_create(name="卧龙区", parent=None)[0]
    plan = Plan.objects.create(name=name, short_name=name, region=region, base_year=2020, end_year=2025)
    categories = [
        Category.objects.create(plan=plan, name=n, order=i)
        for i, n in enumerate(["经济发展", "创新驱动", "民生福祉", "绿色生态", "安全保障"], start=1)
    ]
    rows = []
    series = Series.objects.bulk_create(
        Series(region=region, name=f"{KINDS[i % len(KINDS)][0]}{i + 1}（{name}）", unit=KINDS[i % len(KINDS)][1])
        for i in range(indicators)
    )
    for i in range(indicators):
        label, unit, target, kind, _ = KINDS[i % len(KINDS)]
        rows.append(
            Indicator(
                plan=plan,
                category=categories[i % len(categories)],
                seq=str(i + 1),
                order=i,
                name=f"{label}{i + 1}",
                unit=unit,
                attribute="binding" if i % 3 == 0 else "expected",
                target_text=target,
                target_kind=kind,
                target_value=None if kind == "assigned" else Decimal(target.lstrip("＜")),
                target_direction="lower" if kind == "ceiling" else "higher",
                series=series[i],
            )
        )
    created = Indicator.objects.bulk_create(rows)
    observations = []
    for indicator, i in zip(created, range(indicators), strict=True):
        values = KINDS[i % len(KINDS)][4]
        for year, text in zip((2020, 2021, 2022), values, strict=True):
            decimals = len(text.split(".")[1]) if "." in text else 0
            observations.append(
                Observation(
                    series=indicator.measured_series,
                    year=year,
                    value=Decimal(text),
                    decimals=decimals,
                    source="测试数据",
                    status=ReviewStatus.APPROVED,
                )
            )
    Observation.objects.bulk_create(observations)
    return plan
