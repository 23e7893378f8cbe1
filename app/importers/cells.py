"""Turning one spreadsheet cell into a typed value, or into the words that explain why not.

Converters raise :class:`CellError` with bilingual reason/action; the row parser
turns that into a :class:`~app.importers.problems.Problem` with the row and
column. Keeping the conversion separate from the reporting means every kind reads
numbers, dates and value words the same way, and the fuzz tests can hammer one
small surface.

Numbers never pass through float arithmetic: text goes through :func:`app.money.D`,
and a float that openpyxl/calamine read from an xlsx goes through ``repr`` first,
so a 0.1 typed in Excel is exactly ``Decimal("0.1")``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from app.importers.kinds import BOOL_WORDS
from app.money import MONEY_MARKS, D, MoneyError, check_money, fmt_num

Cell = object

_MAX_ABS = Decimal("1e12")  # nothing in a branch payroll is a trillion; bigger means a typo or junk
_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_MIN_YEAR, _MAX_YEAR = 1900, 2199

DATE_ACTION = ("请按 YYYY-MM-DD 填写，例如 2026-03-05", "write it as YYYY-MM-DD, e.g. 2026-03-05")
MONTH_ACTION = ("请按 YYYY-MM 填写，例如 2026-03", "write it as YYYY-MM, e.g. 2026-03")
NUMBER_ACTION = ("请填写数字，例如 1200.50", "enter a number such as 1200.50")


class CellError(Exception):
    """A cell that cannot become the value its column needs, with what to tell the user."""

    def __init__(self, reason: str, reason_en: str, action: str = "", action_en: str = "") -> None:
        super().__init__(reason_en)
        self.reason = reason
        self.reason_en = reason_en
        self.action = action
        self.action_en = action_en


def show(cell: Cell, limit: int = 40) -> str:
    """A cell as the user would recognise it in a message (shortened: a message is one line)."""
    text = as_text(cell)
    text = text.replace("\r", " ").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_text(cell: Cell) -> str:
    """The text a cell shows: a code typed as a number in Excel (1001.0) is ``"1001"``."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < 1e16:
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, Decimal):
        return fmt_num(cell) if cell.is_finite() else str(cell)
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time(0) else cell.isoformat(" ")
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def as_number(cell: Cell, *, percent: bool = False) -> Decimal:
    """A number from text or a numeric cell; ``percent`` allows ``95%`` (→ 0.95)."""
    if isinstance(cell, bool):
        raise _not_number(cell)
    if isinstance(cell, int):
        value = Decimal(cell)
    elif isinstance(cell, float):
        if not math.isfinite(cell):
            raise _not_number(cell)
        # xlsx stores every number as a float; repr gives the shortest text that round-trips,
        # so 0.1 typed in Excel is Decimal("0.1"), and 4000.0 is the integer 4000.
        value = Decimal(int(cell)) if cell.is_integer() else Decimal(repr(cell))
    elif isinstance(cell, Decimal):
        value = cell
    elif isinstance(cell, str):
        try:  # fast path for plain numbers, the common case in a 50k-row file
            value = Decimal(cell)
        except (InvalidOperation, ValueError):
            value = _slow_number(cell, percent)
    elif isinstance(cell, date | time | timedelta):
        raise CellError(
            f"这里应填数字，但单元格是日期/时间 “{show(cell)}”",
            f'expected a number but the cell is a date/time "{show(cell)}"',
            "请把单元格格式设为“常规”或“数值”后填写数字",
            'set the cell format to "General" or "Number" and enter a number',
        )
    else:
        raise _not_number(cell)
    if not value.is_finite():
        raise _not_number(cell)
    if abs(value) >= _MAX_ABS:
        raise CellError(
            f"数值过大 “{show(cell)}”",
            f'the number is too large "{show(cell)}"',
            "请检查是否多输入了数字",
            "check for extra digits",
        )
    return value


