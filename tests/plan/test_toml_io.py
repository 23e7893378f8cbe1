"""Plan loading, validation with key paths, and the load/dump round trip."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.plan.model import Plan
from app.plan.toml_io import PlanError, default_plan, default_plan_text, dump_plan, load_plan

MINIMAL = """
name = "test"
effective_from = "2026-01"
[commission]
tiers = [ { from = 0, rate = 0.02 } ]
"""


def problems(text: str) -> list[str]:
    with pytest.raises(PlanError) as info:
        load_plan(text)
    return info.value.problems


def with_commission(tiers: str) -> str:
    return f'name = "t"\neffective_from = "2026-01"\n[commission]\ntiers = {tiers}\n'


def test_default_plan_is_the_rulebook_plan() -> None:
    plan = default_plan()
    assert plan.name == "客服提成方案 2026"
    assert plan.pay.calendar == "cn" and plan.pay.days_per_month == Decimal("21.75")
    assert plan.product("ACC1") is not None and plan.product("ACC1").factor == Decimal("0.1")  # type: ignore[union-attr]
    assert plan.product("nope") is None
    assert [t.rate for t in plan.commission.tiers] == [Decimal("0.02"), Decimal("0.03"), Decimal("0.045")]
    assert plan.commission.level_bonus_rate == {"VIP": Decimal("0.005"), "A": Decimal("0.002")}
    assert [b.min for b in plan.quality.bands] == [90, 80, 60, 0]
    assert [i.code for i in plan.kpi.indicators] == ["answer_rate", "satisfaction", "response_s", "qa"]
    assert plan.kpi.indicators[2].better == "lower" and plan.kpi.indicators[3].source == "qa"
    assert plan.attendance.cap == 500 and plan.complaints.cap == 600
    assert plan.limits.penalty_share == Decimal("0.2")
    assert "超额累进" in default_plan_text()  # shipped with Chinese comments


def test_default_plan_round_trip() -> None:
    plan = default_plan()
    text = dump_plan(plan)
    again = load_plan(text)
    assert again == plan
    assert dump_plan(again) == text


def test_minimal_plan_gets_documented_defaults_and_round_trips() -> None:
    plan = load_plan(MINIMAL)
    assert plan.commission.mode == "marginal"
    assert plan.leave_pay_ratio == {"personal": 0, "sick": Decimal("0.6"), "annual": 1, "other": 1}
    assert plan.quality.min_evaluations == 1 and plan.quality.no_data_coefficient == 1
    assert [g.grade for g in plan.quality.grades] == ["A", "B", "C", "D", "E"]
    assert plan.attendance.cap is None and plan.complaints.cap is None and plan.limits.penalty_share is None
    assert plan.attendance.full_attendance_breakers == ("personal", "sick")
    assert plan.awards.exclude_penalized is True
    assert load_plan(dump_plan(plan)) == plan


def test_rates_as_percentage_text_and_exact_decimals() -> None:
    plan = load_plan(with_commission('[ { from = 0, rate = "2.5%" }, { from = 1000, rate = 0.045 } ]'))
    assert plan.commission.tiers[0].rate == Decimal("0.025")
    assert plan.commission.tiers[1].rate == Decimal("0.045")
    assert isinstance(plan.commission.tiers[1].from_, Decimal)
    assert load_plan(dump_plan(plan)) == plan


def test_unknown_keys_name_their_path() -> None:
    text = MINIMAL.replace("[commission]", 'colour = 1\n[pay]\ncalender = "cn"\n[commission]\nextra = 2')
    found = problems(text)
    assert any(p.startswith("colour: unknown key") for p in found)
    assert any(p.startswith("pay.calender: unknown key") for p in found)
    assert any(p.startswith("commission.extra: unknown key") for p in found)


def test_unknown_key_inside_a_list_item() -> None:
    found = problems(with_commission("[ { from = 0, rate = 0.02, rat = 1 } ]"))
    assert found == ["commission.tiers[0].rat: unknown key (allowed here: from, rate)"]


def test_tiers_must_start_at_zero() -> None:
    found = problems(with_commission("[ { from = 100, rate = 0.02 } ]"))
    assert found == ["commission.tiers[0].from: the first tier must start at 0 (got 100)"]


def test_tiers_must_increase() -> None:
    found = problems(
        with_commission(
            "[ { from = 0, rate = 0.02 }, { from = 50000, rate = 0.03 }, { from = 50000, rate = 0.04 } ]"
        )
    )
    assert found == ["commission.tiers[2].from: must be greater than the previous tier (50000)"]


def test_negative_rate_and_amount() -> None:
    text = with_commission("[ { from = 0, rate = -0.02 } ]") + "new_customer_bonus = -5\n"
    found = problems(text)
    assert "commission.tiers[0].rate: must not be negative (got -0.02)" in found
    assert "commission.new_customer_bonus: must not be negative (got -5)" in found


def test_weight_zero_and_step_zero() -> None:
    text = MINIMAL + '[kpi]\nindicators = [ { code = "a", weight = 0, target = 1, step = 0 } ]\n'
    found = problems(text)
    assert "kpi.indicators[0].weight: must be greater than 0 (got 0)" in found
    assert "kpi.indicators[0].step: must be greater than 0 (got 0)" in found


def test_bands_without_min_zero() -> None:
    found = problems(MINIMAL + "[quality]\nbands = [ { min = 90, coefficient = 1.1 } ]\n")
    assert found == ["quality.bands: must include an entry with min = 0 (so every score has a value)"]


def test_bad_enum_values_duplicates_month_and_types() -> None:
    text = """
name = "x"
effective_from = "2026-13"
[pay]
calendar = "us"
days_per_month = "many"
[[products]]
code = "L10"
factor = 1
[[products]]
code = "L10"
factor = 1
[commission]
mode = "flat"
tiers = [ { from = 0, rate = 0.02 } ]
[kpi]
indicators = [
  { code = "a", weight = 1, target = 1, step = 1, better = "more", source = "crm" },
  { code = "a", weight = 1, target = 1, step = 1 },
]
[awards]
exclude_penalized = "yes"
"""
    found = problems(text)
    expected_starts = [
        "effective_from: must be a month written YYYY-MM",
        "pay.calendar: unknown value 'us'",
        "pay.days_per_month: must be a number",
        "products[1].code: duplicate product code 'L10'",
        "commission.mode: unknown value 'flat'",
        "kpi.indicators[0].better: unknown value 'more'",
        "kpi.indicators[0].source: unknown value 'crm'",
        "kpi.indicators[1].code: duplicate indicator code 'a'",
        "awards.exclude_penalized: must be true or false",
    ]
    for start in expected_starts:
        assert any(p.startswith(start) for p in found), (start, found)


def test_all_problems_are_collected_at_once() -> None:
    text = 'name = "x"\neffective_from = "26-1"\nfoo = 1\n[commission]\ntiers = [ { from = 5, rate = -1 } ]\n'
    err = pytest.raises(PlanError, load_plan, text).value
    assert len(err.problems) == 4
    assert isinstance(err, ValueError)


def test_missing_required_keys() -> None:
    found = problems("")
    assert "name: is required" in found
    assert "effective_from: is required" in found
    assert any(p.startswith("commission: is required") for p in found)


def test_not_toml() -> None:
    found = problems("name = ")
    assert found[0].startswith("not valid TOML")


def test_plan_is_a_value() -> None:
    a, b = default_plan(), default_plan()
    assert a == b and isinstance(a, Plan)
    assert a.products_by_code["L10"].name == "10年期年交寿险"
