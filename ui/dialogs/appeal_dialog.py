"""申诉: file an appeal against a record (prefilled from the record's page) and decide one."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import tr
from app.services.appeals import KIND_NAMES, STATUS_NAMES, AppealInput, AppealView, Decision
from ui.dialogs.common import OkCancelDialog, attempt, date_edit, error_label, to_date


class AppealDialog(OkCancelDialog):
    """A new appeal. ``prefill`` comes from the record's page (its id, agent, date, indicator);
    ``file`` writes it (the service call), so the dialog does not open the database itself."""

    filed = Signal(object)  # AppealView

    def __init__(
        self,
        prefill: AppealInput,
        file: Callable[[AppealInput], AppealView],
        parent: QWidget | None = None,
        *,
        record_text: str = "",
        choices: Sequence[tuple[int, str]] = (),
    ) -> None:
        super().__init__(parent)
        self._file = file
        self._record_id = prefill.record_id if not choices else choices[0][0]
        self.record_choice: QComboBox | None = None
        self.setWindowTitle(tr("申诉", "Appeal"))
        self.setMinimumWidth(460)
        self.kind = QComboBox(self)
        for key, (zh, en) in KIND_NAMES.items():
            self.kind.addItem(tr(zh, en), key)
        self.kind.setCurrentIndex(max(0, self.kind.findData(prefill.kind)))
        self.agent = QLineEdit(prefill.agent_code, self)
        self.record_date = date_edit(self, prefill.record_date)
        self.indicator = QLineEdit(prefill.indicator, self)
        self.filed_on = date_edit(self, prefill.filed)
        self.reason = QPlainTextEdit(self)
        self.reason.setPlaceholderText(tr("申诉理由（必填）", "Why the agent appeals (required)"))
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(80)
        self.override = QLineEdit(prefill.override_reason, self)
        self.override.setPlaceholderText(tr("仅超过申诉期时填写，记入操作日志", "Only when late; kept in the audit log"))
        form = QFormLayout()
        if choices:  # a cell holding several records: the filer picks the one appealed
            self.record_choice = QComboBox(self)
            for record_id, text in choices:
                self.record_choice.addItem(text, record_id)
            self.record_choice.currentIndexChanged.connect(self._choose)
            form.addRow(tr("记录", "Record"), self.record_choice)
        elif record_text:
            form.addRow(tr("记录", "Record"), QLabel(record_text, self))
        form.addRow(tr("对象", "Record kind"), self.kind)
        form.addRow(tr("工号", "Agent code"), self.agent)
        form.addRow(tr("记录日期", "Record date"), self.record_date)
        form.addRow(tr("指标", "Indicator"), self.indicator)
        form.addRow(tr("申诉日期", "Filed on"), self.filed_on)
        form.addRow(tr("理由", "Reason"), self.reason)
        form.addRow(tr("超期原因", "Override reason"), self.override)
        if self._record_id is not None:  # the record was picked on its page: it is not re-chosen here
            for widget in (self.kind, self.agent, self.record_date, self.indicator):
                widget.setEnabled(False)
        self.error = error_label(self)
        self.add_buttons(tr("提交申诉", "File the appeal"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self._update)
        self.kind.currentIndexChanged.connect(self._update)
        self._update()

    @Slot()
    def _choose(self) -> None:
        assert self.record_choice is not None
        self._record_id = int(self.record_choice.currentData())

    @Slot()
    def _update(self) -> None:
        metric = self.kind.currentData() == "metric"
        self.indicator.setEnabled(metric and self._record_id is None)
        self.ok_button.setEnabled(bool(self.reason.toPlainText().strip()))

    def value(self) -> AppealInput:
        return AppealInput(
            kind=str(self.kind.currentData()),
            agent_code=self.agent.text().strip(),
            record_date=to_date(self.record_date),
            filed=to_date(self.filed_on),
            reason=self.reason.toPlainText().strip(),
            record_id=self._record_id,
            indicator=self.indicator.text().strip(),
            override_reason=self.override.text().strip(),
        )

    def accept(self) -> None:
        data = self.value()
        ok, view = attempt(self, self.error, lambda: self._file(data))
        if ok:
            self.filed.emit(view)
            super().accept()


class DecideDialog(OkCancelDialog):
    """成立 or 驳回 with a comment; an upheld metric appeal takes the decided value."""

    decided = Signal(object)  # Decision

    def __init__(
        self,
        appeal: AppealView,
        decide: Callable[[bool, str, str | None], Decision],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._decide = decide
        self.appeal = appeal
        self.setWindowTitle(tr(f"处理申诉 #{appeal.id}", f"Decide appeal #{appeal.id}"))
        self.setMinimumWidth(440)
        kind_zh, kind_en = KIND_NAMES[appeal.kind]
        intro = QLabel(tr(
            f"{appeal.agent_code} {appeal.agent_name} 对 {appeal.record_date.isoformat()} 的{kind_zh}记录"
            f"（{appeal.record_text}）提出申诉：{appeal.reason}",
            f"{appeal.agent_code} {appeal.agent_name} appeals the {kind_en.lower()} record of "
            f"{appeal.record_date.isoformat()} ({appeal.record_text}): {appeal.reason}",
        ), self)
        intro.setWordWrap(True)
        self.uphold_button = QRadioButton(tr(STATUS_NAMES["upheld"][0], "Upheld"), self)
        self.reject_button = QRadioButton(tr(STATUS_NAMES["rejected"][0], "Rejected"), self)
        group = QButtonGroup(self)
        group.addButton(self.uphold_button)
        group.addButton(self.reject_button)
        self.reject_button.setChecked(True)
        self.value = QLineEdit(self)
        self.value.setPlaceholderText(tr("改定的数值，如 0.95 或 95%", "The decided value, e.g. 0.95 or 95%"))
        self.comment = QPlainTextEdit(self)
        self.comment.setPlaceholderText(tr("处理意见（必填）", "Comment (required)"))
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(80)
        form = QFormLayout()
        form.addRow(tr("结果", "Outcome"), self.uphold_button)
        form.addRow("", self.reject_button)
        form.addRow(tr("数值", "Value"), self.value)
        form.addRow(tr("意见", "Comment"), self.comment)
        self.error = error_label(self)
        self.add_buttons(tr("确定", "Decide"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for signal in (self.uphold_button.toggled, self.comment.textChanged, self.value.textChanged):
            signal.connect(self._update)
        self._update()

    @Slot()
    def _update(self) -> None:
        metric_upheld = self.appeal.kind == "metric" and self.uphold_button.isChecked()
        self.value.setEnabled(metric_upheld)
        ready = bool(self.comment.toPlainText().strip()) and (not metric_upheld or bool(self.value.text().strip()))
        self.ok_button.setEnabled(ready)

    def accept(self) -> None:
        upheld = self.uphold_button.isChecked()
        value = self.value.text().strip() if upheld and self.appeal.kind == "metric" else None
        comment = self.comment.toPlainText().strip()
        ok, decision = attempt(self, self.error, lambda: self._decide(upheld, comment, value))
        if ok:
            self.decided.emit(decision)
            super().accept()
