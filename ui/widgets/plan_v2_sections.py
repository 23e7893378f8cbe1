"""The plan editor's schema-2 sections (docs/pay-rules.md §7–§9), editable: product groups on the
提成 tab, indicators by kind on the 绩效 tab, and tabs of their own for scopes, targets and awards,
and ``[statutory]``. :class:`V2Sections` puts them into a :class:`ui.widgets.plan_editor.PlanEditor`,
fills them from a document, writes them back into the document the forms produce, and maps the
validator's key paths (``scopes[1].kpi.indicators[2].bands[0].min``) to the row and field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from app.i18n import tr
from ui.widgets.plan_v2_forms import (
    AWARD_COLUMNS,
    Field,
    GroupsEditor,
    IndicatorsEditor,
    RecordForm,
    RecordList,
    Rows,
    ScopesEditor,
    StatutoryEditor,
    TargetsEditor,
    awards_items,
    awards_value,
)

if TYPE_CHECKING:
    from ui.widgets.plan_editor import PlanEditor

TEAM_FIELDS = (
    Field("amount", "团队奖金额（元/人）", "Team award (per member)", kind="money"),
    Field("min_members", "参评团队至少人数", "Minimum team size", default=3),
    Field("exclude_penalized", "有成立投诉或致命差错的成员不发", "Not for members with an upheld complaint or a fatal error",
          kind="bool", default=True),
)
_HEAD = re.compile(r"^(?P<section>[a-z_]+(?:\.[a-z_]+)*?)(?P<rest>\[\d+\].*|\..*)?$")


class V2Sections(QWidget):
    """Owns the schema-2 editors of one plan editor (a QWidget only to parent them)."""

    changed = Signal()

    def __init__(self, editor: PlanEditor, commission: QVBoxLayout, kpi: QVBoxLayout, awards: QFormLayout,
                 kpi_table_box: QWidget) -> None:
        super().__init__(editor)
        self.setVisible(False)
        self.editor = editor
        self._kpi_table_box = kpi_table_box
        # 提成: product groups
        self.groups_box = QGroupBox(tr("产品组（各组单独的提成阶梯；产品在“产品”页指定所属组）",
                                       "Product groups (own tiers; a product's group is set on the Products tab)"))
        self.groups = GroupsEditor("commission.groups")
        QVBoxLayout(self.groups_box).addWidget(self.groups)
        commission.addWidget(self.groups_box, 1)
        # 绩效: indicators by kind
        self.indicators_box = QGroupBox(tr("考核指标（每个指标选计分方式，在下方填写该方式的设置）",
                                           "Indicators (choose each one's kind; its settings are below)"))
        self.indicators = IndicatorsEditor("kpi.indicators")
        QVBoxLayout(self.indicators_box).addWidget(self.indicators)
        kpi.addWidget(self.indicators_box, 1)
        # 奖励: monthly award within scopes
        self.within_scope = QCheckBox(tr("月度优秀奖在各岗位范围内分别评比", "Rank the monthly award within each scope"))
        self.within_scope.setObjectName("awards.within_scope")
        self.within_scope.setToolTip("awards.within_scope")
        self.within_scope.clicked.connect(self.changed)
        awards.addRow("", self.within_scope)
        self._awards_form = awards
        # 岗位范围
        layout = editor.new_tab("岗位范围", "Scopes")
        note = QLabel(tr(
            "每个岗位范围按岗位、班组或工号覆盖一部分人员（按顺序取第一个匹配的范围），并可单独设置提成、质检和考核；"
            "不在任何范围内的人员用其他页签的顶层设置。",
            "Each scope covers agents by role, team or code (the first matching scope, in order) and may have its "
            "own commission, quality and KPI tables; agents in no scope use the top-level tables of the other tabs."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.scopes = ScopesEditor(self.top_level)
        layout.addWidget(self.scopes, 1)
        self.scopes_tab = editor.current_tab_index
        # 目标与奖励
        layout = editor.new_tab("目标与期间奖", "Targets & awards")
        box = QGroupBox(tr("目标（各人目标值用“奖惩 → 目标”导入）", "Targets (each agent's value is imported)"))
        self.targets = TargetsEditor()
        QVBoxLayout(box).addWidget(self.targets)
        layout.addWidget(box, 2)
        box = QGroupBox(tr("季度/半年度/年度优胜", "Period awards"))
        self.period_awards = Rows("period_awards", tr("期间奖", "Period awards"), AWARD_COLUMNS, visible_rows=3)
        QVBoxLayout(box).addWidget(self.period_awards)
        layout.addWidget(box, 1)
        box = QGroupBox(tr("团队奖", "Team award"))
        box_layout = QVBoxLayout(box)
        self.team_enabled = QCheckBox(tr("每月奖励平均综合分最高的团队", "Each month, reward the team with the best mean K"))
        self.team_enabled.setObjectName("team_award.enabled")
        self.team_enabled.clicked.connect(self._team_toggled)
        self.team = RecordForm(TEAM_FIELDS)
        box_layout.addWidget(self.team_enabled)
        box_layout.addWidget(self.team)
        layout.addWidget(box)
        self.targets_tab = editor.current_tab_index
        # 代扣代缴
        layout = editor.new_tab("代扣代缴", "Statutory")
        self.statutory = StatutoryEditor()
        layout.addWidget(self.statutory, 1)
        self.statutory_tab = editor.current_tab_index
        for widget in (self.groups, self.indicators, self.scopes, self.targets, self.period_awards, self.team,
                       self.statutory):
            widget.changed.connect(self.changed)
        self.places: dict[str, tuple[int, str, Any]] = {
            "commission.groups": (editor.tab_of("commission.tiers"), tr("提成 › 产品组", "Commission › Groups"),
                                  self.groups),
            "kpi.indicators": (editor.tab_of("kpi.indicators"), tr("绩效 › 考核指标", "KPI › Indicators"),
                               self.indicators),
            "scopes": (self.scopes_tab, tr("岗位范围", "Scopes"), self.scopes),
            "targets": (self.targets_tab, tr("目标与期间奖 › 目标", "Targets & awards › Targets"), self.targets),
            "period_awards": (self.targets_tab, tr("目标与期间奖 › 期间奖", "Targets & awards › Period awards"),
                              self.period_awards),
            "team_award": (self.targets_tab, tr("目标与期间奖 › 团队奖", "Targets & awards › Team award"), self.team),
            "statutory": (self.statutory_tab, tr("代扣代缴", "Statutory"), self.statutory),
            "awards.within_scope": (editor.tab_of("awards.top_share"), tr("投诉与奖励 › 岗位内评比",
                                                                          "Awards › within scope"), None),
        }
        self._top_level: Callable[[str], Any] = lambda key: {}

    # --- showing ------------------------------------------------------------------

    def set_active(self, active: bool) -> None:
        """Show the schema-2 sections (and hide the schema-1 indicator table) or the reverse."""
        self.active = active
        editor = self.editor
        for tab in (self.scopes_tab, self.targets_tab, self.statutory_tab):
            editor.setTabVisible(tab, active)
        self.groups_box.setVisible(active)
        self.indicators_box.setVisible(active)
        self._kpi_table_box.setVisible(not active)
        self._awards_form.setRowVisible(self.within_scope, active)
        products = editor.tables["products"]
        products.view.setColumnHidden(products.model.column_of("group"), not active)

    def top_level(self, key: str) -> Any:
        """The top-level commission/quality/kpi table as the forms hold it now (a scope's copy)."""
        doc, _ = self.editor.document()
        return doc.get(key, {})

    def set_roster(self, roster: Sequence[Any]) -> None:
        self.scopes.set_roster(roster)

    def load(self, doc: dict[str, Any]) -> None:
        commission: dict[str, Any] = doc["commission"] if isinstance(doc.get("commission"), dict) else {}
        self.groups.load(commission.get("groups"))
        kpi: dict[str, Any] = doc["kpi"] if isinstance(doc.get("kpi"), dict) else {}
        self.indicators.load([{"kind": "linear", **i} for i in kpi.get("indicators") or [] if isinstance(i, dict)])
        awards: dict[str, Any] = doc["awards"] if isinstance(doc.get("awards"), dict) else {}
        self.within_scope.setChecked(awards.get("within_scope") is True)
        self.scopes.load(doc.get("scopes"))
        self.targets.load(doc.get("targets"))
        self.period_awards.load(awards_items(doc.get("period_awards")))
        team = doc.get("team_award")
        self.team_enabled.setChecked(isinstance(team, dict))
        self.team.load(team if isinstance(team, dict) else {"min_members": 3, "exclude_penalized": True})
        self.team.setVisible(isinstance(team, dict))
        self.statutory.load(doc.get("statutory"))

    def _team_toggled(self, checked: bool) -> None:
        self.team.setVisible(checked)
        self.changed.emit()

    def dump_into(self, doc: dict[str, Any], problems: list[str]) -> None:
        """Write the schema-2 keys into ``doc`` (what the other forms produced)."""
        for product in doc.get("products") or []:
            if isinstance(product, dict) and not str(product.get("group", "")).strip():
                product["group"] = "default"
        groups = self.groups.dump("commission.groups", problems)
        if groups and isinstance(doc.get("commission"), dict):
            doc["commission"]["groups"] = groups
        if isinstance(doc.get("kpi"), dict):
            doc["kpi"]["indicators"] = self.indicators.dump("kpi.indicators", problems)
        if isinstance(doc.get("awards"), dict):
            doc["awards"]["within_scope"] = self.within_scope.isChecked()
        scopes = self.scopes.dump("scopes", problems)
        if scopes:
            doc["scopes"] = scopes
        targets = self.targets.dump("targets", problems)
        if targets:
            doc["targets"] = targets
        awards = awards_value(self.period_awards.dump("period_awards", problems), problems)
        if awards:
            doc["period_awards"] = awards
        if self.team_enabled.isChecked():
            doc["team_award"] = self.team.dump("team_award", problems)
        statutory = self.statutory.dump("statutory", problems)
        if statutory is not None:
            doc["statutory"] = statutory

    # --- problems -----------------------------------------------------------------

    def _split(self, path: str) -> tuple[str, str] | None:
        for section in sorted(self.places, key=len, reverse=True):
            if path == section:
                return section, ""
            if path.startswith(section + "[") or path.startswith(section + "."):
                rest = path[len(section):]
                return section, rest[1:] if rest.startswith(".") else rest
        return None

    def locate(self, path: str) -> tuple[int, str, int] | None:
        """(tab, readable place, row or -1) of a schema-2 key path, or None when it is not one."""
        found = self._split(path)
        if found is None:
            return None
        section, rest = found
        tab, label, _widget = self.places[section]
        match = re.match(r"^\[(\d+)\](.*)$", rest)
        row = int(match.group(1)) if match else -1
        place = label
        if row >= 0:
            place += " › " + tr(f"第 {row + 1} 行", f"row {row + 1}")
            tail = match.group(2).lstrip(".") if match else ""
            if tail:
                place += f" › {tail}"
        elif rest:
            place += f" › {rest}"
        return tab, place, row

    def show_problems(self, problems: Sequence[tuple[str, str]]) -> None:
        grouped: dict[str, dict[str, list[str]]] = {section: {} for section in self.places}
        for path, message in problems:
            found = self._split(path)
            if found is not None:
                grouped[found[0]].setdefault(found[1], []).append(message)
        for section, (_tab, _label, widget) in self.places.items():
            if widget is not None:
                widget.show_problems(grouped[section])
        within = grouped["awards.within_scope"].get("", [])
        self.within_scope.setStyleSheet("QCheckBox { background-color: #ffcdd2; }" if within else "")

    def focus(self, path: str) -> bool:
        found = self._split(path)
        if found is None:
            return False
        section, rest = found
        tab, _label, widget = self.places[section]
        self.editor.setCurrentIndex(tab)
        match = re.match(r"^\[(\d+)\]", rest)
        if isinstance(widget, RecordList) and match:
            widget.select(int(match.group(1)))
            widget.table.view.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.groups, self.indicators, self.scopes, self.targets, self.period_awards,
                       self.statutory):
            widget.set_read_only(read_only)
        for other in (self.within_scope, self.team_enabled, self.team):
            other.setEnabled(not read_only)
