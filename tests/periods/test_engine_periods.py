"""target_bonus, period_award and team_award (docs/pay-rules.md §8), to the cent, from hand-computed figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from app.engine.compute import compute_month
from app.engine.facts import AgentMonth, ComplaintFact, MonthFacts, PayLine, QAFact
from app.engine.limits import penalty_relief
from app.engine.lines import LINE_CODES, make_line
from app.engine.period_facts import AgentPeriodFacts, EarlierMonth, PeriodFacts, PeriodPolicy, TargetFact
from app.plan.model import Indicator, KpiConfig, LimitsConfig
from app.plan.targets import PayoutBand, PeriodAward, Target, TeamAward
from tests.engine.factories import SOLO, agent, policy

D = Decimal
DEC = "2026-12"
DEC_DAYS = tuple(d for d in (date(2026, 12, 1) + timedelta(days=i) for i in range(31)) if d.weekday() < 5)

Q_PREMIUM = Target("q_premium", "季度保费目标", "standard_premium", "quarter", D(1000),
                   (PayoutBand(D("0.8"), D("0.5")), PayoutBand(D(1), D(1)), PayoutBand(D("1.2"), D("1.2"))))
M_POLICIES = Target("m_policies", "月度件数目标", "policies", "month", D(200), (PayoutBand(D(1), D(1)),))
Q_ANSWER = Target("q_answer", "季度接通率目标", "answer_rate", "quarter", D(300), (PayoutBand(D(1), D(1)),))
TARGETS_PLAN = replace(SOLO, schema=2, targets=(Q_PREMIUM, M_POLICIES, Q_ANSWER))

# One indicator "k" scored 100 ± 1 per whole point and no KPI money: K is the metric value itself.
K_PLAN = replace(SOLO, schema=2, kpi=KpiConfig(indicators=(Indicator("k", "k", D(1), D(100), D(1)),)))


def december(*agents: AgentMonth) -> MonthFacts:
    return MonthFacts(month=DEC, workdays=DEC_DAYS, agents=agents)


def by_code(pay: object, code: str) -> list[PayLine]:
    found = next(a for a in pay.agents if a.code == code)  # type: ignore[attr-defined]
    return list(found.lines)


def of(pay: object, code: str, line_code: str) -> list[PayLine]:
    return [line for line in by_code(pay, code) if line.code == line_code]


def test_new_codes_sit_in_the_rulebook_order() -> None:
    codes = list(LINE_CODES)
    assert codes[codes.index("kpi") + 1] == "target_bonus"
    assert codes[codes.index("top_award") + 1:codes.index("praise")] == ["period_award", "team_award"]


def test_quarterly_standard_premium_target_pays_by_attainment_band() -> None:
    # Σ std in Q4, not cancelled by 2026-12-31: 40000 + 7000 + 50000 + 4560 × 0.1 + 26000 = 123456
    earlier = (
        policy("S-0930", "99999", sign=date(2026, 9, 30)),                          # before the quarter
        policy("O-1", "40000", sign=date(2026, 10, 9)),
        policy("O-2", "7000", sign=date(2026, 10, 20), cancel=date(2027, 1, 5)),     # cancelled after Dec: counts
        policy("N-1", "50000", sign=date(2026, 11, 3)),
        policy("N-2", "4560", product="ACC1", sign=date(2026, 11, 4)),
        policy("N-3", "10000", sign=date(2026, 11, 5), cancel=date(2026, 12, 20)),  # cancelled in Dec: not
        policy("N-4", "5000", product="NOPE", sign=date(2026, 11, 6)),               # unknown product: not
    )
    a = agent("A1", policies=(policy("D-1", "26000", sign=date(2026, 12, 2)),
                              policy("D-2", "3000", sign=date(2026, 12, 3), cancel=date(2026, 12, 9))))
    facts = PeriodFacts({"A1": AgentPeriodFacts(targets=(TargetFact("q_premium", "2026-Q4", D(100000)),),
                                                policies=tuple(PeriodPolicy(p.product_code, p.premium, p.sign_date,
                                                                            p.cancel_date) for p in earlier))})
    pay = compute_month(TARGETS_PLAN, december(a), facts)
    [line] = of(pay, "A1", "target_bonus")
    assert line.amount == D("1200.00")  # 1.23456 → 1.2346 ≥ 1.2 → 1.2 × 1000
    assert line.detail == "季度保费目标 2026-Q4：季度标准保费 123456.00 / 目标 100000.00 = 123.46% → 1.2 × 1000.00"
    assert line.detail_en == ("季度保费目标 2026-Q4: quarterly standard premium 123456.00 / target 100000.00 = "
                              "123.46% → 1.2 × 1000.00")
    assert line.label == "目标奖金"
    codes = [x.code for x in by_code(pay, "A1")]
    assert codes.index("target_bonus") == codes.index("commission") + 1  # no kpi line: right after commission


def test_attainment_is_kept_to_four_decimals_half_up_and_the_import_bonus_overrides() -> None:
    # 79999.5 / 100000 = 0.799995 → 0.8000: the 0.8 band (rate 0.5) of the agent's own bonus 800 → 400.00
    # 79994 / 100000 = 0.79994 → 0.7999: below the first band → no line
    b = agent("B1", policies=(policy("B-1", "79999.5", sign=date(2026, 12, 1)),))
    c = agent("C1", policies=(policy("C-1", "79994", sign=date(2026, 12, 1)),))
    facts = PeriodFacts({
        "B1": AgentPeriodFacts(targets=(TargetFact("q_premium", "2026-Q4", D(100000), D(800)),)),
        "C1": AgentPeriodFacts(targets=(TargetFact("q_premium", "2026-Q4", D(100000)),)),
    })
    pay = compute_month(TARGETS_PLAN, december(b, c), facts)
    [line] = of(pay, "B1", "target_bonus")
    assert line.amount == D("400.00")
    assert line.detail.endswith("季度标准保费 79999.50 / 目标 100000.00 = 80.00% → 0.5 × 800.00")
    assert of(pay, "C1", "target_bonus") == []


def test_monthly_policy_count_and_quarterly_metric_mean_each_their_own_line() -> None:
    # policies: 4 counted in December (the cancelled one is not) / 3 = 1.3333 → 1 × 200 = 200.00
    # answer_rate: mean of 0.95 (Oct), 0.97 (Nov), 0.97 (Dec) = 0.963333… / 0.95 = 1.01403… → 1.0140 → 300.00
    a = agent("A1", metrics={"answer_rate": D("0.97")}, policies=(
        policy("D-1", "1000", sign=date(2026, 12, 1)), policy("D-2", "1000", sign=date(2026, 12, 2)),
        policy("D-3", "1000", sign=date(2026, 12, 3)), policy("D-4", "10", product="ACC1", sign=date(2026, 12, 4)),
        policy("D-5", "1000", sign=date(2026, 12, 5), cancel=date(2026, 12, 6))))
    facts = PeriodFacts({"A1": AgentPeriodFacts(
        targets=(TargetFact("m_policies", "2026-12", D(3)), TargetFact("q_answer", "2026-Q4", D("0.95")),
                 TargetFact("m_policies", "2026-11", D(1))),  # another period's value: not read
        metrics=(("2026-10", "answer_rate", D("0.95")), ("2026-11", "answer_rate", D("0.97")),
                 ("2026-11", "satisfaction", D("0.10"))))})
    pay = compute_month(TARGETS_PLAN, december(a), facts)
    lines = of(pay, "A1", "target_bonus")
    assert [(x.amount, x.detail) for x in lines] == [
        (D("200.00"), "月度件数目标 2026-12：月度保单数 4 / 目标 3 = 133.33% → 1 × 200.00"),
        (D("300.00"), "季度接通率目标 2026-Q4：季度电话人工接通率均值 0.96 / 目标 0.95 = 101.40% → 1 × 300.00"),
    ]


def test_no_target_value_no_metric_or_not_the_last_month_means_no_line() -> None:
    a = agent("A1", policies=(policy("D-1", "500000", sign=date(2026, 12, 1)),))
    no_value = compute_month(TARGETS_PLAN, december(a), PeriodFacts())
    assert of(no_value, "A1", "target_bonus") == []
    no_metric = compute_month(TARGETS_PLAN, december(a), PeriodFacts(
        {"A1": AgentPeriodFacts(targets=(TargetFact("q_answer", "2026-Q4", D("0.95")),))}))
    assert of(no_metric, "A1", "target_bonus") == []
    november = MonthFacts(month="2026-11", workdays=(), agents=(replace(a, policies=(
        policy("N-1", "500000", sign=date(2026, 11, 2)),)),))
    mid_quarter = compute_month(TARGETS_PLAN, november, PeriodFacts(
        {"A1": AgentPeriodFacts(targets=(TargetFact("q_premium", "2026-Q4", D(1000)),))}))
    assert [x.code for x in mid_quarter.agents[0].lines if x.code == "target_bonus"] == []


def test_the_penalty_cap_counts_the_new_lines_in_g() -> None:
    # P = 300; G = 1000 + 300 + 200 + 100 = 1600; A = 20% × 1600 = 320 ≥ P: nothing given back.
    # (Were the three new lines left out of G, A would be 200 and 100.00 given back.)
    lines = [make_line("base", D(1000), ""), make_line("target_bonus", D(300), ""),
             make_line("period_award", D(200), ""), make_line("team_award", D(100), ""),
             make_line("complaint_penalty", D(-300), "")]
    relief = penalty_relief(LimitsConfig(penalty_share=D("0.2")), lines)
    assert (relief.pay, relief.allowance, relief.penalties) == (D(1600), D("320.00"), D(300))
    assert relief.line is None  # 300 ≤ 320; with G = 1000 alone 100.00 would have been given back


def _k_agent(code: str, k: int, *, team: str = "", penalized: bool = False, hire: date = date(2024, 1, 1)) -> AgentMonth:
    complaints = (ComplaintFact(date(2026, 12, 10), "hotline", "upheld"),) if penalized else ()
    return agent(code, team=team, metrics={"k": D(k)}, complaints=complaints, hire_date=hire)


QUARTER_AWARD = PeriodAward("q_top", "季度优胜", "quarter", D("0.25"), D(800))


def _earlier(*months: tuple[str, int] | tuple[str, int, bool]) -> AgentPeriodFacts:
    return AgentPeriodFacts(earlier=tuple(EarlierMonth(m[0], D(m[1]), bool(m[2]) if len(m) > 2 else False)
                                          for m in months))


PERIOD_FACTS = PeriodFacts({
    "P1": _earlier(("2026-10", 90), ("2026-11", 95)),             # mean (90+95+92)/3 = 92.33
    "P2": _earlier(("2026-10", 88), ("2026-11", 97)),             # mean 92.33: tied at the cut-off
    "P3": _earlier(("2026-10", 99), ("2026-11", 99, True)),       # penalized in November: dropped
    "P4": _earlier(("2026-11", 100)),                            # two months only (hired in November)
    "P5": _earlier(("2026-10", 80), ("2026-11", 85)),             # 85.00
    "P6": _earlier(("2026-10", 70), ("2026-11", 75), ("2026-09", 100)),  # 72.00 (September is not in Q4)
})
PEOPLE = (_k_agent("P1", 92), _k_agent("P2", 92), _k_agent("P3", 99), _k_agent("P4", 100, hire=date(2026, 11, 1)),
          _k_agent("P5", 90), _k_agent("P6", 71))


def test_quarterly_award_ranks_the_mean_k_ties_win_and_penalized_or_short_agents_are_out() -> None:
    plan = replace(K_PLAN, period_awards=(QUARTER_AWARD,))
    pay = compute_month(plan, december(*PEOPLE), PERIOD_FACTS)
    # eligible: P1, P2, P5, P6 (N = 4); n = max(1, floor(0.25 × 4)) = 1; cutoff 92.33 → P1 and P2
    winners = {a.code: [x for x in a.lines if x.code == "period_award"] for a in pay.agents}
    assert {code for code, found in winners.items() if found} == {"P1", "P2"}
    [line] = winners["P1"]
    assert line.amount == D("800.00") and line.label == "期间优胜奖"
    assert line.detail == ("季度优胜 2026-Q4：2026-10 K 90.00、2026-11 K 95.00、2026-12 K 92.00，平均 92.33；"
                           "前 25%：4 人参评，取 1 名，分界 92.33 → 800.00")
    assert line.detail_en == ("季度优胜 2026-Q4: 2026-10 K 90.00, 2026-11 K 95.00, 2026-12 K 92.00; mean 92.33; "
                              "top 25%: 4 eligible, 1 place(s), cutoff 92.33 → 800.00")
    codes = [x.code for x in by_code(pay, "P1")]
    assert codes == ["base", "full_attendance", "period_award"]


def test_min_months_and_exclude_penalized_can_be_relaxed() -> None:
    award = replace(QUARTER_AWARD, min_months=2, exclude_penalized=False)
    pay = compute_month(replace(K_PLAN, period_awards=(award,)), december(*PEOPLE), PERIOD_FACTS)
    # eligible: all six; n = floor(0.25 × 6) = 1; P4 mean (100+100)/2 = 100.00 is the best
    assert {a.code for a in pay.agents if any(x.code == "period_award" for x in a.lines)} == {"P4"}
    assert of(pay, "P4", "period_award")[0].detail.startswith("季度优胜 2026-Q4：2026-11 K 100.00、2026-12 K 100.00，平均 100.00；前 25%：6 人参评")


def test_a_period_award_pays_only_in_the_last_month_of_its_period() -> None:
    november = MonthFacts(month="2026-11", workdays=(), agents=PEOPLE)
    pay = compute_month(replace(K_PLAN, period_awards=(QUARTER_AWARD,)), november, PERIOD_FACTS)
    assert not any(x.code == "period_award" for a in pay.agents for x in a.lines)


def test_team_award_best_mean_k_ties_share_and_penalized_members_are_left_out() -> None:
    people = (
        _k_agent("T1", 90, team="一组"), _k_agent("T2", 95, team="一组"), _k_agent("T3", 89, team="一组"),  # 91.33
        _k_agent("T4", 96, team="二组"), _k_agent("T5", 90, team="二组"),
        _k_agent("T6", 88, team="二组", penalized=True),                                            # 91.33
        _k_agent("T7", 99, team="三组"), _k_agent("T8", 99, team="三组"),   # two members: not ranked
        _k_agent("T9", 100),                                                # no team: not ranked
    )
    plan = replace(K_PLAN, team_award=TeamAward(D(500)))
    pay = compute_month(plan, december(*people), PeriodFacts())
    paid = {a.code: [x for x in a.lines if x.code == "team_award"] for a in pay.agents}
    assert {code for code, found in paid.items() if found} == {"T1", "T2", "T3", "T4", "T5"}
    assert paid["T1"][0].amount == D("500.00")
    assert paid["T1"][0].detail == "团队 一组：3 人平均 K 91.33，2 个团队中最高 → 500.00"
    assert paid["T4"][0].detail_en == "team 二组: mean K of 3 91.33, the best of 2 team(s) → 500.00"
    # a fatal QA error counts as penalized too; exclude_penalized = false pays T6 as well
    relaxed = compute_month(replace(plan, team_award=TeamAward(D(500), exclude_penalized=False)),
                            december(*people), PeriodFacts())
    assert len(of(relaxed, "T6", "team_award")) == 1
    fatal = replace(people[0], qa=(QAFact(date(2026, 12, 3), D(90), fatal=True),))
    again = compute_month(plan, december(fatal, *people[1:]), PeriodFacts())
    assert of(again, "T1", "team_award") == []


def test_team_award_and_period_award_lines_come_in_rulebook_order() -> None:
    plan = replace(K_PLAN, period_awards=(QUARTER_AWARD,), team_award=TeamAward(D(500), min_members=2))
    people = tuple(replace(p, team="一组") for p in PEOPLE[:2])
    pay = compute_month(plan, december(*people), PERIOD_FACTS)
    assert [x.code for x in by_code(pay, "P1")] == ["base", "full_attendance", "period_award", "team_award"]


def test_a_schema_1_plan_ignores_period_facts() -> None:
    a = agent("A1", policies=(policy("D-1", "26000", sign=date(2026, 12, 2)),))
    facts = PeriodFacts({"A1": AgentPeriodFacts(targets=(TargetFact("q_premium", "2026-Q4", D(1)),))})
    assert compute_month(SOLO, december(a), facts) == compute_month(SOLO, december(a))
