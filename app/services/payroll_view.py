"""What the payroll page shows besides the result itself: the month's state, what changed
since the last calculation, the grouped columns of the main table, and the warnings.

Kept out of Qt so every rule here is tested without a ``QApplication``. Most functions are
pure over the :class:`~app.results.MonthResult` of ``show_month``; the few that need the database take a session and do one
query each, so the page stays responsive with hundreds of agents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.lines import LINE_ORDER
from app.money import ZERO, MoneyError, fmt_money, fmt_num, parse_money
from app.results import AgentResult, MonthResult
from app.services.errors import ServiceError
from app.services.periods import TargetProgress, target_progress
from app.services.plans import plan_version_for_month
from app.services.settings import get_setting
from app.summary_columns import summary_amounts
from app.text import Text
from db.models import Agent, KpiMetric, MonthStatus, PlanVersion

# --- the month's state (the banner) ------------------------------------------------------


@dataclass(frozen=True)
class MonthState:
    """Status of a month and the plan it uses (or would use, when not yet calculated).

    ``plan_name`` is empty when no plan is in force — the banner then says so instead of
    guessing, because a month without a plan cannot be calculated.
    """

    month: str
    status: str  # open | calculated | locked
    calculated_at: datetime | None = None
    locked_at: datetime | None = None
    plan_name: str = ""
    plan_effective_from: str = ""


def month_state(session: Session, month: str) -> MonthState:
    row = session.get(MonthStatus, month)
    status = row.status if row is not None else "open"
    version: PlanVersion | None = None
    if row is not None and row.plan_version_id is not None and status in ("calculated", "locked"):
        version = session.get(PlanVersion, row.plan_version_id)
    else:
        try:
            version = plan_version_for_month(session, month)
        except ServiceError:
            version = None
    return MonthState(
        month=month,
        status=status,
        calculated_at=row.calculated_at if row is not None and status != "open" else None,
        locked_at=row.locked_at if row is not None and status == "locked" else None,
        plan_name=version.name if version is not None else "",
        plan_effective_from=version.effective_from if version is not None else "",
    )


# --- grouped columns of the main table ---------------------------------------------------

# The columns and which lines each sums are defined once, in :mod:`app.summary_columns`, for the
# table, the payslip, the workbook and the command line alike.


def column_amounts(agent: AgentResult) -> dict[str, Decimal]:
    """The agent's lines summed into the summary columns: the 应发 columns add up to ``agent.gross``,
    the 扣款 columns to ``agent.deductions``."""
    return summary_amounts(agent.lines)


# --- what changed since the previous result ----------------------------------------------


@dataclass(frozen=True)
class LineChange:
    """One line code of one agent whose amount differs. Several adjustment lines are summed,
    because they share a code and the manager asks "how much more adjustment", not which row."""

    code: str
    label: str
    old: Decimal
    new: Decimal

    @property
    def delta(self) -> Decimal:
        return self.new - self.old


@dataclass(frozen=True)
class AgentChange:
    code: str
    name: str
    kind: str  # added | removed | changed
    old_net: Decimal | None
    new_net: Decimal | None
    lines: tuple[LineChange, ...] = ()

    @property
    def net_delta(self) -> Decimal:
        return (self.new_net or ZERO) - (self.old_net or ZERO)


def _line_sums(agent: AgentResult | None, lang: str) -> tuple[dict[str, Decimal], dict[str, str]]:
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    labels: dict[str, str] = {}
    for line in agent.lines if agent is not None else ():
        sums[line.code] += line.amount
        labels.setdefault(line.code, line.label_in(lang) or line.code)
    return dict(sums), labels


def _line_order(code: str) -> int:
    return LINE_ORDER.get(code, len(LINE_ORDER))


def diff_results(before: MonthResult | None, after: MonthResult, *, lang: str = "zh") -> list[AgentChange]:
    """Per agent (added, removed, changed net) and per line code, ``after`` compared with ``before``.

    An empty list means nothing changed. ``before`` may be ``None`` (first calculation): every
    agent is then "added", which the page words as a first result rather than a change. Line
    labels are in ``lang``.
    """
    old = {a.code: a for a in (before.agents if before is not None else ())}
    new = {a.code: a for a in after.agents}
    changes: list[AgentChange] = []
    for code in sorted(old.keys() | new.keys()):
        a, b = old.get(code), new.get(code)
        if a is None:
            assert b is not None
            changes.append(AgentChange(code, b.name, "added", None, b.net, _lines_between(None, b, lang)))
        elif b is None:
            changes.append(AgentChange(code, a.name, "removed", a.net, None, _lines_between(a, None, lang)))
        else:
            lines = _lines_between(a, b, lang)
            if lines or a.net != b.net:
                changes.append(AgentChange(code, b.name, "changed", a.net, b.net, lines))
    return changes


def _lines_between(a: AgentResult | None, b: AgentResult | None, lang: str) -> tuple[LineChange, ...]:
    old, old_labels = _line_sums(a, lang)
    new, new_labels = _line_sums(b, lang)
    labels = {**old_labels, **new_labels}
    out = [
        LineChange(code, labels[code], old.get(code, ZERO), new.get(code, ZERO))
        for code in old.keys() | new.keys()
        if old.get(code, ZERO) != new.get(code, ZERO)
    ]
    return tuple(sorted(out, key=lambda c: _line_order(c.code)))


def signed(value: Decimal) -> str:
    """A change shows its sign even when positive: "+100.00" reads as "100 more"."""
    text = fmt_money(value)
    return text if value < 0 else f"+{text}"


# --- warnings ------------------------------------------------------------------------------

WARNING = "warning"
INFO = "info"
SEVERITIES = (WARNING, INFO)


class MonthWarning(NamedTuple):
    """``(severity, zh, en)``: severity ``warning`` needs a look before locking; ``info`` is for the record."""

    severity: str
    zh: str
    en: str


def _money(value: Decimal) -> str:
    return fmt_money(value)


def _parse_money(text: str) -> Decimal | None:
    try:
        value = parse_money(text)
    except MoneyError:
        return None
    return value if value > 0 else None


def _minimum_for(agent: AgentResult, minimum: Decimal) -> tuple[Decimal, str, str]:
    """The minimum wage the agent's net is compared with, pro rata for a part month.

    Someone hired on the 16th is not expected to earn a full month's minimum; comparing with
    the whole amount would flag every new starter and teach the manager to ignore the warning.
    """
    employed, workdays = agent.facts.employed_workdays, agent.facts.workdays
    if 0 < employed < workdays:
        share = minimum * employed / workdays
        return (
            share,
            f"（按在岗 {employed}/{workdays} 天折算 {_money(share)}）",
            (f" (pro rata {employed}/{workdays} days: {_money(share)})"),
        )
    return minimum, "", ""


def _who(agent: AgentResult) -> str:
    return f"{agent.code} {agent.name}"


def agent_warnings(
    data: MonthResult, *, minimum_wage: Decimal | None, codes_with_metrics: Iterable[str]
) -> dict[str, list[MonthWarning]]:
    """Every warning about one agent, by agent code (pure: the page also uses it for the filter)."""
    with_metrics = set(codes_with_metrics)
    out: dict[str, list[MonthWarning]] = {}
    for agent in data.agents:
        code = agent.code
        found: list[MonthWarning] = []
        net = agent.net
        if minimum_wage is not None:
            floor, note_zh, note_en = _minimum_for(agent, minimum_wage)
            if net < floor:
                found.append(
                    MonthWarning(
                        WARNING,
                        f"{_who(agent)}：实发 {_money(net)} 低于最低工资提醒线 {_money(minimum_wage)}{note_zh}",
                        f"{_who(agent)}: net {_money(net)} is below the minimum wage level {_money(minimum_wage)}{note_en}",
                    )
                )
        if not agent.facts.qa_count:
            found.append(
                MonthWarning(
                    WARNING,
                    f"{_who(agent)}：本月没有有效的质检评分（质检系数按无数据处理）",
                    f"{_who(agent)}: no valid QA evaluations this month (the no-data QA coefficient was used)",
                )
            )
        if code not in with_metrics:
            found.append(
                MonthWarning(
                    WARNING,
                    f"{_who(agent)}：本月没有导入绩效指标数据",
                    f"{_who(agent)}: no KPI metrics were imported for this month",
                )
            )
        carried, clawed = agent.amount_of("carry_to_next"), agent.amount_of("clawback")
        if carried:
            found.append(
                MonthWarning(
                    WARNING,
                    f"{_who(agent)}：本月合计为负，实发为 0，{_money(carried)} 结转下月扣回",
                    f"{_who(agent)}: the month sums below zero; net is 0 and {_money(carried)} "
                    "is deducted next month",
                )
            )
        if clawed:
            found.append(
                MonthWarning(
                    INFO,
                    f"{_who(agent)}：撤单追回提成 {_money(clawed)}",
                    f"{_who(agent)}: commission clawed back for cancelled policies {_money(clawed)}",
                )
            )
        for text in agent.warnings:
            found.append(MonthWarning(WARNING, f"{_who(agent)}：{text.zh}", f"{_who(agent)}: {text.en}"))
        if found:
            out[code] = found
    return out


class Notice(NamedTuple):
    """A warning with the agent it is about (``None`` for the whole month): what the command line
    prints and ``payroll show --json`` lists as ``notices``, in the order of the window's list."""

    agent: str | None
    warning: MonthWarning


