"""`branchpay export bank|tax` through the real command line: refused before the lock, refused for a paid
agent without an account (naming them), and the files read back with openpyxl and csv to the cent.

Figures (tests/statutory/helpers.py plan, January 2026):
  A base 20,000, SI base 10,000: SI 1,053.00, HF 700.00, tax 397.41 → net 17,849.59
  X base 3,000, statutory no → net 3,000.00 (in the bank file, not in the tax file)
"""

from __future__ import annotations

import csv
import io
import stat
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.acceptance.conftest import Cli
from tests.statutory.helpers import ID_A, plan_text

AGENTS = (
    "工号,姓名,底薪,入职日期,身份证号,开户行,银行账号,社保基数,代扣社保个税\n"
    f"A,张三,20000,2025-01-01,{ID_A},工商银行北京分行,6222 0202 0001 2345 678,10000,是\n"
    "X,实习生,3000,2025-06-01,,建设银行,6217000010001234,,否\n"
)


@pytest.fixture
def month(cli: Cli, tmp_path: Path) -> Cli:
    plan = tmp_path / "plan.toml"
    plan.write_text(plan_text(), encoding="utf-8")
    agents = tmp_path / "agents.csv"
    agents.write_text(AGENTS, encoding="utf-8")
    deductions = tmp_path / "deductions.csv"
    deductions.write_text("code,month,children_education,elderly_care,other\nA,2026-01,1000,500,100\n",
                          encoding="utf-8")
    cli("init")
    cli("plan", "import", plan)
    cli("import", "agents", agents)
    cli("import", "deductions", deductions)
    cli("payroll", "run", "--month", "2026-01")
    return cli


def test_bank_and_tax_files_only_after_the_lock(month: Cli, tmp_path: Path) -> None:
    out = tmp_path / "bank.xlsx"
    refused = month("export", "bank", "--month", "2026-01", "--out", out, ok=False)
    assert refused.code != 0 and "尚未锁定" in refused.err
    assert not out.exists()
    refused = month("export", "tax", "--month", "2026-01", "--out", tmp_path / "tax.xlsx", ok=False)
    assert refused.code != 0 and not (tmp_path / "tax.xlsx").exists()


def test_bank_file_xlsx_and_gb18030_csv(month: Cli, tmp_path: Path) -> None:
    # A: 20,000 − 1,053 − 700 − tax; taxable 20,000 − 5,000 − 1,753 − 1,500 − 100 = 11,647 × 3% = 349.41
    month("payroll", "lock", "--month", "2026-01")
    xlsx = tmp_path / "bank.xlsx"
    done = month("export", "bank", "--month", "2026-01", "--out", xlsx)
    assert "2 笔" in done.out or "2 payments" in done.out
    ws = load_workbook(xlsx).active
    assert ws is not None
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][:3] == ["笔数", 2, "合计金额"] and Decimal(str(rows[0][3])) == Decimal("20897.59")
    assert rows[1] == ["序号", "姓名", "账号", "开户行", "金额", "备注"]
    assert rows[2][:4] == [1, "张三", "6222020200012345678", "工商银行北京分行"]
    assert Decimal(str(rows[2][4])) == Decimal("17897.59") and rows[2][5] == "2026-01工资"
    assert rows[3][:3] == [2, "实习生", "6217000010001234"] and Decimal(str(rows[3][4])) == Decimal("3000")
    if hasattr(stat, "S_IRWXG"):
        assert xlsx.stat().st_mode & 0o077 == 0  # owner-only: whole account numbers
    path = tmp_path / "bank.csv"
    month("export", "bank", "--month", "2026-01", "--out", path)
    lines = list(csv.reader(io.StringIO(path.read_bytes().decode("gb18030"))))
    assert lines[0] == ["笔数", "2", "合计金额", "20897.59", "工资月份", "2026-01"]
    assert lines[1] == ["序号", "姓名", "账号", "开户行", "金额", "备注"]
    assert lines[2] == ["1", "张三", "6222020200012345678", "工商银行北京分行", "17897.59", "2026-01工资"]
    assert lines[3] == ["2", "实习生", "6217000010001234", "建设银行", "3000.00", "2026-01工资"]


def test_tax_file_columns(month: Cli, tmp_path: Path) -> None:
    month("payroll", "lock", "--month", "2026-01")
    out = tmp_path / "tax.xlsx"
    month("export", "tax", "--month", "2026-01", "--out", out)
    ws = load_workbook(out).active
    assert ws is not None
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == [
        "工号", "姓名", "证件类型", "证件号码", "本期收入", "本期免税收入", "基本养老保险费", "基本医疗保险费",
        "失业保险费", "住房公积金", "累计子女教育", "累计继续教育", "累计住房贷款利息", "累计住房租金",
        "累计赡养老人", "累计3岁以下婴幼儿照护", "其他", "减免税额", "备注",
    ]
    assert len(rows) == 2  # X (statutory no) is not in the tax file
    a = rows[1]
    assert a[:4] == ["A", "张三", "居民身份证", ID_A]
    amounts = [Decimal(str(v)).quantize(Decimal("0.01")) for v in a[4:18]]
    assert amounts == [Decimal(x) for x in (
        "20000.00", "0.00", "800.00", "203.00", "50.00", "700.00", "1000.00", "0.00", "0.00", "0.00", "500.00",
        "0.00", "100.00", "0.00")]
    assert ws.cell(row=2, column=5).number_format == "0.00"


def test_a_paid_agent_without_an_account_refuses_the_bank_file(cli: Cli, tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(plan_text(statutory=False), encoding="utf-8")
    agents = tmp_path / "agents.csv"
    agents.write_text("code,name,base_salary,hire_date,bank_account\nA,张三,5000,2025-01-01,\n"
                      "B,李四,4000,2025-01-01,6217000010001234\n", encoding="utf-8")
    cli("init")
    cli("plan", "import", plan)
    cli("import", "agents", agents)
    cli("payroll", "run", "--month", "2026-01")
    cli("payroll", "lock", "--month", "2026-01")
    out = tmp_path / "bank.csv"
    refused = cli("export", "bank", "--month", "2026-01", "--out", out, ok=False)
    assert refused.code != 0
    assert "A 张三" in refused.err and "李四" not in refused.err
    assert not out.exists()


def test_the_summary_export_is_unchanged(month: Cli, tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsx"
    month("export", "--month", "2026-01", "--out", out)
    assert out.exists()
