"""The attendance cell grammar: what a manager types into one cell of the month grid.

Pure text handling — no database: :func:`parse_cell` turns a cell's text into entries (or a
problem to show under the cell), :func:`format_cell` and :func:`describe_cell` write records
back as cell text. :mod:`app.services.attendance` stores the entries as records.

Cell text (one code per entry; several entries in one cell are separated by spaces,
commas, ``/``, ``、`` or ``;`` — or simply written one after another, ``迟5空``):

==========  ==============  =================  ====================================
code        English word    pinyin             meaning
==========  ==============  =================  ====================================
``迟15``    ``late15``      ``chi15``          late, minutes required (whole, 1–1440)
``早10``    ``early10``     ``zao10``          early leave, minutes required
``空``      ``away``        ``kong``           away from the seat (``空2`` = twice)
``调``      ``swap``        ``tiao``           unauthorised shift swap (``调2`` = twice)
``旷``      ``absence``     ``kuang``          absence, days (default 1; ``旷0.5``)
``事``      ``personal``    ``shi``            personal leave, days (default 1; ``事0.5``)
``病``      ``sick``        ``bing``           sick leave, days
``年``      ``annual``      ``nian``           annual leave, days
``其``      ``other``       ``qi``             other leave, days
==========  ==============  =================  ====================================

The longer Chinese words of the import files (迟到, 早退, 空岗, 私自调班/调班, 旷工, 事假,
病假, 年假, 其他假) and ``early_leave``/``absent`` are accepted too, as are units after the
number (``迟15分``, ``旷0.5天``, ``late15min``) and full-width characters. Pinyin is accepted
because switching the input method for every cell is the slowest part of typing a month.
Days come in steps of 0.5. Text is case-insensitive.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Protocol

from app.engine.facts import ATTENDANCE_KINDS, LEAVE_KINDS

# --- codes -----------------------------------------------------------------------------

MINUTE_KINDS = ("late", "early_leave")
COUNT_KINDS = ("away", "swap")
DAY_KINDS = ("absence", *LEAVE_KINDS)

# The one-character code of each kind as written on the paper sheets, and the English word
# shown when the interface is in English. Order = ATTENDANCE_KINDS.
CODE_ZH: dict[str, str] = {
    "late": "迟",
    "early_leave": "早",
    "away": "空",
    "swap": "调",
    "absence": "旷",
    "personal": "事",
    "sick": "病",
    "annual": "年",
    "other": "其",
}
CODE_EN: dict[str, str] = {
    "late": "late",
    "early_leave": "early",
    "away": "away",
    "swap": "swap",
    "absence": "absence",
    "personal": "personal",
    "sick": "sick",
    "annual": "annual",
    "other": "other",
}
KIND_NAME: dict[str, tuple[str, str]] = {
    "late": ("迟到", "late"),
    "early_leave": ("早退", "early leave"),
    "away": ("空岗", "away"),
    "swap": ("私自调班", "shift swap"),
    "absence": ("旷工", "absence"),
    "personal": ("事假", "personal leave"),
    "sick": ("病假", "sick leave"),
    "annual": ("年假", "annual leave"),
    "other": ("其他假", "other leave"),
}

_WORDS: dict[str, str] = {
    # Chinese: the sheet codes and the import file's words.
    "迟": "late", "迟到": "late",
    "早": "early_leave", "早退": "early_leave",
    "空": "away", "空岗": "away", "离岗": "away",
    "调": "swap", "调班": "swap", "私自调班": "swap",
    "旷": "absence", "旷工": "absence",
    "事": "personal", "事假": "personal",
    "病": "sick", "病假": "sick",
    "年": "annual", "年假": "annual", "年休": "annual",
    "其": "other", "其他": "other", "其他假": "other",
    # English.
    "late": "late", "early": "early_leave", "early_leave": "early_leave",
    "away": "away", "swap": "swap", "absence": "absence", "absent": "absence",
    "personal": "personal", "sick": "sick", "annual": "annual", "other": "other",
    # Pinyin of the sheet codes.
    "chi": "late", "zao": "early_leave", "kong": "away", "tiao": "swap", "kuang": "absence",
    "shi": "personal", "bing": "sick", "nian": "annual", "qi": "other",
}  # fmt: skip
_MINUTE_UNITS = {"分钟", "分", "min", "mins", "m"}
_DAY_UNITS = {"天", "d", "day", "days"}
_COUNT_UNITS = {"次"}

_SEPARATORS = re.compile(r"[\s,/、;|]+")
_TOKEN = re.compile(
    "(?P<word>" + "|".join(re.escape(w) for w in sorted(_WORDS, key=len, reverse=True)) + ")"
    r"\s*(?P<number>\d+(?:\.\d*)?|\.\d+)?"
    r"(?P<unit>分钟|分|天|次|mins|min|days|day|m|d)?"
    # A bare English word must not be the start of a longer one ("lateness"); after a
    # number the next word may follow directly ("chi5zao3").
    r"(?(number)|(?![a-z]))",
    re.IGNORECASE,
)

MAX_MINUTES = 24 * 60
MAX_COUNT = 20
MAX_DAYS = Decimal(31)
ONE = Decimal(1)
_TWO = Decimal(2)
_ZERO = Decimal(0)


@dataclass(frozen=True)
class Entry:
    """One attendance record as a cell shows it. ``note`` (from an import) is kept but not compared."""

    kind: str
    minutes: int | None = None
    days: Decimal | None = None
    note: str = field(default="", compare=False)


@dataclass(frozen=True)
class CellProblem:
    """Why a cell text cannot be read, in both languages (the page shows one, the audit none)."""

    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


class _RecordLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def minutes(self) -> int | None: ...
    @property
    def days(self) -> Decimal | None: ...


def _num(value: Decimal) -> str:
    """``Decimal("1.50")`` → ``"1.5"``, ``Decimal("2.0")`` → ``"2"`` (no exponent)."""
    text = format(value.normalize(), "f")
    return text


def _normalise(text: str) -> str:
    # NFKC turns full-width digits, letters, commas and slashes (typed with a Chinese input
    # method left on) into ASCII, so "迟１５，空" reads like "迟15,空".
    return unicodedata.normalize("NFKC", text).strip()


def entry_problem(entry: Entry) -> CellProblem | None:
    """The one rule book for an entry, shared by typed text and entries given directly."""
    name_zh, name_en = KIND_NAME.get(entry.kind, (entry.kind, entry.kind))
    if entry.kind not in ATTENDANCE_KINDS:
        return CellProblem(f"未知的考勤类型“{entry.kind}”", f'unknown attendance type "{entry.kind}"')
    if entry.kind in MINUTE_KINDS:
        if entry.minutes is None:
            code = CODE_ZH[entry.kind]
            return CellProblem(
                f"{name_zh}须写分钟数，如 {code}15",
                f"{name_en} needs the minutes, e.g. {CODE_EN[entry.kind]}15",
            )
        if not 0 < entry.minutes <= MAX_MINUTES:
            return CellProblem(
                f"{name_zh}分钟数须为 1 到 {MAX_MINUTES} 之间的整数",
                f"{name_en} minutes must be a whole number from 1 to {MAX_MINUTES}",
            )
    elif entry.minutes is not None:
        return CellProblem(f"{name_zh}不填分钟数", f"{name_en} takes no minutes")
    if entry.kind in DAY_KINDS:
        days = entry.days if entry.days is not None else ONE
        if days <= _ZERO or days > MAX_DAYS or (days * _TWO) != (days * _TWO).to_integral_value():
            return CellProblem(
                f"{name_zh}天数须大于 0 且为 0.5 的倍数（如 1、0.5、1.5），不是 {_num(days)}",
                f"{name_en} days must be above 0 in steps of 0.5 (1, 0.5, 1.5 …), not {_num(days)}",
            )
    elif entry.days is not None:
        return CellProblem(f"{name_zh}不填天数", f"{name_en} takes no days")
    return None


def parse_cell(text: str) -> list[Entry] | CellProblem:
    """Read a cell's text into entries; an empty cell is an empty list.

    Returns the error instead of raising it so a paste can collect the reason of every bad
    cell before refusing the whole block.
    """
    clean = _normalise(text)
    entries: list[Entry] = []
    pos = 0
    while pos < len(clean):
        sep = _SEPARATORS.match(clean, pos)
        if sep:
            pos = sep.end()
            continue
        match = _TOKEN.match(clean, pos)
        if match is None:
            bad = _SEPARATORS.split(clean[pos:], maxsplit=1)[0]
            return CellProblem(
                f"无法识别“{bad}”：请用 迟、早、空、调、旷、事、病、年、其（如 迟15、事0.5）",
                f'cannot read "{bad}": use late, early, away, swap, absence, personal, sick, annual, other '
                "(e.g. late15, personal0.5) or 迟 早 空 调 旷 事 病 年 其",
            )
        pos = match.end()
        kind = _WORDS[match.group("word").lower()]
        number_text, unit = match.group("number"), match.group("unit")
        unit = unit.lower() if unit else None
        name_zh, name_en = KIND_NAME[kind]
        try:
            number = Decimal(number_text) if number_text else None
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            number = None
        if kind in MINUTE_KINDS:
            if unit is not None and unit not in _MINUTE_UNITS:
                return CellProblem(
                    f"{name_zh}以分钟计，不是“{unit}”", f'{name_en} is counted in minutes, not "{unit}"'
                )
            if number is not None and number != number.to_integral_value():
                return CellProblem(f"{name_zh}分钟数须为整数", f"{name_en} minutes must be a whole number")
            entry = Entry(kind, minutes=int(number) if number is not None else None)
        elif kind in COUNT_KINDS:
            if unit is not None and unit not in _COUNT_UNITS:
                return CellProblem(
                    f"{name_zh}以次数计，不是“{unit}”", f'{name_en} is counted in times, not "{unit}"'
                )
            count = number if number is not None else ONE
            if count != count.to_integral_value() or not 0 < count <= MAX_COUNT:
                return CellProblem(
                    f"{name_zh}次数须为 1 到 {MAX_COUNT} 之间的整数",
                    f"{name_en} must be counted as a whole number from 1 to {MAX_COUNT}",
                )
            entries.extend(Entry(kind) for _ in range(int(count)))
            continue
        else:
            if unit is not None and unit not in _DAY_UNITS:
                return CellProblem(
                    f"{name_zh}以天数计，不是“{unit}”", f'{name_en} is counted in days, not "{unit}"'
                )
            entry = Entry(kind, days=number if number is not None else ONE)
        problem = entry_problem(entry)
        if problem is not None:
            return problem
        entries.append(entry)
    return entries


def format_cell(records: Iterable[_RecordLike], lang: str = "zh") -> str:
    """The cell text of some records: the inverse of :func:`parse_cell`.

    Repeated away/swap marks are written once with their count (``空2``) where the first
    one stood, as the manager would write them on paper.
    """
    codes = CODE_EN if lang == "en" else CODE_ZH
    parts: list[str] = []
    counts: dict[str, int] = {}
    count_pos: dict[str, int] = {}
    for rec in records:
        code = codes.get(rec.kind, rec.kind)
        if rec.kind in COUNT_KINDS:
            if rec.kind not in counts:
                count_pos[rec.kind] = len(parts)
                parts.append(code)
            counts[rec.kind] = counts.get(rec.kind, 0) + 1
        elif rec.kind in MINUTE_KINDS:
            parts.append(code + (str(rec.minutes) if rec.minutes is not None else ""))
        else:
            days = rec.days if rec.days is not None else ONE
            parts.append(code if days == ONE else code + _num(days))
    for kind, n in counts.items():
        if n > 1:
            parts[count_pos[kind]] += str(n)
    return " ".join(parts)


def describe_cell(records: Iterable[_RecordLike], lang: str = "zh") -> str:
    """A plain-language line per entry, for tool tips (``迟到 15 分钟``)."""
    lines = []
    for rec in records:
        zh, en = KIND_NAME.get(rec.kind, (rec.kind, rec.kind))
        if rec.kind in MINUTE_KINDS:
            lines.append(f"{en} {rec.minutes or 0} min" if lang == "en" else f"{zh} {rec.minutes or 0} 分钟")
        elif rec.kind in COUNT_KINDS:
            lines.append(en if lang == "en" else f"{zh} 1 次")
        else:
            days = _num(rec.days if rec.days is not None else ONE)
            lines.append(f"{en} {days} day(s)" if lang == "en" else f"{zh} {days} 天")
        note = getattr(rec, "note", "")
        if note:
            lines[-1] += f" — {note}"
    return "\n".join(lines)
