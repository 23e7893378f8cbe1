"""docs/pay-rules.md §8.5 (worked example 2) through the command line: a quarter of a schema-2 plan with two
posts, a quarterly target and a quarterly award — files in, each month run, checked to the cent and locked."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

from tests.acceptance.conftest import Cli

EXAMPLE = Path(__file__).resolve().parent / "worked_example_2"
EXPECTED = tomllib.loads((EXAMPLE / "expected.toml").read_text(encoding="utf-8"))["months"]


def _check_month(cli: Cli, month: str) -> dict[str, dict]:
    cli("payroll", "run", "--month", month)
    data = cli("payroll", "show", "--month", month, "--json").json()
    assert data["month"] == month and data["status"] == "calculated"
    assert data["plan"] == {"name": "示例二：两个岗位的季度方案", "effective_from": "2026-10"}
    want_month = EXPECTED[month]
    agents = {a["code"]: a for a in data["agents"]}
    assert set(agents) == set(want_month["agents"]), month
    for code, want in want_month["agents"].items():
        got = agents[code]
        lines = {line["code"]: line["amount"] for line in got["lines"]}
        assert lines == want["lines"], (month, code)
        assert got["net"] == want["net"], (month, code)
        assert got["scope"] == want["facts"]["scope"], (month, code)
        for key, value in want["facts"].items():
            assert str(got["facts"][key]) == str(value), (month, code, key)
        assert got["facts"]["indicator_scores"] == want["scores"], (month, code)
        assert Decimal(got["net"]) == sum(Decimal(v) for v in lines.values())
        for line in got["lines"]:
            assert line["detail"] and "-0 " not in line["detail"], (month, code, line)
    assert data["totals"]["net"] == want_month["net"] == f"{sum(Decimal(a['net']) for a in data['agents']):.2f}"
    return agents


def test_worked_example_2_quarter_to_the_cent(cli: Cli) -> None:
    cli("init")
    cli("plan", "import", EXAMPLE / "plan.toml")
    for kind in ("agents", "sales", "qa", "metrics", "attendance", "complaints", "targets"):
        cli("import", kind, EXAMPLE / f"{kind}.csv")

    _check_month(cli, "2026-10")
    cli("payroll", "lock", "--month", "2026-10")
    # Q-202 is cancelled after October is locked: November claws back what it paid in October.
    cli("import", "sales", EXAMPLE / "cancel.csv")
    refused = cli("payroll", "run", "--month", "2026-12", ok=False)
    assert refused.code == 1 and "2026-11" in refused.err  # the quarter's last month waits for November

    nov = _check_month(cli, "2026-11")
    assert nov["B002"]["lines"][-1]["detail"] == "−(撤单 Q-202(2026-10) 96.00) = −96.00"
    cli("payroll", "lock", "--month", "2026-11")

    dec = _check_month(cli, "2026-12")
    details = {(code, line["code"]): line["detail"] for code, a in dec.items() for line in a["lines"]}
    assert details["B002", "period_award"] == (
        "季度优胜 2026-Q4：2026-10 K 98.40、2026-11 K 90.00、2026-12 K 101.20，平均 96.53；"
        "前 25%：2 人参评，取 1 名，分界 96.53 → 800.00")
    assert details["B001", "target_bonus"] == (
        "季度保费目标 2026-Q4：季度标准保费 65500.00 / 目标 60000.00 = 109.17% → 1 × 1000.00")
    assert details["B002", "target_bonus"].endswith("31000.00 / 目标 35000.00 = 88.57% → 0.5 × 1000.00")
    assert details["B004", "target_bonus"].endswith("27000.00 / 目标 30000.00 = 90.00% → 0.5 × 600.00")
    assert dec["B001"]["facts"]["indicator_details"]["calls"] == "接听量 1450 / 本组最高 1500 × 100 = 96.67"
    assert dec["B001"]["facts"]["indicator_details"]["absence"] == "缺勤：旷工 0 × −5 = 0 → 100"
    cli("payroll", "lock", "--month", "2026-12")
    assert cli("payroll", "show", "--month", "2026-12", "--json").json()["status"] == "locked"
