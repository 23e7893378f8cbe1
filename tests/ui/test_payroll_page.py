"""月度核算 page on the docs/pay-rules.md §6 worked example: calculate, explain, compare, lock, unlock,
hand out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services.payroll import calculate_month, show_month
from app.services.payroll_view import diff_results, month_warnings
from db.models import Adjustment, Agent, AuditLog
from db.session import Database
from ui.models.payroll_panels import ChangesModel, PayLinesModel, WarningsModel
from ui.models.payroll_table import COLUMN_KEYS, PayrollModel, PayrollProxy, PayrollTotalsModel
from ui.pages.payroll_page import PayrollPage

pytestmark = pytest.mark.gui

MONTH = "2026-10"
COL = {key: i for i, key in enumerate(COLUMN_KEYS)}


class Recorder:
    """Stands in for the page's dialogs and the system viewer, and remembers what was asked."""

    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.questions: list[tuple[str, str]] = []
        self.urls: list[QUrl] = []
        self.printed: list[Path] = []

    def confirm(self, title: str, text: str) -> bool:
        self.questions.append((title, text))
        return self.answer

    def open_url(self, url: QUrl) -> bool:
        self.urls.append(url)
        return True

    def print_file(self, path: Path) -> bool:
        self.printed.append(path)
        return True


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def page(qtbot: QtBot, example_db: Database, recorder: Recorder, tmp_path: Path) -> PayrollPage:
    widget = PayrollPage(example_db)
    widget.confirm = recorder.confirm  # type: ignore[method-assign]
    widget.open_url = recorder.open_url  # type: ignore[method-assign]
    widget.print_file = recorder.print_file  # type: ignore[method-assign]
    widget.make_temp_dir = lambda: Path(tmp_path / "preview")  # type: ignore[method-assign]
    qtbot.addWidget(widget)
    widget.set_month(MONTH)
    widget.resize(1400, 860)
    widget.show()
    return widget


def run(qtbot: QtBot, page: PayrollPage, action: str) -> Any:
    """Start an action that runs off the GUI thread and wait until it has ended."""
    op = getattr(page, action)()
    assert op is not None, action
    with qtbot.waitSignal(op.finished, timeout=30000):
        pass
    return op


def calculate(qtbot: QtBot, page: PayrollPage) -> None:
    with qtbot.waitSignal(page.data_changed, timeout=30000) as blocker:
        assert page.calculate() is not None
    assert blocker.args == ["payroll"]
    qtbot.waitUntil(lambda: page.op is None)


def cell(page: PayrollPage, code: str, key: str) -> str:
    proxy = page.proxy
    for r in range(proxy.rowCount()):
        if proxy.data(proxy.index(r, COL["code"])) == code:
            return str(proxy.data(proxy.index(r, COL[key])))
    raise KeyError(code)


def shown_codes(page: PayrollPage) -> list[str]:
    return [page.proxy.data(page.proxy.index(r, COL["code"])) for r in range(page.proxy.rowCount())]


def totals(page: PayrollPage, key: str) -> str:
    return str(page.totals_model.data(page.totals_model.index(0, COL[key])))


def add_adjustment(db: Database, code: str, amount: str) -> None:
    with db.session_scope() as session:
        agent = session.scalar(select(Agent).where(Agent.code == code))
        assert agent is not None
        session.add(
            Adjustment(agent_id=agent.id, month=MONTH, amount=Decimal(amount), category="补发", reason="补发")
        )


# --- models ------------------------------------------------------------------------------------


def test_models_pass_the_model_tester(
    qtmodeltester: ModelTester, qapp: QApplication, example_db: Database
) -> None:
    with example_db.session_scope() as session:
        calculate_month(session, MONTH)
    with example_db.session_scope() as session:
        before = show_month(session, MONTH)
        warnings = month_warnings(session, MONTH, before)
    after = replace(
        before,
        agents=tuple(replace(a, net=Decimal("1.00")) if a.code == "A002" else a for a in before.agents),
    )

    model = PayrollModel()
    model.set_result(before)
    qtmodeltester.check(model, force_py=True)
    proxy = PayrollProxy()
    proxy.setSourceModel(model)
    proxy.set_search("a00")
    proxy.sort(COL["net"], Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy, force_py=True)
    qtmodeltester.check(PayrollTotalsModel(proxy), force_py=True)

    lines = PayLinesModel()
    lines.set_lines(before.agents[0].lines)
    qtmodeltester.check(lines, force_py=True)
    changes = ChangesModel()
    changes.set_changes(diff_results(before, after))
    assert changes.rowCount() == 1
    qtmodeltester.check(changes, force_py=True)
    warnings_model = WarningsModel()
    warnings_model.set_warnings(warnings)
    qtmodeltester.check(warnings_model, force_py=True)


