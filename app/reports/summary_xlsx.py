"""The month's Excel summary for head office (工资汇总表): pay, line detail, sales, attendance, QA, ranking.

Like the payslips, the pay figures come from the stored result in the shape of
``payroll show --json``; the services add the month's records (sales, attendance, QA
evaluations) gathered in a few queries. Nothing here touches the database.

Choices that matter to the people who open the file:

- numbers are numbers (exact decimals written as numerals, format ``#,##0.00``), so head
  office can add them up; dates are real dates;
- the totals row holds values computed here, not formulas, so any reader (openpyxl, a
  viewer without a calculation engine, a script) sees the same figures Excel shows;
- every text that came from a user or a file (names, teams, reasons, descriptions) is
  written as a string cell; text that *looks* like a formula (``=``, ``+``, ``-``, ``@``,
  tab/CR-prefixed) or an error value (``#N/A``) also gets Excel's "quote prefix": a name
  like ``=HYPERLINK(...)`` stays text and never becomes a formula (spreadsheet formula
  injection), even when the cell is edited later;
- header rows are frozen and repeated on every printed page; pages print landscape,
  fitted to the paper width.

The workbook is written with openpyxl (the client's stack) in write-only mode, which
streams each sheet to a temporary file as rows arrive; openpyxl writes the package, the
style table, and each sheet's dimensions, panes, columns, page set-up and filter. The sales
sheet can hold tens of thousands of rows, and openpyxl's per-cell objects cost about 15 µs
a cell (8 s for 35,000 policies). So :class:`SheetWriter` serialises each row itself to the
XML openpyxl's own cell writer produces (inline strings; numbers; style ids registered in
openpyxl's style table through openpyxl cells) and hands the rows to openpyxl's stream,
which parses them before writing. A test writes the same rows through openpyxl's own cells
and compares the two workbooks cell by cell. Two deliberate departures from openpyxl's
defaults:

- a ``Decimal`` is written as its exact numeral (``format(d, "f")``): openpyxl would
  otherwise write it through ``float`` with 16 significant digits, giving
  ``0.07000000000000001`` or ``98765432.09999999`` in the file;
- a date is written as its Excel serial day number under a date format, which is how
  Excel stores dates (openpyxl's own conversion gives the same number).

The file is staged (:func:`app.reports.files.staged_output`): openpyxl's spooled sheets and
the workbook itself are written inside a private temporary folder next to the destination and
the finished workbook is then moved into place, so a failure, a full disk or a killed process
never leaves a half-written workbook, nor payroll data in the system's temp folder.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import fromstring as xml_fromstring

from app.fact_rows import FACT_LABELS, NO_KPI_DATA, fact_rows
from app.i18n import language, tr
from app.reports.files import as_os_error, staged_output
from app.results import AgentResult, MonthResult
from app.summary_columns import DEDUCTION_COLUMNS, GROSS_COLUMNS, TOTAL_LABELS, summary_amounts

ZERO = Decimal(0)

LEAVE_KINDS = ("personal", "sick", "annual", "other")
LEAVE_NAMES = {
    "personal": ("事假", "Personal leave"),
    "sick": ("病假", "Sick leave"),
    "annual": ("年假", "Annual leave"),
    "other": ("其他假", "Other leave"),
}


@dataclass(frozen=True)
class SalesRow:
    """One policy signed in the month, as the 保单明细 sheet lists it."""

    policy_no: str
    agent_code: str
    agent_name: str
    product_code: str
    product_name: str
    premium: Decimal
    factor: Decimal | None  # 折标系数 from the month's plan; None for a product the plan does not know
    customer_level: str
    new_customer: bool
    sign_date: date
    cancel_date: date | None
    counted: bool  # counted for this month's commission (docs/pay-rules.md §3.2)
    paid_amount: Decimal | None = None  # recorded when the month was locked (docs/pay-rules.md §3.3)

    @property
    def standard_premium(self) -> Decimal | None:
        return None if self.factor is None else self.premium * self.factor


@dataclass(frozen=True)
class AttendanceCounts:
    """An agent's attendance records of the month, counted (not priced: the pay lines do that)."""

    late_count: int = 0
    late_minutes: int = 0
    early_count: int = 0
    early_minutes: int = 0
    away: int = 0
    swap: int = 0
    absence_days: Decimal = ZERO
    leave_days: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class QACounts:
    """An agent's QA evaluations of the month: all of them, and those overturned on appeal."""

    total: int = 0
    overturned: int = 0


