"""The summary workbook's 趋势 sheet: the months up to the exported one, with native Excel charts."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from app.services.demo import demo_months, fill_demo
from app.services.history import history
from app.services.reports import export_summary
from app.trends import COMPONENTS
from db.session import Database

TODAY = date(2026, 11, 15)
MONTHS = demo_months(TODAY)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Database]:
    db = Database(tmp_path / "demo.sqlite3")
    with db.session_scope(write=True) as s:
        fill_demo(s, today=TODAY)
    # the demo has calculated every month (the first two locked)
    yield db
    db.dispose()


def test_the_trend_sheet_lists_the_months_up_to_the_export_with_four_charts(demo: Database, tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsx"
    with demo.session_scope() as s:
        export_summary(s, MONTHS[1], out)  # the second month: the trend stops there
        expected = history(s, last=MONTHS[1])
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[-1] == "趋势"
    rows = list(book["趋势"].iter_rows(values_only=True))
    assert rows[0][:3] == ("月份", "人数", "基本工资")
    assert [r[0] for r in rows[1:]] == MONTHS[:2]
    for row, point in zip(rows[1:], expected.points, strict=True):
        assert row[1] == point.headcount
        assert [Decimal(str(v)) for v in row[2:2 + len(COMPONENTS)]] == [point.cost[k] for k in COMPONENTS]
        assert Decimal(str(row[2 + len(COMPONENTS)])) == point.net
    with zipfile.ZipFile(out) as z:
        charts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        assert len(charts) == 4
        first = z.read(charts[0]).decode("utf-8")
    assert "<barChart>" in first and "'趋势'!C1" in first and "'趋势'!$C$2:$C$3" in first and "'趋势'!$A$2:$A$3" in first


def test_one_month_has_no_trend_sheet(demo: Database, tmp_path: Path) -> None:
    out = tmp_path / "first.xlsx"
    with demo.session_scope() as s:
        export_summary(s, MONTHS[0], out)
    assert "趋势" not in openpyxl.load_workbook(out).sheetnames
