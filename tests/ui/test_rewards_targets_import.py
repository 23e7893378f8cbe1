"""The rewards page's 目标 tab: the targets import and its template, and each target's attainment so far."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.importers import parse_file
from app.services.plans import save_plan
from app.services.setup import initialise
from db.models import TargetValue
from db.session import Database
from tests.periods.scenario import plan_text
from ui.pages.rewards_page import RewardsPage

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> RewardsPage:
    with db.session_scope() as session:
        initialise(session)
        save_plan(session, plan_text())
    widget = RewardsPage(db)
    widget.set_month("2026-03")
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_import_targets_on_the_targets_tab(
    qtbot: QtBot, qtmodeltester: ModelTester, page: RewardsPage, db: Database, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    button = page.import_buttons["targets"]
    assert button.text() == "导入…" and button.isVisibleTo(page.targets)
    assert page.tabs.tabText(page.tabs.indexOf(page.targets)) == "目标"
    assert page.targets.model.rowCount() == 0
    path = tmp_path / "目标.csv"
    path.write_text("工号,目标,期间,目标值,奖金基数\nA001,q_premium,2026-Q1,100000,1200\n", encoding="utf-8-sig")
    monkeypatch.setattr(page, "ask_open_file", lambda: path)
    flow = page.import_file("targets")
    assert flow is not None
    qtbot.waitUntil(lambda: flow.dialog is not None, timeout=10_000)
    assert flow.dialog is not None
    assert flow.dialog.windowTitle().startswith("导入目标值")
    assert flow.dialog.count_labels["adds"].text() == "1"
    with qtbot.waitSignal(flow.committed, timeout=10_000):
        qtbot.mouseClick(flow.dialog.commit_button, Qt.MouseButton.LeftButton)
    with db.session_scope() as session:
        [row] = session.scalars(select(TargetValue)).all()
        assert (row.target, row.period, row.value, row.bonus) == ("q_premium", "2026-Q1", Decimal(100000),
                                                                 Decimal(1200))
    if flow.message is not None:
        flow.message.close()
    # the tab lists the value with the attainment so far (no policies yet: 0.00%, nothing due)
    model = page.targets.model
    assert model.rowCount() == 1
    cells = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert cells == ["A001", "张三", "季度保费目标", "2026-Q1", "100000", "0.00", "0.00%", "0", "0.00", "2026-03"]
    assert "1 个目标值" in page.targets.totals.text()
    qtmodeltester.check(model)


def test_the_targets_template_is_saved_and_imports_cleanly(
    page: RewardsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert page.template_buttons["targets"].text() == "导出模板…"
    monkeypatch.setattr(page, "ask_save_file", lambda suggested: tmp_path / suggested)
    saved = page.export_template("targets")
    assert saved == tmp_path / "目标导入模板.xlsx" and saved.exists()
    result = parse_file("targets", saved)
    assert result.ok and [(r.target, r.period) for r in result.rows] == [("q_premium", "2026-Q4")]
