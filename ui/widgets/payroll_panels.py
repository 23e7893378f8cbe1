"""The payroll page's side panels: one agent's pay explained, and what a calculation changed
(or would change, when the stored result is stale)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.engine.facts import AgentFacts
from app.fact_rows import FACT_LABELS, fact_rows, scope_text
from app.i18n import language, tr
from app.money import D, fmt_money
from app.services.payroll_view import (
    AgentChange,
)
from app.text import Text
from ui.models.payroll_panels import ChangesModel, PayLinesModel, signed
from ui.models.payroll_table import PayRow
from ui.widgets.status_banner import agents_en
from ui.widgets.table_view import TableView


class AgentDetail(QGroupBox):
    """The selected agent's pay explained: each line with its arithmetic, then the facts used."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("明细与计算说明", "Pay lines explained"), parent)
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.lines_model = PayLinesModel(self)
        self.lines = TableView(self)
        self.lines.setModel(self.lines_model)
        self.lines.setSortingEnabled(False)
        self.lines.setWordWrap(True)
        self.lines.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.lines.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.lines.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # As tall as its lines, so the facts sit right under them instead of at the panel's foot.
        self.lines.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.lines.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        header = self.lines.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        self.facts = QFormLayout()
        self.facts.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.fact_labels: dict[str, QLabel] = {}
        for key, label in FACT_LABELS.items():
            value = QLabel(self)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.facts.addRow(tr(f"{label.zh}：", f"{label.en}:"), value)
            self.fact_labels[key] = value

        # §8.1: the targets of the periods this month falls in, as of the month's end (issue #14)
        self.targets_title = QLabel(tr("目标达成（截至本月）", "Targets so far (as of the month)"), self)
        bold = self.targets_title.font()
        bold.setBold(True)
        self.targets_title.setFont(bold)
        self.targets_text = QLabel(self)
        self.targets_text.setWordWrap(True)
        self.targets_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.targets_title.setVisible(False)
        self.targets_text.setVisible(False)

        self.agent_warnings = QLabel(self)
        self.agent_warnings.setWordWrap(True)
        self.agent_warnings.setStyleSheet("color: #b26a00;")
        self.agent_warnings.setVisible(False)

        self.placeholder = QLabel(self)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.lines)
        layout.addSpacing(6)
        layout.addLayout(self.facts)
        layout.addSpacing(6)
        layout.addWidget(self.targets_title)
        layout.addWidget(self.targets_text)
        layout.addWidget(self.agent_warnings)
        layout.addStretch(1)
        self.show_row(None)

    def _set_content_visible(self, visible: bool) -> None:
        self.heading.setVisible(visible)
        self.lines.setVisible(visible)
        for row in range(self.facts.rowCount()):
            self.facts.setRowVisible(row, visible)
        self.placeholder.setVisible(not visible)

    def show_targets(self, lines: Sequence[Text]) -> None:
        """The agent's targets so far (:func:`app.services.payroll_view.target_progress_text`); none: hidden."""
        lang = language()
        self.targets_text.setText("\n".join("• " + line.in_(lang) for line in lines))
        self.targets_title.setVisible(bool(lines))
        self.targets_text.setVisible(bool(lines))

    def show_row(self, row: PayRow | None, placeholder: str | None = None) -> None:
        if row is None:
            self.lines_model.set_lines([])
            self.agent_warnings.setVisible(False)
            self.show_targets(())
            self.placeholder.setText(
                placeholder
                or tr(
                    "在左侧表格中选择一名人员查看明细。", "Select an agent in the table to see the details."
                )
            )
            self._set_content_visible(False)
            return
        agent = row.agent
        net, gross, deductions = fmt_money(agent.net), fmt_money(agent.gross), fmt_money(agent.deductions)
        self._set_content_visible(True)
        self.heading.setText(
            tr(
                f"{row.code} {row.name}{'（' + row.team + '）' if row.team else ''}　实发 {net}"
                f"（应发 {gross}，扣款 {deductions}）",
                f"{row.code} {row.name}{' (' + row.team + ')' if row.team else ''}  net {net} "
                f"(gross {gross}, deductions {deductions})",
            )
            + _scope_suffix(agent.facts)
        )
        self.lines_model.set_lines(agent.lines)
        self.lines.resizeRowsToContents()
        # the same texts as the payslip and the workbook (app.fact_rows)
        lang = language()
        for fact in fact_rows(agent.facts):
            self.fact_labels[fact.key].setText(fact.value.in_(lang))
        self.agent_warnings.setText("\n".join("⚠ " + tr(w.zh, w.en) for w in row.warnings))
        self.agent_warnings.setVisible(bool(row.warnings))


