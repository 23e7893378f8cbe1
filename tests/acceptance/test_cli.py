"""The command line's promises: init, imports all-or-nothing, demo, plan import/export, exit codes."""

from __future__ import annotations

import sqlite3
import tomllib
from decimal import Decimal
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
    lines = result.err.strip().splitlines()
    assert "个问题" in lines[0] and "第" not in lines[0]  # the count, then each problem once
    assert len(lines) == len(set(lines))
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


def test_payslips_and_export_commands(example_db: Cli, tmp_path: Path) -> None:
    from decimal import Decimal

    import openpyxl
    from pypdf import PdfReader

    early = example_db("export", "--month", "2026-10", "--out", tmp_path / "early.xlsx", ok=False)
    assert early.code != 0 and "2026-10" in early.err and len(early.err.strip().splitlines()) == 1
    assert not (tmp_path / "early.xlsx").exists()

    example_db("payroll", "run", "--month", "2026-10")
    shown = example_db("payroll", "show", "--month", "2026-10", "--json").json()

    slips = tmp_path / "slips"
    result = example_db("payslips", "--month", "2026-10", "--out", slips)
    names = sorted(p.name for p in slips.iterdir())
    assert names == ["2026-10_A001_张三.pdf", "2026-10_A002_李四.pdf", "2026-10_A003_王五.pdf"]
    assert all(name in result.out for name in names)
    text = "".join(PdfReader(slips / names[0]).pages[0].extract_text().split())
    assert "张三" in text and "7502.04" in text

    one = tmp_path / "one"
    example_db("payslips", "--month", "2026-10", "--out", one, "--agent", "A003")
    assert [p.name for p in one.iterdir()] == ["2026-10_A003_王五.pdf"]
    combined = tmp_path / "combined"
    example_db("payslips", "--month", "2026-10", "--out", combined, "--combined")
    assert len(PdfReader(next(combined.iterdir())).pages) == 3
    two_up = tmp_path / "two_up"
    example_db("payslips", "--month", "2026-10", "--out", two_up, "--combined", "--two-up")
    sheets = PdfReader(next(two_up.iterdir())).pages
    assert len(sheets) == 2  # two A5 slips on each A4 sheet: ceil(3 / 2)
    assert sorted(float(v) for v in sheets[0].mediabox[2:]) == [595.2756, 841.8898]  # A4
    both = "".join(sheets[0].extract_text().split())
    assert "张三" in both and "7502.04" in both and "李四" in both and "2997.97" in both
    alone = example_db("payslips", "--month", "2026-10", "--out", tmp_path / "alone", "--two-up", ok=False)
    assert alone.code != 0 and "--combined" in alone.err and not (tmp_path / "alone").exists()

    refused = example_db("payslips", "--month", "2026-10", "--out", tmp_path / "enc", "--encrypt", ok=False)
    assert refused.code != 0 and len(refused.err.strip().splitlines()) == 1
    assert all(code in refused.err for code in ("A001", "A002", "A003"))
    assert not (tmp_path / "enc").exists() or not any((tmp_path / "enc").iterdir())
    unknown = example_db("payslips", "--month", "2026-10", "--out", tmp_path / "x", "--agent", "Z9", ok=False)
    assert unknown.code != 0 and "Z9" in unknown.err

    xlsx = tmp_path / "summary.xlsx"
    assert str(xlsx) in example_db("export", "--month", "2026-10", "--out", xlsx).out
    ws = openpyxl.load_workbook(xlsx)["汇总"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    by_code = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    for agent in shown["agents"]:
        assert Decimal(str(by_code[agent["code"]]["实发金额"])).quantize(Decimal("0.01")) == Decimal(agent["net"])
    assert Decimal(str(by_code["合计"]["实发金额"])).quantize(Decimal("0.01")) == Decimal(shown["totals"]["net"])


def test_payroll_verify_says_whether_the_result_still_matches_the_records(example_db: Cli, tmp_path: Path) -> None:
    refused = example_db("payroll", "verify", "--month", "2026-10", ok=False)  # nothing calculated yet
    assert refused.code != 0 and "2026-10" in refused.err
    example_db("payroll", "run", "--month", "2026-10")
    current = example_db("payroll", "verify", "--month", "2026-10", "--json").json()
    assert current == {"month": "2026-10", "current": True, "agents": []}

    late = tmp_path / "late.csv"  # a day of personal leave for 张三, entered after the calculation
    late.write_text("工号,日期,类型,分钟,天数,备注\nA001,2026-10-21,事假,,1,补录\n", encoding="utf-8")
    example_db("import", "attendance", late)
    stale = example_db("payroll", "verify", "--month", "2026-10", "--json").json()
    assert stale["current"] is False
    (agent,) = stale["agents"]
    assert (agent["code"], agent["net_before"]) == ("A001", "7502.04")
    (line,) = [x for x in agent["lines"] if x["code"] == "leave"]
    assert line["before"] == "0.00" and Decimal(line["after"]) < 0  # a new leave deduction
    assert Decimal(agent["net_after"]) - Decimal(agent["net_before"]) == sum(
        Decimal(x["after"]) - Decimal(x["before"]) for x in agent["lines"]
    )
    assert "A001" in example_db("payroll", "verify", "--month", "2026-10").out

    example_db("payroll", "run", "--month", "2026-10")
    shown = example_db("payroll", "show", "--month", "2026-10", "--json").json()
    recalculated = next(a for a in shown["agents"] if a["code"] == "A001")
    assert recalculated["net"] == agent["net_after"]  # verify predicted what the recalculation stored
    assert example_db("payroll", "verify", "--month", "2026-10", "--json").json()["current"] is True
