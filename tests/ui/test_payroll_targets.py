"""The payroll page shows each agent's attainment so far of the targets of the periods the month falls in
(issue #14): in the selected agent's explanation, and in a tab of every agent's targets — before the month is
calculated too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.services.imports import commit_import
from app.services.payroll import calculate_month
from db.session import Database
from tests.periods.scenario import make_db, write
from ui.pages.payroll_page import PayrollPage

pytestmark = pytest.mark.gui

SALES = "policy_no,code,product,premium,sign_date\nP-10,A001,L10,60000,2026-10-12\nP-11,A001,L10,20000,2026-11-12\n"
TARGETS = "工号,目标,期间,目标值\nA001,q_premium,2026-Q4,100000\nA002,q_answer,2026-Q4,95%\n"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = make_db(tmp_path / "db")
    with database.session_scope() as s:
        commit_import(s, "sales", write(tmp_path, "sales.csv", SALES))
        commit_import(s, "targets", write(tmp_path, "targets.csv", TARGETS))
    yield database
    database.dispose()


def _page(qtbot: QtBot, db: Database) -> PayrollPage:
    page = PayrollPage(db)
    qtbot.addWidget(page)
    page.set_month("2026-11")
    page.show()
    return page


def test_the_tab_lists_every_target_before_the_month_is_calculated(qtbot: QtBot, db: Database) -> None:
    page = _page(qtbot, db)
    index = page.tabs.indexOf(page.targets_view)
    assert page.tabs.isTabVisible(index) and page.tabs.tabText(index) == "目标达成"
    model = page.targets_model
    rows = {(model.record(r).agent_code, model.record(r).target): model.data(model.index(r, 6)) for r in range(model.rowCount())}
    assert rows == {("A001", "q_premium"): "80.00%", ("A002", "q_answer"): ""}  # A002: no metric value yet
    page.close()


def test_the_selected_agents_explanation_shows_the_attainment_so_far(qtbot: QtBot, db: Database) -> None:
    with db.session_scope() as s:
        calculate_month(s, "2026-11")
    page = _page(qtbot, db)
    assert page.select_code("A001")
    detail = page.detail
    assert detail.targets_title.isVisibleTo(page) and detail.targets_title.text() == "目标达成（截至本月）"
    assert detail.targets_text.text() == (
        "• 季度保费目标 2026-Q4：标准保费 80000.00 / 目标 100000 = 80.00%，按目前 0.5 × 1000.00 = 500.00（2026-12 发放）")
    assert page.select_code("A003")  # no target value: no block
    assert not detail.targets_title.isVisibleTo(page) and detail.targets_text.text() == ""
    page.close()


def test_a_month_outside_every_target_period_hides_the_tab(qtbot: QtBot, db: Database) -> None:
    page = _page(qtbot, db)
    page.set_month("2026-09")
    assert not page.tabs.isTabVisible(page.tabs.indexOf(page.targets_view))
    page.close()
