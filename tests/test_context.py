"""Context statistics of section 二 (表1–表4): fixture against the seed, loader, page."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from reports.context import build_context_rows, load_context_fixture, rounds_to
from reports.models import ContextTable, ContextValue, Reading
from tests.conftest import SEEDS, make_user

CONTEXT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "context_statistics.json"


needs_seeds = pytest.mark.skipif(not any(SEEDS.glob("002_*.txt")), reason="shared/seeds not beside the checkout")


def _seed_002() -> str:
    return next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")


@pytest.fixture
def context_loaded(db: None) -> None:
    load_context_fixture(CONTEXT_FIXTURE)


def _value(number: int, region: str, year: int, reading: str) -> str:
    return ContextValue.objects.get(table__number=number, region=region, year=year, reading=reading).display_value


@pytest.mark.parametrize(
    ("number", "region", "year", "table", "chart"),
    [
        (1, "卧龙区", 2016, "11.1", "11.11"),
        (1, "卧龙区", 2022, "11.2", "11.15"),
        (1, "宛城区", 2017, "7.3", "7.29"),
        (2, "卧龙区", 2022, "11.2", "11.1"),  # the table and its chart data disagree: both kept
        (2, "金水区", 2022, "22.5", "22.5"),
        (3, "卧龙区", 2010, "42.9", "42.9"),
        (3, "全国", 2022, "39.9", "39.9"),
        (3, "南阳市", 2019, "33.2", "33.2"),
        (4, "南阳高新区", 2022, "53", "53"),
        (4, "唐河县", 2022, "51", "51"),
    ],
)
def test_loaded_readings_match_the_seed(
    context_loaded: None, number: int, region: str, year: int, table: str, chart: str
) -> None:
    assert _value(number, region, year, Reading.TABLE) == table
    assert _value(number, region, year, Reading.CHART) == chart


@needs_seeds
def test_every_table_value_is_printed_in_the_seed_row() -> None:
    """Each region's table row in the fixture equals the tab-separated row of the seed's table."""
    import json

    text = _seed_002()
    data = json.loads(CONTEXT_FIXTURE.read_text(encoding="utf-8"))
    for spec in data["tables"]:
        table_reading = next(r for r in spec["readings"] if r["reading"] == "table")
        start = text.index(f"表{spec['number']}")
        block = text[start : start + 3000]
        cells = [c.strip() for c in re.split(r"[\t\n]+", block) if c.strip()]
        for region, by_year in table_reading["values"].items():
            if len(by_year) == 1:  # 表2/表4: one row of values under a row of regions
                continue
            i = cells.index(region)
            assert cells[i + 1 : i + 1 + len(by_year)] == list(by_year.values()), region


@needs_seeds
def test_chart_block_at_the_end_of_the_seed_holds_the_unrounded_figures() -> None:
    tail = _seed_002()[-3000:]
    assert "11.11\t9.8\t10.07\t11.18\t11.23\t11.23\t11.15" in tail
    assert "8.47\t7.29\t7.37\t8.58\t8.45\t8.44\t8.47" in tail
    assert "11.1\t15.5\t13.9\t22.5" in tail


def test_loader_is_idempotent(db: None) -> None:
    first = load_context_fixture(CONTEXT_FIXTURE)
    count = ContextValue.objects.count()
    second = load_context_fixture(CONTEXT_FIXTURE)
    assert first.created["context_table"] == 4
    assert second.total == 0
    assert ContextValue.objects.count() == count


def test_loader_keeps_a_later_correction(context_loaded: None) -> None:
    value = ContextValue.objects.get(table__number=4, region="卧龙区", reading=Reading.TABLE)
    value.note = "已核对"
    value.save()
    load_context_fixture(CONTEXT_FIXTURE)
    value.refresh_from_db()
    assert value.note == "已核对"


@pytest.mark.parametrize(
    ("value", "printed", "decimals", "expected"),
    [
        ("11.11", "11.1", 1, True),
        ("11.15", "11.2", 1, True),  # half up, not banker's rounding
        ("8.45", "8.5", 1, True),
        ("11.1", "11.2", 1, False),
        ("27", "27", 0, True),
        ("26.6", "27", 0, True),
        ("26.4", "27", 0, False),
    ],
)
def test_rounds_to(value: str, printed: str, decimals: int, expected: bool) -> None:
    assert rounds_to(Decimal(value), Decimal(printed), decimals) is expected


def test_rows_flag_only_real_disagreements(context_loaded: None) -> None:
    blocks = {b.number: b for b in build_context_rows(list(ContextValue.objects.for_page()))}
    assert [b.number for b in blocks.values()] == [1, 2, 3, 4]
    assert blocks[1].years == tuple(range(2016, 2023))
    assert blocks[3].regions == ("卧龙区", "南阳市", "河南省", "全国")
    # 表2 卧龙区: table 11.2, chart and text 11.1
    cell = blocks[2].cells[("卧龙区", 2022)]
    assert cell.shown == "11.2" and cell.disagrees
    assert [r.shown for r in cell.readings] == ["11.2", "11.1", "11.1"]
    # 表1 卧龙区 2022: table 11.2, chart 11.15 (rounds to it), text 11.1 (does not)
    assert blocks[1].cells[("卧龙区", 2022)].disagrees
    # 表1 卧龙区 2016: 11.11 rounds to the printed 11.1
    assert not blocks[1].cells[("卧龙区", 2016)].disagrees
    assert not blocks[4].has_disagreement
    # the chart plots the unrounded figures
    assert blocks[1].chart[0].values[0] == Decimal("11.11")


def test_context_page_shows_tables_charts_and_both_readings(
    client: Client, context_loaded: None, django_assert_num_queries: object
) -> None:
    client.force_login(make_user("lingdao", "领导"))
    # queries: session, user, the user's groups (navigation), context values joined with their tables
    with django_assert_num_queries(4):  # type: ignore[operator]  # session, user, groups (nav), values
        response = client.get("/context/")
    body = response.content.decode()
    assert response.status_code == 200
    for n in range(1, 5):
        assert f"图{n}" in body and f"表{n}" in body
    assert body.count('class="plotly-graph-div"') == 4
    assert "cdn.plot.ly" not in body and "vendor/plotly.min.js" in body
    assert "图表数据：11.1" in body and "002 中期评估报告 二（二）表2" in body


def test_context_page_query_count_does_not_grow_with_data(
    client: Client, context_loaded: None, django_assert_num_queries: object
) -> None:
    table = ContextTable.objects.get(number=3)
    for year in range(1990, 2010):
        ContextValue.objects.create(
            table=table, region="卧龙区", order=1, year=year, reading=Reading.TABLE, value=1, source="x"
        )
    client.force_login(make_user("lingdao", "领导"))
    # session, user, the user's groups (navigation), the context values
    with django_assert_num_queries(4):  # type: ignore[operator]
        assert client.get("/context/").status_code == 200


def test_context_page_without_data_says_how_to_load_it(client: Client, db: None) -> None:
    client.force_login(make_user("lingdao", "领导"))
    assert "seed_demo" in client.get("/context/").content.decode()


def test_reports_fixtures_load_the_appendix2_reasons_once(plan_14th: object) -> None:
    from reports.models import ReasonNote
    from reports.seed import load_reports_fixtures

    first = load_reports_fixtures(CONTEXT_FIXTURE.parent)
    assert first.created["reason_note"] == 4
    assert load_reports_fixtures(CONTEXT_FIXTURE.parent).total == 0
    note = ReasonNote.objects.get(indicator__name="常住人口城镇化率", year=2023, part="H1")
    assert note.text.startswith("一是受经济下行、疫情管控等影响")


def test_reasons_are_skipped_without_their_plan(db: None) -> None:
    from reports.seed import REASONS_FIXTURE_NAME, load_reason_fixture

    assert load_reason_fixture(CONTEXT_FIXTURE.parent / REASONS_FIXTURE_NAME).total == 0