# --- before and after Calculate ------------------------------------------------------------------


def test_open_month_says_so_and_offers_only_calculate(page: PayrollPage) -> None:
    assert page.banner.status == "open"
    assert "未核算" in page.banner.text() and "客服提成方案" in page.banner.text()
    assert page.calculate_button.isEnabled()
    for b in (
        page.lock_button,
        page.unlock_button,
        page.payslips_button,
        page.export_button,
        page.preview_button,
    ):
        assert not b.isEnabled()
    assert page.model.rowCount() == 0
    assert "尚未核算" in page.detail.placeholder.text()


def test_calculate_fills_the_table_and_totals(qtbot: QtBot, page: PayrollPage) -> None:
    calculate(qtbot, page)
    assert shown_codes(page) == ["A001", "A002", "A003"]
    assert cell(page, "A001", "net") == "7502.04"
    assert cell(page, "A001", "commission") == "2087.04"  # commission 1987.04 + new customer bonus 100.00
    assert cell(page, "A003", "penalties") == "-530.00"
    alignment = page.proxy.data(page.proxy.index(0, COL["net"]), Qt.ItemDataRole.TextAlignmentRole)
    assert alignment & Qt.AlignmentFlag.AlignRight.value
    assert totals(page, "net") == "14591.91"
    assert totals(page, "code") == "合计"
    assert page.banner.status == "calculated"
    assert "已核算" in page.banner.text() and "14591.91" in page.banner.text()
    assert "首次计算" in page.changes.summary.text()
    assert page.lock_button.isEnabled() and not page.unlock_button.isEnabled()


def test_selecting_an_agent_explains_its_pay(qtbot: QtBot, page: PayrollPage) -> None:
    calculate(qtbot, page)
    assert page.select_code("A001")
    lines = page.detail.lines_model
    by_code = {lines.line(r).code: r for r in range(lines.rowCount())}
    row = by_code["commission"]
    assert lines.data(lines.index(row, 0)) == "销售提成"
    assert lines.data(lines.index(row, 1)) == "1987.04"
    detail = lines.data(lines.index(row, 2))
    assert "标准保费 70200" in detail and "(1606.00 + 200.40) × 1.1" in detail
    assert page.detail.lines.wordWrap()
    assert "7502.04" in page.detail.heading.text()
    assert page.detail.fact_labels["attendance"].text() == "18/18 天"
    assert page.detail.fact_labels["premium"].text().startswith("70200.00")
    assert page.detail.fact_labels["qa"].text().startswith("91.67（3 次")
    assert page.detail.fact_labels["kpi"].text() == "102.30"
    assert page.preview_button.isEnabled() and page.print_button.isEnabled()


def test_sort_filter_and_filtered_totals(qtbot: QtBot, page: PayrollPage) -> None:
    calculate(qtbot, page)
    page.table.sortByColumn(COL["net"], Qt.SortOrder.AscendingOrder)
    assert shown_codes(page) == ["A002", "A003", "A001"]  # 2997.97 < 4091.90 < 7502.04, as numbers
    page.search.setText("张")
    assert shown_codes(page) == ["A001"]
    assert totals(page, "net") == "7502.04"
    assert "1/3" in totals(page, "name")
    page.search.clear()
    page.team_filter.setCurrentIndex(page.team_filter.findData("咨诉三组"))
    assert shown_codes(page) == ["A003"]
    page.team_filter.setCurrentIndex(0)
    page.only_warnings.setChecked(True)
    assert shown_codes(page) == ["A002"]
    page.only_warnings.setChecked(False)
    assert totals(page, "net") == "14591.91"


