"""Bad files: every problem names the row as the spreadsheet shows it and the column as its header reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.importers import COLUMNS, KINDS, parse_file
from tests.importers.helpers import CTX, write_file, write_xlsx

BASE: dict[str, dict[str, object]] = {
    "agents": {"code": "A050", "name": "王五", "base_salary": "4200", "hire_date": "2024-01-01"},
    "attendance": {"code": "A001", "date": "2026-10-08", "type": "迟到", "minutes": "8"},
    "qa": {"code": "A001", "date": "2026-10-09", "score": "90"},
    "sales": {
        "policy_no": "P1",
        "code": "A001",
        "product": "L10",
        "premium": "1000",
        "sign_date": "2026-10-05",
    },
    "complaints": {"code": "A001", "date": "2026-10-12", "level": "市级"},
    "praise": {"code": "A001", "date": "2026-10-15"},
    "metrics": {"code": "A001", "month": "2026-10", "indicator": "answer_rate", "value": "0.95"},
    "adjustments": {"code": "A001", "month": "2026-10", "amount": "100"},
    "appeals": {"code": "A001", "record": "投诉", "record_date": "2026-10-12", "filed": "2026-10-13", "reason": "不认可"},
    "deductions": {"code": "A001", "month": "2026-10", "children_education": "2000"},
    "tax_opening": {"code": "A001", "year": "2026", "through_month": "9", "months": "9", "income": "72000"},
    "targets": {"code": "A001", "target": "q_premium", "period": "2026-Q4", "value": "100000"},
}

# (kind, changes to the base row for the bad row 3, column key of the problem, part of the English reason)
BAD: list[tuple[str, dict[str, object], str, str]] = [
    ("attendance", {"code": "A999"}, "code", 'unknown agent code "A999"'),
    ("qa", {"code": "B1"}, "code", "unknown agent code"),
    ("complaints", {"code": "X"}, "code", "unknown agent code"),
    ("praise", {"code": "X"}, "code", "unknown agent code"),
    ("metrics", {"code": "X", "indicator": "satisfaction"}, "code", "unknown agent code"),
    ("adjustments", {"code": "X"}, "code", "unknown agent code"),
    ("sales", {"policy_no": "P2", "code": "X"}, "code", "unknown agent code"),
    ("sales", {"policy_no": "P2", "product": "L99"}, "product", 'unknown product "L99"'),
    ("sales", {}, "policy_no", "duplicates row 2"),
    ("agents", {"code": " A050 "}, "code", "duplicates row 2"),
    ("metrics", {"value": "0.9"}, "indicator", "duplicates row 2"),
    ("agents", {"code": "A051", "base_salary": "-1"}, "base_salary", "must not be negative"),
    ("sales", {"policy_no": "P2", "premium": "-100"}, "premium", "must not be negative"),
    ("attendance", {"minutes": "-5"}, "minutes", "must not be negative"),
    ("attendance", {"type": "病假", "minutes": None, "days": "-1"}, "days", "must not be negative"),
    ("adjustments", {"amount": "0"}, "amount", "must not be 0"),
    ("qa", {"date": "2026-02-30"}, "date", 'no such date "2026-02-30"'),
    ("agents", {"code": "A051", "hire_date": "2025-13-01"}, "hire_date", "no such date"),
    ("praise", {"date": "next week"}, "date", "not a date"),
    ("sales", {"policy_no": "P2", "sign_date": "20261005x"}, "sign_date", "not a date"),
    ("attendance", {"type": "迟到早退"}, "type", 'unknown attendance type "迟到早退"'),
    ("complaints", {"level": "县级"}, "level", 'unknown complaint level "县级"'),
    ("complaints", {"status": "maybe"}, "status", "unknown complaint status"),
    ("qa", {"status": "appealed"}, "status", "unknown QA status"),
    ("attendance", {"minutes": None}, "minutes", "late needs the number of minutes"),
    ("attendance", {"type": "早退", "minutes": None}, "minutes", "early_leave needs the number of minutes"),
    ("attendance", {"minutes": "8.5"}, "minutes", "whole number above 0"),
    ("attendance", {"type": "事假", "minutes": None, "days": "0.3"}, "days", "steps of 0.5"),
    ("qa", {"score": "100.5"}, "score", "between 0 and 100"),
    ("qa", {"score": "-1"}, "score", "between 0 and 100"),
    ("qa", {"fatal": "maybe"}, "fatal", "not a yes/no value"),
    ("qa", {"scorecard": "不存在的表"}, "scorecard", "unknown scorecard"),
    ("qa", {"score": "九十"}, "score", 'not a number "九十"'),
    ("adjustments", {"amount": "abc"}, "amount", 'not a number "abc"'),
    ("metrics", {"indicator": "satisfaction", "value": "n/a"}, "value", "not a number"),
    ("agents", {"code": "A051", "base_salary": "95%"}, "base_salary", "percentage is not allowed"),
    ("metrics", {"indicator": "bogus"}, "indicator", 'unknown indicator "bogus"'),
    ("metrics", {"indicator": "satisfaction", "month": "2026-13"}, "month", "no such month"),
    ("adjustments", {"month": "October"}, "month", "not a month"),
    ("praise", {"date": "2026-09-15"}, "date", "month 2026-09 is locked"),
    ("attendance", {"date": "2026-09-15"}, "date", "month 2026-09 is locked"),
    ("adjustments", {"month": "2026-09"}, "month", "month 2026-09 is locked"),
    ("deductions", {"month": "2026-09"}, "month", "month 2026-09 is locked"),
    ("deductions", {"code": "X"}, "code", "unknown agent code"),
    ("deductions", {"housing_rent": "-1"}, "housing_rent", "must not be negative"),
    ("deductions", {}, "month", "duplicates row 2"),
    ("tax_opening", {}, "year", "duplicates row 2"),
    ("tax_opening", {"code": "A002", "through_month": "13"}, "through_month", "whole number from 1 to 12"),
    ("tax_opening", {"code": "A002", "months": "10"}, "months", "more than the through month"),
    ("tax_opening", {"code": "A002", "tax_withheld": "12.345"}, "tax_withheld", "decimal"),
    ("metrics", {"indicator": "satisfaction", "month": "2026-09"}, "month", "month 2026-09 is locked"),
    ("sales", {"policy_no": "P2", "sign_date": "2026-09-30"}, "sign_date", "month 2026-09 is locked"),
    ("attendance", {"code": "A002", "date": "2026-10-10"}, "date", "before the hire date 2026-10-16 of A002"),
    ("attendance", {"code": "A003", "date": "2026-10-25"}, "date", "after the leave date 2026-10-20 of A003"),
    ("qa", {"code": "A002", "date": "2026-10-15"}, "date", "before the hire date 2026-10-16 of A002"),
    ("qa", {"code": "A003", "date": "2026-10-21"}, "date", "after the leave date 2026-10-20 of A003"),
    (
        "sales",
        {"policy_no": "P2", "code": "A002", "sign_date": "2026-10-05"},
        "sign_date",
        "before the hire date 2026-10-16 of A002",
    ),
    (
        "sales",
        {"policy_no": "P2", "code": "A003", "sign_date": "2026-10-28"},
        "sign_date",
        "after the leave date 2026-10-20 of A003",
    ),
    ("sales", {"policy_no": "P2", "cancel_date": "2026-10-01"}, "cancel_date", "before the sign date"),
    ("agents", {"code": "A051", "leave_date": "2023-12-31"}, "leave_date", "before the hire date"),
    ("agents", {"code": "A051", "name": None}, "name", "is required but empty"),
    ("sales", {"policy_no": None}, "policy_no", "is required but empty"),
    ("targets", {"code": "X"}, "code", "unknown agent code"),
    ("targets", {"value": "200000"}, "target", "duplicates row 2"),
    ("targets", {"period": "2026-Q5"}, "period", 'not a period "2026-Q5"'),
    ("targets", {"period": "Q4"}, "period", "not a period"),
    ("targets", {"period": "2026-Q3"}, "period", "month 2026-09 is locked"),
    ("targets", {"target": "m_premium", "period": "2026-09"}, "period", "month 2026-09 is locked"),
    ("targets", {"target": "x", "value": "0"}, "value", "must be greater than 0"),
    ("targets", {"target": "x", "value": "lots"}, "value", "not a number"),
    ("targets", {"target": "x", "bonus": "-5"}, "bonus", "must not be negative"),
    ("targets", {"target": "x", "bonus": "10.005"}, "bonus", "decimal"),
]


def _ids(case: tuple[str, dict[str, object], str, str]) -> str:
    return f"{case[0]}-{case[2]}-{case[3][:20]}"


@pytest.mark.parametrize("fmt", ["csv-bom", "xlsx"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", BAD, ids=[_ids(c) for c in BAD])
def test_bad_row_gives_problem_naming_row_and_column(
    tmp_path: Path, case: tuple[str, dict[str, object], str, str], lang: str, fmt: str
) -> None:
    kind, changes, key, reason = case
    good = dict(BASE[kind])
    bad = {**good, **changes}
    path = write_file(tmp_path, kind, [good, bad], fmt=fmt, lang=lang, shuffle=7)
    result = parse_file(kind, path, CTX)
    assert not result.ok
    col = next(c for c in COLUMNS[kind] if c.key == key)
    header = col.zh if lang == "zh" else col.en
    found = [p for p in result.problems if p.row == 3 and p.column == header and reason in p.reason_en]
    assert found, result.messages("en")
    # the good row 2 is still valid and nothing else is reported against it
    assert all(p.row == 3 for p in result.problems), result.messages("en")
    assert [r.row for r in result.rows] == [2]
    # both renderings carry file, row and column
    p = found[0]
    assert p.message("zh").startswith(f"{path.name} 第3行 {header}(")
    assert p.message("en").startswith(f"{path.name} row 3, {header} (")


def test_existing_policy_in_locked_month_is_an_update(tmp_path: Path) -> None:
    row = {
        "policy_no": "P900",
        "code": "A001",
        "product": "L10",
        "premium": "9000",
        "sign_date": "2026-09-10",
        "cancel_date": "2026-10-03",
    }
    result = parse_file("sales", write_file(tmp_path, "sales", [row]), CTX)
    assert result.ok, result.messages("en")
    assert (result.adds, result.updates) == (0, 1)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_missing_required_column_named_once(tmp_path: Path, kind: str, lang: str) -> None:
    required = [c for c in COLUMNS[kind] if c.required]
    for missing in required:
        keys = [c.key for c in COLUMNS[kind] if c.key != missing.key]
        path = write_file(
            tmp_path, kind, [BASE[kind]] * 3, lang=lang, keys=keys, name=f"{kind}-{missing.key}.csv"
        )
        result = parse_file(kind, path, CTX)
        assert len(result.problems) == 1, result.messages("en")
        p = result.problems[0]
        assert (p.row, p.column, p.column_alt) == (1, missing.zh, missing.en)
        assert "required column is missing" in p.reason_en
        assert result.rows == []


def test_duplicate_column_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "praise.csv"
    path.write_text("工号,日期,code\nA001,2026-10-15,A002\n", encoding="utf-8")
    result = parse_file("praise", path, CTX)
    assert [(p.row, p.column) for p in result.problems] == [(1, "code")]


@pytest.mark.parametrize("kind", KINDS)
def test_header_only_has_no_data_rows(tmp_path: Path, kind: str) -> None:
    result = parse_file(kind, write_file(tmp_path, kind, []), CTX)
    assert [p.reason_en for p in result.problems] == ["the file has no data rows"]
    result = parse_file(kind, write_file(tmp_path, kind, [], fmt="xlsx"), CTX)
    assert [p.reason_en for p in result.problems] == ["the file has no data rows"]


@pytest.mark.parametrize("name", ["empty.csv", "empty.xlsx", "blank.csv"])
def test_empty_file_is_a_problem(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\r\n , \r\n" if name == "blank.csv" else b"")
    result = parse_file("sales", path, CTX)
    assert not result.ok and len(result.problems) == 1
    assert result.problems[0].file == name and result.problems[0].row is None


def test_empty_xlsx_workbook_is_a_problem(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "sales.xlsx", [])
    result = parse_file("sales", path, CTX)
    assert "empty" in result.problems[0].reason_en


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02garbage" * 50,
        b"PK\x03\x04not really a zip",
        bytes(range(256)) * 4,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
    ],
)
def test_non_spreadsheet_bytes_named_xlsx(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "sales.xlsx"
    path.write_bytes(data)
    result = parse_file("sales", path, CTX)
    assert not result.ok and len(result.problems) == 1
    p = result.problems[0]
    assert p.file == "sales.xlsx" and p.row is None
    assert "spreadsheet" in p.reason_en or ".xls" in p.reason_en


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    result = parse_file("sales", tmp_path / "nope.csv", CTX)
    assert not result.ok and "cannot be opened" in result.problems[0].reason_en


def test_unknown_kind_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        parse_file("salaries", tmp_path / "x.csv", CTX)


def test_all_problems_of_a_row_are_reported(tmp_path: Path) -> None:
    row = {
        "policy_no": "P5",
        "code": "A999",
        "product": "ZZ",
        "premium": "abc",
        "new_customer": "maybe",
        "sign_date": "2026-02-30",
    }
    result = parse_file("sales", write_file(tmp_path, "sales", [row], lang="en"), CTX)
    assert sorted(p.column or "" for p in result.problems) == [
        "code",
        "new_customer",
        "premium",
        "product",
        "sign_date",
    ]
