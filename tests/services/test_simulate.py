"""试算 (docs/pay-rules.md §12): draft plans over stored months, through the engine's own path, writing nothing.

On the demo branch as filled: the first two months locked, the third calculated (then one of the first
month's paid policies cancelled and clawed back in it, recalculated and locked: the demo withholds income
tax by the cumulative method, so the month after it computes only once it is locked), and one month with
no result.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.calendar import month_bounds, shift_month
from app.plan.model import Plan
from app.plan.toml_io import load_plan
from app.services.demo import demo_months, fill_demo
from app.services.errors import ServiceError
from app.services.payroll import calculate_month, lock_month, show_month
from app.services.plans import export_plan
from app.services.simulate import load_draft, simulate
from app.simulation import Simulation
from db.models import Policy
from db.session import Database
from tests.db_fingerprint import fingerprint

TODAY = date(2026, 11, 15)
MONTHS = demo_months(TODAY)  # 2026-08, 2026-09, 2026-10
OPEN = shift_month(MONTHS[-1], 1)  # no result


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = Database(tmp_path_factory.mktemp("sim") / "demo.sqlite3")
    with db.session_scope(write=True) as s:
        fill_demo(s, today=TODAY)
    with db.session_scope(write=True) as s:  # a paid policy of the locked month is cancelled afterwards
        policy = s.scalars(select(Policy).where(Policy.paid_month == MONTHS[0], Policy.paid_amount > 0)
                           .order_by(Policy.policy_no)).first()
        assert policy is not None
        policy.cancel_date = month_bounds(MONTHS[2])[0]
    with db.session_scope(write=True) as s:
        calculate_month(s, MONTHS[2])
        lock_month(s, MONTHS[2])
    with db.session_scope() as s:
        assert any(line.code == "clawback" for a in show_month(s, MONTHS[2]).agents for line in a.lines)
    yield db
    db.dispose()


def _tables(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]


def _plan_in_force(db: Database, month: str) -> Plan:
    with db.session_scope() as s:
        return load_plan(export_plan(s, month))


def _richer(db: Database) -> Plan:
    """The plan in force with the first commission tier at 3% instead of 2%."""
    with db.session_scope() as s:
        text = export_plan(s, MONTHS[0])
    assert "rate = 0.02" in text
    return load_plan(text.replace("rate = 0.02", "rate = 0.03", 1).replace('name = "', 'name = "草稿 ', 1))


def _run(db: Database, months: list[str], drafts: list[Plan]) -> Simulation:
    with db.session_scope() as s:
        return simulate(s, months, drafts)


def test_the_plan_in_force_as_a_draft_changes_nothing_anywhere(demo: Database) -> None:
    sim = _run(demo, [*MONTHS, OPEN], [_plan_in_force(demo, MONTHS[0])])
    assert [m.month for m in sim.months] == [*MONTHS, OPEN]
    assert [m.status for m in sim.months] == ["locked", "locked", "locked", "open"]
    assert [m.baseline for m in sim.months] == ["stored", "stored", "stored", "plan"]
    for month in sim.months:
        assert month.stale == 0, month.month  # the locked months are computed as they were locked
        (outcome,) = month.plans
        assert len(outcome.agents) >= 20
        assert outcome.delta == 0 and outcome.gainers == outcome.losers == 0
        assert outcome.unchanged == len(outcome.agents)
        assert outcome.largest() == ()
        for agent in outcome.agents:
            assert agent.delta == 0
            assert all(line.delta == 0 for line in agent.lines), agent.code


def test_net_matches_the_stored_result(demo: Database) -> None:
    sim = _run(demo, [MONTHS[2]], [_plan_in_force(demo, MONTHS[2])])
    with demo.session_scope() as s:
        stored = show_month(s, MONTHS[2])
    outcome = sim.months[0].plans[0]
    assert {a.code: a.net for a in outcome.agents} == {a.code: a.net for a in stored.agents}
    assert outcome.net == stored.net


def test_a_richer_draft_shows_who_gains_line_by_line(demo: Database) -> None:
    richer = _richer(demo)
    sim = _run(demo, MONTHS, [_plan_in_force(demo, MONTHS[0]), richer])
    for month in sim.months:
        same, rich = month.plans
        assert same.delta == 0
        assert rich.name.startswith("草稿")
        assert rich.gainers > 0 and rich.losers == 0
        assert rich.gainers + rich.unchanged == len(rich.agents)
        assert rich.delta == sum((a.delta for a in rich.agents), Decimal(0)) > 0
        for agent in rich.agents:
            # only commission-driven lines move (income tax follows the income), and the lines add up to the
            # net change
            moved = {line.code for line in agent.lines if line.delta != 0}
            assert moved <= {"commission", "penalty_relief", "carry_forward", "carry_to_next", "clawback",
                             "income_tax"}, moved
            assert sum((line.delta for line in agent.lines), Decimal(0)) == agent.delta, agent.code
        top = rich.largest(3)
        assert len(top) == 3 and abs(top[0].delta) >= abs(top[1].delta) >= abs(top[2].delta)
        assert top[0].delta == max(a.delta for a in rich.agents)
    total = sim.totals()[1]
    assert total.delta == sum((m.plans[1].delta for m in sim.months), Decimal(0))


def test_simulating_writes_nothing(demo: Database) -> None:
    tables = _tables(demo.path)
    before = fingerprint(demo.path, tables)
    _run(demo, [*MONTHS, OPEN], [_plan_in_force(demo, MONTHS[0]), _richer(demo)])
    assert fingerprint(demo.path, tables) == before


def test_one_to_three_drafts(demo: Database) -> None:
    plan = _plan_in_force(demo, MONTHS[0])
    assert len(_run(demo, [MONTHS[2]], [plan, plan, plan]).months[0].plans) == 3
    with pytest.raises(ServiceError, match="1 至 3"):
        _run(demo, [MONTHS[2]], [plan] * 4)
    with pytest.raises(ServiceError):
        _run(demo, [MONTHS[2]], [])


def test_a_bad_draft_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "草稿.toml"
    bad.write_text('schema = 1\nname = "x"\neffective_from = "2026-13"\n', encoding="utf-8")
    with pytest.raises(ServiceError) as info:
        load_draft(bad)
    assert str(bad) in info.value.text("zh") and str(bad) in info.value.text("en")
    assert "effective_from" in info.value.text("en")
    with pytest.raises(ServiceError, match="missing.toml"):
        load_draft(tmp_path / "missing.toml")


def test_histogram_bins_are_shared_and_count_everyone() -> None:
    from app.simulation import histogram

    h = histogram([[Decimal(0), Decimal(10), Decimal(100)], [Decimal(-50), Decimal(100)]], bins=3)
    assert h.edges == (Decimal(-50), Decimal(0), Decimal(50), Decimal(100))
    assert h.counts == ((0, 2, 1), (1, 0, 1))
    flat = histogram([[Decimal(0), Decimal(0)]], bins=2)
    assert flat.counts == ((0, 2),) and flat.edges == (Decimal(-1), Decimal(0), Decimal(1))
    assert histogram([[]]).edges == ()


def test_a_stale_calculated_month_says_how_many_agents_changed(tmp_path: Path) -> None:
    db = Database(tmp_path / "stale.sqlite3")
    try:
        with db.session_scope(write=True) as s:
            fill_demo(s, today=TODAY)
        with db.session_scope(write=True) as s:
            calculate_month(s, MONTHS[2])
        with sqlite3.connect(db.path) as conn:  # a raise after the calculation: the result is stale
            conn.execute("UPDATE agents SET base_salary = '9999' WHERE code = 'A001'")
        sim = _run(db, [MONTHS[2]], [_plan_in_force(db, MONTHS[2])])
        (month,) = sim.months
        assert month.stale == 1
        (moved,) = [a for a in month.plans[0].agents if a.delta != 0]
        assert moved.code == "A001" and {line.code for line in moved.lines if line.delta != 0} >= {"base"}
    finally:
        db.dispose()