def test_warnings_panel_names_a002_without_qa(qtbot: QtBot, page: PayrollPage) -> None:
    calculate(qtbot, page)
    texts = page.warnings_model.texts()
    assert any(t.startswith("A002 李四") and "没有有效的质检评分" in t for t in texts), texts
    assert page.tabs.tabText(0) == f"提醒（{len(texts)}）"
    tooltip = page.proxy.data(
        page.proxy.index(shown_codes(page).index("A002"), 0), Qt.ItemDataRole.ToolTipRole
    )
    assert "质检" in tooltip


def test_recalculating_shows_what_changed(qtbot: QtBot, page: PayrollPage, example_db: Database) -> None:
    calculate(qtbot, page)
    calculate(qtbot, page)
    assert "没有变化" in page.changes.summary.text()
    add_adjustment(example_db, "A002", "100")
    calculate(qtbot, page)
    assert page.tabs.currentWidget() is page.changes
    rows = [page.changes.model.row_texts(r) for r in range(page.changes.model.rowCount())]
    assert rows[0][:2] == ("A002", "李四") and rows[0][3:] == ("2997.97", "3097.97", "+100.00")
    assert ("", "", "其他调整", "0.00", "100.00", "+100.00") in rows
    assert len(rows) == 2
    assert cell(page, "A002", "other_gross") == "100.00"
    assert totals(page, "net") == "14691.91"


def test_columns_add_up_and_a_column_nobody_has_is_hidden(
    qtbot: QtBot, page: PayrollPage, example_db: Database
) -> None:
    calculate(qtbot, page)
    gross_keys = ("base", "commission", "kpi", "awards", "other_gross")
    deduction_keys = ("absence", "penalties", "other_deductions")
    for code in shown_codes(page):
        amounts = {
            k: Decimal(cell(page, code, k)) for k in (*gross_keys, *deduction_keys, "gross", "deductions")
        }
        assert sum(amounts[k] for k in gross_keys) == amounts["gross"], code
        assert sum(amounts[k] for k in deduction_keys) == amounts["deductions"], code
    assert cell(page, "A001", "base") == "4000.00"  # the base line itself; leave is 请假旷工
    # nobody has an adjustment: 其他应发 and 其他扣减 make room for 应发, 扣款合计 and 实发
    for key in ("other_gross", "other_deductions"):
        assert page.table.isColumnHidden(COL[key]) and page.totals.isColumnHidden(COL[key]), key
    assert not page.table.isColumnHidden(COL["net"]) and not page.table.isColumnHidden(COL["base"])
    add_adjustment(example_db, "A002", "100")
    calculate(qtbot, page)
    assert not page.table.isColumnHidden(COL["other_gross"]) and not page.totals.isColumnHidden(
        COL["other_gross"]
    )
    assert page.table.isColumnHidden(COL["other_deductions"])


# --- lock and unlock -------------------------------------------------------------------------------


def test_lock_asks_then_makes_the_month_read_only(
    qtbot: QtBot, page: PayrollPage, recorder: Recorder
) -> None:
    calculate(qtbot, page)
    recorder.answer = False
    assert page.lock() is None
    assert page.banner.status == "calculated"
    title, text = recorder.questions[-1]
    assert MONTH in title and MONTH in text and "14591.91" in text
    recorder.answer = True
    with qtbot.waitSignal(page.data_changed, timeout=30000):
        run(qtbot, page, "lock")
    assert page.banner.status == "locked"
    assert "已锁定" in page.banner.text() and "只读" in page.banner.text()
    assert not page.calculate_button.isEnabled()
    assert not page.lock_button.isEnabled()
    assert page.unlock_button.isEnabled()
    assert page.payslips_button.isEnabled()


def test_unlock_requires_a_reason(
    qtbot: QtBot, page: PayrollPage, example_db: Database, recorder: Recorder
) -> None:
    calculate(qtbot, page)
    run(qtbot, page, "lock")
    dialog = page.unlock()
    assert dialog is not None
    assert not dialog.ok_button.isEnabled()
    dialog.reason_edit.setPlainText("   ")
    assert not dialog.ok_button.isEnabled()
    dialog.accept()  # refused while blank
    assert dialog.isVisible() and page.banner.status == "locked"
    dialog.reason_edit.setPlainText("补录考勤")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(page.data_changed):
        dialog.ok_button.click()  # type: ignore[attr-defined]
    assert page.banner.status == "calculated"
    assert page.calculate_button.isEnabled() and page.lock_button.isEnabled()
    with example_db.session_scope() as session:
        entry = session.scalar(select(AuditLog).where(AuditLog.action == "payroll.unlock"))
        assert entry is not None and "补录考勤" in (entry.reason or "")


