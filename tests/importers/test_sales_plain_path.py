"""The quick path for plain sales rows (``_Parser._plain_sale_of``, from the cells or from a ``_Row``) decides exactly what the full checks decide.

Each row is parsed twice: as the import does it, and with the quick path switched off so that every row
goes through the full checks. Rows, counts, problems and warnings must be identical, for plain rows and
for every kind of row the quick path hands over to the full checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import FrozenInstanceError
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from app.importers import COLUMNS, ImportContext, ImportResult, SalesRow, Table, parse_table
from app.importers import parse as parse_module

HEADERS = [c.zh for c in COLUMNS["sales"]]
CTX = ImportContext(
    agents={"A001": (date(2020, 1, 1), None), "A002": (date(2026, 10, 5), date(2026, 10, 20)), "Bx": (date(2020, 1, 1), None)},
    products={"L10", "ACC1"},
    locked_months={"2026-09"},
    existing_policies={"P-OLD": date(2026, 9, 3)},
)

ROWS = [
    ["P1", "A001", "L10", "1000.00", "VIP", "是", "2026-10-01", ""],  # plain
    ["P2", "A001", "ACC1", "12", "", "否", "2026-10-02", "2026-10-09"],  # plain, cancelled
    ["P3", "a001", "l10", "1000", "A", "", "2026-10-03", ""],  # other spelling of code and product
    ["P4", "A001", "L10", "1,000.50", "A", "yes", "2026-10-03", ""],  # a number as people type it
    ["P5", "A001", "L10", "10.005", "A", "否", "2026-10-03", ""],  # three decimals
    ["P6", "A001", "L10", "-5", "A", "否", "2026-10-03", ""],  # negative
    ["P7", "A001", "L10", "5", "A", "maybe", "2026-10-03", ""],  # not a yes/no word
    ["P8", "A001", "L10", "5", "A", "否", "2026/10/03", ""],  # another date spelling
    ["P9", "A001", "L10", "5", "A", "否", "2026-10-03", "2026-10-01"],  # cancel before sign
    ["P10", "A001", "L10", "5", "A", "否", "2026-09-03", ""],  # new policy in a locked month
    ["P-OLD", "A001", "L10", "5", "A", "否", "2026-09-03", "2026-10-04"],  # stored policy: a cancel date
    ["P11", "A002", "L10", "5", "A", "否", "2026-10-01", ""],  # before the hire date
    ["P12", "A002", "L10", "5", "A", "否", "2026-10-21", ""],  # after the leave date
    ["P13", "A002", "L10", "5", "A", "否", "2026-10-20", ""],  # the leave day itself
    ["P1", "A001", "L10", "5", "A", "否", "2026-10-03", ""],  # duplicate policy number
    ["P14", "Z999", "L10", "5", "A", "否", "2026-10-03", ""],  # unknown agent
    ["P15", "A001", "XX", "5", "A", "否", "2026-10-03", ""],  # unknown product
    ["P16", "A001", "L10", "", "A", "否", "2026-10-03", ""],  # premium missing
    ["", "A001", "L10", "5", "A", "否", "", ""],  # policy number and sign date missing
    ["P17", "A001", "L10", "5", "A" * 17, "否", "2026-10-03", ""],  # level too long
    ["P18", "A001", "L10\x1b", "5", "A", "否", "2026-10-03", ""],  # a control character
    [" P19 ", " bx ", " L10 ", " 7.5 ", " VIP ", " 是 ", " 2026-10-03 ", " "],  # spaces around
    ["P20", "A001", "L10", "5", "A", "否", "2026-10-03"],  # a short row
]


def _parse(rows: Sequence[Sequence[object]], ctx: ImportContext) -> ImportResult[Any]:
    table = Table("sales.csv", HEADERS, [(i + 2, list(r)) for i, r in enumerate(rows)])
    return parse_table("sales", table, ctx)


# Rows that look plain to the quick loop's first glance but that it must hand over, or decide exactly as the
# full checks do: spellings, limits, look-ups and the order in which duplicates are found.
MORE_ROWS = [
    ["Q1", "A001", "L10", "007.50", "", "Y", "2026-10-01", "2026-10-01"],  # leading zeros; cancelled the same day
    ["Q2", "A001", "L10", "１２", "", "否", "2026-10-01", ""],  # full-width digits
    ["Q3", "A001", "L10", "12.", "", "否", "2026-10-01", ""],  # a trailing point
    ["Q4", "A001", "L10", ".5", "", "否", "2026-10-01", ""],  # no leading digit
    ["Q5", "A001", "L10", "999999999999.99", "", "否", "2026-10-01", ""],  # the largest amount
    ["Q6", "A001", "L10", "1000000000000", "", "否", "2026-10-01", ""],  # too large
    ["Q7", "A001", "L10", "+5", "", "否", "2026-10-01", ""],  # a sign
    ["Q8", "A001", "L10", "-0", "", "否", "2026-10-01", ""],  # minus zero
    ["Q9", "A001", "L10", "5", "", "YES", "2026-10-01", ""],  # a yes/no word in capitals
    ["Q10", "A001", "L10", "5", "", "否", "2026-10-01", "2026-13-01"],  # no such cancel date
    ["Q11", "A001", "L10", "5", "", "否", "2026-10-1", ""],  # a one-digit day
    ["Q12", "BX", "L10", "5", "", "否", "2026-10-01", ""],  # the code in another case
    ["Q13", "A003", "L10", "5", "", "否", "2026-10-01", ""],  # an agent whose employment is not two dates
    ["Q14", "A004", "L10", "5", "", "否", "2026-10-01", ""],  # an agent hired at a date and time
    ["P-OLD", "A002", "L10", "5", "", "否", "2026-09-03", "2026-10-04"],  # stored policy, outside A002's employment
    ["P-OLD2", "A002", "L10", "5", "", "否", "2026-10-04", ""],  # stored, its sign date moved before the hire
    ["Q15", "A001", "L10", "5", "B" * 16, "否", "2026-10-01", ""],  # a level at its limit
    ["Q16" + "9" * 61, "A001", "L10", "5", "", "否", "2026-10-01", ""],  # a policy number at its limit
    ["Q17" + "9" * 62, "A001", "L10", "5", "", "否", "2026-10-01", ""],  # one character too long
    ["Q18", "A001", "L10", "5", "", "否", "2026-10-01", "", "extra"],  # a cell past the last column
    ["Q19", "A001", "L10", "5", "", "否", "2026-10-01", "\u3000"],  # an ideographic space
    ["Q20", "A001", "L10", "5", "", "否", "2026-09-30", ""],  # a new policy in the locked month
    ["P-NEW", "A001", "L10", "５", "", "否", "2026-10-01", ""],  # full checks first …
    ["P-NEW", "A001", "L10", "5", "", "否", "2026-10-01", ""],  # … then a plain duplicate of it
    ["Q1", "A001", "L10", "5", "", "否", "2026-10-01", ""],  # a plain duplicate of a plain row
]
WIDE_CTX = ImportContext(
    agents={**CTX.agents,  # type: ignore[dict-item]
            "A003": (date(2020, 1, 1),), "A004": (datetime(2020, 1, 1, 9, 0), None)},  # type: ignore[dict-item]
    products=CTX.products,
    locked_months=CTX.locked_months,
    existing_policies={**CTX.existing_policies, "P-OLD2": date(2026, 10, 9)},
)


def _full_checks_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row through the full checks: the quick loop and the quick reading of a ``_Row`` switched off."""
    monkeypatch.setattr(parse_module._Parser, "quick_sales", False)
    monkeypatch.setattr(parse_module._Parser, "_plain_sale_of", lambda self, *values: None)


