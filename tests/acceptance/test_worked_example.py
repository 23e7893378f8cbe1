"""docs/pay-rules.md §6 through the command line: files in, ``payroll show --json`` out, to the cent."""

from __future__ import annotations

import tomllib
from decimal import Decimal

from tests.acceptance.conftest import EXAMPLE, Cli

EXPECTED = tomllib.loads((EXAMPLE / "expected.toml").read_text(encoding="utf-8"))


def test_worked_example_to_the_cent(example_db: Cli) -> None:
    month = EXPECTED["month"]
    example_db("payroll", "run", "--month", month)
    data = example_db("payroll", "show", "--month", month, "--json").json()
    assert data["month"] == month
    assert data["status"] == "calculated"
    assert data["plan"]["effective_from"] == "2026-01"
    agents = {a["code"]: a for a in data["agents"]}
    assert set(agents) == set(EXPECTED["agents"])
    for code, want in EXPECTED["agents"].items():
        got = agents[code]
        lines = {line["code"]: line["amount"] for line in got["lines"]}
        assert lines == want["lines"], code
        assert got["net"] == want["net"], code
        for key, value in want["facts"].items():
            assert str(got["facts"][key]) == str(value), (code, key)
        assert Decimal(got["net"]) == sum(Decimal(v) for v in lines.values())
        assert Decimal(got["gross"]) + Decimal(got["deductions"]) == Decimal(got["net"])
        for line in got["lines"]:
            assert line["detail"], (code, line["code"])
    total = sum(Decimal(a["net"]) for a in data["agents"])
    assert data["totals"]["net"] == f"{total:.2f}" == "14591.91"


def test_show_before_run_fails_with_a_reason(example_db: Cli) -> None:
    result = example_db("payroll", "show", "--month", "2026-10", "--json", ok=False)
    assert result.code != 0
    assert "2026-10" in result.err and len(result.err.strip().splitlines()) == 1


def test_lock_then_changes_are_refused_and_unlock_needs_latest(example_db: Cli, tmp_path) -> None:
    example_db("payroll", "run", "--month", "2026-10")
    example_db("payroll", "lock", "--month", "2026-10")
    assert example_db("payroll", "show", "--month", "2026-10", "--json").json()["status"] == "locked"
    refused = example_db("payroll", "run", "--month", "2026-10", ok=False)
    assert refused.code != 0 and "2026-10" in refused.err
    late = tmp_path / "late.csv"
    late.write_text("工号,日期,类型,分钟\nA001,2026-10-20,迟到,5\n", encoding="utf-8")
    refused = example_db("import", "attendance", late, ok=False)
    assert refused.code != 0 and "2026-10" in refused.err
    example_db("payroll", "unlock", "--month", "2026-10", "--reason", "补录考勤")
    example_db("import", "attendance", late)
    example_db("payroll", "run", "--month", "2026-10")
    data = example_db("payroll", "show", "--month", "2026-10", "--json").json()
    a001 = next(a for a in data["agents"] if a["code"] == "A001")
    assert {line["code"]: line["amount"] for line in a001["lines"]}["attendance_penalty"] == "-40.00"


def test_clawback_of_a_policy_cancelled_after_its_month_was_locked(example_db: Cli, tmp_path) -> None:
    example_db("payroll", "run", "--month", "2026-10")
    example_db("payroll", "lock", "--month", "2026-10")
    cancel = tmp_path / "cancel.csv"
    cancel.write_text(
        "保单号,工号,产品,保费,客户等级,新客户,签单日期,撤单日期\n"
        "P-1001,A001,L10,40000,VIP,是,2026-10-09,2026-11-05\n", encoding="utf-8")
    example_db("import", "sales", cancel)
    example_db("payroll", "run", "--month", "2026-11")
    data = example_db("payroll", "show", "--month", "2026-11", "--json").json()
    a001 = next(a for a in data["agents"] if a["code"] == "A001")
    lines = {line["code"]: line["amount"] for line in a001["lines"]}
    # What P-1001 paid in October: 40000 × (1606/70200) × 1.1 + 40000 × 0.5% × 1.1, rounded, + 50 new-customer bonus
    paid = (Decimal(40000) * (Decimal(1606) / Decimal(70200)) * Decimal("1.1")
            + Decimal(40000) * Decimal("0.005") * Decimal("1.1")).quantize(Decimal("0.01")) + 50
    assert lines["clawback"] == f"{-paid:.2f}"
    # A change to anything but the cancel date of a locked month's policy is refused.
    bad = tmp_path / "bad.csv"
    bad.write_text("policy_no,code,product,premium,sign_date\nP-1002,A001,L10,99999,2026-10-14\n", encoding="utf-8")
    refused = example_db("import", "sales", bad, ok=False)
    assert refused.code != 0 and "P-1002" in refused.err
