"""The plan page with a ``schema = 2`` plan (docs/pay-rules.md §7): its scopes, product groups and
indicator kinds are shown read-only, with whom each scope matches now, and saving an edit made on
the other tabs keeps them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.plan.toml_io import load_plan
from app.resources import read_text
from app.services.plans import plan_for_month, save_plan
from app.services.setup import initialise
from db.session import Database
from tests.ui.test_plan_page import make_page, set_cell

pytestmark = pytest.mark.gui

POSTS = read_text("plans/posts_schema2.toml")


@pytest.fixture
def posts_db(db: Database) -> Database:
    """The test agents (A001 电话回访岗, A002 电话接听岗, B001 电话咨诉岗; B002 has left) and the posts plan."""
    with db.session_scope() as session:
        initialise(session)
        save_plan(session, POSTS, source="posts_schema2.toml")
    return db


def test_a_schema_1_plan_hides_the_tab(qtbot: QtBot, db: Database) -> None:
    with db.session_scope() as session:
        initialise(session)
    page = make_page(qtbot, db)
    assert not page.editor.isTabVisible(page.editor.schema2_tab)


def test_scopes_groups_and_kinds_are_shown_with_their_agents(qtbot: QtBot, posts_db: Database) -> None:
    page = make_page(qtbot, posts_db)
    editor = page.editor
    assert editor.isTabVisible(editor.schema2_tab)
    rows = editor.schema2.items()
    assert ("L10", "10年期年交寿险 → 组 life") in rows
    assert ("accident 意外险", "全额累进：0 起 5%，5000 起 8%") in rows
    texts = [f"{a} | {b}" for a, b in rows]
    assert any(t.startswith("callback 电话回访岗") for t in texts)
    # in scope order: 电话回访岗 (A001), 电话接听岗 (A002; B002 has left), 电话咨诉岗 (B001)
    assert [t for t in texts if t.startswith("当前匹配")] == [
        "当前匹配 1 人 | A001 张三",
        "当前匹配 1 人 | A002 李四",
        "当前匹配 1 人 | B001 王五",
    ]
    assert any("相对最高值（话务指标）" in t for t in texts)
    assert any("按次计分（成立的投诉）：热线 -3，市级 -5，省级 -8；最多扣 30" in t for t in texts)
    assert any("分档（话务指标）：≥ 85 → 100，≥ 60 → 95，≥ 0 → 90" in t for t in texts)
    assert any("直接评分（话务指标）：数值即得分；最多扣 20，最多加 10" in t for t in texts)
    assert "月度优秀奖 | 各岗位内分别评比" in texts
    assert page.problems == []  # the loaded document validates as it is


def test_saving_an_edit_keeps_the_schema_2_sections(qtbot: QtBot, posts_db: Database) -> None:
    page = make_page(qtbot, posts_db)
    set_cell(page, "commission.tiers", 1, "rate", "3.5%")
    assert page.problems == []
    dialog = page.save_as_new_version()
    assert dialog is not None
    dialog.effective_from.setText("2026-11")
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with posts_db.session_scope() as session:
        _, november = plan_for_month(session, "2026-11")
    original = load_plan(POSTS)
    assert november.commission.tiers[1].rate == Decimal("0.035")
    assert november.scopes == original.scopes
    assert november.commission.groups == original.commission.groups
    assert november.products == original.products
    assert november.kpi == original.kpi and november.awards == original.awards
