"""Shared set-up of the benchmark scripts: Django on a throw-away in-memory SQLite test database.

Import this module first in a ``bench/*.py`` script (it configures and starts Django), then use
``test_database()`` and ``time_get()``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wolong.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

REPEAT = 5


def time_get(client: Client, url: str) -> tuple[float, int, int]:
    """Median milliseconds over REPEAT runs, the query count and the response size."""
    client.get(url)  # warm up templates and caches
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return statistics.median(times), len(queries), len(response.content)


@contextmanager
def test_database() -> Iterator[None]:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
