"""Pre-formatted ``.xlsx`` import templates, one per kind (docs/formats.md: a template for each kind).

A good template prevents most import problems before they happen: drop-down lists
for the value words, date cells already formatted ``yyyy-mm-dd``, code and month
cells formatted as text (so Excel neither drops leading zeros nor turns
``2026-10`` into a date), an example row that imports cleanly, and a help sheet
that explains every column in the user's language.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.importers.kinds import (
    APPEAL_RECORD_ZH,
    ATTENDANCE_ZH,
    COLUMNS,
    COMPLAINT_LEVEL_ZH,
    COMPLAINT_STATUS_ZH,
    KIND_NAMES,
    KINDS,
    QA_STATUS_ZH,
)

# What the example rows refer to, so a test (or a demo database) can know them.
EXAMPLE_AGENT = "A001"
EXAMPLE_PRODUCT = "L10"
EXAMPLE_INDICATOR = "answer_rate"
EXAMPLE_SCORECARD = "电话回访岗"
EXAMPLE_MONTH = "2026-10"
EXAMPLE_TARGET = "q_premium"

_TEMPLATE_ROWS = 1000  # rows pre-formatted below the header
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_DATE_KEYS = {"date", "hire_date", "leave_date", "sign_date", "cancel_date", "record_date", "filed"}
_TEXT_KEYS = {"code", "policy_no", "month", "payslip_password", "product", "indicator", "id_number", "bank_account",
              "target", "period"}

_BOOL = {"zh": ("是", "否"), "en": ("yes", "no")}

# (kind, key) → list of value words per language, for drop-downs and help.
_CHOICES: dict[tuple[str, str], dict[str, list[str]]] = {
    ("attendance", "type"): {"zh": list(ATTENDANCE_ZH.values()), "en": list(ATTENDANCE_ZH)},
    ("qa", "status"): {"zh": list(QA_STATUS_ZH.values()), "en": list(QA_STATUS_ZH)},
    ("complaints", "level"): {"zh": list(COMPLAINT_LEVEL_ZH.values()), "en": list(COMPLAINT_LEVEL_ZH)},
    ("complaints", "status"): {"zh": list(COMPLAINT_STATUS_ZH.values()), "en": list(COMPLAINT_STATUS_ZH)},
    ("appeals", "record"): {"zh": list(APPEAL_RECORD_ZH.values()), "en": list(APPEAL_RECORD_ZH)},
    ("qa", "fatal"): {"zh": list(_BOOL["zh"]), "en": list(_BOOL["en"])},
    ("sales", "new_customer"): {"zh": list(_BOOL["zh"]), "en": list(_BOOL["en"])},
}


def _examples(lang: str) -> dict[str, dict[str, object]]:
    zh = lang == "zh"
    yes, no = _BOOL["zh" if zh else "en"]
    return {
        "agents": {
            "code": EXAMPLE_AGENT,
            "name": "张三" if zh else "Zhang San",
            "role": "电话回访岗" if zh else "callback",
            "team": "一组" if zh else "Team 1",
            "base_salary": 4000,
            "hire_date": date(2025, 3, 1),
        },
        "attendance": {
            "code": EXAMPLE_AGENT,
            "date": date(2026, 10, 8),
            "type": "迟到" if zh else "late",
            "minutes": 8,
            "note": "地铁延误" if zh else "metro delay",
        },
        "qa": {
            "code": EXAMPLE_AGENT,
            "date": date(2026, 10, 9),
            "scorecard": EXAMPLE_SCORECARD,
            "score": 92,
            "fatal": no,
            "status": "有效" if zh else "valid",
            "evaluator": "李质检" if zh else "Li",
        },
        "sales": {
            "policy_no": "P20261001",
            "code": EXAMPLE_AGENT,
            "product": EXAMPLE_PRODUCT,
            "premium": 40000,
            "customer_level": "VIP",
            "new_customer": yes,
            "sign_date": date(2026, 10, 5),
        },
        "complaints": {
            "code": EXAMPLE_AGENT,
            "date": date(2026, 10, 12),
            "level": "市级" if zh else "city",
            "status": "成立" if zh else "upheld",
            "description": "回访态度生硬" if zh else "rude on a callback",
        },
        "praise": {
            "code": EXAMPLE_AGENT,
            "date": date(2026, 10, 15),
            "description": "客户来电表扬" if zh else "customer called to thank",
        },
        "metrics": {
            "code": EXAMPLE_AGENT,
            "month": EXAMPLE_MONTH,
            "indicator": EXAMPLE_INDICATOR,
            "value": "96.2%",
        },
        "adjustments": {
            "code": EXAMPLE_AGENT,
            "month": EXAMPLE_MONTH,
            "amount": 200,
            "category": "补发" if zh else "back pay",
            "reason": "9月漏发加班费" if zh else "overtime missed in September",
        },
        "deductions": {
            "code": EXAMPLE_AGENT,
            "month": EXAMPLE_MONTH,
            "children_education": 2000,
            "elderly_care": 1500,
        },
        "tax_opening": {
            "code": EXAMPLE_AGENT,
            "year": 2026,
            "through_month": 9,
            "months": 9,
            "income": 72000,
            "si_hf": 7200,
            "special": 18000,
            "other": 0,
            "tax_withheld": 294,
        },
        "appeals": {
            "code": EXAMPLE_AGENT,
            "record": "投诉" if zh else "complaint",
            "record_date": date(2026, 10, 12),
            "filed": date(2026, 10, 15),
            "reason": "录音显示已向客户解释清楚" if zh else "the recording shows it was explained",
        },
        "targets": {
            "code": EXAMPLE_AGENT,
            "target": EXAMPLE_TARGET,
            "period": "2026-Q4",
            "value": 100000,
            "bonus": 1000,
        },
    }


# Help text per column: (kind, key) overrides key.
_HELP: dict[str, tuple[str, str]] = {
    "code": ("员工工号，须与系统中的员工一致", "The agent's code, as in the app"),
    "name": ("姓名", "Full name"),
    "role": ("岗位（可空）", "Job role (optional)"),
    "team": ("团队（可空）", "Team (optional)"),
    "base_salary": ("月底薪（元），不能为负数", "Monthly base salary in yuan, not negative"),
    "hire_date": ("入职日期 YYYY-MM-DD", "Hire date, YYYY-MM-DD"),
    "leave_date": ("离职日期 YYYY-MM-DD；在职留空", "Leave date, YYYY-MM-DD; empty while employed"),
    "payslip_password": (  # the rule is app.services.agents.PAYSLIP_PASSWORD_RULE (a layer above)
        "工资条 PDF 的打开密码（可空）：8–32 位英文字母、数字或英文符号，不能有空格或中文",
        "Password that opens the payslip PDF (optional): 8–32 English letters, digits or ASCII symbols; "
        "no spaces or Chinese characters",
    ),
    "date": ("日期 YYYY-MM-DD", "Date, YYYY-MM-DD"),
    "minutes": (
        "迟到/早退的分钟数，大于 0 的整数（迟到、早退必填）",
        "Minutes late or left early: a whole number above 0 (required for late and early_leave)",
    ),
    "days": (
        "旷工或请假天数，默认 1，可按 0.5 天填写",
        "Days of absence or leave; default 1, half days (0.5) allowed",
    ),
    "note": ("备注（可空）", "Note (optional)"),
    "scorecard": ("评分表名称或编号（可空）", "Scorecard name or code (optional)"),
    "score": ("得分，0 到 100", "Score from 0 to 100"),
    "fatal": ("是否致命差错：是/否，默认否", "Fatal error: yes/no, default no"),
    "evaluator": ("质检员（可空）", "Evaluator (optional)"),
    "policy_no": (
        "保单号；再次导入同一保单号会更新该保单（如填写撤单日期）",
        "Policy number; importing the same number again updates the policy (e.g. its cancel date)",
    ),
    "product": ("产品代码，须为方案中的产品", "Product code, as in the plan"),
    "premium": ("保费（元），不能为负数", "Premium in yuan, not negative"),
    "customer_level": ("客户等级，如 VIP、A（可空）", "Customer level such as VIP or A (optional)"),
    "new_customer": ("是否新客户：是/否，默认否", "New customer: yes/no, default no"),
    "sign_date": ("签单日期 YYYY-MM-DD", "Sign date, YYYY-MM-DD"),
    "cancel_date": ("撤单日期 YYYY-MM-DD；未撤单留空", "Cancel date, YYYY-MM-DD; empty unless cancelled"),
    "description": ("说明（可空）", "Description (optional)"),
    "month": ("月份 YYYY-MM，例如 2026-10", "Month, YYYY-MM, e.g. 2026-10"),
    "indicator": ("指标代码，须为方案中的指标", "Indicator code, as in the plan"),
    "value": ("数值或百分比，例如 0.962 或 96.2%", "A number or a percentage, e.g. 0.962 or 96.2%"),
    "amount": (
        "金额（元）：补发填正数，追回填负数，不能为 0",
        "Amount in yuan: positive to pay, negative to recover; not 0",
    ),
    "category": ("类别，例如 补发、追回、其他（可空）", "Category such as back pay or recovery (optional)"),
    "reason": ("原因，会显示在工资条上", "Reason, printed on the payslip"),
    # docs/pay-rules.md §9
    "id_number": ("18 位居民身份证号（可空；代扣个税必填）", "18-character resident ID number (needed for tax)"),
    "bank_name": ("开户行（可空）", "Bank name (optional)"),
    "bank_account": ("银行账号，12–30 位数字，空格可有可无", "Bank account, 12–30 digits, spaces ignored"),
    "si_base": ("社保缴费基数（元）；空则为底薪", "Social insurance base in yuan; empty: the base salary"),
    "hf_base": ("公积金基数（元）；空则为社保基数", "Housing fund base in yuan; empty: the SI base"),
    "statutory": ("是否代扣社保公积金个税：是/否，默认是", "Withhold SI, housing fund and tax: yes/no, default yes"),
    "children_education": ("子女教育（元/月）", "Children's education, yuan per month"),
    "continuing_education": ("继续教育（元/月）", "Continuing education, yuan per month"),
    "housing_loan_interest": ("住房贷款利息（元/月）", "Housing loan interest, yuan per month"),
    "housing_rent": ("住房租金（元/月）", "Housing rent, yuan per month"),
    "elderly_care": ("赡养老人（元/月）", "Elderly care, yuan per month"),
    "infant_care": ("3岁以下婴幼儿照护（元/月）", "Infant care (under 3), yuan per month"),
    "year": ("年度，例如 2026", "Tax year, e.g. 2026"),
    "through_month": ("期初数据截至的月份（1–12）", "The last month the figures cover (1–12)"),
    "months": ("截至该月在职发薪的月数", "Months paid up to that month"),
    "income": ("累计收入（元）", "Cumulative income in yuan"),
    "si_hf": ("累计专项扣除：个人社保和公积金（元）", "Cumulative employee SI and housing fund in yuan"),
    "special": ("累计专项附加扣除（元）", "Cumulative special additional deductions in yuan"),
    "tax_withheld": ("累计已预扣个税（元）", "Cumulative tax withheld in yuan"),
}
_HELP_KIND_TAX: dict[tuple[str, str], tuple[str, str]] = {
    ("deductions", "other"): ("其他扣除（元/月），如商业健康险", "Other deductions, yuan per month"),
    ("tax_opening", "other"): ("累计其他扣除（元）", "Cumulative other deductions in yuan"),
}
_HELP_KIND: dict[tuple[str, str], tuple[str, str]] = {
    ("attendance", "type"): ("考勤类型", "Attendance type"),
    ("qa", "status"): (
        "质检状态，默认有效；申诉改判填撤销",
        "QA status; default valid, overturned after an appeal",
    ),
    ("complaints", "level"): ("投诉级别", "Complaint level"),
    ("complaints", "status"): ("投诉状态，默认成立", "Complaint status; default upheld"),
    ("appeals", "record"): ("申诉对象", "What is appealed"),
    ("appeals", "record_date"): (
        "被申诉记录的日期 YYYY-MM-DD（指标填该月任一天）",
        "Date of the appealed record, YYYY-MM-DD (a metric: any day of its month)",
    ),
    ("appeals", "indicator"): ("指标代码（仅指标申诉必填）", "Indicator code (metric appeals only)"),
    ("appeals", "filed"): ("申诉日期 YYYY-MM-DD", "Date the appeal was filed, YYYY-MM-DD"),
    ("appeals", "reason"): ("申诉理由", "Why the agent appeals"),
    ("appeals", "override_reason"): (
        "超过申诉期仍受理的原因（仅超期时填写，记入操作日志）",
        "Why a late appeal is accepted (only when late; kept in the audit log)",
    ),
    ("targets", "target"): ("目标代码，须为该期间末月适用方案中的目标", "Target code, as in the plan in force "
                            "in the period's last month"),
    ("targets", "period"): ("期间：月 2026-10、季度 2026-Q4、半年 2026-H2 或全年 2026", "Period: a month 2026-10, a "
                            "quarter 2026-Q4, a half year 2026-H2 or a year 2026"),
    ("targets", "value"): ("目标值，大于 0（标准保费、保单数或指标值）", "Target value above 0 (standard premium, "
                           "policies or the metric's value)"),
    ("targets", "bonus"): ("奖金基数（元，可空）：填写则代替方案中该目标的奖金", "Bonus in yuan (optional): replaces "
                           "the plan's bonus of the target for this agent and period"),
}

_GENERAL_HELP = {
    "zh": [
        "第1行为表头（中文或英文列名均可，顺序不限），从第2行开始每行一条记录；示例行可直接修改或删除。",
        "日期填 YYYY-MM-DD（或设为 Excel 日期格式），月份填 YYYY-MM；是/否列可填 是/否、yes/no、1/0、Y/N。",
        "导入时先检查整个文件，有任何问题都不会写入，并列出每个问题所在的行和列。",
    ],
    "en": [
        "Row 1 is the header (Chinese or English column names, any order); one record per row from row 2. "
        "Edit or delete the example row.",
        "Dates are YYYY-MM-DD (or real Excel dates), months YYYY-MM; yes/no columns take 是/否, yes/no, 1/0, Y/N.",
        "The whole file is checked first; if anything is wrong nothing is saved, and each problem is listed "
        "with its row and column.",
    ],
}


def _help_text(kind: str, key: str, lang: str) -> str:
    zh, en = _HELP_KIND.get((kind, key)) or _HELP_KIND_TAX.get((kind, key)) or _HELP.get(key, ("", ""))
    text = zh if lang == "zh" else en
    choices = _CHOICES.get((kind, key))
    if choices is not None and key not in ("fatal", "new_customer"):
        sep = "、" if lang == "zh" else ", "
        text += ("：" if lang == "zh" else ": ") + sep.join(choices[lang])
    limit = next((c.max_length for c in COLUMNS[kind] if c.key == key), None)
    if limit is not None and key != "payslip_password":  # the password has its own rule
        text += f"；最多 {limit} 个字符" if lang == "zh" else f"; at most {limit} characters"
    return text


def write_template(kind: str, path: Path, lang: str = "zh") -> None:
    """Write the import template of ``kind`` to ``path`` (``lang`` "zh" or "en" for headers and words)."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {', '.join(KINDS)}")
    lang = "en" if lang.lower().startswith("en") else "zh"
    columns = COLUMNS[kind]
    example = _examples(lang)[kind]

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = KIND_NAMES[kind][0 if lang == "zh" else 1]
    last = _TEMPLATE_ROWS + 1
    bold = Font(bold=True)
    for i, col in enumerate(columns, start=1):
        letter = get_column_letter(i)
        header = col.zh if lang == "zh" else col.en
        cell = ws.cell(row=1, column=i, value=header)
        cell.font = bold
        cell.fill = _REQUIRED_FILL if col.required else _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        fmt = "yyyy-mm-dd" if col.key in _DATE_KEYS else "@" if col.key in _TEXT_KEYS else None
        if fmt is not None:
            for r in range(2, last + 1):
                ws.cell(row=r, column=i).number_format = fmt
        value = example.get(col.key)
        if value is not None:
            ws.cell(row=2, column=i, value=value)
        shown = max(len(str(header)) * (2 if lang == "zh" else 1), len(str(value or "")) + 2)
        ws.column_dimensions[letter].width = max(12, min(40, shown + 4))
        choices = _CHOICES.get((kind, col.key))
        if choices is not None:
            words = choices[lang]
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(words) + '"',
                allow_blank=True,
                showDropDown=False,  # openpyxl's name is inverted: False shows the arrow
                errorStyle="warning",
                showErrorMessage=True,
                errorTitle="无法识别" if lang == "zh" else "Unknown value",
                error=("请从下拉列表中选择：" if lang == "zh" else "Choose from the list: ")
                + ", ".join(words),
            )
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet("说明" if lang == "zh" else "Help")
    titles = (
        ("列名", "英文列名", "必填", "说明")
        if lang == "zh"
        else ("Column", "Chinese name", "Required", "Help")
    )
    for i, title in enumerate(titles, start=1):
        c = help_ws.cell(row=1, column=i, value=title)
        c.font = bold
        c.fill = _HEADER_FILL
    yes_no = ("是", "否") if lang == "zh" else ("yes", "no")
    for r, col in enumerate(columns, start=2):
        first, second = (col.zh, col.en) if lang == "zh" else (col.en, col.zh)
        help_ws.cell(row=r, column=1, value=first)
        help_ws.cell(row=r, column=2, value=second)
        help_ws.cell(row=r, column=3, value=yes_no[0] if col.required else yes_no[1])
        help_ws.cell(row=r, column=4, value=_help_text(kind, col.key, lang))
    row = len(columns) + 3
    for line in _GENERAL_HELP[lang]:
        help_ws.cell(row=row, column=1, value=line)
        row += 1
    for letter, width in zip("ABCD", (16, 18, 8, 80), strict=True):
        help_ws.column_dimensions[letter].width = width
    help_ws.freeze_panes = "A2"

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