class ChangesPanel(QWidget):
    """变化: what the last Calculate changed compared with the result it replaced."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.model = ChangesModel(self)
        self.table = TableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)
        self.table.horizontalHeader().setStretchLastSection(False)  # keep "change" next to its amounts
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.clear()

    def clear(self) -> None:
        self.model.set_changes([])
        self.table.setVisible(False)
        self.summary.setText(
            tr(
                "点击“计算”后，这里列出与上次计算结果相比每人每项的变化。",
                "After Calculate, this lists what changed per agent and per line since the previous result.",
            )
        )

    def show_changes(self, changes: list[AgentChange], *, first: bool, agents: int) -> None:
        if first:
            self.model.set_changes([])
            self.table.setVisible(False)
            self.summary.setText(
                tr(
                    f"首次计算本月：共 {agents} 人，没有可比较的上次结果。",
                    f"First calculation of the month: {agents} agents, no previous result to compare.",
                )
            )
            return
        self.model.set_changes(changes)
        self.table.setVisible(bool(changes))
        if not changes:
            self.summary.setText(tr("与上次计算结果相比没有变化。", "No change since the previous result."))
            return
        delta = sum((c.net_delta for c in changes), D(0))
        self.summary.setText(
            tr(
                f"与上次计算结果相比，{len(changes)} 人的工资有变化，实发合计变化 {signed(delta)}：",
                f"Since the previous result, the pay of {len(changes)} agents changed; total net {signed(delta)}:",
            )
        )
        self.table.fit_columns()


class PendingChangesPanel(ChangesPanel):
    """重新计算后将改变: what Calculate would change now, because records changed after the last one.

    A tab of its own, shown only while there is something to show, so it is never mistaken
    for 变化 (what the last Calculate changed): the two answer different questions.
    """

    def clear(self) -> None:
        self.model.set_changes([])
        self.table.setVisible(False)
        self.summary.setText(
            tr(
                "上次计算后数据没有变动，不需要重新计算。",
                "The records have not changed since the last calculation; no need to recalculate.",
            )
        )

    def show_pending(self, changes: Sequence[AgentChange]) -> None:
        if not changes:
            self.clear()
            return
        self.model.set_changes(changes)
        self.table.setVisible(True)
        delta = sum((c.net_delta for c in changes), D(0))
        self.summary.setText(
            tr(
                f"上次计算后，本月的记录有变动。按现在的记录重新计算，{len(changes)} 人的工资将如下改变"
                f"（实发合计 {signed(delta)}）。这些变化要点击“计算”后才生效；在此之前，上面的表格、"
                "工资条和汇总表都是旧结果：",
                f"The month's records changed after the last calculation. Recalculating them now changes "
                f"the pay of {agents_en(len(changes))} as below (total net {signed(delta)}). Nothing changes "
                "until you press Calculate; until then the table above, the payslips and the summary "
                "show the old result:",
            )
        )
        self.table.fit_columns()


def _scope_suffix(facts: AgentFacts) -> str:
    """Schema 2: the agent's scope after the heading (docs/pay-rules.md §7.3); nothing without one."""
    scope = scope_text(facts)
    return "" if scope is None else tr(f"　岗位方案：{scope.zh}", f"  scope: {scope.en}")
