"""The bank file (银行代发) and the tax file (个税扣缴申报) of a locked month (docs/pay-rules.md §9.4).

These two files are the only outputs besides the agent form that hold whole ID numbers and bank
accounts, so they are written owner-only (0600 where POSIX modes apply), like the database. The
layouts are the ones bank portals and the tax client take; amounts are numbers with 2 decimals.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from app.money import fmt_money
from app.reports.files import staged_output
from app.reports.xlsx_writer import clean_text, needs_quote, save_workbook

BANK_HEADERS = ("序号", "姓名", "账号", "开户行", "金额", "备注")
TAX_HEADERS = (
    "工号", "姓名", "证件类型", "证件号码", "本期收入", "本期免税收入", "基本养老保险费", "基本医疗保险费",
    "失业保险费", "住房公积金", "累计子女教育", "累计继续教育", "累计住房贷款利息", "累计住房租金",
    "累计赡养老人", "累计3岁以下婴幼儿照护", "其他", "减免税额", "备注",
)
TAX_MONEY_FROM = 4  # 本期收入 onwards are amounts (but 备注)
_MONEY_FORMAT = "0.00"


def owner_only(path: Path) -> None:
    """0600, as db.files does for the database: these files hold whole ID numbers and accounts."""
    if os.name == "posix":
        with contextlib.suppress(OSError):
            os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


@dataclass(frozen=True)
class BankRow:
    seq: int
    name: str
    account: str
    bank: str
    amount: Decimal
    note: str


@dataclass(frozen=True)
class BankFile:
    month: str
    rows: tuple[BankRow, ...]

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.rows), Decimal("0.00"))

    def header_line(self) -> tuple[str, ...]:
        return ("笔数", str(len(self.rows)), "合计金额", fmt_money(self.total), "工资月份", self.month)


@dataclass(frozen=True)
class TaxRow:
    code: str
    name: str
    id_number: str
    amounts: tuple[Decimal, ...]  # 本期收入 … 减免税额, in TAX_HEADERS order (13 amounts)
    note: str = ""


def _text_cell(ws, row: int, column: int, value: str) -> None:  # type: ignore[no-untyped-def]
    text = clean_text(value)
    cell = ws.cell(row=row, column=column, value=text)
    if needs_quote(text):
        cell.data_type = "s"  # a name like "=1+1" stays text, never a formula
        cell.quotePrefix = True
    cell.number_format = "@"


def _money_cell(ws, row: int, column: int, value: Decimal) -> None:  # type: ignore[no-untyped-def]
    cell = ws.cell(row=row, column=column, value=Decimal(fmt_money(value)))
    cell.number_format = _MONEY_FORMAT


def _write_bank_xlsx(data: BankFile, path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"{data.month}代发"
    for col, value in enumerate(data.header_line(), start=1):
        if col == 4:
            _money_cell(ws, 1, col, data.total)
        elif col == 2:
            ws.cell(row=1, column=col, value=len(data.rows))
        else:
            _text_cell(ws, 1, col, value)
    bold = Font(bold=True)
    for col, title in enumerate(BANK_HEADERS, start=1):
        ws.cell(row=2, column=col, value=title).font = bold
    for i, r in enumerate(data.rows, start=3):
        ws.cell(row=i, column=1, value=r.seq)
        _text_cell(ws, i, 2, r.name)
        _text_cell(ws, i, 3, r.account)
        _text_cell(ws, i, 4, r.bank)
        _money_cell(ws, i, 5, r.amount)
        _text_cell(ws, i, 6, r.note)
    for letter, width in zip("ABCDEF", (8, 14, 26, 24, 14, 16), strict=True):
        ws.column_dimensions[letter].width = width
    save_workbook(wb, path)


def _bank_csv(data: BankFile) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(data.header_line())
    writer.writerow(BANK_HEADERS)
    for r in data.rows:
        writer.writerow((r.seq, r.name, r.account, r.bank, fmt_money(r.amount), r.note))
    return buf.getvalue().encode("gb18030")


def write_bank_file(data: BankFile, out_path: Path) -> Path:
    """``.xlsx`` or ``.csv`` (GB18030); the first line states the count and the total."""
    out_path = Path(out_path)
    with staged_output(out_path.parent, durable=True) as stage:
        target = stage.path(out_path.name)
        if out_path.suffix.lower() == ".csv":
            target.write_bytes(_bank_csv(data))
        else:
            _write_bank_xlsx(data, target)
        owner_only(target)
    return stage.written[0]


def write_tax_file(month: str, rows: Sequence[TaxRow], out_path: Path) -> Path:
    """The 综合所得预扣预缴 (正常工资薪金所得) sheet: one row per covered agent."""
    out_path = Path(out_path)
    with staged_output(out_path.parent, durable=True) as stage:
        target = stage.path(out_path.name)
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "正常工资薪金所得"
        bold = Font(bold=True)
        for col, title in enumerate(TAX_HEADERS, start=1):
            ws.cell(row=1, column=col, value=title).font = bold
            ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = max(10, len(title) * 2 + 2)
        for i, r in enumerate(rows, start=2):
            _text_cell(ws, i, 1, r.code)
            _text_cell(ws, i, 2, r.name)
            _text_cell(ws, i, 3, "居民身份证")
            _text_cell(ws, i, 4, r.id_number)
            for j, amount in enumerate(r.amounts, start=TAX_MONEY_FROM + 1):
                _money_cell(ws, i, j, amount)
            _text_cell(ws, i, len(TAX_HEADERS), r.note)
        ws.column_dimensions["D"].width = 22
        save_workbook(wb, target)
        owner_only(target)
    return stage.written[0]
