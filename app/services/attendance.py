"""考勤 Attendance: the month grid the manager types into, as on the branch's paper sheets.

The paper sheet has one row per agent and one column per day, and each cell holds short
codes. The grid keeps that shape so entering a month is as fast as in Excel, while every
cell still becomes ordinary :class:`~db.models.AttendanceRecord` rows that the pay engine
reads (docs/pay-rules.md §3.1, §3.6) — the grid is a view of the records, not a second store.

The text of a cell (迟15, 旷0.5, …) is read and written by :mod:`app.services.attendance_cells`.

Every change is one transaction and audit-logged per cell (before → after as cell text);
a batch (paste, clearing a selection) is validated completely before anything is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calendar import month_bounds, month_workdays
from app.engine.facts import LEAVE_KINDS
from app.services.agents import agents_by_code
from app.services.attendance_cells import (
    ONE,
    CellProblem,
    Entry,
    entry_problem,
    format_cell,
    parse_cell,
)
from app.services.audit import audit
from app.services.errors import ServiceError, ValidationFailed
from app.services.months import ensure_open, month_status
from app.services.plans import plan_for_month
from app.text import Text
from db.models import Agent, AttendanceRecord, CalendarOverride

ZERO_DAYS = Decimal(0)

# --- the month grid ----------------------------------------------------------------------

DAY_WORKDAY = "workday"
DAY_WEEKEND = "weekend"
DAY_HOLIDAY = "holiday"
DAY_MAKEUP = "makeup"  # a weekend day worked in lieu of a holiday (调休上班)


@dataclass(frozen=True)
class CalendarDay:
    """One day of the month as the calendar and the branch's overrides make it."""

    date: date
    kind: str  # DAY_WORKDAY | DAY_WEEKEND | DAY_HOLIDAY | DAY_MAKEUP
    name: str = ""  # the holiday's name (国庆节), if the calendar knows one
    name_en: str = ""
    override: bool | None = None  # a branch override (True workday, False day off)
    override_note: str = ""

    @property
    def workday(self) -> bool:
        return self.kind in (DAY_WORKDAY, DAY_MAKEUP)


@dataclass(frozen=True)
class GridAgent:
    code: str
    name: str
    team: str
    hire_date: date
    leave_date: date | None

    def employed_on(self, day: date) -> bool:
        """Hire and leave dates inclusive, as the engine counts them (docs/pay-rules.md §2)."""
        return self.hire_date <= day and (self.leave_date is None or day <= self.leave_date)


@dataclass(frozen=True)
class AttendanceTotals:
    """One agent's month in the words of docs/pay-rules.md §3.6 — only records within employment count."""

    late_count: int = 0
    late_minutes: int = 0
    early_count: int = 0
    early_minutes: int = 0
    away: int = 0
    swap: int = 0
    absence_days: Decimal = ZERO_DAYS
    leave_days: Mapping[str, Decimal] = field(default_factory=lambda: {k: ZERO_DAYS for k in LEAVE_KINDS})
    employed_workdays: int = 0


def totals_of(
    agent: GridAgent, days: Sequence[CalendarDay], cells: Mapping[tuple[str, date], Sequence[Entry]]
) -> AttendanceTotals:
    """Total one agent's cells the way ``app.engine.attendance.summarize`` does, without the DB."""
    late_n = late_m = early_n = early_m = away = swap = 0
    absence = ZERO_DAYS
    leave = {k: ZERO_DAYS for k in LEAVE_KINDS}
    employed = 0
    for day in days:
        if not agent.employed_on(day.date):
            continue
        if day.workday:
            employed += 1
        for e in cells.get((agent.code, day.date), ()):
            if e.kind == "late":
                late_n += 1
                late_m += e.minutes or 0
            elif e.kind == "early_leave":
                early_n += 1
                early_m += e.minutes or 0
            elif e.kind == "away":
                away += 1
            elif e.kind == "swap":
                swap += 1
            elif e.kind == "absence":
                absence += e.days if e.days is not None else ONE
            elif e.kind in leave:
                leave[e.kind] += e.days if e.days is not None else ONE
    return AttendanceTotals(late_n, late_m, early_n, early_m, away, swap, absence, leave, employed)


