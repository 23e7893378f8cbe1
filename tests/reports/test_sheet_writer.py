"""The summary's row writer against openpyxl's own cells: the same rows give the same workbook.

``SheetWriter`` serialises rows itself for speed (see ``app/reports/xlsx_writer.py``). Here
the same rows are also written the ordinary way, one openpyxl ``WriteOnlyCell`` per value,
and both files are read back with openpyxl and compared cell by cell: value, type, number
format, font, fill, border, alignment and quote prefix.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

from app.reports import xlsx_writer as sx
from app.reports.xlsx_writer import NUMBER_FORMATS, Column, SummaryBook, clean_text, needs_quote

COLUMNS = [
    Column("文本", 12),
    Column("金额", 12, "money"),
    Column("天数", 8, "days"),
    Column("次数", 8, "int"),
    Column("日期", 12, "date"),
    Column("系数", 8, "rate"),
]

ROWS: list[tuple[list[Any], str]] = [
    (["张三", Decimal("1234.56"), Decimal("21.5"), 3, date(2026, 10, 31), Decimal("0.35")], "plain"),
    (
        ["  leading and trailing  ", Decimal("-0.50"), Decimal("0"), 0, datetime(2026, 10, 1, 9, 30), None],
        "plain",
    ),
    (["a & b < c > d ]]> \"q\" 'a'", None, "", True, None, Decimal("1.2345")], "plain"),
    (['=HYPERLINK("http://x","y")', "+cmd|calc", "-2+3", "@SUM(1+1)", "#N/A", "\t=1+1"], "plain"),
    (["line\r\nbreak\ttab", "bell\x07gone", "长" * 40, False, "\x00", PurePosixPath("a/b")], "plain"),
    ([None, None, None, None, None, None], "plain"),
    (["合计", Decimal("98765432.10"), None, "", date(2026, 11, 1), Decimal("0.07")], "total"),
    ([1, "金牌", Decimal("95.50"), None, "", "=1+1"], "highlight"),
    (["小计", Decimal("-12.34"), None, "", date(2026, 11, 2), "=team"], "subtotal"),
]


def _reference_cell(ws: Any, value: Any, kind: str, variant: str) -> Cell | None:
    """The cell for ``value`` made the ordinary openpyxl way (the behaviour SheetWriter promises)."""
    cell = WriteOnlyCell(ws)
    if variant == "total":
        cell.font = sx._BOLD
        cell.border = sx._TOTAL_BORDER
    elif variant == "subtotal":
        cell.font = sx._BOLD
        cell.fill = sx._SUBTOTAL_FILL
        cell.border = sx._SUBTOTAL_BORDER
    elif variant == "highlight":
        cell.fill = sx._HIGHLIGHT_FILL
    if isinstance(value, str | PurePosixPath):
        value = clean_text(str(value))  # text with nothing left once cleaned is an empty cell
    if value is None or value == "":
        if variant == "plain":
            return None
        cell.number_format = NUMBER_FORMATS[kind]
        return cell
    if isinstance(value, Decimal | int | date):
        if isinstance(value, datetime):
            value = value.date()
        cell.value = int(value) if isinstance(value, bool) else value
        cell.number_format = NUMBER_FORMATS["date" if isinstance(value, date) else kind]
        return cell
    text = str(value)
    cell.value = text
    cell.data_type = "s"  # a string, never a formula
    cell.quotePrefix = needs_quote(text)
    return cell


def _write_reference(path: Path, rows: list[tuple[list[Any], str]]) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("S")
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(ws, column.header)
        cell.font, cell.fill, cell.border = sx._BOLD, sx._HEADER_FILL, sx._HEADER_BORDER
        cell.alignment = sx._HEADER_ALIGNMENT
        header.append(cell)
    ws.append(header)
    for values, variant in rows:
        ws.append([_reference_cell(ws, v, c.kind, variant) for v, c in zip(values, COLUMNS, strict=True)])
    wb.save(path)


def _write_fast(path: Path, rows: list[tuple[list[Any], str]]) -> None:
    book = SummaryBook()
    sheet = book.add_sheet("S", COLUMNS)
    for values, variant in rows:
        sheet.row(values, variant)
    book.finish().save(path)


def _cells(path: Path) -> list[list[tuple[Any, ...]]]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [
        [
            (
                c.coordinate,
                c.value,
                c.data_type,
                c.number_format,
                c.font.b,
                c.fill.fill_type,
                c.fill.fgColor.rgb,
                _side(c.border.top),
                _side(c.border.left),
                c.alignment.horizontal,
                c.alignment.wrap_text,
                c.quotePrefix,
            )
            for c in row
        ]
        for row in ws.iter_rows()
    ]


def _side(side: Any) -> str | None:
    return None if side is None else side.style


def test_rows_equal_openpyxl_own_cells(tmp_path: Path) -> None:
    _write_reference(tmp_path / "ref.xlsx", ROWS)
    _write_fast(tmp_path / "fast.xlsx", ROWS)
    expected, got = _cells(tmp_path / "ref.xlsx"), _cells(tmp_path / "fast.xlsx")
    assert len(got) == len(ROWS) + 1
    assert got == expected
    # spot checks that the comparison above is about real content
    assert got[1][1][1:4] == ("B2", 1234.56, "n", "#,##0.00")[1:4]
    assert got[2][0][1] == "  leading and trailing  "
    assert got[5][0][1] == "line\r\nbreak\ttab"
    assert got[6] == [] or all(c[1] is None for c in got[6])  # the empty row stays empty
    assert got[4][0][1:3] == ('=HYPERLINK("http://x","y")', "s") and got[4][0][-1] is True


def test_many_rows_arrive_in_order(tmp_path: Path) -> None:
    """More rows than one chunk handed to openpyxl: none lost, none reordered."""
    rows = [
        ([f"P{i:05d}", Decimal(i) / 100, None, i, date(2026, 10, 1 + i % 31), None], "plain")
        for i in range(1203)
    ]
    _write_fast(tmp_path / "fast.xlsx", rows)
    ws = openpyxl.load_workbook(tmp_path / "fast.xlsx").worksheets[0]
    values = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(values) == 1203
    assert [v[0] for v in values] == [f"P{i:05d}" for i in range(1203)]
    assert values[1202][1] == 12.02 and values[1202][3] == 1202
    assert ws.auto_filter.ref == "A1:F1204"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(max_size=40), min_size=1, max_size=6))
def test_any_text_reads_back_as_written(tmp_path: Path, texts: list[str]) -> None:
    rows = [([t, None, None, i, None, None], "plain") for i, t in enumerate(texts)]
    path = tmp_path / "t.xlsx"
    _write_fast(path, rows)
    ws = openpyxl.load_workbook(path).worksheets[0]
    got = [row[0] for row in ws.iter_rows(min_row=2, max_col=1)]
    for text, cell in zip(texts, got, strict=True):
        cleaned = clean_text(text)
        if cleaned == "":
            assert cell.value is None
        else:
            assert cell.value == cleaned and cell.data_type == "s"
            assert bool(cell.quotePrefix) == needs_quote(cleaned)


def test_a_second_reader_sees_the_same_values(tmp_path: Path) -> None:
    """python-calamine (a Rust reader, nothing shared with openpyxl) reads the fast file alike."""
    from python_calamine import CalamineWorkbook

    _write_fast(tmp_path / "fast.xlsx", ROWS)
    rows = CalamineWorkbook.from_path(str(tmp_path / "fast.xlsx")).get_sheet_by_index(0).to_python()
    assert rows[0] == [c.header for c in COLUMNS]
    assert rows[1] == ["张三", 1234.56, 21.5, 3, date(2026, 10, 31), 0.35]
    assert rows[2][0] == "  leading and trailing  " and rows[2][1] == -0.5
    assert rows[3][0] == "a & b < c > d ]]> \"q\" 'a'"
    assert rows[4] == ['=HYPERLINK("http://x","y")', "+cmd|calc", "-2+3", "@SUM(1+1)", "#N/A", "\t=1+1"]
    assert rows[5][0] == "line\r\nbreak\ttab" and rows[5][1] == "bellgone"
    assert rows[7][:2] == ["合计", 98765432.1]
