"""Large sales files: the driver-level insert stores exactly what the ORM stores, and a file with more
policy numbers than SQLite has variables (32,766) imports, new or already on file (issue #13)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from app.importers import SalesRow
from app.services.imports import LOOKUP_CHUNK, commit_import, insert_policies, policy_values, stored_policies
from app.services.setup import initialise
from db.models import Agent, AuditLog, Policy
from db.session import Database

COLUMNS = "policy_no, agent_id, product_code, premium, customer_level, new_customer, sign_date, cancel_date, " \
          "paid_amount, paid_month, clawed_month"


def _stored(db: Database, policy_no: str) -> list[tuple[object, object]]:
    """Each column's SQLite storage class and raw value, as the file holds them."""
    with db.engine.connect() as conn:
        names = [c.strip() for c in COLUMNS.split(",")]
        sql = "SELECT " + ", ".join(f"typeof({n}), {n}" for n in names) + " FROM policies WHERE policy_no = ?"
        row = conn.exec_driver_sql(sql, (policy_no,)).one()
    return [(row[i], row[i + 1]) for i in range(0, len(row), 2)][1:]  # without the policy number


def test_a_driver_insert_stores_what_an_orm_insert_stores(tmp_path: Path) -> None:
    db = Database(tmp_path / "b.sqlite3")
    cases = [
        (Decimal("1000"), "VIP", True, date(2026, 10, 1), None),
        (Decimal("1E+3"), "", False, date(1900, 1, 1), date(2199, 12, 31)),
        (Decimal("10.50"), "A", True, date(2026, 2, 28), date(2026, 3, 1)),
        (Decimal("0.05"), "", False, date(2026, 10, 9), date(2026, 10, 9)),
        (Decimal("-3.1"), "B", False, date(2000, 1, 2), None),
        (Decimal("1E-7"), "", True, date(2026, 12, 31), None),
        (Decimal("-0.00"), "", True, date(2026, 12, 31), None),
        (Decimal("123456789012.34"), "", True, date(2026, 12, 31), None),
    ]
    with db.session_scope(write=True) as s:
        initialise(s)
        agent = Agent(code="A1", name="甲", base_salary=Decimal(3000), hire_date=date(2020, 1, 1))
        s.add(agent)
        s.flush()
        for i, (premium, level, new, sign, cancel) in enumerate(cases):
            s.add(Policy(policy_no=f"ORM{i}", agent_id=agent.id, product_code="L10", premium=premium,
                         customer_level=level, new_customer=new, sign_date=sign, cancel_date=cancel))
        s.flush()
        insert_policies(s, (policy_values(SalesRow(f"RAW{i}", "A1", "L10", premium, level, new, sign, cancel),
                                          agent.id) for i, (premium, level, new, sign, cancel) in enumerate(cases)))
    for i in range(len(cases)):
        assert _stored(db, f"RAW{i}") == _stored(db, f"ORM{i}")
    with db.session_scope() as s:  # and read back through the model, the same values
        by_no = {p.policy_no: p for p in s.scalars(select(Policy))}
        for i in range(len(cases)):
            orm, raw = by_no[f"ORM{i}"], by_no[f"RAW{i}"]
            for column in ("agent_id", "product_code", "premium", "customer_level", "new_customer", "sign_date",
                           "cancel_date", "paid_amount", "paid_month", "clawed_month"):
                assert getattr(raw, column) == getattr(orm, column), column
                assert str(getattr(raw, column)) == str(getattr(orm, column)), column
    db.dispose()


N = 40_000  # more policy numbers than SQLite's 32,766 variables


