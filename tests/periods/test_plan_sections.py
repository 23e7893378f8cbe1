"""[[targets]], [[period_awards]] and [team_award] in a schema-2 plan: loading, validation, round trip."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from app.plan.targets import PayoutBand, PeriodAward, Target, TeamAward
from app.plan.toml_io import PlanError, default_plan, dump_plan, load_plan
from tests.periods.scenario import SECTIONS, plan_text

CJK = re.compile(r"[\u4e00-\u9fff]")
AWARDS = """
[[period_awards]]
code = "y_top"
name = "年度优胜"
period = "year"
top_share = "10%"
amount = 3000
min_months = 6
exclude_penalized = false

[team_award]
amount = 500
"""


def _error(text: str) -> PlanError:
    with pytest.raises(PlanError) as info:
        load_plan(text)
    return info.value


def test_sections_load_and_round_trip() -> None:
    plan = load_plan(plan_text(SECTIONS + AWARDS))
    assert plan.schema == 2
    assert plan.targets[0] == Target("q_premium", "季度保费目标", "standard_premium", "quarter", Decimal(1000), (
        PayoutBand(Decimal("0.8"), Decimal("0.5")), PayoutBand(Decimal(1), Decimal(1)),
        PayoutBand(Decimal("1.2"), Decimal("1.2"))))
    assert [t.measure for t in plan.targets] == ["standard_premium", "policies", "answer_rate"]
    assert plan.period_awards == (PeriodAward("y_top", "年度优胜", "year", Decimal("0.10"), Decimal(3000), 6, False),)
    assert plan.team_award == TeamAward(Decimal(500), 3, True)
    assert load_plan(dump_plan(plan)) == plan


def test_rate_for_takes_the_greatest_band_at_or_below() -> None:
    target = load_plan(plan_text()).targets[0]
    assert [target.rate_for(Decimal(a)) for a in ("0.7999", "0.8", "1.1999", "1.2", "3")] == [
        Decimal(0), Decimal("0.5"), Decimal(1), Decimal("1.2"), Decimal("1.2")]


def test_a_schema_1_plan_is_unchanged_and_refuses_the_new_sections() -> None:
    plan = default_plan()
    assert (plan.targets, plan.period_awards, plan.team_award) == ((), (), None)
    assert "targets" not in dump_plan(plan) and "team_award" not in dump_plan(plan)
    err = _error(plan_text(AWARDS).replace("schema = 2", "schema = 1", 1))
    assert err.problems == [
        "period_awards: is only allowed in a plan with schema = 2 (add `schema = 2` at the top of the file)",
        "team_award: is only allowed in a plan with schema = 2 (add `schema = 2` at the top of the file)",
    ]
    assert all(CJK.search(p) for p in err.problems_zh)


BAD = """
[[targets]]
code = "t1"
measure = "premium"
period = "week"
bonus = -5
payout = [ { from = 1.2, rate = 1.2 }, { from = 1.0, rate = 1 } ]

[[targets]]
code = "t1"
measure = "policies"
period = "month"
payout = []

[[targets]]
code = "t3"
measure = "policies"
period = "month"

[[period_awards]]
code = "p1"
period = "month"
top_share = 0
amount = 100

[[period_awards]]
code = "p2"
period = "quarter"
top_share = 0.1
amount = 100
min_months = 4

[team_award]
amount = 100
min_members = 0
"""


def test_validation_names_each_key_path_in_both_languages() -> None:
    err = _error(plan_text(BAD))
    paths = [p.split(":")[0] for p in err.problems]
    assert paths == [
        "targets[0].measure", "targets[0].payout[1].from", "targets[0].period", "targets[0].bonus",
        "targets[1].code", "targets[1].payout", "targets[2].payout", "period_awards[0].period",
        "period_awards[0].top_share", "period_awards[1].min_months", "team_award.min_members",
    ]
    text = "\n".join(err.problems)
    assert "unknown measure 'premium' (expected standard_premium, policies or an indicator code" in text
    assert "answer_rate" in text and "'qa'" not in text  # a QA-sourced indicator is no metric
    assert "ascending order" in text
    assert "duplicate code 't1' (also targets[0])" in text
    assert "must be at most the 3 months of a quarter (got 4)" in text
    for en, zh in zip(err.problems, err.problems_zh, strict=True):
        assert en.split(":")[0] == zh.split(":")[0]
        assert CJK.search(zh), zh


def test_a_target_may_measure_an_indicator_of_a_scope_only() -> None:
    scope = """
[[scopes]]
code = "callback"
name = "电话回访岗"
roles = ["电话回访岗"]
[scopes.kpi]
indicators = [ { code = "calls", name = "接听量", weight = 1, kind = "relative" } ]
"""
    target = """
[[targets]]
code = "q_calls"
measure = "calls"
period = "quarter"
bonus = 100
payout = [ { from = 1, rate = 1 } ]
"""
    plan = load_plan(plan_text(scope + target))
    assert plan.targets[0].measure == "calls" and plan.scopes[0].code == "callback"
    err = _error(plan_text(scope + target.replace('"calls"', '"call"')))
    assert err.problems[0].startswith("targets[0].measure: unknown measure 'call'")
