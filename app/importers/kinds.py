"""What each import kind contains: its columns (docs/formats.md order), value words and row records.

The column lists and value words are a promise to users and to the acceptance
checks (``docs/formats.md``): extend them, never rename. Rows are frozen dataclasses so
a validated file can be handed to the services layer (and previewed) without any
risk of being changed on the way; each remembers its spreadsheet ``row`` so a
later database check can still point the user at the right line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from app.engine.facts import ATTENDANCE_KINDS, COMPLAINT_LEVELS, COMPLAINT_STATUSES, LEAVE_KINDS, QA_STATUSES
from app.fields import (
    CATEGORY_MAX,
    CODE_MAX,
    LEVEL_MAX,
    NAME_MAX,
    PASSWORD_MAX,
    POLICY_NO_MAX,
    SCORECARD_MAX,
    TEXT_MAX,
)

KINDS: tuple[str, ...] = (
    "agents",
    "attendance",
    "qa",
    "sales",
    "complaints",
    "praise",
    "metrics",
    "adjustments",
    "deductions",
    "tax_opening",
    "appeals",
    "targets",
)

KIND_NAMES: dict[str, tuple[str, str]] = {
    "agents": ("员工", "Agents"),
    "attendance": ("考勤", "Attendance"),
    "qa": ("质检", "QA evaluations"),
    "sales": ("保单", "Sales"),
    "complaints": ("投诉", "Complaints"),
    "praise": ("表扬", "Praise"),
    "metrics": ("指标", "Metrics"),
    "adjustments": ("调整", "Adjustments"),
    "deductions": ("专项附加扣除", "Tax deductions"),
    "tax_opening": ("个税期初", "Tax opening balances"),
    "appeals": ("申诉", "Appeals"),
    "targets": ("目标", "Targets"),
}


class Column(NamedTuple):
    """One column of an import file: ``key, zh, en, required, max_length``.

    ``en`` is also the ``key``: docs/formats.md's English headers are the stable names.
    ``max_length`` limits a text column (characters, after trimming; :mod:`app.fields` holds
    the limits that the forms and services use too); ``None`` for numbers, dates and words.
    """

    key: str
    zh: str
    en: str
    required: bool
    max_length: int | None = None


def _cols(*spec: tuple[str, str, bool] | tuple[str, str, bool, int]) -> tuple[Column, ...]:
    return tuple(Column(s[1], s[0], s[1], s[2], s[3] if len(s) > 3 else None) for s in spec)


COLUMNS: dict[str, tuple[Column, ...]] = {
    "agents": _cols(
        ("工号", "code", True, CODE_MAX),
        ("姓名", "name", True, NAME_MAX),
        ("岗位", "role", False, NAME_MAX),
        ("团队", "team", False, NAME_MAX),
        ("底薪", "base_salary", True),
        ("入职日期", "hire_date", True),
        ("离职日期", "leave_date", False),
        ("工资条密码", "payslip_password", False, PASSWORD_MAX),
        # docs/pay-rules.md §9.1 (optional; a column left out of the file leaves the stored value as it is)
        ("身份证号", "id_number", False, 40),
        ("开户行", "bank_name", False, 64),
        ("银行账号", "bank_account", False, 60),
        ("社保基数", "si_base", False),
        ("公积金基数", "hf_base", False),
        ("代扣社保个税", "statutory", False),
    ),
    "attendance": _cols(
        ("工号", "code", True, CODE_MAX),
        ("日期", "date", True),
        ("类型", "type", True),
        ("分钟", "minutes", False),
        ("天数", "days", False),
        ("备注", "note", False, TEXT_MAX),
    ),
    "qa": _cols(
        ("工号", "code", True, CODE_MAX),
        ("日期", "date", True),
        ("评分表", "scorecard", False, SCORECARD_MAX),
        ("得分", "score", True),
        ("致命", "fatal", False),
        ("状态", "status", False),
        ("质检员", "evaluator", False, NAME_MAX),
        ("备注", "note", False, TEXT_MAX),
    ),
    "sales": _cols(
        ("保单号", "policy_no", True, POLICY_NO_MAX),
        ("工号", "code", True, CODE_MAX),
        ("产品", "product", True, CODE_MAX),
        ("保费", "premium", True),
        ("客户等级", "customer_level", False, LEVEL_MAX),
        ("新客户", "new_customer", False),
        ("签单日期", "sign_date", True),
        ("撤单日期", "cancel_date", False),
    ),
    "complaints": _cols(
        ("工号", "code", True, CODE_MAX),
        ("日期", "date", True),
        ("级别", "level", True),
        ("状态", "status", False),
        ("说明", "description", False, TEXT_MAX),
    ),
    "praise": _cols(
        ("工号", "code", True, CODE_MAX),
        ("日期", "date", True),
        ("说明", "description", False, TEXT_MAX),
    ),
    "metrics": _cols(
        ("工号", "code", True, CODE_MAX),
        ("月份", "month", True),
        ("指标", "indicator", True, CODE_MAX),
        ("数值", "value", True),
    ),
    "adjustments": _cols(
        ("工号", "code", True, CODE_MAX),
        ("月份", "month", True),
        ("金额", "amount", True),
        ("类别", "category", False, CATEGORY_MAX),
        ("原因", "reason", False, TEXT_MAX),
    ),
    # docs/pay-rules.md §9.3: the month's special additional deductions and other deductions
    "deductions": _cols(
        ("工号", "code", True, CODE_MAX),
        ("月份", "month", True),
        ("子女教育", "children_education", False),
        ("继续教育", "continuing_education", False),
        ("住房贷款利息", "housing_loan_interest", False),
        ("住房租金", "housing_rent", False),
        ("赡养老人", "elderly_care", False),
        ("婴幼儿照护", "infant_care", False),
        ("其他扣除", "other", False),
    ),
    # the year's cumulative figures before the app took over (through the month given)
    "tax_opening": _cols(
        ("工号", "code", True, CODE_MAX),
        ("年度", "year", True),
        ("截至月份", "through_month", True),
        ("月数", "months", True),
        ("累计收入", "income", True),
        ("累计专项扣除", "si_hf", False),
        ("累计专项附加扣除", "special", False),
        ("累计其他扣除", "other", False),
        ("累计已扣税额", "tax_withheld", False),
    ),
    "appeals": _cols(
        ("工号", "code", True, CODE_MAX),
        ("对象", "record", True),
        ("记录日期", "record_date", True),
        ("指标", "indicator", False, CODE_MAX),
        ("申诉日期", "filed", True),
        ("理由", "reason", True, TEXT_MAX),
        ("超期原因", "override_reason", False, TEXT_MAX),
    ),
    "targets": _cols(
        ("工号", "code", True, CODE_MAX),
        ("目标", "target", True, CODE_MAX),
        ("期间", "period", True),
        ("目标值", "value", True),
        ("奖金基数", "bonus", False),
    ),
}

# ---------------------------------------------------------------------------
# Value words. Keys are normalised (casefolded, spaces and hyphens as "_");
# values are the canonical English words of app.engine.facts.

ATTENDANCE_ZH = {
    "late": "迟到",
    "early_leave": "早退",
    "away": "空岗",
    "swap": "私自调班",
    "absence": "旷工",
    "personal": "事假",
    "sick": "病假",
    "annual": "年假",
    "other": "其他假",
}
QA_STATUS_ZH = {"valid": "有效", "overturned": "撤销"}
COMPLAINT_LEVEL_ZH = {"hotline": "热线", "city": "市级", "province": "省级"}
COMPLAINT_STATUS_ZH = {"pending": "待定", "upheld": "成立", "overturned": "不成立"}
APPEAL_RECORD_ZH = {"qa": "质检", "complaint": "投诉", "attendance": "考勤", "metric": "指标"}

MINUTE_KINDS = ("late", "early_leave")
DAY_KINDS = ("absence", *LEAVE_KINDS)


def _words(zh: dict[str, str], canon: tuple[str, ...], **aliases: str) -> dict[str, str]:
    assert set(zh) == set(canon)
    words = {k: k for k in canon}
    words.update({v: k for k, v in zh.items()})
    words.update({k.casefold(): v for k, v in aliases.items()})
    return words


ATTENDANCE_WORDS = _words(
    ATTENDANCE_ZH,
    ATTENDANCE_KINDS,
    **{
        "擅自离岗": "away",
        "离岗": "away",
        "调班": "swap",
        "其它假": "other",
        "其他": "other",
        "early": "early_leave",
        "earlyleave": "early_leave",
        "personal_leave": "personal",
        "sick_leave": "sick",
        "annual_leave": "annual",
        "other_leave": "other",
        "absent": "absence",
    },
)
QA_STATUS_WORDS = _words(QA_STATUS_ZH, QA_STATUSES, **{"撤消": "overturned", "无效": "overturned"})
COMPLAINT_LEVEL_WORDS = _words(
    COMPLAINT_LEVEL_ZH,
    COMPLAINT_LEVELS,
    **{"热线投诉": "hotline", "市级投诉": "city", "省级及以上": "province", "省级投诉": "province"},
)
COMPLAINT_STATUS_WORDS = _words(COMPLAINT_STATUS_ZH, COMPLAINT_STATUSES)
APPEAL_RECORD_WORDS = _words(
    APPEAL_RECORD_ZH,
    tuple(APPEAL_RECORD_ZH),
    **{"质检评分": "qa", "绩效指标": "metric", "kpi": "metric", "complaints": "complaint", "evaluation": "qa"},
)

BOOL_WORDS: dict[str, bool] = {
    "是": True,
    "否": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
    "y": True,
    "n": False,
}

# ---------------------------------------------------------------------------
# Row records.


@dataclass(frozen=True)
class AgentRow:
    """An agent to add, or to update when the code already exists (docs/formats.md: code is the key)."""

    code: str
    name: str
    role: str
    team: str
    base_salary: Decimal
    hire_date: date
    leave_date: date | None
    payslip_password: str | None
    row: int = field(default=0, kw_only=True)  # spreadsheet row number (header = 1)
    # §9.1 personal and statutory data; ``given`` names the columns the file has (only those are written)
    id_number: str | None = field(default=None, kw_only=True)
    bank_name: str = field(default="", kw_only=True)
    bank_account: str | None = field(default=None, kw_only=True)
    si_base: Decimal | None = field(default=None, kw_only=True)
    hf_base: Decimal | None = field(default=None, kw_only=True)
    statutory: bool = field(default=True, kw_only=True)
    given: frozenset[str] = field(default=frozenset(), kw_only=True)


@dataclass(frozen=True)
class AttendanceRow:
    """One attendance record. ``minutes`` only for late/early_leave, ``days`` only for absence and
    leave types (default 1); both ``None`` for away/swap, which count once per row."""

    code: str
    date: date
    kind: str
    minutes: int | None
    days: Decimal | None
    note: str
    row: int = field(default=0, kw_only=True)  # spreadsheet row number (header = 1)


@dataclass(frozen=True)
class QARow:
    code: str
    date: date
    scorecard: str | None
    score: Decimal
    fatal: bool
    status: str
    evaluator: str
    note: str
    row: int = field(default=0, kw_only=True)  # spreadsheet row number (header = 1)


@dataclass(frozen=True, slots=True)  # slots: a 350,000-row file holds 350,000 of these
class SalesRow:
    """A policy; re-importing an existing ``policy_no`` updates it (typically its cancel date)."""

    policy_no: str
    code: str
    product: str
    premium: Decimal
    customer_level: str
    new_customer: bool
    sign_date: date
    cancel_date: date | None
    row: int = field(default=0, kw_only=True)  # spreadsheet row number (header = 1)


@dataclass(frozen=True)
class ComplaintRow:
    code: str
    date: date
    level: str
    status: str
    description: str
    row: int = field(default=0, kw_only=True)  # spreadsheet row number (header = 1)


@dataclass(frozen=True)
class PraiseRow:
    code: str
    date: date
    description: str
    row: int = field(default=0, kw_only=True)  # spreadsheet row number (header = 1)


@dataclass(frozen=True)
class MetricRow:
    """A monthly indicator value; a percentage in the file (``95%``) arrives here as 0.95."""

    code: str
    month: str
    indicator: str
    value: Decimal
    row: int = field(default=0, kw_only=True)  # spreadsheet row number (header = 1)


@dataclass(frozen=True)
class AdjustmentRow:
    """A manual adjustment, signed: positive pays more (补发), negative recovers (追回)."""

    code: str
    month: str
    amount: Decimal
    category: str
    reason: str
    row: int = field(default=0, kw_only=True)  # spreadsheet row number (header = 1)


@dataclass(frozen=True)
class AppealRow:
    """An appeal against one record (docs/pay-rules.md §11); the record is found by the services layer."""

    code: str
    record: str  # qa | complaint | attendance | metric
    record_date: date
    indicator: str
    filed: date
    reason: str
    override_reason: str
    row: int = field(default=0, kw_only=True)  # spreadsheet row number (header = 1)



@dataclass(frozen=True)
class DeductionRow:
    """An agent's deductions for a month (amounts in yuan, 0 when empty); replaces a stored row."""

    code: str
    month: str
    children_education: Decimal
    continuing_education: Decimal
    housing_loan_interest: Decimal
    housing_rent: Decimal
    elderly_care: Decimal
    infant_care: Decimal
    other: Decimal
    row: int = field(default=0, kw_only=True)  # spreadsheet row number (header = 1)


@dataclass(frozen=True)
class TaxOpeningRow:
    """An agent's opening balance of a tax year (cumulative through ``through_month``)."""

    code: str
    year: int
    through_month: int
    months: int
    income: Decimal
    si_hf: Decimal
    special: Decimal
    other: Decimal
    tax_withheld: Decimal
    row: int = field(default=0, kw_only=True)  # spreadsheet row number (header = 1)


@dataclass(frozen=True)
class TargetRow:
    """An agent's target value for a plan target and a period (``2026-10``, ``2026-Q4``, ``2026-H2``,
    ``2026``); ``bonus`` None: the plan's bonus. Key (code, target, period): a re-import updates it."""

    code: str
    target: str
    period: str
    value: Decimal
    bonus: Decimal | None
    row: int = field(default=0, kw_only=True)  # spreadsheet row number (header = 1)


ImportRow = (
    AgentRow | AttendanceRow | QARow | SalesRow | ComplaintRow | PraiseRow | MetricRow | AdjustmentRow
    | DeductionRow | TaxOpeningRow | AppealRow | TargetRow
)
