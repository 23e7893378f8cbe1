"""``branchpay import agents`` after a month was locked (issue #10): agents hired on 3–12 November
after November was locked used to be accepted, and nobody was then paid for those days."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.services.payroll import calculate_month, lock_month
from tests.acceptance.conftest import Cli
from tests.reports.conftest import build_example

HEADER = "工号,姓名,岗位,团队,底薪,入职日期,离职日期\n"


@pytest.fixture
def locked_cli(tmp_path: Path) -> Cli:
    """The worked example with 2026-10 and 2026-11 calculated and locked."""
    db = build_example(tmp_path / "example", calculate=True)
    with db.session_scope(write=True) as s:
        lock_month(s, "2026-10")
    with db.session_scope(write=True) as s:
        calculate_month(s, "2026-11")
    with db.session_scope(write=True) as s:
        lock_month(s, "2026-11")
    db.dispose()
    return Cli(db.path)


def _agents(db: Path) -> dict[str, tuple[str, str, str | None]]:
    with sqlite3.connect(db) as conn:
        return {code: (name, hire, leave) for code, name, hire, leave
                in conn.execute("SELECT code, name, hire_date, leave_date FROM agents")}


def test_agents_hired_in_a_locked_month_are_refused_with_how_to_pay_them(locked_cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "new_agents.csv"
    path.write_text(HEADER + "A001,张三三,电话接听岗,接听二组,4000,2025-03-01,\n"
                    "B001,赵六,电话回访岗,回访一组,3500,2026-11-03,2026-11-12\n", encoding="utf-8")
    before = _agents(locked_cli.db)

    result = locked_cli("--lang", "en", "import", "agents", path, ok=False)

    assert result.code != 0
    assert "nothing was imported" in result.err
    line = next(line for line in result.err.splitlines() if "row 3" in line)
    assert "hire date" in line and "B001" in line and "2026-11" in line
    assert "adjustment in 2026-12" in line and "unlock the latest locked month 2026-11" in line
    assert _agents(locked_cli.db) == before

    zh = locked_cli("import", "agents", path, ok=False)
    assert "第3行" in zh.err and "B001" in zh.err and "调整项" in zh.err and "解锁最近锁定的月份 2026-11" in zh.err


def test_a_leave_date_moved_into_a_locked_month_is_refused_and_one_after_it_accepted(
    locked_cli: Cli, tmp_path: Path
) -> None:
    inside = tmp_path / "leave_inside.csv"
    inside.write_text(HEADER + "A003,王五,电话咨诉岗,咨诉三组,4200,2024-01-01,2026-11-20\n", encoding="utf-8")
    refused = locked_cli("--lang", "en", "import", "agents", inside, ok=False)
    assert refused.code != 0 and "row 2" in refused.err and "leave date" in refused.err and "A003" in refused.err
    assert _agents(locked_cli.db)["A003"][2] is None

    after = tmp_path / "leave_after.csv"
    after.write_text(HEADER + "A003,王五,电话咨诉岗,咨诉三组,4200,2024-01-01,2026-12-20\n"
                     "B001,赵六,电话回访岗,回访一组,3500,2026-12-03,\n", encoding="utf-8")
    locked_cli("import", "agents", after)
    agents = _agents(locked_cli.db)
    assert agents["A003"][2] == "2026-12-20" and agents["B001"][1] == "2026-12-03"
