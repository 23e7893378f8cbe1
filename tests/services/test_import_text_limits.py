"""Imported and typed text is bounded and clean (issue #10): an over-long text is refused with its
file, row, column and limit, nothing written; control characters (an xlsx ``_x0000_`` escape, an
ESC in a CSV) never reach the database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select, text

from app.fields import CODE_MAX, NAME_MAX, TEXT_MAX, has_control
from app.importers import read_table
from app.services.agents import AgentInput, add_agent
from app.services.errors import ValidationFailed
from app.services.imports import ImportRefused, commit_import, preview_import
from db.models import Agent, AttendanceRecord
from db.session import Database

HEADER = ["工号", "姓名", "岗位", "团队", "底薪", "入职日期", "离职日期", "工资条密码"]


def _xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _count(db: Database, model: type) -> int:
    with db.session_scope() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_a_100000_character_name_is_refused_naming_file_row_column_and_limit(
    database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "agents.csv"
    path.write_text(
        "工号,姓名,底薪,入职日期\nA001,张三,4000,2026-01-05\nA002," + "名" * 100_000 + ",4000,2026-01-05\n",
        encoding="utf-8",
    )
    with database.session_scope() as s, pytest.raises(ImportRefused) as refused:
        commit_import(s, "agents", path)
    problems = refused.value.result.problems
    assert [(p.file, p.row, p.column) for p in problems] == [("agents.csv", 3, "姓名")]
    message = problems[0].message("en")
    assert f"at most {NAME_MAX} characters" in message and "100000 characters" in message
    assert len(message) < 400  # the name itself is not repeated in the message
    assert _count(database, Agent) == 0  # nothing written, not even the good row


def test_an_over_long_name_in_an_xlsx_is_refused_too(database: Database, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "agents.xlsx", [["A001", "名" * (NAME_MAX + 1), "", "", 4000, "2026-01-05"]])
    with database.session_scope() as s:
        result = preview_import(s, "agents", path)
    assert [(p.file, p.row, p.column) for p in result.problems] == [("agents.xlsx", 2, "姓名")]
    assert "姓名最多 50 个字符" in result.problems[0].message("zh")


@pytest.mark.parametrize(("column", "value", "limit"), [
    ("code", "A" * (CODE_MAX + 1), CODE_MAX),
    ("note", "很长的备注" * 200, TEXT_MAX),
])
def test_over_long_codes_and_notes_are_refused_in_other_kinds_too(
    database: Database, tmp_path: Path, column: str, value: str, limit: int
) -> None:
    with database.session_scope() as s:
        add_agent(s, AgentInput(code="A001", name="张三", base_salary=Decimal(4000), hire_date=date(2026, 1, 5)))
    row = {"code": "A001", "date": "2026-03-02", "type": "late", "minutes": "10", "days": "", "note": ""}
    row[column] = value
    path = tmp_path / "attendance.csv"
    path.write_text(",".join(row) + "\n" + ",".join(row.values()) + "\n", encoding="utf-8")
    with database.session_scope() as s:
        result = preview_import(s, "attendance", path)
    assert [(p.row, p.column) for p in result.problems] == [(2, column)]
    assert f"at most {limit} characters" in result.problems[0].message("en")
    with database.session_scope() as s, pytest.raises(ImportRefused):
        commit_import(s, "attendance", path)
    assert _count(database, AttendanceRecord) == 0


def test_the_service_refuses_an_over_long_name_as_the_import_does(database: Database) -> None:
    with database.session_scope() as s, pytest.raises(ValidationFailed) as refused:
        add_agent(s, AgentInput(code="A001", name="名" * (NAME_MAX + 1), base_salary=Decimal(4000),
                                hire_date=date(2026, 1, 5)))
    assert f"name is at most {NAME_MAX} characters" in refused.value.text("en")
    assert _count(database, Agent) == 0
    with database.session_scope() as s:  # exactly at the limit is fine
        add_agent(s, AgentInput(code="A001", name="名" * NAME_MAX, base_salary=Decimal(4000),
                                hire_date=date(2026, 1, 5)))


def _all_text_in_database(db: Database) -> list[str]:
    values: list[str] = []
    with db.engine.connect() as conn:
        for table in ("agents", "attendance", "audit_log"):
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                values.extend(v for v in row if isinstance(v, str))
    return values


def test_xlsx_escapes_for_nul_and_esc_never_reach_the_database(database: Database, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "agents.xlsx", [
        ["A001", "张_x0000_三_x001B_", "电话接听岗", "一_x0007_组", 4000, "2026-01-05", None, None],
    ])
    # The file really holds escapes that the spreadsheet reader turns into NUL and ESC.
    assert read_table(path).rows[0][1][1] == "张\x00三\x1b"
    with database.session_scope() as s:
        result = commit_import(s, "agents", path)
    assert [(w.row, w.column) for w in result.warnings] == [(2, "姓名"), (2, "团队")]
    assert "control characters" in result.warnings[0].message("en")  # says they were removed
    with database.session_scope() as s:
        agent = s.scalars(select(Agent)).one()
        assert (agent.name, agent.team) == ("张三", "一组")
    assert not any(has_control(v) for v in _all_text_in_database(database))


def test_an_esc_in_a_csv_never_reaches_the_database(database: Database, tmp_path: Path) -> None:
    with database.session_scope() as s:
        add_agent(s, AgentInput(code="A001", name="张三", base_salary=Decimal(4000), hire_date=date(2026, 1, 5)))
    path = tmp_path / "attendance.csv"
    path.write_bytes(
        "code,date,type,minutes,days,note\nA001,2026-03-02,late,10,,\x1b[31m堵车\x1b[0m\n".encode()
    )
    with database.session_scope() as s:
        commit_import(s, "attendance", path)
    with database.session_scope() as s:
        assert s.scalars(select(AttendanceRecord.note)).one() == "[31m堵车[0m"
    assert not any(has_control(v) for v in _all_text_in_database(database))


def test_line_breaks_in_a_cell_become_spaces_without_a_warning(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "agents.csv"
    path.write_text('code,name,base_salary,hire_date\nA001,"张\n三",4000,2026-01-05\n', encoding="utf-8")
    with database.session_scope() as s:
        result = commit_import(s, "agents", path)
    assert result.warnings == []
    with database.session_scope() as s:
        assert s.scalars(select(Agent.name)).one() == "张 三"
