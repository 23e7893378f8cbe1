"""Title rows above the header ("2026年10月保单明细", "制表人：张三") are skipped, and the user is told.

Real files only: xlsx written by openpyxl (including a merged title cell), CSV in UTF-8
and GB18030, read through ``parse_file`` and, with a real database, through the
services' ``preview_import``/``commit_import``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.importers import ImportResult, Problem, parse_file, parse_table, read_table
from app.importers.parse import header_test
from app.importers.problems import WARNING
from app.services.agents import AgentInput, add_agent
from app.services.imports import commit_import, preview_import
from app.services.setup import initialise
from db.models import Agent
from db.session import Database
from tests.importers.helpers import CTX, write_csv

SALES_HEADER = ["保单号", "工号", "产品", "保费", "签单日期"]
SALES_ROWS = [
    ["P1", "A001", "L10", "1200", "2026-10-05"],
    ["P2", "A001", "ACC1", "300.5", "2026-10-06"],
]
FORMATS = ("csv-utf8", "csv-gb18030", "xlsx")


def write(tmp_path: Path, fmt: str, rows: Sequence[Sequence[object]], name: str = "sales") -> Path:
    """Write ``rows`` (``[]`` for an empty row) as an xlsx or a CSV in the format's encoding."""
    if fmt == "xlsx":
        path = tmp_path / f"{name}.xlsx"
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        for r, cells in enumerate(rows, start=1):  # cell by cell so an empty row stays a row
            for c, value in enumerate(cells, start=1):
                ws.cell(row=r, column=c, value=value)
        wb.save(path)
        return path
    encoding = {"csv-utf8": "utf-8", "csv-gb18030": "gb18030"}[fmt]
    return write_csv(tmp_path / f"{name}.csv", rows, encoding)


def title_notes(result: ImportResult) -> list[Problem]:
    return [w for w in result.warnings if "title row" in w.reason_en]


# -- one and two title rows -----------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_title_row_is_skipped(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path, fmt, [["2026年10月保单明细"], SALES_HEADER, *SALES_ROWS])
    result = parse_file("sales", path, CTX)
    assert result.ok, result.messages("en")
    assert [(r.policy_no, r.premium, r.row) for r in result.rows] == [
        ("P1", Decimal("1200"), 3),
        ("P2", Decimal("300.5"), 4),
    ]
    [note] = title_notes(result)
    assert note.severity == WARNING and note.row == 2 and note.column is None
    assert note.reason == "跳过表头上方的 1 行标题（第1行）"
    assert note.reason_en == "skipped 1 title row above the header (row 1)"
    assert note.message("zh").startswith(f"{path.name} 第2行: 跳过表头上方的 1 行标题")
    assert "if row 2 is not the header" in note.message("en")
    assert result.warnings == [note]  # nothing else to say about this file


@pytest.mark.parametrize("fmt", FORMATS)
def test_merged_title_blank_row_and_author_row(tmp_path: Path, fmt: str) -> None:
    """Row 1 a title across the columns, row 2 empty, row 3 "制表人", header in row 4."""
    rows: list[Sequence[object]] = [
        ["2026年10月保单明细", None, None, None, None],
        [],
        ["制表人：张三", None, "日期：2026-11-02"],
        SALES_HEADER,
        *SALES_ROWS,
    ]
    path = write(tmp_path, fmt, rows)
    if fmt == "xlsx":  # a real merged title, as head office's sheets have it
        import openpyxl

        wb = openpyxl.load_workbook(path)
        wb.active.merge_cells("A1:E1")  # type: ignore[union-attr]
        wb.save(path)
    result = parse_file("sales", path, CTX)
    assert result.ok, result.messages("en")
    assert [r.row for r in result.rows] == [5, 6]
    [note] = title_notes(result)
    assert note.row == 4
    assert note.reason == "跳过表头上方的 2 行标题（第1、3行）"
    assert note.reason_en == "skipped 2 title rows above the header (rows 1, 3)"
    assert note.action_en == "if row 4 is not the header, delete the rows above the header and import again"


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
def test_both_xlsx_engines_find_the_header_under_a_merged_title(tmp_path: Path, engine: str) -> None:
    path = write(tmp_path, "xlsx", [["2026年10月保单明细"], [], SALES_HEADER, *SALES_ROWS])
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("A1:E1")  # type: ignore[union-attr]
    wb.save(path)
    t = read_table(path, engine=engine, is_header=header_test("sales"))
    assert (t.header_row, t.title_rows, t.headers) == (3, (1,), SALES_HEADER)
    assert [n for n, _ in t.rows] == [4, 5]


