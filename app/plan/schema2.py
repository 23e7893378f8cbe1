"""Plan ``schema = 2`` (docs/pay-rules.md §7): product groups, indicator kinds and scopes.

Loaded by :mod:`app.plan.toml_io` (which imports this module only when a document uses
schema 2) with the same checker, so every problem names its key path in both languages.
A schema-1 document never reaches this module and reads exactly as before.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from app.money import fmt_num
from app.plan.model import (
    COMMISSION_MODES,
    COMPLAINT_LEVELS,
    COUNT_SOURCES,
    INDICATOR_KINDS,
    SOURCE_VALUES,
    CommissionGroup,
    Indicator,
    Plan,
    Scope,
    ScoreBand,
)
from app.plan.toml_io import (
    _INDICATOR_KEYS,
    INDICATOR_KEYS_V2,
    _Checker,
    _load_commission,
    _load_kpi,
    _load_quality,
    _num,
    linear_indicator,
    plan_to_dict,
)

_COMMON_KEYS = ("code", "name", "weight", "kind")
# The keys each indicator kind reads besides the common ones (anything else is reported).
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "linear": (
        "target",
        "step",
        "step_up",
        "step_down",
        "down",
        "up",
        "max_down",
        "max_up",
        "better",
        "source",
    ),
    "relative": ("source",),
    "bands": ("source", "bands"),
    "count": ("source", "points", "points_by_level", "max_down", "max_up"),
    "score": ("source", "max_down", "max_up"),
}
_SCOPE_KEYS = ("code", "name", "agents", "roles", "teams", "commission", "quality", "kpi")


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------


def load_groups(ck: _Checker, raw: Any, path: str, parent_mode: str) -> tuple[CommissionGroup, ...]:
    """``[[commission.groups]]``: ``{code, name, mode, tiers}``; the tiers follow ``commission.tiers``' rules."""
    out: list[CommissionGroup] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(ck.array(raw, path)):
        gp = f"{path}[{i}]"
        t = ck.table(item, gp, ("code", "name", "mode", "tiers"))
        code = ck.text(t, "code", gp)
        name = ck.text(t, "name", gp, default=code if isinstance(code, str) else "")
        if isinstance(code, str):
            ck.unique(seen, code, i, at=f"{gp}.code", shown=repr(code), other=path + "[{}]",
                      what=("group code", "产品组代码"), then=(": give each group one entry", "：每个产品组只写一条"))
        # The group's tiers and mode are read as a commission table of their own (same checks).
        sub = {"mode": t.get("mode", parent_mode)}
        if "tiers" in t:
            sub["tiers"] = t["tiers"]
        cfg = _load_commission(ck, sub, gp) if isinstance(item, dict) else None
        if cfg is not None:
            mode = cfg.mode if cfg.mode in COMMISSION_MODES else parent_mode
            out.append(CommissionGroup(code=code or "", name=name or "", tiers=cfg.tiers, mode=mode))
    return tuple(out)


def load_v2_indicator(ck: _Checker, it: dict[str, Any], ip: str, code: str) -> Indicator:
    """One indicator of a schema-2 plan: ``kind`` (default ``"linear"``) and the keys of that kind."""
    kind = ck.text(it, "kind", ip, default="linear", choices=INDICATOR_KINDS)
    name = ck.text(it, "name", ip, default=code) or ""
    weight = ck.number(it, "weight", ip, rate=True, positive=True) or Decimal(1)
    if kind not in INDICATOR_KINDS:
        return Indicator(code=code, name=name, weight=weight, target=Decimal(0), step=Decimal(1))
    own = KIND_KEYS[kind]
    for key in it:
        if key in _INDICATOR_KEYS + INDICATOR_KEYS_V2 and key not in _COMMON_KEYS + own:
            ck.fail(
                f"{ip}.{key}",
                f'does not apply to kind "{kind}" (its keys: {", ".join(_COMMON_KEYS + own)}): remove it '
                "or change the kind",
                f'不适用于 "{kind}" 类指标（此类的键：{", ".join(_COMMON_KEYS + own)}）：请删除或改为其他类型',
            )
    base = Indicator(code=code, name=name, weight=weight, target=Decimal(0), step=Decimal(1), kind=kind)
    if kind == "linear":
        return linear_indicator(ck, it, ip, base, steps=True)
    if kind == "count":
        return _count_indicator(ck, it, ip, base)
    source = ck.text(it, "source", ip, default="metric", choices=SOURCE_VALUES)
    if kind == "relative":
        return replace(base, source=source)
    if kind == "bands":
        return replace(base, source=source, bands=_score_bands(ck, it, ip))
    return replace(  # score
        base,
        source=source,
        max_down=ck.number(it, "max_down", ip, default=None),
        max_up=ck.number(it, "max_up", ip, default=None),
    )


