"""The import writes in bulk (indicators.bulk) with exactly the outcome of the per-value services it replaced.

Each scenario imports the same workbook twice, rolled back in between: once through ``indicators.bulk`` and
once with the bulk functions replaced by the old way, one ``observation_record`` / ``indicator_save`` call per
figure or indicator inside its own savepoint. The reports, the rows and every history row must match field by
field (ids and timestamps aside). A query-count test shows the bulk path's queries do not grow with the table.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from indicators import bulk, importer, services
from indicators.models import Category, Indicator, Observation, Plan, Region, Series
from indicators.periods import Period
from reports.appendix import build_report
from reports.workbook import SHEET_APPENDIX1, build_appendix_workbook
from tests.builders import build_plan

AS_OF = Period(2024)


def export(plan: Plan, as_of: Period = AS_OF) -> bytes:
    buffer = io.BytesIO()
    build_appendix_workbook(build_report(plan, as_of).appendix).save(buffer)
    return buffer.getvalue()


def edited(data: bytes, cells: dict[tuple[str, str], Any]) -> bytes:
    """The workbook with the cells (indicator name prefix, period label) set to new values."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook[SHEET_APPENDIX1]
    columns = {cell.value: int(cell.column or 0) for cell in sheet[3]}
    for (name, label), value in cells.items():
        row = next(
            int(r[0].row or 0)
            for r in sheet.iter_rows(min_row=4)
            if any(isinstance(c.value, str) and c.value.startswith(name) for c in r[2:4])
        )
        sheet.cell(row, columns[label]).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the old way: one service call per figure / indicator, each in a savepoint --------------------------


def record_each(
    figures: Sequence[bulk.Figure], *, user: Any, reason: str = "", approve: bool = False, submit: bool = False
) -> list[Any]:
    results: list[Any] = []
    for figure in figures:
        try:
            with transaction.atomic():
                results.append(
                    services.observation_record(
                        indicator=figure.indicator,
                        period=figure.period,
                        value=figure.value,
                        decimals=figure.decimals,
                        no_data=figure.no_data,
                        note=figure.note,
                        source=figure.source,
                        user=user,
                        reason=reason,
                        approve=approve,
                        submit=submit,
                    )
                )
        except ValidationError as error:
            results.append(error)
    return results


def create_each(drafts: Sequence[tuple[Indicator, bool]], *, user: Any, reason: str) -> list[Any]:
    results: list[Any] = []
    for indicator, grouping in drafts:
        if indicator.parent is not None:
            indicator.parent = indicator.parent  # the parent was saved after the draft was made: take its id
        if grouping:  # the old code called indicator_save without a savepoint: a refusal ended the import
            try:
                services.indicator_save(indicator=indicator, user=user, reason=reason, grouping=True)
            except ValidationError as error:
                results.append(error)
                break
            results.append((indicator, False))
            continue
        plan = indicator.plan
        known = Series.objects.filter(region=plan.region, name=indicator.name, unit=indicator.unit).first()
        try:
            with transaction.atomic():
                services.indicator_save(indicator=indicator, user=user, reason=reason)
        except ValidationError as error:
            results.append(error)
            continue
        results.append((indicator, known is None))
    return results


# --- what is compared ---------------------------------------------------------------------------------

SKIPPED = {"id", "history_id", "history_date", "created_at", "updated_at"}


def _names(model: Any) -> dict[int, str]:
    return {o.pk: str(o) for o in model.objects.all()}


def _rows(queryset: Any, references: dict[str, dict[int, str]]) -> list[dict[str, Any]]:
    rows = []
    for values in queryset.values():
        row = {}
        for key, value in values.items():
            if key in SKIPPED:
                continue
            if key in references:
                value = references[key].get(value) if value is not None else None
            row[key] = value
        rows.append(row)
    return sorted(rows, key=repr)


