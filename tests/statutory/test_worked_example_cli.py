"""docs/pay-rules.md §9.5 worked example, through the real command line.

B: base 10,000, SI base 5,000 (SI 400.00 + 103.00 + 25.00 = 528.00, HF 350.00: 878.00 a month);
opening balance through September: 9 months, income 72,000, SI+HF 7,200, special 18,000, tax 54.00.
  Oct: 82,000 − 5,000×10 − 8,078 − 18,000 = 5,922.00 × 3% = 177.66; less 54.00     → 123.66
  Nov: 92,000 − 5,000×11 − 8,956 − 18,000 = 10,044.00 × 3% = 301.32; less 177.66   → 123.66
  Dec (+30,000 bonus): 132,000 − 60,000 − 9,834 − 18,000 = 44,166.00 × 10% − 2,520 = 1,896.60;
       less 301.32 → 1,595.28; net 40,000 − 878 − 1,595.28 = 37,526.72
M: hired 2026-03-01, base 12,000, SI base 5,000: March counts one month (January and February were
   not in the payroll): 12,000 − 5,000×1 − 878 = 6,122.00 × 3% = 183.66.
"""

from __future__ import annotations

from pathlib import Path

from tests.acceptance.conftest import Cli
from tests.statutory.helpers import ID_B, ID_C, plan_text


def _setup(cli: Cli, tmp_path: Path, agents: str) -> None:
    (tmp_path / "plan.toml").write_text(plan_text(), encoding="utf-8")
    (tmp_path / "agents.csv").write_text(agents, encoding="utf-8")
    cli("init")
    cli("plan", "import", tmp_path / "plan.toml")
    cli("import", "agents", tmp_path / "agents.csv")


def _line(result: dict, code: str) -> str | None:  # type: ignore[type-arg]
    (agent,) = result["agents"]
    return next((line["amount"] for line in agent["lines"] if line["code"] == code), None)


def test_opening_balance_and_a_december_bonus_crossing_the_bracket(cli: Cli, tmp_path: Path) -> None:
    _setup(cli, tmp_path, f"code,name,base_salary,hire_date,id_number,si_base\nB,李四,10000,2024-05-01,{ID_B},5000\n")
    (tmp_path / "opening.csv").write_text(
        "code,year,through_month,months,income,si_hf,special,other,tax_withheld\nB,2026,9,9,72000,7200,18000,0,54\n",
        encoding="utf-8")
    (tmp_path / "bonus.csv").write_text("code,month,amount,reason\nB,2026-12,30000,年终奖\n", encoding="utf-8")
    cli("import", "tax_opening", tmp_path / "opening.csv")
    cli("import", "adjustments", tmp_path / "bonus.csv")
    refused = cli("payroll", "run", "--month", "2026-11", ok=False)  # October is neither locked nor covered
    assert refused.code != 0 and "B（2026-10）" in refused.err
    taxes = []
    for month in ("2026-10", "2026-11", "2026-12"):
        cli("payroll", "run", "--month", month)
        result = cli("payroll", "show", "--month", month, "--json").json()
        taxes.append(_line(result, "income_tax"))
        if month != "2026-12":
            cli("payroll", "lock", "--month", month)
    assert taxes == ["-123.66", "-123.66", "-1595.28"]
    assert result["agents"][0]["net"] == "37526.72"
    detail = next(line["detail"] for line in result["agents"][0]["lines"] if line["code"] == "income_tax")
    assert detail == ("累计应税 (132000.00 − 5000×12 − 9834.00 − 18000.00 − 0.00) = 44166.00 × 10% − 2520 = "
                      "1896.60；已扣 301.32")


def test_a_march_hire_counts_one_month(cli: Cli, tmp_path: Path) -> None:
    _setup(cli, tmp_path, f"code,name,base_salary,hire_date,id_number,si_base\nM,王五,12000,2026-03-01,{ID_C},5000\n")
    cli("payroll", "run", "--month", "2026-03")
    result = cli("payroll", "show", "--month", "2026-03", "--json").json()
    assert _line(result, "income_tax") == "-183.66"
    assert (_line(result, "social_insurance"), _line(result, "housing_fund")) == ("-528.00", "-350.00")
