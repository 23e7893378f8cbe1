"""Errors of the database layer that the user must read (and can act on), not a traceback."""

from __future__ import annotations

from collections.abc import Sequence


class DuplicateAgentCodes(Exception):
    """The database holds agent codes that differ only by upper/lower case (``A1`` and ``a1``).

    Raised by migration 0002 before it adds the case-insensitive unique index on agent codes;
    nothing is changed. ``groups`` lists each set of clashing codes as stored.
    """

    def __init__(self, groups: Sequence[Sequence[str]]) -> None:
        self.groups = [list(g) for g in groups]
        shown = "；".join(" / ".join(g) for g in self.groups)
        shown_en = "; ".join(" / ".join(g) for g in self.groups)
        self.message = (
            f"数据库中有只差大小写的工号：{shown}。工号不区分大小写（Windows 和 Excel 都视为同一个），"
            "所以无法升级数据库，数据库没有任何改动。请用旧版程序把其中一个工号改成别的工号"
            "（人员 → 编辑 → 工号），然后重新打开。"
        )
        self.message_en = (
            f"the database holds agent codes that differ only by upper/lower case: {shown_en}. "
            "Agent codes ignore case (Windows and Excel treat them as the same), so the database "
            "cannot be upgraded; nothing was changed. Rename one code of each pair with the previous "
            "version of the program (Agents → Edit → Code), then open the database again."
        )
        super().__init__(f"{self.message}\n{self.message_en}")

    def text(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message
