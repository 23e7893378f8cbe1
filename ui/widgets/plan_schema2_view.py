"""The plan editor's summary of a ``schema = 2`` plan's own sections (docs/pay-rules.md §7), in words:
product groups with their tiers, each indicator's kind and parameters, and the scopes — whom each
one covers (with the active agents it matches now) and which tables it replaces.

The sections are edited in ui/widgets/plan_v2_sections.py; :func:`merge_v2` is kept for documents
the editor shows in part-one mode only.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, Protocol

from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.i18n import tr
from ui.models.plan_tables import percent_text, value_text


class RosterAgent(Protocol):
    """What the view reads of an agent (``app.services.agents.AgentView`` has it)."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def team(self) -> str: ...


KIND_NAMES = {
    "linear": ("线性（按步长加减分）", "linear (points per step)"),
    "relative": ("相对最高值", "relative to the best"),
    "bands": ("分档", "bands"),
    "count": ("按次计分", "count"),
    "score": ("直接评分", "direct score"),
}
SOURCE_NAMES = {
    "metric": ("话务指标", "telephony metric"),
    "qa": ("质检均分", "QA average"),
    "complaints": ("成立的投诉", "upheld complaints"),
    "absence": ("旷工记录", "absence records"),
}
LEVEL_NAMES = {"hotline": ("热线", "hotline"), "city": ("市级", "city"), "province": ("省级", "province")}
TABLE_NAMES = {"commission": ("提成", "commission"), "quality": ("质检", "quality"), "kpi": ("考核", "KPI")}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _pair(names: dict[str, tuple[str, str]], key: Any) -> str:
    zh, en = names.get(str(key), (str(key), str(key)))
    return tr(zh, en)


def tiers_text(mode: Any, tiers: Any) -> str:
    """``超额累进：0 起 2%，50000 起 3%``."""
    parts = [
        f"{value_text(_dict(t).get('from'))} {tr('起', 'from')} {percent_text(_dict(t).get('rate'))}"
        for t in _list(tiers)
    ]
    how = tr("全额累进", "whole") if mode == "whole" else tr("超额累进", "marginal")
    return f"{how}：" + tr("，", ", ").join(parts) if parts else how


def indicator_text(ind: dict[str, Any]) -> str:
    """An indicator's kind and the parameters of that kind, in words."""
    kind = ind.get("kind", "linear")
    source = _pair(SOURCE_NAMES, ind.get("source", "metric"))
    limits = []
    if ind.get("max_down") is not None:
        limits.append(tr(f"最多扣 {value_text(ind['max_down'])}", f"at most −{value_text(ind['max_down'])}"))
    if ind.get("max_up") is not None:
        limits.append(tr(f"最多加 {value_text(ind['max_up'])}", f"at most +{value_text(ind['max_up'])}"))
    if kind == "linear":
        up = value_text(ind.get("step_up", ind.get("step")))
        down = value_text(ind.get("step_down", ind.get("step")))
        details = tr(
            f"目标 {value_text(ind.get('target'))}，高出每 {up} 加 {value_text(ind.get('up', 1))}，"
            f"低于每 {down} 扣 {value_text(ind.get('down', 1))}",
            f"target {value_text(ind.get('target'))}, +{value_text(ind.get('up', 1))} per {up} above, "
            f"−{value_text(ind.get('down', 1))} per {down} below",
        )
    elif kind == "relative":
        details = tr("本人数值 ÷ 本组最高值 × 100", "own value ÷ best in scope × 100")
    elif kind == "bands":
        details = tr("，", ", ").join(
            f"≥ {value_text(_dict(b).get('min'))} → {value_text(_dict(b).get('score'))}"
            for b in _list(ind.get("bands"))
        )
    elif kind == "count":
        if ind.get("source") == "complaints":
            points = _dict(ind.get("points_by_level"))
            details = tr("，", ", ").join(
                f"{_pair(LEVEL_NAMES, lvl)} {value_text(v)}" for lvl, v in points.items()
            )
        else:
            details = tr(
                f"每次 {value_text(ind.get('points'))} 分", f"{value_text(ind.get('points'))} per occurrence"
            )
    else:
        details = tr("数值即得分", "the value is the score")
    kind_name = _pair(KIND_NAMES, kind)
    text = tr(f"{kind_name}（{source}）：{details}", f"{kind_name} ({source}): {details}")
    if limits:
        text += tr("；", "; ") + tr("，", ", ").join(limits)
    return text


