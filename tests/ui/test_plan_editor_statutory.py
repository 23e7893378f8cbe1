"""The plan editor has no [statutory] form yet, so it must keep the section when a plan is edited and saved."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.plan.toml_io import default_plan_text, load_plan, plan_from_dict, plan_to_dict

pytestmark = pytest.mark.gui


def test_editing_a_plan_keeps_its_statutory_section(qtbot: QtBot) -> None:
    from ui.widgets.plan_editor import PlanEditor

    plan = load_plan(default_plan_text().replace("schema = 1", "schema = 2", 1) + '\n[statutory]\nsocial_insurance = [ { code = "pension", rate = 0.08 } ]\n')
    editor = PlanEditor()
    qtbot.addWidget(editor)
    editor.load(plan_to_dict(plan))
    doc, problems = editor.document()
    assert problems == []
    assert plan_from_dict(doc).statutory == plan.statutory