def plain_number(cell: Cell) -> Decimal | None:
    """What :func:`as_number` gives a text cell holding a plain finite number (``1200.50``) or a number
    cell of an xlsx, or None when it is anything else and the full converter must decide (and explain)."""
    kind = cell.__class__
    if kind is str:
        try:
            value = Decimal(cell)  # type: ignore[arg-type]
        except (InvalidOperation, ValueError):
            return None
    elif kind is float:
        number: float = cell  # type: ignore[assignment]
        if not math.isfinite(number):
            return None
        value = Decimal(int(number)) if number.is_integer() else Decimal(repr(number))
    elif kind is int:
        value = Decimal(cell)  # type: ignore[arg-type]
    else:
        return None
    if value.is_finite() and abs(value) < _MAX_ABS:
        return value
    return None


_PLAIN_AMOUNT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?").fullmatch  # below _MAX_ABS, at most two decimals


def plain_money(cell: Cell) -> Decimal | None:
    """What :func:`as_money` gives a cell holding a plain amount with at most two decimals, or None."""
    if cell.__class__ is str and _PLAIN_AMOUNT(cell):  # type: ignore[arg-type]
        return Decimal(cell)  # type: ignore[arg-type]  # the common case, decided by the text alone
    value = plain_number(cell)
    if value is not None:
        exponent = value.as_tuple().exponent
        if exponent.__class__ is int and -2 <= exponent <= 0:  # type: ignore[operator]
            return value
    return None


def plain_date(cell: Cell) -> date | None:
    """What :func:`as_date` gives a ``YYYY-MM-DD`` text cell or a date cell of a plausible year, or None."""
    kind = cell.__class__
    if kind is datetime or kind is date:
        day: date = cell  # type: ignore[assignment]
        return date(day.year, day.month, day.day) if _MIN_YEAR <= day.year <= _MAX_YEAR else None
    if kind is not str:
        return None
    text: str = cell  # type: ignore[assignment]
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
        try:
            value = date.fromisoformat(text)
        except ValueError:
            return None
        if _MIN_YEAR <= value.year <= _MAX_YEAR:
            return value
    return None


def as_money(cell: Cell) -> Decimal:
    """An amount of money (base salary, premium, adjustment): a number with at most two decimals.

    A third decimal is refused, not rounded (``10.005`` would otherwise be paid as 10.01).
    """
    value = as_number(cell)  # finite and below a trillion
    exponent = value.as_tuple().exponent
    if exponent.__class__ is int and -2 <= exponent <= 0:  # type: ignore[operator]
        return value  # at most two decimals, nothing to normalise: what check_money would return
    try:
        return check_money(value, show(cell))
    except MoneyError as e:
        raise CellError(
            e.message,
            e.message_en,
            "请填写到分为止的金额，例如 10.01 或 10.00",
            "write the amount to the cent, e.g. 10.01 or 10.00",
        ) from None


def _slow_number(cell: str, percent: bool) -> Decimal:
    """Numbers as people type them: ``1,200.50``, ``¥1200``, ``1200元``, and ``95%`` where allowed."""
    text = cell.strip()
    for sym in MONEY_MARKS:
        text = text.replace(sym, "")
    if not percent and (text.endswith("%") or text.endswith("％")):
        raise CellError(
            f"这里不能填百分比 “{show(cell)}”",
            f'a percentage is not allowed here "{show(cell)}"',
            *NUMBER_ACTION,
        )
    try:
        return D(text)
    except (InvalidOperation, ValueError, TypeError, ArithmeticError):
        raise _not_number(cell) from None


def _not_number(cell: Cell) -> CellError:
    return CellError(f"不是数字 “{show(cell)}”", f'not a number "{show(cell)}"', *NUMBER_ACTION)


def _make_date(y: int, m: int, d: int, cell: Cell) -> date:
    if not _MIN_YEAR <= y <= _MAX_YEAR:
        raise CellError(
            f"年份不合理 “{show(cell)}”",
            f'the year is not plausible "{show(cell)}"',
            *DATE_ACTION,
        )
    try:
        return date(y, m, d)
    except ValueError:
        raise CellError(
            f"日期不存在 “{show(cell)}”",
            f'no such date "{show(cell)}"',
            "请检查月份和日（例如 2 月没有 30 日）",
            "check the month and day (February has no 30th, for example)",
        ) from None


