"""Errors the services raise for the user to read (never a traceback)."""

from __future__ import annotations


class ServiceError(Exception):
    """A refused action with a plain-language reason (Chinese; English in ``message_en``)."""

    def __init__(self, message: str, message_en: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en or message

    def text(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message


class ValidationFailed(ServiceError):
    """Input that fails validation; ``problems`` lists every field problem found."""

    def __init__(self, problems: list[str], problems_en: list[str] | None = None) -> None:
        super().__init__("；".join(problems), "; ".join(problems_en or problems))
        self.problems = problems
        self.problems_en = problems_en or problems


class MonthLocked(ServiceError):
    def __init__(self, month: str) -> None:
        super().__init__(
            f"{month} 已锁定，不能修改；更正请在未锁定月份录入调整项。",
            f"{month} is locked and cannot be changed; enter corrections as adjustments of an open month.",
        )
        self.month = month


class DatabaseBusy(ServiceError):
    """Another connection (a second window, a command-line run) kept the database's write lock
    longer than the busy timeout, or wrote after this transaction read what it was about to change;
    this transaction wrote nothing."""

    def __init__(self) -> None:
        super().__init__(
            "数据库正忙（另一个窗口或命令正在写入），本次修改没有保存；请稍后重试。",
            "the database is busy (another window or command is writing); this change was not saved. Try again.",
        )


class EmploymentInLockedMonth(ServiceError):
    """An agent's employment change that would alter the pay of a locked month (issue #10)."""

    def __init__(self, code: str, months: list[str], reason: tuple[str, str], action: tuple[str, str]) -> None:
        super().__init__(f"{reason[0]}。{action[0]}。", f"{reason[1]}; {action[1]}.")
        self.code = code
        self.months = months


class StaleRecord(ServiceError):
    """A form saved a record someone else changed after the form read it (db/versioning.py): the save
    is refused rather than silently undoing the other change."""

    def __init__(self, what: tuple[str, str], by: str, at: str) -> None:
        who_zh, who_en = (by, by) if by else ("另一位用户", "another user")
        super().__init__(
            f"{what[0]}已被 {who_zh} 于 {at} 修改，本次修改没有保存；请重新载入后再改。",
            f"{what[1]} was changed by {who_en} at {at}, reload and edit again; your change was not saved.",
        )
        self.by = by
        self.at = at
