"""试算 through calculate_month's whole path: a quarter's last month pays targets, the quarterly award and the
team award (§8), and the plan in force as a draft changes nothing in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.plan.toml_io import load_plan
from app.services.payroll import calculate_month, lock_month
from app.services.plans import export_plan
from app.services.simulate import simulate
from db.session import Database
from tests.periods.test_quarter_flow import quarter_db

MONTHS = ["2026-10", "2026-11", "2026-12"]


@pytest.fixture
def quarter(tmp_path: Path) -> Iterator[Database]:
    db = quarter_db(tmp_path)
    for month in MONTHS:
        with db.session_scope() as s:
            calculate_month(s, month)
            if month != MONTHS[-1]:
                lock_month(s, month)
    yield db
    db.dispose()


def test_the_plan_in_force_changes_nothing_in_a_quarter_end(quarter: Database) -> None:
    with quarter.session_scope() as s:
        plan = load_plan(export_plan(s, MONTHS[-1]))
        sim = simulate(s, MONTHS, [plan])
    last = sim.months[-1].plans[0]
    paid = {line.code for a in last.agents for line in a.lines if line.amount != 0}
    assert {"period_award", "team_award", "target_bonus"} <= paid  # the period's figures were gathered
    for month in sim.months:
        assert month.stale == 0
        assert all(line.delta == 0 for a in month.plans[0].agents for line in a.lines), month.month
