"""Agent codes ignore upper/lower case everywhere (issue #10): ``a001`` in a file or a form is the
stored ``A001``, never a second agent whose payslip file would collide with the first on Windows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.fields import code_key
from app.services.agents import AgentInput, add_agent, edit_agent, get_agent
from app.services.errors import ValidationFailed
from app.services.imports import commit_import, preview_import
from db.models import Agent, AttendanceRecord
from db.session import Database

AGENTS_HEADER = "code,name,role,team,base_salary,hire_date,leave_date,payslip_password\n"


def _add(db: Database, code: str = "A001", name: str = "张三") -> None:
    with db.session_scope() as s:
        add_agent(s, AgentInput(code=code, name=name, base_salary=Decimal(4000), hire_date=date(2026, 1, 5)))


def test_code_key_ignores_case_and_surrounding_spaces() -> None:
    assert code_key(" a001 ") == code_key("A001") == "a001"
    assert code_key("Ａ1") != code_key("A1")  # full-width letters are other characters, not another case


def test_a_lower_case_code_in_an_agents_file_updates_the_stored_agent(database: Database, tmp_path: Path) -> None:
    _add(database)
    path = tmp_path / "agents.csv"
    path.write_text(AGENTS_HEADER + "a001,张三丰,,,4500,2026-01-05,,\n", encoding="utf-8")
    with database.session_scope() as s:
        preview = preview_import(s, "agents", path)
    assert preview.ok and (preview.adds, preview.updates) == (0, 1)
    with database.session_scope() as s:
        result = commit_import(s, "agents", path)
    assert (result.adds, result.updates) == (0, 1)
    with database.session_scope() as s:
        agents = s.scalars(select(Agent)).all()
        assert [(a.code, a.name, a.base_salary) for a in agents] == [("A001", "张三丰", Decimal(4500))]


def test_a_file_naming_one_code_in_two_cases_is_refused(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "agents.csv"
    path.write_text(AGENTS_HEADER + "A7,甲,,,4000,2026-01-05,,\na7,乙,,,4000,2026-01-05,,\n", encoding="utf-8")
    with database.session_scope() as s:
        result = preview_import(s, "agents", path)
    assert [(p.row, p.column) for p in result.problems] == [(3, "code")]
    assert "duplicates row 2" in result.problems[0].message("en")


def test_adding_a001_when_A001_exists_is_refused_as_a_duplicate(database: Database) -> None:
    _add(database)
    with pytest.raises(ValidationFailed) as refused:
        _add(database, code="a001", name="李四")
    assert "already exists" in refused.value.text("en") and "A001" in refused.value.text("en")
    with database.session_scope() as s:
        assert s.scalar(select(func.count()).select_from(Agent)) == 1


def test_renaming_an_agent_onto_another_code_in_another_case_is_refused(database: Database) -> None:
    _add(database)
    _add(database, code="B002", name="李四")
    with database.session_scope() as s, pytest.raises(ValidationFailed, match="已存在"):
        edit_agent(s, "B002", AgentInput(code="a001", name="李四", base_salary=Decimal(4000),
                                         hire_date=date(2026, 1, 5)))
    with database.session_scope() as s:  # changing only the case of one's own code is allowed
        edit_agent(s, "b002", AgentInput(code="b002", name="李四", base_salary=Decimal(4000),
                                         hire_date=date(2026, 1, 5)))
        assert get_agent(s, "B002").code == "b002"


def test_services_find_an_agent_by_code_in_any_case(database: Database) -> None:
    _add(database)
    with database.session_scope() as s:
        assert get_agent(s, " a001").code == "A001"


def test_the_database_itself_refuses_two_codes_differing_only_by_case(database: Database) -> None:
    _add(database)
    with pytest.raises(IntegrityError, match="UNIQUE"), database.session_scope() as s:
        s.add(Agent(code="a001", name="李四", base_salary=Decimal(1), hire_date=date(2026, 1, 1)))
        s.flush()


def test_an_attendance_file_with_a_lower_case_code_is_written_to_the_stored_agent(
    database: Database, tmp_path: Path
) -> None:
    _add(database)
    path = tmp_path / "attendance.csv"
    path.write_text("code,date,type,minutes,days,note\na001,2026-03-02,late,10,,\n", encoding="utf-8")
    with database.session_scope() as s:
        commit_import(s, "attendance", path)
    with database.session_scope() as s:
        record = s.scalars(select(AttendanceRecord)).one()
        assert s.get(Agent, record.agent_id).code == "A001"  # type: ignore[union-attr]


def test_the_command_line_agent_option_ignores_case(tmp_path: Path) -> None:
    from app.cli import main
    from tests.reports.conftest import build_example

    db = build_example(tmp_path / "db")
    db.dispose()
    out = tmp_path / "one"
    code = main(["--db", str(db.path), "payslips", "--month", "2026-10", "--out", str(out), "--agent", "a003"])
    assert code == 0
    written = list(out.iterdir())
    assert len(written) == 1 and "A003" in written[0].name  # A003's payslip, found by "a003"


def test_an_attendance_cell_typed_for_a_lower_case_code_lands_on_the_stored_agent(database: Database) -> None:
    from app.services.attendance import set_cell
    from app.services.setup import initialise

    with database.session_scope() as s:
        initialise(s)
    _add(database)
    with database.session_scope() as s:
        set_cell(s, "2026-03", "a001", date(2026, 3, 2), "迟到10")
    with database.session_scope() as s:
        record = s.scalars(select(AttendanceRecord)).one()
        assert s.get(Agent, record.agent_id).code == "A001"  # type: ignore[union-attr]
