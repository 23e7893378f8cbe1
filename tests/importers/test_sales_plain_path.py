"""The quick path for plain sales rows (``_Parser._plain_sale_of``, from the cells or from a ``_Row``) decides exactly what the full checks decide.

Each row is parsed twice: as the import does it, and with the quick path switched off so that every row
goes through the full checks. Rows, counts, problems and warnings must be identical, for plain rows and
for every kind of row the quick path hands over to the full checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest

from app.importers import COLUMNS, ImportContext, ImportResult, Table, parse_table
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


@pytest.mark.parametrize("ctx", [CTX, ImportContext(), ImportContext(agents={}, products=set())])
def test_quick_path_agrees_with_full_checks(ctx: ImportContext, monkeypatch: pytest.MonkeyPatch) -> None:
    quick = _parse(ROWS, ctx)
    monkeypatch.setattr(parse_module._Parser, "_plain_sale_of", lambda self, *values: None)
    full = _parse(ROWS, ctx)
    assert quick == full


def test_quick_path_takes_plain_rows() -> None:
    """The rows the quick path is for do take it (else it would be dead weight)."""
    taken: list[int] = []
    plain = parse_module._Parser._plain_sale_of

    def spy(self: parse_module._Parser, number: int, *values: object) -> object:
        rec = plain(self, number, *values)  # type: ignore[arg-type]
        if rec is not None:
            taken.append(number)
        return rec

    parse_module._Parser._plain_sale_of = spy  # type: ignore[method-assign,assignment]
    try:
        result = _parse(ROWS, CTX)
    finally:
        parse_module._Parser._plain_sale_of = plain  # type: ignore[method-assign]
    assert taken == [2, 3, 12, 15, 22, 24]  # P1, P2, P-OLD, P13, P18 (control character removed), P20
    assert len(result.rows) > len(taken)  # the full checks accept the other good rows