def build_notices(
    data: MonthResult, *, minimum_wage: Decimal | None, codes_with_metrics: Iterable[str]
) -> list[Notice]:
    """The month's warnings, month-wide first (calendar fallback), then per agent; warnings before infos."""
    month_level = [Notice(None, MonthWarning(WARNING, text.zh, text.en)) for text in data.warnings]
    per_agent = [
        Notice(code, w)
        for code, ws in agent_warnings(
            data, minimum_wage=minimum_wage, codes_with_metrics=codes_with_metrics
        ).items()
        for w in ws
    ]
    ordered = month_level + per_agent
    return sorted(
        ordered,
        key=lambda n: SEVERITIES.index(n.warning.severity) if n.warning.severity in SEVERITIES else 0,
    )


def build_warnings(
    data: MonthResult, *, minimum_wage: Decimal | None, codes_with_metrics: Iterable[str]
) -> list[MonthWarning]:
    """The window's warnings list: :func:`build_notices` without the agent codes."""
    return [n.warning for n in build_notices(data, minimum_wage=minimum_wage, codes_with_metrics=codes_with_metrics)]


# How many agents the pending-changes warning names before it says "and N more".
PENDING_NAMED = 8


def pending_agent_text(change: AgentChange) -> tuple[str, str]:
    """One agent of :func:`pending_warning`, in Chinese and English: who, and how the pay would change."""
    who = f"{change.code} {change.name}"
    if change.kind == "added":
        net = _money(change.new_net or ZERO)
        return f"{who} 将加入工资表（实发 {net}）", f"{who} joins the payroll (net {net})"
    if change.kind == "removed":
        net = _money(change.old_net or ZERO)
        return f"{who} 将不在工资表中（原实发 {net}）", f"{who} leaves the payroll (net was {net})"
    if not change.net_delta:
        return f"{who} 明细或说明有变化，实发不变", f"{who} lines or explanations change, net unchanged"
    old, new, delta = _money(change.old_net or ZERO), _money(change.new_net or ZERO), signed(change.net_delta)
    return f"{who} 实发 {old} → {new}（{delta}）", f"{who} net {old} → {new} ({delta})"


