"""考勤 page: the month grid, typing like Excel, paste/copy, locked months. Runs offscreen."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import insert, select

from app.i18n import set_language
from app.services.agents import AgentInput, add_agent
from app.services.attendance import DAY_HOLIDAY, DAY_MAKEUP, DAY_WEEKEND, DAY_WORKDAY, month_grid
from db.models import Agent, AttendanceRecord, AuditLog, MonthStatus
from db.session import Database
from ui.models.attendance_grid import (
    DAY_COLOURS,
    OUTSIDE_COLOUR,
    TOTAL_COLUMNS,
    AttendanceGridModel,
    AttendanceProxy,
    DayKindRole,
    EmployedRole,
)
from ui.pages.attendance_page import AttendancePage

from .typing_helpers import type_text

pytestmark = pytest.mark.gui

MONTH = "2026-10"
TOTAL = {key: i for i, (key, *_rest) in enumerate(TOTAL_COLUMNS)}


def recs(db: Database) -> list[tuple[str, date, str, int | None, Decimal | None]]:
    with db.session_scope() as s:
        rows = s.execute(
            select(Agent.code, AttendanceRecord.date, AttendanceRecord.kind, AttendanceRecord.minutes,
                   AttendanceRecord.days)
            .join(Agent, Agent.id == AttendanceRecord.agent_id)
            .order_by(AttendanceRecord.id)
        )  # fmt: skip
        return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> AttendancePage:
    with db.session_scope() as s:
        add_agent(s, AgentInput("C001", "孙七", Decimal(3000), date(2026, 10, 12)))  # joins mid-month
    widget = AttendancePage(db)
    qtbot.addWidget(widget)
    widget.set_month(MONTH)
    widget.resize(1300, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def cell(page: AttendancePage, code: str, day: int) -> QModelIndex:
    row = page.model.row_of(code)
    col = page.model.column_of(date(2026, 10, day))
    return page.proxy.mapFromSource(page.model.index(row, col))


def select_cell(page: AttendancePage, code: str, day: int) -> QModelIndex:
    index = cell(page, code, day)
    page.table.setFocus()
    page.table.setCurrentIndex(index)
    return index


def total(page: AttendancePage, code: str, key: str) -> object:
    model = page.model
    return model.data(model.index(model.row_of(code), model.day_count + TOTAL[key]))


def test_model_and_proxy_pass_the_model_tester(qtmodeltester: ModelTester, db: Database) -> None:
    model = AttendanceGridModel()
    with db.session_scope() as session:
        model.set_grid(month_grid(session, MONTH))
    qtmodeltester.check(model, force_py=True)
    proxy = AttendanceProxy()
    proxy.setSourceModel(model)
    proxy.set_search("一组")
    qtmodeltester.check(proxy, force_py=True)


def test_grid_shows_agents_days_and_shading(page: AttendancePage) -> None:
    model = page.model
    assert model.rowCount() == 4  # A001 A002 B001 C001; B002 left in 2025
    assert model.columnCount() == 31 + len(TOTAL_COLUMNS)
    assert model.headerData(0, Qt.Orientation.Vertical) == "A001  张三"

    def col(day: int) -> int:
        return model.column_of(date(2026, 10, day))

    header = model.headerData(col(3), Qt.Orientation.Horizontal)
    assert header == "3\n六\n休"
    assert model.headerData(col(10), Qt.Orientation.Horizontal) == "10\n六\n班"
    assert model.headerData(col(8), Qt.Orientation.Horizontal) == "8\n四"
    index = model.index(0, col(3))
    assert model.data(index, DayKindRole) == DAY_HOLIDAY
    for day, kind in ((3, DAY_HOLIDAY), (10, DAY_MAKEUP), (11, DAY_WEEKEND)):
        index = model.index(0, col(day))
        assert model.data(index, DayKindRole) == kind
        brush = model.data(index, Qt.ItemDataRole.BackgroundRole)
        assert isinstance(brush, QBrush) and brush.color() == DAY_COLOURS[kind]
    assert model.data(model.index(0, col(8)), DayKindRole) == DAY_WORKDAY
    assert model.data(model.index(0, col(8)), Qt.ItemDataRole.BackgroundRole) is None
    assert len({c.name() for c in DAY_COLOURS.values()} | {OUTSIDE_COLOUR.name()}) == 4

    # C001 joined on the 12th: earlier cells are grey and cannot be edited.
    c001 = model.row_of("C001")
    before = model.index(c001, col(9))
    assert model.data(before, EmployedRole) is False
    assert model.data(before, Qt.ItemDataRole.BackgroundRole).color() == OUTSIDE_COLOUR
    assert not model.flags(before) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(c001, col(12))) & Qt.ItemFlag.ItemIsEditable
    assert total(page, "C001", "employed_workdays") == "15"
    assert total(page, "A001", "employed_workdays") == "18"
    assert not page.banner.isVisibleTo(page)


def test_typing_a_code_writes_one_record(qtbot: QtBot, page: AttendancePage, db: Database) -> None:
    index = select_cell(page, "A001", 9)
    type_text(qtbot, page.table, "迟")  # the input method commits the character into a new editor
    editor = page.table.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    assert editor.text() == "迟"
    qtbot.keyClicks(editor, "15")
    with qtbot.waitSignal(page.data_changed, timeout=2000) as changed:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert changed.args == ["attendance"]
    assert recs(db) == [("A001", date(2026, 10, 9), "late", 15, None)]
    assert page.proxy.data(index) == "迟15"
    assert total(page, "A001", "late_count") == "1" and total(page, "A001", "late_minutes") == "15"
    qtbot.waitUntil(lambda: page.table.indexWidget(index) is None)
    below = page.table.currentIndex()
    assert (below.row(), below.column()) == (index.row() + 1, index.column())  # Enter moves down
    with db.session_scope() as s:
        assert [
            (a.before, a.after) for a in s.scalars(select(AuditLog).where(AuditLog.entity == "attendance"))
        ] == [("", "迟15")]


def test_typing_pinyin_and_enter_moves_down(qtbot: QtBot, page: AttendancePage, db: Database) -> None:
    index = select_cell(page, "A001", 12)
    qtbot.keyClicks(page.table, "s")
    editor = page.table.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "hi0.5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: recs(db) == [("A001", date(2026, 10, 12), "personal", None, Decimal("0.5"))])
    assert page.proxy.data(index) == "事0.5"


def test_bad_text_is_not_written_and_says_why(qtbot: QtBot, page: AttendancePage, db: Database) -> None:
    index = select_cell(page, "A001", 9)
    type_text(qtbot, page.table, "迟")
    editor = page.table.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "分钟" in page.status.text())
    assert "A001 10月9日" in page.status.text()
    assert recs(db) == []
    # The editor stays on the cell with the typed text so it can be corrected.
    qtbot.waitUntil(lambda: isinstance(page.table.indexWidget(index), QLineEdit))
    editor = page.table.indexWidget(index)
    assert isinstance(editor, QLineEdit) and editor.text() == "迟"
    assert page.table.currentIndex() == index
    qtbot.keyClicks(editor, "5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: recs(db) == [("A001", date(2026, 10, 9), "late", 5, None)])


def test_typing_on_a_day_before_hire_explains(qtbot: QtBot, page: AttendancePage, db: Database) -> None:
    index = select_cell(page, "C001", 9)
    qtbot.keyClicks(page.table, "k")
    assert page.table.indexWidget(index) is None
    assert "不在职" in page.status.text()
    assert recs(db) == []


def test_paste_a_block_from_excel(qtbot: QtBot, page: AttendancePage, db: Database) -> None:
    QApplication.clipboard().setText("迟5\t\t事0.5\r\n空\t早10\t\r\n")
    select_cell(page, "A001", 12)
    with qtbot.waitSignal(page.data_changed, timeout=2000):
        page.paste_action.trigger()
    assert recs(db) == [
        ("A001", date(2026, 10, 12), "late", 5, None),
        ("A001", date(2026, 10, 14), "personal", None, Decimal("0.5")),
        ("A002", date(2026, 10, 12), "away", None, None),
        ("A002", date(2026, 10, 13), "early_leave", 10, None),
    ]
    assert page.proxy.data(cell(page, "A002", 13)) == "早10"
    assert total(page, "A001", "personal") == "0.5"
    assert len(page.table.selectionModel().selectedIndexes()) == 6  # the pasted block is selected

    # Copy gives the same block back.
    QApplication.clipboard().clear()
    page.copy_action.trigger()
    assert QApplication.clipboard().text() == "迟5\t\t事0.5\n空\t早10\t"


def test_paste_follows_the_search_filter(qtbot: QtBot, page: AttendancePage, db: Database) -> None:
    page.search.setText("二组")  # only B001 (and the team-less C001 is hidden)
    assert page.proxy.rowCount() == 1
    QApplication.clipboard().setText("旷")
    select_cell(page, "B001", 13)
    page.paste_action.trigger()
    assert recs(db) == [("B001", date(2026, 10, 13), "absence", None, Decimal(1))]


def test_a_bad_block_writes_nothing(qtbot: QtBot, page: AttendancePage, db: Database) -> None:
    QApplication.clipboard().setText("迟5\t迟\n空\t早10\n")
    select_cell(page, "A001", 12)
    with qtbot.assertNotEmitted(page.data_changed):
        assert page.paste_action.isEnabled()
        page.paste_action.trigger()
    assert recs(db) == []
    assert "A001 10月13日" in page.status.text() and "分钟" in page.status.text()
    assert page.proxy.data(cell(page, "A001", 12)) == ""

    # A block reaching into C001's days before hire is refused too.
    QApplication.clipboard().setText("迟5\n迟5\n迟5\n迟5\n")
    select_cell(page, "A001", 9)
    page.paste_action.trigger()
    assert "C001" in page.status.text() and "不在职" in page.status.text()
    assert recs(db) == []


def test_one_value_fills_a_selection_and_delete_clears(
    qtbot: QtBot, page: AttendancePage, db: Database
) -> None:
    selection = page.table.selectionModel()
    select_cell(page, "A001", 12)
    selection.select(
        QItemSelection(cell(page, "A001", 12), cell(page, "A002", 13)),
        QItemSelectionModel.SelectionFlag.ClearAndSelect,
    )
    QApplication.clipboard().setText("病\n")
    page.paste_action.trigger()
    assert len(recs(db)) == 4 and {r[2] for r in recs(db)} == {"sick"}
    assert total(page, "A002", "sick") == "2"

    page.table.setFocus()
    with qtbot.waitSignal(page.data_changed):
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert recs(db) == []
    assert page.proxy.data(cell(page, "A001", 12)) == ""
    assert total(page, "A002", "sick") == ""


def test_locked_month_is_read_only(qtbot: QtBot, db: Database) -> None:
    with db.session_scope() as s:
        s.add(MonthStatus(month=MONTH, status="locked"))
    page = AttendancePage(db)
    qtbot.addWidget(page)
    page.set_month(MONTH)
    page.show()
    qtbot.waitExposed(page)
    assert page.banner.isVisible()
    assert "本月已锁定，只读" in page.banner.text()
    model = page.model
    index = model.index(0, model.column_of(date(2026, 10, 9)))
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(index, "迟5")
    proxy_index = select_cell(page, "A001", 9)
    qtbot.keyClicks(page.table, "c")
    assert page.table.indexWidget(proxy_index) is None
    assert "本月已锁定" in page.status.text()
    assert not page.paste_action.isEnabled()
    QApplication.clipboard().setText("迟5")
    assert not page.paste()
    assert recs(db) == []


def test_export_template_uses_the_replaceable_dialog(
    qtbot: QtBot, page: AttendancePage, tmp_path: Path
) -> None:
    target = tmp_path / "考勤模板"
    page.ask_save_file = lambda suggested: target  # type: ignore[method-assign]
    saved = page.export_template()
    assert saved == target.with_name("考勤模板.xlsx") and saved.exists()
    assert page.message is not None
    page.message.close()
    page.ask_open_file = lambda: None  # type: ignore[method-assign]
    assert page.import_file() is None


def test_300_agents_load_into_the_grid(qtbot: QtBot, empty_db: Database) -> None:
    with empty_db.session_scope() as s:
        s.execute(
            insert(Agent),
            [{"code": f"P{i:04d}", "name": f"员工{i}", "base_salary": Decimal(4000), "hire_date": date(2024, 1, 1)}
             for i in range(300)],
        )  # fmt: skip
        ids = list(s.scalars(select(Agent.id)))
        s.execute(
            insert(AttendanceRecord),
            [{"agent_id": a, "date": date(2026, 10, 1) + timedelta(days=d), "kind": "late", "minutes": 5}
             for a in ids for d in range(0, 31, 3)],
        )  # fmt: skip
    page = AttendancePage(empty_db)
    qtbot.addWidget(page)
    page.resize(1400, 850)
    page.show()
    page.set_month(MONTH)
    QApplication.processEvents()
    assert page.model.rowCount() == 300  # speed is measured by benchmarks/bench_attendance.py


def test_english_interface_reads_and_shows_english_words(qtbot: QtBot, db: Database) -> None:
    set_language("en")
    page = AttendancePage(db)
    qtbot.addWidget(page)
    page.set_month(MONTH)
    model = page.model
    assert model.headerData(model.column_of(date(2026, 10, 3)), Qt.Orientation.Horizontal) == "3\nSa\noff"
    index = model.index(0, model.column_of(date(2026, 10, 9)))
    assert model.setData(index, "late15 away")
    assert model.data(index) == "late15 away"
    assert recs(db) == [
        ("A001", date(2026, 10, 9), "late", 15, None),
        ("A001", date(2026, 10, 9), "away", None, None),
    ]
    assert not model.setData(index, "late")
    assert "late needs the minutes" in page.status.text()
