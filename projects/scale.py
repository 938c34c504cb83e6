"""A synthetic province for benchmarks (``manage.py seed_scale``): 示例省, 13 cities, N counties.

Deterministic for a given (N, seed): the same figures every run, so benchmark numbers compare. Each county has a
十四五 plan of 30 indicators covering every target kind, yearly figures 2020–2024 and half-year figures for the
growth series, and 20 major projects with yearly investment. Normal tests never depend on it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from indicators.models import (
    AssignedTarget,
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
from projects.models import Batch, Domain, Level, Project, ProjectInvestment, Stage

PROVINCE = "示例省"
CITIES = 13
CATEGORIES = ("经济发展", "创新驱动", "民生福祉", "绿色生态", "安全保障")
ALREADY_THERE = "示例省已存在；请使用新的空数据库（seed_scale 不覆盖已有数据）。"


@dataclass(frozen=True)
class Template:
    name: str
    unit: str
    kind: str
    target: str  # as printed
    value: str | None
    attribute: str
    base: float  # the 2020 level (or yearly growth/increment)
    drift: float  # typical yearly change
    direction: str = "higher"
    half: bool = False  # has half-year figures


def _templates() -> list[Template]:
    """30 indicators; every target kind of the engine appears."""
    rows = [
        Template("地区生产总值增长", "%", "annual_growth", "7", "7", "expected", 6.5, 0.0, half=True),
        Template("一般公共预算收入增长", "%", "annual_growth", "6", "6", "expected", 5.5, 0.0, half=True),
        Template("固定资产投资增长", "%", "annual_growth", "8", "8", "expected", 7.0, 0.0, half=True),
        Template("社会消费品零售总额增长", "%", "annual_growth", "7.5", "7.5", "expected", 6.0, 0.0, half=True),
        Template("规模以上工业增加值增长", "%", "annual_growth", "8", "8", "expected", 7.0, 0.0, half=True),
        Template("常住人口城镇化率", "%", "level", "60", "60", "expected", 52.0, 1.4),
        Template("研发经费投入强度", "%", "level", "2.2", "2.2", "expected", 1.6, 0.1),
        Template("每万人口高价值发明专利拥有量", "件", "level", "4", "4", "expected", 2.0, 0.4),
        Template("数字经济核心产业增加值占比", "%", "level", "10", "10", "expected", 6.0, 0.7),
        Template("高新技术企业数", "家", "level", "120", "120", "expected", 70.0, 10.0),
        Template("居民人均可支配收入增长", "%", "linked", "与经济增长同步", None, "expected", 6.8, 0.0),
        Template("城镇调查失业率", "%", "ceiling", "<5.5", "5.5", "expected", 4.8, 0.0, direction="lower"),
        Template("城镇新增就业人数", "万人", "cumulative", "[3]", "3", "expected", 0.6, 0.0),
        Template("劳动年龄人口平均受教育年限", "年", "level", "11.2", "11.2", "binding", 10.5, 0.14),
        Template("每千人口执业（助理）医师数", "人", "level", "3.2", "3.2", "expected", 2.6, 0.12),
        Template("人均预期寿命", "岁", "annual_increment", "〔1〕", "1", "expected", 77.0, 0.2),
        Template("每千人口拥有3岁以下婴幼儿托位数", "个", "level", "4.5", "4.5", "expected", 1.0, 0.6),
        Template("基本养老保险参保率", "%", "floor", ">95", "95", "expected", 93.0, 0.5),
        Template("单位地区生产总值能源消耗降低", "%", "assigned", "按市下达目标", None, "binding", 3.0, 0.0),
        Template("单位地区生产总值二氧化碳排放降低", "%", "assigned", "按市下达目标", None, "binding", 3.5, 0.0),
        Template("地表水达到或好于Ⅲ类水体比例", "%", "floor", ">80", "80", "binding", 78.0, 0.8),
        Template("空气质量优良天数比率", "%", "level", "80", "80", "binding", 70.0, 1.8),
        Template("森林覆盖率", "%", "level", "35", "35", "binding", 33.0, 0.35),
        Template("细颗粒物浓度", "微克/立方米", "ceiling", "<40", "40", "binding", 48.0, -1.6, direction="lower"),
        Template("粮食综合生产能力", "万吨", "floor", ">50", "50", "binding", 51.0, 0.2),
        Template("能源综合生产能力", "万吨标准煤", "floor", ">20", "20", "binding", 19.0, 0.3),
        Template("耕地保有量", "万亩", "floor", ">100", "100", "binding", 101.0, -0.1),
        Template("建设用地总规模", "万亩", "ceiling", "<30", "30", "binding", 27.0, 0.5, direction="lower"),
        Template("营商环境评价", "", "qualitative", "进入全省前列", None, "expected", 0.0, 0.0),
        Template("农村居民人均可支配收入增长", "%", "annual_growth", "7.5", "7.5", "expected", 7.2, 0.0),
    ]
    assert len(rows) == 30
    return rows


def _d(value: float, places: int = 1) -> Decimal:
    return Decimal(str(round(value, places)))


@transaction.atomic
def seed_scale(counties: int, seed: int = 1) -> dict[str, int]:
    """Build 示例省 with 13 cities and ``counties`` counties; returns what was created."""
    if Region.objects.filter(name=PROVINCE, parent=None).exists():
        raise ValueError(ALREADY_THERE)
    rnd = random.Random(seed)
    province = Region.objects.create(name=PROVINCE)
    cities = [Region.objects.create(name=f"示例{i + 1:02d}市", parent=province) for i in range(CITIES)]
    regions = Region.objects.bulk_create(
        Region(name=f"示例{i + 1:03d}县", parent=cities[i % CITIES]) for i in range(counties)
    )
    departments = Department.objects.bulk_create(Department(region=r, name="统计局") for r in regions)
    plans = Plan.objects.bulk_create(
        Plan(name=f"{r.name}“十四五”规划", short_name="十四五", region=r, base_year=2020, end_year=2025)
        for r in regions
    )
    categories = Category.objects.bulk_create(
        Category(plan=p, name=name, order=n + 1) for p in plans for n, name in enumerate(CATEGORIES)
    )
    by_plan = {p.pk: categories[k * len(CATEGORIES) : (k + 1) * len(CATEGORIES)] for k, p in enumerate(plans)}
    templates = _templates()
    series = Series.objects.bulk_create(
        Series(region=r, name=t.name, unit=t.unit, department=d)
        for r, d in zip(regions, departments, strict=True)
        for t in templates
    )
    indicators = []
    for k, plan in enumerate(plans):
        cats = by_plan[plan.pk]
        for n, t in enumerate(templates):
            indicators.append(
                Indicator(
                    plan=plan,
                    category=cats[min(n // 6, len(cats) - 1)],
                    seq=str(n + 1),
                    order=n + 1,
                    name=t.name,
                    unit=t.unit,
                    attribute=Attribute.BINDING if t.attribute == "binding" else Attribute.EXPECTED,
                    target_text=t.target,
                    target_kind=t.kind,
                    target_value=Decimal(t.value) if t.value is not None else None,
                    target_direction=t.direction,
                    series=series[k * len(templates) + n],
                )
            )
    indicators = Indicator.objects.bulk_create(indicators)
    observations: list[Observation] = []
    assigned: list[AssignedTarget] = []
    for k, _region in enumerate(regions):
        skill = rnd.uniform(-1.0, 1.0)  # some counties lag, some lead
        for n, t in enumerate(templates):
            s = series[k * len(templates) + n]
            indicator = indicators[k * len(templates) + n]
            if t.kind == "qualitative":
                continue
            last_year = 2024 if rnd.random() > 0.1 else 2023  # a tenth of the series are late (数据未更新)
            level = t.base * rnd.uniform(0.9, 1.1)
            for year in range(2020, last_year + 1):
                if t.kind in ("annual_growth", "linked", "assigned", "cumulative"):
                    value = t.base + skill * (1.5 if t.unit == "%" else 0.15) + rnd.uniform(-1.0, 1.0) * 0.5
                else:
                    level += t.drift * (1 + 0.5 * skill) + rnd.uniform(-0.2, 0.2) * abs(t.drift or 0.1)
                    value = level
                observations.append(
                    Observation(
                        series=s, year=year, value=_d(value, 2), decimals=1, status=ReviewStatus.APPROVED, source="示例"
                    )
                )
                if t.half and year >= 2021:
                    observations.append(
                        Observation(
                            series=s,
                            year=year,
                            part="H1",
                            value=_d(value + rnd.uniform(-0.5, 0.5), 2),
                            decimals=1,
                            status=ReviewStatus.APPROVED,
                            source="示例",
                        )
                    )
            if t.half:
                observations.append(
                    Observation(
                        series=s, year=2025, part="H1", value=_d(t.base + skill, 2), decimals=1, status="approved"
                    )
                )
            if t.kind == "assigned":
                assigned.extend(
                    AssignedTarget(indicator=indicator, year=year, value=_d(t.base, 1), source="示例")
                    for year in range(2021, 2026)
                )
    Observation.objects.bulk_create(observations, batch_size=5000)
    AssignedTarget.objects.bulk_create(assigned, batch_size=5000)
    projects = _projects(rnd, regions, plans)
    return {
        "regions": 1 + CITIES + counties,
        "plans": len(plans),
        "indicators": len(indicators),
        "observations": len(observations),
        "projects": projects,
    }


def _projects(rnd: random.Random, regions: list[Region], plans: list[Plan]) -> int:
    domains, batches, stages = list(Domain.values), list(Batch.values), list(Stage.values)
    projects = Project.objects.bulk_create(
        Project(
            region=region,
            plan=plan,
            name=f"{region.name}示例项目{n + 1:02d}",
            domain=domains[n % len(domains)],
            level=Level.CITY if n % 3 else Level.PROVINCE,
            batch=batches[n % len(batches)],
            stage=stages[n % len(stages)],
            total_investment=_d(rnd.uniform(1, 50), 2),
            start_year=2021 + n % 4,
            end_year=2025 + n % 3,
        )
        for region, plan in zip(regions, plans, strict=True)
        for n in range(20)
    )
    ProjectInvestment.objects.bulk_create(
        (
            ProjectInvestment(
                project=p, year=year, planned=_d(rnd.uniform(0.5, 5), 2), completed=_d(rnd.uniform(0.3, 5), 2)
            )
            for p in projects
            for year in range(2021, 2025)
        ),
        batch_size=5000,
    )
    return len(projects)
