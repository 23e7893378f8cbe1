"""Saving a schema-2 plan from the plan editor keeps its targets and awards (docs/pay-rules.md §8),
which the editor does not show yet, instead of silently dropping them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.plans import plan_for_month, save_plan
from app.services.setup import initialise
from db.session import Database
from tests.periods.scenario import Q_TOP_AWARD, SECTIONS, plan_text, team_award
from ui.pages.plan_page import PlanPage
from ui.widgets.plan_save_dialog import PlanSaveDialog

pytestmark = pytest.mark.gui

EXTRA = SECTIONS + Q_TOP_AWARD + team_award(500)


def test_an_edit_saved_as_a_new_version_keeps_the_targets(qtbot: QtBot, empty_db: Database) -> None:
    with empty_db.session_scope() as session:
        initialise(session)
        save_plan(session, plan_text(EXTRA, effective_from="2026-02"))
    page = PlanPage(empty_db)
    qtbot.addWidget(page)
    page.set_month("2026-10")
    page.show()
    model = page.editor.tables["commission.tiers"].model
    assert model.setData(model.index(1, model.column_of("rate")), "3.5%", Qt.ItemDataRole.EditRole)
    assert page.problems == []
    dialog = page.save_as_new_version()
    assert isinstance(dialog, PlanSaveDialog)
    dialog.effective_from.setText("2026-11")
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with empty_db.session_scope() as session:
        _, before = plan_for_month(session, "2026-10")
        _, after = plan_for_month(session, "2026-11")
    assert after.commission.tiers[1].rate == Decimal("0.035")
    assert after.schema == 2
    assert (after.targets, after.period_awards, after.team_award) == (
        before.targets, before.period_awards, before.team_award)
    assert [t.code for t in after.targets] == ["q_premium", "m_policies", "q_answer"]
    assert after.team_award is not None and after.team_award.amount == Decimal(500)