def _sales_file(path: Path, *, cancel: bool) -> None:
    lines = ["policy_no,code,product,premium,customer_level,new_customer,sign_date,cancel_date"]
    for i in range(N):
        lines.append(f"P{i:06d},A{i % 3:03d},L10,{1000 + i % 500}.50,,否,2026-10-{1 + i % 28:02d},"
                     + (f"2026-11-{1 + i % 28:02d}" if cancel and i % 2 else ""))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_file_with_more_policies_than_sqlite_variables_imports_and_updates(tmp_path: Path) -> None:
    assert LOOKUP_CHUNK <= 32_766
    db = Database(tmp_path / "b.sqlite3")
    agents = tmp_path / "agents.csv"
    agents.write_text("code,name,base_salary,hire_date\n" + "".join(
        f"A{i:03d},坐席{i},3000,2020-01-01\n" for i in range(3)), encoding="utf-8")
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    _sales_file(first, cancel=False)
    _sales_file(second, cancel=True)
    with db.session_scope(write=True) as s:
        initialise(s)
        commit_import(s, "agents", agents)
    with db.session_scope(write=True) as s:
        added = commit_import(s, "sales", first)
    assert (added.adds, added.updates) == (N, 0)
    with db.session_scope(write=True) as s:  # every number is on file now: looked up in chunks
        assert len(stored_policies(s, [f"P{i:06d}" for i in range(N)] + ["nope"])) == N
        updated = commit_import(s, "sales", second)
    assert (updated.adds, updated.updates) == (0, N)
    with db.session_scope() as s:
        assert s.scalar(select(func.count()).select_from(Policy)) == N
        assert s.scalar(select(func.count()).select_from(Policy).where(Policy.cancel_date.is_not(None))) == N // 2
        p = s.scalar(select(Policy).where(Policy.policy_no == "P000001"))
        assert p is not None and p.cancel_date == date(2026, 11, 2) and p.premium == Decimal("1001.50")
        audits = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "policy.update"))
        assert audits == N // 2  # only the policies that changed
    db.dispose()


def test_a_month_paying_more_policies_than_sqlite_has_variables_locks(tmp_path: Path) -> None:
    """The lock writes every paid policy (here 33,000, past SQLite's 32,766 variables) through the driver,
    stored as the ORM stores the same columns."""
    from app.services.payroll import calculate_month, lock_month
    from app.services.sales import PolicyInput, edit_policy

    db = Database(tmp_path / "big.sqlite3")
    n = 33_000
    with db.session_scope(write=True) as s:
        initialise(s)
        agent = Agent(code="A1", name="甲", base_salary=Decimal(3000), hire_date=date(2020, 1, 1))
        s.add(agent)
        s.flush()
        insert_policies(s, (policy_values(SalesRow(f"P{i:06d}", "A1", "L10", Decimal(1000 + i % 7), "", False,
                                                   date(2026, 10, 1 + i % 28), None), agent.id) for i in range(n)))
    with db.session_scope(write=True) as s:
        calculate_month(s, "2026-10")
    with db.session_scope(write=True) as s:
        lock_month(s, "2026-10")
    with db.session_scope() as s:
        paid = s.scalar(select(func.count()).select_from(Policy).where(Policy.paid_month == "2026-10"))
        versions = set(s.scalars(select(Policy.version).distinct()))
    assert paid == n and versions == {2}
    with db.engine.connect() as conn:
        (kinds,) = conn.exec_driver_sql(
            "SELECT DISTINCT typeof(paid_amount) || typeof(changed_at) || typeof(version) FROM policies"
        ).one()
        locked_at = conn.exec_driver_sql("SELECT changed_at FROM policies WHERE policy_no = 'P000001'").scalar()
    assert kinds == "texttextinteger"
    # an ORM edit stamps the same text form of the time
    with db.session_scope(write=True) as s:
        s.add(Policy(policy_no="NEW1", agent_id=agent.id, product_code="L10", premium=Decimal(1),
                     customer_level="", new_customer=False, sign_date=date(2026, 11, 2)))
    with db.session_scope(write=True) as s:
        edit_policy(s, "NEW1", PolicyInput("NEW1", "A1", "L10", Decimal(2), date(2026, 11, 2)))
    with db.engine.connect() as conn:
        edited_at = conn.exec_driver_sql("SELECT changed_at FROM policies WHERE policy_no = 'NEW1'").scalar()
    assert len(str(locked_at)) == len(str(edited_at)) and str(locked_at)[10] == str(edited_at)[10]