def _count_indicator(ck: _Checker, it: dict[str, Any], ip: str, base: Indicator) -> Indicator:
    if "source" not in it:
        ck.fail(
            f"{ip}.source",
            f"is required for a count indicator (one of: {', '.join(COUNT_SOURCES)})",
            f"按次计分的指标必须填写来源（可选：{', '.join(COUNT_SOURCES)}）",
        )
        source = "metric"
    else:
        source = ck.text(it, "source", ip, choices=COUNT_SOURCES)
    points = Decimal(0)
    by_level: dict[str, Decimal] = {}
    if source == "complaints":
        if "points" in it:
            ck.fail(
                f"{ip}.points",
                "does not apply to source complaints: give points_by_level = { hotline = -3, city = -5, … }",
                "来源为投诉时不用 points：请写 points_by_level = { hotline = -3, city = -5, … }",
            )
        if "points_by_level" not in it:
            ck.fail(
                f"{ip}.points_by_level",
                "is required for source complaints, e.g. { hotline = -3, city = -5, province = -8 }",
                "来源为投诉时必须填写，例如 { hotline = -3, city = -5, province = -8 }",
            )
        lv = ck.table(it.get("points_by_level", {}), f"{ip}.points_by_level", COMPLAINT_LEVELS)
        for level in COMPLAINT_LEVELS:
            if level in lv:
                value = ck.number(lv, level, f"{ip}.points_by_level", min_value=None)
                by_level[level] = value if value is not None else Decimal(0)
    elif source in COUNT_SOURCES:
        if "points_by_level" in it:
            ck.fail(
                f"{ip}.points_by_level",
                f"only applies to source complaints; for source {source} give points (e.g. points = -5)",
                f"只用于来源为投诉的指标；来源为 {source} 时请写 points（例如 points = -5）",
            )
        value = ck.number(it, "points", ip, min_value=None)
        points = value if value is not None else Decimal(0)
    return replace(
        base,
        source=source if isinstance(source, str) else "metric",
        points=points,
        points_by_level=by_level,
        max_down=ck.number(it, "max_down", ip, default=None),
        max_up=ck.number(it, "max_up", ip, default=None),
    )


def _score_bands(ck: _Checker, it: dict[str, Any], ip: str) -> tuple[ScoreBand, ...]:
    """``bands = [{min, score}, …]``: mins unique, one of them 0; kept highest ``min`` first."""
    path = f"{ip}.bands"
    if "bands" not in it:
        ck.fail(
            path,
            "is required for a bands indicator, e.g. [{min = 85, score = 100}, {min = 0, score = 90}]",
            "分档指标必须填写，例如 [{min = 85, score = 100}, {min = 0, score = 90}]",
        )
        return ()
    raw = it["bands"]
    out: list[ScoreBand] = []
    seen: dict[Decimal, int] = {}
    for i, item in enumerate(ck.array(raw, path)):
        bp = f"{path}[{i}]"
        t = ck.table(item, bp, ("min", "score"))
        low = ck.number(t, "min", bp)
        score = ck.number(t, "score", bp)
        if isinstance(low, Decimal):
            ck.unique(seen, low, i, at=f"{bp}.min", shown=fmt_num(low), other=path + "[{}]", what=("min", "min 值"))
            out.append(ScoreBand(low, score if score is not None else Decimal(0)))
    if isinstance(raw, list) and not any(low == 0 for low in seen):
        ck.fail(
            path,
            "must include a band with min = 0 (so every value has a score)",
            "必须有一档 min = 0（这样任何数值都有对应的得分）",
        )
    out.sort(key=lambda b: b.min, reverse=True)
    return tuple(out)