def scope_members(
    scopes: Sequence[dict[str, Any]], roster: Sequence[RosterAgent]
) -> dict[str, list[RosterAgent]]:
    """The agents of ``roster`` each scope gets: the first scope, in file order, that lists the
    agent's code (any case), role or team (docs/pay-rules.md §7.3)."""
    out: dict[str, list[RosterAgent]] = {str(s.get("code", "")): [] for s in scopes}
    for agent in roster:
        for scope in scopes:
            codes = {str(c).casefold() for c in _list(scope.get("agents"))}
            if (
                agent.code.casefold() in codes
                or (agent.role and agent.role in _list(scope.get("roles")))
                or (agent.team and agent.team in _list(scope.get("teams")))
            ):
                out[str(scope.get("code", ""))].append(agent)
                break
    return out


def merge_v2(doc: dict[str, Any], original: dict[str, Any] | None) -> dict[str, Any]:
    """``doc`` (what the forms hold) with the schema-2 keys of ``original`` (the loaded document)
    carried over: scopes, product groups, ``awards.within_scope``, and each indicator's kind and
    kind-specific keys, matched by code (a non-linear indicator keeps its own keys; the form's
    name and weight apply)."""
    if not original or not isinstance(original.get("schema"), int) or original["schema"] < 2:
        return doc
    out = dict(doc)
    if "scopes" in original:
        out["scopes"] = copy.deepcopy(original["scopes"])
    commission = _dict(original.get("commission"))
    if "groups" in commission and isinstance(out.get("commission"), dict):
        out["commission"] = {**out["commission"], "groups": copy.deepcopy(commission["groups"])}
    awards = _dict(original.get("awards"))
    if "within_scope" in awards and isinstance(out.get("awards"), dict):
        out["awards"] = {**out["awards"], "within_scope": awards["within_scope"]}
    groups = {
        str(p.get("code")): p["group"] for p in map(_dict, _list(original.get("products"))) if "group" in p
    }
    if isinstance(out.get("products"), list):
        out["products"] = [
            {**p, "group": groups[str(p.get("code"))]}
            if isinstance(p, dict) and str(p.get("code")) in groups
            else p
            for p in out["products"]
        ]
    before = {str(i.get("code")): i for i in map(_dict, _list(_dict(original.get("kpi")).get("indicators")))}
    kpi = out.get("kpi")
    if isinstance(kpi, dict) and isinstance(kpi.get("indicators"), list):
        rows = []
        for row in kpi["indicators"]:
            old = before.get(str(row.get("code"))) if isinstance(row, dict) else None
            if old is None:
                rows.append(row)
            elif old.get("kind", "linear") == "linear":
                rows.append({**row, **{k: old[k] for k in ("kind", "step_up", "step_down") if k in old}})
            else:
                merged = copy.deepcopy(old)
                merged.update({k: row[k] for k in ("name", "weight") if k in row})
                rows.append(merged)
        out["kpi"] = {**kpi, "indicators": rows}
    return out


