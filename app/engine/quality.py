"""质检: the QA average, the commission coefficient and the fatal-error penalty (docs/pay-rules.md §3.4)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.engine.facts import AgentMonth, PayLine
from app.engine.lines import make_line, money, num
from app.engine.period import Period
from app.money import ZERO, round2
from app.plan.model import QualityConfig


@dataclass(frozen=True)
class QAResult:
    count: int  # counted evaluations
    fatal_count: int
    avg: Decimal | None  # round(mean, 2); None when QA is missing
    coefficient: Decimal  # c
    grade: str | None

    @property
    def missing(self) -> bool:
        return self.avg is None

    def coefficient_text(self) -> tuple[str, str]:
        """Why c has its value, for the commission line's detail."""
        if self.avg is None:
            return (
                f"质检 {self.count} 次，数据不足 → 系数 {num(self.coefficient)}",
                f"QA {self.count} evaluation(s), no data → coefficient {num(self.coefficient)}",
            )
        return (
            f"质检均分 {num(self.avg)} → 系数 {num(self.coefficient)}",
            f"QA average {num(self.avg)} → coefficient {num(self.coefficient)}",
        )


def evaluate(cfg: QualityConfig, agent: AgentMonth, period: Period) -> QAResult:
    """Count valid evaluations dated in the month; a fatal one scores 0 whatever its sheet says."""
    scores: list[Decimal] = []
    fatal = 0
    for ev in agent.qa:
        if ev.status != "valid" or not period.contains(ev.date):
            continue
        if ev.fatal:
            fatal += 1
            scores.append(ZERO)
        else:
            scores.append(ev.score)
    n = len(scores)
    if n == 0 or n < cfg.min_evaluations:
        return QAResult(count=n, fatal_count=fatal, avg=None, coefficient=cfg.no_data_coefficient, grade=None)
    avg = round2(sum(scores, ZERO) / n)
    return QAResult(
        count=n, fatal_count=fatal, avg=avg, coefficient=cfg.coefficient_for(avg), grade=cfg.grade_for(avg)
    )


def fatal_penalty_line(cfg: QualityConfig, qa: QAResult) -> PayLine | None:
    if qa.fatal_count == 0 or cfg.fatal_penalty == 0:
        return None
    return make_line(
        "qa_fatal_penalty",
        -cfg.fatal_penalty * qa.fatal_count,
        f"致命差错 {qa.fatal_count}次 × {money(cfg.fatal_penalty)}",
        f"fatal errors {qa.fatal_count} × {money(cfg.fatal_penalty)}",
    )
