"""概览 Overview: the page a manager starts the month from.

The month's status (the payroll page's banner), its steps in the order the work is done —
each with a done / needs-a-look / not-started mark, a one-line summary and a button to the
page that does it — and, once calculated, the result's totals. Everything comes from
:func:`app.services.overview.month_overview`; the page only lays it out. A step's button
emits :attr:`OverviewPage.navigate` with the area to open; the main window shows it.

The month's overview is read off the GUI thread (:class:`ui.loader.Loader`; the stored result of
a busy month takes a moment): meanwhile the page says 加载中 and, for another month than the one
shown, greys out what it shows, so nothing of the old month passes for the new one.

Whether a calculated result is still current costs a whole calculation to find out, so it
is not part of the refresh: the page asks in the background, as the payroll
page does (:class:`~ui.pages.payroll_page.PendingCheck`), and marks the 月度核算 step when
the records changed after the calculation.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.bulk import collector_paused
from app.i18n import tr
from app.money import fmt_money
from app.services.overview import ATTENTION, DONE, TITLES, TODO, MonthOverview, Step, month_overview
from app.services.payroll_view import AgentChange
from app.trends import change_text
from db.session import Database
from ui.loader import Loader
from ui.ops import Op
from ui.pages.base import Page
from ui.pending_check import PendingCheck
from ui.widgets.locked_banner import AMBER_STYLE
from ui.widgets.status_banner import StatusBanner


def status_text(status: str) -> str:
    return {
        "open": tr("未核算", "not calculated"),
        "calculated": tr("已核算（未锁定）", "calculated (not locked)"),
        "locked": tr("已锁定（只读）", "locked (read-only)"),
    }.get(status, status)


#: Mark colours: green tick, amber exclamation, grey ring.
MARK_COLOURS = {DONE: "#2e7d32", ATTENTION: "#e08600", TODO: "#9e9e9e"}


def mark_text(mark: str) -> str:
    return {
        DONE: tr("已完成", "Done"),
        ATTENTION: tr("需留意", "Needs a look"),
        TODO: tr("未开始", "Not started"),
    }.get(mark, mark)


def mark_pixmap(mark: str, size: int = 22) -> QPixmap:
    """The step's mark drawn with QPainter, so it looks the same on every platform and font."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(MARK_COLOURS.get(mark, MARK_COLOURS[TODO]))
    circle = QRectF(1.5, 1.5, size - 3, size - 3)
    if mark == TODO:
        painter.setPen(QPen(colour, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(circle)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(circle)
        pen = QPen(QColor("#ffffff"), max(2.0, size / 9))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if mark == DONE:
            tick = QPainterPath(QPointF(size * 0.28, size * 0.52))
            tick.lineTo(size * 0.44, size * 0.68)
            tick.lineTo(size * 0.73, size * 0.36)
            painter.drawPath(tick)
        else:
            painter.drawLine(QPointF(size * 0.5, size * 0.27), QPointF(size * 0.5, size * 0.57))
            painter.drawPoint(QPointF(size * 0.5, size * 0.73))
    painter.end()
    return pixmap


def area_title(key: str) -> str:
    # Imported when used: ui.pages imports this module to build its table of areas.
    from ui.pages import AREA_BY_KEY

    area = AREA_BY_KEY.get(key)
    return area.title if area is not None else key


class StepRow(QFrame):
    """One step of the month: number, mark, title, summary, and the button to its page."""

    clicked = Signal(str)  # the area to open

    def __init__(self, number: int, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.area = ""
        self.mark = TODO
        self.setObjectName("stepRow")
        self.number = QLabel(str(number), self)
        self.number.setObjectName("stepNumber")
        self.number.setFixedWidth(18)
        self.number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.icon = QLabel(self)
        self.icon.setFixedSize(24, 24)
        self.title = QLabel(tr(*TITLES[key]), self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setMinimumWidth(
            self.title.fontMetrics().horizontalAdvance(tr("奖惩/指标", "Rewards & KPI")) + 16
        )
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        # The blue "next" pill looks like a button, so it is one: it opens the step's page too.
        self.next_tag = QPushButton(tr("下一步 →", "Next →"), self)
        self.next_tag.setObjectName("nextTag")
        self.next_tag.setCursor(Qt.CursorShape.PointingHandCursor)
        self.next_tag.setStyleSheet(
            "QPushButton#nextTag { background: #1565c0; color: white; border: none; border-radius: 4px;"
            " padding: 2px 8px; font-weight: bold; }"
            "QPushButton#nextTag:hover { background: #0d47a1; }"
            "QPushButton#nextTag:pressed { background: #0b3c8a; }"
            "QPushButton#nextTag:focus { outline: none; border: 1px solid #90caf9; }"
        )
        self.next_tag.clicked.connect(lambda: self.clicked.emit(self.area))
        self.next_tag.setVisible(False)
        self.button = QPushButton(self)
        self.button.clicked.connect(lambda: self.clicked.emit(self.area))

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 7, 10, 7)
        layout.setSpacing(10)
        layout.addWidget(self.number)
        layout.addWidget(self.icon)
        layout.addWidget(self.title)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.next_tag)
        layout.addWidget(self.button)
        self.set_next(False)

    def show_step(self, step: Step) -> None:
        self.mark, self.area = step.mark, step.area
        self.icon.setPixmap(mark_pixmap(step.mark))
        self.icon.setToolTip(mark_text(step.mark))
        self.summary.setText(tr(step.summary_zh, step.summary_en))
        title = area_title(step.area)
        self.button.setText(tr(f"打开{title}", f"Open {title}").replace("&", "&&"))  # "&" is no shortcut
        self.button.setToolTip(tr(f"转到「{title}」页", f"Go to the {title} page"))
        self.next_tag.setToolTip(tr(f"下一步：转到「{title}」页", f"Next: go to the {title} page"))

    def set_next(self, is_next: bool) -> None:
        self.next_tag.setVisible(is_next)
        background = "#eef5fd" if is_next else "transparent"
        self.setStyleSheet(
            f"QFrame#stepRow {{ background: {background}; border: none;"
            " border-bottom: 1px solid palette(midlight); }"
            "QLabel#stepNumber { color: palette(dark); }"
        )


class Figure(QFrame):
    """A caption over a large figure."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figure")
        self.setStyleSheet(
            "QFrame#figure { background: palette(base); border: 1px solid palette(mid); border-radius: 6px; }"
            "QFrame#figure QLabel { border: none; background: transparent; }"
        )
        self.caption = QLabel(caption, self)
        self.caption.setStyleSheet("color: palette(dark);")
        self.value = QLabel(self)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 10)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        self.compare = QLabel(self)  # 环比: this month against the one before
        self.compare.setStyleSheet("color: palette(dark);")
        self.compare.setVisible(False)
        layout.addWidget(self.compare)


def _compare_texts(overview: MonthOverview) -> dict[str, str]:
    """环比 under each headline figure: the change against the month before and its figure."""
    totals, previous = overview.totals, overview.previous
    if totals is None or previous is None:
        return {}
    out = {}
    for key, now, before, money in (
        ("headcount", totals.headcount, previous.headcount, False),
        ("gross", totals.gross, previous.gross, True),
        ("deductions", totals.deductions, previous.deductions, True),
        ("net", totals.net, previous.net, True),
    ):
        zh, en = change_text(now, before, money)
        shown = fmt_money(Decimal(before)) if money else str(before)
        out[key] = tr(f"{zh}（{previous.month}：{shown}）", f"{en} ({previous.month}: {shown})")
    return out


class OverviewPage(Page):
    """概览: status banner, the month's steps, and the calculated result's totals."""

    reads = None  # every area's data: any change can alter what it shows

    #: A step's button asks the main window to show this area (a key of ``ui.pages.AREAS``).
    navigate = Signal(str)
    #: The month, after the background check's answer (stale or current) is shown.
    pending_checked = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.overview: MonthOverview | None = None
        self.message: QMessageBox | None = None
        self.checker = PendingCheck(self, db)
        self.checker.answered.connect(self._on_checked)
        self._check_wanted = False  # a calculated month waits for the page to be shown
        self._check_later = QTimer(self)
        self._check_later.setSingleShot(True)
        self._check_later.timeout.connect(self._check_if_wanted)
        self.loader = Loader(self, tr("正在读取本月概览…", "Reading the month's overview…"))
        self.loader.ended.connect(self._load_ended)

        content = QWidget(self)
        self.heading = QLabel(content)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.progress = QLabel(content)
        self.progress.setObjectName("overviewProgress")
        header = QHBoxLayout()
        header.addWidget(self.heading)
        header.addStretch(1)
        header.addWidget(self.progress)

        self.banner = StatusBanner(content)

        self.hint = QLabel(content)
        self.hint.setObjectName("overviewHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(AMBER_STYLE)
        self.hint.setVisible(False)

        # The result's totals, once calculated.
        self.figures_box = QWidget(content)
        figures_layout = QHBoxLayout(self.figures_box)
        figures_layout.setContentsMargins(0, 0, 0, 0)
        figures_layout.setSpacing(10)
        self.figures: dict[str, QLabel] = {}
        self.figure_frames: dict[str, Figure] = {}
        for key, caption in (
            ("headcount", tr("计薪人数", "Agents paid")),
            ("gross", tr("应发合计（元）", "Total gross")),
            ("deductions", tr("扣款合计（元）", "Total deductions")),
            ("net", tr("实发合计（元）", "Total net")),
            ("warnings", tr("提醒", "Warnings")),
        ):
            figure = Figure(caption, self.figures_box)
            self.figure_frames[key] = figure
            self.figures[key] = figure.value
            figures_layout.addWidget(figure, 2 if key in ("gross", "deductions", "net") else 1)
        self.result_button = QPushButton(tr("查看核算结果", "See the result"), self.figures_box)
        self.result_button.clicked.connect(lambda: self.navigate.emit("payroll"))
        figures_layout.addWidget(self.result_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.figures_box.setVisible(False)

        # The month's steps.
        self.steps_box = QGroupBox(tr("本月步骤", "The month's steps"), content)
        steps_layout = QVBoxLayout(self.steps_box)
        steps_layout.setContentsMargins(6, 6, 6, 6)
        steps_layout.setSpacing(0)
        self.steps: dict[str, StepRow] = {}
        for number, key in enumerate(TITLES, start=1):
            row = StepRow(number, key, self.steps_box)
            row.clicked.connect(self.navigate)
            self.steps[key] = row
            steps_layout.addWidget(row)

        layout = QVBoxLayout(content)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.banner)
        layout.addWidget(self.hint)
        layout.addWidget(self.figures_box)
        layout.addWidget(self.steps_box)
        layout.addStretch(1)

        scroll = QScrollArea(self)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    @property
    def loading(self) -> bool:
        """The month's overview is being read (off the GUI thread); the page says 加载中."""
        return self.loader.loading

    def refresh(self) -> None:
        """Read the month's overview again, off the GUI thread; what is shown stays until it arrives
        (greyed out when it is another month's)."""
        if not self.month:
            return
        month, db = self.month, self.db

        def read() -> MonthOverview:
            with collector_paused(), db.session_scope() as session:
                return month_overview(session, month)

        self.loader.start(read, lambda overview: self._loaded(month, overview))
        self._show_loading()

    def _show_loading(self) -> None:
        self.progress.setText(tr("加载中…", "Loading…"))
        other_month = self.overview is None or self.overview.month != self.month
        if other_month:
            # The heading names the month asked for; the old month's status is not shown under it,
            # its figures and steps stay, greyed out, until the new month's arrive.
            self.heading.setText(tr(f"{self.month} 概览（加载中…）", f"Overview of {self.month} (loading…)"))
        self._show_current(not other_month)

    def _show_current(self, current: bool) -> None:
        """Whether what the page shows is the month's: else the banner is hidden and the rest greyed out."""
        self.banner.setVisible(current)
        for widget in (self.hint, self.figures_box, self.steps_box):
            widget.setEnabled(current)

    def _loaded(self, month: str, overview: MonthOverview) -> None:
        if month != self.month:
            return  # the month changed meanwhile without a read of its own (the page is hidden): shown later
        known = self.overview
        if (
            known is not None
            and known.month == overview.month
            and overview.status == "calculated"
            and known.pending
        ):
            # A warning stays shown until the new answer comes; "matches the records" does not,
            # since a change may be why the page is refreshed.
            overview = replace(overview, pending=known.pending)
        self.show_overview(overview)
        self.check_pending()

    @Slot()
    def _load_ended(self) -> None:
        """The newest read was applied or failed: the page no longer says 加载中. What it shows stays
        greyed out while it is another month's (the read failed, or the month changed meanwhile)."""
        current = self.overview is not None and self.overview.month == self.month
        self._show_current(current)
        if self.overview is not None and current:
            self._show_progress(self.overview)
        else:
            self.progress.setText("")

    # --- is the calculated result still current? (off the GUI thread) --------------------------

    @property
    def check_op(self) -> Op | None:
        return self.checker.op

    def check_pending(self) -> Op | None:
        """Ask in the background whether recalculating the shown month would change it (shown pages only)."""
        self.checker.drop()
        self._check_wanted = False
        if self.overview is None or self.overview.status != "calculated":
            return None
        if not self.isVisible():
            self._check_wanted = True
            return None
        return self.checker.start(self.overview.month)

    @Slot()
    def _check_if_wanted(self) -> None:
        if self._check_wanted:
            self.check_pending()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._check_wanted:
            self._check_later.start(0)  # after a refresh the main window may be about to do

    @Slot(str, object)
    def _on_checked(self, month: str, changes: list[AgentChange]) -> None:
        ov = self.overview
        if ov is None or month != ov.month or month != self.month or ov.status != "calculated":
            return
        self.show_overview(replace(ov, pending=tuple(changes)))
        self.pending_checked.emit(month)

    def _show_month_on_month(self, overview: MonthOverview) -> None:
        texts = _compare_texts(overview)
        for key, frame in self.figure_frames.items():
            frame.compare.setText(texts.get(key, ""))
            frame.compare.setVisible(key in texts)

    def show_overview(self, overview: MonthOverview) -> None:
        self.overview = overview
        self.heading.setText(tr(f"{overview.month} 概览", f"Overview of {overview.month}"))
        # The figures below carry the money; the banner keeps to status, plan and what to do.
        self.banner.show_state(overview.state)

        if overview.agents.total == 0:
            self.hint.setText(
                tr(
                    "还没有任何人员。请先到左侧「人员」页添加人员，或用「导入…」从 Excel 导入。",
                    "There are no agents yet. Start on the Agents page: add agents, or import them from Excel.",
                )
            )
        else:
            self.hint.setText("")
        self.hint.setVisible(bool(self.hint.text()))

        totals = overview.totals
        self.figures_box.setVisible(totals is not None)
        if totals is not None:
            self.figures["headcount"].setText(str(totals.headcount))
            self.figures["gross"].setText(fmt_money(totals.gross))
            self.figures["deductions"].setText(fmt_money(totals.deductions))
            self.figures["net"].setText(fmt_money(totals.net))
            self.figures["warnings"].setText(str(totals.all_warnings))
            self._show_month_on_month(overview)
            colour = MARK_COLOURS[ATTENTION] if totals.warnings else "palette(text)"
            self.figures["warnings"].setStyleSheet(f"color: {colour};")
            self.figure_frames["warnings"].setToolTip(
                tr(
                    f"{totals.warnings} 条需在锁定前核对，{totals.notes} 条说明",
                    f"{totals.warnings} to check before locking, {totals.notes} notes",
                )
            )

        steps = overview.steps
        next_step = overview.next_step
        for step in steps:
            row = self.steps[step.key]
            row.show_step(step)
            row.set_next(step.key == next_step)
        self._show_progress(overview)
        # One width for every step's button, so they line up in a column.
        width = max(row.button.sizeHint().width() for row in self.steps.values())
        for row in self.steps.values():
            row.button.setFixedWidth(width)

    def _show_progress(self, overview: MonthOverview) -> None:
        if self.loading:
            return  # a newer read is coming: still 加载中
        done = sum(1 for step in overview.steps if not step.open)
        steps = len(overview.steps)
        self.progress.setText(tr(f"已完成 {done} / {steps} 步", f"{done} of {steps} steps done"))


__all__ = ["OverviewPage", "StepRow", "mark_text", "status_text"]
