from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.importers.templates import write_template
from app.services.agents import list_agents
from db.session import Database
from ui.dialogs.import_preview import ImportPreviewDialog
from ui.pages.agents_page import AgentsPage

pytestmark = pytest.mark.gui

GOOD = "工号,姓名,岗位,团队,底薪,入职日期\nC001,孙七,电话接听岗,三组,4100,2025-01-05\nA001,张三,电话回访岗,一组,4500,2024-01-01\n"
BAD = (
    "工号,姓名,岗位,团队,底薪,入职日期,怪列\n"
    "C001,孙七,电话接听岗,三组,-4100,2025-01-05,x\n"
    "C002,,电话接听岗,三组,4100,2025-13-05,y\n"
)


def cell(dialog: ImportPreviewDialog, row: int, col: int) -> str:
    item = dialog.table.item(row, col)
    assert item is not None
    return item.text()


@dataclass
class FakeProblem:
    file: str
    row: int | None
    column: str | None
    text: str

    def message(self, lang: str = "zh") -> str:
        return self.text


@dataclass
class FakeResult:
    kind: str
    file: str
    adds: int = 0
    updates: int = 0
    problems: list[FakeProblem] = field(default_factory=list)
    warnings: list[FakeProblem] = field(default_factory=list)


def test_preview_dialog_is_generic_and_blocks_commit_on_problems(qtbot: QtBot) -> None:
    result = FakeResult(
        "sales",
        "/x/sales.xlsx",
        adds=3,
        problems=[FakeProblem("sales.xlsx", 4, "保费", "不是数字")],
        warnings=[FakeProblem("sales.xlsx", 1, "备注2", "未知的列")],
    )
    dialog = ImportPreviewDialog(result)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle().startswith("导入保单")
    assert not dialog.commit_button.isEnabled()
    assert dialog.count_labels["problems"].text() == "1"
    assert dialog.count_labels["warnings"].text() == "1"
    cells = [[cell(dialog, r, c) for c in range(4)] for r in range(dialog.table.rowCount())]
    assert cells == [["问题", "4", "保费", "不是数字"], ["提示", "1", "备注2", "未知的列"]]
    dialog.accept()  # refused while there are problems
    assert dialog.result() == 0

    ok = ImportPreviewDialog(FakeResult("qa", "qa.csv", adds=2, updates=1))
    qtbot.addWidget(ok)
    assert ok.commit_button.isEnabled()
    assert not ok.table.isVisibleTo(ok)
    assert "新增 2 条、更新 1 条" in ok.summary.text()

    empty = ImportPreviewDialog(FakeResult("qa", "qa.csv"))
    qtbot.addWidget(empty)
    assert not empty.commit_button.isEnabled()


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> AgentsPage:
    widget = AgentsPage(db)
    widget.set_month("2025-03")
    qtbot.addWidget(widget)
    widget.show()
    return widget


def start_import(
    qtbot: QtBot, page: AgentsPage, monkeypatch: pytest.MonkeyPatch, path: Path
) -> ImportPreviewDialog:
    monkeypatch.setattr(page, "ask_open_file", lambda: path)
    flow = page.import_file()
    assert flow is not None
    qtbot.waitUntil(lambda: flow.dialog is not None, timeout=10_000)
    assert flow.dialog is not None
    return flow.dialog


def test_import_good_csv_previews_then_commits(
    qtbot: QtBot, page: AgentsPage, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "人员.csv"
    path.write_text(GOOD, encoding="utf-8-sig")
    dialog = start_import(qtbot, page, monkeypatch, path)
    assert dialog.count_labels["adds"].text() == "1"
    assert dialog.count_labels["updates"].text() == "1"
    assert dialog.count_labels["problems"].text() == "0"
    assert dialog.commit_button.isEnabled()
    with db.session_scope() as session:
        assert "C001" not in {a.code for a in list_agents(session)}  # preview wrote nothing

    assert page.import_flow is not None
    with qtbot.waitSignal(page.import_flow.committed, timeout=10_000):
        qtbot.mouseClick(dialog.commit_button, Qt.MouseButton.LeftButton)
    with db.session_scope() as session:
        agents = {a.code: a for a in list_agents(session)}
    assert agents["C001"].name == "孙七"
    assert agents["A001"].base_salary == Decimal("4500")
    assert page.model.row_of("C001") >= 0  # the table refreshed
    assert page.import_flow.message is not None
    assert "新增 1 条，更新 1 条" in page.import_flow.message.text()
    page.import_flow.message.close()
    qtbot.waitUntil(page.import_button.isEnabled)


def test_import_bad_csv_lists_problems_and_writes_nothing(
    qtbot: QtBot, page: AgentsPage, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    dialog = start_import(qtbot, page, monkeypatch, path)
    assert not dialog.commit_button.isEnabled()
    assert dialog.count_labels["problems"].text() == "3"
    assert dialog.count_labels["warnings"].text() == "1"
    rows = [
        (cell(dialog, r, 0), cell(dialog, r, 1), cell(dialog, r, 2)) for r in range(dialog.table.rowCount())
    ]
    assert ("问题", "2", "底薪(base_salary)") in [
        (k, r, c.replace("（", "(").replace("）", ")")) for k, r, c in rows
    ]
    assert any(k == "提示" and c == "怪列" for k, _, c in rows)
    assert "不能为负数" in cell(dialog, 0, 3)
    qtbot.mouseClick(dialog.commit_button, Qt.MouseButton.LeftButton)  # disabled: nothing happens
    dialog.reject()
    with db.session_scope() as session:
        assert [a.code for a in list_agents(session)] == ["A001", "A002", "B001", "B002"]
    qtbot.waitUntil(page.import_button.isEnabled)


def test_cancelled_file_dialog_does_nothing(page: AgentsPage, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page, "ask_open_file", lambda: None)
    assert page.import_file() is None
    monkeypatch.setattr(page, "ask_save_file", lambda suggested: None)
    assert page.export_template() is None


def test_export_template(page: AgentsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def ask(suggested: str) -> Path:
        asked.append(suggested)
        return tmp_path / "模板"

    monkeypatch.setattr(page, "ask_save_file", ask)
    path = page.export_template()
    assert asked == ["人员导入模板.xlsx"]
    assert path == tmp_path / "模板.xlsx" and path.exists()
    write_template("agents", tmp_path / "expected.xlsx")
    headers = [c.value for c in next(load_workbook(path).worksheets[0].iter_rows(max_row=1))]
    expected = [c.value for c in next(load_workbook(tmp_path / "expected.xlsx").worksheets[0].iter_rows(max_row=1))]
    assert headers == expected and "工号" in headers and "底薪" in headers
    assert page.message is not None and str(path) in page.message.text()
    page.message.close()


def test_the_preview_lists_at_most_list_limit_problems_and_says_how_many_more(qtbot: QtBot) -> None:
    from app.importers.problems import LIST_LIMIT

    problems = [FakeProblem("sales.csv", i + 2, "工号", "工号不存在 " + "x" * 2000) for i in range(LIST_LIMIT + 250)]
    dialog = ImportPreviewDialog(FakeResult("sales", "sales.csv", problems=problems))
    qtbot.addWidget(dialog)
    assert dialog.count_labels["problems"].text() == str(LIST_LIMIT + 250)  # the count is the whole count
    assert dialog.table.rowCount() == LIST_LIMIT + 1
    assert cell(dialog, LIST_LIMIT, 3).startswith("……另有 250 个问题未列出")
    assert len(cell(dialog, 0, 3)) <= 500  # an explanation is one readable line