# --- payslips, preview, print, export ---------------------------------------------------------------


def test_payslips_go_to_the_chosen_folder(
    qtbot: QtBot, page: PayrollPage, recorder: Recorder, tmp_path: Path
) -> None:
    calculate(qtbot, page)
    out = tmp_path / "slips"
    out.mkdir()
    page.ask_directory = lambda: out  # type: ignore[method-assign]
    run(qtbot, page, "write_payslips")
    assert len(list(out.glob("*.pdf"))) == 3
    assert "3 份工资条" in recorder.questions[-1][1]
    assert recorder.urls == [QUrl.fromLocalFile(str(out))]


def test_preview_and_print_the_selected_agent(qtbot: QtBot, page: PayrollPage, recorder: Recorder) -> None:
    calculate(qtbot, page)
    page.select_code("A001")
    run(qtbot, page, "preview")
    dialog = page.preview_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.path.suffix == ".pdf" and dialog.path.exists() and "A001" in dialog.path.name
    assert dialog.document.pageCount() == 1  # rendered by QtPdf inside the app
    assert recorder.urls == []  # no external viewer needed
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert recorder.printed == [dialog.path]  # the preview's Print… goes through the page's print path
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert recorder.urls == [QUrl.fromLocalFile(str(dialog.path))]
    run(qtbot, page, "print_payslip")
    printed = recorder.printed[-1]
    assert len(recorder.printed) == 2 and printed.suffix == ".pdf" and printed.exists()


def test_export_adds_the_xlsx_suffix(
    qtbot: QtBot, page: PayrollPage, recorder: Recorder, tmp_path: Path
) -> None:
    calculate(qtbot, page)
    page.ask_save_file = lambda suggested: tmp_path / "summary"  # type: ignore[method-assign]
    run(qtbot, page, "export")
    assert (tmp_path / "summary.xlsx").exists()
    assert recorder.urls == [QUrl.fromLocalFile(str(tmp_path / "summary.xlsx"))]


# --- the command line lists the window's warnings ----------------------------------------------


