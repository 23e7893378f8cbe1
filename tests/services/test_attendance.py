"""The attendance grid service (考勤): cell codes, the month grid, all-or-nothing writes. No Qt here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from app.engine.attendance import summarize
from app.engine.period import Period
from app.services.agents import AgentInput, add_agent
from app.services.attendance import (
    DAY_HOLIDAY,
    DAY_MAKEUP,
    DAY_WEEKEND,
    DAY_WORKDAY,
    AttendanceGrid,
    clear_cell,
    clear_cells,
    month_grid,
    month_totals,
    paste_block,
    set_cell,
    split_tsv,
)
from app.services.attendance_cells import CellProblem, Entry, format_cell, parse_cell
from app.services.calendar_overrides import set_calendar_override
from app.services.errors import MonthLocked, ServiceError, ValidationFailed
from app.services.payroll import gather_facts
from app.services.setup import initialise
from db.models import Agent, AttendanceRecord, AuditLog, CalendarOverride, MonthStatus
from db.session import Database

MONTH = "2026-10"
D = date


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    db = Database(tmp_path / "a.sqlite3")
    with db.session_scope() as s:
        initialise(s)
        add_agent(s, AgentInput("A001", "张三", Decimal(4000), D(2024, 1, 1)))
        add_agent(s, AgentInput("A002", "李四", Decimal(3500), D(2026, 10, 12)))
        add_agent(s, AgentInput("B001", "王五", Decimal(5000), D(2023, 1, 1), leave_date=D(2026, 10, 20)))
        add_agent(s, AgentInput("C001", "赵六", Decimal(3000), D(2023, 1, 1), leave_date=D(2026, 9, 30)))
        s.flush()
        yield s
    db.dispose()


def records(
    session: Session, code: str | None = None
) -> list[tuple[str, date, str, int | None, Decimal | None]]:
    stmt = (
        select(
            Agent.code,
            AttendanceRecord.date,
            AttendanceRecord.kind,
            AttendanceRecord.minutes,
            AttendanceRecord.days,
        )
        .join(Agent, Agent.id == AttendanceRecord.agent_id)
        .order_by(AttendanceRecord.id)
    )
    if code is not None:
        stmt = stmt.where(Agent.code == code)
    return [tuple(r) for r in session.execute(stmt)]  # type: ignore[misc]


def audits(session: Session, prefix: str = "attendance.") -> list[AuditLog]:
    return list(
        session.scalars(select(AuditLog).where(AuditLog.action.startswith(prefix)).order_by(AuditLog.id))
    )


def lock(session: Session, month: str = MONTH) -> None:
    session.add(MonthStatus(month=month, status="locked"))
    session.flush()


# --- cell text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entries", "formatted"),
    [
        ("迟15", [Entry("late", minutes=15)], "迟15"),
        ("早10", [Entry("early_leave", minutes=10)], "早10"),
        ("迟5 空", [Entry("late", minutes=5), Entry("away")], "迟5 空"),
        ("迟5,空/调", [Entry("late", minutes=5), Entry("away"), Entry("swap")], "迟5 空 调"),
        ("迟5空", [Entry("late", minutes=5), Entry("away")], "迟5 空"),
        ("旷", [Entry("absence", days=Decimal(1))], "旷"),
        ("旷0.5", [Entry("absence", days=Decimal("0.5"))], "旷0.5"),
        ("事0.5", [Entry("personal", days=Decimal("0.5"))], "事0.5"),
        ("病 年 其", [Entry("sick", days=Decimal(1)), Entry("annual", days=Decimal(1)), Entry("other", days=Decimal(1))],
         "病 年 其"),
        ("空2", [Entry("away"), Entry("away")], "空2"),
        ("迟到15分 事假0.5天", [Entry("late", minutes=15), Entry("personal", days=Decimal("0.5"))], "迟15 事0.5"),
        ("late15, away", [Entry("late", minutes=15), Entry("away")], "迟15 空"),
        ("EARLY10 absence0.5", [Entry("early_leave", minutes=10), Entry("absence", days=Decimal("0.5"))], "早10 旷0.5"),
        ("chi15 shi0.5", [Entry("late", minutes=15), Entry("personal", days=Decimal("0.5"))], "迟15 事0.5"),
        ("chi5zao3", [Entry("late", minutes=5), Entry("early_leave", minutes=3)], "迟5 早3"),
        ("迟１５，空", [Entry("late", minutes=15), Entry("away")], "迟15 空"),  # full-width, as an IME types
        ("", [], ""),
        ("   ", [], ""),
    ],
)  # fmt: skip
def test_parse_and_format_round_trip(text: str, entries: list[Entry], formatted: str) -> None:
    parsed = parse_cell(text)
    assert parsed == entries
    assert format_cell(parsed) == formatted
    assert parse_cell(formatted) == entries
    english = format_cell(parsed, "en")
    assert parse_cell(english) == entries


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("迟", "分钟"),
        ("早", "分钟"),
        ("迟1.5", "整数"),
        ("迟0", "1 到"),
        ("事0", "0.5 的倍数"),
        ("事0.3", "0.5 的倍数"),
        ("旷15分", "天数"),
        ("张三", "无法识别“张三”"),
        ("lateness", "无法识别"),
        ("迟5 X", "无法识别“X”"),
    ],
)
def test_bad_cell_text_says_why(text: str, reason: str) -> None:
    result = parse_cell(text)
    assert isinstance(result, CellProblem)
    assert reason in result.zh
    assert result.en and result.en != result.zh


def test_format_matches_stored_records() -> None:
    # Records with a missing day count (from an older import) read as one day, as the engine counts them.
    assert format_cell([AttendanceRecord(kind="sick", minutes=None, days=None)]) == "病"
    assert format_cell([Entry("away"), Entry("late", minutes=3), Entry("away")]) == "空2 迟3"


def test_split_tsv_reads_excel_clipboard() -> None:
    assert split_tsv("迟5\t\t事\r\n旷\t空\t\r\n") == [["迟5", "", "事"], ["旷", "空", ""]]
    assert split_tsv("") == []


# --- the month grid ----------------------------------------------------------------------------


def test_month_grid_days_agents_and_calendar(session: Session) -> None:
    set_cell(session, MONTH, "A001", D(2026, 10, 9), "迟5")
    grid = month_grid(session, MONTH)
    assert [a.code for a in grid.agents] == ["A001", "A002", "B001"]  # C001 left in September
    kinds = {d.date.day: d.kind for d in grid.days}
    assert len(grid.days) == 31
    assert kinds[1] == kinds[3] == kinds[7] == DAY_HOLIDAY  # 国庆节, also on the weekend
    assert kinds[10] == DAY_MAKEUP  # Saturday worked in lieu
    assert kinds[11] == kinds[17] == DAY_WEEKEND
    assert kinds[8] == kinds[12] == DAY_WORKDAY
    assert grid.days[2].name == "国庆节"
    assert grid.calendar_warning is None
    assert not grid.locked
    assert grid.entries("A001", D(2026, 10, 9)) == (Entry("late", minutes=5),)
    a002 = grid.agents[1]
    assert not a002.employed_on(D(2026, 10, 11)) and a002.employed_on(D(2026, 10, 12))


def test_overrides_shade_and_count_like_the_engine(session: Session) -> None:
    set_calendar_override(session, D(2026, 10, 17), True, "盘点加班")
    set_calendar_override(session, D(2026, 10, 20), False, "网点装修")
    grid = month_grid(session, MONTH)
    kinds = {d.date.day: d for d in grid.days}
    assert kinds[17].kind == DAY_MAKEUP and kinds[17].override is True
    assert kinds[20].kind == DAY_HOLIDAY and kinds[20].override_note == "网点装修"
    _version, _plan, facts, _ids = gather_facts(session, MONTH)
    assert grid.workdays == facts.workdays
    set_calendar_override(session, D(2026, 10, 17), None, "")
    assert session.get(CalendarOverride, D(2026, 10, 17)) is None
    assert [(a.before != "", a.after != "") for a in audits(session, "calendar.")] == [
        (False, True),
        (False, True),
        (True, False),
    ]


def test_calendar_override_refused_in_a_locked_month(session: Session) -> None:
    lock(session)
    with pytest.raises(MonthLocked):
        set_calendar_override(session, D(2026, 10, 17), True, "")


# --- writing cells ------------------------------------------------------------------------------


def test_set_cell_writes_records_the_engine_reads(session: Session) -> None:
    set_cell(session, MONTH, "A001", D(2026, 10, 9), "迟15 空")
    set_cell(session, MONTH, "A001", D(2026, 10, 12), "早10")
    set_cell(session, MONTH, "A001", D(2026, 10, 13), "旷0.5 事0.5")
    set_cell(session, MONTH, "A001", D(2026, 10, 14), [Entry("sick", days=Decimal(1))])
    assert records(session, "A001") == [
        ("A001", D(2026, 10, 9), "late", 15, None),
        ("A001", D(2026, 10, 9), "away", None, None),
        ("A001", D(2026, 10, 12), "early_leave", 10, None),
        ("A001", D(2026, 10, 13), "absence", None, Decimal("0.5")),
        ("A001", D(2026, 10, 13), "personal", None, Decimal("0.5")),
        ("A001", D(2026, 10, 14), "sick", None, Decimal(1)),
    ]
    totals = month_totals(session, MONTH)["A001"]
    assert (totals.late_count, totals.late_minutes, totals.early_count, totals.early_minutes) == (
        1,
        15,
        1,
        10,
    )
    assert (totals.away, totals.swap, totals.absence_days) == (1, 0, Decimal("0.5"))
    assert totals.leave_days["personal"] == Decimal("0.5") and totals.leave_days["sick"] == 1

    # The pay engine sees the same month.
    _version, _plan, facts, _ids = gather_facts(session, MONTH)
    agent = next(a for a in facts.agents if a.code == "A001")
    period = Period.of(MONTH, facts.workdays)
    summary = summarize(agent, period)
    assert summary.late == ((D(2026, 10, 9), 15),)
    assert summary.early_leave == ((D(2026, 10, 12), 10),)
    assert summary.away == totals.away and summary.absence_days == totals.absence_days
    assert summary.leave_days == dict(totals.leave_days)
    # October 2026: 国庆 1–7 off, Saturday the 10th worked in lieu.
    assert totals.employed_workdays == len(facts.workdays) == 18


def test_set_cell_replaces_and_clear_empties(session: Session) -> None:
    day = D(2026, 10, 9)
    set_cell(session, MONTH, "A001", day, "迟5 空")
    set_cell(session, MONTH, "A001", day, "事")
    assert records(session, "A001") == [("A001", day, "personal", None, Decimal(1))]
    set_cell(session, MONTH, "A001", day, "")
    assert records(session, "A001") == []
    set_cell(session, MONTH, "A001", day, "病")
    clear_cell(session, MONTH, "A001", day)
    assert records(session) == []


def test_employed_workdays_follow_hire_and_leave(session: Session) -> None:
    totals = month_totals(session, MONTH)
    assert totals["A002"].employed_workdays == 15  # from Monday 12 October
    assert totals["B001"].employed_workdays == 10  # 8, 9, 10 (make-up), 12–16, 19, 20
    assert "C001" not in totals


def test_outside_employment_is_refused(session: Session) -> None:
    with pytest.raises(ValidationFailed) as err:
        set_cell(session, MONTH, "A002", D(2026, 10, 9), "迟5")
    assert "不在职" in err.value.message and "not employed" in err.value.message_en
    with pytest.raises(ValidationFailed):
        set_cell(session, MONTH, "B001", D(2026, 10, 21), "事")
    set_cell(session, MONTH, "B001", D(2026, 10, 20), "事")  # the leave date itself counts
    assert len(records(session)) == 1


@pytest.mark.parametrize("text", ["迟", "事0.3", "事0", "请假", "迟-5"])
def test_bad_text_is_refused_and_writes_nothing(session: Session, text: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        set_cell(session, MONTH, "A001", D(2026, 10, 9), text)
    assert "A001 10月9日" in err.value.message
    assert records(session) == [] and audits(session) == []


def test_bad_entries_are_refused(session: Session) -> None:
    for entry in (
        Entry("late"),
        Entry("personal", days=Decimal("0.25")),
        Entry("holiday"),
        Entry("away", minutes=3),
    ):
        with pytest.raises(ValidationFailed):
            set_cell(session, MONTH, "A001", D(2026, 10, 9), [entry])
    with pytest.raises(ValidationFailed):
        set_cell(session, MONTH, "NOPE", D(2026, 10, 9), "迟5")
    with pytest.raises(ValidationFailed):
        set_cell(session, MONTH, "A001", D(2026, 11, 2), "迟5")
    assert records(session) == []


def test_locked_month_is_refused(session: Session) -> None:
    set_cell(session, MONTH, "A001", D(2026, 10, 9), "迟5")
    lock(session)
    for action in (
        lambda: set_cell(session, MONTH, "A001", D(2026, 10, 12), "迟5"),
        lambda: clear_cell(session, MONTH, "A001", D(2026, 10, 9)),
        lambda: clear_cells(session, MONTH, [("A001", D(2026, 10, 9))]),
        lambda: paste_block(session, MONTH, "A001", D(2026, 10, 12), [["迟5"]]),
    ):
        with pytest.raises(MonthLocked) as err:
            action()
        assert "已锁定" in err.value.message
    assert len(records(session)) == 1
    assert month_grid(session, MONTH).locked


def test_audit_rows_say_before_and_after(session: Session) -> None:
    day = D(2026, 10, 9)
    set_cell(session, MONTH, "A001", day, "迟5")
    set_cell(session, MONTH, "A001", day, "迟5")  # unchanged: no row
    set_cell(session, MONTH, "A001", day, "迟5 空")
    clear_cell(session, MONTH, "A001", day)
    rows = [(a.action, a.entity, a.entity_key, a.before, a.after) for a in audits(session)]
    assert rows == [
        ("attendance.set", "attendance", "A001 2026-10-09", "", "迟5"),
        ("attendance.set", "attendance", "A001 2026-10-09", "迟5", "迟5 空"),
        ("attendance.clear", "attendance", "A001 2026-10-09", "迟5 空", ""),
    ]


def test_paste_block_writes_every_cell(session: Session) -> None:
    block = split_tsv("迟5\t\t事0.5\n空\t早10\t\n")
    stored = paste_block(session, MONTH, "A002", D(2026, 10, 12), block)
    assert stored[("A002", D(2026, 10, 12))] == (Entry("late", minutes=5),)
    assert stored[("B001", D(2026, 10, 13))] == (Entry("early_leave", minutes=10),)
    assert records(session) == [
        ("A002", D(2026, 10, 12), "late", 5, None),
        ("A002", D(2026, 10, 14), "personal", None, Decimal("0.5")),
        ("B001", D(2026, 10, 12), "away", None, None),
        ("B001", D(2026, 10, 13), "early_leave", 10, None),
    ]
    assert {a.action for a in audits(session)} == {"attendance.paste"}
    assert len(audits(session)) == 4  # empty cells that were empty are not logged


def test_paste_follows_the_visible_row_order(session: Session) -> None:
    paste_block(session, MONTH, "A001", D(2026, 10, 12), [["迟5"], ["迟6"]], agent_codes=["A001", "B001"])
    assert [(r[0], r[3]) for r in records(session)] == [("A001", 5), ("B001", 6)]


def test_paste_is_all_or_nothing(session: Session) -> None:
    set_cell(session, MONTH, "A001", D(2026, 10, 12), "病")
    before = records(session)
    with pytest.raises(ValidationFailed) as err:
        paste_block(session, MONTH, "A001", D(2026, 10, 12), [["迟5", "迟"], ["空", "早10"]])
    assert "A001 10月13日" in err.value.message and "分钟" in err.value.message
    assert records(session) == before
    # a pasted cell on a day the agent is not employed (A002 starts on the 12th)
    with pytest.raises(ValidationFailed) as err:
        paste_block(session, MONTH, "A001", D(2026, 10, 9), [["迟5"], ["迟5"]])
    assert "A002" in err.value.message and "不在职" in err.value.message
    # a block that runs off the sheet
    with pytest.raises(ValidationFailed) as err:
        paste_block(session, MONTH, "B001", D(2026, 10, 30), [["迟5", "迟5", "迟5"], ["空"]])
    assert "最后一天" in err.value.message and "只有 1 人" in err.value.message
    assert records(session) == before
    assert len(audits(session)) == 1
    with pytest.raises(ServiceError):
        paste_block(session, MONTH, "C001", D(2026, 10, 9), [["迟5"]])


def test_many_problems_are_listed_briefly(session: Session) -> None:
    with pytest.raises(ValidationFailed) as err:
        paste_block(session, MONTH, "A001", D(2026, 10, 12), [["x"] * 15])
    assert err.value.message.startswith("未保存任何考勤：")
    assert "另有 7 处问题" in err.value.message


def test_retyping_keeps_an_imported_note(session: Session) -> None:
    agent_id = session.scalar(select(Agent.id).where(Agent.code == "A001"))
    session.add(
        AttendanceRecord(
            agent_id=agent_id, date=D(2026, 10, 9), kind="sick", days=Decimal(1), note="医院证明"
        )
    )
    session.flush()
    set_cell(session, MONTH, "A001", D(2026, 10, 9), "病 迟5")
    assert month_grid(session, MONTH).entries("A001", D(2026, 10, 9))[0].note == "医院证明"


@contextmanager
def _counting_queries(session: Session) -> Iterator[list[str]]:
    """Every SQL statement the session's engine runs inside the block."""
    statements: list[str] = []
    engine = session.get_bind()

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _load_month(session: Session) -> tuple[AttendanceGrid, list[str]]:
    with _counting_queries(session) as statements:
        grid = month_grid(session, MONTH)
        grid.totals()
    return grid, statements


