"""KPI indicator kinds (docs/pay-rules.md §7.2) on the seeds' own examples."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from app.engine import compute_month
from app.engine.facts import AttendanceFact, ComplaintFact
from app.engine.kpi_kinds import measure
from app.engine.period import Period
from app.plan.model import Indicator
from app.plan.toml_io import load_plan

from .example_data import example_facts, load_example
from .factories import MONTH, PLAN, WORKDAYS, agent, lines, month

D = Decimal
PERIOD = Period.of(MONTH, WORKDAYS)


def indicator(toml: str) -> Indicator:
    plan = load_plan(
        'schema = 2\nname = "k"\neffective_from = "2026-01"\n[commission]\ntiers = [{from = 0, rate = 0}]\n'
        f'[[kpi.indicators]]\ncode = "x"\nname = "指标"\nweight = 1\n{toml}\n'
    )
    return plan.kpi.indicators[0]


def score(ind: Indicator, value: str | None = None, **kw: object) -> Decimal | None:
    metrics = {"x": D(value)} if value is not None else {}
    measured = measure(ind, agent(metrics=metrics, **kw), None, PERIOD, {})  # type: ignore[arg-type]
    return measured.score if measured is not None else None


SEED_8 = "target = 0.80\nstep = 0.02\nstep_up = 0.05\ndown = 2\nup = 2"


def test_seed_item_8_asymmetric_steps() -> None:
    ind = indicator(SEED_8)
    assert score(ind, "0.85") == 102  # +2 per 5% above
    assert score(ind, "0.8999") == 102  # only whole steps
    assert score(ind, "0.90") == 104
    assert score(ind, "0.80") == 100
    assert score(ind, "0.79") == 100  # −2 per 2% below: not a whole step yet
    assert score(ind, "0.78") == 98
    assert score(ind, "0.75") == 96


def test_linear_step_down_alone_and_lower_is_better() -> None:
    ind = indicator('target = 8\nstep = 1\nstep_down = 0.5\nbetter = "lower"\ndown = 1\nup = 1')
    assert score(ind, "7") == 101  # step_up defaults to step
    assert score(ind, "9") == 98  # 1 / 0.5 = 2 steps down


def test_seed_item_15_bands() -> None:
    ind = indicator('kind = "bands"\nbands = [{min=85,score=100},{min=60,score=95},{min=0,score=90}]')
    assert [score(ind, v) for v in ("100", "85", "84.99", "60", "59", "0")] == [100, 100, 95, 95, 90, 90]
    assert score(ind) is None  # no metric: left out


def test_seed_complaints_by_level_capped_at_30() -> None:
    ind = indicator(
        'kind = "count"\nsource = "complaints"\npoints_by_level = { hotline = -3, city = -5, province = -8 }\n'
        "max_down = 30"
    )
    one = (ComplaintFact(date(2026, 10, 5), "city"), ComplaintFact(date(2026, 10, 6), "hotline"))
    assert score(ind, complaints=one) == 92
    many = tuple(ComplaintFact(date(2026, 10, d), "province") for d in range(1, 6))  # 5 × −8 = −40
    assert score(ind, complaints=many) == 70
    pending = (ComplaintFact(date(2026, 10, 5), "city", "pending"),)
    assert score(ind, complaints=pending) == 100  # nothing upheld: exactly 100, not missing


def test_seed_absence_each_record_capped() -> None:
    ind = indicator('kind = "count"\nsource = "absence"\npoints = -5\nmax_down = 30')
    two = (
        AttendanceFact(date(2026, 10, 8), "absence", days=D(3)),  # one record, whatever its days
        AttendanceFact(date(2026, 10, 9), "absence", days=D("0.5")),
        AttendanceFact(date(2026, 10, 12), "late", minutes=5),
    )
    assert score(ind, attendance=two) == 90
    seven = tuple(AttendanceFact(date(2026, 10, d), "absence", days=D(1)) for d in range(8, 15))
    assert score(ind, attendance=seven) == 70  # −35 capped at −30
    assert score(ind) == 100
    # as for the absence deduction, a record outside employment is a slip and does not count
    assert score(ind, attendance=two, hire_date=date(2026, 10, 9)) == 95


def test_seed_report_errors_from_a_metric_and_a_bonus_count() -> None:
    errors = indicator('kind = "count"\nsource = "metric"\npoints = -2\nmax_down = 30')
    assert score(errors, "3") == 94
    assert score(errors, "20") == 70
    assert score(errors) == 100  # no metric row: never missing
    praise = indicator('kind = "count"\nsource = "metric"\npoints = 1\nmax_up = 5')
    assert score(praise, "8") == 105


def test_seed_item_17_direct_score_at_most_minus_20() -> None:
    ind = indicator('kind = "score"\nmax_down = 20')
    assert score(ind, "95") == 95
    assert score(ind, "60") == 80
    assert score(ind, "130") == 130  # no max_up: no upper limit
    assert score(ind) is None


def test_count_only_plan_is_always_measured() -> None:
    plan = load_plan(
        'schema = 2\nname = "k"\neffective_from = "2026-01"\n[commission]\ntiers = [{from = 0, rate = 0}]\n'
        '[kpi]\nbonus_per_point = 10\n[[kpi.indicators]]\ncode = "absence"\nweight = 1\nkind = "count"\n'
        'source = "absence"\npoints = -5\n'
    )
    pay = compute_month(plan, month(agent())).agents[0]
    assert pay.facts.kpi_measured is True and pay.facts.kpi_score == 100
    assert lines(pay)["kpi"] == D("200.00")  # (100 − 80) × 10


def test_the_part_one_plan_as_schema_2_pays_the_same() -> None:
    facts = example_facts(load_example("worked_example_2026_10.toml"))
    v2 = replace(PLAN, schema=2)
    one, two = compute_month(PLAN, facts), compute_month(v2, facts)
    assert [a.net for a in one.agents] == [a.net for a in two.agents]
    assert [[(x.code, x.amount) for x in a.lines] for a in one.agents] == [
        [(x.code, x.amount) for x in a.lines] for a in two.agents
    ]
    assert [a.facts.indicator_scores for a in one.agents] == [a.facts.indicator_scores for a in two.agents]
