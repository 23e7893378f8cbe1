"""从示例开始 on the plan page: each shipped example plan (app/plan/examples.py) goes into the forms unsaved,
validates, saves as a version through the save dialog, and comes back from the database and from
``plan export`` exactly as the file says."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.plan.examples import EXAMPLE_PLANS, ExamplePlan
from db.session import Database
from tests.ui.test_plan_editor_v2 import assert_round_trip, save
from tests.ui.test_plan_page import make_page

pytestmark = pytest.mark.gui


def test_the_menu_lists_every_example(qtbot: QtBot, plan_db: Database) -> None:
    page = make_page(qtbot, plan_db)
    assert page.example_button.isVisible() and page.example_button.menu() is page.example_menu
    actions = page.example_menu.actions()
    assert [a.data() for a in actions] == [e.file for e in EXAMPLE_PLANS]
    assert [a.text() for a in actions] == [e.title.zh for e in EXAMPLE_PLANS]
    assert all(a.toolTip() for a in actions)


@pytest.mark.parametrize("example", EXAMPLE_PLANS, ids=[e.file for e in EXAMPLE_PLANS])
def test_an_example_loads_unsaved_then_saves_and_exports_unchanged(
    qtbot: QtBot, plan_db: Database, tmp_path: Path, example: ExamplePlan
) -> None:
    page = make_page(qtbot, plan_db, "2026-11")
    action = next(a for a in page.example_menu.actions() if a.data() == example.file)
    action.trigger()
    assert page.example is example and page.dirty and page.shown is None
    assert page.problems == [], page.problems
    assert example.title.zh in page.subtitle.text() and example.title.zh in page.status.text()
    assert page.editor.schema == 2 and page.editor.text("effective_from") == "2026-11"
    assert page.save_button.isEnabled() and page.revert_button.isEnabled()
    save(qtbot, page, "2026-11")
    assert page.example is None and not page.dirty
    assert_round_trip(plan_db, "2026-11", tmp_path, replace(example.plan(), effective_from="2026-11"), page)


def test_unsaved_edits_are_kept_unless_the_user_discards_them(qtbot: QtBot, plan_db: Database) -> None:
    page = make_page(qtbot, plan_db)
    page.editor.set_text("name", "改过的方案")
    page._on_edited()
    assert page.dirty
    box = page.start_from_example("call_centre_18.toml")
    assert isinstance(box, QMessageBox)
    keep = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole)
    keep.click()
    assert page.example is None and page.editor.text("name") == "改过的方案"
    box = page.start_from_example("call_centre_18.toml")
    assert isinstance(box, QMessageBox)
    discard = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
    discard.click()
    assert page.example is not None and page.editor.text("name") == "呼叫中心18项考核方案（示例）"
    assert page.editor.v2.indicators.model.rowCount() == 18
    page.revert()  # 放弃修改: back to the version in force
    assert page.example is None and not page.dirty and page.editor.text("name") == "客服提成方案 2026"
