"""KPI indicator kinds of plan schema 2 (docs/pay-rules.md §7.2): each indicator's value, score and
the arithmetic behind it, in words and numbers.

- ``linear``: §3.5 with ``step_up``/``step_down`` (both default to ``step``);
- ``relative``: ``100 × value / N1``, ``N1`` the highest value in the agent's scope this month;
- ``bands``: the score of the band with the greatest ``min <= value``;
- ``count``: ``100 + clamp(Σ points, −max_down, max_up)`` over complaints, absence records or a
  counted metric — never missing;
- ``score``: the value itself, kept within ``[100 − max_down, 100 + max_up]``.

Pure: the facts come in, numbers and texts go out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from app.engine.facts import AgentMonth
from app.engine.lines import money, num
from app.engine.period import Period, employed
from app.money import HUNDRED, ZERO, round2
from app.plan.model import Indicator

LEVEL_WORDS = {"hotline": ("热线", "hotline"), "city": ("市级", "city"), "province": ("省级", "province")}


@dataclass(frozen=True)
class Measured:
    """One indicator for one agent: the value shown, the score, and how the score came about."""

    value: Decimal
    score: Decimal
    detail: str
    detail_en: str


def signed(value: Decimal) -> str:
    """A number with a real minus sign (``−5``) for explanations."""
    return f"−{num(-value)}" if value < 0 else num(value)


def source_value(ind: Indicator, agent: AgentMonth, qa_avg: Decimal | None) -> Decimal | None:
    """The value a metric/QA-sourced indicator reads; ``None`` when missing."""
    return qa_avg if ind.source == "qa" else agent.metrics.get(ind.code)


def linear_score(ind: Indicator, value: Decimal) -> tuple[Decimal, str, str]:
    """§3.5 with separate up and down steps: whole steps only, each side limited by its maximum."""
    delta = value - ind.target if ind.better == "higher" else ind.target - value
    head_zh = f"{ind.name} {num(value)}，目标 {num(ind.target)}"
    head_en = f"{ind.name} {num(value)}, target {num(ind.target)}"
    if delta >= 0:
        step = ind.step_up if ind.step_up is not None else ind.step
        steps = (delta / step).to_integral_value(rounding=ROUND_FLOOR)
        gain = steps * ind.up
        capped = ind.max_up is not None and gain > ind.max_up
        if ind.max_up is not None:
            gain = min(ind.max_up, gain)
        score = HUNDRED + gain
        cap_zh = f"（上限 {num(ind.max_up)}）" if capped and ind.max_up is not None else ""
        cap_en = f" (at most {num(ind.max_up)})" if capped and ind.max_up is not None else ""
        return (
            score,
            f"{head_zh}：每 {num(step)} 加 {num(ind.up)}，{num(steps)} 步{cap_zh} → {num(score)}",
            f"{head_en}: +{num(ind.up)} per {num(step)}, {num(steps)} step(s){cap_en} → {num(score)}",
        )
    step = ind.step_down if ind.step_down is not None else ind.step
    steps = (-delta / step).to_integral_value(rounding=ROUND_FLOOR)
    loss = steps * ind.down
    capped = ind.max_down is not None and loss > ind.max_down
    if ind.max_down is not None:
        loss = min(ind.max_down, loss)
    score = HUNDRED - loss
    cap_zh = f"（上限 {num(ind.max_down)}）" if capped and ind.max_down is not None else ""
    cap_en = f" (at most {num(ind.max_down)})" if capped and ind.max_down is not None else ""
    return (
        score,
        f"{head_zh}：每 {num(step)} 扣 {num(ind.down)}，{num(steps)} 步{cap_zh} → {num(score)}",
        f"{head_en}: −{num(ind.down)} per {num(step)}, {num(steps)} step(s){cap_en} → {num(score)}",
    )


def band_score(ind: Indicator, value: Decimal) -> tuple[Decimal, Decimal]:
    """``(min, score)`` of the band with the greatest ``min <= value`` (the lowest band below all)."""
    for band in ind.bands:  # highest min first
        if band.min <= value:
            return band.min, band.score
    last = ind.bands[-1]
    return last.min, last.score


def _clamp(total: Decimal, ind: Indicator) -> tuple[Decimal, str, str]:
    """``total`` within ``[−max_down, max_up]`` and a note when it was cut."""
    if ind.max_down is not None and total < -ind.max_down:
        return -ind.max_down, f"，最多扣 {num(ind.max_down)}", f", at most −{num(ind.max_down)}"
    if ind.max_up is not None and total > ind.max_up:
        return ind.max_up, f"，最多加 {num(ind.max_up)}", f", at most +{num(ind.max_up)}"
    return total, "", ""


def count_score(ind: Indicator, agent: AgentMonth, period: Period) -> Measured:
    """Points per occurrence in the month; no occurrence (or no metric row) scores exactly 100."""
    if ind.source == "complaints":
        by_level: dict[str, int] = {}
        for c in agent.complaints:
            if c.status == "upheld" and period.contains(c.date):
                by_level[c.level] = by_level.get(c.level, 0) + 1
        total = sum((ind.points_by_level.get(lvl, ZERO) * n for lvl, n in by_level.items()), ZERO)
        count = Decimal(sum(by_level.values()))
        if by_level:
            zh = " + ".join(
                f"{LEVEL_WORDS.get(lvl, (lvl, lvl))[0]} {n} × {signed(ind.points_by_level.get(lvl, ZERO))}"
                for lvl, n in by_level.items()
            )
            en = " + ".join(
                f"{LEVEL_WORDS.get(lvl, (lvl, lvl))[1]} {n} × {signed(ind.points_by_level.get(lvl, ZERO))}"
                for lvl, n in by_level.items()
            )
            zh, en = (
                f"{ind.name}：{zh} = {signed(total)}",
                f"{ind.name}: complaints {en} = {signed(total)}",
            )
        else:
            zh, en = f"{ind.name}：无成立投诉", f"{ind.name}: no upheld complaint"
    else:
        if ind.source == "absence":
            count = Decimal(
                sum(
                    1
                    for r in agent.attendance
                    if r.kind == "absence" and period.contains(r.date) and employed(agent, r.date)
                )
            )
            what_zh, what_en = "旷工", "absences"
        else:
            count = agent.metrics.get(ind.code, ZERO)
            what_zh, what_en = "次数", "count"
        total = count * ind.points
        zh = f"{ind.name}：{what_zh} {num(count)} × {signed(ind.points)} = {signed(total)}"
        en = f"{ind.name}: {what_en} {num(count)} × {signed(ind.points)} = {signed(total)}"
    kept, note_zh, note_en = _clamp(total, ind)
    score = HUNDRED + kept
    return Measured(count, score, f"{zh}{note_zh} → {num(score)}", f"{en}{note_en} → {num(score)}")


def measure(
    ind: Indicator,
    agent: AgentMonth,
    qa_avg: Decimal | None,
    period: Period | None,
    peaks: Mapping[str, Decimal],
) -> Measured | None:
    """The indicator for ``agent``; ``None`` when it is left out of K this month."""
    if ind.kind == "count":
        if period is None:
            return None
        return count_score(ind, agent, period)
    value = source_value(ind, agent, qa_avg)
    if value is None:
        return None
    if ind.kind == "relative":
        peak = peaks.get(ind.code)
        if peak is None or peak <= 0:
            return None
        score = round2(HUNDRED * value / peak)
        return Measured(
            value,
            score,
            f"{ind.name} {num(value)} / 本组最高 {num(peak)} × 100 = {money(score)}",
            f"{ind.name} {num(value)} / best in scope {num(peak)} × 100 = {money(score)}",
        )
    if ind.kind == "bands":
        low, score = band_score(ind, value)
        return Measured(
            value,
            score,
            f"{ind.name} {num(value)} ≥ {num(low)} → {num(score)}",
            f"{ind.name} {num(value)} ≥ {num(low)} → {num(score)}",
        )
    if ind.kind == "score":
        score = value
        note_zh = note_en = ""
        if ind.max_down is not None and score < HUNDRED - ind.max_down:
            score = HUNDRED - ind.max_down
            note_zh, note_en = f"，最低 {num(score)}", f", at least {num(score)}"
        elif ind.max_up is not None and score > HUNDRED + ind.max_up:
            score = HUNDRED + ind.max_up
            note_zh, note_en = f"，最高 {num(score)}", f", at most {num(score)}"
        return Measured(
            value,
            score,
            f"{ind.name} 评分 {num(value)}{note_zh} → {num(score)}",
            f"{ind.name} scored {num(value)}{note_en} → {num(score)}",
        )
    score, zh, en = linear_score(ind, value)
    return Measured(value, score, zh, en)


def relative_peaks(
    indicators: tuple[Indicator, ...], values: list[Mapping[str, Decimal | None]]
) -> dict[str, Decimal]:
    """``N1`` per relative indicator: the highest value among ``values`` (one map per agent of the
    scope in the payroll) that has one. An indicator nobody has is absent."""
    peaks: dict[str, Decimal] = {}
    for ind in indicators:
        if ind.kind != "relative":
            continue
        present = [v[ind.code] for v in values if v.get(ind.code) is not None]
        if present:
            peaks[ind.code] = max(v for v in present if v is not None)
    return peaks