@dataclass(frozen=True)
class SummaryInput:
    """Everything the workbook shows; ``result`` is the month's stored result."""

    month: str
    branch_name: str
    result: MonthResult
    sales: Sequence[SalesRow] = ()
    attendance: Mapping[str, AttendanceCounts] = field(default_factory=dict)
    qa: Mapping[str, QACounts] = field(default_factory=dict)
    generated_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))


# ---------------------------------------------------------------------------------------------
# Writing sheets with openpyxl (write-only mode)

NUMBER_FORMATS = {  # column kind -> number format
    "text": "General",
    "money": "#,##0.00",
    "int": "0",
    "days": "0.##",
    "score": "0.00",
    "date": "yyyy-mm-dd",
    "rate": "0.####",
}
KINDS = tuple(NUMBER_FORMATS)
VARIANTS = ("plain", "total", "highlight")  # a row's look: ordinary, bold totals line, highlighted
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32767  # Excel's limit; a longer text makes Excel "repair" (truncate) the file
MAX_HEADER_TEXT = 200  # a page header/footer section holds at most 255 characters including codes
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # not in XML
_EPOCH = date(1899, 12, 30)  # Excel's day 0 (the 1900 leap-year bug is before any payroll date)
_NEEDS_ESCAPE = re.compile(r"[&<>\r]")
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})  # \r survives parsing
CHUNK_ROWS = 500  # rows handed to openpyxl at a time
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="FFDFE6EE")
_HIGHLIGHT_FILL = PatternFill("solid", fgColor="FFFFF4D6")
_THIN = Side(style="thin", color="FF9AA5B1")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TOTAL_BORDER = Border(top=Side(style="medium", color="FF4A5A6A"))
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)


def clean_text(value: object) -> str:
    """Text without the control characters XML cannot hold, cut to Excel's cell limit."""
    return _ILLEGAL.sub("", str(value))[:MAX_CELL_TEXT]


def _inline_string(text: str) -> str:
    """The ``<is>`` element openpyxl writes for a string cell (``xml:space`` kept as openpyxl does)."""
    escaped = text.translate(_XML_ESCAPES) if _NEEDS_ESCAPE.search(text) else text
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<is><t{space}>{escaped}</t></is>"


def needs_quote(text: str) -> bool:
    """Would a spreadsheet read this text as a formula, DDE or an error value if typed into a cell?"""
    return text.startswith(FORMULA_START) or text in ERROR_CODES


@dataclass(frozen=True)
class Column:
    """A column: its header, width (characters) and what kind of value it holds (see :data:`KINDS`)."""

    header: str
    width: float
    kind: str = "text"


