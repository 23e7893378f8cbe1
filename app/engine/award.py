"""月度优秀奖: the top share of the month's composite scores (docs/pay-rules.md §3.7).

Unlike every other line this one depends on the agent's peers, so it is decided once for
the whole month from everybody's K before the agents' lines are finished.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from app.engine.facts import PayLine
from app.engine.lines import make_line, money, num
from app.plan.model import AwardsConfig


@dataclass(frozen=True)
class Candidate:
    """An agent in the payroll, as the award sees them."""

    code: str
    score: Decimal  # K
    penalized: bool  # an upheld complaint or a fatal QA error this month


@dataclass(frozen=True)
class AwardDecision:
    eligible: int  # N
    places: int  # n (0 when nobody is eligible or the award is off)
    cutoff: Decimal | None
    winners: frozenset[str]

    def line_for(self, cfg: AwardsConfig, code: str, score: Decimal) -> PayLine | None:
        if code not in self.winners or cfg.top_amount == 0 or self.cutoff is None:
            return None
        share = num(cfg.top_share * 100)
        return make_line(
            "top_award",
            cfg.top_amount,
            f"前 {share}%：{self.eligible} 人参评，取 {self.places} 名，分界分 {money(self.cutoff)}；"
            f"本人 {money(score)} → {money(cfg.top_amount)}",
            f"top {share}%: {self.eligible} eligible, {self.places} place(s), cutoff K {money(self.cutoff)}; "
            f"own K {money(score)} → {money(cfg.top_amount)}",
        )


def decide_award(cfg: AwardsConfig, candidates: Mapping[str, Candidate] | list[Candidate]) -> AwardDecision:
    """Everyone tied with the n-th highest K wins too, so ties never split arbitrarily."""
    pool = list(candidates.values()) if isinstance(candidates, Mapping) else list(candidates)
    eligible = [c for c in pool if c.score >= cfg.min_score and not (cfg.exclude_penalized and c.penalized)]
    n_eligible = len(eligible)
    if n_eligible == 0 or cfg.top_share <= 0:
        return AwardDecision(n_eligible, 0, None, frozenset())
    places = max(1, int((cfg.top_share * n_eligible).to_integral_value(rounding=ROUND_FLOOR)))
    places = min(places, n_eligible)
    ranked = sorted((c.score for c in eligible), reverse=True)
    cutoff = ranked[places - 1]
    winners = frozenset(c.code for c in eligible if c.score >= cutoff)
    return AwardDecision(n_eligible, places, cutoff, winners)
