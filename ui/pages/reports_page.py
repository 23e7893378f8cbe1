"""报表 Reports: what the manager hands out and sends away once a month is calculated.

Payslips (one PDF per agent into a folder, or one combined PDF, optionally encrypted with each
agent's payslip password), the Excel summary for head office, and the empty import templates.
Payslips and the summary read the month's *stored* result through ``app.services.reports``, so
they print exactly what 月度核算 shows; this page only chooses where and how.

PDF and Excel work runs off the GUI thread through :func:`ui.ops.run_op`. Folder and file
choices and "open this folder" go through small methods tests replace (Dangerzone style).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.i18n import tr
from app.importers.kinds import KIND_NAMES, KINDS
from app.money import fmt_money
from app.results import AgentResult, MonthResult
from app.services.months import month_status
from app.services.payroll import show_month
from app.services.settings import TWO_UP_PAPER, get_setting
from db.session import Database
from ui import file_dialogs
from ui.dialogs.common import ERROR_STYLE
from ui.dialogs.pdf_preview import PdfPreviewDialog, PreviewSlot
from ui.errors import error_text, show_error
from ui.ops import CancelToken, Op, run_op
from ui.pages.base import Page
from ui.printing import PrintError, print_pdf
from ui.report_actions import (
    branch_name,
    combined_file_name,
    payslips_work,
    summary_file_name,
    summary_work,
    with_suffix,
)
from ui.widgets.filters import push_button

if TYPE_CHECKING:
    pass

SP = QStyle.StandardPixmap

#: How many written file names the result line lists before it says "… and N more".
SHOWN_FILES = 5

#: Status line colours (background, border, text) by month status.
STATUS_COLOURS: dict[str, tuple[str, str, str]] = {
    "open": ("#fff8e1", "#e0c36a", "#6d4c00"),
    "calculated": ("#e3f0fc", "#8fbfea", "#0d47a1"),
    "locked": ("#e3ebe5", "#9fb5a6", "#2f4b39"),
}


def template_file_names(kind: str) -> tuple[str, str]:
    """The suggested template file name, (中文, English)."""
    zh, _en = KIND_NAMES[kind]
    return f"{zh}导入模板.xlsx", f"{kind}-template.xlsx"


class ReportsPage(Page):
    """报表: status of the month, payslips, the Excel summary and the import templates."""

    reads = None  # the stored result and the settings: any change can alter what it shows

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.status = "open"
        self.result: MonthResult | None = None
        self.op: Op | None = None
        self.message: QMessageBox | None = None
        self.payslip_folder: Path | None = None
        self.summary_folder: Path | None = None

        # --- status line ----------------------------------------------------------------------
        self.status_frame = QFrame(self)
        self.status_frame.setObjectName("reportsStatus")
        self.status_label = QLabel(self.status_frame)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        status_layout = QHBoxLayout(self.status_frame)
        status_layout.setContentsMargins(12, 8, 12, 8)
        status_layout.addWidget(self.status_label, 1)

        # --- payslips -------------------------------------------------------------------------
        self.payslips_box = QGroupBox(tr("工资条", "Payslips"), self)
        self.per_agent_radio = QRadioButton(
            tr("每人一个文件，保存到文件夹", "One file per agent, into a folder"), self.payslips_box
        )
        self.combined_radio = QRadioButton(
            tr("所有人合并为一个文件（便于集中打印）", "One combined file (to print them all at once)"),
            self.payslips_box,
        )
        self.per_agent_radio.setChecked(True)
        self.layout_group = QButtonGroup(self)
        self.layout_group.addButton(self.per_agent_radio)
        self.layout_group.addButton(self.combined_radio)

        self.agent_combo = QComboBox(self.payslips_box)
        self.agent_combo.setEditable(True)
        self.agent_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.agent_combo.setMinimumContentsLength(16)
        self.agent_combo.setToolTip(
            tr(
                "留空则生成本月所有人的工资条；输入工号或姓名可只生成一人",
                "Leave empty for everyone in the month; type a code or name for one agent",
            )
        )
        line = self.agent_combo.lineEdit()
        if line is not None:
            line.setPlaceholderText(tr("全部人员（输入工号或姓名搜索）", "All agents (type a code or name)"))
            line.setClearButtonEnabled(True)
        completer = QCompleter(self.agent_combo.model(), self.agent_combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.agent_combo.setCompleter(completer)

        self.encrypt_check = QCheckBox(
            tr("用每人的工资条密码加密", "Encrypt with each agent's payslip password"), self.payslips_box
        )
        self.two_up_check = QCheckBox(
            tr("A4 纸印两张 A5（中间有裁切线）", "Two A5 payslips per A4 sheet (with a cut line)"),
            self.payslips_box,
        )
        self._two_up_setting: bool | None = None  # the paper setting last seen: the check's default
        self.paper_label = QLabel(self.payslips_box)
        self.paper_label.setEnabled(False)

        self.payslips_button = push_button(
            self.payslips_box,
            tr("生成…", "Generate…"),
            SP.SP_DialogSaveButton,
            tr("生成本月的工资条 PDF", "Write the month's payslip PDFs"),
        )
        self.payslips_result = self._result_label(self.payslips_box)
        self.payslips_open_button = push_button(
            self.payslips_box,
            tr("打开文件夹", "Open folder"),
            SP.SP_DirOpenIcon,
            tr("在资源管理器中打开保存工资条的文件夹", "Open the folder the payslips were saved in"),
        )
        self.payslips_open_button.setVisible(False)
        self.payslips_preview_button = push_button(
            self.payslips_box,
            tr("预览并打印…", "Preview and print…"),
            SP.SP_FileDialogContentsView,
            tr(
                "查看合并的工资条，并可在系统打印对话框中打印",
                "Show the combined payslips; print them from there",
            ),
        )
        self.payslips_preview_button.setVisible(False)
        self.combined_file: Path | None = None
        self.previews = PreviewSlot(self)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        layouts = QVBoxLayout()
        layouts.setSpacing(2)
        layouts.addWidget(self.per_agent_radio)
        layouts.addWidget(self.combined_radio)
        form.addRow(tr("文件：", "Files:"), layouts)
        form.addRow(tr("人员：", "Agent:"), self.agent_combo)
        form.addRow("", self.encrypt_check)
        form.addRow("", self.two_up_check)
        form.addRow("", self.paper_label)
        payslip_actions = QHBoxLayout()
        payslip_actions.addWidget(self.payslips_button)
        payslip_actions.addWidget(self.payslips_open_button)
        payslip_actions.addWidget(self.payslips_preview_button)
        payslip_actions.addStretch(1)
        payslips_layout = QVBoxLayout(self.payslips_box)
        payslips_layout.addLayout(form)
        payslips_layout.addLayout(payslip_actions)
        payslips_layout.addWidget(self.payslips_result)

        # --- Excel summary --------------------------------------------------------------------
        self.summary_box = QGroupBox(tr("Excel 汇总表", "Excel summary"), self)
        summary_note = QLabel(
            tr(
                "汇总、明细、计算依据、保单明细、考勤汇总、质检汇总和公示表，交总部或存档。",
                "Summary, details, facts, policies, attendance, QA and the notice sheet — for head office or the files.",
            ),
            self.summary_box,
        )
        summary_note.setWordWrap(True)
        self.export_button = push_button(
            self.summary_box,
            tr("导出…", "Export…"),
            SP.SP_DialogSaveButton,
            tr("导出本月工资汇总表（Excel）", "Export the month's Excel summary"),
        )
        self.summary_result = self._result_label(self.summary_box)
        self.summary_open_button = push_button(
            self.summary_box,
            tr("打开文件夹", "Open folder"),
            SP.SP_DirOpenIcon,
            tr("在资源管理器中打开汇总表所在的文件夹", "Open the folder the summary was saved in"),
        )
        self.summary_open_button.setVisible(False)
        self.publication_button = push_button(
            self.summary_box,
            tr("公示…", "Notice…"),
            SP.SP_FileDialogInfoView,
            tr("生成已锁定月份的奖惩公示（PDF 或 Excel；不含工资和实发）",
               "Write the locked month's rewards and penalties notice (PDF or Excel; no pay on it)"),
        )
        self.publication_button.clicked.connect(self.export_publication)
        summary_actions = QHBoxLayout()
        summary_actions.addWidget(self.export_button)
        summary_actions.addWidget(self.publication_button)
        summary_actions.addWidget(self.summary_open_button)
        summary_actions.addStretch(1)
        summary_layout = QVBoxLayout(self.summary_box)
        summary_layout.addWidget(summary_note)
        summary_layout.addLayout(summary_actions)
        summary_layout.addWidget(self.summary_result)
        # docs/pay-rules.md §9.4: the bank and tax files, for a locked month only
        self.bank_button = push_button(
            self.summary_box, tr("银行代发文件…", "Bank file…"), SP.SP_DialogSaveButton,
            tr("导出银行代发文件（Excel 或 CSV），仅限已锁定月份", "Export the bank payment file (locked months only)"),
        )
        self.tax_button = push_button(
            self.summary_box, tr("个税申报文件…", "Tax file…"), SP.SP_DialogSaveButton,
            tr("导出个税扣缴申报表（Excel），仅限已锁定月份", "Export the tax filing sheet (locked months only)"),
        )
        self.bank_button.clicked.connect(self.export_bank_file)
        self.tax_button.clicked.connect(self.export_tax_file)
        payment_actions = QHBoxLayout()
        payment_actions.addWidget(self.bank_button)
        payment_actions.addWidget(self.tax_button)
        payment_actions.addStretch(1)
        self.payment_result = self._result_label(self.summary_box)
        summary_layout.addLayout(payment_actions)
        summary_layout.addWidget(self.payment_result)

        # --- import templates -----------------------------------------------------------------
        self.templates_box = QGroupBox(tr("导入模板", "Import templates"), self)
        templates_note = QLabel(
            tr(
                "空白的 Excel 模板：表头、示例行和可选值，填好后在相应页面导入。与月份无关，随时可用。",
                "Blank Excel templates with headers, an example row and the allowed values; fill one in "
                "and import it on its page. They do not depend on the month.",
            ),
            self.templates_box,
        )
        templates_note.setWordWrap(True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        self.template_buttons: dict[str, QPushButton] = {}
        for row, kind in enumerate(KINDS):
            zh, en = KIND_NAMES[kind]
            name = QLabel(tr(zh, en), self.templates_box)
            file_name = QLabel(tr(*template_file_names(kind)), self.templates_box)
            file_name.setEnabled(False)
            button = push_button(
                self.templates_box,
                tr("保存模板…", "Save template…"),
                SP.SP_DialogSaveButton,
                tr(f"保存“{zh}”的导入模板", f"Save the import template for {en.lower()}"),
            )
            button.clicked.connect(lambda _checked=False, k=kind: self.save_kind_template(k))
            self.template_buttons[kind] = button
            grid.addWidget(name, row, 0)
            grid.addWidget(file_name, row, 1)
            grid.addWidget(button, row, 2)
        grid.setColumnStretch(3, 1)
        templates_layout = QVBoxLayout(self.templates_box)
        templates_layout.addWidget(templates_note)
        templates_layout.addLayout(grid)

        # --- wiring and layout ----------------------------------------------------------------
        self.combined_radio.toggled.connect(self._update_buttons)
        self.payslips_button.clicked.connect(self.write_payslips)
        self.payslips_open_button.clicked.connect(lambda: self._open_folder(self.payslip_folder))
        self.payslips_preview_button.clicked.connect(self.preview_combined)
        self.export_button.clicked.connect(self.export_summary)
        self.summary_open_button.clicked.connect(lambda: self._open_folder(self.summary_folder))

        content = QWidget(self)
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.payslips_box, 3)
        top.addWidget(self.summary_box, 2)
        top.setAlignment(self.summary_box, Qt.AlignmentFlag.AlignTop)
        content_layout.addLayout(top)
        content_layout.addWidget(self.templates_box)
        content_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status_frame)
        layout.addWidget(scroll, 1)

        self._show_status()
        self._update_buttons()

    @staticmethod
    def _result_label(parent: QWidget) -> QLabel:
        label = QLabel(parent)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setVisible(False)
        return label

    # --- replaceable for tests (Dangerzone style) --------------------------------------------

    def ask_directory(self) -> Path | None:
        return file_dialogs.choose_folder(
            self, file_dialogs.REPORTS, tr("选择保存工资条的文件夹", "Choose the folder for the payslips")
        )

    def ask_save_file(self, suggested: str, title: str | None = None) -> Path | None:
        """Where to save a file; the file type follows the suggested name (.pdf or .xlsx)."""
        if suggested.lower().endswith(".pdf"):
            file_filter = tr("PDF 文件 (*.pdf)", "PDF files (*.pdf)")
        elif suggested.startswith("银行代发"):  # the bank file may also be CSV (GB18030) for the bank portal
            file_filter = tr("Excel 文件 (*.xlsx);;CSV 文件 (*.csv)", "Excel files (*.xlsx);;CSV files (*.csv)")
        else:
            file_filter = tr("Excel 文件 (*.xlsx)", "Excel files (*.xlsx)")
        kind = file_dialogs.REPORTS if title else file_dialogs.TEMPLATES
        return file_dialogs.save_file(
            self, kind, title or tr("保存导入模板", "Save the import template"), suggested, file_filter
        )

    def open_url(self, url: QUrl) -> bool:
        return QDesktopServices.openUrl(url)

    def print_file(self, path: Path) -> bool:
        """The system print dialog for a PDF, then the PDF printed; False when cancelled."""
        return print_pdf(self, path)

    @Slot()
    def preview_combined(self) -> PdfPreviewDialog | None:
        """The combined payslips in a preview window, with Print… (the system print dialog)."""
        if self.combined_file is None:
            return None
        try:
            return self.previews.show(
                self.combined_file, printer=lambda _parent, p: self.print_file(p), open_url=self.open_url
            )
        except PrintError as exc:  # the file was moved or damaged since it was written
            self.payslips_result.setStyleSheet(ERROR_STYLE)
            self.payslips_result.setText(str(exc))
            return None

    @property
    def preview_dialog(self) -> PdfPreviewDialog | None:
        return self.previews.dialog

    def close_preview(self) -> None:
        """Close the combined file's preview: it is about to be written again, or is another month's."""
        self.previews.close()

    # --- data ---------------------------------------------------------------------------------

    def month_changed(self, month: str) -> None:
        for label in (self.payslips_result, self.summary_result):
            label.clear()
            label.setVisible(False)
        self.payslips_open_button.setVisible(False)
        self.payslips_preview_button.setVisible(False)
        self.combined_file = None
        self.close_preview()
        self.summary_open_button.setVisible(False)
        self.payslip_folder = self.summary_folder = None
        self.refresh()

    def refresh(self) -> None:
        """Reload the month's status, totals and agents (the payslip agent choice is kept)."""
        if not self.month:
            return
        try:
            with self.db.session_scope() as session:
                status = month_status(session, self.month)
                data = show_month(session, self.month) if status in ("calculated", "locked") else None
                paper = get_setting(session, "payslip_size").strip().upper() or "A5"
        except Exception as exc:  # noqa: BLE001 - a short message; unexpected ones are logged
            self.message = show_error(self, exc)
            return
        self.status, self.result = status, data
        two_up = paper == TWO_UP_PAPER
        if two_up != self._two_up_setting:  # a changed setting resets the choice; else it is kept
            self._two_up_setting = two_up
            self.two_up_check.setChecked(two_up)
        if two_up:
            paper = tr("A4 纸印两张 A5", "two A5 per A4 sheet")
        self.paper_label.setText(
            tr(f"纸张：{paper}（在“设置”中修改）", f"Paper: {paper} (change it in Settings)")
        )
        self._fill_agents(list(data.agents) if data else [])
        self._show_status()
        self._update_buttons()

    def _fill_agents(self, agents: list[AgentResult]) -> None:
        text = self.agent_combo.currentText()
        self.agent_combo.blockSignals(True)
        self.agent_combo.clear()
        for agent in agents:
            self.agent_combo.addItem(f"{agent.code} {agent.name}", agent.code)
        index = self.agent_combo.findText(text) if text else -1
        self.agent_combo.setCurrentIndex(index)
        if index < 0:
            self.agent_combo.setEditText("")
        self.agent_combo.blockSignals(False)

    def _show_status(self) -> None:
        month = self.month
        data = self.result
        if data is not None and self.status in ("calculated", "locked"):
            gross, deductions, net = fmt_money(data.gross), fmt_money(data.deductions), fmt_money(data.net)
            count = len(data.agents)
            money = tr(
                f"{count} 人，应发合计 {gross} 元，扣款合计 {deductions} 元，"
                f"实发合计 {net} 元。",
                f"{count} agents, total gross {gross}, deductions {deductions}, "
                f"net {net}.",
            )
            if self.status == "locked":
                text = tr(f"{month} 已锁定：", f"{month} is locked: ") + money
            else:
                text = (
                    tr(f"{month} 已核算（未锁定）：", f"{month} is calculated (not locked): ")
                    + money
                    + tr(
                        " 锁定前生成的工资条标有“试算稿”。",
                        " Payslips written before the month is locked are marked as drafts.",
                    )
                )
        elif month:
            text = tr(
                f"{month} 尚未核算 — 请先在“月度核算”中计算本月工资，再生成工资条和汇总表。",
                f"{month} is not calculated yet — calculate it on the Payroll page first, "
                "then write its payslips and summary.",
            )
        else:
            text = tr("请选择月份。", "Choose a month.")
        background, border, foreground = STATUS_COLOURS.get(self.status, STATUS_COLOURS["open"])
        self.status_frame.setStyleSheet(
            f"QFrame#reportsStatus {{ background: {background}; border: 1px solid {border}; "
            f"border-radius: 6px; }} QFrame#reportsStatus QLabel {{ color: {foreground}; }}"
        )
        self.status_label.setText(text)

    @Slot()
    def _update_buttons(self) -> None:
        has_result = self.result is not None and bool(self.result.agents)
        ready = has_result and self.op is None
        combined = self.combined_radio.isChecked()
        self.payslips_button.setEnabled(ready)
        self.export_button.setEnabled(ready)
        locked = ready and self.result is not None and self.result.status == "locked"
        self.bank_button.setEnabled(locked)
        self.tax_button.setEnabled(locked)
        self.publication_button.setEnabled(locked)
        self.agent_combo.setEnabled(has_result)
        self.encrypt_check.setEnabled(has_result and not combined)
        self.two_up_check.setEnabled(has_result and combined)
        self.two_up_check.setToolTip(
            tr(
                "合并文件每张 A4 纸横向印两份 A5 工资条，打印后沿中间虚线裁开",
                "The combined file puts two A5 payslips side by side on each A4 sheet; cut along the dashed line",
            )
            if combined
            else tr("只用于合并文件；每人单独的文件为一页。", "For the combined file only; each agent's own file is one page.")
        )
        self.encrypt_check.setToolTip(
            tr("合并文件不能加密：每人的密码不同。", "A combined file cannot be encrypted: passwords differ.")
            if combined
            else tr(
                "打开工资条需要输入本人的工资条密码（在人员资料中设置）",
                "Opening a payslip asks for the agent's payslip password (set on the Agents page)",
            )
        )
        if not has_result:
            tip = tr("本月尚未核算，请先在“月度核算”中计算", "Calculate the month on the Payroll page first")
            self.payslips_button.setToolTip(tip)
            self.export_button.setToolTip(tip)
        else:
            self.payslips_button.setToolTip(tr("生成本月的工资条 PDF", "Write the month's payslip PDFs"))
            self.export_button.setToolTip(
                tr("导出本月工资汇总表（Excel）", "Export the month's Excel summary")
            )

    def selected_agent(self) -> str | None:
        """The agent code chosen for the payslips, ``None`` for everyone.

        Typed text that matches no item is passed on by its first word (the code), so the service
        can say plainly that there is no such agent instead of silently writing everyone's.
        """
        text = self.agent_combo.currentText().strip()
        if not text:
            return None
        index = self.agent_combo.findText(text)
        if index >= 0:
            return str(self.agent_combo.itemData(index))
        matches = [
            i
            for i in range(self.agent_combo.count())
            if text.casefold() in self.agent_combo.itemText(i).casefold()
        ]
        if len(matches) == 1:
            return str(self.agent_combo.itemData(matches[0]))
        return text.split()[0]

    def _start(self, op: Op) -> Op:
        """One operation at a time: the buttons stay disabled until it ends."""
        self.op = op
        op.finished.connect(self._on_op_finished)
        self._update_buttons()
        return op

    def _run(
        self,
        work: Callable[[CancelToken], Any],
        label: str,
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> Op:
        """``work`` off the GUI thread as the page's one operation; ``done`` / ``failed`` report it
        beside the button (no message box)."""
        return self._start(run_op(self, work, label=label, on_done=done, on_failed=failed, show_errors=False))

    def _summary_saved(self, out: Path, text: str) -> None:
        """A workbook or notice written: say so and offer to open its folder."""
        self._show_success(self.summary_result, text)
        self.summary_folder = out.parent
        self.summary_open_button.setVisible(True)

    @Slot()
    def _on_op_finished(self) -> None:
        self.op = None
        self._update_buttons()

    def _show_failure(self, label: QLabel, exc: BaseException) -> None:
        label.setStyleSheet(ERROR_STYLE)
        label.setText(error_text(exc))
        label.setVisible(True)
        self.message = show_error(self, exc)

    @staticmethod
    def _show_success(label: QLabel, text: str) -> None:
        label.setStyleSheet("")
        label.setText(text)
        label.setVisible(True)

    def _open_folder(self, folder: Path | None) -> bool:
        if folder is None:
            return False
        return self.open_url(QUrl.fromLocalFile(str(folder)))

    # --- actions ------------------------------------------------------------------------------

    @Slot()
    def write_payslips(self) -> Op | None:
        """Ask where (a folder, or a file for the combined PDF), then write off the GUI thread."""
        if self.result is None or not self.result.agents or self.op is not None:
            return None
        month, db = self.month, self.db
        self.close_preview()  # it would show the file being replaced
        combined = self.combined_radio.isChecked()
        encrypt = self.encrypt_check.isChecked() and not combined
        agent = self.selected_agent()
        target: Path | None = None
        if combined:
            path = self.ask_save_file(
                combined_file_name(month, branch_name(db)), tr("保存合并的工资条", "Save the combined payslips")
            )
            if path is None:
                return None
            target = with_suffix(path, ".pdf")
            folder = target.parent
        else:
            chosen = self.ask_directory()
            if chosen is None:
                return None
            folder = chosen

        two_up = combined and self.two_up_check.isChecked()
        work = payslips_work(
            db, month, folder, agent=agent, encrypt=encrypt, combined_target=target, two_up=two_up
        )

        def done(paths: list[Path]) -> None:
            names = [p.name for p in paths[:SHOWN_FILES]]
            more = len(paths) - len(names)
            listing = "\n".join(names) + (tr(f"\n……等共 {len(paths)} 个", f"\n… {more} more") if more else "")
            if combined:
                head = tr(
                    f"已生成合并工资条，保存在 {folder}：", f"The combined payslips were saved in {folder}:"
                )
            else:
                head = tr(
                    f"已生成 {len(paths)} 份工资条{'（已加密）' if encrypt else ''}，保存在 {folder}：",
                    f"{len(paths)} payslips{' (encrypted)' if encrypt else ''} were written to {folder}:",
                )
            self._show_success(self.payslips_result, f"{head}\n{listing}")
            self.payslip_folder = folder
            self.payslips_open_button.setVisible(True)
            self.combined_file = target
            self.payslips_preview_button.setVisible(target is not None)
            self.data_changed.emit("handout")  # the overview's 报表 step follows

        def failed(exc: BaseException) -> None:
            self.payslip_folder = None
            self.payslips_open_button.setVisible(False)
            self.combined_file = None
            self.payslips_preview_button.setVisible(False)
            self._show_failure(self.payslips_result, exc)

        return self._run(work, tr(f"正在生成 {month} 的工资条…", f"Writing the payslips of {month}…"), done, failed)

    @Slot()
    def export_summary(self) -> Op | None:
        """Ask for a file name (``工资汇总-YYYY-MM.xlsx``), then export off the GUI thread."""
        if self.result is None or not self.result.agents or self.op is not None:
            return None
        month, db = self.month, self.db
        path = self.ask_save_file(
            summary_file_name(month, branch_name(db)), tr("保存工资汇总表", "Save the payroll summary")
        )
        if path is None:
            return None
        path = with_suffix(path, ".xlsx")
        work = summary_work(db, month, path)

        def done(out: Path) -> None:
            self._summary_saved(out, tr(f"汇总表已保存：{out}", f"The summary was saved: {out}"))
            self.data_changed.emit("handout")  # the overview's 报表 step follows

        def failed(exc: BaseException) -> None:
            self.summary_folder = None
            self.summary_open_button.setVisible(False)
            self._show_failure(self.summary_result, exc)

        return self._run(work, tr(f"正在导出 {month} 的汇总表…", f"Exporting the summary of {month}…"), done, failed)

    def _export_payment_file(self, what: str, suggested: str, title: str) -> Path | None:
        if self.result is None or self.op is not None:
            return None
        path = self.ask_save_file(suggested, title)
        if path is None:
            return None
        from app.services.payment_files import export_bank, export_tax

        try:
            with self.db.session_scope() as session:
                if what == "bank":
                    out, data = export_bank(session, self.month, path)
                    text = tr(f"银行代发文件已保存：{out}（{len(data.rows)} 笔，合计 {fmt_money(data.total)}）",
                              f"The bank file was saved: {out} ({len(data.rows)} payments, "
                              f"total {fmt_money(data.total)})")
                else:
                    out, count = export_tax(session, self.month, path)
                    text = tr(f"个税申报文件已保存：{out}（{count} 人）", f"The tax file was saved: {out} ({count} agents)")
        except Exception as exc:  # a ServiceError says what to do; anything else is shown the same way
            self._show_failure(self.payment_result, exc)
            return None
        self._show_success(self.payment_result, text)
        return out

    @Slot()
    def export_bank_file(self) -> Path | None:
        return self._export_payment_file(
            "bank", f"银行代发-{self.month}.xlsx", tr("保存银行代发文件", "Save the bank file"))

    @Slot()
    def export_tax_file(self) -> Path | None:
        return self._export_payment_file(
            "tax", f"个税扣缴申报-{self.month}.xlsx", tr("保存个税申报文件", "Save the tax file"))

    @Slot()
    def export_publication(self) -> Op | None:
        """奖惩公示 of the locked month: ask for a .pdf (or .xlsx) file, then write it off the GUI thread."""
        if self.result is None or self.result.status != "locked" or self.op is not None:
            return None
        month, db = self.month, self.db
        path = self.ask_save_file(f"奖惩公示-{month}.pdf", tr("保存奖惩公示", "Save the publication notice"))
        if path is None:
            return None
        if path.suffix.lower() not in (".pdf", ".xlsx"):
            path = with_suffix(path, ".pdf")

        def work(token: CancelToken) -> Path:
            from app.services.publication import export_publication

            with db.session_scope() as session:
                token.check()
                return export_publication(session, month, path)

        def done(out: Path) -> None:
            self._summary_saved(out, tr(f"公示已保存：{out}", f"The notice was saved: {out}"))

        def failed(exc: BaseException) -> None:
            self._show_failure(self.summary_result, exc)

        return self._run(work, tr(f"正在生成 {month} 的奖惩公示…", f"Writing the notice of {month}…"), done, failed)

    @Slot()
    def save_kind_template(self, kind: str) -> Path | None:
        """Save the import template of ``kind`` (the shared Page helper asks where and reports)."""
        return self.save_template(kind, *template_file_names(kind))


__all__ = ["ReportsPage"]
