"""The clawback queries of every calculation read only cancelled (or clawed-back) policies."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db.session import Database


def _plan(path: Path, sql: str) -> str:
    conn = sqlite3.connect(path)
    try:
        return " ".join(str(row[3]) for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
    finally:
        conn.close()


def test_cancelled_and_clawed_policies_are_found_through_their_partial_indexes(tmp_path: Path) -> None:
    db = Database(tmp_path / "b.sqlite3")
    db.dispose()
    path = tmp_path / "b.sqlite3"
    due = _plan(
        path,
        "SELECT id FROM policies WHERE cancel_date IS NOT NULL AND cancel_date <= '2026-11-30' "
        "AND paid_amount IS NOT NULL AND clawed_month IS NULL AND paid_month IN ('2026-10')",
    )
    assert "ix_policies_cancelled" in due and "SCAN policies" not in due
    clawed = _plan(path, "SELECT id FROM policies WHERE clawed_month = '2026-11'")
    assert "ix_policies_clawed" in clawed and "SCAN policies" not in clawed
