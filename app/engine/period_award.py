"""季度/半年度/年度优胜 and 团队奖 (docs/pay-rules.md §8.2, §8.3).

Both depend on the agent's peers, so they are decided for the whole month from everybody's K
(this month's, and for a period award the stored K of the period's earlier, locked months)
before the agents' lines are finished — like the monthly award.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from app.engine.award import Candidate
from app.engine.facts import PayLine
from app.engine.lines import make_line, money, num
from app.engine.period_facts import PeriodFacts
from app.money import ZERO, round2
from app.periods import ends_in
from app.plan.model import Plan
from app.plan.targets import PeriodAward, TeamAward


@dataclass(frozen=True)
class Member:
    """An agent in this month's payroll, as the period and team awards see them."""

    candidate: Candidate  # code, this month's K, penalized this month
    team: str


def _period_award_lines(award: PeriodAward, month: str, members: Sequence[Member],
                        periods: PeriodFacts) -> dict[str, PayLine]:
    span = ends_in(award.period, month)
    if span is None:
        return {}
    months = span.months()
    required = award.min_months if award.min_months is not None else len(months)
    scores: dict[str, tuple[Decimal, tuple[tuple[str, Decimal], ...]]] = {}
    for member in members:
        c = member.candidate
        earlier = [e for e in periods.of(c.code).earlier if e.month in months and e.month < month]
        k_by_month = (*((e.month, e.score) for e in sorted(earlier, key=lambda e: e.month)), (month, c.score))
        if len(k_by_month) < required:
            continue
        if award.exclude_penalized and (c.penalized or any(e.penalized for e in earlier)):
            continue
        mean = round2(sum((k for _m, k in k_by_month), ZERO) / len(k_by_month))
        scores[c.code] = (mean, k_by_month)
    n_eligible = len(scores)
    if n_eligible == 0 or award.amount == 0:
        return {}
    places = max(1, int((award.top_share * n_eligible).to_integral_value(rounding=ROUND_FLOOR)))
    places = min(places, n_eligible)
    cutoff = sorted((mean for mean, _k in scores.values()), reverse=True)[places - 1]
    share = num(award.top_share * 100)
    lines: dict[str, PayLine] = {}
    for code, (mean, k_by_month) in scores.items():
        if mean < cutoff:
            continue
        ks = "、".join(f"{m} K {money(k)}" for m, k in k_by_month)
        ks_en = ", ".join(f"{m} K {money(k)}" for m, k in k_by_month)
        lines[code] = make_line(
            "period_award",
            award.amount,
            f"{award.name} {span.text}：{ks}，平均 {money(mean)}；前 {share}%：{n_eligible} 人参评，取 {places} 名，"
            f"分界 {money(cutoff)} → {money(award.amount)}",
            f"{award.name} {span.text}: {ks_en}; mean {money(mean)}; top {share}%: {n_eligible} eligible, "
            f"{places} place(s), cutoff {money(cutoff)} → {money(award.amount)}",
        )
    return lines


def _team_award_lines(cfg: TeamAward, members: Sequence[Member]) -> dict[str, PayLine]:
    teams: dict[str, list[Candidate]] = {}
    for member in members:
        if member.team:
            teams.setdefault(member.team, []).append(member.candidate)
    ranked = {
        team: round2(sum((c.score for c in people), ZERO) / len(people))
        for team, people in teams.items()
        if len(people) >= cfg.min_members
    }
    if not ranked or cfg.amount == 0:
        return {}
    best = max(ranked.values())
    lines: dict[str, PayLine] = {}
    for team, mean in ranked.items():
        if mean != best:
            continue
        for c in teams[team]:
            if cfg.exclude_penalized and c.penalized:
                continue
            lines[c.code] = make_line(
                "team_award",
                cfg.amount,
                f"团队 {team}：{len(teams[team])} 人平均 K {money(mean)}，{len(ranked)} 个团队中最高 → {money(cfg.amount)}",
                f"team {team}: mean K of {len(teams[team])} {money(mean)}, the best of {len(ranked)} team(s) → "
                f"{money(cfg.amount)}",
            )
    return lines


def period_award_lines(plan: Plan, month: str, members: Sequence[Member],
                       periods: PeriodFacts) -> Mapping[str, tuple[PayLine, ...]]:
    """Each agent's ``period_award`` lines (plan order) then ``team_award`` line, by agent code."""
    found: dict[str, list[PayLine]] = {}
    for award in plan.period_awards:
        for code, line in _period_award_lines(award, month, members, periods).items():
            found.setdefault(code, []).append(line)
    if plan.team_award is not None:
        for code, line in _team_award_lines(plan.team_award, members).items():
            found.setdefault(code, []).append(line)
    return {code: tuple(lines) for code, lines in found.items()}
