"""How the table reader reads a numeric cell: as its number format shows it (indicators.table_reader)."""

from __future__ import annotations

import pytest

from indicators.table_reader import number_text


@pytest.mark.parametrize(
    ("raw", "number_format", "text"),
    [
        (0.652, "0.0%", "65.2%"),  # not 65.200%: the scaling by 100 adds no printed places
        (0.652, "0.00%", "65.20%"),
        (1, "0%", "100%"),
        (0.0425, "0.0%", "4.25%"),  # more places than the format prints are kept
        (4.0, "0.0", "4.0"),
        (0.347, "0.0000", "0.3470"),
    ],
)
def test_a_number_reads_as_its_format_shows_it(raw: float, number_format: str, text: str) -> None:
    assert number_text(raw, number_format) == text
