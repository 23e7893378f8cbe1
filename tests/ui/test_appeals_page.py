"""申诉 in the window (docs/pay-rules.md §11): the form opened prefilled from the record pages, the 申诉
page's list, filters and decision, the lock's reason, and the reports page's 公示 — real widgets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services.appeals import AppealInput, file_appeal, list_appeals
from app.services.payroll import calculate_month
from db.models import AttendanceRecord, AuditLog, Complaint, MonthStatus, QAEvaluation
from db.session import Database
from tests.ui.loading import loaded
from ui.dialogs.appeal_dialog import AppealDialog, DecideDialog
from ui.pages.appeals_page import COL, AppealsPage
from ui.pages.attendance_page import AttendancePage
from ui.pages.payroll_page import PayrollPage
from ui.pages.quality_page import QualityPage
from ui.pages.reports_page import ReportsPage
from ui.pages.rewards_page import RewardsPage

MONTH = "2026-10"


def _fill(dialog: AppealDialog, reason: str, filed: date) -> None:
    dialog.reason.setPlainText(reason)
    dialog.filed_on.setDate(QDate(filed.year, filed.month, filed.day))


def test_quality_page_opens_the_form_prefilled_and_files(qtbot: QtBot, example_db: Database) -> None:
    page = QualityPage(example_db)
    qtbot.addWidget(page)
    page.set_month(MONTH)
    loaded(page)
    with example_db.session_scope() as s:
        fatal = s.scalar(select(QAEvaluation.id).where(QAEvaluation.fatal.is_(True)))
    assert fatal is not None and page.select_evaluation(fatal)
    assert page.appeal_button.isEnabled()
    dialog = page.appeal_selected()
    assert isinstance(dialog, AppealDialog)
    assert dialog.kind.currentData() == "qa" and dialog.agent.text() == "A003"
    assert not dialog.agent.isEnabled() and not dialog.ok_button.isEnabled()
    _fill(dialog, "泄露信息系客户本人要求", date(2026, 10, 21))
    with qtbot.waitSignal(page.data_changed) as said:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert said.args == ["appeals"]
    page._update_buttons()
    assert page.appeal_button.text() == "申诉：待处理" and not page.appeal_button.isEnabled()  # the record's state
    with example_db.session_scope() as s:
        [appeal] = list_appeals(s, MONTH)
    assert (appeal.kind, appeal.record_id, appeal.status) == ("qa", fatal, "pending")


def test_a_late_appeal_stays_open_until_an_override_is_given(qtbot: QtBot, example_db: Database) -> None:
    page = RewardsPage(example_db)
    qtbot.addWidget(page)
    page.set_month(MONTH)
    with example_db.session_scope() as s:
        upheld = s.scalar(select(Complaint.id).where(Complaint.status == "upheld"))
    assert page.complaints.select_key(upheld)
    dialog = page.appeal_complaint()
    assert isinstance(dialog, AppealDialog) and dialog.kind.currentData() == "complaint"
    _fill(dialog, "解释过", date(2026, 11, 20))
    dialog.accept()
    assert dialog.isVisible() and "2026-10-27" in dialog.error.text()  # refused, the form stays
    dialog.override.setText("本人休产假，经理同意")
    dialog.accept()
    assert not dialog.isVisible()
    with example_db.session_scope() as s:
        [appeal] = list_appeals(s, MONTH)
        assert appeal.override_reason == "本人休产假，经理同意"
        assert s.scalar(select(AuditLog).where(AuditLog.action == "appeal.late")) is not None


def test_kpi_grid_cell_prefills_a_metric_appeal(qtbot: QtBot, example_db: Database) -> None:
    page = RewardsPage(example_db)
    qtbot.addWidget(page)
    page.set_month(MONTH)
    page.metrics.table.setCurrentIndex(page.metrics.model.cell("A002", "answer_rate"))
    dialog = page.appeal_metric()
    assert isinstance(dialog, AppealDialog)
    assert (dialog.kind.currentData(), dialog.agent.text(), dialog.indicator.text()) == ("metric", "A002", "answer_rate")
    _fill(dialog, "漏计", date(2026, 11, 2))
    dialog.accept()
    with example_db.session_scope() as s:
        assert [(a.kind, a.indicator) for a in list_appeals(s, MONTH)] == [("metric", "answer_rate")]


def test_attendance_cell_with_two_records_offers_a_choice(qtbot: QtBot, example_db: Database) -> None:
    day = date(2026, 10, 15)
    with example_db.session_scope() as s:
        rec = s.scalar(select(AttendanceRecord).where(AttendanceRecord.date == day))
        assert rec is not None
        s.add(AttendanceRecord(agent_id=rec.agent_id, date=day, kind="late", minutes=12))
    page = AttendancePage(example_db)
    qtbot.addWidget(page)
    page.set_month(MONTH)
    assert page.select_cell("A003", day)
    dialog = page.appeal_cell()
    assert isinstance(dialog, AppealDialog) and dialog.record_choice is not None
    assert dialog.record_choice.count() == 2
    dialog.record_choice.setCurrentIndex(1)
    _fill(dialog, "打卡机故障", date(2026, 10, 16))
    dialog.accept()
    with example_db.session_scope() as s:
        [appeal] = list_appeals(s, MONTH)
        chosen = s.get(AttendanceRecord, appeal.record_id)
        assert chosen is not None and chosen.kind == "late"


def test_appeals_page_filters_and_decides(qtbot: QtBot, example_db: Database) -> None:
    with example_db.session_scope(write=True) as s:
        complaint = s.scalar(select(Complaint.id).where(Complaint.status == "upheld"))
        file_appeal(s, AppealInput("complaint", "A003", date(2026, 10, 20), date(2026, 10, 21), "解释过",
                                   record_id=complaint))
        file_appeal(s, AppealInput("metric", "A002", date(2026, 10, 31), date(2026, 11, 1), "漏计",
                                   indicator="answer_rate"))
    page = AppealsPage(example_db)
    qtbot.addWidget(page)
    page.set_month(MONTH)
    assert page.table.rowCount() == 2 and "待处理 2 条" in page.count_label.text()
    page.kind.setCurrentIndex(page.kind.findData("metric"))
    item = page.table.item(0, COL["code"])
    assert page.table.rowCount() == 1 and item is not None and item.text() == "A002"
    page.kind.setCurrentIndex(0)
    page.agent.setText("a003")
    assert page.table.rowCount() == 1
    page.agent.clear()
    assert page.select_appeal(1)
    dialog = page.decide_selected()
    assert isinstance(dialog, DecideDialog)
    dialog.uphold_button.setChecked(True)
    assert not dialog.value.isEnabled() and not dialog.ok_button.isEnabled()  # a comment is required
    dialog.comment.setPlainText("录音证明已解释")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignals([page.data_changed, page.data_changed]):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with example_db.session_scope() as s:
        assert s.get(Complaint, complaint).status == "overturned"  # type: ignore[union-attr]
    page.status.setCurrentIndex(page.status.findData("pending"))
    assert page.table.rowCount() == 1
    assert page.select_appeal(2)
    dialog = page.decide_selected()
    assert isinstance(dialog, DecideDialog)
    dialog.uphold_button.setChecked(True)
    dialog.comment.setPlainText("核实")
    assert dialog.value.isEnabled() and not dialog.ok_button.isEnabled()  # a metric needs its value
    dialog.value.setText("95%")
    dialog.accept()
    assert page.table.rowCount() == 0
    assert not page.decide_button.isEnabled()


def test_lock_asks_why_while_appeals_are_pending(qtbot: QtBot, example_db: Database) -> None:
    with example_db.session_scope(write=True) as s:
        calculate_month(s, MONTH)
        file_appeal(s, AppealInput("metric", "A002", date(2026, 10, 31), date(2026, 11, 1), "漏计",
                                   indicator="answer_rate"))
    page = PayrollPage(example_db)
    qtbot.addWidget(page)
    page.set_month(MONTH)
    page.confirm = lambda *_a: True  # type: ignore[method-assign,assignment]
    asked: list[int] = []
    page.ask_pending_appeals_reason = lambda _m, n: asked.append(n)  # type: ignore[method-assign,func-returns-value,assignment]
    assert page.lock() is None and asked == [1]  # cancelled: not locked
    assert any("申诉待处理" in w.zh for w in page.warnings)
    page.ask_pending_appeals_reason = lambda _m, _n: "人事核实中"  # type: ignore[method-assign,assignment]
    op = page.lock()
    assert op is not None
    with qtbot.waitSignal(op.finished, timeout=30000):
        pass
    with example_db.session_scope() as s:
        assert s.get(MonthStatus, MONTH).status == "locked"  # type: ignore[union-attr]
        entry = s.scalar(select(AuditLog).where(AuditLog.action == "payroll.lock_with_pending_appeals"))
        assert entry is not None and entry.reason == "人事核实中"


def test_reports_page_publication_for_a_locked_month(qtbot: QtBot, example_db: Database, tmp_path: Path) -> None:
    from app.services.payroll import lock_month

    with example_db.session_scope(write=True) as s:
        calculate_month(s, MONTH)
    page = ReportsPage(example_db)
    out = tmp_path / "公示.pdf"
    page.ask_save_file = lambda _suggested, _title=None: out  # type: ignore[method-assign,assignment]
    qtbot.addWidget(page)
    page.set_month(MONTH)
    assert not page.publication_button.isEnabled()  # calculated, not locked
    with example_db.session_scope(write=True) as s:
        lock_month(s, MONTH)
    page.refresh()
    assert page.publication_button.isEnabled()
    op = page.export_publication()
    assert op is not None
    with qtbot.waitSignal(op.finished, timeout=30000):
        pass
    assert out.read_bytes().startswith(b"%PDF") and "公示已保存" in page.summary_result.text()