class SummaryBook:
    """An openpyxl write-only workbook and its sheets, filled row by row; :meth:`finish` when done."""

    def __init__(
        self, *, title: str = "", footer_text: str = "Page &P of &N", spool_dir: Path | None = None
    ) -> None:
        self.workbook = Workbook(write_only=True)
        self.spool_dir = spool_dir  # where the sheets are spooled; None: openpyxl's (the system temp folder)
        self.workbook.properties.title = clean_text(title)
        self.workbook.properties.creator = "BranchPay"
        self.footer_text = footer_text
        self.sheets: list[SheetWriter] = []
        self._texts: dict[str, tuple[str, bool, str]] = {}  # raw text -> see text()

    def text(self, raw: str) -> tuple[str, bool, str]:
        """``raw`` for a cell: cleaned, whether it needs the quote prefix, and its ``<is>`` XML.

        Cached: names, teams and products repeat on thousands of rows.
        """
        hit = self._texts.get(raw)
        if hit is None:
            text = clean_text(raw)
            hit = self._texts[raw] = (text, needs_quote(text), _inline_string(text) if text else "")
        return hit

    def add_sheet(
        self,
        name: str,
        columns: Sequence[Column],
        *,
        freeze: tuple[int, int] = (1, 0),
        autofilter: bool = True,
        header_text: str = "",
        header_right: str = "",
    ) -> SheetWriter:
        """A sheet with a header row from ``columns``; ``freeze`` = (rows, columns) kept in view."""
        for column in columns:
            if column.kind not in NUMBER_FORMATS:
                raise ValueError(f"unknown column kind {column.kind!r}")
        sheet = SheetWriter(
            self,
            _sheet_name(name, {s.title for s in self.sheets}),
            columns,
            freeze=freeze,
            autofilter=autofilter,
            header_text=header_text,
            header_right=header_right,
        )
        self.sheets.append(sheet)
        return sheet

    def finish(self) -> Workbook:
        """The workbook, ready to ``save`` (once: a write-only workbook cannot be saved twice)."""
        for sheet in self.sheets:
            sheet.finish()
        return self.workbook

    def discard(self) -> None:
        """After a failure: close the sheets' streams and remove their temporary files.

        openpyxl spools each write-only sheet to a file (in ``spool_dir``, else the system temp
        folder) and removes it when the workbook is saved (or when the process exits); a failed
        export should not leave payroll data lying there until then. Best effort: nothing here may mask the
        original error.
        """
        for sheet in self.sheets:
            ws = sheet.ws
            with contextlib.suppress(Exception):
                if not ws.closed:
                    ws.close()
            writer = getattr(ws, "_writer", None)  # openpyxl's stream, None if nothing was written
            if writer is not None:
                with contextlib.suppress(Exception):
                    writer.cleanup()


class _SpoolWriter(WorksheetWriter):  # type: ignore[misc]
    """openpyxl's sheet writer for a spool file of our own (not in openpyxl's temp-file registry)."""

    def cleanup(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.out)


class _StreamedSheet(WriteOnlyWorksheet):
    """openpyxl's write-only worksheet, fed rows that :class:`SheetWriter` has already serialised.

    openpyxl writes everything about the sheet (dimensions, panes, columns, page set-up,
    header/footer, autofilter) and the package around it; only the ``<row>`` elements are
    made by :class:`SheetWriter`, as text. Each ``append`` hands over a list of row texts,
    which are parsed (so a malformed row fails here, before anything is saved) and written
    into openpyxl's own XML stream, in order, inside ``<sheetData>``.

    This overrides one private generator of openpyxl 3.1 (``_write_rows``, the receiver of
    ``append``); pyproject pins openpyxl to 3.1.x and a test compares the result, cell by
    cell, with the same rows written through openpyxl's own cells.
    """

    spool_dir: Path | None = None

    def _get_writer(self):  # type: ignore[no-untyped-def]  # same shape as openpyxl's
        """openpyxl's, but spooling into ``spool_dir`` when one is set (see :class:`_SpoolWriter`)."""
        if self._writer is None and self.spool_dir is not None:  # type: ignore[has-type]
            fd, name = tempfile.mkstemp(prefix="sheet-", suffix=".xml", dir=self.spool_dir)
            os.close(fd)
            writer = _SpoolWriter(self, out=name)
            writer.write_top()
            self._writer = writer
        super()._get_writer()

    def _write_rows(self):  # type: ignore[no-untyped-def]  # same shape as openpyxl's
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        with xf.element("sheetData"):
            try:
                while True:
                    chunk = yield
                    for element in xml_fromstring("<rows>" + "".join(chunk) + "</rows>"):
                        xf.write(element)
            except GeneratorExit:
                pass
        self._writer.xf.send(None)


