"""Writing head-office workbooks with openpyxl in write-only mode, fast and exact.

openpyxl's per-cell objects cost about 15 µs a cell (8 s for a 35,000-policy sales sheet), so
:class:`SheetWriter` serialises each row itself to the XML openpyxl's own cell writer produces
(inline strings; numbers; style ids registered in openpyxl's style table through openpyxl
cells) and hands the rows to openpyxl's stream. That means overriding one private generator of
openpyxl 3.1 (``WorksheetWriter._write_rows``): it is kept here, in its own module, beside the
pin in pyproject.toml (``openpyxl>=3.1.2,<3.2``) and the test that writes the same rows through
openpyxl's own cells and compares the two workbooks cell by cell
(``tests/reports/test_sheet_writer.py``). The head-office layout — which sheets, which
columns — lives in :mod:`app.reports.summary_xlsx` and knows nothing of this.

Two deliberate departures from openpyxl's defaults:

- a ``Decimal`` is written as its exact numeral (``format(d, "f")``): openpyxl would
  otherwise write it through ``float`` with 16 significant digits, giving
  ``0.07000000000000001`` or ``98765432.09999999`` in the file;
- a date is written as its Excel serial day number under a date format, which is how
  Excel stores dates (openpyxl's own conversion gives the same number).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO
from zipfile import ZIP_DEFLATED, ZipFile

from lxml.etree import xmlfile
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
from openpyxl.xml.constants import SHEET_MAIN_NS

from app.i18n import tr
from app.reports.files import as_os_error, staged_output

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
_SUBTOTAL_FILL = PatternFill("solid", fgColor="FFF3F5F8")
_THIN = Side(style="thin", color="FF9AA5B1")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TOTAL_BORDER = Border(top=Side(style="medium", color="FF4A5A6A"))
_SUBTOTAL_BORDER = Border(top=_THIN)
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
    """openpyxl's sheet writer for a spool file of our own (not in openpyxl's temp-file registry),
    whose file :attr:`raw` the already serialised rows are written to as they are."""

    raw: BinaryIO

    def get_stream(self):  # type: ignore[no-untyped-def]  # openpyxl 3.1's, on a file we hold
        with open(self.out, "wb") as raw, xmlfile(raw) as xf:
            self.raw = raw
            with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                try:
                    while True:
                        el = yield
                        if el is True:
                            yield xf
                        elif el is None:
                            continue
                        else:
                            xf.write(el)
                except GeneratorExit:
                    pass

    def cleanup(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.out)


class _StreamedSheet(WriteOnlyWorksheet):
    """openpyxl's write-only worksheet, fed rows that :class:`SheetWriter` has already serialised.

    openpyxl writes everything about the sheet (dimensions, panes, columns, page set-up,
    header/footer, autofilter) and the package around it; only the ``<row>`` elements are
    made by :class:`SheetWriter`, as text. Each ``append`` hands over a list of row texts,
    which are written as they are into the sheet's file, in order, inside ``<sheetData>``
    (parsing them again only to serialise them once more cost a third of a large export).

    This overrides one private generator of openpyxl 3.1 (``_write_rows``, the receiver of
    ``append``); pyproject pins openpyxl to 3.1.x and a test compares the result, cell by
    cell, with the same rows written through openpyxl's own cells.
    """

    spool_dir: Path | None = None

    def _get_writer(self):  # type: ignore[no-untyped-def]  # same shape as openpyxl's
        """openpyxl's, but spooling through :class:`_SpoolWriter` (into ``spool_dir`` when one is set)."""
        if self._writer is None:  # type: ignore[has-type]
            fd, name = tempfile.mkstemp(prefix="sheet-", suffix=".xml", dir=self.spool_dir)
            os.close(fd)
            writer = _SpoolWriter(self, out=name)
            writer.write_top()
            self._writer = writer

    def _write_rows(self):  # type: ignore[no-untyped-def]  # same shape as openpyxl's
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        raw = self._writer.raw
        with xf.element("sheetData"):
            try:
                while True:
                    chunk = yield
                    xf.flush()  # what lxml holds (the <sheetData> tag) goes first
                    raw.write("".join(chunk).encode("utf-8"))
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
                if column.header  # a column without a header has no header cell
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
            elif variant == "subtotal":
                cell.font = _BOLD
                cell.fill = _SUBTOTAL_FILL
                cell.border = _SUBTOTAL_BORDER
            elif variant == "highlight":
                cell.fill = _HIGHLIGHT_FILL
            if quote:
                cell.quotePrefix = True
            attr = self._styles[key] = f' s="{cell.style_id}"' if cell.has_style else ""
        return attr

    def row(self, values: Sequence[Any], variant: str = "plain") -> None:
        """A data row; ``values`` line up with the sheet's column kinds (``None`` or "" = empty).

        ``variant``: "plain", "total" (bold, a rule above), "subtotal" (bold on a light fill, a
        thin rule above) or "highlight" (a coloured fill).
        """
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

    def blank_row(self) -> None:
        """An empty row. It holds one empty cell: a row without cells (or a missing row) reads as
        a row of no values at all in openpyxl's read-only mode, and ``row[0]`` would fail there."""
        self._add_row([f'<c r="A{self.rows + 1}"/>'])

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


def new_sheet(
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


def agent_columns(*, team: bool = True) -> list[Column]:
    """The columns that name the agent at the left of a per-agent sheet: 工号, 姓名 and (``team``) 团队."""
    columns = [Column(tr("工号", "Code"), 9), Column(tr("姓名", "Name"), 10)]
    return [*columns, Column(tr("团队", "Team"), 12)] if team else columns


def write_book(out_path: Path, title: str, fill: Callable[[SummaryBook], object]) -> Path:
    """A :class:`SummaryBook` titled ``title`` (page numbers in the footer), its sheets added by
    ``fill``, written to ``out_path`` through :func:`~app.reports.files.staged_output` (spooled in
    the stage, never half-written). A write failure a library reports its own way (lxml's
    ``IO_ENOSPC``) is raised as the :class:`OSError` behind it. Returns the written path."""
    out_path = Path(out_path)
    with staged_output(out_path.parent, durable=True) as stage:
        target = stage.path(out_path.name)
        book = SummaryBook(title=title, footer_text=tr("第 &P 页，共 &N 页", "Page &P of &N"), spool_dir=stage.scratch)
        try:
            fill(book)
            save_workbook(book.finish(), target)
        except BaseException as exc:
            book.discard()
            os_error = as_os_error(exc) if isinstance(exc, Exception) else None
            if os_error is None or os_error is exc:
                raise
            raise os_error from exc
    return stage.written[0]


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
