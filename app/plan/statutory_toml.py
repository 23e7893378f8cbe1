"""Reading and writing the plan's ``[statutory]`` section (docs/pay-rules.md §9.2–9.3).

Kept apart from :mod:`app.plan.toml_io` (which calls :func:`load_statutory` and
:func:`statutory_to_dict`) so that the section's rules live in one place. ``ck`` is toml_io's
problem collector: every problem is reported with its key path, in Chinese and English.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.money import fmt_num
from app.plan.statutory import ANNUAL_TAX_TABLE, HF_ROUNDINGS, SIItem, StatutoryConfig, TaxBracket

PATH = "statutory"
_KEYS = (
    "social_insurance",
    "si_base_floor",
    "si_base_ceiling",
    "housing_fund_rate",
    "hf_base_floor",
    "hf_base_ceiling",
    "hf_rounding",
    "income_tax",
    "basic_deduction",
    "tax_brackets",
)
_ONE = Decimal(1)


def load_statutory(ck: Any, raw: Any) -> StatutoryConfig | None:
    """The section, or ``None`` when the plan has none."""
    if raw is None:
        return None
    t = ck.table(raw, PATH, _KEYS)
    items = _items(ck, t.get("social_insurance", []))
    si_floor = ck.number(t, "si_base_floor", PATH, default=None)
    si_ceiling = ck.number(t, "si_base_ceiling", PATH, default=None)
    _floor_below_ceiling(ck, si_floor, si_ceiling, "si_base")
    hf_floor = ck.number(t, "hf_base_floor", PATH, default=None)
    hf_ceiling = ck.number(t, "hf_base_ceiling", PATH, default=None)
    _floor_below_ceiling(ck, hf_floor, hf_ceiling, "hf_base")
    brackets = _brackets(ck, t["tax_brackets"]) if "tax_brackets" in t else ANNUAL_TAX_TABLE
    return StatutoryConfig(
        social_insurance=items,
        si_base_floor=si_floor,
        si_base_ceiling=si_ceiling,
        housing_fund_rate=ck.number(t, "housing_fund_rate", PATH, default=Decimal(0), rate=True, max_value=_ONE),
        hf_base_floor=hf_floor,
        hf_base_ceiling=hf_ceiling,
        hf_rounding=ck.text(t, "hf_rounding", PATH, default="cent", choices=HF_ROUNDINGS),
        income_tax=ck.boolean(t, "income_tax", PATH, default=True),
        basic_deduction=ck.number(t, "basic_deduction", PATH, default=Decimal(5000)),
        tax_brackets=brackets,
    )


def _floor_below_ceiling(ck: Any, floor: Decimal | None, ceiling: Decimal | None, name: str) -> None:
    if isinstance(floor, Decimal) and isinstance(ceiling, Decimal) and floor > ceiling:
        ck.fail(
            f"{PATH}.{name}_ceiling",
            f"must not be below {name}_floor ({fmt_num(ceiling)} < {fmt_num(floor)})",
            f"不能低于 {name}_floor（{fmt_num(ceiling)} < {fmt_num(floor)}）",
        )


def _items(ck: Any, raw: Any) -> tuple[SIItem, ...]:
    items: list[SIItem] = []
    seen: set[str] = set()
    for i, entry in enumerate(ck.array(raw, f"{PATH}.social_insurance")):
        path = f"{PATH}.social_insurance[{i}]"
        t = ck.table(entry, path, ("code", "name", "rate", "fixed"))
        code = ck.text(t, "code", path)
        name = ck.text(t, "name", path, default=code if isinstance(code, str) else "")
        rate = ck.number(t, "rate", path, rate=True, max_value=_ONE)
        fixed = ck.number(t, "fixed", path, default=Decimal(0))
        if isinstance(code, str):
            if code in seen:
                ck.fail(f"{path}.code", f"duplicate item code {code!r}", f"险种代码 {code!r} 重复")
            seen.add(code)
        if isinstance(code, str) and isinstance(rate, Decimal) and isinstance(fixed, Decimal):
            items.append(SIItem(code=code, name=name if isinstance(name, str) else code, rate=rate, fixed=fixed))
    return tuple(items)


def _brackets(ck: Any, raw: Any) -> tuple[TaxBracket, ...]:
    path = f"{PATH}.tax_brackets"
    entries = ck.array(raw, path)
    if not entries and isinstance(raw, list):
        ck.fail(path, "must list at least one bracket", "至少需要一档税率")
    out: list[TaxBracket] = []
    previous: Decimal | None = None
    for i, entry in enumerate(entries):
        p = f"{path}[{i}]"
        last = i == len(entries) - 1
        t = ck.table(entry, p, ("up_to", "rate", "quick"))
        up_to = ck.number(t, "up_to", p, default=None, positive=True)
        rate = ck.number(t, "rate", p, rate=True, max_value=_ONE)
        quick = ck.number(t, "quick", p, default=Decimal(0))
        if last and up_to is not None:
            ck.fail(f"{p}.up_to", "the last bracket has no up_to (it covers everything above)",
                    "最后一档不写 up_to（它适用于以上全部）")
        if not last and "up_to" not in t:
            ck.fail(f"{p}.up_to", "is required (only the last bracket omits it)", "必须填写（只有最后一档省略）")
        if isinstance(up_to, Decimal):
            if previous is not None and up_to <= previous:
                ck.fail(f"{p}.up_to", f"must be above the previous bracket's {fmt_num(previous)}",
                        f"必须大于上一档的 {fmt_num(previous)}")
            previous = up_to
        if isinstance(rate, Decimal) and isinstance(quick, Decimal):
            out.append(TaxBracket(up_to=up_to if isinstance(up_to, Decimal) else None, rate=rate, quick=quick))
    return tuple(out)


def _num(value: Decimal) -> int | Decimal:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return value


def statutory_to_dict(cfg: StatutoryConfig) -> dict[str, Any]:
    """The section as TOML values (absent floors and ceilings are left out: TOML has no null)."""
    out: dict[str, Any] = {
        "social_insurance": [
            {"code": i.code, "name": i.name, "rate": _num(i.rate), "fixed": _num(i.fixed)}
            for i in cfg.social_insurance
        ],
        "housing_fund_rate": _num(cfg.housing_fund_rate),
        "hf_rounding": cfg.hf_rounding,
        "income_tax": cfg.income_tax,
        "basic_deduction": _num(cfg.basic_deduction),
    }
    for key in ("si_base_floor", "si_base_ceiling", "hf_base_floor", "hf_base_ceiling"):
        value = getattr(cfg, key)
        if value is not None:
            out[key] = _num(value)
    if cfg.tax_brackets != ANNUAL_TAX_TABLE:
        out["tax_brackets"] = [
            {**({"up_to": _num(b.up_to)} if b.up_to is not None else {}), "rate": _num(b.rate),
             "quick": _num(b.quick)}
            for b in cfg.tax_brackets
        ]
    return out
