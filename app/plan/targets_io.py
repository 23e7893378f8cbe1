"""TOML of the plan's targets and period rewards (docs/pay-rules.md §5 and §8), schema 2 only.

Kept apart from :mod:`app.plan.toml_io` so the sections of §8 read and write in one place;
``toml_io`` calls :func:`load_period_sections` and :func:`period_sections_to_dict`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.money import fmt_num
from app.plan.targets import (
    AWARD_PERIODS,
    BUILTIN_MEASURES,
    TARGET_PERIODS,
    PayoutBand,
    PeriodAward,
    Target,
    TeamAward,
)

if TYPE_CHECKING:
    from app.plan.model import Plan
    from app.plan.toml_io import _Checker

SECTION_KEYS: tuple[str, ...] = ("targets", "period_awards", "team_award")
_TARGET_KEYS = ("code", "name", "measure", "period", "bonus", "payout")
_AWARD_KEYS = ("code", "name", "period", "top_share", "amount", "min_months", "exclude_penalized")
_TEAM_KEYS = ("amount", "min_members", "exclude_penalized")


def metric_codes(doc: dict[str, Any]) -> set[str]:
    """The indicator codes a document's KPI tables name (top level and any scope's own ``kpi``):
    the metrics a target may measure."""
    codes: set[str] = set()
    tables: list[Any] = [doc.get("kpi")]
    scopes = doc.get("scopes")
    if isinstance(scopes, list):
        tables.extend(s.get("kpi") for s in scopes if isinstance(s, dict))
    for kpi in tables:
        indicators = kpi.get("indicators") if isinstance(kpi, dict) else None
        for ind in indicators if isinstance(indicators, list) else ():
            if isinstance(ind, dict) and isinstance(ind.get("code"), str) and ind.get("source", "metric") == "metric":
                codes.add(ind["code"])
    return codes


def load_period_sections(
    ck: _Checker, doc: dict[str, Any]
) -> tuple[tuple[Target, ...], tuple[PeriodAward, ...], TeamAward | None]:
    """Read ``[[targets]]``, ``[[period_awards]]`` and ``[team_award]``; each needs ``schema = 2``."""
    if not ck.v2_only(doc, SECTION_KEYS, ""):
        return (), (), None
    targets = _load_targets(ck, doc.get("targets", []), metric_codes(doc))
    awards = _load_period_awards(ck, doc.get("period_awards", []))
    team = _load_team_award(ck, doc["team_award"]) if "team_award" in doc else None
    return targets, awards, team


def _unique(ck: _Checker, seen: dict[str, int], code: Any, section: str, i: int) -> None:
    if isinstance(code, str):
        ck.unique(seen, code, i, at=f"{section}[{i}].code", shown=repr(code), other=section + "[{}]",
                  what=("code", "代码"))


def _load_payout(ck: _Checker, raw: Any, path: str) -> tuple[PayoutBand, ...]:
    bands: list[PayoutBand] = []
    previous: Decimal | None = None
    items = ck.array(raw, path)
    if isinstance(raw, list) and not items:
        ck.fail(path, "must list at least one band { from, rate }", "至少要有一档 { from, rate }")
    for i, item in enumerate(items):
        bp = f"{path}[{i}]"
        t = ck.table(item, bp, ("from", "rate"))
        start = ck.number(t, "from", bp, rate=True)
        rate = ck.number(t, "rate", bp, rate=True)
        if isinstance(start, Decimal):
            if previous is not None and start <= previous:
                ck.fail(f"{bp}.from", f"must be greater than the previous band ({fmt_num(previous)}): bands "
                        "are listed in ascending order", f"必须大于上一档的起点（{fmt_num(previous)}）：各档须按从低到高排列")
            previous = start if previous is None or start > previous else previous
        bands.append(PayoutBand(from_=start if start is not None else Decimal(0), rate=rate or Decimal(0)))
    return tuple(bands)


def _load_targets(ck: _Checker, raw: Any, metrics: set[str]) -> tuple[Target, ...]:
    out: list[Target] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(ck.array(raw, "targets")):
        path = f"targets[{i}]"
        t = ck.table(item, path, _TARGET_KEYS)
        code = ck.text(t, "code", path)
        _unique(ck, seen, code, "targets", i)
        measure = ck.text(t, "measure", path)
        if isinstance(measure, str) and measure.strip() and measure not in BUILTIN_MEASURES and measure not in metrics:
            known = ", ".join([*BUILTIN_MEASURES, *sorted(metrics)])
            ck.fail(f"{path}.measure", f"unknown measure {measure!r} (expected standard_premium, policies or an "
                    f"indicator code of kpi.indicators: {known})",
                    f"未知的考核口径 {measure!r}（可选 standard_premium 标准保费、policies 保单数，或 kpi.indicators "
                    f"中的指标代码：{known}）")
        if "payout" not in t:
            ck.fail(f"{path}.payout", "is required", "必须填写")
        payout = _load_payout(ck, t["payout"], f"{path}.payout") if "payout" in t else ()
        out.append(Target(
            code=code or "",
            name=ck.text(t, "name", path, default=code if isinstance(code, str) else "") or "",
            measure=measure or "",
            period=ck.text(t, "period", path, choices=TARGET_PERIODS) or "",
            bonus=ck.number(t, "bonus", path, default=Decimal(0)) or Decimal(0),
            payout=payout,
        ))
    return tuple(out)


def _load_period_awards(ck: _Checker, raw: Any) -> tuple[PeriodAward, ...]:
    out: list[PeriodAward] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(ck.array(raw, "period_awards")):
        path = f"period_awards[{i}]"
        t = ck.table(item, path, _AWARD_KEYS)
        code = ck.text(t, "code", path)
        _unique(ck, seen, code, "period_awards", i)
        period = ck.text(t, "period", path, choices=AWARD_PERIODS)
        min_months = ck.integer(t, "min_months", path, default=None, min_value=1)
        span = {"quarter": 3, "half_year": 6, "year": 12}.get(period or "")
        if isinstance(min_months, int) and span is not None and min_months > span:
            ck.fail(f"{path}.min_months", f"must be at most the {span} months of a {period} (got {min_months})",
                    f"不能超过期间的月数 {span}（当前为 {min_months}）")
        out.append(PeriodAward(
            code=code or "",
            name=ck.text(t, "name", path, default=code if isinstance(code, str) else "") or "",
            period=period or "",
            top_share=ck.number(t, "top_share", path, rate=True, positive=True, max_value=Decimal(1)) or Decimal(0),
            amount=ck.number(t, "amount", path) or Decimal(0),
            min_months=min_months,
            exclude_penalized=ck.boolean(t, "exclude_penalized", path, default=True),
        ))
    return tuple(out)


def _load_team_award(ck: _Checker, raw: Any) -> TeamAward:
    t = ck.table(raw, "team_award", _TEAM_KEYS)
    return TeamAward(
        amount=ck.number(t, "amount", "team_award") or Decimal(0),
        min_members=ck.integer(t, "min_members", "team_award", default=3, min_value=1) or 3,
        exclude_penalized=ck.boolean(t, "exclude_penalized", "team_award", default=True),
    )


def _num(value: Decimal) -> int | Decimal:
    exponent = value.as_tuple().exponent
    return int(value) if isinstance(exponent, int) and exponent >= 0 else value


def period_sections_to_dict(plan: Plan) -> dict[str, Any]:
    """The sections of §8 that ``plan`` has, as TOML values (nothing for a plan without them)."""
    doc: dict[str, Any] = {}
    if plan.targets:
        doc["targets"] = [
            {"code": t.code, "name": t.name, "measure": t.measure, "period": t.period, "bonus": _num(t.bonus),
             "payout": [{"from": _num(b.from_), "rate": _num(b.rate)} for b in t.payout]}
            for t in plan.targets
        ]
    if plan.period_awards:
        awards = []
        for a in plan.period_awards:
            entry: dict[str, Any] = {"code": a.code, "name": a.name, "period": a.period,
                                     "top_share": _num(a.top_share), "amount": _num(a.amount)}
            if a.min_months is not None:
                entry["min_months"] = a.min_months
            entry["exclude_penalized"] = a.exclude_penalized
            awards.append(entry)
        doc["period_awards"] = awards
    if plan.team_award is not None:
        ta = plan.team_award
        doc["team_award"] = {"amount": _num(ta.amount), "min_members": ta.min_members,
                             "exclude_penalized": ta.exclude_penalized}
    return doc