def _cli(db: Database, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-m", "app.cli", "--db", str(db.path), *args],
        cwd=root, capture_output=True, text=True, encoding="utf-8", env=env, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc


def test_the_command_line_lists_the_windows_warnings_in_the_same_words(
    qtbot: QtBot, page: PayrollPage, example_db: Database
) -> None:
    calculate(qtbot, page)
    add_adjustment(example_db, "A002", "100")  # records changed after the calculation: a pending warning
    with qtbot.waitSignal(page.pending_checked, timeout=30000):
        page.refresh()
    model = page.warnings_model
    window = [model.warning(r) for r in range(model.rowCount())]
    assert len(window) >= 2 and "重新计算" in window[0].zh  # the pending warning, then A002 without QA

    shown = json.loads(_cli(example_db, "payroll", "show", "--month", MONTH, "--json").stdout)
    assert [(n["severity"], n["text"]) for n in shown["notices"]] == [(w.severity, w.zh) for w in window]
    assert shown["notices"][0]["agent"] is None
    assert {n["agent"] for n in shown["notices"][1:]} >= {"A002"}
    assert shown["warnings"] == []  # the month-wide engine warnings, unchanged

    text = _cli(example_db, "--lang", "en", "payroll", "show", "--month", MONTH)
    assert text.stderr.splitlines() == [
        ("note: " if w.severity == "info" else "warning: ") + w.en for w in window
    ]

    ran = _cli(example_db, "payroll", "run", "--month", MONTH)  # recalculated: nothing pending any more
    with qtbot.waitSignal(page.pending_checked, timeout=30000):
        page.refresh()
    window = [model.warning(r) for r in range(model.rowCount())]
    assert ran.stderr.splitlines() == [
        ("说明：" if w.severity == "info" else "提醒：") + w.zh for w in window
    ]
    assert any("A002" in line and "质检" in line for line in ran.stderr.splitlines())


def test_net_stays_beside_the_name_and_a_long_name_is_cut_short(
    qtbot: QtBot, page: PayrollPage, example_db: Database
) -> None:
    assert COLUMN_KEYS[:3] == ("code", "name", "net")  # 实发 never scrolls away from who is paid
    long_name = "欧阳" + "长" * 40
    with example_db.session_scope(write=True) as session:
        agent = session.scalars(select(Agent).where(Agent.code == "A001")).one()
        agent.name = long_name
    calculate(qtbot, page)
    page._fit_columns()
    cap = page.table.fontMetrics().horizontalAdvance("汉" * 8) + 16
    assert page.table.columnWidth(COL["name"]) <= cap
    row = page.model.row_of("A001")
    assert page.model.data(page.model.index(row, COL["name"]), Qt.ItemDataRole.ToolTipRole) == long_name


def test_the_explanation_keeps_a_readable_width_and_remembers_a_drag(
    qtbot: QtBot, example_db: Database, recorder: Recorder, tmp_path: Path
) -> None:
    from ui.pages.payroll_page import MIN_PANEL_WIDTH, PANEL_WIDTH_KEY
    from ui.preferences import preference

    first = PayrollPage(example_db)
    qtbot.addWidget(first)
    first.set_month(MONTH)
    first.resize(1300, 700)  # a laptop-sized window
    first.show()
    qtbot.waitUntil(lambda: sum(first.h_split.sizes()) > 0)
    first._balance_split()
    assert first.h_split.sizes()[1] >= MIN_PANEL_WIDTH
    first.h_split.setSizes([700, 560])  # the user drags the handle
    first._remember_split()
    assert preference(PANEL_WIDTH_KEY) == str(first.h_split.sizes()[1])
    first.close()

    second = PayrollPage(example_db)
    qtbot.addWidget(second)
    second.set_month(MONTH)
    second.resize(1300, 700)
    second.show()
    qtbot.waitUntil(lambda: sum(second.h_split.sizes()) > 0)
    second._balance_split()
    assert abs(second.h_split.sizes()[1] - int(str(preference(PANEL_WIDTH_KEY)))) <= 2
    from ui.preferences import set_preference

    set_preference(PANEL_WIDTH_KEY, "")  # the other tests start from the default split


def test_code_name_and_net_stay_in_view_when_the_table_scrolls_sideways(
    qtbot: QtBot, page: PayrollPage
) -> None:
    calculate(qtbot, page)
    page.resize(900, 700)  # narrower than the columns: the breakdown scrolls, as on a 1366 laptop
    qtbot.waitUntil(lambda: page.table.horizontalScrollBar().maximum() > 0)
    bar = page.table.horizontalScrollBar()
    bar.setValue(bar.maximum())
    frozen = page.frozen.view
    assert frozen.isVisible()
    frozen_keys = [k for c, k in enumerate(COLUMN_KEYS) if not frozen.isColumnHidden(c)]
    assert frozen_keys == ["code", "name", "net"]
    widths = sum(page.table.columnWidth(COL[k]) for k in frozen_keys)
    assert frozen.width() == widths
    assert [frozen.columnWidth(COL[k]) for k in frozen_keys] == [
        page.table.columnWidth(COL[k]) for k in frozen_keys
    ]
    # the overlay covers the table's rows and header, top to bottom
    assert frozen.height() == page.table.viewport().height() + page.table.horizontalHeader().height()
    # scrolled to the end, the last column is whole and the totals under it line up
    last = COL["deductions"]
    viewport = page.table.viewport().width()
    assert page.table.columnViewportPosition(last) + page.table.columnWidth(last) <= viewport
    assert page.table.columnViewportPosition(last) >= widths  # not hidden under the frozen columns
    qtbot.waitUntil(
        lambda: page.totals.columnViewportPosition(last) == page.table.columnViewportPosition(last)
    )
    # the frozen rows follow the vertical scroll, and clicking a frozen header sorts the table
    assert page.frozen.view.verticalScrollBar().value() == page.table.verticalScrollBar().value()
    page.frozen.view.horizontalHeader().sectionClicked.emit(COL["net"])
    assert shown_codes(page) == ["A002", "A003", "A001"]
    assert page.table.horizontalHeader().sortIndicatorSection() == COL["net"]
    assert page.frozen.view.horizontalHeader().sortIndicatorSection() == COL["net"]
    # the frozen totals show the same figures
    assert page.totals_frozen.view.model() is page.totals_model
    assert not page.totals_frozen.view.isColumnHidden(COL["net"])
