"""A small plan built in code for the entry, review and permission tests (issue 5)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from indicators.models import (
    Attribute,
    Category,
    Department,
    Indicator,
    Observation,
    Plan,
    Region,
    ReviewStatus,
    Series,
)


@dataclass
class SmallPlan:
    plan: Plan
    gdp: Indicator  # 地区生产总值增长 (%), 区统计局
    urban: Indicator  # 常住人口城镇化率 (%, a share), 区统计局
    jobs: Indicator  # 城镇新增就业人数 (万人), 区人社局


def build_small_plan(
    region: Region, stats: Department, hr: Department, *, extra_indicators: int = 0, name: str = "测试规划"
) -> SmallPlan:
    plan = Plan.objects.create(name=name, short_name="测试", region=region, base_year=2020, end_year=2025)
    economy = Category.objects.create(plan=plan, name="经济发展", order=1)
    welfare = Category.objects.create(plan=plan, name="民生福祉", order=2)
    gdp = Indicator.objects.create(
        plan=plan,
        category=economy,
        seq="1",
        order=1,
        name="地区生产总值增长",
        unit="%",
        attribute=Attribute.EXPECTED,
        target_text="7.5",
        target_kind="annual_growth",
        target_value=Decimal("7.5"),
        series=_series(region, name, "地区生产总值增长", "%", stats),
    )
    urban = Indicator.objects.create(
        plan=plan,
        category=economy,
        seq="2",
        order=2,
        name="常住人口城镇化率",
        unit="%",
        attribute=Attribute.EXPECTED,
        target_text="70",
        target_kind="level",
        target_value=Decimal(70),
        series=_series(region, name, "常住人口城镇化率", "%", stats),
    )
    jobs = Indicator.objects.create(
        plan=plan,
        category=welfare,
        seq="3",
        order=3,
        name="城镇新增就业人数",
        unit="万人",
        attribute=Attribute.EXPECTED,
        target_text="[3.5]",
        target_kind="cumulative",
        target_value=Decimal("3.5"),
        series=_series(region, name, "城镇新增就业人数", "万人", hr),
    )
    for year, value in ((2020, "3.4"), (2021, "9.1"), (2022, "4.0")):
        approved(gdp, year, value)
    for year, value in ((2020, "62.97"), (2021, "63.99"), (2022, "64.54")):
        approved(urban, year, value)
    for number in range(extra_indicators):
        extra = Indicator.objects.create(
            plan=plan,
            category=economy,
            seq=str(10 + number),
            order=10 + number,
            name=f"附加指标{number}",
            unit="%",
            target_text="7",
            series=_series(region, name, f"附加指标{number}", "%", stats),
        )
        approved(extra, 2021, "5.0")
        approved(extra, 2022, "6.0")
        Observation.objects.create(
            series=extra.measured_series, year=2023, value=Decimal("6.5"), decimals=1, status=ReviewStatus.SUBMITTED
        )
    return SmallPlan(plan=plan, gdp=gdp, urban=urban, jobs=jobs)


def _series(region: Region, plan_name: str, name: str, unit: str, department: Department) -> Series:
    """A series of its own for each test plan (two plans built in one test must not share figures)."""
    label = name if plan_name == "测试规划" else f"{name}（{plan_name}）"
    return Series.objects.create(region=region, name=label, unit=unit, department=department)


def approved(indicator: Indicator, year: int, value: str, part: str = "") -> Observation:
    decimals = len(value.split(".")[1]) if "." in value else 0
    return Observation.objects.create(
        series=indicator.measured_series,
        year=year,
        part=part,
        value=Decimal(value),
        decimals=decimals,
        status=ReviewStatus.APPROVED,
        source="测试",
    )
