"""报表 page on the docs/pay-rules.md §6 worked example: payslips, the Excel summary and import templates."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services.payroll import calculate_month
from db.models import Agent
from db.session import Database
from ui.ops import Op
from ui.pages.reports_page import ReportsPage

pytestmark = pytest.mark.gui

MONTH = "2026-10"


@pytest.fixture
def calculated_db(example_db: Database) -> Database:
    with example_db.session_scope() as session:
        calculate_month(session, MONTH)
    return example_db


class Recorder:
    """Stands in for the page's file dialogs and the system file browser."""

    def __init__(self, directory: Path | None = None, save_as: Path | None = None) -> None:
        self.directory = directory
        self.save_as = save_as
        self.suggested: list[str] = []
        self.urls: list[QUrl] = []

    def ask_directory(self) -> Path | None:
        return self.directory

    def ask_save_file(self, suggested: str, title: str | None = None) -> Path | None:
        self.suggested.append(suggested)
        return self.save_as

    def open_url(self, url: QUrl) -> bool:
        self.urls.append(url)
        return True


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def make_page(qtbot: QtBot, db: Database, recorder: Recorder) -> ReportsPage:
    widget = ReportsPage(db)
    widget.ask_directory = recorder.ask_directory  # type: ignore[method-assign]
    widget.ask_save_file = recorder.ask_save_file  # type: ignore[method-assign]
    widget.open_url = recorder.open_url  # type: ignore[method-assign]
    qtbot.addWidget(widget)
    widget.set_month(MONTH)
    widget.resize(1100, 760)
    widget.show()
    return widget


@pytest.fixture
def page(qtbot: QtBot, calculated_db: Database, recorder: Recorder) -> ReportsPage:
    return make_page(qtbot, calculated_db, recorder)


def run(qtbot: QtBot, op: Op | None) -> None:
    """Wait until an action that runs off the GUI thread has ended."""
    assert op is not None
    with qtbot.waitSignal(op.finished, timeout=30000):
        pass


def pdfs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.pdf"))


# --- status ---------------------------------------------------------------------------------------


def test_calculated_month_shows_its_totals_and_enables_the_actions(page: ReportsPage) -> None:
    text = page.status_label.text()
    assert "2026-10 已核算" in text and "3 人" in text and "14591.91" in text
    assert page.payslips_button.isEnabled() and page.export_button.isEnabled()
    assert page.encrypt_check.isEnabled()
    assert [page.agent_combo.itemText(i) for i in range(page.agent_combo.count())] == [
        "A001 张三",
        "A002 李四",
        "A003 王五",
    ]
    assert page.agent_combo.currentText() == "" and page.selected_agent() is None


def test_not_calculated_month_disables_everything_but_templates(
    qtbot: QtBot, example_db: Database, recorder: Recorder
) -> None:
    page = make_page(qtbot, example_db, recorder)
    assert "尚未核算" in page.status_label.text() and "月度核算" in page.status_label.text()
    assert not page.payslips_button.isEnabled()
    assert not page.export_button.isEnabled()
    assert not page.encrypt_check.isEnabled()
    assert page.write_payslips() is None and page.export_summary() is None
    assert all(b.isEnabled() for b in page.template_buttons.values())


def test_english_status_line(qtbot: QtBot, calculated_db: Database, recorder: Recorder) -> None:
    from app.i18n import set_language

    set_language("en")
    page = make_page(qtbot, calculated_db, recorder)
    assert "2026-10 is calculated (not locked): 3 agents" in page.status_label.text()
    assert page.payslips_button.text() == "Generate…"


# --- payslips ---------------------------------------------------------------------------------------


def test_per_agent_payslips_go_to_the_chosen_folder(
    qtbot: QtBot, page: ReportsPage, recorder: Recorder, tmp_path: Path
) -> None:
    out = tmp_path / "slips"
    out.mkdir()
    recorder.directory = out
    run(qtbot, page.write_payslips())
    assert pdfs(out) == ["2026-10_A001_张三.pdf", "2026-10_A002_李四.pdf", "2026-10_A003_王五.pdf"]
    assert "已生成 3 份工资条" in page.payslips_result.text()
    assert "2026-10_A001_张三.pdf" in page.payslips_result.text()
    assert page.payslips_open_button.isVisible()
    page.payslips_open_button.click()
    assert recorder.urls == [QUrl.fromLocalFile(str(out))]
    assert page.payslips_button.isEnabled()  # enabled again once the work ended


