"""Random files through the real import into a real database: either every row is written or,
when the file is refused, the database is exactly as before — never an exception, never half."""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.importers import COLUMNS, KINDS
from app.services.agents import AgentInput, add_agent
from app.services.imports import ImportRefused, commit_import
from app.services.plans import save_plan
from app.services.setup import initialise
from db.session import Database
from tests.db_fingerprint import fingerprint
from tests.periods.scenario import plan_text

TABLES = ("agents", "attendance", "qa_evaluations", "policies", "complaints", "praise", "kpi_metrics",
          "adjustments", "targets", "audit_log", "tax_deductions", "tax_openings")

cell = st.one_of(
    st.just(""),
    st.text(max_size=8),
    st.sampled_from(["A001", "A002", "A999", "L10", "ACC1", "X9", "2026-10-12", "2026-10-03", "2026-02-30",
                     "2026-10", "2026-13", "1200", "-5", "0", "95%", "abc", "迟到", "late", "事假", "旷工", "是",
                     "否", "市级", "成立", "有效", "撤销", "answer_rate", "satisfaction", "0.5", "30", "=1+1", "2026-Q4",
                     "m_policies", "q_premium"]),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("fuzz") / "template.sqlite3"
    db = Database(path)
    from datetime import date
    from decimal import Decimal

    with db.session_scope() as s:
        initialise(s)
        add_agent(s, AgentInput(code="A001", name="甲", base_salary=Decimal(4000), hire_date=date(2025, 1, 1)))
        add_agent(s, AgentInput(code="A002", name="乙", base_salary=Decimal(3500), hire_date=date(2026, 10, 16)))
        save_plan(s, plan_text(effective_from="2026-02"))  # schema 2 with targets, for the targets kind
    db.dispose()
    yield path


def _valid(kind: str, i: int) -> dict[str, str]:
    """Row ``i`` of a file that imports cleanly; the test then spoils some cells at random."""
    day = f"2026-10-{12 + i % 10:02d}"
    return {
        "agents": {"code": f"B{i}", "name": f"新人{i}", "role": "电话接听岗", "team": "一组", "base_salary": "3000",
                   "hire_date": "2026-01-05", "leave_date": "", "payslip_password": "", "id_number": "",
                   "bank_name": "", "bank_account": "", "si_base": "", "hf_base": "", "statutory": ""},
        "attendance": {"code": "A001", "date": day, "type": "late", "minutes": "5", "days": "", "note": ""},
        "qa": {"code": "A001", "date": day, "scorecard": "电话接听岗", "score": "90", "fatal": "否", "status": "有效",
               "evaluator": "质检员", "note": ""},
        "sales": {"policy_no": f"P{i}", "code": "A001", "product": "L10", "premium": "1000", "customer_level": "VIP",
                  "new_customer": "是", "sign_date": day, "cancel_date": ""},
        "complaints": {"code": "A001", "date": day, "level": "city", "status": "upheld", "description": "x"},
        "praise": {"code": "A001", "date": day, "description": "好"},
        "metrics": {"code": ("A001", "A002")[i % 2], "month": "2026-10",
                    "indicator": ("answer_rate", "satisfaction", "response_s")[i // 2 % 3], "value": "95%"},
        "adjustments": {"code": "A001", "month": "2026-10", "amount": "100", "category": "补发", "reason": "补发"},
        "appeals": {"code": "A001", "record": "complaint", "record_date": day, "indicator": "", "filed": day,
                    "reason": "不认可", "override_reason": ""},
        "deductions": {"code": ("A001", "A002")[i % 2], "month": f"2026-{1 + i // 2:02d}", "children_education": "1000",
                       "continuing_education": "", "housing_loan_interest": "", "housing_rent": "", "elderly_care": "",
                       "infant_care": "", "other": ""},
        "tax_opening": {"code": ("A001", "A002")[i % 2], "year": str(2020 + i // 2), "through_month": "9",
                        "months": "9", "income": "72000", "si_hf": "7200", "special": "", "other": "",
                        "tax_withheld": "294"},
        "targets": {"code": "A001", "target": "m_policies", "period": f"2026-{3 + i:02d}", "value": "3", "bonus": ""},
    }[kind]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), n=st.integers(min_value=0, max_value=6), chinese=st.booleans(),
       data=st.data())
def test_random_rows_are_all_written_or_nothing_is(template: Path, kind: str, n: int, chinese: bool,
                                                    data: st.DataObject) -> None:
    columns = data.draw(st.permutations(list(COLUMNS[kind])))
    rows = []
    for i in range(n):
        row = _valid(kind, i)
        for key in data.draw(st.lists(st.sampled_from([c.key for c in columns]), max_size=2)):
            row[key] = data.draw(cell)  # spoil (or, by chance, keep) a few cells
        rows.append(row)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "db.sqlite3"
        shutil.copy(template, db_path)
        before = fingerprint(db_path, TABLES)
        file = Path(tmp) / f"{kind}.csv"
        with file.open("w", encoding="gb18030" if chinese else "utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([c.zh if chinese else c.en for c in columns])
            for row in rows:
                writer.writerow([row[c.key] for c in columns])
        db = Database(db_path)
        refused = False
        try:
            with db.session_scope() as s:
                result = commit_import(s, kind, file)
        except ImportRefused as exc:
            refused = True
            assert exc.result.problems
            assert all(p.message("zh") and p.message("en") for p in exc.result.problems)
        finally:
            db.dispose()
        after = fingerprint(db_path, TABLES)
        event(f"{'refused' if refused else 'written'}")
        if refused:
            assert after == before
        else:
            assert len(result.rows) == n
            assert after["audit_log"] != before["audit_log"]
            table = {"qa": "qa_evaluations", "sales": "policies", "metrics": "kpi_metrics",
                     "deductions": "tax_deductions", "tax_opening": "tax_openings"}.get(kind, kind)
            assert after[table] != before[table]
