"""Payslip passwords are 8–32 printable ASCII characters (0x21–0x7E) wherever a new one is set:
adding or editing an agent and importing agents. Passwords already stored are left alone."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.importers.templates import write_template
from app.services.agents import (
    PAYSLIP_PASSWORD_RULE,
    AgentInput,
    add_agent,
    edit_agent,
    payslip_password_problem,
    validate,
)
from app.services.errors import ValidationFailed
from app.services.imports import ImportRefused, commit_import
from app.services.setup import initialise
from db.models import Agent, AuditLog
from db.session import Database

NEW = AgentInput("C001", "孙七", Decimal("4000"), date(2025, 1, 1))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "pw.sqlite3")
    with database.session_scope() as s:
        initialise(s)
        add_agent(
            s, AgentInput("A001", "张三", Decimal("4000"), date(2025, 1, 1), payslip_password="zs-100101")
        )
    yield database
    database.dispose()


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session_scope() as s:
        yield s


def stored(session: Session, code: str) -> str | None:
    return session.scalar(select(Agent.payslip_password).where(Agent.code == code))


@pytest.mark.parametrize("password", ["12345678", "Ab1!Cd2@", "zs-100101", "~!@#$%^&*()_+{}|:<>?", "x" * 32])
def test_printable_ascii_of_8_to_32_is_accepted(password: str) -> None:
    assert payslip_password_problem(password) is None
    assert validate(replace(NEW, payslip_password=password)) == ([], [])


@pytest.mark.parametrize(
    ("password", "zh", "en"),
    [
        ("密码1234", "不能含有：“密”、“码”", "not: “密”, “码”"),
        ("ab cd123", "不能含有：空格", "not: space"),
        ("１２３４", "不能含有：“１”", "“１”"),  # full-width digits from a Chinese input method
        ("tab\there", "U+0009", "U+0009"),
        ("café1234", "“é”", "“é”"),
        ("abc", "8–32 位（现为 3 位）", "8–32 characters (it has 3)"),
        ("123456", "8–32 位（现为 6 位）", "8–32 characters (it has 6)"),  # what the demo used to make
        ("zs-1001", "8–32 位（现为 7 位）", "8–32 characters (it has 7)"),
        ("x" * 33, "8–32 位（现为 33 位）", "8–32 characters (it has 33)"),
    ],
)
def test_other_passwords_are_refused_with_a_bilingual_reason(password: str, zh: str, en: str) -> None:
    problem = payslip_password_problem(password)
    assert problem is not None
    assert problem[0].startswith("工资条密码") and zh in problem[0]
    assert problem[1].startswith("payslip password") and en in problem[1]
    assert validate(replace(NEW, payslip_password=password)) == ([problem[0]], [problem[1]])


def test_add_agent_refuses_a_non_ascii_password_and_writes_nothing(session: Session) -> None:
    with pytest.raises(ValidationFailed) as refused:
        add_agent(session, replace(NEW, payslip_password="工资条密码"))
    assert "工资条密码只能用英文字母、数字和英文符号" in refused.value.text("zh")
    assert "payslip password may use only" in refused.value.text("en")
    assert session.scalar(select(Agent.id).where(Agent.code == "C001")) is None
    add_agent(session, replace(NEW, payslip_password="Sun7-2025"))
    assert stored(session, "C001") == "Sun7-2025"


def test_edit_agent_refuses_a_bad_new_password_and_keeps_the_stored_one(session: Session) -> None:
    current = AgentInput("A001", "张三", Decimal("4000"), date(2025, 1, 1))
    with pytest.raises(ValidationFailed):
        edit_agent(session, "A001", replace(current, name="张三丰", payslip_password="12 34"))
    assert stored(session, "A001") == "zs-100101"
    assert session.scalar(select(Agent.name).where(Agent.code == "A001")) == "张三"
    edit_agent(session, "A001", replace(current, payslip_password="new-pw-2026"))
    assert stored(session, "A001") == "new-pw-2026"


def test_a_stored_password_from_before_the_rule_is_not_touched(session: Session) -> None:
    """Editing other fields (password left empty) works for an agent whose old password breaks the rule."""
    session.execute(update(Agent).where(Agent.code == "A001").values(payslip_password="旧密码"))
    current = AgentInput("A001", "张三", Decimal("4000"), date(2025, 1, 1))
    with pytest.raises(ValidationFailed):  # the same password would not be accepted as a new one
        edit_agent(session, "A001", replace(current, payslip_password="旧密码"))
    view = edit_agent(session, "A001", replace(current, team="一组", payslip_password=None))
    assert view.team == "一组" and view.has_payslip_password
    assert stored(session, "A001") == "旧密码"


def write_agents(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["工号", "姓名", "岗位", "团队", "底薪", "入职日期", "离职日期", "工资条密码"])
        writer.writerows(rows)
    return path


def test_agent_import_refuses_a_bad_password_and_writes_nothing(tmp_path: Path, db: Database) -> None:
    file = write_agents(
        tmp_path / "agents.csv",
        [
            ["A001", "张三", "", "", "4000", "2025-01-01", "", "中文密码"],  # row 2: update, bad password
            ["C001", "孙七", "", "", "4200", "2025-02-01", "", "ok-pass1"],  # row 3: fine, 8 characters
            ["C002", "周八", "", "", "4200", "2025-02-01", "", "1234567"],  # row 4: 7 characters, too short
            ["C003", "吴九", "", "", "4200", "2025-02-01", "", ""],  # row 5: no password is fine
        ],
    )
    with db.session_scope() as s:
        audits = len(list(s.scalars(select(AuditLog.id))))
    with pytest.raises(ImportRefused) as refused, db.session_scope() as s:
        commit_import(s, "agents", file)
    problems = refused.value.result.problems
    assert [(p.file, p.row, p.column, p.column_alt) for p in problems] == [
        ("agents.csv", 2, "工资条密码", "payslip_password"),
        ("agents.csv", 4, "工资条密码", "payslip_password"),
    ]
    assert problems[0].message("zh") == (
        "agents.csv 第2行 工资条密码(payslip_password): 工资条密码只能用英文字母、数字和英文符号，"
        "不能含有：“中”、“密”、“文”、“码” — 请改正或留空（工资条密码须为 8–32 位英文字母、数字或英文符号，"
        "不能有空格或中文）"
    )
    assert problems[1].message("en") == (
        "agents.csv row 4, 工资条密码 (payslip_password): payslip password must be 8–32 characters (it has 7) "
        "— correct it or leave it empty (a payslip password is 8–32 English letters, digits or ASCII symbols; "
        "no spaces or Chinese characters)"
    )
    with db.session_scope() as s:
        assert stored(s, "A001") == "zs-100101"
        assert sorted(s.scalars(select(Agent.code))) == ["A001"]
        assert len(list(s.scalars(select(AuditLog.id)))) == audits

    fixed = write_agents(
        tmp_path / "agents.csv",
        [
            ["A001", "张三", "", "", "4000", "2025-01-01", "", "Zs#2026!"],
            ["C001", "孙七", "", "", "4200", "2025-02-01", "", "ok-pass1"],
            ["C002", "周八", "", "", "4200", "2025-02-01", "", "12345678"],
            ["C003", "吴九", "", "", "4200", "2025-02-01", "", ""],
        ],
    )
    with db.session_scope() as s:
        commit_import(s, "agents", fixed)
    with db.session_scope() as s:
        assert [stored(s, c) for c in ("A001", "C001", "C002", "C003")] == [
            "Zs#2026!",
            "ok-pass1",
            "12345678",
            None,
        ]


def test_reimporting_the_roster_keeps_a_password_stored_before_the_rule(tmp_path: Path, db: Database) -> None:
    """Head office's roster repeats each agent's password: an old one, unchanged, is not refused."""
    with db.session_scope() as s:
        s.execute(update(Agent).where(Agent.code == "A001").values(payslip_password="旧密码"))
    same = write_agents(
        tmp_path / "same.csv", [["A001", "张三", "", "一组", "4000", "2025-01-01", "", "旧密码"]]
    )
    with db.session_scope() as s:
        result = commit_import(s, "agents", same)
    assert result.ok
    with db.session_scope() as s:
        assert stored(s, "A001") == "旧密码"
        agent = s.scalar(select(Agent).where(Agent.code == "A001"))
        assert agent is not None and agent.team == "一组"  # the rest of the row was imported
    changed = write_agents(
        tmp_path / "changed.csv", [["A001", "张三", "", "", "4000", "2025-01-01", "", "新密码"]]
    )
    with pytest.raises(ImportRefused), db.session_scope() as s:
        commit_import(s, "agents", changed)  # a new password must follow the rule
    with db.session_scope() as s:
        assert stored(s, "A001") == "旧密码"


def test_reimporting_keeps_a_short_password_stored_before_the_8_character_minimum(
    tmp_path: Path, db: Database
) -> None:
    """A 6-digit password (the old minimum allowed it) repeated unchanged is kept; a new 6-digit one is not."""
    with db.session_scope() as s:
        s.execute(update(Agent).where(Agent.code == "A001").values(payslip_password="123456"))
    same = write_agents(tmp_path / "same.csv", [["A001", "张三", "", "二组", "4000", "2025-01-01", "", "123456"]])
    with db.session_scope() as s:
        assert commit_import(s, "agents", same).ok
    with db.session_scope() as s:
        assert stored(s, "A001") == "123456"
    changed = write_agents(
        tmp_path / "changed.csv", [["A001", "张三", "", "", "4000", "2025-01-01", "", "654321"]]
    )
    with pytest.raises(ImportRefused) as refused, db.session_scope() as s:
        commit_import(s, "agents", changed)
    [problem] = refused.value.result.problems
    assert (problem.row, problem.column) == (2, "工资条密码")
    assert "8–32 位（现为 6 位）" in problem.message("zh")
    with db.session_scope() as s:
        assert stored(s, "A001") == "123456"


@pytest.mark.parametrize(("lang", "rule"), [("zh", PAYSLIP_PASSWORD_RULE[0]), ("en", PAYSLIP_PASSWORD_RULE[1])])
def test_the_agents_template_states_the_password_rule(tmp_path: Path, lang: str, rule: str) -> None:
    """Whoever fills in the import template reads the same rule the import enforces."""
    path = tmp_path / f"agents-{lang}.xlsx"
    write_template("agents", path, lang=lang)
    help_sheet = openpyxl.load_workbook(path).worksheets[1]
    rows = {row[1]: row[3] for row in help_sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert rule in rows["payslip_password" if lang == "zh" else "工资条密码"]
