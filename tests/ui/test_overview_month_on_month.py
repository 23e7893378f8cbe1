"""概览: 环比 under the headline figures once the month before has a result."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.money import fmt_money
from app.services.demo import demo_months, fill_demo
from app.services.payroll import show_month
from db.session import Database
from ui.pages.overview_page import OverviewPage

from .loading import loaded

pytestmark = pytest.mark.gui
MONTHS = demo_months()


def test_month_on_month_shows_under_each_figure(qtbot: QtBot, tmp_path: Path) -> None:
    db = Database(tmp_path / "demo.sqlite3")
    try:
        with db.session_scope(write=True) as s:
            fill_demo(s)
        # the demo has calculated every month
        page = OverviewPage(db)
        qtbot.addWidget(page)
        page.show()
        page.set_month(MONTHS[1])
        loaded(page)  # read off the GUI thread
        with db.session_scope() as s:
            before, now = show_month(s, MONTHS[0]), show_month(s, MONTHS[1])
        net = page.figure_frames["net"].compare
        assert net.isVisible() and net.text().startswith("环比 ")
        assert f"{MONTHS[0]}：{fmt_money(before.net)}" in net.text()
        pct = (now.net - before.net) / before.net * 100
        assert f"{'+' if pct > 0 else ''}{pct.quantize(Decimal('0.1'))}%" in net.text()
        assert not page.figure_frames["warnings"].compare.isVisible()
        page.set_month(MONTHS[0])  # its month before has no result: no 环比
        loaded(page)
        assert not page.figure_frames["net"].compare.isVisible()
    finally:
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(5000)
        db.dispose()