def pending_warning(changes: Sequence[AgentChange]) -> MonthWarning | None:
    """The warnings panel's entry for a stored result that recalculating would change.

    ``changes`` is :func:`~app.services.payroll.pending_changes`; ``None`` when it is empty
    (the stored result matches the records). Names the agents with their net before and
    after, so the manager sees at a glance whose payslip would be wrong if printed now.
    """
    if not changes:
        return None
    named = [pending_agent_text(c) for c in changes[:PENDING_NAMED]]
    more = len(changes) - len(named)
    total = sum((c.net_delta for c in changes), ZERO)
    people_en = "1 agent" if len(changes) == 1 else f"{len(changes)} agents"
    zh = "；".join(z for z, _ in named) + (f"；另有 {more} 人" if more else "")
    en = "; ".join(e for _, e in named) + (f"; and {more} more" if more else "")
    return MonthWarning(
        WARNING,
        f"计算后数据有变动，重新计算后 {len(changes)} 人的结果将改变（实发合计 {signed(total)}）：{zh}。"
        "请点击“计算”重新计算，核对后再锁定。",
        f"The records changed after the calculation; recalculating changes the pay of {people_en} "
        f"(total net {signed(total)}): {en}. Press Calculate, check, then lock.",
    )


def metric_codes(session: Session, month: str) -> set[str]:
    """Codes of the agents with at least one KPI metric imported for ``month``."""
    return set(
        session.scalars(
            select(Agent.code)
            .join(KpiMetric, KpiMetric.agent_id == Agent.id)
            .where(KpiMetric.month == month)
            .distinct()
        )
    )