@dataclass(frozen=True)
class AttendanceGrid:
    """Everything the attendance page shows for a month, read in a handful of queries."""

    month: str
    days: tuple[CalendarDay, ...]
    agents: tuple[GridAgent, ...]
    cells: Mapping[tuple[str, date], tuple[Entry, ...]]
    calendar: str
    calendar_warning: Text | None
    locked: bool

    @property
    def workdays(self) -> tuple[date, ...]:
        return tuple(d.date for d in self.days if d.workday)

    def entries(self, code: str, day: date) -> tuple[Entry, ...]:
        return self.cells.get((code, day), ())

    def totals(self) -> dict[str, AttendanceTotals]:
        return {a.code: totals_of(a, self.days, self.cells) for a in self.agents}


def _holiday_names(day: date) -> tuple[str, str]:
    """The statutory holiday a day belongs to (also for its make-up workday), or empty."""
    try:
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return "", ""
    if not name:
        return "", ""
    try:
        return str(chinese_calendar.Holiday(name).chinese), str(name)
    except ValueError:
        return str(name), str(name)


def calendar_days(
    month: str, calendar: str, overrides: Mapping[date, CalendarOverride | tuple[bool, str]]
) -> tuple[tuple[CalendarDay, ...], Text | None]:
    """Classify every day of the month; the workdays are exactly those of ``month_workdays``.

    Built on :func:`app.calendar.month_workdays` so the grid can never shade a day
    differently from how the pay engine counts it.
    """
    flags: dict[date, tuple[bool, str]] = {
        d: (o.workday, o.note) if isinstance(o, CalendarOverride) else o for d, o in overrides.items()
    }
    workdays, warning = month_workdays(month, calendar, {d: w for d, (w, _n) in flags.items()})
    working = set(workdays)
    first, last = month_bounds(month)
    out: list[CalendarDay] = []
    day = first
    while day <= last:
        weekend = day.weekday() >= 5
        name, name_en = _holiday_names(day) if calendar == "cn" and warning is None else ("", "")
        override, note = flags.get(day, (None, ""))
        if day in working:
            kind = DAY_MAKEUP if weekend else DAY_WORKDAY
        elif weekend and not name and override is None:
            kind = DAY_WEEKEND
        else:
            kind = DAY_HOLIDAY
        out.append(CalendarDay(day, kind, name, name_en, override, note))
        day += timedelta(days=1)
    return tuple(out), warning


def _payroll_agents(session: Session, first: date, last: date) -> list[Agent]:
    return list(
        session.scalars(
            select(Agent)
            .where(Agent.hire_date <= last, Agent.leave_date.is_(None) | (Agent.leave_date >= first))
            .order_by(Agent.code)
        )
    )


def _calendar_of(session: Session, month: str) -> str:
    """The plan's calendar; without a plan for the month the statutory one (the default)."""
    try:
        _version, plan = plan_for_month(session, month)
    except ServiceError:
        return "cn"
    return plan.pay.calendar


def month_grid(session: Session, month: str) -> AttendanceGrid:
    """The month's agents, days and cells: one query per table, never one per cell."""
    first, last = month_bounds(month)
    calendar = _calendar_of(session, month)
    overrides = {
        o.date: o
        for o in session.scalars(
            select(CalendarOverride).where(CalendarOverride.date >= first, CalendarOverride.date <= last)
        )
    }
    days, warning = calendar_days(month, calendar, overrides)
    agents = _payroll_agents(session, first, last)
    code_of = {a.id: a.code for a in agents}
    cells: dict[tuple[str, date], list[Entry]] = defaultdict(list)
    rows = session.execute(
        select(
            AttendanceRecord.agent_id,
            AttendanceRecord.date,
            AttendanceRecord.kind,
            AttendanceRecord.minutes,
            AttendanceRecord.days,
            AttendanceRecord.note,
        )
        .where(AttendanceRecord.date >= first, AttendanceRecord.date <= last)
        .order_by(AttendanceRecord.id)
    )
    for agent_id, day, kind, minutes, days_, note in rows:
        code = code_of.get(agent_id)
        if code is not None:
            cells[(code, day)].append(Entry(kind, minutes, days_, note or ""))
    return AttendanceGrid(
        month=month,
        days=days,
        agents=tuple(GridAgent(a.code, a.name, a.team, a.hire_date, a.leave_date) for a in agents),
        cells={k: tuple(v) for k, v in cells.items()},
        calendar=calendar,
        calendar_warning=warning,
        locked=month_status(session, month) == "locked",
    )


