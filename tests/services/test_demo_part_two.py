"""The demo branch shows part two (issues #14, #15): post scopes, product groups, targets, a quarterly
award computed from locked months, statutory lines with opening balances and special deductions, and
personal data that only ever shows its last 4 characters outside the agent form."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from app.cli import month_json
from app.personal import id_problem, mask
from app.services.demo import demo_months, fill_demo
from app.services.months import month_statuses
from app.services.payroll import show_month
from app.services.payroll_view import month_warnings
from app.services.plans import plan_for_month
from app.services.reports import export_summary
from db.models import Agent, AuditLog, TargetValue, TaxDeduction, TaxOpening
from db.session import Database

TODAY = date(2026, 10, 10)
MONTHS = demo_months(TODAY)  # 2026-07, 2026-08, 2026-09: the whole third quarter


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = Database(tmp_path_factory.mktemp("demo2") / "demo.sqlite3")
    with db.session_scope(write=True) as s:
        summary = fill_demo(s, today=TODAY)
    assert "2026-07、2026-08 已计算并锁定" in summary.zh
    yield db
    db.dispose()


def test_months_are_locked_in_order_and_the_last_is_calculated(demo: Database) -> None:
    with demo.session_scope() as s:
        assert month_statuses(s) == {MONTHS[0]: "locked", MONTHS[1]: "locked", MONTHS[2]: "calculated"}
        version, plan = plan_for_month(s, MONTHS[0])
        assert version.effective_from == MONTHS[0] and plan.schema == 2  # the default plan was replaced


def test_scopes_groups_and_kpi_kinds(demo: Database) -> None:
    with demo.session_scope() as s:
        _version, plan = plan_for_month(s, MONTHS[-1])
        result = show_month(s, MONTHS[-1])
    by_scope: dict[str | None, list[str]] = {}
    for a in result.agents:
        by_scope.setdefault(a.facts.scope, []).append(a.code)
    assert set(by_scope) == {"callback", "answer", "complaint_desk"}
    assert all(len(codes) >= 2 for codes in by_scope.values())
    assert {g.code for g in plan.commission.groups} == {"life", "accident"}
    kinds = {i.kind for s in plan.scopes if s.kpi is not None for i in s.kpi.indicators}
    assert kinds == {"linear", "relative", "bands", "count", "score"}
    commissions = [line.detail for a in result.agents for line in a.lines if line.code == "commission"]
    assert any("分组阶梯" in d and "寿险" in d for d in commissions)
    details = " ".join(d for a in result.agents for d in a.facts.indicator_details.values())
    assert "本组最高" in details  # a relative indicator against the best of the scope


def test_targets_pay_in_their_months_and_the_quarter_shows_the_three_months(demo: Database) -> None:
    with demo.session_scope() as s:
        periods = set(s.scalars(select(TargetValue.period)))
        results = {m: show_month(s, m) for m in MONTHS}
    assert periods == {*MONTHS, "2026-Q3"}
    for month in MONTHS:
        assert any(line.code == "target_bonus" for a in results[month].agents for line in a.lines), month
    quarter = [line.detail for a in results[MONTHS[-1]].agents for line in a.lines
               if line.code == "target_bonus" and "季度保费目标" in line.detail]
    assert quarter and all(d.startswith("季度保费目标 2026-Q3：") for d in quarter)
    awards = [(a.code, line) for a in results[MONTHS[-1]].agents for line in a.lines if line.code == "period_award"]
    assert awards
    for _code, line in awards:
        assert line.amount > 0 and "季度优胜 2026-Q3" in line.detail
        assert all(f"{m} K " in line.detail for m in MONTHS), line.detail  # every month and its K named
    for month in MONTHS[:-1]:
        assert not any(line.code == "period_award" for a in results[month].agents for line in a.lines)


def test_statutory_lines_openings_and_deductions(demo: Database) -> None:
    with demo.session_scope() as s:
        agents = {a.code: a for a in s.scalars(select(Agent))}
        openings = {o.agent_id: o for o in s.scalars(select(TaxOpening))}
        deductions = list(s.scalars(select(TaxDeduction)))
        results = {m: show_month(s, m) for m in MONTHS}
    for a in agents.values():
        assert a.id_number is not None and id_problem(a.id_number) is None and a.id_number.startswith("110101")
        assert a.bank_name and a.bank_account is not None and 12 <= len(a.bank_account) <= 30
    assert len({a.id_number for a in agents.values()}) == len(agents)
    assert not agents["A012"].statutory  # the intern
    assert agents["A002"].si_base is not None
    for month, result in results.items():
        codes = {line.code for a in result.agents for line in a.lines}
        assert {"social_insurance", "housing_fund", "income_tax"} <= codes, month
        intern = result.agent("A012")
        assert intern is not None and not {"social_insurance", "income_tax"} & {x.code for x in intern.lines}
    # the opening balance of the year runs through June; A004 was hired this year (two months)
    assert {o.through_month for o in openings.values()} == {6}
    assert openings[agents["A004"].id].months == 2
    assert all(o.months == 6 for aid, o in openings.items() if aid != agents["A004"].id)
    assert {d.month for d in deductions} == set(MONTHS) and len({d.agent_id for d in deductions}) >= 3
    si = [line.detail for a in results[MONTHS[0]].agents for line in a.lines if line.code == "social_insurance"]
    assert any(d.startswith("基数 4500.00（") for d in si)  # a base below the floor is raised to it
    assert any(d.startswith("养老保险 6000.00 × 8%") for d in si)  # an SI base of its own


def test_no_whole_id_number_or_account_outside_the_agent_form(demo: Database, tmp_path: Path) -> None:
    with demo.session_scope() as s:
        secrets = [v for a in s.scalars(select(Agent)) for v in (a.id_number, a.bank_account) if v]
        month = MONTHS[-1]
        result = show_month(s, month)
        view = json.dumps(month_json(result, "zh"), ensure_ascii=False)
        view += json.dumps(month_json(result, "en"), ensure_ascii=False)
        view += " ".join(w.zh + w.en for w in month_warnings(s, month, result))
        audit = " ".join(f"{e.before or ''} {e.after or ''}" for e in s.scalars(select(AuditLog)))
        export_summary(s, month, tmp_path / "summary.xlsx")
    book = openpyxl.load_workbook(tmp_path / "summary.xlsx", read_only=True)
    cells = " ".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
                     if v is not None)
    assert secrets
    for secret in secrets:
        for text in (view, audit, cells):
            assert secret not in text
            assert secret[-10:] not in text  # nor a long part of it
    assert mask(secrets[0]) in audit  # the audit log names them by their last 4


def test_the_demo_is_deterministic(demo: Database, tmp_path: Path) -> None:
    other = Database(tmp_path / "again.sqlite3")
    try:
        with other.session_scope(write=True) as s:
            fill_demo(s, today=TODAY)
        for month in MONTHS:
            with demo.session_scope() as s, other.session_scope() as t:
                first, second = show_month(s, month), show_month(t, month)
            assert [(a.code, a.net, [(x.code, x.amount) for x in a.lines]) for a in first.agents] == [
                (a.code, a.net, [(x.code, x.amount) for x in a.lines]) for a in second.agents]
    finally:
        other.dispose()


def test_a_quarter_that_began_before_the_demo_counts_only_the_months_it_has(tmp_path: Path) -> None:
    """Filled in December, the demo has September to November: the third quarter's award is paid in September
    from September alone (July and August are before the plan, the app kept no payroll then)."""
    today = date(2026, 12, 5)
    months = demo_months(today)
    db = Database(tmp_path / "dec.sqlite3")
    try:
        with db.session_scope(write=True) as s:
            fill_demo(s, today=today, agents=12)
            result = show_month(s, months[0])
        awards = [line.detail for a in result.agents for line in a.lines if line.code == "period_award"]
        assert awards and all("2026-Q3：2026-09 K " in d and "2026-08" not in d for d in awards)
    finally:
        db.dispose()
