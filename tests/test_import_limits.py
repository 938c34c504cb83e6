"""Oversized workbooks are refused while streaming, in bounded time and memory, before openpyxl loads them."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from indicators import import_reading
from indicators.models import Plan
from indicators.xlsx_guard import HAS_DOCTYPE
from tests.test_import import _upload, table_counts
from tests.xlsx_bombs import doctype_in_workbook_part, doctype_workbook, expanding_workbook, million_row_workbook

# The fixture plan is loaded once for this module; each test's writes still roll back (conftest: plan_14th_once).
pytestmark = pytest.mark.usefixtures("plan_14th_once")

SECONDS = 2.0
PEAK_BYTES = 200 * 1024 * 1024

CASES = [
    pytest.param(
        expanding_workbook,
        "工作簿中有工作表超过 200 列（第1行第201列），不像是规划指标表，未导入。",
        id="14-million-cell expanding workbook",
    ),
    pytest.param(
        million_row_workbook,
        "工作簿中有工作表超过 40000 行（第40001行），不像是规划指标表，未导入。",
        id="1,000,000-row sheet",
    ),
    pytest.param(
        lambda: expanding_workbook(cells=14_000_000, per_row=200),
        "工作簿中的单元格超过 300000 个，不像是规划指标表，未导入。",
        id="14 million cells within 200 columns",
    ),
    pytest.param(doctype_workbook, HAS_DOCTYPE, id="document type declaration"),
    pytest.param(doctype_in_workbook_part, HAS_DOCTYPE, id="external entity in workbook.xml"),
]


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    return {}


def _data(build: Callable[[], bytes], built: dict[str, bytes]) -> bytes:
    if build.__name__ not in built:
        built[build.__name__] = build()
    return built[build.__name__]


@pytest.mark.parametrize(("build", "message"), CASES)
def test_refused_fast_and_small(build: Callable[[], bytes], message: str, built: dict[str, bytes]) -> None:
    data = _data(build, built)
    assert len(data) < import_reading.MAX_UPLOAD_BYTES  # passes the upload size limit: only the content is wrong
    # CPU time: the machines running the suite are shared, wall time would measure the neighbours
    started = time.process_time()
    table, errors, _ = import_reading.read_table(data)
    seconds = time.process_time() - started
    assert table is None
    assert errors[0].startswith(message)
    assert seconds < SECONDS, f"{seconds:.2f} s"
    # memory in a second run: tracing every allocation slows the parse down several times
    tracemalloc.start()
    import_reading.read_table(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < PEAK_BYTES, f"peak {peak / 2**20:.0f} MiB"


@pytest.mark.parametrize(("build", "message"), CASES)
def test_upload_is_refused_in_chinese_and_nothing_written(
    client: Client, plan_14th: Plan, admin: User, build: Callable[[], bytes], message: str, built: dict[str, bytes]
) -> None:
    client.force_login(admin)
    before = table_counts()
    response = _upload(client, plan_14th, _data(build, built))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and "确认导入" not in body
    assert table_counts() == before


def test_a_long_sources_sheet_is_not_mistaken_for_a_bomb() -> None:
    """数据来源 has a row per value: 3,000 rows of ten cells pass the streaming check."""
    import io
    import zipfile

    from indicators.xlsx_guard import check_sizes
    from tests.xlsx_bombs import _with_sheet

    rows = (b"<row>" + b"<c/>" * 10 + b"</row>" for _ in range(3000))
    with zipfile.ZipFile(io.BytesIO(_with_sheet(rows))) as archive:
        check_sizes(
            archive,
            max_rows=import_reading.MAX_ROWS_ANY_SHEET,
            max_columns=import_reading.MAX_COLUMNS,
            max_cells=import_reading.MAX_CELLS,
        )
