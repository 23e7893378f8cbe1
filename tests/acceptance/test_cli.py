"""The command line's promises: init, imports all-or-nothing, demo, plan import/export, exit codes."""

from __future__ import annotations

import sqlite3
import tomllib
from pathlib import Path

from tests.acceptance.conftest import EXAMPLE, Cli


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_help_and_version(cli: Cli) -> None:
    assert "payroll" in cli("--help").out
    assert "branchpay" in cli("--version").out


def test_init_creates_default_plan_and_scorecards(cli: Cli) -> None:
    cli("init")
    assert _count(cli.db, "plan_versions") == 1
    assert _count(cli.db, "scorecards") == 3


def test_bad_agents_file_is_refused_and_nothing_written(cli: Cli, tmp_path: Path) -> None:
    cli("init")
    bad = tmp_path / "agents.csv"
    bad.write_text("工号,姓名,底薪,入职日期\nB1,甲,3000,2026-01-01\nB2,乙,-5,2026-01-01\nB1,丙,3000,2026-02-30\n",
                   encoding="utf-8")
    result = cli("import", "agents", bad, ok=False)
    assert result.code != 0
    assert "第3行" in result.err and "第4行" in result.err
    assert _count(cli.db, "agents") == 0


def test_reimport_agents_updates(cli: Cli, tmp_path: Path) -> None:
    cli("init")
    cli("import", "agents", EXAMPLE / "agents.csv")
    again = tmp_path / "agents.csv"
    again.write_text("code,name,base_salary,hire_date\nA001,张三,4100,2025-03-01\n", encoding="gb18030")
    out = cli("import", "agents", again).out
    assert "1" in out
    with sqlite3.connect(cli.db) as conn:
        assert conn.execute("SELECT base_salary FROM agents WHERE code='A001'").fetchone()[0] == "4100"
    assert _count(cli.db, "agents") == 3


def test_plan_export_import_round_trip(cli: Cli, tmp_path: Path) -> None:
    cli("init")
    out = tmp_path / "plan.toml"
    cli("plan", "export", "--month", "2026-10", "--out", out)
    plan = tomllib.loads(out.read_text(encoding="utf-8"))
    assert plan["effective_from"] == "2026-01"
    text = out.read_text(encoding="utf-8").replace('effective_from = "2026-01"', 'effective_from = "2026-11"')
    newer = tmp_path / "newer.toml"
    newer.write_text(text.replace("new_customer_bonus = 50", "new_customer_bonus = 80"), encoding="utf-8")
    cli("plan", "import", newer)
    cli("plan", "export", "--month", "2026-12", "--out", out)
    assert tomllib.loads(out.read_text(encoding="utf-8"))["commission"]["new_customer_bonus"] == 80


def test_bad_plan_is_refused_naming_the_key(cli: Cli, tmp_path: Path) -> None:
    cli("init")
    out = tmp_path / "plan.toml"
    cli("plan", "export", "--month", "2026-10", "--out", out)
    bad = tmp_path / "bad.toml"
    bad.write_text(out.read_text(encoding="utf-8").replace("[pay]", "[pay]\ncolour = 1"), encoding="utf-8")
    result = cli("plan", "import", bad, ok=False)
    assert result.code != 0 and "pay.colour" in result.err


def test_demo_then_payroll_for_last_demo_month(cli: Cli) -> None:
    from app.services.demo import demo_months

    cli("init")
    cli("demo")
    assert _count(cli.db, "agents") >= 20
    month = demo_months()[-1]
    cli("payroll", "run", "--month", month)
    data = cli("payroll", "show", "--month", month, "--json").json()
    assert len(data["agents"]) >= 20
    assert any(line["code"] == "commission" for a in data["agents"] for line in a["lines"])
    refused = cli("demo", ok=False)
    assert refused.code != 0


def test_not_yet_available_commands_say_so(cli: Cli, tmp_path: Path) -> None:
    cli("init")
    result = cli("export", "--month", "2026-10", "--out", tmp_path / "x.xlsx", ok=False)
    assert result.code != 0 and result.err.strip()
