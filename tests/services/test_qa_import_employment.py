"""A 质检 import obeys the same employment rule as the manual form: a row dated before the agent's
hire date or after the leave date is refused, with a problem naming file, row and date column, and
nothing at all is written. Real files through the real import into a real SQLite database."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services.agents import AgentInput, add_agent
from app.services.errors import ValidationFailed
from app.services.imports import ImportRefused, commit_import, preview_import
from app.services.quality import add_evaluation, list_scorecards
from app.services.setup import initialise
from db.models import QAEvaluation
from db.session import Database
from tests.db_fingerprint import fingerprint

HEADER_ZH = ["工号", "日期", "评分表", "得分", "致命", "状态", "质检员", "备注"]
HEADER_EN = ["code", "date", "scorecard", "score", "fatal", "status", "evaluator", "note"]
TABLES = ("agents", "qa_evaluations", "qa_item_scores", "audit_log")


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "qa-import.sqlite3"
    db = Database(path)
    with db.session_scope() as s:
        initialise(s)
        add_agent(s, AgentInput("A001", "张三", Decimal("4000"), date(2025, 1, 1)))
        add_agent(s, AgentInput("A002", "李四", Decimal("3800"), date(2026, 3, 16)))  # joins mid-month
        add_agent(
            s, AgentInput("A003", "王五", Decimal("3600"), date(2024, 1, 1), leave_date=date(2026, 3, 5))
        )
    db.dispose()
    yield path


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database(db_path)
    yield database
    database.dispose()


def write_qa(path: Path, rows: list[list[str]], header: list[str] = HEADER_ZH) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def row(code: str, day: str, score: str = "90") -> list[str]:
    return [code, day, "电话接听岗", score, "否", "有效", "质检员甲", ""]


def test_rows_outside_employment_are_refused_and_nothing_is_written(
    tmp_path: Path, db_path: Path, db: Database
) -> None:
    file = write_qa(
        tmp_path / "qa.csv",
        [
            row("A001", "2026-03-10"),  # row 2: fine
            row("A002", "2026-03-10"),  # row 3: before A002's hire date 2026-03-16
            row("A003", "2026-03-20"),  # row 4: after A003's leave date 2026-03-05
            row("A002", "2026-03-16"),  # row 5: the hire date itself counts
            row("A003", "2026-03-05"),  # row 6: the leave date itself counts
        ],
    )
    before = fingerprint(db_path, TABLES)
    with pytest.raises(ImportRefused) as refused, db.session_scope() as s:
        commit_import(s, "qa", file)
    problems = refused.value.result.problems
    assert [(p.file, p.row, p.column, p.column_alt) for p in problems] == [
        ("qa.csv", 3, "日期", "date"),
        ("qa.csv", 4, "日期", "date"),
    ]
    assert all(p.is_error for p in problems)
    assert problems[0].message("zh") == (
        "qa.csv 第3行 日期(date): 日期 2026-03-10 早于 A002 的入职日期 2026-03-16"
        "（在职期间 2026-03-16 – 至今） — 请检查日期和工号：记录的日期必须在该员工的在职期间内"
    )
    assert problems[1].message("en") == (
        "qa.csv row 4, 日期 (date): 2026-03-20 is after the leave date 2026-03-05 of A003 "
        "(employed 2024-01-01 – 2026-03-05) — check the date and the agent code: the date must "
        "fall within the agent's employment"
    )
    assert "2 个问题" in refused.value.message and "nothing was imported" in refused.value.message_en
    db.dispose()
    assert fingerprint(db_path, TABLES) == before  # all or nothing: not even row 2 was written


def test_the_import_and_the_manual_form_agree(tmp_path: Path, db: Database) -> None:
    """The date the form refuses is the date the import refuses, and the one it accepts imports."""
    with db.session_scope() as s:
        jt = next(c for c in list_scorecards(s) if c.code == "JT")
        with pytest.raises(ValidationFailed):
            add_evaluation(s, "A002", date(2026, 3, 15), jt.id, score=Decimal(90))
        result = preview_import(s, "qa", write_qa(tmp_path / "a.csv", [row("A002", "2026-03-15")]))
        assert [p.row for p in result.problems] == [2] and not result.ok

    good = write_qa(tmp_path / "b.csv", [row("A002", "2026-03-16"), row("A003", "2026-03-05")])
    with db.session_scope() as s:
        result = commit_import(s, "qa", good)
    assert result.problems == [] and len(result.rows) == 2
    with db.session_scope() as s:
        assert s.scalar(select(func.count(QAEvaluation.id))) == 2


def test_english_headers_and_all_problems_listed_together_in_row_order(tmp_path: Path, db: Database) -> None:
    """The employment check does not wait for the other problems to be fixed first."""
    file = write_qa(
        tmp_path / "qa-en.csv",
        [
            row("A003", "2026-04-01"),  # row 2: after leave
            row("A001", "2026-03-10", score="120"),  # row 3: the parser's own problem
            row("A002", "2026-01-31"),  # row 4: before hire
        ],
        header=HEADER_EN,
    )
    with db.session_scope() as s:
        result = preview_import(s, "qa", file)
    assert [(p.row, p.column, p.column_alt) for p in result.problems] == [
        (2, "date", "日期"),  # the file's own header first
        (3, "score", "得分"),
        (4, "date", "日期"),
    ]
    assert "2026-04-01" in result.problems[0].message("en") and "leave date" in result.problems[0].message(
        "en"
    )
    assert "入职日期" in result.problems[2].message("zh")
    with db.session_scope() as s:
        assert s.scalar(select(func.count(QAEvaluation.id))) == 0
