"""Settings (设置), declared once with defaults and bilingual titles (after Picard's options)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.services.audit import audit
from db.models import Setting


@dataclass(frozen=True)
class Option:
    key: str
    default: str
    title_zh: str
    title_en: str
    # A secret (the password hash) is never copied into the audit log, only the fact it changed.
    secret: bool = False


# ``payslip_size``'s third value: A5 payslips printed two to an A4 sheet in the combined file.
TWO_UP_PAPER = "A5X2"

OPTIONS: dict[str, Option] = {
    o.key: o
    for o in (
        Option("branch_name", "客户服务中心", "网点名称", "Branch name"),
        # Tells branches apart in head office's region workbook (region consolidate, docs/formats.md).
        Option("branch_code", "", "网点代码", "Branch code"),
        Option("branch_logo", "", "网点标志图片", "Branch logo image"),
        Option("language", "zh", "界面语言", "Language"),
        Option(
            "payslip_size",
            "A5",
            "工资条纸张（A4/A5；A5X2 = 一张 A4 印两张 A5）",
            "Payslip paper (A4/A5; A5X2 = two A5 slips per A4 sheet)",
        ),
        Option("payslip_font", "", "工资条字体文件（TTF，可留空）", "Payslip font file (TTF, optional)"),
        Option("minimum_wage", "2200.00", "最低工资提醒线", "Minimum wage warning level"),
        Option("backup_keep", "10", "保留备份份数", "Backups to keep"),
        Option("backup_every_days", "7", "自动备份间隔（天）", "Automatic backup every (days)"),
        Option("app_password_hash", "", "程序密码", "App password", secret=True),
        Option(
            "idle_lock_minutes",
            "10",
            "无操作自动锁定（分钟，0 表示不锁定）",
            "Lock after idle minutes (0 = never)",
        ),
        Option("last_backup_at", "", "上次自动/手动备份时间", "Last backup time"),
        Option("first_run_done", "", "已完成首次设置", "First-run setup done"),
        # Set by the demo (app.services.demo.fill_demo): the window marks its made-up figures as demo data.
        Option("is_demo", "", "演示数据", "Demo data"),
        # docs/pay-rules.md §10: which sign-offs the branch uses (签批 always), and whether one person
        # may calculate and sign off, or sign two steps (a branch of two people).
        Option("signoff_steps", "approve", "使用的签核步骤（review,check,approve）", "Sign-off steps used"),
        Option("signoff_same_person", "", "允许同一人核算并签核（两人网点）", "One person may sign several steps"),
    )
}


# Settings the app itself keeps (not the user's choices): written whoever is signed in.
_KEPT_BY_THE_APP = frozenset({"last_backup_at", "first_run_done", "is_demo"})


def get_setting(session: Session, key: str) -> str:
    option = OPTIONS[key]
    row = session.get(Setting, key)
    return row.value if row is not None else option.default


def all_settings(session: Session) -> dict[str, str]:
    return {key: get_setting(session, key) for key in OPTIONS}


def set_setting(session: Session, key: str, value: str) -> None:
    if key not in OPTIONS:
        raise KeyError(key)
    row = session.get(Setting, key)
    before = row.value if row is not None else OPTIONS[key].default
    if before != value and key not in _KEPT_BY_THE_APP:
        from app.services.users import require_role
        from app.text import Text

        require_role(session, ("admin",), Text("修改设置", "change settings"))  # §10: settings are the admin's
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    if before != value:
        if OPTIONS[key].secret:
            before, value = ("***" if before else ""), ("***" if value else "")
        audit(session, "setting.change", entity="setting", key=key, before=before, after=value)
    session.flush()
