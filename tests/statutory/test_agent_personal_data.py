"""§9.1: ID number and bank account rules, the agents import's extra columns, masking in the audit log."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.personal import account_problem, id_check_char, id_problem, mask
from app.services.agents import AgentInput, add_agent, edit_agent
from app.services.errors import ValidationFailed
from app.services.imports import ImportRefused, commit_import
from db.models import Agent, AuditLog
from db.session import Database

GOOD_ID = "11010519491231002X"  # GB 11643's own example
GOOD_ID_2 = "310115198511204566"
ACCOUNT = "6222 0202 0001 2345 678"


def test_check_character_is_iso_7064_mod_11_2() -> None:
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("31011519851120456") == "6"
    assert id_problem(GOOD_ID) is None
    assert id_problem(GOOD_ID.lower()) is None  # a lower-case x is the same number


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("11010519491231002", "18"),  # 17 characters
        ("110105194912310021", "校验位"),  # wrong check character
        ("110105194902300023", "出生日期"),  # 30 February
        ("1101051949123100AX", "17"),
    ],
)
def test_bad_id_numbers_are_refused_without_showing_the_number(text: str, words: str) -> None:
    problem = id_problem(text)
    assert problem is not None
    assert words in problem[0]
    assert text not in problem[0] and text not in problem[1]
    assert text[:14] not in problem[0] + problem[1]


def test_bank_account_is_12_to_30_digits_spaces_ignored() -> None:
    assert account_problem(ACCOUNT) is None
    assert account_problem("12345678901") is not None
    assert account_problem("1" * 31) is not None
    assert account_problem("6222-0202-0001") is not None


def test_mask_shows_the_last_four_characters_only() -> None:
    assert mask(GOOD_ID) == "****002X"
    assert mask(None) == ""
    assert mask("") == ""


def _agents_csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "agents.csv"
    path.write_text(
        "工号,姓名,底薪,入职日期,身份证号,开户行,银行账号,社保基数,公积金基数,代扣社保个税\n" + body, encoding="utf-8"
    )
    return path


def test_agents_import_writes_the_extra_columns(example: Database, tmp_path: Path) -> None:
    path = _agents_csv(
        tmp_path,
        f"A001,张三,4000,2025-03-01,{GOOD_ID},工商银行,{ACCOUNT},5000,6000,是\n"
        f"B001,新人,3000,2026-10-01,{GOOD_ID_2},,,,,否\n",
    )
    with example.session_scope() as s:
        commit_import(s, "agents", path)
    with example.session_scope() as s:
        a001 = s.scalar(select(Agent).where(Agent.code == "A001"))
        b001 = s.scalar(select(Agent).where(Agent.code == "B001"))
        assert a001 is not None and b001 is not None
        assert (a001.id_number, a001.bank_name, a001.bank_account) == (GOOD_ID, "工商银行", "6222020200012345678")
        assert (a001.si_base, a001.hf_base, a001.statutory) == (Decimal(5000), Decimal(6000), True)
        assert (b001.id_number, b001.bank_account, b001.si_base, b001.statutory) == (GOOD_ID_2, None, None, False)
        log = " ".join(f"{r.before} {r.after}" for r in s.scalars(select(AuditLog)))
        assert "6222020200012345678" not in log and GOOD_ID not in log
        assert "****5678" in log


def test_an_empty_extra_cell_keeps_the_stored_value(example: Database, tmp_path: Path) -> None:
    with example.session_scope() as s:
        commit_import(s, "agents", _agents_csv(tmp_path, f"A001,张三,4000,2025-03-01,{GOOD_ID},,,,,\n"))
        commit_import(s, "agents", _agents_csv(tmp_path, "A001,张三,4000,2025-03-01,,,,,,\n"))
        a001 = s.scalar(select(Agent).where(Agent.code == "A001"))
        assert a001 is not None and a001.id_number == GOOD_ID and a001.statutory


def test_a_wrong_check_character_names_row_and_column_never_the_number(example: Database, tmp_path: Path) -> None:
    bad = GOOD_ID[:17] + "1"
    path = _agents_csv(tmp_path, f"A001,张三,4000,2025-03-01,{GOOD_ID},,,,,\nA002,李四,4000,2026-10-16,{bad},,123,,,\n")
    with example.session_scope() as s, pytest.raises(ImportRefused) as caught:
        commit_import(s, "agents", path)
    problems = caught.value.result.problems
    assert [(p.row, p.column) for p in problems] == [(3, "身份证号"), (3, "银行账号")]
    text = " ".join(p.message("zh") + p.message("en") for p in problems)
    assert "校验位" in text and bad not in text and bad[:14] not in text
    with example.session_scope() as s:  # nothing written
        assert s.scalar(select(Agent.id_number).where(Agent.code == "A001")) is None


def test_agent_service_validates_and_masks_the_audit_log(example: Database) -> None:
    data = AgentInput(code="C001", name="王五", base_salary=Decimal(4000), hire_date=date(2026, 1, 1),
                      id_number=GOOD_ID[:17] + "5")
    with example.session_scope() as s, pytest.raises(ValidationFailed) as caught:
        add_agent(s, data)
    assert any("身份证号" in m for m in caught.value.problems)
    good = AgentInput(code="C001", name="王五", base_salary=Decimal(4000), hire_date=date(2026, 1, 1),
                      id_number=GOOD_ID.lower(), bank_account=ACCOUNT, si_base=Decimal("4462.50"))
    with example.session_scope() as s:
        view = add_agent(s, good)
        assert view.id_number == GOOD_ID and view.bank_account == "6222020200012345678"
        edit_agent(s, "C001", good)
        log = " ".join(f"{r.before} {r.after}" for r in s.scalars(select(AuditLog)))
        assert GOOD_ID not in log and "6222020200012345678" not in log and "****002X" in log
