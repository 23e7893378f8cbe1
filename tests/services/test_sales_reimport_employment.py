"""Re-importing head office's sales file: a cancel date for a policy already on file is never refused
because the agent has left since; a new policy outside the agent's employment still is."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.services.agents import deactivate_agent
from app.services.imports import commit_import, preview_import
from db.models import Policy
from tests.acceptance.conftest import EXAMPLE
from tests.reports.conftest import build_example


def test_a_cancel_date_for_a_stored_policy_imports_after_the_agent_left(tmp_path: Path) -> None:
    db = build_example(tmp_path / "db", calculate=False)
    with db.session_scope() as s:
        deactivate_agent(s, "A001", date(2026, 10, 20))  # P-1003 (signed 10-22) is already on file
    text = (EXAMPLE / "sales.csv").read_text(encoding="utf-8")
    cancelled = tmp_path / "sales-update.csv"
    cancelled.write_text(
        text.replace(
            "P-1003,A001,ACC1,2000,A,yes,2026-10-22,", "P-1003,A001,ACC1,2000,A,yes,2026-10-22,2026-11-05"
        ),
        encoding="utf-8",
    )
    with db.session_scope() as s:
        result = commit_import(s, "sales", cancelled)
    assert result.ok
    with db.session_scope() as s:
        policy = s.scalar(select(Policy).where(Policy.policy_no == "P-1003"))
        assert policy is not None and policy.cancel_date == date(2026, 11, 5)

    new = tmp_path / "sales-new.csv"  # a new policy signed after the leave date is still refused
    new.write_text(text.splitlines()[0] + "\nP-1004,A001,ACC1,2000,A,yes,2026-10-25,\n", encoding="utf-8")
    with db.session_scope() as s:
        refused = preview_import(s, "sales", new)
    assert not refused.ok
    assert [(p.row, "离职日期 2026-10-20" in p.reason) for p in refused.problems] == [(2, True)]
    db.dispose()
