"""An import is read before the write lock and checked inside it (issue #10): what the rows were
checked against when the file was read is never trusted at the time of writing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services.agents import AgentInput, add_agent
from app.services.imports import ImportRefused, commit_import, read_import
from app.services.payroll import lock_month
from db.models import Policy
from db.session import Database
from tests.reports.conftest import build_example

SALES = (
    "policy_no,code,product,premium,customer_level,new_customer,sign_date,cancel_date\n"
    "P-9001,A001,L10,50000,,yes,2026-10-20,\n"
)


@pytest.fixture
def calculated(tmp_path: Path) -> Iterator[Database]:
    db = build_example(tmp_path / "example", calculate=True)
    yield db
    db.dispose()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _policies(db: Database) -> int:
    with db.session_scope() as s:
        return int(s.scalar(select(func.count(Policy.id))))  # type: ignore[arg-type]


def test_a_month_locked_after_the_file_was_read_refuses_the_import(calculated: Database, tmp_path: Path) -> None:
    path = _write(tmp_path / "sales.csv", SALES)
    with calculated.session_scope() as s:
        read = read_import("sales", path, s)
    assert read.checked is not None and read.checked[1].ok  # fine when it was read: 2026-10 was open
    before = _policies(calculated)
    with calculated.session_scope(write=True) as s:
        lock_month(s, "2026-10")

    with pytest.raises(ImportRefused) as caught, calculated.session_scope(write=True) as s:
        commit_import(s, "sales", path, read=read)

    assert "month 2026-10 is locked" in caught.value.result.problems[0].message("en")
    assert _policies(calculated) == before


def test_an_agent_added_after_the_file_was_read_is_known_when_it_is_written(
    calculated: Database, tmp_path: Path
) -> None:
    path = _write(tmp_path / "sales.csv", SALES.replace("P-9001,A001", "P-9001,B009"))
    with calculated.session_scope() as s:
        read = read_import("sales", path, s)
    assert read.checked is not None and not read.checked[1].ok  # B009 unknown then
    with calculated.session_scope(write=True) as s:
        add_agent(s, AgentInput(code="B009", name="新人", base_salary=Decimal("3000"), hire_date=date(2026, 10, 1)))

    with calculated.session_scope(write=True) as s:
        result = commit_import(s, "sales", path, read=read)
    assert result.adds == 1


def test_the_file_is_not_read_again_inside_the_write_lock(calculated: Database, tmp_path: Path) -> None:
    path = _write(tmp_path / "sales.csv", SALES)
    with calculated.session_scope() as s:
        read = read_import("sales", path, s)
    path.unlink()
    before = _policies(calculated)
    with calculated.session_scope(write=True) as s:
        commit_import(s, "sales", path, read=read)
    assert _policies(calculated) == before + 1