def month_totals(session: Session, month: str) -> dict[str, AttendanceTotals]:
    """Per agent code: the counts, minutes and days the pay engine will read for the month."""
    return month_grid(session, month).totals()


# --- writing cells -------------------------------------------------------------------------

CellKey = tuple[str, date]
CellValue = str | Sequence[Entry]
MAX_LISTED_PROBLEMS = 8


def _where(code: str, day: date) -> tuple[str, str]:
    return f"{code} {day.month}月{day.day}日", f"{code} {day.isoformat()}"


def _refuse(problems: list[tuple[str, str]]) -> ValidationFailed:
    """One refusal listing the first few bad cells, so a big paste does not make a wall of text."""
    shown = problems[:MAX_LISTED_PROBLEMS]
    zh = [p[0] for p in shown]
    en = [p[1] for p in shown]
    rest = len(problems) - len(shown)
    if rest > 0:
        zh.append(f"另有 {rest} 处问题")
        en.append(f"{rest} more problem(s)")
    prefix_zh = "未保存任何考勤：" if len(problems) > 1 else "未保存："
    prefix_en = "nothing was saved: " if len(problems) > 1 else "not saved: "
    zh[0] = prefix_zh + zh[0]
    en[0] = prefix_en + en[0]
    return ValidationFailed(zh, en)


def set_cells(
    session: Session, month: str, values: Mapping[CellKey, CellValue], *, action: str = "attendance.set"
) -> dict[CellKey, tuple[Entry, ...]]:
    """Replace the records of several cells at once: all of them or, on any problem, none.

    Every cell is checked (text, month, agent, employment) before the first write, so a
    refusal names every bad cell and leaves the database untouched. Cells whose content
    does not change are not rewritten or logged. Returns each cell's entries afterwards.
    """
    ensure_open(session, month)
    first, last = month_bounds(month)
    codes = {code for code, _day in values}
    agents = agents_by_code(session, codes)
    problems: list[tuple[str, str]] = []
    wanted: dict[CellKey, tuple[Entry, ...]] = {}
    for (code, day), value in sorted(values.items()):
        zh_at, en_at = _where(code, day)
        agent = agents.get(code)
        if agent is None:
            problems.append((f"{zh_at}：没有工号为 {code} 的人员", f"{en_at}: no agent with code {code}"))
            continue
        if not first <= day <= last:
            problems.append((f"{zh_at}：不在 {month} 内", f"{en_at}: not in {month}"))
            continue
        if isinstance(value, str):
            parsed = parse_cell(value)
            if isinstance(parsed, CellProblem):
                problems.append((f"{zh_at}：{parsed.zh}", f"{en_at}: {parsed.en}"))
                continue
            entries = tuple(parsed)
        else:
            entries = tuple(value)
            bad = next((err for err in map(entry_problem, entries) if err is not None), None)
            if bad is not None:
                problems.append((f"{zh_at}：{bad.zh}", f"{en_at}: {bad.en}"))
                continue
        employed = agent.hire_date <= day and (agent.leave_date is None or day <= agent.leave_date)
        if entries and not employed:
            span = (
                f"{agent.hire_date.isoformat()} ~ {agent.leave_date.isoformat() if agent.leave_date else ''}"
            )
            problems.append(
                (
                    f"{zh_at}：{agent.name}该日不在职（在职 {span}）",
                    f"{en_at}: {agent.name} is not employed on that day (employed {span})",
                )
            )
            continue
        wanted[(code, day)] = entries
    if problems:
        raise _refuse(problems)
    if not wanted:
        return {}

    ids = {agents[code].id: code for code, _day in wanted}
    existing: dict[CellKey, list[AttendanceRecord]] = defaultdict(list)
    for rec in session.scalars(
        select(AttendanceRecord)
        .where(
            AttendanceRecord.agent_id.in_(ids),
            AttendanceRecord.date >= first,
            AttendanceRecord.date <= last,
        )
        .order_by(AttendanceRecord.id)
    ):
        key = (ids[rec.agent_id], rec.date)
        if key in wanted:
            existing[key].append(rec)

    result: dict[CellKey, tuple[Entry, ...]] = {}
    for key, entries in wanted.items():
        code, day = key
        old = existing.get(key, [])
        old_entries = tuple(Entry(r.kind, r.minutes, r.days, r.note or "") for r in old)
        if old_entries == entries:
            result[key] = old_entries
            continue
        # A retyped cell keeps the note an import gave an identical record.
        notes: dict[Entry, list[str]] = defaultdict(list)
        for e in old_entries:
            if e.note:
                notes[e].append(e.note)
        for rec in old:
            session.delete(rec)
        stored = []
        for e in entries:
            note = e.note or (notes[e].pop(0) if notes.get(e) else "")
            session.add(
                AttendanceRecord(
                    agent_id=agents[code].id, date=day, kind=e.kind, minutes=e.minutes, days=e.days, note=note
                )
            )
            stored.append(Entry(e.kind, e.minutes, e.days, note))
        audit(
            session,
            action,
            entity="attendance",
            key=f"{code} {day.isoformat()}",
            before=format_cell(old_entries),
            after=format_cell(entries),
        )
        result[key] = tuple(stored)
    session.flush()
    return result


