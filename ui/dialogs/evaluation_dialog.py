"""Enter or correct one QA evaluation (质检评估), and ask the reason when an appeal is upheld.

The form starts every item at full marks because that is how evaluators work: they listen to the
call and deduct where points were lost. Points are typed as text and read as Decimal (half points
are common), the running total follows every keystroke, and OK stays disabled while anything is
out of range — the same checks the service makes (:func:`app.services.quality.score_problems`),
so the form never lets through what the service would refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, QRegularExpression, QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.calendar import month_bounds
from app.fields import NAME_MAX, TEXT_MAX
from app.i18n import language, tr
from app.money import HUNDRED, ZERO, fmt_num
from app.services.agents import AgentView
from app.services.quality import EvaluationView, ScorecardItemView, ScorecardView, score_problems
from ui.dialogs.common import ERROR_STYLE, OkCancelDialog, attempt, date_edit, error_label, set_error, to_date

POINTS_PATTERN = r"^\d{0,3}([.]\d{0,2})?$"
INVALID_FIELD_STYLE = "QLineEdit { border: 1px solid #c62828; background: #fdecea; }"


@dataclass(frozen=True)
class EvaluationForm:
    """What the user entered; ``item_points`` is ``None`` when a total was typed directly."""

    agent_code: str
    date: date
    scorecard_id: int | None
    item_points: Mapping[int, Decimal] | None
    score: Decimal | None
    fatal: bool
    evaluator: str
    note: str
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return bool(self.agent_code) and not self.problems


SaveEvaluation = Callable[[EvaluationForm], EvaluationView]


def parse_points(text: str) -> Decimal | None:
    """A typed number, or ``None`` when the field is empty or not a number."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class EvaluationDialog(OkCancelDialog):
    """``save`` is called with the form when OK is pressed; ``saved`` carries its result."""

    saved = Signal(object)

    def __init__(
        self,
        save: SaveEvaluation,
        *,
        month: str,
        agents: Sequence[AgentView],
        scorecards: Sequence[ScorecardView],
        evaluation: EvaluationView | None = None,
        evaluators: Sequence[str] = (),
        fatal_penalty: Decimal | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._evaluation = evaluation
        self._agents = list(agents)
        self._cards = list(scorecards)
        self._touched_agent = evaluation is not None
        self.item_edits: dict[int, QLineEdit] = {}
        self._items: list[ScorecardItemView] = []
        self.setWindowTitle(
            tr("编辑质检记录", "Edit evaluation") if evaluation else tr("新增质检记录", "New evaluation")
        )
        self.setMinimumSize(680, 640)

        first, last = month_bounds(month)
        today = today or date.today()
        default_day = evaluation.date if evaluation else min(max(today, first), last)

        # --- who, when, which card ---------------------------------------------------------
        self.agent = QComboBox(self)
        self.agent.setEditable(True)
        self.agent.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.agent.lineEdit()
        if line is not None:
            line.setPlaceholderText(tr("输入工号或姓名搜索", "Type a code or name to search"))
        for a in self._agents:
            self.agent.addItem(f"{a.code} {a.name}", a.code)
        completer = QCompleter([self.agent.itemText(i) for i in range(self.agent.count())], self.agent)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.agent.setCompleter(completer)
        self.agent.setCurrentIndex(-1)

        self.date = date_edit(self, default_day)
        self.date.setDateRange(_qdate(first), _qdate(last))

        self.scorecard = QComboBox(self)
        for card in self._cards:
            text = (
                card.label()
                if card.active
                else tr(f"{card.label()}（已停用的旧版本）", f"{card.label()} (retired)")
            )
            self.scorecard.addItem(text, card.id)
        self.scorecard.addItem(tr("（不用评分表）", "(no scorecard)"), None)

        self.by_item = QCheckBox(
            tr("逐项评分（得分 = 各项之和）", "Score by item (score = sum of the items)"), self
        )
        self.by_item.setChecked(True)
        self.full_marks = QPushButton(tr("全部满分", "All full marks"), self)
        self.full_marks.setToolTip(tr("把每一项重置为满分，再逐项扣分", "Reset every item to full marks"))

        # --- items ---------------------------------------------------------------------------
        self.items_area = QScrollArea(self)
        self.items_area.setWidgetResizable(True)
        self.items_area.setFrameShape(QFrame.Shape.StyledPanel)
        self.items_widget = QWidget(self.items_area)
        self.items_grid = QGridLayout(self.items_widget)
        self.items_grid.setColumnStretch(1, 1)
        self.items_grid.setHorizontalSpacing(10)
        self.items_area.setWidget(self.items_widget)

        self.score = QLineEdit(self)
        self.score.setValidator(QRegularExpressionValidator(QRegularExpression(POINTS_PATTERN), self.score))
        self.score.setPlaceholderText(tr("0–100，可有小数", "0–100, decimals allowed"))
        self.score.setMaximumWidth(140)
        self.score_row = QWidget(self)
        score_layout = QHBoxLayout(self.score_row)
        score_layout.setContentsMargins(0, 0, 0, 0)
        score_layout.addWidget(QLabel(tr("得分", "Score"), self.score_row))
        score_layout.addWidget(self.score)
        score_layout.addStretch(1)

        self.total = QLabel(self)
        self.total.setObjectName("runningTotal")
        font = self.total.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.total.setFont(font)

        # --- fatal, who evaluated, note ------------------------------------------------------
        self.fatal = QCheckBox(tr("致命差错", "Fatal error (致命差错)"), self)
        penalty = (
            tr(
                f"，并按方案每次扣款 {fmt_num(fatal_penalty)} 元",
                f" and the plan deducts {fmt_num(fatal_penalty)} each",
            )
            if fatal_penalty
            else ""
        )
        self.fatal_note = QLabel(
            tr(
                f"勾选后得分照常保存，但计算工资时这次质检按 0 分计入质检均分{penalty}。",
                f"The score is kept as entered, but for pay this evaluation counts as 0 in the QA average{penalty}.",
            ),
            self,
        )
        self.fatal_note.setWordWrap(True)
        self.evaluator = QLineEdit(self)
        self.evaluator.setMaxLength(NAME_MAX)  # the QA import's limits (app.fields)
        if evaluators:
            self.evaluator.setCompleter(QCompleter(list(evaluators), self.evaluator))
        self.note = QLineEdit(self)
        self.note.setMaxLength(TEXT_MAX)
        self.note.setPlaceholderText(tr("例如通话编号、扣分原因", "e.g. call id, why points were lost"))

        self.error = error_label(self)
        self.add_buttons(tr("保存", "Save"))

        top = QFormLayout()
        top.addRow(tr("人员", "Agent"), self.agent)
        top.addRow(tr("日期", "Date"), self.date)
        top.addRow(tr("评分表", "Scorecard"), self.scorecard)
        mode = QHBoxLayout()
        mode.addWidget(self.by_item)
        mode.addStretch(1)
        mode.addWidget(self.full_marks)

        bottom = QFormLayout()
        bottom.addRow(self.fatal, self.fatal_note)
        bottom.addRow(tr("质检员", "Evaluator"), self.evaluator)
        bottom.addRow(tr("备注", "Note"), self.note)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(mode)
        layout.addWidget(self.items_area, 1)
        layout.addWidget(self.score_row)
        layout.addWidget(self.total)
        layout.addLayout(bottom)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        if evaluation is not None:
            self._fill(evaluation)
        else:
            self._build_items()

        self.agent.currentIndexChanged.connect(self._on_agent)
        self.agent.editTextChanged.connect(self._on_agent_text)
        self.date.dateChanged.connect(self.revalidate)
        self.scorecard.currentIndexChanged.connect(self._on_scorecard)
        self.by_item.toggled.connect(self._on_mode)
        self.full_marks.clicked.connect(self.set_full_marks)
        self.score.textChanged.connect(self.revalidate)
        self.fatal.toggled.connect(self.revalidate)
        self._update_mode()
        self.revalidate()

    # --- filling -------------------------------------------------------------------------------

    def _fill(self, ev: EvaluationView) -> None:
        self.select_agent(ev.agent_code)  # the page lists the evaluation's agent even if no longer employed
        self.date.setDate(_qdate(ev.date))
        card_index = self.scorecard.findData(ev.scorecard_id)
        self.scorecard.setCurrentIndex(card_index if card_index >= 0 else self.scorecard.count() - 1)
        self.by_item.setChecked(bool(ev.item_points))
        self._build_items(ev.item_points)
        self.score.setText(fmt_num(ev.score))
        self.fatal.setChecked(ev.fatal)
        self.evaluator.setText(ev.evaluator)
        self.note.setText(ev.note)

    def select_agent(self, code: str) -> bool:
        index = self.agent.findData(code)
        if index >= 0:
            self.agent.setCurrentIndex(index)
        return index >= 0

    def select_scorecard(self, card_id: int | None) -> bool:
        index = self.scorecard.findData(card_id)
        if index >= 0:
            self.scorecard.setCurrentIndex(index)
        return index >= 0

    def current_card(self) -> ScorecardView | None:
        card_id = self.scorecard.currentData()
        return next((c for c in self._cards if c.id == card_id), None)

    def _build_items(self, points: Mapping[int, Decimal] | None = None) -> None:
        """One row per item: section heading when it changes, name, points field, maximum."""
        while self.items_grid.count():
            child = self.items_grid.takeAt(0)
            widget = child.widget() if child is not None else None
            if widget is not None:
                widget.deleteLater()
        self.item_edits = {}
        card = self.current_card()
        self._items = list(card.items) if card else []
        row = 0
        section = None
        for item in self._items:
            if item.section and item.section != section:
                heading = QLabel(item.section, self.items_widget)
                bold = heading.font()
                bold.setBold(True)
                heading.setFont(bold)
                self.items_grid.addWidget(heading, row, 0, 1, 4)
                row += 1
                section = item.section
            number = QLabel(f"{item.position}.", self.items_widget)
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            name = QLabel(item.name, self.items_widget)
            name.setWordWrap(True)
            name.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            edit = QLineEdit(self.items_widget)
            edit.setValidator(QRegularExpressionValidator(QRegularExpression(POINTS_PATTERN), edit))
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setFixedWidth(64)
            value = points.get(item.id) if points is not None else item.max_points
            edit.setText(fmt_num(value) if value is not None else "")
            edit.setToolTip(
                tr(f"0 到 {fmt_num(item.max_points)} 分", f"0 to {fmt_num(item.max_points)} points")
            )
            edit.setAccessibleName(item.name)
            edit.textChanged.connect(self.revalidate)
            maximum = QLabel(f"/ {fmt_num(item.max_points)}", self.items_widget)
            self.items_grid.addWidget(number, row, 0)
            self.items_grid.addWidget(name, row, 1)
            self.items_grid.addWidget(edit, row, 2)
            self.items_grid.addWidget(maximum, row, 3)
            self.item_edits[item.id] = edit
            row += 1
        self.items_grid.setRowStretch(row, 1)

    # --- reacting -------------------------------------------------------------------------------

    @Slot(int)
    def _on_agent(self, _index: int) -> None:
        self._touched_agent = True
        self._suggest_card()
        self.revalidate()

    @Slot(str)
    def _on_agent_text(self, _text: str) -> None:
        self._touched_agent = True
        self.revalidate()

    def _suggest_card(self) -> None:
        """A new evaluation uses the card named like the agent's role (电话接听岗 → 电话接听岗)."""
        if self._evaluation is not None:
            return
        agent = self.current_agent()
        if agent is None:
            return
        for card in self._cards:
            if card.active and card.name == agent.role:
                self.select_scorecard(card.id)
                return

    @Slot(int)
    def _on_scorecard(self, _index: int) -> None:
        self._build_items()
        self._update_mode()
        self.revalidate()

    @Slot(bool)
    def _on_mode(self, _checked: bool) -> None:
        if not self.by_item.isChecked():
            total = self.items_total()
            if total is not None and self._items:
                self.score.setText(fmt_num(total))
        self._update_mode()
        self.revalidate()

    def _update_mode(self) -> None:
        has_card = self.current_card() is not None
        with QSignalBlocker(self.by_item):
            self.by_item.setEnabled(has_card)
            if not has_card:
                self.by_item.setChecked(False)
        items = self.scoring_by_item()
        self.items_area.setVisible(items)
        self.full_marks.setVisible(items)
        self.score_row.setVisible(not items)

    @Slot()
    def set_full_marks(self) -> None:
        for item in self._items:
            self.item_edits[item.id].setText(fmt_num(item.max_points))

    def scoring_by_item(self) -> bool:
        return self.by_item.isChecked() and self.current_card() is not None

    def current_agent(self) -> AgentView | None:
        text = self.agent.currentText().strip()
        index = self.agent.findText(text, Qt.MatchFlag.MatchFixedString)
        if index < 0:
            return None
        code = self.agent.itemData(index)
        return next((a for a in self._agents if a.code == code), None)

    def item_points(self) -> dict[int, Decimal | None]:
        return {item_id: parse_points(edit.text()) for item_id, edit in self.item_edits.items()}

    def items_total(self) -> Decimal | None:
        points = self.item_points()
        if any(p is None for p in points.values()):
            return None
        return sum((p for p in points.values() if p is not None), ZERO)

    def form(self) -> EvaluationForm:
        """The form as typed, with every problem in the user's language."""
        zh: list[str] = []
        en: list[str] = []
        agent = self.current_agent()
        day = to_date(self.date)
        if agent is None:
            # Not said before the user touched the field (OK stays disabled all the same).
            if self._touched_agent:
                zh.append("请从列表中选择人员" if self.agent.currentText().strip() else "请选择人员")
                en.append(
                    "choose an agent from the list" if self.agent.currentText().strip() else "choose an agent"
                )
        elif day < agent.hire_date or (agent.leave_date is not None and day > agent.leave_date):
            until = agent.leave_date.isoformat() if agent.leave_date else ""
            zh.append(
                f"{day.isoformat()} 不在 {agent.name} 的在职期间（{agent.hire_date.isoformat()} – {until or '至今'}）"
            )
            en.append(
                f"{day.isoformat()} is outside {agent.name}'s employment ({agent.hire_date.isoformat()} – {until or 'now'})"
            )
        card = self.current_card()
        points: dict[int, Decimal] | None = None
        score: Decimal | None = None
        if self.scoring_by_item() and card is not None:
            typed = self.item_points()
            for item in self._items:
                if typed.get(item.id) is None:
                    zh.append(f"第 {item.position} 项未填写得分")
                    en.append(f"item {item.position} has no score")
            points = {k: v for k, v in typed.items() if v is not None}
            z, e = score_problems(self._items, points)
            zh += [p for p in z if "未评分" not in p]
            en += [p for p, pz in zip(e, z, strict=True) if "未评分" not in pz]
        else:
            score = parse_points(self.score.text())
            if score is None:
                zh.append("请填写得分")
                en.append("enter the score")
            elif score > HUNDRED:
                zh.append(f"得分 {fmt_num(score)} 超出 0–100")
                en.append(f"the score {fmt_num(score)} is outside 0–100")
        problems = tuple(en if language() == "en" else zh)
        return EvaluationForm(
            agent_code=agent.code if agent else "",
            date=day,
            scorecard_id=card.id if card else None,
            item_points=points,
            score=score,
            fatal=self.fatal.isChecked(),
            evaluator=self.evaluator.text().strip(),
            note=self.note.text().strip(),
            problems=problems,
        )

    @Slot()
    def revalidate(self) -> bool:
        for item in self._items:
            edit = self.item_edits[item.id]
            value = parse_points(edit.text())
            bad = value is None or value > item.max_points
            edit.setStyleSheet(INVALID_FIELD_STYLE if bad else "")
        form = self.form()
        self._show_total(form)
        set_error(self.error, "\n".join(form.problems))
        ok = form.ok
        self.ok_button.setEnabled(ok)
        return ok

    def _show_total(self, form: EvaluationForm) -> None:
        if self.scoring_by_item():
            total = self.items_total()
            text = tr(
                f"合计：{fmt_num(total) if total is not None else '—'} / 100",
                f"Total: {fmt_num(total) if total is not None else '—'} / 100",
            )
        else:
            text = tr(
                f"得分：{fmt_num(form.score) if form.score is not None else '—'} / 100",
                f"Score: {fmt_num(form.score) if form.score is not None else '—'} / 100",
            )
        if form.fatal:
            text += tr("　（致命差错：计算工资时按 0 分）", "   (fatal: counts as 0 for pay)")
            self.total.setStyleSheet(ERROR_STYLE)
        else:
            self.total.setStyleSheet("")
        self.total.setText(text)

    def accept(self) -> None:
        if not self.revalidate():
            return
        ok, view = attempt(self, self.error, lambda: self._save(self.form()))
        if ok:
            self.saved.emit(view)
            super().accept()


class OverturnDialog(OkCancelDialog):
    """申诉改判: the reason is required because it is what the agent and head office will read."""

    saved = Signal(object)

    def __init__(
        self,
        evaluation: EvaluationView,
        overturn: Callable[[str], EvaluationView],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._overturn = overturn
        self.setWindowTitle(tr("申诉改判", "Overturn on appeal"))
        self.setMinimumWidth(440)
        intro = QLabel(
            tr(
                f"{evaluation.date.isoformat()} {evaluation.agent_code} {evaluation.agent_name} 的质检"
                f"（{fmt_num(evaluation.score)} 分）申诉成立，改判撤销：这条记录将不再计入质检均分。",
                f"The appeal against the evaluation of {evaluation.agent_code} {evaluation.agent_name} on "
                f"{evaluation.date.isoformat()} ({fmt_num(evaluation.score)}) is upheld: it will no longer count.",
            ),
            self,
        )
        intro.setWordWrap(True)
        self.reason = QPlainTextEdit(self)
        self.reason.setPlaceholderText(tr("改判原因（必填）", "Reason (required)"))
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(90)
        self.error = error_label(self)
        self.add_buttons(tr("改判撤销", "Overturn"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel(tr("改判原因", "Reason"), self))
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self._update)
        self._update()

    @Slot()
    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.reason.toPlainText().strip()))

    def accept(self) -> None:
        reason = self.reason.toPlainText().strip()
        if not reason:
            return
        ok, view = attempt(self, self.error, lambda: self._overturn(reason))
        if ok:
            self.saved.emit(view)
            super().accept()