def test_a_month_of_300_agents_loads_with_as_many_queries_as_a_month_of_3(session: Session) -> None:
    _, few = _load_month(session)
    assert len(few) > 0
    hire = D(2024, 1, 1)
    session.execute(
        insert(Agent),
        [
            {"code": f"P{i:04d}", "name": f"员工{i}", "base_salary": Decimal(4000), "hire_date": hire}
            for i in range(300)
        ],
    )
    ids = list(session.scalars(select(Agent.id).where(Agent.code.like("P%"))))
    kinds = [("late", 5, None), ("personal", None, Decimal("0.5")), ("away", None, None)]
    rows = []
    for n, agent_id in enumerate(ids):
        for d in range(31):
            if (n + d) % 3 == 0:
                kind, minutes, days = kinds[(n + d) % len(kinds)]
                rows.append(
                    {"agent_id": agent_id, "date": D(2026, 10, 1) + timedelta(days=d), "kind": kind,
                     "minutes": minutes, "days": days}
                )  # fmt: skip
    session.execute(insert(AttendanceRecord), rows)
    session.flush()
    grid, many = _load_month(session)
    assert len(grid.agents) == 303 and len(grid.totals()) == 303
    assert sum(len(v) for v in grid.cells.values()) == len(rows)
    assert len(many) == len(few), many  # no query per agent or per day; timings: benchmarks/bench_attendance.py
