"""`payroll run` words its notices from the result it just computed (no second read of the month):
they are exactly the notices of the month read back, as `payroll show` lists them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.cli import _notices, fresh_result
from app.services.demo import demo_months, fill_demo
from app.services.months import month_status
from app.services.payroll import calculate_month, show_month
from app.services.settings import set_setting
from db.session import Database

TODAY = date(2026, 5, 10)


def test_fresh_result_gives_the_notices_of_the_stored_month(tmp_path: Path) -> None:
    db = Database(tmp_path / "demo.sqlite3")
    with db.session_scope() as session:
        fill_demo(session, today=TODAY, agents=25)
        set_setting(session, "minimum_wage", "7000")  # some nets below it: notices to compare
    seen = 0
    with db.session_scope() as session:  # the demo locked its first months: those are not calculated again
        open_months = [m for m in demo_months(TODAY) if month_status(session, m) != "locked"]
    assert open_months
    for month in open_months:
        with db.session_scope(write=True) as session:
            pay = calculate_month(session, month)
        with db.session_scope() as session:
            fresh = _notices(session, month, fresh_result(month, pay), pending=False)
            stored = _notices(session, month, show_month(session, month), pending=False)
        assert fresh == stored
        assert [a.code for a in fresh_result(month, pay).agents] == [a.code for a in show_month_agents(db, month)]
        seen += len(fresh)
    assert seen > 0  # the demo months have notices to compare
    db.dispose()


def show_month_agents(db: Database, month: str) -> tuple:  # type: ignore[type-arg]
    with db.session_scope() as session:
        return show_month(session, month).agents
