"""A small database for the statutory tests: a plan with nothing but base pay (and adjustments) and the
[statutory] section, so every month's income is the base salary plus the month's adjustments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from app.services.agents import AgentInput, add_agent
from app.services.imports import commit_import
from app.services.payroll import calculate_month, lock_month
from app.services.plans import save_plan
from app.services.setup import initialise
from db.session import Database

ID_A = "11010519491231002X"
ID_B = "310115198511204566"
ID_C = "44030419900307123X"

STATUTORY = """
[statutory]
social_insurance = [ { code = "pension", name = "养老保险", rate = 0.08 },
                     { code = "medical", name = "医疗保险", rate = 0.02, fixed = 3 },
                     { code = "unemployment", name = "失业保险", rate = 0.005 } ]
si_base_floor = 4462
si_base_ceiling = 22311
housing_fund_rate = 0.07
hf_base_floor = 2490
hf_base_ceiling = 34188
hf_rounding = "{rounding}"
income_tax = true
basic_deduction = 5000
"""

PLAN = """
schema = 2
name = "只发底薪"
effective_from = "2026-01"
[commission]
tiers = [ { from = 0, rate = 0 } ]
[kpi]
indicators = []
"""


def plan_text(rounding: str = "cent", statutory: bool = True) -> str:
    return PLAN + (STATUTORY.replace("{rounding}", rounding) if statutory else "")


def make_db(folder: Path, *, rounding: str = "cent", statutory: bool = True) -> Database:
    db = Database(folder / "branchpay.sqlite3")
    with db.session_scope() as s:
        initialise(s)
        save_plan(s, plan_text(rounding, statutory))
    return db


def add(db: Database, code: str, base: str, *, id_number: str | None, si_base: str | None = None,
        hf_base: str | None = None, statutory: bool = True, hired: date = date(2025, 1, 1),
        account: str | None = None, bank: str = "") -> None:
    with db.session_scope() as s:
        add_agent(s, AgentInput(
            code=code, name=f"员工{code}", base_salary=Decimal(base), hire_date=hired, id_number=id_number,
            si_base=Decimal(si_base) if si_base else None, hf_base=Decimal(hf_base) if hf_base else None,
            statutory=statutory, bank_account=account, bank_name=bank,
        ))


def import_csv(db: Database, kind: str, folder: Path, text: str) -> None:
    path = folder / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    with db.session_scope() as s:
        commit_import(s, kind, path)


def run(db: Database, month: str, *, lock: bool = True) -> None:
    with db.session_scope() as s:
        calculate_month(s, month)
        if lock:
            lock_month(s, month)