def test_english_headers_any_case_spacing_and_brackets(tmp_path: Path) -> None:
    header = [" Policy No ", "CODE", "产品(product)", "保费（premium）", "Sign-Date"]
    path = write(tmp_path, "csv-utf8", [["Sales October 2026", "", ""], header, *SALES_ROWS])
    result = parse_file("sales", path, CTX)
    assert result.ok, result.messages("en")
    assert [r.row for r in result.rows] == [3, 4]
    assert [n.row for n in title_notes(result)] == [2]


def test_tab_separated_file_with_a_title_line(tmp_path: Path) -> None:
    """A title line has no tab, so the separator is judged by the first line that has one."""
    path = tmp_path / "praise.txt"
    path.write_text("2026年10月表扬\n工号\t日期\t说明\nA001\t2026-10-15\t客户来电表扬\n", encoding="utf-8")
    result = parse_file("praise", path, CTX)
    assert result.ok, result.messages("en")
    assert [(r.code, r.description, r.row) for r in result.rows] == [("A001", "客户来电表扬", 3)]


# -- what is and is not a header ------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_title_with_some_header_words_is_not_the_header(tmp_path: Path, fmt: str) -> None:
    """The words "工号" and "产品" in a title row are not enough: the header names every required column."""
    rows = [["工号汇总", "工号", "产品", "保单明细"], SALES_HEADER, *SALES_ROWS]
    path = write(tmp_path, fmt, rows)
    result = parse_file("sales", path, CTX)
    assert result.ok, result.messages("en")
    assert [r.row for r in result.rows] == [3, 4]
    assert [n.row for n in title_notes(result)] == [2]
    t = read_table(path, is_header=header_test("sales"))
    assert (t.header_row, t.title_rows) == (2, (1,))


def test_header_test_needs_every_required_column() -> None:
    is_header = header_test("sales")
    assert is_header(SALES_HEADER)
    assert is_header(["", *SALES_HEADER, "客户等级", "whatever"])
    assert not is_header(["工号", "产品", "保费", "签单日期"])  # no 保单号
    assert not is_header(["2026年10月保单明细"])
    assert header_test("praise")(["code", "DATE"])


def test_header_is_looked_for_in_the_first_ten_non_empty_rows(tmp_path: Path) -> None:
    titles = [[f"说明 {i}"] for i in range(9)]
    found = write(tmp_path, "csv-utf8", [*titles, [], SALES_HEADER, *SALES_ROWS], name="nine")
    result = parse_file("sales", found, CTX)
    assert result.ok, result.messages("en")
    assert [r.row for r in result.rows] == [12, 13]
    assert title_notes(result)[0].reason_en.startswith("skipped 9 title rows above the header (rows 1, 2,")

    too_deep = write(tmp_path, "csv-utf8", [*titles, ["one more"], SALES_HEADER, *SALES_ROWS], name="ten")
    t = read_table(too_deep, is_header=header_test("sales"))
    assert (t.header_row, t.title_rows, t.headers) == (1, (), ["说明 0"])
    result = parse_file("sales", too_deep, CTX)
    assert not result.ok and title_notes(result) == []
    assert {p.row for p in result.problems} == {1}


# -- unchanged behaviour ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_title_row_is_unchanged(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path, fmt, [SALES_HEADER, *SALES_ROWS])
    t = read_table(path, is_header=header_test("sales"))
    assert (t.header_row, t.title_rows) == (1, ())
    assert t == read_table(path)
    result = parse_file("sales", path, CTX)
    assert result.ok and result.warnings == []
    assert [r.row for r in result.rows] == [2, 3]


def test_leading_empty_rows_are_not_title_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "xlsx", [[], [], SALES_HEADER, *SALES_ROWS])
    t = read_table(path, is_header=header_test("sales"))
    assert (t.header_row, t.title_rows) == (3, ())
    result = parse_file("sales", path, CTX)
    assert result.ok and result.warnings == []
    assert [r.row for r in result.rows] == [4, 5]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_valid_header_anywhere_gives_the_same_problems_as_before(tmp_path: Path, fmt: str) -> None:
    """No title rows and no row naming every required column (保费 is missing): the first row is
    the header, exactly as without title-row detection, and the data rows read while looking stay data."""
    header = ["保单号", "工号", "产品", "签单日期"]
    data = [[f"P{i}", "A001", "L10", "2026-10-05"] for i in range(12)]
    path = write(tmp_path, fmt, [header, *data])
    detected = read_table(path, is_header=header_test("sales"))
    assert detected.title_rows == ()
    assert detected == read_table(path)  # the old reading, header in the first non-empty row
    result = parse_file("sales", path, CTX)
    before = parse_table("sales", read_table(path), CTX)
    assert result.problems == before.problems and result.warnings == before.warnings
    assert [(p.row, p.column, p.reason_en) for p in result.problems] == [
        (1, "保费", "required column is missing")
    ]
    assert title_notes(result) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_header_missing_a_column_under_title_rows_is_still_found(tmp_path: Path, fmt: str) -> None:
    """Under title rows, a header lacking one required column is still the header (it names the most
    columns): the problem is that one column on the header's row, not every column on the title's."""
    header = ["保单号", "工号", "产品", "签单日期"]
    data = [[f"P{i}", "A001", "L10", "2026-10-05"] for i in range(12)]
    path = write(tmp_path, fmt, [["2026年10月保单明细"], [], header, *data])
    detected = read_table(path, is_header=header_test("sales"))
    assert (detected.header_row, detected.title_rows) == (3, (1,))
    assert [n for n, _ in detected.rows] == list(range(4, 16))  # every data row kept, none twice
    result = parse_file("sales", path, CTX)
    assert [(p.row, p.column, p.reason_en) for p in result.problems] == [
        (3, "保费", "required column is missing")
    ]
    assert len(title_notes(result)) == 1


