"""The plan's [statutory] section: loaded with defaults, validated with key paths, written back unchanged;
a plan without it has no statutory settings at all."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.plan.statutory import ANNUAL_TAX_TABLE, TaxBracket
from app.plan.toml_io import PlanError, default_plan_text, dump_plan, load_plan

SECTION = """
[statutory]
social_insurance = [ { code = "pension", name = "养老保险", rate = 0.08 },
                     { code = "medical", name = "医疗保险", rate = 0.02, fixed = 3 },
                     { code = "unemployment", name = "失业保险", rate = "0.5%" } ]
si_base_floor = 4462
si_base_ceiling = 22311
housing_fund_rate = 0.07
hf_base_floor = 2490
hf_base_ceiling = 34188
hf_rounding = "yuan"
income_tax = true
basic_deduction = 5000
"""


def v2() -> str:
    return default_plan_text().replace("schema = 1", "schema = 2", 1)


def plan_with(section: str):  # type: ignore[no-untyped-def]
    return load_plan(v2() + section)


def test_a_plan_without_the_section_has_no_statutory_settings() -> None:
    plan = load_plan(default_plan_text())
    assert plan.statutory is None
    assert "statutory" not in dump_plan(plan)


def test_a_schema_1_plan_cannot_have_the_section() -> None:
    with pytest.raises(PlanError) as caught:
        load_plan(default_plan_text() + SECTION)
    assert any(p.startswith("statutory") and "schema = 2" in p for p in caught.value.problems)


def test_section_is_read_and_round_trips() -> None:
    plan = plan_with(SECTION)
    cfg = plan.statutory
    assert cfg is not None
    assert [(i.code, i.rate, i.fixed) for i in cfg.social_insurance] == [
        ("pension", Decimal("0.08"), Decimal(0)),
        ("medical", Decimal("0.02"), Decimal(3)),
        ("unemployment", Decimal("0.005"), Decimal(0)),
    ]
    assert (cfg.si_base_floor, cfg.si_base_ceiling, cfg.hf_rounding) == (Decimal(4462), Decimal(22311), "yuan")
    assert cfg.tax_brackets == ANNUAL_TAX_TABLE
    assert load_plan(dump_plan(plan)) == plan


def test_defaults_of_an_empty_section() -> None:
    cfg = plan_with("\n[statutory]\n").statutory
    assert cfg is not None
    assert cfg.social_insurance == () and cfg.si_base_floor is None and cfg.hf_rounding == "cent"
    assert cfg.income_tax is True and cfg.basic_deduction == Decimal(5000)


def test_tax_brackets_override() -> None:
    plan = plan_with(
        '\n[statutory]\ntax_brackets = [ { up_to = 10000, rate = 0.05, quick = 0 }, { rate = 0.2, quick = 1500 } ]\n'
    )
    assert plan.statutory is not None
    assert plan.statutory.tax_brackets == (
        TaxBracket(Decimal(10000), Decimal("0.05"), Decimal(0)),
        TaxBracket(None, Decimal("0.2"), Decimal(1500)),
    )
    assert load_plan(dump_plan(plan)) == plan


@pytest.mark.parametrize(
    ("section", "path"),
    [
        ('social_insurance = [ { code = "p", rate = 1.5 } ]', "statutory.social_insurance[0].rate"),
        ('social_insurance = [ { code = "p", rate = 0.1 }, { code = "p", rate = 0.1 } ]',
         "statutory.social_insurance[1].code"),
        ("si_base_floor = 5000\nsi_base_ceiling = 4000", "statutory.si_base_ceiling"),
        ('hf_rounding = "jiao"', "statutory.hf_rounding"),
        ("housing_fund_rate = -0.1", "statutory.housing_fund_rate"),
        ("tax_brackets = [ { up_to = 100, rate = 0.1 }, { up_to = 50, rate = 0.2 }, { rate = 0.3 } ]",
         "statutory.tax_brackets[1].up_to"),
        ("tax_brackets = [ { up_to = 100, rate = 0.1 } ]", "statutory.tax_brackets[0].up_to"),
        ("tax_brackets = [ { rate = 0.1 }, { rate = 0.2 } ]", "statutory.tax_brackets[0].up_to"),
        ("bonus = 1", "statutory.bonus"),
    ],
)
def test_bad_sections_name_the_key(section: str, path: str) -> None:
    with pytest.raises(PlanError) as caught:
        plan_with("\n[statutory]\n" + section + "\n")
    assert any(p.startswith(path) for p in caught.value.problems), caught.value.problems
    assert len(caught.value.problems_zh) == len(caught.value.problems)
