"""The fast paths of the cell converters (issue #13) answer exactly what the full converters answer,
or step aside (None) so the full converter decides and explains."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.importers.cells import CellError, as_date, as_money, as_number, plain_date, plain_money, plain_number

NUMBERS: list[object] = [
    "1200.50", "1200.5", "1200", "0", "-0", "-5", "0.001", "10.500", "1e3", "1E-2", "1_000", "1,200", "¥1200",
    "95%", "NaN", "-Infinity", "1e12", "999999999999.99", "999999999999", "1000000000000", "007.50", "12.",
    ".5", "+5", "１２", "12.345", " 12", "abc", "", 0.1, 4000.0, 1e12, -3.25, 1e-7,
    float("nan"), math.inf, 5, -7, 10**13, True, Decimal("1.5"), None, date(2026, 1, 1),
]
DATES: list[object] = [
    "2026-10-09", "2026-02-30", "1899-12-31", "1900-01-01", "2199-12-31", "2200-01-01", "2026/10/09", "20261009",
    "2026-1-9", "abcd-ef-gh", datetime(2026, 10, 9, 13, 5), date(2026, 10, 9), date(1800, 1, 1),
    datetime(2300, 1, 1), 45000, 45000.0, None, True,
]


def _full(convert, cell):  # type: ignore[no-untyped-def]
    try:
        return convert(cell)
    except (CellError, Exception):
        return "refused"


@pytest.mark.parametrize("cell", NUMBERS, ids=repr)
def test_plain_numbers_agree_with_the_full_converters(cell: object) -> None:
    for plain, full in ((plain_number, as_number), (plain_money, as_money)):
        fast = plain(cell)
        if fast is not None:
            expected = _full(full, cell)
            assert fast == expected and str(fast) == str(expected), (plain.__name__, cell)


@pytest.mark.parametrize("cell", DATES, ids=repr)
def test_plain_dates_agree_with_the_full_converter(cell: object) -> None:
    fast = plain_date(cell)
    if fast is not None:
        assert fast == _full(as_date, cell) and type(fast) is date


def test_the_common_cells_take_the_fast_path() -> None:
    assert plain_money("1200.50") == Decimal("1200.50") and plain_money(1200.5) == Decimal("1200.5")
    assert plain_money("0.001") is None and plain_money("1,200") is None and plain_money(True) is None
    assert plain_date("2026-10-09") == date(2026, 10, 9) == plain_date(datetime(2026, 10, 9, 8))
    assert plain_date("2026-02-30") is None and plain_date("2200-01-01") is None
