"""The facts behind an agent's pay as the user reads them: one text per fact, the same on the
payroll page's side panel, the payslip and the workbook.

:func:`fact_rows` turns an :class:`~app.engine.facts.AgentFacts` into ``(label, value)`` pairs
of :class:`~app.text.Text`; each view picks its language and lays them out. There is one
definition of each fact: 出勤 is ``AgentFacts.attended_days`` (employed workdays less leave and
absence) everywhere, a KPI score without data reads 无数据 with the reason, and every charged
attendance item (迟到, 早退, 空岗, 私自调班, 旷工) is listed.

Directly under ``app/`` (outside the import layers) so the reports, the services and the window
can all use it; it reads only the engine's facts record.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from app.engine.facts import AgentFacts
from app.money import fmt_money, fmt_num
from app.text import Text

LEAVE_NAMES: dict[str, Text] = {
    "personal": Text("事假", "personal leave"),
    "sick": Text("病假", "sick leave"),
    "annual": Text("年假", "annual leave"),
    "other": Text("其他假", "other leave"),
}

# key -> label, in the order the views show them.
FACT_LABELS: dict[str, Text] = {
    "attendance": Text("出勤/应出勤", "Attended / workdays"),
    "premium": Text("标准保费", "Standard premium"),
    "qa": Text("质检均分", "QA average"),
    "kpi": Text("绩效得分", "KPI score"),
    "leave": Text("请假/考勤", "Leave, attendance"),
}
FACT_KEYS: tuple[str, ...] = tuple(FACT_LABELS)

NO_KPI_DATA = Text("无数据", "no data")


class FactRow(NamedTuple):
    key: str
    label: Text
    value: Text


def _days(value: Decimal | int) -> str:
    return fmt_num(Decimal(value))


def attendance_text(facts: AgentFacts) -> Text:
    """出勤/应出勤: "19/21 天" — attended of the month's workdays, with the employed days when fewer."""
    attended, workdays, employed = _days(facts.attended_days), facts.workdays, facts.employed_workdays
    zh, en = f"{attended}/{workdays} 天", f"{attended}/{workdays} days"
    if employed != workdays:
        zh += f"（在职 {employed} 天）"
        en += f" (employed {employed})"
    return Text(zh, en)


def premium_text(facts: AgentFacts) -> Text:
    premium, policies = fmt_money(facts.standard_premium), facts.policies_counted
    return Text(f"{premium}（{policies} 张保单）", f"{premium} ({policies} policies)")


def qa_text(facts: AgentFacts) -> Text:
    coefficient = fmt_num(facts.qa_coefficient)
    if facts.qa_avg is None:
        return Text(
            f"无（本月没有有效质检，提成系数 {coefficient}）",
            f"none (no valid evaluation this month; coefficient {coefficient})",
        )
    grade = facts.qa_grade or "—"
    avg, count = fmt_money(facts.qa_avg), facts.qa_count
    return Text(
        f"{avg}（{count} 次，等级 {grade}，提成系数 {coefficient}）",
        f"{avg} ({count} evaluations, grade {grade}, coefficient {coefficient})",
    )


def kpi_text(facts: AgentFacts) -> Text:
    """绩效得分: the score K, or 无数据 and why the standard applies (docs/pay-rules.md §3.5)."""
    score = fmt_money(facts.kpi_score)
    if facts.kpi_measured:
        return Text(score, score)
    return Text(
        f"{NO_KPI_DATA.zh}（本月没有考核指标数据，按合格线 {score} 计，不奖不扣）",
        f"{NO_KPI_DATA.en} (no KPI figures this month: the standard {score} applies, no bonus or deduction)",
    )


def leave_attendance_text(facts: AgentFacts) -> Text:
    """请假/考勤: every leave type taken and every attendance item charged, or 无."""
    zh: list[str] = []
    en: list[str] = []
    for kind, days in facts.leave_days.items():
        if days:
            name = LEAVE_NAMES.get(kind, Text(kind, kind))
            zh.append(f"{name.zh} {_days(days)} 天")
            en.append(f"{name.en} {_days(days)} d")
    if facts.absence_days:
        zh.append(f"旷工 {_days(facts.absence_days)} 天")
        en.append(f"absence {_days(facts.absence_days)} d")
    for count, name_zh, name_en in (
        (facts.late_count, "迟到", "late"),
        (facts.early_leave_count, "早退", "early leave"),
        (facts.away_count, "空岗", "away from post"),
        (facts.swap_count, "私自调班", "shift swap"),
    ):
        if count:
            zh.append(f"{name_zh} {count} 次")
            en.append(f"{name_en} ×{count}")
    if not zh:
        return Text("无", "none")
    return Text("，".join(zh), ", ".join(en))


# Schema 2 (docs/pay-rules.md §7.3): the agent's scope, shown only when the plan put them in one.
SCOPE_LABEL = Text("岗位方案", "Scope")


def scope_text(facts: AgentFacts) -> Text | None:
    """岗位方案: the scope's name (and code when they differ), or None for an agent in no scope."""
    if not facts.scope:
        return None
    name = facts.scope_name or facts.scope
    shown = name if name == facts.scope else f"{name}（{facts.scope}）"
    shown_en = name if name == facts.scope else f"{name} ({facts.scope})"
    return Text(shown, shown_en)


# §8.1: the targets that paid (or did not) this month, shown in the paying month only.
TARGETS_LABEL = Text("目标达成", "Targets")


def target_texts(facts: AgentFacts) -> tuple[Text, ...]:
    """Each target paying this month with the agent's value: target, actual, attainment, rate × bonus = amount."""
    return tuple(Text(zh, facts.target_details_en.get(key, zh)) for key, zh in facts.target_details.items())


def fact_rows(facts: AgentFacts) -> tuple[FactRow, ...]:
    """The facts in :data:`FACT_KEYS` order, every key always present."""
    values = {
        "attendance": attendance_text(facts),
        "premium": premium_text(facts),
        "qa": qa_text(facts),
        "kpi": kpi_text(facts),
        "leave": leave_attendance_text(facts),
    }
    return tuple(FactRow(key, FACT_LABELS[key], values[key]) for key in FACT_KEYS)