def snapshot(region: Region, report: importer.ImportReport) -> dict[str, Any]:
    # by name, not id: PostgreSQL's sequences do not roll back, so the second run's ids differ
    regions = {r.pk: r.name for r in Region.objects.all()}
    plans = {p.pk: p.name for p in Plan.objects.all()}
    series = {s.pk: f"{regions[s.region_id]}:{s}" for s in Series.objects.all()}
    indicators = {
        i.pk: f"{plans[i.plan_id]}:{i.parent.name if i.parent else ''}:{i.name}"
        for i in Indicator.objects.select_related("parent")
    }
    categories = {c.pk: f"{plans[c.plan_id]}:{c.name}" for c in Category.objects.all()}
    refs = {
        "series_id": series,
        "parent_id": indicators,
        "linked_indicator_id": indicators,
        "category_id": categories,
        "plan_id": plans,
        "region_id": regions,
    }
    observations = Observation.objects.filter(series__region=region)
    return {
        "errors": report.errors,
        "warnings": report.warnings,
        "changes": report.changes,
        "counts": dict(report.counts),
        "series": report.series,
        "committed": report.committed,
        "observations": _rows(observations, refs),
        "observation_history": _rows(Observation.history.filter(series__region=region), refs),
        "indicators": _rows(Indicator.objects.filter(plan__region=region), refs),
        "indicator_history": _rows(Indicator.history.filter(plan__region=region), refs),
        "series_rows": _rows(Series.objects.filter(region=region), refs),
        "series_history": _rows(Series.history.filter(region=region), refs),
    }


