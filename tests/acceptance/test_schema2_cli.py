"""A schema-2 plan through the command line: import, calculate, ``payroll show --json`` names each
agent's scope, and ``plan export`` gives back a file that imports to the same plan."""

from __future__ import annotations

from pathlib import Path

from app.plan.toml_io import load_plan

from .conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
# The part-one worked example's plan with one scope: 电话回访岗 (A002's role) gets its own KPI table.
SCOPE = """
[[scopes]]
code = "callback"
name = "电话回访岗"
roles = ["电话回访岗"]

[scopes.kpi]
standard = 80
bonus_from = 90
bonus_per_point = 50
deduction_per_point = 50
indicators = [ { code = "answer_rate", name = "接通率", weight = 1, kind = "bands", bands = [ { min = 0.9, score = 100 }, { min = 0, score = 90 } ] } ]

[[scopes]]
code = "nobody"
name = "无人岗"
teams = ["不存在的组"]
"""


def _plan_text() -> str:
    text = (ROOT / "resources" / "default_plan.toml").read_text(encoding="utf-8")
    assert "schema = 1" in text
    return text.replace("schema = 1", "schema = 2") + SCOPE


def test_scope_in_show_json_and_export_round_trip(example_db: Cli, tmp_path: Path) -> None:
    plan_file = tmp_path / "v2.toml"
    plan_file.write_text(_plan_text(), encoding="utf-8")
    example_db("plan", "import", plan_file)
    run = example_db("payroll", "run", "--month", "2026-10")
    assert "nobody" in run.err  # the scope that matches nobody is a warning of the month
    data = example_db("payroll", "show", "--month", "2026-10", "--json").json()
    agents = {a["code"]: a for a in data["agents"]}
    assert {code: a["scope"] for code, a in agents.items()} == {
        "A001": None,
        "A002": "callback",
        "A003": None,
    }
    # A002: answer_rate 0.93 ≥ 0.9 → 100 in its scope's table → K 100 → (100 − 80) × 50 = 1000.00
    assert agents["A002"]["facts"]["kpi_score"] == "100.00"
    kpi = next(line for line in agents["A002"]["lines"] if line["code"] == "kpi")
    assert kpi["amount"] == "1000.00" and "接通率 0.93 ≥ 0.9 → 100" in kpi["detail"]
    assert agents["A002"]["facts"]["scope_name"] == "电话回访岗"
    assert "scope" not in agents["A001"]["facts"]
    # A001 keeps the top-level table and its part-one figures.
    assert agents["A001"]["net"] == "7502.04"

    out = tmp_path / "exported.toml"
    example_db("plan", "export", "--month", "2026-10", "--out", out)
    assert load_plan(out.read_text(encoding="utf-8")) == load_plan(_plan_text())


def test_a_schema_1_month_shows_scope_null(example_db: Cli) -> None:
    example_db("payroll", "run", "--month", "2026-10")
    data = example_db("payroll", "show", "--month", "2026-10", "--json").json()
    assert [a["scope"] for a in data["agents"]] == [None, None, None]
    assert all("scope" not in a["facts"] and "indicator_details" not in a["facts"] for a in data["agents"])
