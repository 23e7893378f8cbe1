"""The example plans of ``resources/plans/`` (app/plan/examples.py): each loads, survives a write and a read,
and computes the worked example's month through the command line; the 18-item plan scores its items as the
call-centre KPI rules say."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.plan.examples import EXAMPLE_PLANS, example_plan
from app.plan.toml_io import dump_plan, load_plan
from app.resources import resource_path
from tests.acceptance.conftest import Cli


def test_the_examples_are_the_shipped_files_and_load() -> None:
    # The demo branch's own plan (app/services/demo.py) lives beside them but is not offered as a start.
    shipped = sorted(p.name for p in resource_path("plans").glob("*.toml") if p.name != "demo_branch.toml")
    assert sorted(e.file for e in EXAMPLE_PLANS) == shipped
    for example in EXAMPLE_PLANS:
        plan = example.plan()
        assert plan.schema == 2 and load_plan(dump_plan(plan)) == plan, example.file
        assert example.title.zh and example.title.en and example.summary.zh and example.summary.en
    with pytest.raises(KeyError):
        example_plan("nope.toml")


def test_the_18_item_plan_has_every_item_of_the_rules() -> None:
    kpi = example_plan("call_centre_18.toml").plan().kpi
    assert len(kpi.indicators) == 18 and sum(i.weight for i in kpi.indicators) == 100
    kinds = {i.code: i.kind for i in kpi.indicators}
    assert kinds["calls"] == "relative" and kinds["execution"] == "score"
    assert {c for c, k in kinds.items() if k == "count"} == {"complaints", "report_errors", "suggestions", "absence"}
    assert {c for c, k in kinds.items() if k == "bands"} == {"training", "exam", "marketing"}
    assert (kpi.standard, kpi.bonus_from, kpi.bonus_per_point, kpi.deduction_per_point) == (80, 90, 50, 50)


# The worked example's month (docs/pay-rules.md §6) with a value for every imported item of the 18.
METRICS = """code,month,indicator,value
A001,2026-10,calls,1500
A002,2026-10,calls,600
A003,2026-10,calls,1200
A001,2026-10,rating_sample,65%
A001,2026-10,valid_rating,25%
A001,2026-10,repair_callback,100%
A001,2026-10,repair_callback_ok,91%
A001,2026-10,qa_done,93.5%
A001,2026-10,complaint_on_time,97%
A001,2026-10,report_errors,16
A001,2026-10,suggestions,7
A001,2026-10,training,65%
A001,2026-10,exam,59
A001,2026-10,execution,75
A001,2026-10,marketing,59%
A003,2026-10,execution,96
"""


@pytest.mark.parametrize("file", [e.file for e in EXAMPLE_PLANS])
def test_each_example_computes_the_worked_example_month(example_db: Cli, tmp_path: Path, file: str) -> None:
    example_db("plan", "import", resource_path(f"plans/{file}"))
    if file == "call_centre_18.toml":
        (tmp_path / "metrics.csv").write_text(METRICS, encoding="utf-8")
        example_db("import", "metrics", tmp_path / "metrics.csv")
    example_db("payroll", "run", "--month", "2026-10")
    data = example_db("payroll", "show", "--month", "2026-10", "--json").json()
    assert data["plan"]["name"] == example_plan(file).plan().name
    agents = {a["code"]: a for a in data["agents"]}
    assert set(agents) == {"A001", "A002", "A003"}
    for agent in agents.values():
        assert agent["facts"]["kpi_measured"] and agent["lines"]
    if file == "posts_schema2.toml":
        assert {c: a["scope"] for c, a in agents.items()} == {"A001": "answer", "A002": "callback", "A003": "complaint_desk"}
        return
    scores = agents["A001"]["facts"]["indicator_scores"]
    assert len(scores) == 18
    assert scores == {
        "calls": "100.00",  # the month's best: 1500
        "answer_rate": "101",  # 96.2%: one full 1% above 95%
        "rating_sample": "104",  # 65%: two full 2% above 60%
        "valid_rating": "98",  # 25%: two full 2% below 30%, −1 each
        "satisfaction": "100",  # 97.5%: not a full 1% below 98%
        "response_s": "102",  # 7 s: one second faster than 8
        "repair_callback": "101",  # 100%: +1, and no more
        "repair_callback_ok": "104",  # 91%: two full 5% above 80%
        "complaints": "100",
        "qa_done": "96",  # 93.5%: two full 1% below 96%, −2 each
        "complaint_on_time": "104",  # 97%: two full 1% above 95%, +2 each
        "report_errors": "70",  # 16 × −2 = −32, at most −30
        "suggestions": "110",  # 7 × +2 = 14, at most +10
        "training": "90",  # 65%: below 70%
        "exam": "90",  # 59: below 60
        "absence": "100",
        "execution": "80",  # 75, never below 100 − 20
        "marketing": "80",  # 59%: below 60% loses 20
    }
    assert agents["A002"]["facts"]["indicator_scores"]["calls"] == "40.00"  # 100 × 600 / 1500
    assert agents["A003"]["facts"]["indicator_scores"]["execution"] == "96"
    assert agents["A003"]["facts"]["indicator_scores"]["complaints"] == "95"  # one upheld city complaint
    assert agents["A003"]["facts"]["indicator_scores"]["absence"] == "95"  # one absence record