def set_cell(
    session: Session, month: str, agent_code: str, day: date, entries: CellValue
) -> tuple[Entry, ...]:
    """Replace one cell's records with ``entries`` (entries or cell text); empty clears it."""
    return set_cells(session, month, {(agent_code, day): entries}, action="attendance.set")[(agent_code, day)]


def clear_cell(session: Session, month: str, agent_code: str, day: date) -> None:
    set_cells(session, month, {(agent_code, day): ()}, action="attendance.clear")


def clear_cells(session: Session, month: str, cells: Iterable[CellKey]) -> dict[CellKey, tuple[Entry, ...]]:
    """Clear a selection of cells in one transaction (the Delete key)."""
    return set_cells(session, month, {key: () for key in cells}, action="attendance.clear")


def split_tsv(text: str) -> list[list[str]]:
    """Excel's clipboard text → rows of cells. The trailing newline Excel adds is not a row."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    rows = []
    for line in lines:
        cells = line.split("\t")
        # Excel quotes a cell that holds a tab or newline; attendance codes never need to.
        rows.append(
            [c[1:-1].replace('""', '"') if len(c) >= 2 and c[0] == c[-1] == '"' else c for c in cells]
        )
    return rows


def paste_block(
    session: Session,
    month: str,
    top_left_agent_code: str,
    top_left_day: date,
    rows_of_text: Sequence[Sequence[str]],
    *,
    agent_codes: Sequence[str] | None = None,
) -> dict[CellKey, tuple[Entry, ...]]:
    """Write a block copied from a spreadsheet, row by row from the given cell: all or nothing.

    ``agent_codes`` is the row order the user sees (a search may hide agents); by default
    the month's payroll in code order. An empty pasted cell clears its cell, as in Excel.
    """
    first, last = month_bounds(month)
    order = (
        list(agent_codes)
        if agent_codes is not None
        else [a.code for a in _payroll_agents(session, first, last)]
    )
    if top_left_agent_code not in order:
        raise ServiceError(
            f"{top_left_agent_code} 不在 {month} 的考勤表中",
            f"{top_left_agent_code} is not in the {month} sheet",
        )
    if not first <= top_left_day <= last:
        raise ServiceError(
            f"{top_left_day.isoformat()} 不在 {month} 内", f"{top_left_day.isoformat()} is not in {month}"
        )
    start = order.index(top_left_agent_code)
    height = len(rows_of_text)
    width = max((len(r) for r in rows_of_text), default=0)
    if height == 0 or width == 0:
        return {}
    problems: list[tuple[str, str]] = []
    if start + height > len(order):
        problems.append(
            (
                f"粘贴了 {height} 行，但从 {top_left_agent_code} 起只有 {len(order) - start} 人",
                f"{height} rows were pasted but only {len(order) - start} agents follow from {top_left_agent_code}",
            )
        )
    last_day = top_left_day + timedelta(days=width - 1)
    if last_day > last:
        problems.append(
            (
                f"粘贴了 {width} 列，从 {top_left_day.day} 日起超出了本月最后一天（{last.day} 日）",
                f"{width} columns were pasted: from day {top_left_day.day} that runs past the month's "
                f"last day ({last.day})",
            )
        )
    if problems:
        raise _refuse(problems)
    values: dict[CellKey, CellValue] = {}
    for i, row in enumerate(rows_of_text):
        for j, text in enumerate(row):
            values[(order[start + i], top_left_day + timedelta(days=j))] = text
    return set_cells(session, month, values, action="attendance.paste")
