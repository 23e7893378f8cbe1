"""§9.1: the payslip, the Excel summary, the payroll JSON, messages and the audit log never hold a whole ID
number or bank account — while the statutory lines themselves are there."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from pypdf import PdfReader
from sqlalchemy import select

from app.cli import month_json
from app.services.payroll import show_month
from app.services.reports import export_summary, write_payslips
from db.models import AuditLog
from tests.acceptance.conftest import Cli
from tests.statutory.helpers import ID_A, add, import_csv, make_db, run

ACCOUNT = "6222020200012345678"


def test_payslip_summary_json_and_audit_never_hold_the_whole_numbers(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    try:
        add(db, "A", "20000", id_number=ID_A, si_base="10000", account=ACCOUNT, bank="工商银行")
        import_csv(db, "agents", tmp_path, f"工号,姓名,底薪,入职日期,身份证号,银行账号\nA,员工A,20000,2025-01-01,{ID_A},{ACCOUNT}\n")
        run(db, "2026-01")
        with db.session_scope() as s:
            paths = write_payslips(s, "2026-01", tmp_path / "slips", combined=True)
            summary = export_summary(s, "2026-01", tmp_path / "summary.xlsx")
            result = show_month(s, "2026-01")
            audit = " ".join(f"{r.before} {r.after} {r.reason}" for r in s.scalars(select(AuditLog)))
        text = "".join(page.extract_text() for path in paths for page in PdfReader(path).pages)
        assert "个人所得税" in text and "397.41" in text  # the statutory lines are on the payslip
        # Where the pay goes, as the last 4 characters only: the agent can check it, nobody can copy it.
        assert "身份证\n****" in text and f"****{ID_A[-4:]}" in text
        assert "工商银行" in text and f"****{ACCOUNT[-4:]}" in text
        block = text.replace("−", "-").split("应发项目")[1]  # the summary block: 社保, 公积金, 个税 columns
        assert "社保\n-1053.00" in block and "公积金\n-700.00" in block and "个税\n-397.41" in block
        book = openpyxl.load_workbook(summary)
        cells = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)
        assert "-397.41" in cells or "397.41" in cells
        dumped = json.dumps(month_json(result, "zh"), ensure_ascii=False)
        for whole in (ID_A, ACCOUNT):
            assert whole not in text and whole[-8:] not in text
            assert whole not in cells
            assert whole not in dumped
            assert whole not in audit
    finally:
        db.dispose()


def test_import_refusal_on_the_command_line_never_prints_the_number(cli: Cli, tmp_path: Path) -> None:
    bad = ID_A[:17] + "1"
    path = tmp_path / "agents.csv"
    path.write_text(f"工号,姓名,底薪,入职日期,身份证号,银行账号\nA,张三,4000,2025-01-01,{bad},{ACCOUNT}1234567890123\n",
                    encoding="utf-8")
    cli("init")
    refused = cli("import", "agents", path, ok=False)
    assert refused.code != 0
    assert "第2行" in refused.err or "row 2" in refused.err
    assert "身份证号" in refused.err and "银行账号" in refused.err
    assert bad not in refused.err + refused.out and bad[:14] not in refused.err
    assert ACCOUNT not in refused.err + refused.out