class SheetWriter:
    """One worksheet: page set-up and header row first, then :meth:`row` after row.

    A row is serialised here to the XML openpyxl's own cell writer produces for the same
    cells (inline strings, numbers, style ids from openpyxl's style table), and handed to
    openpyxl in chunks of :data:`CHUNK_ROWS`. Doing this per row instead of per openpyxl
    cell object is what lets 35,000 sales rows export in a couple of seconds.
    """

    def __init__(
        self,
        book: SummaryBook,
        title: str,
        columns: Sequence[Column],
        *,
        freeze: tuple[int, int],
        autofilter: bool,
        header_text: str,
        header_right: str,
    ) -> None:
        self.book = book
        self.title = title
        self.kinds = [c.kind for c in columns]
        self.autofilter = autofilter
        self.rows = 0
        wb = book.workbook
        ws = self.ws = _StreamedSheet(parent=wb, title=title)
        ws.spool_dir = book.spool_dir
        wb._add_sheet(ws)
        # everything before the rows must be set before the first append (it is written then)
        for i, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = column.width
        frozen_rows, frozen_cols = freeze
        if frozen_rows or frozen_cols:
            ws.freeze_panes = f"{get_column_letter(frozen_cols + 1)}{frozen_rows + 1}"
        ws.print_title_rows = "1:1"
        ws.page_setup.paperSize = 9  # A4
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.75, bottom=0.75, header=0.3, footer=0.3)
        if header_text:
            ws.oddHeader.center.text = _header_text(header_text, MAX_HEADER_TEXT)
        if header_right:
            ws.oddHeader.right.text = _header_text(header_right, 40)
        ws.oddFooter.center.text = book.footer_text
        self._letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
        self._styles: dict[tuple[int, str, str, bool], str] = {}  # -> ' s="N"' or "" (no style)
        self._pending: list[str] = []
        header_cell = WriteOnlyCell(ws)
        header_cell.font = _BOLD
        header_cell.fill = _HEADER_FILL
        header_cell.border = _HEADER_BORDER
        header_cell.alignment = _HEADER_ALIGNMENT
        s = f' s="{header_cell.style_id}"'
        self._add_row(
            [
                f'<c r="{letter}1"{s} t="inlineStr">{book.text(column.header)[2]}</c>'
                for letter, column in zip(self._letters, columns, strict=True)
            ]
        )

    def _style(self, col: int, kind: str, variant: str, quote: bool = False) -> str:
        """The ``s`` attribute for a cell of column ``col`` in this style ("" for none).

        The style is registered in openpyxl's style table through an openpyxl cell, exactly
        as openpyxl does for a cell it writes itself.
        """
        key = (col, kind, variant, quote)
        attr = self._styles.get(key)
        if attr is None:
            cell = WriteOnlyCell(self.ws)
            cell.number_format = NUMBER_FORMATS[kind]
            if variant == "total":
                cell.font = _BOLD
                cell.border = _TOTAL_BORDER
            elif variant == "highlight":
                cell.fill = _HIGHLIGHT_FILL
            if quote:
                cell.quotePrefix = True
            attr = self._styles[key] = f' s="{cell.style_id}"' if cell.has_style else ""
        return attr

    def row(self, values: Sequence[Any], variant: str = "plain") -> None:
        """A data row; ``values`` line up with the sheet's column kinds (``None`` or "" = empty)."""
        # The hot loop of a 35,000-row export.
        plain = variant == "plain"
        styles = self._styles
        style = self._style
        texts = self.book._texts
        text_of = self.book.text
        r = str(self.rows + 1)
        cells: list[str] = []
        append = cells.append
        for col, (value, kind, letter) in enumerate(zip(values, self.kinds, self._letters, strict=False)):
            cls = type(value)
            if cls is str and value:
                _, quote, inline = texts.get(value) or text_of(value)
                if inline:
                    # never a formula or an error value: always a string, quote-prefixed if it looks like one
                    s = style(col, "text", variant, True) if quote else "" if plain else style(col, "text", variant)
                    append(f'<c r="{letter}{r}"{s} t="inlineStr">{inline}</c>')
                    continue
                value = None  # nothing left once cleaned
            if value is None or value == "":
                if not plain:  # keep the totals line and the highlight continuous
                    append(f'<c r="{letter}{r}"{style(col, kind, variant)}/>')
                continue
            if cls is Decimal:
                if not value.is_finite():
                    raise ValueError(f"cannot write {value} to a cell")
                number = format(value, "f")  # the exact numeral, never through float
            elif cls is int or cls is bool:
                number = str(int(value))
            elif cls is date or cls is datetime:
                number = str(((value.date() if cls is datetime else value) - _EPOCH).days)
                kind = "date"
            elif isinstance(value, float):
                raise TypeError("cannot write a float to a cell: use Decimal so amounts stay exact")
            else:  # anything else is shown as its text
                _, quote, inline = text_of(str(value))
                s = style(col, "text", variant, quote) if inline else "" if plain else style(col, kind, variant)
                if inline:
                    append(f'<c r="{letter}{r}"{s} t="inlineStr">{inline}</c>')
                elif s:
                    append(f'<c r="{letter}{r}"{s}/>')
                continue
            attr = styles.get((col, kind, variant, False))
            if attr is None:
                attr = style(col, kind, variant)
            append(f'<c r="{letter}{r}"{attr} t="n"><v>{number}</v></c>')
        self._add_row(cells)

    def _add_row(self, cells: list[str]) -> None:
        self.rows += 1
        self._pending.append(f'<row r="{self.rows}">{"".join(cells)}</row>')
        if len(self._pending) >= CHUNK_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self.ws.append(self._pending)
            self._pending = []

    def finish(self) -> None:
        self._flush()
        if self.autofilter and self.rows > 1:
            self.ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(self.kinds)))}{self.rows}"


