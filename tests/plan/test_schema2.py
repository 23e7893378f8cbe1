"""Plan ``schema = 2`` (docs/pay-rules.md §7): loading, validation with key paths, and the round trip."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.plan.model import CommissionGroup, ScoreBand
from app.plan.toml_io import PlanError, default_plan, dump_plan, load_plan

HEAD = 'schema = 2\nname = "二版"\neffective_from = "2026-01"\n'
COMMISSION = "[commission]\ntiers = [ { from = 0, rate = 0.02 } ]\n"

FULL = (
    HEAD
    + """products = [ { code = "L10", factor = 1, group = "life" }, { code = "ACC1", factor = 0.1 } ]
[commission]
tiers = [ { from = 0, rate = 0.02 } ]
[[commission.groups]]
code = "life"
name = "寿险"
tiers = [ { from = 0, rate = 0.03 }, { from = 10000, rate = 0.05 } ]
[kpi]
[[kpi.indicators]]
code = "answer"
weight = 1
kind = "relative"
[[kpi.indicators]]
code = "exam"
weight = 1
kind = "bands"
bands = [{min=60,score=95},{min=85,score=100},{min=0,score=90}]
[[kpi.indicators]]
code = "complaints"
weight = 1
kind = "count"
source = "complaints"
points_by_level = { hotline = -3, city = -5, province = -8 }
max_down = 30
[[kpi.indicators]]
code = "rate"
weight = 1
target = 0.8
step = 0.02
step_up = 0.05
down = 2
up = 2
[[kpi.indicators]]
code = "exec"
kind = "score"
weight = 1
max_down = 20
[awards]
within_scope = true
[[scopes]]
code = "callback"
name = "电话回访岗"
roles = ["电话回访岗"]
agents = ["A9"]
[scopes.kpi]
standard = 70
[[scopes.kpi.indicators]]
code = "errors"
weight = 1
kind = "count"
source = "metric"
points = -2
max_down = 30
[[scopes]]
code = "answer"
teams = ["一组"]
[scopes.commission]
mode = "whole"
tiers = [ { from = 0, rate = 0.01 } ]
[scopes.quality]
bands = [ { min = 0, coefficient = 1 } ]
"""
)


def problems(text: str) -> list[str]:
    with pytest.raises(PlanError) as info:
        load_plan(text)
    return info.value.problems


def problems_zh(text: str) -> list[str]:
    with pytest.raises(PlanError) as info:
        load_plan(text)
    return info.value.problems_zh


def test_a_schema_2_plan_loads_every_section() -> None:
    plan = load_plan(FULL)
    assert plan.schema == 2
    assert [p.group for p in plan.products] == ["life", "default"]
    assert plan.commission.groups[0] == CommissionGroup(
        "life", "寿险", (plan.commission.groups[0].tiers[0], plan.commission.groups[0].tiers[1]), "marginal"
    )
    assert [t.rate for t in plan.commission.groups[0].tiers] == [Decimal("0.03"), Decimal("0.05")]
    kinds = {i.code: i for i in plan.kpi.indicators}
    assert [i.kind for i in plan.kpi.indicators] == ["relative", "bands", "count", "linear", "score"]
    assert kinds["exam"].bands == (  # highest min first, whatever the file's order
        ScoreBand(Decimal(85), Decimal(100)),
        ScoreBand(Decimal(60), Decimal(95)),
        ScoreBand(Decimal(0), Decimal(90)),
    )
    assert kinds["complaints"].points_by_level == {"hotline": -3, "city": -5, "province": -8}
    assert kinds["rate"].step_up == Decimal("0.05") and kinds["rate"].step_down is None
    assert kinds["exec"].max_down == 20 and kinds["exec"].max_up is None
    assert plan.awards.within_scope is True
    callback, answer = plan.scopes
    assert (callback.code, callback.name, callback.roles, callback.agents) == (
        "callback",
        "电话回访岗",
        ("电话回访岗",),
        ("A9",),
    )
    assert callback.commission is None and callback.quality is None
    assert callback.kpi is not None and callback.kpi.standard == 70
    assert callback.kpi.indicators[0].points == -2
    assert answer.name == "answer" and answer.teams == ("一组",)
    assert answer.commission is not None and answer.commission.mode == "whole"
    assert answer.quality is not None and answer.kpi is None


def test_scope_matching_is_first_in_file_order() -> None:
    plan = load_plan(FULL)
    assert plan.scope_for("a9").code == "callback"  # type: ignore[union-attr]  # codes ignore case
    assert plan.scope_for("B1", role="电话回访岗", team="一组").code == "callback"  # type: ignore[union-attr]
    assert plan.scope_for("B1", role="", team="一组").code == "answer"  # type: ignore[union-attr]
    assert plan.scope_for("B1", role="坐席", team="二组") is None


def test_a_schema_2_plan_round_trips() -> None:
    plan = load_plan(FULL)
    text = dump_plan(plan)
    again = load_plan(text)
    assert again == plan
    assert dump_plan(again) == text


def test_schema_1_dump_is_unchanged_by_schema_2() -> None:
    text = dump_plan(default_plan())
    for key in ("group", "kind", "within_scope", "scopes"):
        assert key not in text


def test_schema_2_keys_in_a_schema_1_plan_say_what_to_do() -> None:
    text = FULL.replace("schema = 2", "schema = 1")
    found = problems(text)
    assert (
        "products[0].group: is only allowed in a plan with schema = 2 (add `schema = 2` at the top of the file)"
        in found
    )
    for path in ("commission.groups", "kpi.indicators[0].kind", "awards.within_scope", "scopes"):
        assert any(p.startswith(f"{path}: is only allowed") for p in found), path
    assert any(p.startswith("scopes: 仅在 schema = 2") for p in problems_zh(text))


def test_an_unknown_schema_is_refused() -> None:
    assert problems(FULL.replace("schema = 2", "schema = 3"))[0].startswith(
        "schema: unsupported schema version 3"
    )


def test_a_scope_code_used_twice_is_refused() -> None:
    text = (
        HEAD + COMMISSION + '[[scopes]]\ncode = "a"\nroles = ["x"]\n[[scopes]]\ncode = "a"\nteams = ["y"]\n'
    )
    assert problems(text) == [
        "scopes[1].code: duplicate scope code 'a' (also scopes[0]): give each scope its own code"
    ]


def test_a_scope_that_lists_nobody_is_refused() -> None:
    text = HEAD + COMMISSION + '[[scopes]]\ncode = "a"\nroles = []\n'
    assert problems(text) == [
        "scopes[0]: matches nobody: list agent codes in agents, roles in roles or teams in teams"
    ]


def test_scope_tables_are_checked_with_their_own_paths() -> None:
    text = (
        HEAD
        + COMMISSION
        + '[[scopes]]\ncode = "a"\nroles = ["x", ""]\n[scopes.commission]\ntiers = [ { from = 5, rate = 0.01 } ]\n'
        + "[scopes.quality]\nbands = [ { min = 60, coefficient = 1 } ]\n"
        + '[scopes.kpi]\nindicators = [ { code = "k", weight = 1, kind = "bands", bands = [ { min = 10, score = 1 } ] } ]\n'
    )
    assert [p.split(":")[0] for p in problems(text)] == [
        "scopes[0].roles[1]",
        "scopes[0].commission.tiers[0].from",
        "scopes[0].quality.bands",
        "scopes[0].kpi.indicators[0].bands",
    ]


def test_indicator_kind_problems_name_the_key() -> None:
    text = (
        HEAD
        + COMMISSION
        + """[kpi]
