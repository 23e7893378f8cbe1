"""Schema 2 (docs/pay-rules.md §7.3): the payslip and the workbook name the agent's scope; a month
without scopes gets neither the payslip row nor the workbook column."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from app.services.payroll import calculate_month
from app.services.plans import save_plan
from app.services.reports import export_summary, write_payslips
from db.session import Database
from tests.reports.conftest import MONTH, build_example
from tests.reports.test_payslip import _flat, _text

ROOT = Path(__file__).resolve().parents[2]
SCOPE = """
[[scopes]]
code = "callback"
name = "电话回访岗方案"
roles = ["电话回访岗"]
[scopes.quality]
bands = [ { min = 0, coefficient = 1 } ]
"""


def _scoped_db(folder: Path) -> Database:
    db = build_example(folder, calculate=False)
    text = (ROOT / "resources" / "default_plan.toml").read_text(encoding="utf-8")
    with db.session_scope() as s:
        save_plan(s, text.replace("schema = 1", "schema = 2") + SCOPE, source="v2.toml")
        calculate_month(s, MONTH)
    return db


def test_payslip_and_workbook_name_the_scope(tmp_path: Path) -> None:
    db = _scoped_db(tmp_path / "db")
    with db.session_scope() as s:
        paths = write_payslips(s, MONTH, tmp_path / "slips")
        export_summary(s, MONTH, tmp_path / "sum.xlsx")
    pages = {p.name.split("_")[1]: _flat(_text(p)[0]) for p in paths}
    assert "岗位方案" in pages["A002"] and "电话回访岗方案（callback）" in pages["A002"]
    assert "岗位方案" not in pages["A001"]
    ws = openpyxl.load_workbook(tmp_path / "sum.xlsx")["计算依据"]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[-1] == "岗位方案"
    by_code = {r[0]: r[-1] for r in rows[1:]}
    assert by_code == {"A001": "—", "A002": "电话回访岗方案（callback）", "A003": "—"}
    db.dispose()


def test_no_scope_column_without_scopes(tmp_path: Path) -> None:
    db = build_example(tmp_path / "db")
    with db.session_scope() as s:
        export_summary(s, MONTH, tmp_path / "sum.xlsx")
    header = next(openpyxl.load_workbook(tmp_path / "sum.xlsx")["计算依据"].iter_rows(values_only=True))
    assert "岗位方案" not in header
    db.dispose()
