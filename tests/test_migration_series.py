"""Migration 0005 (figures move from a plan's indicator to a region's statistical series) keeps every value.

Django's MigrationExecutor takes the database back to 0004 with the demo plan and a changed figure in it, a
second plan is added in the old schema (one indicator whose figures fit beside 十四五's, one whose figure
clashes with it), then 0005 runs forward: every observation, history row and alternative reading is still
there with the same values, each now on the series of its old indicator, and 附件1's 21 verdicts at 2023H1
are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from indicators import services
from indicators.assessment import assess_plan
from indicators.models import AlternativeReading, Indicator, Observation, Plan, Series
from indicators.periods import Period
from indicators.seed import load_plan_fixture
from tests.conftest import PLAN_FIXTURE
from tests.test_reports_export import VERDICTS

BEFORE = [("indicators", "0004_keep_approved_figure_while_change_pending")]


def _latest() -> list[tuple[str, str]]:
    """Every app's newest migration: 0005 runs, and the database is left as the other tests expect it."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


OBSERVATION_FIELDS = (
    "id", "year", "part", "value", "decimals", "no_data", "source", "note", "status", "review_note",
    "approved_value", "approved_decimals", "approved_no_data", "version", "warning",
)  # fmt: skip
HISTORY_FIELDS = ("history_id", "id", "year", "part", "value", "status", "history_change_reason", "history_type")


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _latest_schema_afterwards() -> Iterator[None]:
    """Leave the test database at the newest migration: later tests (pytest-django runs the ones without a
    database fixture last) must not meet the 0005 schema, e.g. a StaffProfile without its region (0007)."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _leaf_verdicts(plan: Plan) -> list[str]:
    return [a.label for a in assess_plan(plan, Period(2023, "H1")) if not a.children]


@pytest.mark.django_db(transaction=True)
def test_migration_moves_every_figure_history_row_and_reading_to_series() -> None:
    load_plan_fixture(PLAN_FIXTURE)
    plan = Plan.objects.get(short_name="十四五")
    gdp = Indicator.objects.get(plan=plan, name="地区生产总值增长")
    # history with a reason, and an approved figure kept beside its pending change
    services.observation_record(indicator=gdp, period=Period(2022), value=Decimal("4.1"), user=None, reason="核对")
    verdicts = _leaf_verdicts(plan)
    assert verdicts == VERDICTS

    try:
        old = _migrate(BEFORE)
        OldPlan, OldCategory = old.get_model("indicators", "Plan"), old.get_model("indicators", "Category")
        OldIndicator, OldObservation = (
            old.get_model("indicators", "Indicator"),
            old.get_model("indicators", "Observation"),
        )
        OldHistory = old.get_model("indicators", "HistoricalObservation")
        OldAlternative = old.get_model("indicators", "AlternativeReading")
        # a second plan, in the old schema: GDP growth of 2025 fits beside 十四五's figures, urbanisation 2022 clashes
        annual = OldPlan.objects.create(
            name="2025年计划", short_name="2025年", region_id=plan.region_id, base_year=2024, end_year=2025
        )
        category = OldCategory.objects.create(plan=annual, name="经济发展", order=1)
        for order, (name, unit, year, value) in enumerate(
            (("地区生产总值增长", "%", 2025, "6.0"), ("常住人口城镇化率", "%", 2022, "64.60")), start=1
        ):
            indicator = OldIndicator.objects.create(plan=annual, category=category, order=order, name=name, unit=unit)
            OldObservation.objects.create(
                indicator=indicator, year=year, value=Decimal(value), decimals=1, status="approved"
            )
        observations = {o["id"]: o for o in OldObservation.objects.values(*OBSERVATION_FIELDS, "indicator_id")}
        history = {h["history_id"]: h for h in OldHistory.objects.values(*HISTORY_FIELDS, "indicator_id")}
        alternatives = sorted(
            OldAlternative.objects.values_list("id", "observation_id", "value", "decimals", "source", "note")
        )
        departments = dict(OldIndicator.objects.values_list("id", "department_id"))
        assert len(observations) > 80 and len(history) > 80 and len(alternatives) >= 2
    finally:
        _migrate(_latest())

    series_of = dict(Indicator.objects.values_list("id", "series_id"))
    after = {o["id"]: o for o in Observation.objects.values(*OBSERVATION_FIELDS, "series_id")}
    assert after.keys() == observations.keys()
    for pk, before in observations.items():
        moved = after[pk]
        assert {f: moved[f] for f in OBSERVATION_FIELDS} == {f: before[f] for f in OBSERVATION_FIELDS}
        assert moved["series_id"] == series_of[before["indicator_id"]]
    history_after = {h["history_id"]: h for h in Observation.history.model.objects.values(*HISTORY_FIELDS, "series_id")}
    assert history_after.keys() == history.keys()
    for pk, before in history.items():
        assert {f: history_after[pk][f] for f in HISTORY_FIELDS} == {f: before[f] for f in HISTORY_FIELDS}
        assert history_after[pk]["series_id"] == series_of[before["indicator_id"]]
    assert (
        sorted(AlternativeReading.objects.values_list("id", "observation_id", "value", "decimals", "source", "note"))
        == alternatives
    )
    for indicator in Indicator.objects.exclude(series=None).select_related("series"):
        assert indicator.measured_series.department_id == departments[indicator.pk] or departments[indicator.pk] is None

    # the two plans share GDP growth (no period in common); the clashing urbanisation figure got its own series
    gdp_series = Series.objects.get(name="地区生产总值增长")
    assert set(gdp_series.indicators.values_list("plan__short_name", flat=True)) == {"十四五", "2025年"}
    assert Series.objects.get(name="常住人口城镇化率（2025年）").observations.get().value == Decimal("64.60")
    assert not Indicator.objects.get(plan=plan, name="城镇就业").series  # groups have no figures
    assert _leaf_verdicts(plan) == verdicts == VERDICTS  # 附件1 still 21/21 at 2023H1
