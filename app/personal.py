"""Personal data of an agent: the ID number (居民身份证号) and the bank account (docs/pay-rules.md §9.1).

One place for the rules every entry path applies (the agent form, the agents import, the
services) and for the mask every *showing* path applies: screens, payslips, the summary,
messages and logs show only the last 4 characters (:func:`mask`). Only the agent form, the
bank file and the tax file show them whole. No message built here ever contains the whole value.
"""

from __future__ import annotations

import re
from datetime import date

ID_LENGTH = 18
BANK_MIN = 12
BANK_MAX = 30
BANK_NAME_MAX = 64

# ISO 7064 MOD 11-2 as GB 11643 applies it: weight of position i (0-based, left to right) is
# 2^(17 - i) mod 11, and the check character is CHECK_CHARS[sum mod 11].
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARS = "10X98765432"
_SPACES = re.compile(r"[\s\u3000]+")


def mask(value: str | None) -> str:
    """``"****1234"``: the last 4 characters, or empty text for an empty value."""
    if not value:
        return ""
    text = str(value)
    return "****" + text[-4:] if len(text) > 4 else "****"


def id_check_char(first17: str) -> str:
    """The MOD 11-2 check character of the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalize_id(text: str) -> str:
    """Spaces removed and a lower-case check ``x`` written ``X``."""
    return _SPACES.sub("", text or "").upper()


def id_problem(text: str, *, today: date | None = None) -> tuple[str, str] | None:
    """Why ``text`` is not a valid ID number (Chinese, English), or ``None``. Never quotes the number:
    at most its last 4 characters."""
    value = normalize_id(text)
    tail = mask(value)
    if len(value) != ID_LENGTH:
        return (
            f"身份证号应为 18 位（现为 {len(value)} 位）",
            f"the ID number must have 18 characters (it has {len(value)})",
        )
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return (
            f"身份证号只能是 17 位数字加 1 位数字或 X（{tail}）",
            f"the ID number must be 17 digits and a digit or X ({tail})",
        )
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < 1900 or born > (today or date.today()):
        return (
            f"身份证号中的出生日期无效（{tail}）",
            f"the ID number's birth date is not a valid date ({tail})",
        )
    if id_check_char(value[:17]) != value[17]:
        return (
            f"身份证号校验位不正确（{tail}），请核对号码",
            f"the ID number's check character is wrong ({tail}); check the number",
        )
    return None


def normalize_account(text: str) -> str:
    """Spaces removed (a bank account is often written in groups of four)."""
    return _SPACES.sub("", text or "")


def account_problem(text: str) -> tuple[str, str] | None:
    """Why ``text`` is not a bank account number (12–30 digits, spaces ignored), or ``None``."""
    value = normalize_account(text)
    if not value.isdigit() or not BANK_MIN <= len(value) <= BANK_MAX:
        return (
            f"银行账号应为 {BANK_MIN}–{BANK_MAX} 位数字（现为 {len(value)} 个字符，{mask(value)}）",
            f"the bank account must be {BANK_MIN}–{BANK_MAX} digits (it has {len(value)} characters, "
            f"{mask(value)})",
        )
    return None
