"""Properties that must hold for any month, checked on generated facts (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine import compute_month
from app.engine.commission import tier_commission
from app.engine.facts import (
    AdjustmentFact,
    AgentMonth,
    AttendanceFact,
    ClawbackFact,
    ComplaintFact,
    PolicyFact,
    QAFact,
)
from app.engine.lines import LINE_ORDER
from app.plan.model import CommissionConfig, Tier

from .factories import PLAN, month

OCT_FIRST = date(2026, 10, 1)
PROPS = settings(max_examples=80, deadline=None)


def money(low: int = 0, high: int = 200_000) -> st.SearchStrategy[Decimal]:
    return st.integers(low * 100, high * 100).map(lambda cents: Decimal(cents) / 100)


def day_in(first: date, days: int) -> st.SearchStrategy[date]:
    return st.integers(0, days - 1).map(lambda i: first + timedelta(days=i))


october = day_in(OCT_FIRST, 31)
sep_oct = day_in(date(2026, 9, 1), 61)

attendance = st.builds(
    AttendanceFact,
    date=october,
    kind=st.sampled_from(
        ["late", "early_leave", "away", "swap", "absence", "personal", "sick", "annual", "other"]
    ),
    minutes=st.one_of(st.none(), st.integers(0, 300)),
    days=st.one_of(
        st.none(), st.sampled_from([Decimal("0.5"), Decimal(1), Decimal("1.5"), Decimal(3), Decimal(10)])
    ),
    count=st.integers(1, 3),
)


@st.composite
def policies(draw: st.DrawFn, prefix: str) -> tuple[PolicyFact, ...]:
    n = draw(st.integers(0, 6))
    out = []
    for i in range(n):
        sign = draw(sep_oct)
        cancel = draw(st.one_of(st.none(), st.just(sign + timedelta(days=3))))
        out.append(
            PolicyFact(
                policy_no=f"{prefix}-{i}",
                product_code=draw(st.sampled_from(["L10", "ACC1"])),
                premium=draw(money(0, 150_000)),
                customer_level=draw(st.sampled_from(["", "VIP", "A", "B"])),
                new_customer=draw(st.booleans()),
                sign_date=sign,
                cancel_date=cancel,
            )
        )
    return tuple(out)


@st.composite
def agents(draw: st.DrawFn, code: str = "G1") -> AgentMonth:
    hire = draw(day_in(date(2026, 9, 1), 61))
    leave = draw(st.one_of(st.none(), st.integers(0, 40).map(lambda d: hire + timedelta(days=d))))
    return AgentMonth(
        code=code,
        name=code,
        base_salary=draw(money(0, 20_000)),
        hire_date=hire,
        leave_date=leave,
        attendance=tuple(draw(st.lists(attendance, max_size=8))),
        policies=draw(policies(code)),
        qa=tuple(
            draw(
                st.lists(
                    st.builds(
                        QAFact,
                        date=october,
                        score=st.integers(0, 100).map(Decimal),
                        fatal=st.booleans(),
                        status=st.sampled_from(["valid", "valid", "overturned"]),
                    ),
                    max_size=4,
                )
            )
        ),
        metrics=draw(
            st.dictionaries(
                st.sampled_from(["answer_rate", "satisfaction", "response_s"]),
                st.integers(0, 1200).map(lambda v: Decimal(v) / 1000),
                max_size=3,
            )
        ),
        complaints=tuple(
            draw(
                st.lists(
                    st.builds(
                        ComplaintFact,
                        date=october,
                        level=st.sampled_from(["hotline", "city", "province"]),
                        status=st.sampled_from(["pending", "upheld", "overturned"]),
                    ),
                    max_size=3,
                )
            )
        ),
        praise_count=draw(st.integers(0, 3)),
        adjustments=tuple(
            draw(
                st.lists(
                    st.builds(
                        AdjustmentFact,
                        amount=money(-3000, 3000),
                        category=st.just("其他"),
                        reason=st.just("r"),
                    ),
                    max_size=2,
                )
            )
        ),
        clawbacks=tuple(
            draw(
                st.lists(
                    st.builds(
                        ClawbackFact,
                        policy_no=st.just("OLD"),
                        sign_month=st.just("2026-08"),
                        paid=money(0, 5000),
                    ),
                    max_size=3,
                )
            )
        ),
        carry_forward=draw(money(0, 2000)),
    )


@PROPS
@given(a=agents(), b=agents("G2"))
def test_totals_are_sums_of_lines_rounded_once(a: AgentMonth, b: AgentMonth) -> None:
    for pay in compute_month(PLAN, month(a, b)).agents:
        amounts = [line.amount for line in pay.lines]
        assert all(x.as_tuple().exponent == -2 for x in amounts)
        assert all(x != 0 for x in amounts)
        assert pay.gross == sum((x for x in amounts if x > 0), Decimal(0))
        assert pay.deductions == sum((x for x in amounts if x < 0), Decimal(0))
        assert pay.net == pay.gross + pay.deductions == sum(amounts, Decimal(0))
        assert pay.net >= 0  # a negative month is carried, never paid negative
        order = [LINE_ORDER[line.code] for line in pay.lines]
        assert order == sorted(order)


@PROPS
@given(a=agents())
def test_base_leave_absence_never_negative(a: AgentMonth) -> None:
    for pay in compute_month(PLAN, month(a)).agents:
        part = sum(
            (line.amount for line in pay.lines if line.code in ("base", "leave", "absence")), Decimal(0)
        )
        assert part >= 0


@st.composite
def increasing_tiers(draw: st.DrawFn) -> tuple[Tier, ...]:
    starts = sorted(set(draw(st.lists(money(1, 300_000), min_size=0, max_size=4))))
    rates = sorted(draw(st.lists(st.integers(0, 100), min_size=len(starts) + 1, max_size=len(starts) + 1)))
    return tuple(
        Tier(from_, Decimal(r) / 1000) for from_, r in zip([Decimal(0), *starts], rates, strict=True)
    )


@PROPS
@given(tiers=increasing_tiers(), s=money(0, 500_000))
def test_marginal_never_exceeds_whole_for_increasing_rates(tiers: tuple[Tier, ...], s: Decimal) -> None:
    marginal, _ = tier_commission(CommissionConfig(tiers=tiers, mode="marginal"), s)
    whole, _ = tier_commission(CommissionConfig(tiers=tiers, mode="whole"), s)
    assert marginal <= whole


@PROPS
@given(a=agents(), premium=money(1, 200_000), sign=october, new=st.booleans())
def test_policy_signed_and_cancelled_in_month_pays_nothing(
    a: AgentMonth, premium: Decimal, sign: date, new: bool
) -> None:
    cancelled = PolicyFact("CXL", "L10", premium, "VIP", new, sign, sign)
    with_it = compute_month(PLAN, month(replace(a, policies=(*a.policies, cancelled))))
    without = compute_month(PLAN, month(a))
    assert with_it == without


@PROPS
@given(a=agents())
def test_clawback_line_is_minus_the_sum_paid(a: AgentMonth) -> None:
    for pay in compute_month(PLAN, month(a)).agents:
        claw = [line.amount for line in pay.lines if line.code == "clawback"]
        total = sum((c.paid for c in a.clawbacks), Decimal(0))
        assert claw == ([-total] if total else [])


@PROPS
@given(a=agents())
def test_policy_paid_covers_exactly_the_counted_policies(a: AgentMonth) -> None:
    for pay in compute_month(PLAN, month(a)).agents:
        counted = {
            p.policy_no
            for p in a.policies
            if p.cancel_date is None and p.sign_date.strftime("%Y-%m") == "2026-10"
        }
        assert set(pay.policy_paid) == counted
        assert all(v >= 0 and v.as_tuple().exponent == -2 for v in pay.policy_paid.values())
