"""Every error message stays readable however big the file: a reason is one line, a problem list
shows at most LIST_LIMIT problems and says how many more there are (issue #13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import cli
from app.importers.problems import LINE_LIMIT, LIST_LIMIT, capped, one_line
from app.services.imports import preview_import
from app.services.setup import initialise
from db.session import Database


def test_one_line_flattens_and_cuts() -> None:
    huge = "too many SQL variables [SQL: INSERT ... " + "?, " * 350_000 + "]\nsecond line"
    text = one_line(huge)
    assert "\n" not in text and len(text) == LINE_LIMIT and text.endswith("…")
    assert one_line("a\n  b\tc") == "a b c"
    assert capped(["x"] * 3, "en") == ["x"] * 3
    lines = capped([f"row {i}" for i in range(LIST_LIMIT + 50)], "en")
    assert len(lines) == LIST_LIMIT + 1 and lines[-1].startswith("… and 50 more")
    assert "另有 50 个问题" in capped(["x"] * (LIST_LIMIT + 50), "zh")[-1]


def test_the_command_line_prints_one_reason_line_and_a_capped_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "b.sqlite3"
    db = Database(db_path)
    with db.session_scope(write=True) as s:
        initialise(s)
    db.dispose()
    bad = tmp_path / "sales.csv"  # 1,000 rows, each naming an unknown agent
    bad.write_text("policy_no,code,product,premium,sign_date\n" + "".join(
        f"P{i},NOPE{i},L10,100,2026-10-01\n" for i in range(1000)), encoding="utf-8")
    assert cli.main(["--db", str(db_path), "--lang", "en", "import", "sales", str(bad)]) == cli.EXIT_FAILURE
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("sales.csv: 1000 problem(s) found, nothing was imported.")
    assert len(err) == 1 + LIST_LIMIT + 1
    assert err[-1].startswith("… and 800 more not listed")
    with Database(db_path).session_scope() as s:  # the full list is still there for the caller
        assert len(preview_import(s, "sales", bad).problems) == 1000


def test_a_huge_unexpected_reason_is_one_short_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli._fail("first line\n" + "x" * 1_000_000, ["a\nb"] * (LIST_LIMIT + 1)) == cli.EXIT_FAILURE
    err = capsys.readouterr().err.splitlines()
    assert len(err[0]) == LINE_LIMIT and err[0].startswith("first line xxx")
    assert err[1] == "a b" and len(err) == 1 + LIST_LIMIT + 1