class Schema2View(QWidget):
    """方案格式 2 总览: product groups, indicator kinds and scopes of the edited document, in words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        note = QLabel(
            tr(
                "此方案使用方案格式 2。以下是产品组、指标类型和岗位范围的汇总（随编辑更新）；"
                "在“提成”“绩效”“岗位范围”等页签中修改。",
                "This plan uses plan format 2. Below: its product groups, indicator kinds and scopes in words "
                "(updated as you edit); change them on the Commission, KPI and Scopes tabs.",
            ),
            self,
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("schema2-tree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([tr("项目", "Item"), tr("内容", "Details")])
        layout.addWidget(self.tree, 1)

    def show_document(self, doc: dict[str, Any], roster: Sequence[RosterAgent] = ()) -> None:
        self.tree.clear()
        self._groups(doc)
        self._indicators(
            self.tree.invisibleRootItem(), tr("考核指标（顶层）", "KPI indicators (top level)"), doc
        )
        self._scopes(doc, roster)
        within = _dict(doc.get("awards")).get("within_scope") is True
        QTreeWidgetItem(
            self.tree,
            [
                tr("月度优秀奖", "Monthly award"),
                tr("各岗位内分别评比", "ranked within each scope")
                if within
                else tr("全网点统一评比", "ranked across the branch"),
            ],
        )
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)

    def items(self) -> list[tuple[str, str]]:
        """Every row as (item, details), depth first: what a test or a reader sees."""
        out: list[tuple[str, str]] = []

        def walk(item: QTreeWidgetItem) -> None:
            for i in range(item.childCount()):
                child = item.child(i)
                if child is None:
                    continue
                out.append((child.text(0), child.text(1)))
                walk(child)

        walk(self.tree.invisibleRootItem())
        return out

    def _groups(
        self, doc: dict[str, Any], parent: QTreeWidgetItem | None = None, commission: Any = None
    ) -> None:
        commission = _dict(doc.get("commission") if commission is None else commission)
        root = QTreeWidgetItem(parent or self.tree, [tr("产品组", "Product groups"), ""])
        if parent is None:
            for p in map(_dict, _list(doc.get("products"))):
                QTreeWidgetItem(
                    root,
                    [
                        str(p.get("code", "")),
                        tr(
                            f"{p.get('name', '')} → 组 {p.get('group', 'default')}",
                            f"{p.get('name', '')} → group {p.get('group', 'default')}",
                        ),
                    ],
                )
        for g in map(_dict, _list(commission.get("groups"))):
            QTreeWidgetItem(
                root,
                [
                    f"{g.get('code', '')} {g.get('name', '')}",
                    tiers_text(g.get("mode", commission.get("mode")), g.get("tiers")),
                ],
            )
        QTreeWidgetItem(
            root,
            [tr("其他产品", "Other products"), tiers_text(commission.get("mode"), commission.get("tiers"))],
        )

    def _indicators(self, parent: QTreeWidgetItem, title: str, doc: dict[str, Any]) -> None:
        root = QTreeWidgetItem(parent, [title, ""])
        for ind in map(_dict, _list(_dict(doc.get("kpi")).get("indicators"))):
            label = f"{ind.get('code', '')} {ind.get('name', '')}".strip()
            QTreeWidgetItem(
                root,
                [f"{label}（{tr('权重', 'weight')} {value_text(ind.get('weight'))}）", indicator_text(ind)],
            )

    def _scopes(self, doc: dict[str, Any], roster: Sequence[RosterAgent]) -> None:
        scopes = [_dict(s) for s in _list(doc.get("scopes"))]
        root = QTreeWidgetItem(
            self.tree, [tr("岗位范围", "Scopes"), tr(f"{len(scopes)} 个", f"{len(scopes)}")]
        )
        members = scope_members(scopes, roster)
        for scope in scopes:
            code = str(scope.get("code", ""))
            item = QTreeWidgetItem(root, [f"{code} {scope.get('name', code)}", ""])
            who = []
            for key, zh, en in (
                ("roles", "岗位", "roles"),
                ("teams", "团队", "teams"),
                ("agents", "工号", "codes"),
            ):
                if _list(scope.get(key)):
                    who.append(f"{tr(zh, en)} {', '.join(map(str, scope[key]))}")
            QTreeWidgetItem(item, [tr("适用", "Covers"), tr("；", "; ").join(who)])
            matched = members.get(code, [])
            QTreeWidgetItem(
                item,
                [
                    tr(f"当前匹配 {len(matched)} 人", f"Matches {len(matched)} now"),
                    ", ".join(f"{a.code} {a.name}" for a in matched) or tr("（无人）", "(nobody)"),
                ],
            )
            replaced = [_pair(TABLE_NAMES, k) for k in ("commission", "quality", "kpi") if k in scope]
            QTreeWidgetItem(
                item,
                [
                    tr("替换的设置", "Replaces"),
                    tr("、", ", ").join(replaced) or tr("无（全部用顶层设置）", "nothing (top level)"),
                ],
            )
            if "commission" in scope:
                self._groups(doc, item, scope["commission"])
            if "kpi" in scope:
                self._indicators(item, tr("考核指标", "KPI indicators"), {"kpi": scope["kpi"]})