def test_a_title_naming_one_column_does_not_win_over_the_first_row(tmp_path: Path) -> None:
    """The likeliest header must name at least two columns, and more than the first row does."""
    path = write(tmp_path, "csv-utf8", [["保单号 说明"], ["保单号", "x"], ["a", "b"]])
    assert read_table(path, is_header=header_test("sales")) == read_table(path)


# -- real row numbers -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_problems_point_at_the_real_spreadsheet_rows(tmp_path: Path, fmt: str) -> None:
    rows: list[Sequence[object]] = [
        ["2026年10月保单明细"],
        ["制表人：张三"],
        [],
        [*SALES_HEADER, "保费", "渠道"],  # a duplicate and an unknown column, reported on the header row
        ["P1", "A001", "L10", "1200", "2026-10-05"],
        [],
        ["P2", "A001", "L10", "abc", "2026-10-06"],
        ["P1", "A999", "L10", "500", "2026-10-07"],
    ]
    path = write(tmp_path, fmt, rows)
    result = parse_file("sales", path, CTX)
    assert not result.ok
    got = sorted((p.row, p.column, p.reason_en) for p in result.problems)
    assert got == [
        (4, "保费", 'same column as column 4 "保费"'),
        (7, "保费", 'not a number "abc"'),
        (8, "保单号", "duplicates row 5 (same policy number)"),
        (8, "工号", 'unknown agent code "A999"'),
    ], result.messages("en")
    assert [(w.row, w.column) for w in result.warnings] == [(4, None), (4, "渠道")]
    assert [r.row for r in result.rows] == [5]
    assert result.problems[-1].message("zh").startswith(f"{path.name} 第8行")


# -- through the services, with a real database ---------------------------------------


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    db = Database(tmp_path / "t.sqlite3")
    with db.session_scope() as s:
        initialise(s)
        add_agent(s, AgentInput("A001", "张三", Decimal(4000), date(2024, 1, 1)))
        s.flush()
        yield s
    db.dispose()


@pytest.mark.parametrize("fmt", FORMATS)
def test_preview_and_commit_skip_title_rows(session: Session, tmp_path: Path, fmt: str) -> None:
    rows: list[Sequence[object]] = [
        ["2026年11月新员工名单", None, None, None, None],
        ["制表人：李四"],
        ["工号", "姓名", "底薪", "入职日期", "团队"],
        ["B001", "王五", "3800", "2026-11-02", "一组"],
        ["B002", "赵六", "3600", "2026-11-09", "二组"],
    ]
    path = write(tmp_path, fmt, rows, name="agents")
    preview = preview_import(session, "agents", path)
    assert preview.ok, preview.messages("en")
    assert (preview.adds, preview.updates) == (2, 0)
    assert [n.reason_en for n in title_notes(preview)] == [
        "skipped 2 title rows above the header (rows 1, 2)"
    ]
    assert session.scalar(select(Agent).where(Agent.code == "B001")) is None  # a preview writes nothing

    result = commit_import(session, "agents", path)
    assert [r.row for r in result.rows] == [4, 5]
    agents = {a.code: a for a in session.scalars(select(Agent))}
    assert (agents["B001"].name, agents["B001"].team, agents["B001"].base_salary) == (
        "王五",
        "一组",
        Decimal(3800),
    )
    assert agents["B002"].hire_date == date(2026, 11, 9)


def test_preview_reports_real_rows_below_title_rows(session: Session, tmp_path: Path) -> None:
    rows: list[Sequence[object]] = [
        ["2026年3月保单明细"],
        [],
        SALES_HEADER,
        ["P1", "A001", "L10", "1200", "2026-03-05"],
        ["P2", "A002", "L10", "800", "2026-03-06"],
    ]
    path = write(tmp_path, "xlsx", rows)
    result = preview_import(session, "sales", path)
    assert [(p.row, p.column, p.reason_en) for p in result.problems] == [
        (5, "工号", 'unknown agent code "A002"')
    ]
    assert [n.row for n in title_notes(result)] == [3]