def _header_text(text: str, limit: int) -> str:
    """Text for a page header section: cleaned, short, with ``&`` escaped (it starts a code)."""
    return clean_text(text)[:limit].replace("&", "&&")


def _sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\."""
    base = _BAD_SHEET_CHARS.sub("_", clean_text(name)).strip("'")[:31] or "Sheet"
    candidate, n = base, 2
    while candidate in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    return candidate


def _sheet(
    book: SummaryBook,
    title: str,
    columns: Sequence[Column],
    header: str,
    *,
    freeze: tuple[int, int] = (1, 0),
    autofilter: bool = True,
    generated: datetime | None = None,
) -> SheetWriter:
    stamp = (generated or datetime.now()).strftime("%Y-%m-%d %H:%M")
    return book.add_sheet(
        title, columns, freeze=freeze, autofilter=autofilter, header_text=header, header_right=stamp
    )


# ---------------------------------------------------------------------------------------------
# Sheets


def _summary_sheet(wb: SummaryBook, data: SummaryInput, title: str, header: str) -> None:
    """One row per agent in the payroll table's columns (:mod:`app.summary_columns`): the 应发
    columns, 应发合计, the 扣款 columns, 扣款合计, 实发 — each line by code is on the 明细 sheet."""
    agents = list(data.result.agents)
    lang = language()
    columns = [Column(tr("工号", "Code"), 9), Column(tr("姓名", "Name"), 10), Column(tr("团队", "Team"), 12)]
    columns += [Column(c.label.in_(lang), 11, "money") for c in GROSS_COLUMNS]
    columns += [Column(TOTAL_LABELS["gross"].in_(lang), 12, "money")]
    columns += [Column(c.label.in_(lang), 11, "money") for c in DEDUCTION_COLUMNS]
    columns += [
        Column(TOTAL_LABELS["deductions"].in_(lang), 12, "money"),
        Column(TOTAL_LABELS["net"].in_(lang), 12, "money"),
    ]
    # no autofilter: sorting would move the totals row into the data
    sheet = _sheet(wb, title, columns, header, freeze=(1, 3), autofilter=False, generated=data.generated_at)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for a in agents:
        amounts = summary_amounts(a.lines)
        amounts.update(gross=a.gross, deductions=a.deductions, net=a.net)
        sheet.row([a.code, a.name, a.team, *(amounts[k] for k in SUMMARY_SHEET_KEYS)])
        for k in SUMMARY_SHEET_KEYS:
            totals[k] += amounts[k]
    total_row: list[Any] = [tr("合计", "Total"), tr(f"{len(agents)} 人", f"{len(agents)} agents"), ""]
    total_row += [totals.get(k, ZERO) for k in SUMMARY_SHEET_KEYS]
    sheet.row(total_row, "total")


# The 汇总 sheet's money columns, in order (after code, name and team).
SUMMARY_SHEET_KEYS: tuple[str, ...] = (
    *(c.key for c in GROSS_COLUMNS),
    "gross",
    *(c.key for c in DEDUCTION_COLUMNS),
    "deductions",
    "net",
)


def _detail_sheet(wb: SummaryBook, data: SummaryInput, title: str, header: str) -> None:
    columns = [
        Column(tr("工号", "Code"), 9),
        Column(tr("姓名", "Name"), 10),
        Column(tr("项目代码", "Line code"), 18),
        Column(tr("项目", "Line"), 16),
        Column(tr("金额", "Amount"), 12, "money"),
        Column(tr("计算说明", "Explanation"), 90),
    ]
    sheet = _sheet(wb, title, columns, header, freeze=(1, 2), generated=data.generated_at)
    lang = language()
    for a in data.result.agents:
        for line in a.lines:
            sheet.row([a.code, a.name, line.code, line.label_in(lang), line.amount, line.detail_in(lang)])


def _facts_sheet(wb: SummaryBook, data: SummaryInput, title: str, header: str) -> None:
    """计算依据: the facts behind each agent's pay in the words of the payslip and the payroll page
    (:func:`app.fact_rows.fact_rows`): 出勤/应出勤, 标准保费, 质检均分, 绩效得分 (无数据 when there was
    none), 请假/考勤."""
    lang = language()
    columns = [Column(tr("工号", "Code"), 9), Column(tr("姓名", "Name"), 10), Column(tr("团队", "Team"), 12)]
    widths = {"attendance": 18, "premium": 20, "qa": 34, "kpi": 30, "leave": 34}
    columns += [Column(label.in_(lang), widths.get(key, 20)) for key, label in FACT_LABELS.items()]
    sheet = _sheet(wb, title, columns, header, freeze=(1, 3), generated=data.generated_at)
    for a in data.result.agents:
        sheet.row([a.code, a.name, a.team, *(row.value.in_(lang) for row in fact_rows(a.facts))])


def _sales_sheet(wb: SummaryBook, data: SummaryInput, title: str, header: str) -> None:
    yes, no = tr("是", "yes"), tr("否", "no")
    columns = [
        Column(tr("保单号", "Policy no"), 16),
        Column(tr("工号", "Code"), 9),
        Column(tr("姓名", "Name"), 10),
        Column(tr("产品", "Product"), 9),
        Column(tr("产品名称", "Product name"), 16),
        Column(tr("保费", "Premium"), 12, "money"),
        Column(tr("折标系数", "Factor"), 9, "rate"),
        Column(tr("标准保费", "Standard premium"), 12, "money"),
        Column(tr("客户等级", "Level"), 9),
        Column(tr("新客户", "New customer"), 8),
        Column(tr("签单日期", "Signed"), 12, "date"),
        Column(tr("撤单日期", "Cancelled"), 12, "date"),
        Column(tr("计入本月", "Counted"), 9),
        Column(tr("已记提成", "Paid commission"), 12, "money"),
    ]
    sheet = _sheet(wb, title, columns, header, freeze=(1, 1), generated=data.generated_at)
    for s in data.sales:
        sheet.row(
            [
                s.policy_no,
                s.agent_code,
                s.agent_name,
                s.product_code,
                s.product_name,
                s.premium,
                s.factor,
                s.standard_premium,
                s.customer_level,
                yes if s.new_customer else no,
                s.sign_date,
                s.cancel_date,
                yes if s.counted else no,
                s.paid_amount,
            ]
        )


def _attendance_sheet(wb: SummaryBook, data: SummaryInput, title: str, header: str) -> None:
    columns = [
        Column(tr("工号", "Code"), 9),
        Column(tr("姓名", "Name"), 10),
        Column(tr("团队", "Team"), 12),
        Column(tr("应出勤天数", "Workdays"), 10, "days"),
        Column(tr("在职天数", "Employed days"), 10, "days"),
        Column(tr("出勤天数", "Attended days"), 10, "days"),
        Column(tr("迟到次数", "Late"), 9, "int"),
        Column(tr("迟到分钟", "Late minutes"), 9, "int"),
        Column(tr("早退次数", "Early leave"), 9, "int"),
        Column(tr("早退分钟", "Early minutes"), 9, "int"),
        Column(tr("空岗次数", "Away"), 9, "int"),
        Column(tr("私自调班", "Shift swaps"), 9, "int"),
        Column(tr("旷工天数", "Absence days"), 9, "days"),
    ]
    columns += [Column(tr(f"{LEAVE_NAMES[k][0]}天数", LEAVE_NAMES[k][1]), 9, "days") for k in LEAVE_KINDS]
    columns += [
        Column(tr("考勤扣款", "Attendance penalty"), 11, "money"),
        Column(tr("全勤奖", "Full attendance"), 10, "money"),
    ]
    sheet = _sheet(wb, title, columns, header, freeze=(1, 3), generated=data.generated_at)
    for a in data.result.agents:
        code = a.code
        c = data.attendance.get(code, AttendanceCounts())
        lines = _line_sums(a)
        sheet.row(
            [
                code,
                a.name,
                a.team,
                Decimal(a.facts.workdays),
                Decimal(a.facts.employed_workdays),
                a.facts.attended_days,  # the 出勤 of the payslip's 出勤/应出勤
                c.late_count,
                c.late_minutes,
                c.early_count,
                c.early_minutes,
                c.away,
                c.swap,
                c.absence_days,
                *[c.leave_days.get(k, ZERO) for k in LEAVE_KINDS],
                lines.get("attendance_penalty", ZERO),
                lines.get("full_attendance", ZERO),
            ]
        )


def _qa_sheet(wb: SummaryBook, data: SummaryInput, title: str, header: str) -> None:
    columns = [
        Column(tr("工号", "Code"), 9),
        Column(tr("姓名", "Name"), 10),
        Column(tr("团队", "Team"), 12),
        Column(tr("质检次数（有效）", "Evaluations (valid)"), 11, "int"),
        Column(tr("平均分", "Average"), 9, "score"),
        Column(tr("等级", "Grade"), 7),
        Column(tr("提成系数", "Coefficient"), 9, "rate"),
        Column(tr("致命差错", "Fatal errors"), 9, "int"),
        Column(tr("申诉撤销", "Overturned"), 9, "int"),
        Column(tr("质检总次数", "All evaluations"), 10, "int"),
        Column(tr("致命差错扣款", "Fatal error penalty"), 12, "money"),
    ]
    sheet = _sheet(wb, title, columns, header, freeze=(1, 3), generated=data.generated_at)
    for a in data.result.agents:
        code = a.code
        facts = a.facts
        counts = data.qa.get(code, QACounts())
        sheet.row(
            [
                code,
                a.name,
                a.team,
                facts.qa_count,
                facts.qa_avg,
                facts.qa_grade or "",
                facts.qa_coefficient,
                facts.qa_fatal_count,
                counts.overturned,
                counts.total,
                _line_sums(a).get("qa_fatal_penalty", ZERO),
            ]
        )


def _ranking_sheet(wb: SummaryBook, data: SummaryInput, title: str, header: str) -> None:
    """Ranking by KPI score for posting on the notice board: scores and the award, never pay."""
    columns = [
        Column(tr("名次", "Rank"), 7, "int"),
        Column(tr("工号", "Code"), 9),
        Column(tr("姓名", "Name"), 10),
        Column(tr("团队", "Team"), 12),
        Column(tr("绩效得分", "KPI score"), 10, "score"),
        Column(tr("质检均分", "QA average"), 10, "score"),
        Column(tr("标准保费", "Standard premium"), 12, "money"),
        Column(tr("月度优秀", "Top award"), 12),
    ]
    sheet = _sheet(wb, title, columns, header, freeze=(1, 0), autofilter=False, generated=data.generated_at)
    ranked = ranking(data.result.agents)
    lang = language()
    award = tr("★ 月度优秀", "★ Top award")
    for rank, a in ranked:
        facts = a.facts
        won = facts.top_award or "top_award" in _line_sums(a)
        sheet.row(
            [
                rank,
                a.code,
                a.name,
                a.team,
                facts.kpi_score if facts.kpi_measured else NO_KPI_DATA.in_(lang),
                facts.qa_avg,
                facts.standard_premium,
                award if won else "",
            ],
            "highlight" if won else "plain",
        )


def ranking(agents: Iterable[AgentResult]) -> list[tuple[int, AgentResult]]:
    """Agents by KPI score, highest first; equal scores share a rank (1, 2, 2, 4)."""

    def score(a: AgentResult) -> Decimal:
        return a.facts.kpi_score

    ordered = sorted(agents, key=lambda a: (-score(a), a.code))
    out: list[tuple[int, AgentResult]] = []
    previous: Decimal | None = None
    rank = 0
    for i, a in enumerate(ordered, start=1):
        s = score(a)
        if s != previous:
            rank, previous = i, s
        out.append((rank, a))
    return out


def _line_sums(agent: AgentResult) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for line in agent.lines:
        sums[line.code] += line.amount
    return dict(sums)


SHEETS: tuple[tuple[str, str, Callable[[SummaryBook, SummaryInput, str, str], None]], ...] = (
    ("汇总", "Summary", _summary_sheet),
    ("明细", "Lines", _detail_sheet),
    ("计算依据", "Facts", _facts_sheet),
    ("保单明细", "Sales", _sales_sheet),
    ("考勤汇总", "Attendance", _attendance_sheet),
    ("质检汇总", "QA", _qa_sheet),
    ("公示", "Ranking", _ranking_sheet),
)


def _build(data: SummaryInput, book: SummaryBook) -> Workbook:
    status = data.result.status
    draft = "" if status == "locked" else tr("（试算，未锁定）", " (draft, not locked)")
    for zh, en, build in SHEETS:
        name = tr(zh, en)
        build(book, data, name, f"{data.branch_name} {data.month} {name}{draft}")
    return book.finish()


def _new_book(data: SummaryInput, spool_dir: Path | None = None) -> SummaryBook:
    return SummaryBook(
        title=tr(f"{data.branch_name} {data.month} 工资汇总", f"{data.branch_name} payroll {data.month}"),
        footer_text=tr("第 &P 页，共 &N 页", "Page &P of &N"),
        spool_dir=spool_dir,
    )


def build_workbook(data: SummaryInput) -> Workbook:
    """The summary as an openpyxl write-only workbook, ready to ``save`` (once)."""
    return _build(data, _new_book(data))


def save_workbook(wb: Workbook, path: Path) -> None:
    """``wb.save(path)``, but a failure (a full disk) closes the half-written zip at once.

    openpyxl leaves the zip open when a write fails; Python then retries closing it when the
    object is collected and prints a second traceback ("Exception ignored in ZipFile.__del__").
    """
    if wb.write_only and not wb.worksheets:
        wb.create_sheet()
    archive = ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True)
    wb.properties.modified = _dt.datetime.now(tz=_dt.timezone.utc).replace(tzinfo=None)
    try:
        ExcelWriter(wb, archive).save()
    except BaseException:
        with contextlib.suppress(Exception):
            archive.close()  # fails again on a full disk, but marks the archive closed
        raise


def write_summary(data: SummaryInput, out_path: Path) -> Path:
    """Build the workbook and write it to ``out_path`` through a staged folder; returns the path."""
    out_path = Path(out_path)
    with staged_output(out_path.parent, durable=True) as stage:
        target = stage.path(out_path.name)
        book = _new_book(data, stage.scratch)
        try:
            save_workbook(_build(data, book), target)
        except BaseException as exc:
            book.discard()
            os_error = as_os_error(exc) if isinstance(exc, Exception) else None
            if os_error is None or os_error is exc:
                raise
            raise os_error from exc
    return stage.written[0]
