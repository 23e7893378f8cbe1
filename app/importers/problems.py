"""Import problems as data (after beancount's ``ops/balance.py``: errors are returned, not raised).

An import is all or nothing, so the user must see *every* problem of a file at
once, each pointing at a row and column exactly as the spreadsheet shows them and
saying what to do. That is why a problem is a plain value the UI, the CLI and the
tests can list, count and render in either language, not an exception.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

LIST_LIMIT = 200
"""How many problems a list shows (command line, import window): a file of 350,000 bad rows must not
print 350,000 lines, nor build a window of them; the count and "… and N more" say the rest."""
LINE_LIMIT = 500
"""The longest one-line reason shown: a message is one line, however long the text behind it."""


def one_line(text: str, limit: int = LINE_LIMIT) -> str:
    """``text`` on one line (line breaks and runs of spaces become one space), cut to ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def more_text(hidden: int) -> tuple[str, str]:
    """The line after a capped list: how many were left out and what to do (Chinese, English)."""
    return (
        f"……另有 {hidden} 个问题未列出；请先改正以上问题，再检查一次",
        f"… and {hidden} more not listed; correct the ones above and check again",
    )


def capped(lines: list[str], lang: str = "zh", limit: int = LIST_LIMIT) -> list[str]:
    """The first ``limit`` lines (each cut to one line), then how many more were left out, if any."""
    shown = [one_line(line) for line in lines[:limit]]
    if len(lines) > limit:
        zh, en = more_text(len(lines) - limit)
        shown.append(en if lang.lower().startswith("en") else zh)
    return shown


@dataclass(frozen=True)
class Problem:
    """One thing wrong (``severity="error"``) or worth knowing (``"warning"``) about an import file.

    ``reason``/``action`` are the Chinese texts (Chinese is the app's default
    language, and callers that build a Problem positionally get a sensible one);
    ``reason_en``/``action_en`` are their English versions, falling back to the
    Chinese when empty. ``column`` is the header as it appears in the file (or
    the Chinese name of a column that is missing); ``column_alt`` is the name in
    the other language, shown in brackets so a user who reads either language
    can find the column.
    """

    file: str
    row: int | None
    column: str | None
    reason: str
    action: str = ""
    severity: str = ERROR
    reason_en: str = ""
    action_en: str = ""
    column_alt: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def reason_zh(self) -> str:
        return self.reason

    @property
    def action_zh(self) -> str:
        return self.action

    def message(self, lang: str = "zh") -> str:
        """Render the whole problem as one line, e.g.
        ``sales.csv 第3行 保费(premium): 不是数字 “abc” — 请填写数字，例如 1200.50``."""
        en = lang.lower().startswith("en")
        reason = (self.reason_en or self.reason) if en else self.reason
        action = (self.action_en or self.action) if en else self.action
        column = self.column
        if column and self.column_alt and self.column_alt.casefold() != column.casefold():
            column = f"{column} ({self.column_alt})" if en else f"{column}({self.column_alt})"
        if en:
            where = self.file
            if self.row is not None:
                where += f" row {self.row}"
            if column:
                where += f", {column}"
        else:
            where = self.file
            if self.row is not None:
                where += f" 第{self.row}行"
            if column:
                where += f" {column}"
        text = f"{where}: {reason}"
        if action:
            text += f" — {action}"
        return text

    def __str__(self) -> str:
        return self.message("zh")