def minimum_wage_level(session: Session) -> Decimal | None:
    """The configured warning level; ``None`` (no check) when blank, zero or not a number."""
    return _parse_money(get_setting(session, "minimum_wage"))


def month_warnings(session: Session, month: str, data: MonthResult) -> list[MonthWarning]:
    """Warnings for the payroll of ``month`` (``data`` is its ``show_month`` result)."""
    return [n.warning for n in month_notices(session, month, data)]


def month_notices(session: Session, month: str, data: MonthResult) -> list[Notice]:
    """:func:`month_warnings` with the agent each is about (the command line's notices)."""
    notices = build_notices(
        data, minimum_wage=minimum_wage_level(session), codes_with_metrics=metric_codes(session, month)
    )
    appeals = pending_appeals_warning(session, month)
    return notices if appeals is None else [Notice(None, appeals), *notices]


def pending_appeals_warning(session: Session, month: str) -> MonthWarning | None:
    """A month with undecided appeals (docs/pay-rules.md §11): locking or signing it off needs a reason.
    None for a locked month: its appeals are decided as corrections of a later month."""
    from app.services.appeal_count import pending_count
    from app.services.months import month_status

    n = pending_count(session, month)
    if n and month_status(session, month) == "locked":
        return None
    if not n:
        return None
    return MonthWarning(
        WARNING,
        f"本月有 {n} 条申诉待处理：锁定或签核前请先处理，否则须说明原因（--with-pending-appeals --reason）。",
        f"{n} appeal(s) against this month's records are still pending: decide them before locking or "
        "signing off, or give a reason (--with-pending-appeals --reason).",
    )


# --- targets: each agent's attainment so far (docs/pay-rules.md §8.1, issue #14) -------------------------


@dataclass(frozen=True)
class TargetsSoFar:
    """The month's targets by agent: every imported value of a period the month falls in, measured up to
    the end of the month by the payout's own arithmetic (:func:`app.services.periods.target_progress`)."""

    month: str
    progress: tuple[TargetProgress, ...]

    def of(self, code: str) -> tuple[TargetProgress, ...]:
        return tuple(p for p in self.progress if p.agent_code == code)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(p.agent_code for p in self.progress)


def targets_so_far(session: Session, month: str) -> TargetsSoFar:
    return TargetsSoFar(month, tuple(target_progress(session, month)))


def _measure_value(p: TargetProgress, value: Decimal) -> str:
    """As the ``target_bonus`` line shows it: a count whole, an amount or a metric's mean to two decimals."""
    return fmt_num(value) if p.measure == "policies" else fmt_money(value)


def target_progress_text(p: TargetProgress, month: str) -> Text:
    """One target's standing as a line: ``季度保费目标 2026-Q4：标准保费 46320.00 / 目标 80000 = 57.90%，按目前
    0 × 1000.00 = 0.00（2026-12 发放）``; in the paying month ``本月发放``."""
    words = {"standard_premium": ("标准保费", "standard premium"), "policies": ("保单数", "policies")}
    what_zh, what_en = words.get(p.measure, ("均值", "mean"))
    when_zh = "本月发放" if p.pays_in == month else f"{p.pays_in} 发放"
    when_en = "paid this month" if p.pays_in == month else f"paid in {p.pays_in}"
    target_text = fmt_num(p.value)
    if p.actual is None or p.attainment is None:
        return Text(f"{p.target_name} {p.period}：目标 {target_text}，本期还没有该指标的数值（{when_zh}）",
                    f"{p.target_name} {p.period}: target {target_text}, no value of the metric yet ({when_en})")
    actual = _measure_value(p, p.actual)
    percent = fmt_money(p.attainment * 100)
    pay = f"{fmt_num(p.rate)} × {fmt_money(p.bonus)} = {fmt_money(p.amount)}"
    return Text(f"{p.target_name} {p.period}：{what_zh} {actual} / 目标 {target_text} = {percent}%，按目前 {pay}（{when_zh}）",
                f"{p.target_name} {p.period}: {what_en} {actual} / target {target_text} = {percent}%, so far {pay} "
                f"({when_en})")
