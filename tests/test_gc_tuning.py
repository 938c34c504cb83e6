"""The serving process's garbage-collector thresholds (wolong.gc_tuning), read from GC_THRESHOLDS."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from wolong import gc_tuning

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (50_000, 20, 100)),
        ("  ", (50_000, 20, 100)),
        ("700,10,10", (700, 10, 10)),
        ("10000", (10_000,)),
        ("100", (100,)),
    ],
)
def test_thresholds_from_the_environment(monkeypatch: pytest.MonkeyPatch, text: str, expected: tuple[int, ...]) -> None:
    monkeypatch.setenv("GC_THRESHOLDS", text)
    assert gc_tuning.thresholds() == expected


@pytest.mark.parametrize("text", ["abc", "1,2,3,4", "-5", "50000;20", "1.5", "0", "99,10,10"])
def test_a_bad_value_stops_the_start_with_the_variable_named(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv("GC_THRESHOLDS", text)
    with pytest.raises(ValueError, match="GC_THRESHOLDS"):
        gc_tuning.thresholds()


def test_the_served_application_sets_them() -> None:
    """wolong.wsgi (gunicorn, runserver) applies the thresholds before the first request."""
    code = "import wolong.wsgi, gc; print(gc.get_threshold())"
    env = {"DEBUG": "1", "GC_THRESHOLDS": "12345,6,7", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "(12345, 6, 7)"
    assert gc.get_threshold() != (12345, 6, 7)  # this process untouched