def test_one_agent_only(qtbot: QtBot, page: ReportsPage, recorder: Recorder, tmp_path: Path) -> None:
    recorder.directory = tmp_path
    page.agent_combo.setEditText("李四")  # typed, not picked: the one match is taken
    assert page.selected_agent() == "A002"
    run(qtbot, page.write_payslips())
    assert pdfs(tmp_path) == ["2026-10_A002_李四.pdf"]


def test_unknown_agent_is_refused(
    qtbot: QtBot, page: ReportsPage, recorder: Recorder, tmp_path: Path
) -> None:
    recorder.directory = tmp_path
    page.agent_combo.setEditText("Z999")
    run(qtbot, page.write_payslips())
    assert pdfs(tmp_path) == []
    assert "没有工号为 Z999 的人员" in page.payslips_result.text()
    assert not page.payslips_open_button.isVisible()


def test_combined_writes_one_pdf_under_the_chosen_name(
    qtbot: QtBot, page: ReportsPage, recorder: Recorder, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    page.combined_radio.setChecked(True)
    assert not page.encrypt_check.isEnabled()
    recorder.save_as = out / "十月工资条"  # the .pdf suffix is added
    run(qtbot, page.write_payslips())
    assert recorder.suggested == ["客户服务中心-工资条-2026-10.pdf"]  # the branch name first
    assert sorted(p.name for p in out.iterdir()) == ["十月工资条.pdf"]  # no staging folder left
    assert len(PdfReader(out / "十月工资条.pdf").pages) >= 3
    assert "合并工资条" in page.payslips_result.text()
    page.payslips_open_button.click()
    assert recorder.urls == [QUrl.fromLocalFile(str(out))]
    # the combined file can be previewed and printed from here
    assert page.payslips_preview_button.isVisible()
    printed: list[Path] = []

    def print_file(path: Path) -> bool:
        printed.append(path)
        return True

    page.print_file = print_file  # type: ignore[method-assign]
    page.payslips_preview_button.click()
    dialog = page.preview_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.document.pageCount() == len(PdfReader(out / "十月工资条.pdf").pages)
    dialog.print_button.click()
    assert printed == [out / "十月工资条.pdf"]
    # the preview holds the file in memory, not open: writing the payslips again can replace it
    if Path("/proc/self/fd").is_dir():
        held = {os.path.realpath(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")}
        assert str((out / "十月工资条.pdf").resolve()) not in held
    run(qtbot, page.write_payslips())  # the same file again: the old preview is closed first
    assert page.preview_dialog is None  # closed (and deleted)
    page.payslips_preview_button.click()
    assert page.preview_dialog is not None and page.preview_dialog.isVisible()
    page.month_changed(MONTH)  # another month: the button and the preview go with the file
    assert not page.payslips_preview_button.isVisible() and page.combined_file is None
    assert page.preview_dialog is None


def test_encrypt_without_passwords_is_refused_naming_the_agents(
    qtbot: QtBot, page: ReportsPage, recorder: Recorder, tmp_path: Path
) -> None:
    recorder.directory = tmp_path
    page.encrypt_check.setChecked(True)
    run(qtbot, page.write_payslips())
    assert pdfs(tmp_path) == []
    shown = page.payslips_result.text()
    assert "没有工资条密码" in shown and "未生成任何文件" in shown
    for agent in ("A001 张三", "A002 李四", "A003 王五"):
        assert agent in shown
    assert page.message is not None and "A002 李四" in page.message.text()
    assert not page.payslips_open_button.isVisible()


def test_encrypt_with_passwords_writes_encrypted_pdfs(
    qtbot: QtBot, calculated_db: Database, recorder: Recorder, tmp_path: Path
) -> None:
    with calculated_db.session_scope() as session:
        for agent in session.scalars(select(Agent)):
            agent.payslip_password = f"pw-{agent.code}"
    page = make_page(qtbot, calculated_db, recorder)
    recorder.directory = tmp_path
    page.encrypt_check.setChecked(True)
    run(qtbot, page.write_payslips())
    assert len(pdfs(tmp_path)) == 3
    reader = PdfReader(tmp_path / "2026-10_A001_张三.pdf")
    assert reader.is_encrypted
    assert reader.decrypt("pw-A001")
    assert "已加密" in page.payslips_result.text()


# --- Excel summary and templates ---------------------------------------------------------------------


def test_export_writes_a_summary_workbook(
    qtbot: QtBot, page: ReportsPage, recorder: Recorder, tmp_path: Path
) -> None:
    recorder.save_as = tmp_path / "summary"  # the .xlsx suffix is added
    run(qtbot, page.export_summary())
    assert recorder.suggested == ["客户服务中心-工资汇总-2026-10.xlsx"]  # the branch name first
    out = tmp_path / "summary.xlsx"
    workbook = openpyxl.load_workbook(out)
    assert "汇总" in workbook.sheetnames
    workbook.close()
    assert str(out) in page.summary_result.text()
    page.summary_open_button.click()
    assert recorder.urls == [QUrl.fromLocalFile(str(tmp_path))]


def test_cancelled_dialogs_write_nothing(page: ReportsPage, recorder: Recorder) -> None:
    assert page.write_payslips() is None
    assert page.export_summary() is None
    assert page.save_kind_template("sales") is None
    assert page.op is None and page.payslips_button.isEnabled()


def test_sales_template_is_written(
    qtbot: QtBot, example_db: Database, recorder: Recorder, tmp_path: Path
) -> None:
    page = make_page(qtbot, example_db, recorder)  # templates do not need a calculated month
    recorder.save_as = tmp_path / "sales.xlsx"
    page.template_buttons["sales"].click()
    assert recorder.suggested == ["保单导入模板.xlsx"]
    workbook = openpyxl.load_workbook(tmp_path / "sales.xlsx")
    assert workbook.sheetnames[0] == "保单"
    assert workbook["保单"].cell(row=1, column=1).value == "保单号"
    workbook.close()
    assert page.message is not None and "模板已保存" in page.message.text()


def test_combined_two_up_puts_two_a5_slips_on_each_a4_sheet(
    qtbot: QtBot, calculated_db: Database, recorder: Recorder, tmp_path: Path
) -> None:
    from app.services.settings import set_setting

    with calculated_db.session_scope() as s:
        set_setting(s, "payslip_size", "A5X2")
    page = make_page(qtbot, calculated_db, recorder)
    assert page.two_up_check.isChecked()  # the paper setting is the default
    assert not page.two_up_check.isEnabled()  # only for the combined file
    assert "A4 纸印两张 A5" in page.paper_label.text()
    page.combined_radio.setChecked(True)
    assert page.two_up_check.isEnabled()
    recorder.save_as = tmp_path / "两张一页.pdf"
    run(qtbot, page.write_payslips())
    sheets = PdfReader(tmp_path / "两张一页.pdf").pages
    assert len(sheets) == 2  # 3 agents: ceil(3 / 2) A4 sheets
    assert sorted(float(v) for v in sheets[0].mediabox[2:]) == pytest.approx([595.28, 841.89], abs=0.1)
    contents = sheets[0].get_contents()
    assert contents is not None and b"[4 3] 0 d" in contents.get_data()  # the dashed cut line
    # printing from the preview prints that file, two slips to a sheet
    page.payslips_preview_button.click()
    dialog = page.preview_dialog
    assert dialog is not None and dialog.document.pageCount() == 2

    page.refresh()  # a refresh keeps the user's choice while the setting is unchanged
    page.two_up_check.setChecked(False)
    page.refresh()
    assert not page.two_up_check.isChecked()
    recorder.save_as = tmp_path / "每人一页.pdf"
    run(qtbot, page.write_payslips())
    assert len(PdfReader(tmp_path / "每人一页.pdf").pages) == 3
