"""趋势 History: the branch over a range of months, from the stored results (app/services/history.py).

Charts (QtCharts, ui/widgets/charts.py): pay cost by component, headcount, average net, average QA
score and K, complaints and praise. Below, one row per agent — flagged when K was below the branch
average three months running — and the selected agent's net and K month by month. The range
defaults to the last 12 months with results; it is read off the GUI thread (ui/loader.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import tr
from app.money import fmt_money, fmt_score
from app.services.history import history, months_with_results
from app.summary_columns import SUMMARY_COLUMNS
from app.trends import BELOW_RUN, COMPONENTS, History
from db.session import Database
from ui.loader import Loader
from ui.pages.base import Page
from ui.widgets.charts import chart_view, set_lines, set_stacked_bars

FLAG = QColor("#c62828")
Loaded = tuple[list[str], History]


class HistoryPage(Page):
    reads = frozenset({"payroll"})

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(db, parent)
        self.result: History | None = None
        self.all_months: list[str] = []
        self.chosen = False  # the user picked the range (else: the default, the last months with results)
        self.loader = Loader(self, tr("正在读取历史结果…", "Reading the past results…"))
        self.loader.ended.connect(self._ended)

        title = QLabel(tr("趋势", "Trends"), self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        self.first = QComboBox(self)
        self.last = QComboBox(self)
        self.first.activated.connect(self._range_chosen)
        self.last.activated.connect(self._range_chosen)
        self.status = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(QLabel(tr("从", "From"), self))
        top.addWidget(self.first)
        top.addWidget(QLabel(tr("至", "to"), self))
        top.addWidget(self.last)
        top.addWidget(self.status, 1)

        labels = {c.key: c.label for c in SUMMARY_COLUMNS}
        self.component_names = [labels[k].in_(tr("zh", "en")) if k in labels else k for k in COMPONENTS]
        self.cost_chart = chart_view(tr("工资成本构成（元）", "Pay cost by component (yuan)"), self)
        self.headcount_chart = chart_view(tr("人数", "Headcount"), self, legend=False)
        self.net_chart = chart_view(tr("人均实发（元）", "Average net pay (yuan)"), self, legend=False)
        self.score_chart = chart_view(tr("质检均分与绩效得分 K", "Average QA score and K"), self)
        self.voice_chart = chart_view(tr("投诉与表扬（次）", "Complaints and praise"), self)
        grid = QGridLayout()
        grid.addWidget(self.cost_chart, 0, 0, 1, 2)
        grid.addWidget(self.headcount_chart, 1, 0)
        grid.addWidget(self.net_chart, 1, 1)
        grid.addWidget(self.score_chart, 2, 0)
        grid.addWidget(self.voice_chart, 2, 1)
        self.cost_chart.setMinimumHeight(260)
        for view in (self.headcount_chart, self.net_chart, self.score_chart, self.voice_chart):
            view.setMinimumHeight(220)
        charts = QWidget(self)
        charts.setLayout(grid)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(charts)

        self.agents = QTableWidget(self)
        self.agents.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.agents.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.agents.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.agents.verticalHeader().setVisible(False)
        self.agents.setColumnCount(5)
        self.agents.setHorizontalHeaderLabels([tr("工号", "Code"), tr("姓名", "Name"), tr("最近实发", "Last net"),
                                               tr("最近 K", "Last K"), tr("提示", "Flag")])
        self.agents.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.agents.horizontalHeader().setStretchLastSection(True)
        self.agents.itemSelectionChanged.connect(self._agent_selected)
        self.agent_net_chart = chart_view(tr("实发（元）", "Net pay (yuan)"), self, legend=False)
        self.agent_k_chart = chart_view(tr("绩效得分 K 与网点平均", "K against the branch average"), self)
        agent_charts = QHBoxLayout()
        agent_charts.addWidget(self.agent_net_chart)
        agent_charts.addWidget(self.agent_k_chart)
        agent_box = QWidget(self)
        agent_box.setLayout(agent_charts)
        agent_split = QSplitter(Qt.Orientation.Horizontal, self)
        agent_split.addWidget(self.agents)
        agent_split.addWidget(agent_box)
        agent_split.setSizes([460, 640])

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(scroll)
        split.addWidget(agent_split)
        split.setSizes([640, 280])
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    # --- loading ---------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return self.loader.loading

    def month_changed(self, month: str) -> None:
        if self.result is None:  # the range does not follow the month selector; the first show loads
            self.refresh()

    def refresh(self) -> None:
        """Read again: the range the user chose, or else the last months with results (a month
        calculated meanwhile joins the default range)."""
        first = self.first.currentData() if self.chosen and self.first.count() else None
        last = self.last.currentData() if self.chosen and self.last.count() else None
        db = self.db

        def read() -> Loaded:
            with db.session_scope() as session:
                return months_with_results(session), history(session, first, last)

        self.status.setText(tr("加载中…", "Loading…"))
        self.loader.start(read, self._loaded)

    def _ended(self) -> None:
        if not self.loading and self.status.text() == tr("加载中…", "Loading…"):
            self.status.clear()

    def _range_chosen(self) -> None:
        self.chosen = True
        first, last = self.first.currentData(), self.last.currentData()
        if first and last and first > last:
            self.last.setCurrentIndex(self.first.currentIndex())
        self.refresh()

    def set_range(self, first: str, last: str) -> None:
        self.first.setCurrentIndex(self.first.findData(first))
        self.last.setCurrentIndex(self.last.findData(last))
        self._range_chosen()

    def _loaded(self, result: Loaded) -> None:
        months, data = result
        self.all_months = months
        self.result = data
        for box, chosen in ((self.first, data.months[0] if data.months else None),
                            (self.last, data.months[-1] if data.months else None)):
            box.blockSignals(True)
            box.clear()
            for m in months:
                box.addItem(m, m)
            if chosen is not None:
                box.setCurrentIndex(box.findData(chosen))
            box.blockSignals(False)
        if not data.months:
            self.status.setText(tr("还没有已核算的月份：在“月度核算”计算后，这里显示各月的变化。",
                                   "No month has been calculated yet: calculate one on the Payroll page."))
        else:
            flagged = len(data.flagged)
            self.status.setText(tr(
                f"{len(data.months)} 个月；{flagged} 人连续 {BELOW_RUN} 个月绩效得分低于网点平均",
                f"{len(data.months)} month(s); {flagged} agent(s) below the branch's average K "
                f"{BELOW_RUN} months running"))
        self._draw()

    # --- drawing -------------------------------------------------------------------------

    def _draw(self) -> None:
        data = self.result
        assert data is not None
        months = list(data.months)
        points = data.points
        set_stacked_bars(self.cost_chart, months,
                         [(name, [p.cost[key] for p in points])
                          for name, key in zip(self.component_names, COMPONENTS, strict=True)])
        set_lines(self.headcount_chart, months, [(tr("人数", "Headcount"), [p.headcount for p in points])])
        set_lines(self.net_chart, months, [(tr("人均实发", "Average net"), [p.avg_net for p in points])])
        set_lines(self.score_chart, months, [(tr("质检均分", "QA average"), [p.avg_qa for p in points]),
                                             (tr("平均 K", "Average K"), [p.avg_kpi for p in points])],
                  label_format="%.0f", minimum_zero=False)
        set_lines(self.voice_chart, months, [(tr("投诉", "Complaints"), [p.complaints for p in points]),
                                             (tr("表扬", "Praise"), [p.praise for p in points])])
        self.agents.blockSignals(True)
        self.agents.setRowCount(len(data.agents))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, agent in enumerate(data.agents):
            last_net = next((v for v in reversed(agent.net) if v is not None), None)
            last_k = next((v for v in reversed(agent.kpi) if v is not None), None)
            cells = [agent.code, agent.name, fmt_money(last_net) if last_net is not None else "",
                     fmt_score(last_k) if last_k is not None else "",
                     tr(f"⚠ 连续 {len(agent.below_months)} 个月 K 低于平均（{agent.below_months[0]} 起）",
                        f"⚠ K below average {len(agent.below_months)} months running (from "
                        f"{agent.below_months[0]})") if agent.flagged else ""]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c in (2, 3):
                    item.setTextAlignment(right)
                if agent.flagged and c == 4:
                    item.setForeground(FLAG)
                self.agents.setItem(r, c, item)
        self.agents.blockSignals(False)
        if data.agents:
            flagged = [i for i, a in enumerate(data.agents) if a.flagged]
            self.agents.selectRow(flagged[0] if flagged else 0)
        self._agent_selected()

    def _agent_selected(self) -> None:
        data = self.result
        row = self.agents.currentRow()
        if data is None or not 0 <= row < len(data.agents):
            set_lines(self.agent_net_chart, [], [])
            set_lines(self.agent_k_chart, [], [])
            return
        agent = data.agents[row]
        months = list(data.months)
        self.agent_net_chart.chart().setTitle(tr(f"{agent.code} {agent.name} 实发（元）",
                                                 f"{agent.code} {agent.name}: net pay (yuan)"))
        set_lines(self.agent_net_chart, months, [(tr("实发", "Net"), list(agent.net))])
        self.agent_k_chart.chart().setTitle(tr(f"{agent.code} {agent.name} 绩效得分 K", f"{agent.code} {agent.name}: K"))
        set_lines(self.agent_k_chart, months, [(tr("K", "K"), list(agent.kpi)),
                                               (tr("网点平均", "Branch average"), [p.avg_kpi for p in data.points])],
                  minimum_zero=False)