def as_date(cell: Cell) -> date:
    """A real spreadsheet date, or ``YYYY-MM-DD`` / ``YYYY/MM/DD`` text (time part ignored)."""
    if cell.__class__ is str:  # the common case first: an ISO date typed or saved as text
        found = plain_date(cell)  # type: ignore[arg-type]
        if found is not None:
            return found
    if isinstance(cell, datetime):
        return _make_date(cell.year, cell.month, cell.day, cell)
    if isinstance(cell, date):
        return _make_date(cell.year, cell.month, cell.day, cell)
    if isinstance(cell, str):
        text = cell.strip()
        if len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
            try:
                value = date.fromisoformat(text)
            except ValueError:
                pass
            else:
                return _make_date(value.year, value.month, value.day, cell)
        m = _DATE_RE.match(text)
        if m and all(g.isascii() for g in m.groups()):
            return _make_date(int(m[1]), int(m[2]), int(m[3]), cell)
    if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
        raise CellError(
            f"不是日期 “{show(cell)}”（单元格是数字）",
            f'not a date "{show(cell)}" (the cell holds a number)',
            "请把单元格格式设为日期，或按 YYYY-MM-DD 填写文字",
            "format the cell as a date, or type the date as YYYY-MM-DD",
        )
    raise CellError(f"不是日期 “{show(cell)}”", f'not a date "{show(cell)}"', *DATE_ACTION)


def as_month(cell: Cell) -> str:
    """``YYYY-MM`` text; a date (Excel turns a typed ``2026-10`` into 2026-10-01) gives its month."""
    if isinstance(cell, str):
        text = cell.strip()
        m = _MONTH_RE.match(text)
        if m and all(g.isascii() for g in m.groups()):
            y, mo = int(m[1]), int(m[2])
            if not _MIN_YEAR <= y <= _MAX_YEAR or not 1 <= mo <= 12:
                raise CellError(f"月份不存在 “{show(cell)}”", f'no such month "{show(cell)}"', *MONTH_ACTION)
            return f"{y:04d}-{mo:02d}"
        if not _DATE_RE.match(text):
            raise CellError(f"不是月份 “{show(cell)}”", f'not a month "{show(cell)}"', *MONTH_ACTION)
    if isinstance(cell, str | date):
        d = as_date(cell)
        return f"{d.year:04d}-{d.month:02d}"
    raise CellError(f"不是月份 “{show(cell)}”", f'not a month "{show(cell)}"', *MONTH_ACTION)


def as_bool(cell: Cell) -> bool:
    """是/否, yes/no, true/false, 1/0, Y/N (any case), or a real TRUE/FALSE cell."""
    if cell.__class__ is str:  # the common case first
        found = BOOL_WORDS.get(cell.strip().casefold())  # type: ignore[attr-defined]
        if found is not None:
            return found
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float | Decimal) and cell in (0, 1):
        return bool(cell)
    if isinstance(cell, str):
        found = BOOL_WORDS.get(cell.strip().casefold())
        if found is not None:
            return found
    raise CellError(
        f"无法识别的是/否值 “{show(cell)}”",
        f'not a yes/no value "{show(cell)}"',
        "请填写 是 或 否",
        "enter yes or no",
    )


def norm_word(text: str) -> str:
    """Casefold and unify separators so ``Early Leave``, ``early-leave`` and ``early_leave`` agree."""
    return "_".join(text.strip().casefold().replace("-", " ").split())


def as_word(cell: Cell, words: Mapping[str, str], label: tuple[str, str], shown: tuple[str, str]) -> str:
    """One of a column's value words, in Chinese or English, as its canonical English word."""
    text = as_text(cell)
    found = words.get(norm_word(text))
    if found is None:
        found = words.get(norm_word(text).replace("_", ""))
    if found is None:
        raise CellError(
            f"无法识别的{label[0]} “{show(cell)}”",
            f'unknown {label[1]} "{show(cell)}"',
            f"请填写以下之一：{shown[0]}",
            f"use one of: {shown[1]}",
        )
    return found
