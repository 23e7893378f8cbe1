"""The demo branch's payslip passwords follow the rule a real password must (8+ characters)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.services.agents import PAYSLIP_PASSWORD_MIN, payslip_password_problem
from app.services.demo import fill_demo
from db.models import Agent
from db.session import Database

TODAY = date(2026, 11, 15)


def _passwords(folder: Path) -> dict[str, str | None]:
    db = Database(folder / "demo.sqlite3")
    try:
        with db.session_scope() as s:
            fill_demo(s, today=TODAY, agents=12)
        with db.session_scope() as s:
            return {code: pw for code, pw in s.execute(select(Agent.code, Agent.payslip_password))}
    finally:
        db.dispose()


def test_demo_passwords_are_at_least_8_characters_and_follow_the_rule(tmp_path: Path) -> None:
    passwords = _passwords(tmp_path / "a")
    assert len(passwords) == 12
    for code, password in passwords.items():
        assert password is not None and len(password) >= PAYSLIP_PASSWORD_MIN == 8, code
        assert payslip_password_problem(password) is None, code
    assert len(set(passwords.values())) == len(passwords)  # each agent has her own
    assert _passwords(tmp_path / "b") == passwords  # deterministic, like the rest of the demo
