"""Rules for the text fields people type or import: how codes compare, how long text may be,
and which characters never reach the database.

One place for all three so the import files, the services (and with them the command line)
and the Qt forms cannot disagree:

* **Agent codes are case-insensitive.** Windows file names, Excel lookups and people treat
  ``A001`` and ``a001`` as the same code, so BranchPay does too: :func:`code_key` is the one
  way two codes are compared. The database enforces it with a unique index on ``lower(code)``
  (migration 0002); SQLite's ``lower`` folds only ASCII letters, so the index is a backstop and
  :func:`code_key` (full Unicode casefolding) is the stricter rule the app applies first.
* **Text has a maximum length** (the ``*_MAX`` constants), checked at import, in the services
  and by ``QLineEdit.setMaxLength`` in the forms. A 100,000-character name would otherwise
  import fine and then break every payslip file name built from it.
* **No control characters**: :func:`clean_text` removes C0/C1 control characters (a NUL or
  ESC that an xlsx ``_x0000_`` escape smuggles in); tabs and line breaks become spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Maximum lengths, in characters. Codes match the database columns (String(32)); names stay
# well inside a file name (a payslip file is named after code and name); free text is a comment.
CODE_MAX = 32  # agent code, product code, indicator code, scorecard code
NAME_MAX = 50  # agent name, role, team, evaluator
POLICY_NO_MAX = 64  # policy numbers of insurers run long
LEVEL_MAX = 16  # customer level (VIP, 普通 …)
CATEGORY_MAX = 32  # adjustment category
SCORECARD_MAX = 64  # a scorecard's name or code in a QA import
PASSWORD_MAX = 128  # stored payslip password (a new one is limited further by the password rule)
TEXT_MAX = 500  # notes, descriptions, reasons

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACE_CONTROL = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1f\x85]")


def code_key(code: str) -> str:
    """The form in which two agent codes are compared: ``code_key("a001 ") == code_key("A001")``."""
    return code.strip().casefold()


def has_control(text: str) -> bool:
    """Whether ``text`` holds a C0/C1 control character (tab and line breaks included)."""
    return _CONTROL.search(text) is not None


def clean_text(text: str) -> str:
    """``text`` without control characters: line breaks and tabs become a space, the rest
    (NUL, ESC, DEL, C1 …) are removed; ordinary text, Chinese included, is kept as it is."""
    return strip_controls(text)[0]


def strip_controls(text: str) -> tuple[str, bool]:
    """:func:`clean_text`, and whether an invisible control (not a tab or line break) was removed."""
    if _CONTROL.search(text) is None:
        return text, False
    spaced = _SPACE_CONTROL.sub(" ", text)
    cleaned = _CONTROL.sub("", spaced)
    return cleaned, len(cleaned) != len(spaced)


def too_long(label: tuple[str, str], limit: int, length: int) -> tuple[str, str]:
    """The message for a text over its limit, in Chinese and English, naming the field."""
    return (
        f"{label[0]}最长 {limit} 个字符（现为 {length} 个）",
        f"{label[1]} is at most {limit} characters (it has {length})",
    )


def match_code(codes: Iterable[str], code: str) -> str | None:
    """The code among ``codes`` (as stored) that ``code`` names: the exact spelling first, else
    the one equal by :func:`code_key`; ``None`` when there is none."""
    if code in codes:
        return code
    key = code_key(code)
    return next((c for c in codes if code_key(c) == key), None)
