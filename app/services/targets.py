"""The targets grid (目标): each agent's target values of one period, entered in the window (issue #14).

A period (``2026-10``, ``2026-Q4``, ``2026-H2``, ``2026``) shows one row per agent employed in it and one
column per target of that kind in the plan in force in its last month (the month it pays in,
docs/pay-rules.md §8.1). Saving goes through the ``targets`` import itself
(:func:`app.services.imports.commit_table`): the same checks and refusals — a locked last month
included — and the same writer, in the caller's one write transaction. A problem is reported by agent
and target, the grid's row and column, and nothing is written.

The grid can also take a value away (an emptied cell), which a file cannot: that is refused for a
locked period too, audited (``target.delete``), and voids the paying month's sign-offs like any change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calendar import month_bounds
from app.fields import code_key
from app.importers import COLUMNS, Table
from app.importers.cells import CellError, as_number
from app.money import fmt_num
from app.periods import KIND_WORDS, PERIOD_KINDS, PayPeriod, parse_period, period_of
from app.plan.model import Plan
from app.services.agents import SheetAgent, sheet_agents
from app.services.audit import audit
from app.services.errors import ServiceError, ValidationFailed
from app.services.imports import ImportRefused, commit_table
from app.services.months import locked_months
from app.services.plans import plan_for_month
from app.services.record_changes import records_changing
from db.models import Agent, TargetValue
from db.session import claim_write_lock


@dataclass(frozen=True)
class TargetColumn:
    """A target of the plan: ``is_rate`` marks a metric measured as a share (its values shown as 95%)."""

    code: str
    name: str
    measure: str
    bonus: Decimal  # the plan's; an imported bonus replaces it per agent
    is_rate: bool = False
    measure_name: str = ""  # a metric's indicator name

    def measure_text(self) -> tuple[str, str]:
        if self.measure == "standard_premium":
            return "标准保费", "standard premium"
        if self.measure == "policies":
            return "保单数", "policies"
        name = self.measure_name or self.measure
        return f"{name}均值", f"mean {name}"


@dataclass(frozen=True)
class PeriodChoice:
    """A period the grid can show: ``current`` when the month the window shows falls in it."""

    text: str
    kind: str
    current: bool

    def label(self) -> tuple[str, str]:
        zh, en = KIND_WORDS[self.kind]
        return f"{self.text}（{zh}）", f"{self.text} ({en})"


@dataclass(frozen=True)
class TargetsGrid:
    """One period's target values: ``values[(agent code, target code)]``; a missing key is an empty cell.
    ``bonuses`` holds the imported bonuses (kept as they are when the grid saves a value)."""

    period: str
    kind: str
    pays_in: str  # the period's last month
    locked: bool  # pays_in is locked: read only
    plan_name: str  # "" without a plan in force for pays_in
    columns: tuple[TargetColumn, ...]
    agents: tuple[SheetAgent, ...]
    values: dict[tuple[str, str], Decimal]
    bonuses: dict[tuple[str, str], Decimal]

    def value(self, agent_code: str, target: str) -> Decimal | None:
        return self.values.get((agent_code, target))


@dataclass(frozen=True)
class TargetEntry:
    """One cell to save: ``value`` as typed (``100000``, ``95%``, ``1,200``); None or empty text removes it."""

    agent_code: str
    target: str
    value: Decimal | str | None


@dataclass(frozen=True)
class TargetsSaved:
    adds: int
    updates: int
    removed: int


def _indicator(plan: Plan, measure: str) -> tuple[bool, str]:
    """Whether a metric measure is a share (shown as 95%), and the indicator's name."""
    indicator = next((i for i in plan.all_indicators() if i.code == measure), None)
    if indicator is None:
        return False, ""
    return Decimal(0) < indicator.target <= 1 and indicator.step < 1, indicator.name


def _plan(session: Session, month: str) -> Plan | None:
    try:
        return plan_for_month(session, month)[1]
    except ServiceError:
        return None


