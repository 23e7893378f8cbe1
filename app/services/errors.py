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
