from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from db.models import Agent, AuditLog, KpiMetric, Policy
from db.session import Database, current_revision, head_revision, make_engine, migrate


def test_decimal_round_trips_exactly(database: Database) -> None:
    with database.session_scope() as s:
        s.add(Agent(code="A1", name="甲", base_salary=Decimal("0.10") + Decimal("0.20"), hire_date=date(2026, 1, 1)))
    with database.session_scope() as s:
        agent = s.scalars(select(Agent)).one()
        assert agent.base_salary == Decimal("0.30")
        assert str(agent.base_salary) == "0.30"
        raw = s.execute(text("SELECT base_salary FROM agents")).scalar_one()
        assert raw == "0.30"  # stored as exact text, never REAL


def test_float_money_is_refused(database: Database) -> None:
    with pytest.raises(Exception, match="float"), database.session_scope() as s:
        s.add(Agent(code="A1", name="甲", base_salary=0.1, hire_date=date(2026, 1, 1)))  # type: ignore[arg-type]
        s.flush()


def test_wal_and_foreign_keys_are_on(database: Database) -> None:
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one().lower() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_foreign_key_is_enforced(database: Database) -> None:
    with pytest.raises(Exception, match="FOREIGN KEY"), database.session_scope() as s:
        s.add(KpiMetric(agent_id=999, month="2026-10", indicator="x", value=Decimal(1)))
        s.flush()


def test_open_creates_schema_at_head(database: Database) -> None:
    assert current_revision(database.engine) == head_revision()
    tables = set(inspect(database.engine).get_table_names())
    for name in ("agents", "plan_versions", "attendance", "scorecards", "scorecard_items", "qa_evaluations",
                 "qa_item_scores", "policies", "complaints", "praise", "kpi_metrics", "adjustments",
                 "month_status", "payroll_results", "payroll_lines", "settings", "calendar_overrides", "audit_log"):
        assert name in tables


def test_first_revision_upgrades_to_head_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = make_engine(path)
    migrate(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO agents (code, name, role, team, base_salary, hire_date, note, created_at, updated_at) "
            "VALUES ('A9', '老员工', '电话接听岗', '一组', '4321.05', '2020-05-06', '', '2020-05-06 00:00:00', "
            "'2020-05-06 00:00:00')"
        ))
        agent_id = conn.execute(text("SELECT id FROM agents")).scalar_one()
        conn.execute(text(
            "INSERT INTO policies (policy_no, agent_id, product_code, premium, customer_level, new_customer, sign_date) "
            f"VALUES ('P1', {agent_id}, 'L10', '1000.10', 'VIP', 1, '2020-06-01')"
        ))
    engine.dispose()
    db = Database(path)  # opening migrates to head
    try:
        assert current_revision(db.engine) == head_revision()
        with db.session_scope() as s:
            agent = s.scalars(select(Agent)).one()
            assert (agent.code, agent.name, agent.base_salary) == ("A9", "老员工", Decimal("4321.05"))
            policy = s.scalars(select(Policy)).one()
            assert policy.premium == Decimal("1000.10") and policy.new_customer is True
    finally:
        db.dispose()


def test_session_scope_rolls_back_on_error(database: Database) -> None:
    with pytest.raises(RuntimeError), database.session_scope() as s:
        s.add(AuditLog(action="x"))
        s.flush()
        raise RuntimeError("boom")
    with database.session_scope() as s:
        assert s.scalars(select(AuditLog)).all() == []


def test_head_revision_constant_matches_the_migration_scripts() -> None:
    from db.session import HEAD_REVISION

    assert head_revision() == HEAD_REVISION


def test_the_migration_scripts_form_one_chain_ending_at_head_revision() -> None:
    """Each revision file names its parent; together they are one line from nothing to HEAD_REVISION."""
    import ast

    from db.session import HEAD_REVISION, MIGRATIONS_DIR

    parents: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("[0-9]*.py")):
        values: dict[str, str | None] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.AnnAssign | ast.Assign) and node.value is not None:
                targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
                for target in targets:
                    if isinstance(target, ast.Name) and target.id in {"revision", "down_revision"}:
                        values[target.id] = ast.literal_eval(node.value)
        revision = values["revision"]
        assert isinstance(revision, str) and path.name.startswith(f"{revision}_"), path.name
        assert revision not in parents, f"two scripts are revision {revision}"
        parents[revision] = values["down_revision"]
    chain: list[str] = []
    at: str | None = HEAD_REVISION
    while at is not None:
        assert at in parents and at not in chain, (at, parents)
        chain.append(at)
        at = parents[at]
    assert sorted(chain) == sorted(parents), f"scripts outside the chain to {HEAD_REVISION}: {parents}"
    assert chain[-1] == "0001"