def both_ways(
    monkeypatch: pytest.MonkeyPatch, run: Callable[[], tuple[Region, importer.ImportReport]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The snapshot after ``run`` the old way and the bulk way, each rolled back afterwards."""
    outcomes = []
    for old_way in (True, False):
        with monkeypatch.context() as patch:
            if old_way:
                patch.setattr(bulk, "observations_record", record_each)
                patch.setattr(bulk, "indicators_create", create_each)
            savepoint = transaction.savepoint()
            region, report = run()
            outcomes.append(snapshot(region, report))
            transaction.savepoint_rollback(savepoint)
    return outcomes[0], outcomes[1]


def assert_same(old: dict[str, Any], new: dict[str, Any]) -> None:
    for key in old:
        assert new[key] == old[key], key


# --- scenarios --------------------------------------------------------------------------------------


@pytest.fixture
def boss(plan_14th: Plan, admin: User) -> User:
    return admin


def test_into_an_empty_plan_of_the_same_region(monkeypatch: pytest.MonkeyPatch, plan_14th: Plan, boss: User) -> None:
    data = edited(export(plan_14th), {("地区生产总值增长", "2022年"): 4.6, ("地区生产总值增长", "2021年"): 45})

    def run() -> tuple[Region, importer.ImportReport]:
        target = Plan.objects.create(
            region=plan_14th.region, name="导入", short_name="导入", base_year=2020, end_year=2025
        )
        return plan_14th.region, importer.run_import(data, user=boss, filename="a.xlsx", commit=True, plan=target)

    old, new = both_ways(monkeypatch, run)
    assert old["counts"]["修改"] >= 2 and old["committed"]
    assert any("远超该指标以往数值" in w for w in old["warnings"])  # 45 for 4.5
    assert_same(old, new)


def test_into_an_empty_plan_of_another_region(monkeypatch: pytest.MonkeyPatch, plan_14th: Plan, boss: User) -> None:
    data = export(plan_14th)

    def run() -> tuple[Region, importer.ImportReport]:
        region = Region.objects.create(name="宛城区", parent=plan_14th.region.parent)
        target = Plan.objects.create(region=region, name="宛城区规划", base_year=2020, end_year=2025)
        return region, importer.run_import(data, user=boss, filename="a.xlsx", commit=True, plan=target)

    old, new = both_ways(monkeypatch, run)
    assert old["counts"]["新建统计指标"] == 21 and len(old["observations"]) > 100
    assert_same(old, new)


def test_into_the_plan_itself_with_changes_drafts_and_no_data(
    monkeypatch: pytest.MonkeyPatch, plan_14th: Plan, boss: User
) -> None:
    gdp = Indicator.objects.select_related("plan", "series").get(plan=plan_14th, name="地区生产总值增长")
    urban = Indicator.objects.select_related("plan", "series").get(plan=plan_14th, name="常住人口城镇化率")
    # a draft of a new period, re-imported with the same figure (approved), and a changed one
    services.observation_record(indicator=gdp, period=Period(2024, "H1"), value=Decimal("5.1"), user=boss)
    data = edited(
        export(plan_14th),
        {
            ("地区生产总值增长", "2022年"): 4.2,  # an approved figure changed (the import's reason)
            ("地区生产总值增长", "2021年"): "/",  # "/" over a figure: kept, with a warning
            ("常住人口城镇化率", "2022年"): 65.1,
            ("常住人口城镇化率", "2020年"): 6.297,  # far below its history: saved, with a warning
        },
    )
    assert urban.series is not None

    def run() -> tuple[Region, importer.ImportReport]:
        return plan_14th.region, importer.run_import(data, user=boss, filename="b.xlsx", commit=True, plan=plan_14th)

    old, new = both_ways(monkeypatch, run)
    assert old["errors"] == [] and old["committed"] and old["counts"]["修改"] >= 2
    assert any("未修改" in w for w in old["warnings"]) and any("远低于" in w for w in old["warnings"])
    assert_same(old, new)


def test_the_outlier_history_counts_an_approved_figure_kept_beside_its_pending_change(
    monkeypatch: pytest.MonkeyPatch, plan_14th: Plan, boss: User
) -> None:
    """2021's approved 9.1 waits beside a pending change: it still counts in the history a new figure is compared
    with (``Observation.counted``), the bulk way as the single write (8 for 2024 is then no outlier)."""
    gdp = Indicator.objects.select_related("plan", "series").get(plan=plan_14th, name="地区生产总值增长")
    data = edited(
        export(plan_14th, Period(2024)), {("地区生产总值增长", "2021年"): None, ("地区生产总值增长", "2024年"): 8}
    )
    services.observation_record(
        indicator=gdp, period=Period(2021), value=Decimal("91"), user=boss, reason="更正", submit=True
    )

    def run() -> tuple[Region, importer.ImportReport]:
        return plan_14th.region, importer.run_import(data, user=boss, filename="c.xlsx", commit=True, plan=plan_14th)

    old, new = both_ways(monkeypatch, run)
    assert old["committed"] and not any("以往数值" in w for w in old["warnings"]), old["warnings"]
    assert_same(old, new)


def test_a_locked_period_and_a_refused_value(monkeypatch: pytest.MonkeyPatch, plan_14th: Plan, boss: User) -> None:
    services.period_lock(plan=plan_14th, period=Period(2021), user=boss)
    data = edited(
        export(plan_14th),
        {
            ("常住人口城镇化率", "2021年"): 64.0,
            ("常住人口城镇化率", "2022年"): 164.0,
            ("地区生产总值增长", "2022年"): 4.2,
        },
    )

    def run() -> tuple[Region, importer.ImportReport]:
        return plan_14th.region, importer.run_import(data, user=boss, filename="c.xlsx", commit=True, plan=plan_14th)

    old, new = both_ways(monkeypatch, run)
    assert len(old["errors"]) == 2 and not old["committed"]  # the lock and the share over 100
    assert_same(old, new)


def test_preview_shows_the_same_report(monkeypatch: pytest.MonkeyPatch, plan_14th: Plan, boss: User) -> None:
    data = edited(export(plan_14th), {("地区生产总值增长", "2022年"): 4.2})

    def run() -> tuple[Region, importer.ImportReport]:
        return plan_14th.region, importer.run_import(data, user=boss, filename="d.xlsx", commit=False, plan=plan_14th)

    old, new = both_ways(monkeypatch, run)
    assert old["changes"] and not old["committed"]
    assert_same(old, new)


def test_the_same_series_twice_in_one_table(monkeypatch: pytest.MonkeyPatch, boss: User) -> None:
    """Two sub-indicators of one name and unit under different groups read one series: the second write of
    each period changes the first, with its own history row."""
    region = Region.objects.get_or_create(name="卧龙区", parent=None)[0]
    source = build_plan(2, name="来源")
    first, second = Indicator.objects.filter(plan=source).order_by("order")
    group_a = Indicator.objects.create(plan=source, category=first.category, name="甲组", seq="1", order=10)
    group_b = Indicator.objects.create(plan=source, category=first.category, name="乙组", seq="2", order=11)
    first.parent, first.seq, first.name = group_a, "", "同名指标"
    first.save()
    second.parent, second.seq, second.name, second.unit = group_b, "", "同名指标", first.unit
    second.save()
    Observation.objects.filter(series=second.series).update(value=Decimal("9.9"))
    data = export(source, Period(2022))

    def run() -> tuple[Region, importer.ImportReport]:
        target = Plan.objects.create(region=region, name="导入", short_name="导入", base_year=2020, end_year=2025)
        return region, importer.run_import(data, user=boss, filename="e.xlsx", commit=True, plan=target)

    old, new = both_ways(monkeypatch, run)
    # the importer read no figure for either row, so it reports both as new; the second write changed the first
    assert old["committed"] and old["counts"]["新增"] == 6
    assert [o["value"] for o in old["observations"] if o["series_id"].endswith("同名指标（%）")] == [Decimal("9.9")] * 3
    assert_same(old, new)


# --- queries ------------------------------------------------------------------------------------------


def _import_queries(size: int, user: User) -> tuple[int, int]:
    """(reads, writes) of importing ``size`` indicators × 3 figures into an empty plan (new series)."""
    source = build_plan(size, name=f"来源{size}")
    data = export(source, Period(2022))
    target = Plan.objects.create(
        region=source.region, name=f"导入{size}", short_name="导入", base_year=2020, end_year=2025
    )
    user = User.objects.get(pk=user.pk)  # a fresh user: the role and scope lookups are cached on it
    with CaptureQueriesContext(connection) as queries:
        report = importer.run_import(data, user=user, filename="f.xlsx", commit=True, plan=target)
    assert report.committed, report.errors[:3]
    assert Observation.objects.filter(series__indicators__plan=target).count() == 3 * size
    writes = [q for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    return len(queries) - len(writes), len(writes)


def test_import_queries_do_not_grow_with_the_table(boss: User) -> None:
    # Reads, per import: the user's roles and scope; the plan's indicators; the region's series, the plan's
    # indicator names and orders;
    # the plan's figures; per batch of 500 figures: grouping indicators, period locks, the stored figures of
    # the series (locked); plus the 5 categories (one small service call each) and the savepoints.
    small_reads, small_writes = _import_queries(5, boss)  # 5 indicators, 15 figures
    large_reads, large_writes = _import_queries(100, boss)  # 100 indicators, 300 figures
    assert small_reads == large_reads
    # Writes: categories, then series, indicators, figures and their history rows, one INSERT each, or one per
    # batch where the database caps the parameters of a statement (SQLite: 999, so about 50 rows).
    rows_per_insert = connection.ops.bulk_batch_size([f.column for f in Observation._meta.concrete_fields], [])
    inserts = 6  # series, indicators, figures, each with its history
    assert small_writes == 5 + inserts
    assert large_writes <= 5 + inserts * -(-300 // max(1, min(rows_per_insert, 500)) * 2)
    if connection.vendor == "postgresql":
        assert large_writes == small_writes