def _names(ck: _Checker, t: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
    out: list[str] = []
    for i, raw in enumerate(ck.array(t.get(key, []), f"{path}.{key}")):
        if not isinstance(raw, str) or not raw.strip():
            ck.fail(
                f"{path}.{key}[{i}]",
                "must be a non-empty text (an agent code, role or team as entered for the agents)",
                "应为非空文本（与人员资料中的工号、岗位或班组一致）",
            )
        else:
            out.append(raw.strip())
    return tuple(out)


def load_scopes(ck: _Checker, raw: Any) -> tuple[Scope, ...]:
    """``[[scopes]]``: who is in each and the commission/quality/kpi tables it replaces, whole."""
    out: list[Scope] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(ck.array(raw, "scopes")):
        sp = f"scopes[{i}]"
        t = ck.table(item, sp, _SCOPE_KEYS)
        code = ck.text(t, "code", sp)
        name = ck.text(t, "name", sp, default=code if isinstance(code, str) else "")
        if isinstance(code, str):
            ck.unique(seen, code, i, at=f"{sp}.code", shown=repr(code), other="scopes[{}]",
                      what=("scope code", "方案范围代码"),
                      then=(": give each scope its own code", "：每个范围的代码必须不同"))
        agents = _names(ck, t, "agents", sp)
        roles = _names(ck, t, "roles", sp)
        teams = _names(ck, t, "teams", sp)
        if isinstance(item, dict) and not (agents or roles or teams):
            ck.fail(
                sp,
                "matches nobody: list agent codes in agents, roles in roles or teams in teams",
                "没有匹配任何人：请在 agents 中写工号、在 roles 中写岗位或在 teams 中写班组",
            )
        commission = _load_commission(ck, t["commission"], f"{sp}.commission") if "commission" in t else None
        quality = _load_quality(ck, t["quality"], f"{sp}.quality") if "quality" in t else None
        kpi = _load_kpi(ck, t["kpi"], f"{sp}.kpi") if "kpi" in t else None
        out.append(
            Scope(
                code=code or "",
                name=name or "",
                agents=agents,
                roles=roles,
                teams=teams,
                commission=commission,
                quality=quality,
                kpi=kpi,
            )
        )
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------


def indicator_dict(ind: Indicator) -> dict[str, Any]:
    """A schema-2 indicator with its kind and only the keys of that kind."""
    out: dict[str, Any] = {"code": ind.code, "name": ind.name, "weight": _num(ind.weight), "kind": ind.kind}
    if ind.kind == "linear":
        out.update(target=_num(ind.target), step=_num(ind.step))
        if ind.step_up is not None:
            out["step_up"] = _num(ind.step_up)
        if ind.step_down is not None:
            out["step_down"] = _num(ind.step_down)
        out.update(down=_num(ind.down), up=_num(ind.up))
    out["source"] = ind.source
    if ind.kind == "linear":
        out["better"] = ind.better
    if ind.kind == "bands":
        out["bands"] = [{"min": _num(b.min), "score": _num(b.score)} for b in ind.bands]
    if ind.kind == "count":
        if ind.source == "complaints":
            out["points_by_level"] = {lvl: _num(v) for lvl, v in ind.points_by_level.items()}
        else:
            out["points"] = _num(ind.points)
    if ind.kind in ("linear", "count", "score"):
        if ind.max_down is not None:
            out["max_down"] = _num(ind.max_down)
        if ind.max_up is not None:
            out["max_up"] = _num(ind.max_up)
    return out


def _groups_list(groups: tuple[CommissionGroup, ...]) -> list[dict[str, Any]]:
    return [
        {
            "code": g.code,
            "name": g.name,
            "mode": g.mode,
            "tiers": [{"from": _num(t.from_), "rate": _num(t.rate)} for t in g.tiers],
        }
        for g in groups
    ]


def add_v2_sections(plan: Plan, doc: dict[str, Any]) -> None:
    """Complete ``plan_to_dict``'s document with the schema-2 keys (``load_plan`` reads them back)."""
    for entry, product in zip(doc["products"], plan.products, strict=True):
        entry["group"] = product.group
    if plan.commission.groups:
        doc["commission"]["groups"] = _groups_list(plan.commission.groups)
    doc["kpi"]["indicators"] = [indicator_dict(ind) for ind in plan.kpi.indicators]
    doc["awards"]["within_scope"] = plan.awards.within_scope
    if plan.scopes:
        doc["scopes"] = [_scope_dict(plan, s) for s in plan.scopes]


def _scope_dict(plan: Plan, scope: Scope) -> dict[str, Any]:
    out: dict[str, Any] = {"code": scope.code, "name": scope.name}
    for key in ("agents", "roles", "teams"):
        if getattr(scope, key):
            out[key] = list(getattr(scope, key))
    # Each table the scope replaces, written as the top-level one would be.
    own = plan_to_dict(
        replace(
            plan,
            commission=scope.commission or plan.commission,
            quality=scope.quality or plan.quality,
            kpi=scope.kpi or plan.kpi,
            scopes=(),
        )
    )
    for key in ("commission", "quality", "kpi"):
        if getattr(scope, key) is not None:
            out[key] = own[key]
    return out