def target_columns(plan: Plan | None, kind: str) -> tuple[TargetColumn, ...]:
    if plan is None:
        return ()
    return tuple(TargetColumn(t.code, t.name, t.measure, t.bonus, *_indicator(plan, t.measure))
                 for t in plan.targets if t.period == kind)


def grid_periods(session: Session, month: str) -> tuple[PeriodChoice, ...]:
    """The periods of the year of ``month`` of each kind the plan in force for ``month`` has targets of,
    kind by kind in the order of the plan's targets; those ``month`` falls in are marked current."""
    plan = _plan(session, month)
    if plan is None:
        return ()
    kinds = list(dict.fromkeys(t.period for t in plan.targets if t.period in PERIOD_KINDS))
    year = int(month[:4])
    out: list[PeriodChoice] = []
    for kind in kinds:
        current = period_of(kind, month)
        span = current.span
        for index in range(1, 12 // span + 1):
            p = PayPeriod(year, kind, index)
            out.append(PeriodChoice(p.text, kind, p == current))
    return tuple(out)


def targets_grid(session: Session, period: str) -> TargetsGrid:
    """The agents employed on any day of ``period`` (and any agent with a stored value for it) × the
    targets of its kind in the plan in force in its last month."""
    try:
        span = parse_period(period)
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    plan = _plan(session, span.last_month)
    columns = target_columns(plan, span.kind)
    codes = {c.code for c in columns}
    first, last = month_bounds(span.first_month)[0], month_bounds(span.last_month)[1]
    stored = [t for t in session.scalars(select(TargetValue).where(TargetValue.period == span.text))
              if t.target in codes]
    code_of, agents = sheet_agents(session, first, last, (t.agent_id for t in stored))
    values = {(code_of[t.agent_id], t.target): t.value for t in stored}
    bonuses = {(code_of[t.agent_id], t.target): t.bonus for t in stored if t.bonus is not None}
    return TargetsGrid(
        period=span.text, kind=span.kind, pays_in=span.last_month, locked=span.last_month in locked_months(session),
        plan_name=plan.name if plan is not None else "", columns=columns, agents=agents, values=values,
        bonuses=bonuses,
    )


def parse_target_value(value: Decimal | str | None) -> Decimal | None:
    """A cell as the import reads the 目标值 column (a number, ``95%``, ``1,200``), above 0; empty: None.
    Raises :class:`ValidationFailed` with the import's reason."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = as_number(value.strip() if isinstance(value, str) else value, percent=True)
    except CellError as exc:
        raise ValidationFailed([exc.reason + (f"，{exc.action}" if exc.action else "")],
                               [exc.reason_en + (f"; {exc.action_en}" if exc.action_en else "")]) from None
    if number <= 0:
        raise ValidationFailed([f"目标值须大于 0 “{value}”"], [f'the target value must be greater than 0 "{value}"'])
    return number


class TargetsRefused(ValidationFailed):
    """The grid's values were refused; ``cells`` names each refused (agent code, target code)."""

    def __init__(self, problems: list[str], problems_en: list[str], cells: list[tuple[str, str]]) -> None:
        super().__init__(problems, problems_en)
        self.cells = cells
        self.message = "\n".join(["目标值未保存（一个也没有写入）：", *shown(problems, "zh")])
        self.message_en = "\n".join(["The target values were not saved (none was written):", *shown(problems_en, "en")])


SHOWN_PROBLEMS = 12


def shown(lines: list[str], lang: str) -> list[str]:
    """The first :data:`SHOWN_PROBLEMS` problems of a message, then how many more there are."""
    if len(lines) <= SHOWN_PROBLEMS:
        return lines
    hidden = len(lines) - SHOWN_PROBLEMS
    return [*lines[:SHOWN_PROBLEMS], f"……另有 {hidden} 个问题" if lang == "zh" else f"… and {hidden} more"]


def _refuse_locked(session: Session, span: PayPeriod) -> None:
    """The import's refusal of a row of a locked month, for the whole period at once."""
    if span.last_month in locked_months(session):
        raise ServiceError(
            f"{span.last_month} 月已锁定（{span.text} 的末月，目标奖在该月发放），不能修改该期间的目标值",
            f"month {span.last_month} is locked (the last month of {span.text}, which pays its targets): the "
            "period's target values cannot change",
        )


def save_targets(session: Session, period: str, entries: Sequence[TargetEntry]) -> TargetsSaved:
    """Write the grid's changed cells of ``period`` all or nothing, in the caller's transaction.

    Values go through the ``targets`` import (:func:`~app.services.imports.commit_table`); an agent's
    imported bonus is kept. Emptied cells remove the stored value. Any problem refuses everything with
    :class:`TargetsRefused`, naming the agent and the target of each cell.
    """
    try:
        span = parse_period(period)
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    claim_write_lock(session)
    _refuse_locked(session, span)
    agents = {code_key(a.code): a for a in session.scalars(select(Agent))}
    plan = _plan(session, span.last_month)
    names = {c.code: c.name for c in target_columns(plan, span.kind)}
    # The same cell twice: the last one wins.
    wanted = list({(code_key(e.agent_code), e.target): e for e in entries}.values())
    stored = {(t.agent_id, t.target): t for t in session.scalars(select(TargetValue).where(
        TargetValue.period == span.text))}

    def where(e: TargetEntry) -> tuple[str, str]:
        agent = agents.get(code_key(e.agent_code))
        who = f"{e.agent_code} {agent.name}" if agent is not None else e.agent_code
        what = names.get(e.target, e.target)
        return f"{who} / {what}", f"{who} / {what}"

    upserts: list[TargetEntry] = []
    removals: list[TargetValue] = []
    for e in wanted:
        agent = agents.get(code_key(e.agent_code))
        if e.value is None or (isinstance(e.value, str) and not e.value.strip()):
            old = stored.get((agent.id, e.target)) if agent is not None else None
            if old is not None:
                removals.append(old)
        else:
            upserts.append(e)

    result_adds = result_updates = 0
    if upserts:
        cols = COLUMNS["targets"]
        headers = [next(c.zh for c in cols if c.key == k) for k in ("code", "target", "period", "value", "bonus")]
        rows: list[tuple[int, list[object]]] = []
        for i, e in enumerate(upserts):
            agent = agents.get(code_key(e.agent_code))
            old = stored.get((agent.id, e.target)) if agent is not None else None
            bonus = old.bonus if old is not None else None
            value = fmt_num(e.value) if isinstance(e.value, Decimal) else e.value
            rows.append((i + 2, [e.agent_code, e.target, span.text, value, bonus]))
        table = Table(file=f"目标表 {span.text}", headers=headers, rows=rows)
        try:
            result = commit_table(session, "targets", table, action="targets.grid")
        except ImportRefused as refused:
            zh: list[str] = []
            en: list[str] = []
            cells: list[tuple[str, str]] = []
            for p in refused.result.problems:
                if not p.is_error:
                    continue
                entry = upserts[p.row - 2] if p.row is not None and 2 <= p.row < len(upserts) + 2 else None
                if entry is None:
                    zh.append(p.reason_zh)
                    en.append(p.reason_en or p.reason)
                    continue
                at_zh, at_en = where(entry)
                zh.append(f"{at_zh}：{p.reason_zh}" + (f"（{p.action_zh}）" if p.action_zh else ""))
                en.append(f"{at_en}: {p.reason_en or p.reason}" + (f" ({p.action_en})" if p.action_en else ""))
                cells.append((entry.agent_code, entry.target))
            raise TargetsRefused(zh, en, cells) from None
        result_adds, result_updates = result.adds, result.updates
    if removals:
        if not upserts:
            records_changing(session, [span.last_month])  # the clerk's role; voids the month's sign-offs (§10)
        codes = {a.id: a.code for a in agents.values()}
        for old in removals:
            audit(session, "target.delete", entity="target", key=f"{codes.get(old.agent_id, '')}/{old.target}/{span.text}",
                  before={"value": str(old.value), "bonus": str(old.bonus)})
            session.delete(old)
        session.flush()
    return TargetsSaved(result_adds, result_updates, len(removals))