indicators = [
  { code = "a", weight = 1, kind = "stars" },
  { code = "b", weight = 1, kind = "bands", target = 1, bands = [ { min = 1, score = 100 } ] },
  { code = "c", weight = 1, kind = "count" },
  { code = "d", weight = 1, kind = "count", source = "complaints", points = -3 },
  { code = "e", weight = 1, kind = "count", source = "absence", points_by_level = { city = -5 } },
  { code = "f", weight = 1, kind = "relative", source = "complaints" },
  { code = "g", weight = 1, kind = "bands" },
  { code = "h", weight = 1, target = 1, step = 1, step_up = 0 },
]
"""
    )
    found = problems(text)
    assert found[0].startswith(
        "kpi.indicators[0].kind: unknown value 'stars' (expected one of: linear, relative"
    )
    assert 'kpi.indicators[1].target: does not apply to kind "bands"' in found[1]
    assert (
        found[2] == "kpi.indicators[1].bands: must include a band with min = 0 (so every value has a score)"
    )
    assert found[3].startswith("kpi.indicators[2].source: is required for a count indicator")
    assert found[4].startswith("kpi.indicators[2].points: is required")
    assert found[5].startswith("kpi.indicators[3].points: does not apply to source complaints")
    assert found[6].startswith("kpi.indicators[3].points_by_level: is required for source complaints")
    assert found[7].startswith("kpi.indicators[4].points_by_level: only applies to source complaints")
    assert found[8].startswith("kpi.indicators[4].points: is required")
    assert found[9].startswith("kpi.indicators[5].source: unknown value 'complaints'")
    assert found[10].startswith("kpi.indicators[6].bands: is required for a bands indicator")
    assert found[11] == "kpi.indicators[7].step_up: must be greater than 0 (got 0)"
    assert len(found) == 12


def test_group_problems_name_the_key() -> None:
    text = (
        HEAD
        + """[commission]
tiers = [ { from = 0, rate = 0.02 } ]
groups = [ { code = "g", tiers = [ { from = 0, rate = 0.1 }, { from = 0, rate = 0.2 } ] }, { code = "g", tiers = [] }, { name = "x" } ]
"""
    )
    found = problems(text)
    assert found == [
        "commission.groups[0].tiers[1].from: must be greater than the previous tier (0)",
        "commission.groups[1].code: duplicate group code 'g' (also commission.groups[0]): give each group one entry",
        "commission.groups[1].tiers: needs at least one tier starting at 0",
        "commission.groups[2].code: is required",
        "commission.groups[2].tiers: is required",
    ]
