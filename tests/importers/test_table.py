"""read_table: encodings, formats, row numbering, and the two xlsx engines agreeing."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from app.importers import Problem, TableError, read_table
from tests.importers.helpers import write_xlsx

TEXT = '工号,姓名,备注\nA001,张三,“引号”与，逗号\nA002,李四,"含,逗号"\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(TEXT.encode(encoding))
    t = read_table(path)
    assert t.file == "a.csv"
    assert t.headers == ["工号", "姓名", "备注"]
    assert t.rows == [(2, ["A001", "张三", "“引号”与，逗号"]), (3, ["A002", "李四", "含,逗号"])]


def test_tab_separated_text(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("code\tdate\nA001\t2026-10-01\n", encoding="utf-8")
    assert read_table(path).rows == [(2, ["A001", "2026-10-01"])]


def test_csv_that_is_really_xlsx(tmp_path: Path) -> None:
    """Users rename files; the content decides."""
    src = write_xlsx(tmp_path / "a.xlsx", [["code"], ["A001"]])
    renamed = tmp_path / "a.csv"
    renamed.write_bytes(src.read_bytes())
    assert read_table(renamed).rows == [(2, ["A001"])]


def test_quoted_multiline_cell_is_one_row(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('code,note\nA001,"line1\nline2"\nA002,x\n', encoding="utf-8")
    assert [n for n, _ in read_table(path).rows] == [2, 3]


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
def test_xlsx_numbering_types_and_leading_blank_rows(tmp_path: Path, engine: str) -> None:
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            [None, None],
            ["code", "when", "n", "flag"],
            ["A001", date(2026, 10, 1), 0.1, True],
            [None, None, None, None],
            ["A002", datetime(2026, 10, 2, 9, 30), 4000, None],
        ],
    )
    t = read_table(path, engine=engine)
    assert t.header_row == 2
    assert t.headers == ["code", "when", "n", "flag"]
    numbers = [n for n, _ in t.rows]
    assert numbers == [3, 5]
    first = t.rows[0][1]
    assert first[0] == "A001" and first[1] == date(2026, 10, 1) and first[2] == 0.1 and first[3] is True
    second = t.rows[1][1]
    assert isinstance(second[1], datetime) and second[2] == 4000


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.csv", b""),
        ("a.xlsx", b""),
        ("a.xlsx", b"hello, world\n"),
        ("a.xlsx", b"PK\x03\x04" + b"\x00" * 64),
        ("a.csv", b"\x00\x01\x02\x03" * 100),
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
    ],
)
def test_unreadable_files_raise_table_error_with_problem(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(TableError) as info:
        read_table(path)
    problem = info.value.problem
    assert isinstance(problem, Problem) and problem.file == name and problem.is_error
    assert problem.message("zh") and problem.message("en")