@pytest.mark.parametrize("ctx", [CTX, WIDE_CTX, ImportContext(), ImportContext(agents={}, products=set())])
@pytest.mark.parametrize("rows", [ROWS, MORE_ROWS, ROWS + MORE_ROWS], ids=["rows", "more", "both"])
def test_quick_path_agrees_with_full_checks(
    ctx: ImportContext, rows: list[list[object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    quick = _parse(rows, ctx)
    _full_checks_only(monkeypatch)
    full = _parse(rows, ctx)
    assert quick == full
    for a, b in zip(quick.rows, full.rows, strict=True):  # the same values, spelt the same
        assert type(a) is type(b) is SalesRow and str(a.premium) == str(b.premium)


def test_quick_path_takes_plain_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows the quick path is for do take it (else it would be dead weight): the quick loop takes the
    plain rows of the file, and the quick reading of a ``_Row`` the ones that only needed trimming."""
    to_full: list[int] = []
    full_row = parse_module._Parser._full_row
    from_row: list[int] = []
    plain = parse_module._Parser._plain_sale_of

    def spy_full(self: parse_module._Parser, number: int, *args: Any) -> None:
        to_full.append(number)
        full_row(self, number, *args)

    def spy_plain(self: parse_module._Parser, number: int, *values: object) -> object:
        rec = plain(self, number, *values)  # type: ignore[arg-type]
        if rec is not None:
            from_row.append(number)
        return rec

    monkeypatch.setattr(parse_module._Parser, "_full_row", spy_full)
    monkeypatch.setattr(parse_module._Parser, "_plain_sale_of", spy_plain)
    result = _parse(ROWS, CTX)
    quick = sorted(set(range(2, len(ROWS) + 2)) - set(to_full))
    assert quick == [2, 3, 12, 15]  # P1, P2, P-OLD, P13
    assert from_row == [22, 24]  # P18 (control character removed), P20 (a short row)
    assert len(result.rows) > len(quick) + len(from_row)  # the full checks accept the other good rows


def test_a_quick_record_is_the_record_the_full_checks_build() -> None:
    args = ("P1", "A001", "L10", Decimal("1.50"), "VIP", True, date(2026, 10, 1), None)
    quick = parse_module._new_sales_row(*args, 7)
    full = SalesRow(*args, row=7)
    assert quick == full and hash(quick) == hash(full) and repr(quick) == repr(full)
    with pytest.raises(FrozenInstanceError):
        quick.premium = Decimal(2)  # type: ignore[misc]
