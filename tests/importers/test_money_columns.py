"""Money columns (base salary, premium, adjustment amount) take at most two decimals (issue #12):
``10.005`` is refused naming row and column, never rounded to 10.01 and paid; the forms people
write (``1,200.50``, ``¥1200``, ``1200元``, a real xlsx number) still read as before."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.importers import parse_file
from tests.importers.helpers import CTX, FORMATS, write_file

ROWS: dict[str, dict[str, object]] = {
    "agents": {"code": "A050", "name": "王五", "base_salary": "4200", "hire_date": "2024-01-01"},
    "sales": {"policy_no": "P1", "code": "A001", "product": "L10", "premium": "1000", "sign_date": "2026-10-05"},
    "adjustments": {"code": "A001", "month": "2026-10", "amount": "100", "reason": "补发"},
}
MONEY = {"agents": ("base_salary", "底薪"), "sales": ("premium", "保费"), "adjustments": ("amount", "金额")}
SECOND = {"agents": {"code": "A051"}, "sales": {"policy_no": "P2"}, "adjustments": {}}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", sorted(ROWS))
def test_a_third_decimal_is_an_import_problem_naming_row_and_column(tmp_path: Path, kind: str, fmt: str) -> None:
    key, header = MONEY[kind]
    # In the xlsx the amount is a real number cell (what Excel stores), in a CSV it is text.
    bad: object = 10.005 if fmt == "xlsx" else "10.005"
    path = write_file(tmp_path, kind, [ROWS[kind], {**ROWS[kind], **SECOND[kind], key: bad}], fmt=fmt)
    result = parse_file(kind, path, CTX)
    errors = [p for p in result.problems if p.is_error]
    assert [(p.file, p.row, p.column) for p in errors] == [(path.name, 3, header)]
    assert errors[0].reason == "金额最多两位小数：10.005"
    assert errors[0].reason_en == "an amount has at most 2 decimals: 10.005"
    assert "10.01" in errors[0].action_en  # says what to write instead
    assert [getattr(r, key) for r in result.rows] == [Decimal(str(ROWS[kind][key]))]  # the bad row is dropped


def test_the_adjustment_message_reads_as_the_issue_asks(tmp_path: Path) -> None:
    path = write_file(tmp_path, "adjustments", [{**ROWS["adjustments"], "amount": "10.005"}])
    (problem,) = parse_file("adjustments", path, CTX).problems
    assert problem.reason == "金额最多两位小数：10.005"
    assert problem.reason_en == "an amount has at most 2 decimals: 10.005"
    assert "第2行" in problem.message("zh") and "金额" in problem.message("zh")


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("1,200.50", Decimal("1200.50")),
        ("¥1200", Decimal(1200)),
        ("1200元", Decimal(1200)),
        ("-300.1", Decimal("-300.1")),
        ("10.500", Decimal("10.50")),  # trailing zeros are not a third decimal
        ("10.00", Decimal(10)),
    ],
)
def test_money_written_as_people_write_it_still_imports(tmp_path: Path, cell: str, value: Decimal) -> None:
    path = write_file(tmp_path, "adjustments", [{**ROWS["adjustments"], "amount": cell}])
    result = parse_file("adjustments", path, CTX)
    assert not result.problems
    assert [r.amount for r in result.rows] == [value]


def test_a_third_decimal_in_a_non_money_column_is_still_fine(tmp_path: Path) -> None:
    row = {"code": "A001", "month": "2026-10", "indicator": "answer_rate", "value": "0.955"}
    path = write_file(tmp_path, "metrics", [row])
    result = parse_file("metrics", path, CTX)
    assert not [p for p in result.problems if p.is_error]
    assert [r.value for r in result.rows] == [Decimal("0.955")]
