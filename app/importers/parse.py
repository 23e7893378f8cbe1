"""Validate a :class:`~app.importers.table.Table` of one kind into row records and problems.

The import is all or nothing (docs/formats.md), so parsing never stops at the first
error: every row is checked and every problem collected, each naming the row as
the spreadsheet shows it and the column as its header reads in the file. Nothing
here raises on bad input — an unexpected exception in a cell or row becomes a
problem too — because a traceback is useless to a branch manager.

No database: what the database knows (agents, products, locked months, existing
policies …) comes in through :class:`ImportContext`, which the services layer
fills. Checks that need the old values of a record (e.g. "only the cancel date of
a locked policy changed") stay with the services layer.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any, Generic, TypeVar

from app.fields import CODE_MAX, code_key, has_control, strip_controls
from app.importers.cells import (
    _PLAIN_AMOUNT,
    Cell,
    CellError,
    as_bool,
    as_date,
    as_money,
    as_month,
    as_number,
    as_text,
    as_word,
    plain_date,
    plain_money,
    plain_number,
    show,
)
from app.importers.kinds import (
    APPEAL_RECORD_WORDS,
    APPEAL_RECORD_ZH,
    ATTENDANCE_WORDS,
    ATTENDANCE_ZH,
    BOOL_WORDS,
    COLUMNS,
    COMPLAINT_LEVEL_WORDS,
    COMPLAINT_LEVEL_ZH,
    COMPLAINT_STATUS_WORDS,
    COMPLAINT_STATUS_ZH,
    DAY_KINDS,
    KINDS,
    MINUTE_KINDS,
    QA_STATUS_WORDS,
    QA_STATUS_ZH,
    AdjustmentRow,
    AgentRow,
    AppealRow,
    AttendanceRow,
    Column,
    ComplaintRow,
    DeductionRow,
    ImportRow,
    MetricRow,
    PraiseRow,
    QARow,
    SalesRow,
    TargetRow,
    TaxOpeningRow,
)
from app.importers.problems import ERROR, WARNING, Problem
from app.importers.table import HeaderMatch, HeaderTest, Table, TableError, read_table
from app.money import ZERO
from app.periods import parse_period

_ONE = Decimal(1)
_TWO = Decimal(2)
_HUNDRED = Decimal(100)
_NO_LIMIT = 1 << 62  # the maximum length of a column that has none (numbers, dates, words)
_NO_DATE = date(1900, 1, 1)  # placeholder after a failed required date; the row is dropped anyway


@dataclass(frozen=True)
class ImportContext:
    """What the database knows that a file is checked against.

    ``None`` means "don't check" for ``agents``, ``products``, ``indicators`` and
    ``scorecards``; any collection, *even an empty one*, means "check against
    exactly these" (an empty database knows no agents, so every code is unknown).
    ``check_agents`` overrides that for agents when set.
    Name lookups are exact first, then case-insensitive, and the row then carries
    the spelling the database uses.
    """

    agents: Mapping[str, tuple[date, date | None]] | None = None  # code -> (hire_date, leave_date)
    products: Collection[str] | None = None
    indicators: Collection[str] | None = None
    scorecards: Collection[str] | None = None  # names or codes
    locked_months: Collection[str] = frozenset()  # "YYYY-MM"
    existing_policies: Mapping[str, date] = field(default_factory=dict)  # policy_no -> sign_date
    existing_metric_keys: Collection[tuple[str, str, str]] = frozenset()  # (code, month, indicator)
    existing_target_keys: Collection[tuple[str, str, str]] = frozenset()  # (code, target, period)
    check_agents: bool | None = None

    @property
    def checks_agents(self) -> bool:
        return self.agents is not None if self.check_agents is None else self.check_agents


RowT = TypeVar("RowT")


@dataclass
class ImportResult(Generic[RowT]):
    """The outcome of validating one file: the rows that are valid, counts for the preview, and problems.

    Generic in the row type so a caller can write
    ``result: ImportResult[AgentRow] = parse_file("agents", path, ctx)``.
    ``rows`` leaves out the rows that have errors; the services layer writes nothing
    unless ``ok`` (docs/formats.md: all or nothing). ``warnings`` never stop an import;
    besides doubtful cells they carry notes for the preview, such as title rows that
    were skipped above the header row.
    """

    kind: str
    file: str
    rows: list[RowT] = field(default_factory=list)
    adds: int = 0
    updates: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def messages(self, lang: str = "zh") -> list[str]:
        """Errors then warnings, each rendered on one line."""
        return [p.message(lang) for p in (*self.problems, *self.warnings)]


class _Lookup:
    """Known names: exact match first, then case-insensitive, answering the canonical spelling."""

    def __init__(self, names: Collection[str]) -> None:
        self.exact = {str(n): str(n) for n in names}
        self.folded: dict[str, str] = {}
        for n in self.exact:
            self.folded.setdefault(code_key(n), n)

    def get(self, name: str) -> str | None:
        found = self.exact.get(name)
        if found is None:
            found = self.folded.get(code_key(name))
        return found


def _norm_header(text: str) -> str:
    return re.sub(r"[\s_\-*]+", "", text.casefold())


_PAREN = re.compile(r"^(.*?)\s*[(（](.*?)[)）]\s*$")


@functools.cache
def _header_lookup(kind: str) -> dict[str, str]:
    """Normalised Chinese and English header → column key."""
    lookup: dict[str, str] = {}
    for col in COLUMNS[kind]:
        lookup[_norm_header(col.zh)] = col.key
        lookup[_norm_header(col.en)] = col.key
    return lookup


def _header_key(text: str, lookup: Mapping[str, str]) -> str | None:
    """The column key a header text names: "工号", " Policy No ", "保费(premium)", "工号（code）" …"""
    key = lookup.get(_norm_header(text))
    if key is None:
        m = _PAREN.match(text)
        if m:
            key = lookup.get(_norm_header(m[1])) or lookup.get(_norm_header(m[2]))
    return key


def header_test(kind: str) -> HeaderTest:
    """Whether a row is ``kind``'s header row: it names every required column (matched as headers are).

    Used to find the header below title rows; a row naming one or two column words is not enough.
    """
    _check_kind(kind)
    lookup = _header_lookup(kind)
    required = frozenset(c.key for c in COLUMNS[kind] if c.required)

    def is_header(texts: list[str]) -> HeaderMatch:
        found = {_header_key(t, lookup) for t in texts if t}
        found.discard(None)
        return HeaderMatch(required <= found, len(found))

    return is_header


def _title_rows_note(table: Table) -> Problem:
    rows = table.title_rows
    n = len(rows)
    h = table.header_row
    return Problem(
        table.file,
        h,
        None,
        f"跳过表头上方的 {n} 行标题（第{'、'.join(map(str, rows))}行）",
        f"如果第{h}行不是表头，请删除表头上方的行后重新导入",
        WARNING,
        f"skipped {n} title row{'s' if n != 1 else ''} above the header "
        f"(row{'s' if n != 1 else ''} {', '.join(map(str, rows))})",
        f"if row {h} is not the header, delete the rows above the header and import again",
    )


def _words_shown(zh: Mapping[str, str]) -> tuple[str, str]:
    return "、".join(zh.values()), ", ".join(zh)


_ATT_SHOWN = _words_shown(ATTENDANCE_ZH)
_QA_STATUS_SHOWN = _words_shown(QA_STATUS_ZH)
_LEVEL_SHOWN = _words_shown(COMPLAINT_LEVEL_ZH)
_CSTATUS_SHOWN = _words_shown(COMPLAINT_STATUS_ZH)
_RECORD_SHOWN = _words_shown(APPEAL_RECORD_ZH)


class _Row:
    """One data row being read: converters that record problems instead of raising.

    Required getters return a harmless placeholder on failure and mark the row
    ``bad``, so every cell of the row is still checked (all problems at once) and
    the row is dropped at the end.
    """

    __slots__ = ("p", "number", "vals", "bad")

    def __init__(self, parser: _Parser, number: int, cells: list[Cell]) -> None:
        self.p = parser
        self.number = number
        self.bad = False
        # One pass over the row up front: trimmed, empty cells dropped, keyed by column key.
        # Every text passes here, so this is the one place that removes control characters
        # and enforces each column's maximum length.
        vals: dict[str, Cell] = {}
        n = len(cells)
        for key, i, limit in parser.positions:
            if i < n:
                v = cells[i]
                if v.__class__ is str:
                    text: str = v  # type: ignore[assignment]
                    # isprintable() is a fast C loop that is False for every control character;
                    # the regex runs only on the rare cell that is not plainly printable.
                    if not text.isprintable() and has_control(text):
                        text = self._without_controls(key, text)
                    text = text.strip()
                    if not text:
                        continue
                    if len(text) > limit:
                        self._too_long(key, limit, len(text))
                    v = text
                if v is not None:
                    vals[key] = v
        self.vals = vals

    def _without_controls(self, key: str, text: str) -> str:
        """Control characters are removed, not refused: an xlsx ``_x0000_`` or ``_x001B_`` escape
        (which openpyxl turns into NUL/ESC) or a stray ESC in a CSV is never meant as data."""
        cleaned, hidden = strip_controls(text)
        if hidden:
            self.warn(
                key,
                "已删除单元格中不可见的控制字符（如 NUL、ESC，或 Excel 的 _x0000_ 写法）",
                "invisible control characters (such as NUL or ESC, or Excel's _x0000_ escapes) "
                "were removed from the cell",
                "请检查导入后的内容是否正确",
                "check that the imported text reads as intended",
            )
        return cleaned

    def _too_long(self, key: str, limit: int, length: int) -> None:
        zh, en = self.p.names(key)
        self.err(
            key,
            f"内容过长：{length} 个字符，{zh}最多 {limit} 个字符",
            f"too long: {length} characters; the {en} is at most {limit} characters",
            f"请缩短到 {limit} 个字符以内",
            f"shorten it to {limit} characters or fewer",
        )

    # -- reporting ---------------------------------------------------------
    def err(
        self, key: str | None, reason: str, reason_en: str, action: str = "", action_en: str = ""
    ) -> None:
        self.bad = True
        self.p.add(self.number, key, reason, reason_en, action, action_en, ERROR)

    def warn(
        self, key: str | None, reason: str, reason_en: str, action: str = "", action_en: str = ""
    ) -> None:
        self.p.add(self.number, key, reason, reason_en, action, action_en, WARNING)

    # -- raw access --------------------------------------------------------
    def raw(self, key: str) -> Cell:
        return self.vals.get(key)

    def _convert(self, key: str, conv: Callable[[Cell], Any]) -> Any:
        """Run a converter on the key's cell; None when empty, ``_FAILED`` (and a problem) when bad."""
        v = self.vals.get(key)
        if v is None:
            return None
        try:
            return conv(v)
        except CellError as e:
            self.err(key, e.reason, e.reason_en, e.action, e.action_en)
        except Exception:  # never let a strange cell crash an import
            self.err(
                key,
                f"无法读取这个值 “{_safe_show(v)}”",
                f'this value cannot be read "{_safe_show(v)}"',
                "请检查并重新填写该单元格",
                "check the cell and type it again",
            )
        return _FAILED

    def _required(self, key: str) -> None:
        zh, en = self.p.names(key)
        self.err(key, "必填，不能为空", "is required but empty", f"请填写{zh}", f"fill in the {en}")

    # -- typed getters -----------------------------------------------------
    def text(self, key: str) -> str:
        v = self.vals.get(key)
        if v.__class__ is str:  # already trimmed in __init__: the common case, kept cheap
            return v  # type: ignore[return-value]
        v = self._convert(key, as_text)
        return "" if v is None or v is _FAILED else v

    def text_req(self, key: str) -> str:
        v = self.vals.get(key)
        if v.__class__ is str:
            return v  # type: ignore[return-value]
        v = self._convert(key, as_text)
        if v is None:
            self._required(key)
        return "" if v is None or v is _FAILED else v

    def decimal(
        self,
        key: str,
        *,
        required: bool,
        non_negative: bool = False,
        percent: bool = False,
        money: bool = False,
    ) -> Decimal | None:
        """A number; ``money`` refuses more than two decimals (app.money.check_money)."""
        raw = self.vals.get(key)
        if raw is not None:  # a plain number (text or number cell): decided here, without the converters
            plain = (plain_money if money else plain_number)(raw)
            if plain is not None and (not non_negative or plain >= 0):
                return plain
        v = self._convert(key, as_money if money else lambda c: as_number(c, percent=percent))
        if v is None:
            if required:
                self._required(key)
            return None
        if v is _FAILED:
            return None
        if non_negative and v < 0:
            self.err(
                key,
                f"不能为负数 “{show(self.raw(key))}”",
                f'must not be negative "{show(self.raw(key))}"',
                "请填写 0 或正数",
                "enter zero or a positive number",
            )
            return None
        return v

    def day(self, key: str, *, required: bool) -> date | None:
        raw = self.vals.get(key)
        if raw is not None:
            plain = plain_date(raw)
            if plain is not None:
                return plain
        v = self._convert(key, as_date)
        if v is None and required:
            self._required(key)
        return None if v is None or v is _FAILED else v

    def month(self, key: str) -> str:
        v = self._convert(key, as_month)
        if v is None:
            self._required(key)
        return "" if v is None or v is _FAILED else v

    def boolean(self, key: str, default: bool) -> bool:
        raw = self.vals.get(key)
        if raw.__class__ is str:
            found = BOOL_WORDS.get(raw.casefold())  # type: ignore[attr-defined]  # trimmed in __init__
            if found is not None:
                return found
        v = self._convert(key, as_bool)
        return default if v is None or v is _FAILED else v

    def word(
        self,
        key: str,
        words: Mapping[str, str],
        label: tuple[str, str],
        shown: tuple[str, str],
        default: str | None,
    ) -> str:
        v = self._convert(key, lambda c: as_word(c, words, label, shown))
        if v is None:
            if default is not None:
                return default
            self._required(key)
            return ""
        return "" if v is _FAILED else v

    # -- checks against the context ---------------------------------------
    def agent(self, key: str = "code") -> str:
        """The agent code, in the database's spelling; a problem when the code is unknown."""
        code = self.text_req(key)
        lookup = self.p.agents
        if not code or lookup is None or len(code) > CODE_MAX:  # too long: refused already
            return code
        found = lookup.get(code)
        if found is None:
            self.err(
                key,
                f"工号 “{show(code)}” 不存在",
                f'unknown agent code "{show(code)}"',
                "请先导入或新增该员工，或检查工号",
                "import or add the agent first, or check the code",
            )
            return code
        return found

    def known(
        self, key: str, value: str, lookup: _Lookup | None, what: tuple[str, str], action: tuple[str, str]
    ) -> str:
        if not value or lookup is None:
            return value
        found = lookup.get(value)
        if found is None:
            self.err(key, f"未知的{what[0]} “{show(value)}”", f'unknown {what[1]} "{show(value)}"', *action)
            return value
        return found

    def locked_day(self, key: str, day: date | None) -> None:
        if day is not None and self.p.locked:
            self.locked(key, _month_of(day))

    def locked(self, key: str, month: str) -> None:
        if month and month in self.p.locked:
            self.err(
                key,
                f"{month} 月已锁定，不能导入该月的记录",
                f"month {month} is locked; records in it cannot be imported",
                "请把更正作为未锁定月份的调整导入",
                "enter corrections as an adjustment in an open month",
            )

    def employed(self, key: str, code: str, day: date | None) -> None:
        """A record dated outside the agent's employment cannot be right (and would distort pay).

        The same rule as the manual forms: attendance, QA evaluations and policies must fall
        within hire date .. leave date (both days included).
        """
        if day is None or self.p.agents_info is None:
            return
        info = self.p.agents_info.get(code)
        if not info:
            return
        try:
            hire, leave = info[0], info[1]
        except Exception:
            return
        if not isinstance(hire, date):
            return
        left = leave if isinstance(leave, date) else None
        if hire <= day and (left is None or day <= left):
            return  # within the employment: the common case, decided on the dates alone
        until, until_en = (left.isoformat(), left.isoformat()) if left else ("至今", "now")
        period, period_en = f"{hire.isoformat()} – {until}", f"{hire.isoformat()} – {until_en}"
        if day < hire:
            zh = f"日期 {day.isoformat()} 早于 {code} 的入职日期 {hire.isoformat()}（在职期间 {period}）"
            en = f"{day.isoformat()} is before the hire date {hire.isoformat()} of {code} (employed {period_en})"
        elif left is not None and day > left:
            zh = f"日期 {day.isoformat()} 晚于 {code} 的离职日期 {until}（在职期间 {period}）"
            en = f"{day.isoformat()} is after the leave date {until_en} of {code} (employed {period_en})"
        else:
            return
        self.err(
            key,
            zh,
            en,
            "请检查日期和工号：记录的日期必须在该员工的在职期间内",
            "check the date and the agent code: the date must fall within the agent's employment",
        )

    def duplicate(self, key: str, value: object, seen: dict[object, int], what: tuple[str, str]) -> None:
        first = seen.get(value)
        if first is None:
            seen[value] = self.number
            return
        self.err(
            key,
            f"与第{first}行重复（同一{what[0]}）",
            f"duplicates row {first} (same {what[1]})",
            f"每个{what[0]}只能出现一次，请删除或合并重复的行",
            f"keep one row per {what[1]}; delete or merge the duplicate",
        )


_FAILED: Any = object()


def _safe_show(v: object) -> str:
    try:
        return show(v)
    except Exception:
        return "?"


def _month_of(d: date | None) -> str:
    return "" if d is None else d.isoformat()[:7]


class _Parser:
    """Holds one kind's header mapping, the context lookups and the problems found so far."""

    def __init__(self, kind: str, table: Table, ctx: ImportContext) -> None:
        self.kind = kind
        self.table = table
        self.file = table.file
        self.ctx = ctx
        self.columns: dict[str, Column] = {c.key: c for c in COLUMNS[kind]}
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.index: dict[str, int] = {}
        self.header: dict[str, str] = {}
        self.agents_info = ctx.agents if ctx.checks_agents else None
        self.agents = _Lookup(list(ctx.agents or ())) if ctx.checks_agents else None
        self.products = None if ctx.products is None else _Lookup(ctx.products)
        self.indicators = None if ctx.indicators is None else _Lookup(ctx.indicators)
        self.scorecards = None if ctx.scorecards is None else _Lookup(ctx.scorecards)
        self.locked = frozenset(ctx.locked_months or ())
        self.existing_policies: Mapping[str, date] = ctx.existing_policies or {}
        self.seen: dict[object, int] = {}
        self.positions: list[tuple[str, int, int]] = []  # key, column index, maximum length
        self.sales_cells: tuple[Callable[[list[Cell]], tuple[str, ...]], tuple[int, ...], int] | None = None

    def names(self, key: str) -> tuple[str, str]:
        col = self.columns[key]
        return col.zh, col.en

    def add(
        self,
        row: int | None,
        key: str | None,
        reason: str,
        reason_en: str,
        action: str,
        action_en: str,
        severity: str,
    ) -> None:
        column = alt = None
        if key is not None:
            col = self.columns.get(key)
            column = self.header.get(key) or (col.zh if col else key)
            if col is not None:
                alt = col.en if column.casefold() == col.zh.casefold() else col.zh
        problem = Problem(self.file, row, column, reason, action, severity, reason_en, action_en, alt)
        (self.errors if severity == ERROR else self.warnings).append(problem)

    # -- header -----------------------------------------------------------
    def map_headers(self) -> bool:
        """Match headers (Chinese or English, any case and order); False when a required one is missing."""
        lookup = _header_lookup(self.kind)
        hrow = self.table.header_row
        for i, text in enumerate(self.table.headers):
            if not text:
                continue
            key = _header_key(text, lookup)
            if key is None:
                names = "、".join(c.zh for c in COLUMNS[self.kind])
                names_en = ", ".join(c.en for c in COLUMNS[self.kind])
                problem = Problem(
                    self.file,
                    hrow,
                    show(text),
                    "未知的列，已忽略",
                    f"本类文件的列为：{names}",
                    WARNING,
                    "unknown column, ignored",
                    f"the columns of this file are: {names_en}",
                )
                self.warnings.append(problem)
                continue
            if key in self.index:
                first = self.header[key]
                self.header_problem(
                    text,
                    key,
                    f"与第{self.index[key] + 1}列“{first}”重复",
                    f'same column as column {self.index[key] + 1} "{first}"',
                    "请删除重复的列",
                    "delete one of the two columns",
                )
                continue
            self.index[key] = i
            self.header[key] = text
        complete = True
        for col in COLUMNS[self.kind]:
            if col.required and col.key not in self.index:
                complete = False
                self.errors.append(
                    Problem(
                        self.file,
                        hrow,
                        col.zh,
                        "缺少必填列",
                        f"请添加“{col.zh}”列（英文表头 {col.en}）",
                        ERROR,
                        "required column is missing",
                        f'add a column "{col.en}" (or Chinese "{col.zh}")',
                        col.en,
                    )
                )
        return complete

    def header_problem(
        self, text: str, key: str, reason: str, reason_en: str, action: str, action_en: str
    ) -> None:
        col = self.columns[key]
        alt = col.en if text.casefold() == col.zh.casefold() else col.zh
        self.errors.append(
            Problem(self.file, self.table.header_row, text, reason, action, ERROR, reason_en, action_en, alt)
        )

    # -- rows -------------------------------------------------------------
    def run(self) -> ImportResult[Any]:
        result: ImportResult[Any] = ImportResult(
            self.kind, self.file, problems=self.errors, warnings=self.warnings
        )
        if self.table.title_rows:
            self.warnings.append(_title_rows_note(self.table))
        if not self.map_headers():
            return result
        self.positions = [
            (key, i, self.columns[key].max_length or _NO_LIMIT) for key, i in self.index.items()
        ]
        if not self.table.rows:
            self.errors.append(
                Problem(
                    self.file,
                    None,
                    None,
                    "文件中没有数据行",
                    "请从表头下一行开始填写数据",
                    ERROR,
                    "the file has no data rows",
                    "fill in the data below the header row",
                )
            )
            return result
        rows = result.rows
        if self.kind == "sales" and self.quick_sales and all(k in self.index for k in _SALES_KEYS):
            self._sales_rows(rows)
        else:
            parse_row: Callable[[_Row], ImportRow | None] = getattr(self, f"_{self.kind}")
            for number, cells in self.table.rows:
                self._full_row(number, cells, parse_row, rows)
        self.count(result)
        return result

    def _full_row(
        self, number: int, cells: list[Cell], parse_row: Callable[[_Row], ImportRow | None], rows: list[Any]
    ) -> None:
        """One row read with every check of its kind (``parse_row``): its record appended to ``rows``,
        or its problems recorded."""
        r = _Row(self, number, cells)
        try:
            rec = parse_row(r)
        except Exception:  # a bug or a truly strange row must not stop the other rows' checks
            r.err(
                None,
                "这一行无法读取",
                "this row could not be read",
                "请检查这一行的内容",
                "check the contents of this row",
            )
            return
        if rec is not None and not r.bad:
            rows.append(rec)

    def count(self, result: ImportResult[Any]) -> None:
        ctx = self.ctx
        if self.kind == "agents":
            known = self.agents or _Lookup(list(ctx.agents or ()))
            updates = sum(1 for r in result.rows if isinstance(r, AgentRow) and known.get(r.code) is not None)
        elif self.kind == "sales":
            existing = ctx.existing_policies or {}
            updates = sum(1 for r in result.rows if isinstance(r, SalesRow) and r.policy_no in existing) if existing else 0
        elif self.kind == "metrics":
            keys = ctx.existing_metric_keys or frozenset()
            updates = sum(
                1 for r in result.rows if isinstance(r, MetricRow) and (r.code, r.month, r.indicator) in keys
            )
        elif self.kind == "targets":
            stored = ctx.existing_target_keys or frozenset()
            updates = sum(
                1 for r in result.rows if isinstance(r, TargetRow) and (r.code, r.target, r.period) in stored
            )
        else:
            updates = 0
        result.updates = updates
        result.adds = len(result.rows) - updates

    # -- one method per kind ---------------------------------------------
    def _agents(self, r: _Row) -> AgentRow | None:
        code = r.text_req("code")
        if code:
            r.duplicate("code", code_key(code), self.seen, ("工号", "code"))
        name = r.text_req("name")
        role = r.text("role")
        team = r.text("team")
        base = r.decimal("base_salary", required=True, non_negative=True, money=True)
        hire = r.day("hire_date", required=True)
        leave = r.day("leave_date", required=False)
        if hire is not None and leave is not None and leave < hire:
            r.err(
                "leave_date",
                f"离职日期 {leave.isoformat()} 早于入职日期 {hire.isoformat()}",
                f"the leave date {leave.isoformat()} is before the hire date {hire.isoformat()}",
                "请检查两个日期",
                "check both dates",
            )
        password = r.text("payslip_password") or None
        extra = _agent_extra(r)
        if r.bad or base is None or hire is None:
            return None
        return AgentRow(code, name, role, team, base, hire, leave, password, row=r.number, **extra)

    def _attendance(self, r: _Row) -> AttendanceRow | None:
        code = r.agent()
        day = r.day("date", required=True)
        kind = r.word("type", ATTENDANCE_WORDS, ("考勤类型", "attendance type"), _ATT_SHOWN, None)
        minutes_raw = r.decimal("minutes", required=False, non_negative=True)
        days_raw = r.decimal("days", required=False, non_negative=True)
        note = r.text("note")
        minutes: int | None = None
        days: Decimal | None = None
        if kind in MINUTE_KINDS:
            if minutes_raw is None:
                if r.raw("minutes") is None:
                    zh = ATTENDANCE_ZH[kind]
                    r.err(
                        "minutes",
                        f"{zh}必须填写分钟数",
                        f"{kind} needs the number of minutes",
                        "请填写大于 0 的整数分钟数",
                        "enter the minutes as a whole number above 0",
                    )
            elif minutes_raw <= 0 or minutes_raw != minutes_raw.to_integral_value():
                r.err(
                    "minutes",
                    f"分钟数须为大于 0 的整数 “{show(r.raw('minutes'))}”",
                    f'minutes must be a whole number above 0 "{show(r.raw("minutes"))}"',
                    "请填写大于 0 的整数分钟数",
                    "enter the minutes as a whole number above 0",
                )
            else:
                minutes = int(minutes_raw)
            if days_raw is not None:
                r.warn("days", "该类型不使用天数，已忽略", "days are not used for this type and were ignored")
        elif kind in DAY_KINDS:
            days = _ONE if days_raw is None and r.raw("days") is None else days_raw
            if days is not None and (days <= 0 or (days * _TWO) != (days * _TWO).to_integral_value()):
                r.err(
                    "days",
                    f"天数须大于 0 且为 0.5 的倍数 “{show(r.raw('days'))}”",
                    f'days must be above 0 in steps of 0.5 "{show(r.raw("days"))}"',
                    "请填写如 1、0.5、1.5 的天数",
                    "enter days such as 1, 0.5 or 1.5",
                )
                days = None
            if minutes_raw is not None:
                r.warn(
                    "minutes",
                    "该类型不使用分钟数，已忽略",
                    "minutes are not used for this type and were ignored",
                )
        elif kind:
            if minutes_raw is not None:
                r.warn(
                    "minutes",
                    "该类型不使用分钟数，已忽略",
                    "minutes are not used for this type and were ignored",
                )
            if days_raw is not None:
                r.warn("days", "该类型不使用天数，已忽略", "days are not used for this type and were ignored")
        r.locked_day("date", day)
        if code:
            r.employed("date", code, day)
        if r.bad or day is None:
            return None
        return AttendanceRow(code, day, kind, minutes, days, note, row=r.number)

    def _qa(self, r: _Row) -> QARow | None:
        code = r.agent()
        day = r.day("date", required=True)
        scorecard = r.text("scorecard")
        scorecard = r.known(
            "scorecard",
            scorecard,
            self.scorecards,
            ("评分表", "scorecard"),
            ("请填写系统中已有的评分表名称或编号", "use the name or code of a scorecard in the app"),
        )
        score = r.decimal("score", required=True)
        if score is not None and not ZERO <= score <= _HUNDRED:
            r.err(
                "score",
                f"得分须在 0 到 100 之间 “{show(r.raw('score'))}”",
                f'the score must be between 0 and 100 "{show(r.raw("score"))}"',
                "请填写 0 到 100 之间的得分",
                "enter a score from 0 to 100",
            )
        fatal = r.boolean("fatal", False)
        status = r.word("status", QA_STATUS_WORDS, ("质检状态", "QA status"), _QA_STATUS_SHOWN, "valid")
        evaluator = r.text("evaluator")
        note = r.text("note")
        r.locked_day("date", day)
        if code:
            r.employed("date", code, day)
        if r.bad or day is None or score is None:
            return None
        return QARow(code, day, scorecard or None, score, fatal, status, evaluator, note, row=r.number)

    def _sales(self, r: _Row) -> SalesRow | None:
        rec = self._plain_sale(r)
        return rec if rec is not None else self._sale(r)

    def _plain_sale(self, r: _Row) -> SalesRow | None:
        """The row as :meth:`_sale` reads it when every cell is plain and passes every check, decided with
        dictionary look-ups only; None (nothing recorded) whenever :meth:`_sale` must decide and explain."""
        if r.bad:
            return None
        get = r.vals.get
        return self._plain_sale_of(
            r.number, get("policy_no"), get("code"), get("product"), get("premium"), get("customer_level"),
            get("new_customer"), get("sign_date"), get("cancel_date"),
        )

    quick_sales = True
    """Whether plain sales rows take :meth:`_sales_rows`' quick path (the tests switch it off to compare)."""

    def _sales_rows(self, rows: list[Any]) -> None:
        """Every sales row in file order: a row of plainly printable texts that passes every check is
        decided here, with dictionary look-ups only, exactly as :meth:`_sale` would decide it (the
        tests compare both on awkward rows); any other row goes to :meth:`_full_row`, which reads
        and explains it. One loop with its look-ups in local names: this is 50,000 rows of a
        typical file (the rows of an xlsx, whose numbers and dates are not text, take
        :meth:`_plain_sale` inside the full reading instead)."""
        parse_row = self._sales
        columns = [self.columns[k] for k in _SALES_KEYS]
        if any(c.max_length for c in columns if c.key not in _SALES_TEXT_KEYS):  # limits checked below: texts only
            for number, cells in self.table.rows:
                self._full_row(number, cells, parse_row, rows)
            return
        limit = {c.key: c.max_length or _NO_LIMIT for c in columns}
        max_policy, max_code, max_product, max_level = (limit[k] for k in _SALES_TEXT_KEYS)
        getter = itemgetter(*(self.index[k] for k in _SALES_KEYS))
        highest = max(self.index[k] for k in _SALES_KEYS)
        seen = self.seen
        agents = None if self.agents is None else self.agents.exact
        products = None if self.products is None else self.products.exact
        existing = self.existing_policies
        locked = self.locked
        info = self.agents_info
        # Each agent's employment as (hire, last day), when it is what the check expects (else the full check).
        spans: dict[str, tuple[date, date]] = {}
        for code, employment in (info or {}).items():
            if employment.__class__ is tuple and len(employment) == 2:
                hire, leave = employment
                if hire.__class__ is date and (leave is None or leave.__class__ is date):
                    spans[code] = (hire, date.max if leave is None else leave)
        days: dict[str, tuple[date, bool] | None] = {}  # text -> (day, in a locked month); None: not plain
        bool_words = BOOL_WORDS
        plain_amount = _PLAIN_AMOUNT
        strip = str.strip
        full = self._full_row
        append = rows.append
        new_row = _new_sales_row
        for number, cells in self.table.rows:
            if len(cells) <= highest:
                full(number, cells, parse_row, rows)
                continue
            texts = getter(cells)
            try:
                printable = "".join(texts).isprintable()  # False for a control character or an odd space
            except TypeError:  # a number or date cell
                printable = False
            if not printable:
                full(number, cells, parse_row, rows)
                continue
            policy, code, product, premium_raw, level, new_raw, sign_raw, cancel_raw = map(strip, texts)
            if (
                not policy or not code or not product or policy in seen
                or len(policy) > max_policy or len(code) > max_code or len(product) > max_product
                or len(level) > max_level
            ):
                full(number, cells, parse_row, rows)
                continue
            if agents is not None:
                code = agents.get(code)  # type: ignore[assignment]
                if code is None:
                    full(number, cells, parse_row, rows)
                    continue
            if products is not None:
                product = products.get(product)  # type: ignore[assignment]
                if product is None:
                    full(number, cells, parse_row, rows)
                    continue
            premium = Decimal(premium_raw) if plain_amount(premium_raw) else plain_money(premium_raw or None)
            if premium is None or premium < 0:
                full(number, cells, parse_row, rows)
                continue
            if not new_raw:
                new_customer = False
            else:
                found = bool_words.get(new_raw)
                if found is None:
                    found = bool_words.get(new_raw.casefold())
                    if found is None:
                        full(number, cells, parse_row, rows)
                        continue
                new_customer = found
            sign_day = days.get(sign_raw, False)
            if sign_day is False:
                sign_day = days[sign_raw] = _plain_day(sign_raw, locked)
            if sign_day is None:
                full(number, cells, parse_row, rows)
                continue
            sign, sign_locked = sign_day  # type: ignore[misc]
            cancel = None
            if cancel_raw:
                cancel_day = days.get(cancel_raw, False)
                if cancel_day is False:
                    cancel_day = days[cancel_raw] = _plain_day(cancel_raw, locked)
                if cancel_day is None or cancel_day[0] < sign:  # type: ignore[index]
                    full(number, cells, parse_row, rows)
                    continue
                cancel = cancel_day[0]  # type: ignore[index]
            if existing and policy in existing:
                stored_sign = existing[policy]
            else:
                stored_sign = None
                if sign_locked:  # a new policy in a locked month
                    full(number, cells, parse_row, rows)
                    continue
            if info is not None and sign != stored_sign:
                span = spans.get(code)
                if span is None or not span[0] <= sign <= span[1]:
                    full(number, cells, parse_row, rows)
                    continue
            seen[policy] = number
            append(new_row(policy, code, product, premium, level, new_customer, sign, cancel, number))

    def _plain_sale_of(
        self, number: int, policy: Cell, code: Cell, product: Cell, premium_raw: Cell, level: Cell,
        new_raw: Cell, sign_raw: Cell, cancel_raw: Cell,
    ) -> SalesRow | None:
        if policy.__class__ is not str or code.__class__ is not str or product.__class__ is not str:
            return None
        if policy in self.seen:
            return None
        agents = self.agents
        if agents is not None:
            code = agents.exact.get(code)  # type: ignore[arg-type]
            if code is None:
                return None
        products = self.products
        if products is not None:
            product = products.exact.get(product)  # type: ignore[arg-type]
            if product is None:
                return None
        premium = plain_money(premium_raw)
        if premium is None or premium < 0:
            return None
        if level is None:
            level = ""
        elif level.__class__ is not str:
            return None
        if new_raw is None:
            new_customer = False
        elif new_raw.__class__ is str:
            found = BOOL_WORDS.get(new_raw.casefold())  # type: ignore[union-attr]
            if found is None:
                return None
            new_customer = found
        else:
            return None
        sign = plain_date(sign_raw)
        if sign is None:
            return None
        cancel = None
        if cancel_raw is not None:
            cancel = plain_date(cancel_raw)
            if cancel is None or cancel < sign:
                return None
        existing = self.existing_policies
        if self.locked and policy not in existing and _month_of(sign) in self.locked:
            return None
        info = self.agents_info
        if info is not None and sign != (existing.get(policy) if existing else None):
            employment = info.get(code)  # type: ignore[arg-type]
            if employment.__class__ is not tuple or len(employment) != 2:  # type: ignore[arg-type]
                return None
            hire, leave = employment  # type: ignore[misc]
            if hire.__class__ is not date or not hire <= sign:
                return None
            if leave is not None and (leave.__class__ is not date or sign > leave):
                return None
        self.seen[policy] = number
        return SalesRow(policy, code, product, premium, level, new_customer, sign, cancel,  # type: ignore[arg-type]
                        row=number)

    def _sale(self, r: _Row) -> SalesRow | None:
        policy = r.text_req("policy_no")
        if policy:
            r.duplicate("policy_no", policy, self.seen, ("保单号", "policy number"))
        code = r.agent()
        product = r.text_req("product")
        product = r.known(
            "product",
            product,
            self.products,
            ("产品", "product"),
            (
                "请填写系统中已有的产品代码，或先在方案中添加该产品",
                "use a product code from the plan, or add the product to the plan first",
            ),
        )
        premium = r.decimal("premium", required=True, non_negative=True, money=True)
        level = r.text("customer_level")
        new_customer = r.boolean("new_customer", False)
        sign = r.day("sign_date", required=True)
        cancel = r.day("cancel_date", required=False)
        if sign is not None and cancel is not None and cancel < sign:
            r.err(
                "cancel_date",
                f"撤单日期 {cancel.isoformat()} 早于签单日期 {sign.isoformat()}",
                f"the cancel date {cancel.isoformat()} is before the sign date {sign.isoformat()}",
                "请检查两个日期",
                "check both dates",
            )
        existing = self.existing_policies
        if sign is not None and policy and self.locked and policy not in existing:
            month = _month_of(sign)
            if month in self.locked:
                r.err(
                    "sign_date",
                    f"{month} 月已锁定，不能新增该月签单的保单",
                    f"month {month} is locked; a new policy signed in it cannot be added",
                    "请先解锁该月，或把更正作为未锁定月份的调整导入",
                    "unlock the month first, or enter the correction as an adjustment in an open month",
                )
        stored_sign = existing.get(policy) if policy and existing else None
        if code and sign != stored_sign:
            # New policies (or a moved sign date) only: a re-import that records a cancel date for
            # a policy already on file must not be refused because its agent has left since.
            r.employed("sign_date", code, sign)
        if r.bad or premium is None or sign is None:
            return None
        return SalesRow(policy, code, product, premium, level, new_customer, sign, cancel, row=r.number)

    def _complaints(self, r: _Row) -> ComplaintRow | None:
        code = r.agent()
        day = r.day("date", required=True)
        level = r.word("level", COMPLAINT_LEVEL_WORDS, ("投诉级别", "complaint level"), _LEVEL_SHOWN, None)
        status = r.word(
            "status", COMPLAINT_STATUS_WORDS, ("投诉状态", "complaint status"), _CSTATUS_SHOWN, "upheld"
        )
        description = r.text("description")
        r.locked_day("date", day)
        if r.bad or day is None:
            return None
        return ComplaintRow(code, day, level, status, description, row=r.number)

    def _praise(self, r: _Row) -> PraiseRow | None:
        code = r.agent()
        day = r.day("date", required=True)
        description = r.text("description")
        r.locked_day("date", day)
        if r.bad or day is None:
            return None
        return PraiseRow(code, day, description, row=r.number)

    def _known_indicator(self, r: _Row, indicator: str) -> str:
        """The plan's spelling of the ``indicator`` column's code; an unknown one is named as a problem."""
        return r.known(
            "indicator",
            indicator,
            self.indicators,
            ("指标", "indicator"),
            ("请填写方案中已有的指标代码", "use an indicator code from the plan"),
        )

    def _metrics(self, r: _Row) -> MetricRow | None:
        code = r.agent()
        month = r.month("month")
        indicator = r.text_req("indicator")
        indicator = self._known_indicator(r, indicator)
        value = r.decimal("value", required=True, percent=True)
        if code and month and indicator:
            r.duplicate(
                "indicator",
                (code_key(code), month, indicator.casefold()),
                self.seen,
                ("工号、月份和指标", "code, month and indicator"),
            )
        r.locked("month", month)
        if r.bad or value is None:
            return None
        return MetricRow(code, month, indicator, value, row=r.number)

    def _adjustments(self, r: _Row) -> AdjustmentRow | None:
        code = r.agent()
        month = r.month("month")
        amount = r.decimal("amount", required=True, money=True)
        if amount is not None and amount == 0:
            r.err(
                "amount",
                "金额不能为 0",
                "the amount must not be 0",
                "补发填正数，追回填负数",
                "enter a positive amount to pay, a negative one to recover",
            )
        category = r.text("category")
        reason = r.text("reason")
        r.locked("month", month)
        if r.bad or amount is None:
            return None
        return AdjustmentRow(code, month, amount, category, reason, row=r.number)

    def _targets(self, r: _Row) -> TargetRow | None:
        code = r.agent()
        target = r.text_req("target")
        period = r._convert("period", _as_period)
        if period is None:
            r._required("period")
        period = "" if period is None or period is _FAILED else period
        value = r.decimal("value", required=True, percent=True)  # a metric's target may be a rate: 95%
        if value is not None and value <= 0:
            r.err(
                "value",
                f"目标值须大于 0 “{show(r.raw('value'))}”",
                f'the target value must be greater than 0 "{show(r.raw("value"))}"',
                "请填写大于 0 的目标值",
                "enter a target value above 0",
            )
        bonus = r.decimal("bonus", required=False, non_negative=True, money=True)
        if code and target and period:
            r.duplicate(
                "target",
                (code_key(code), target.casefold(), period),
                self.seen,
                ("工号、目标和期间", "code, target and period"),
            )
        if period:
            r.locked("period", parse_period(period).last_month)
        if r.bad or value is None or not period:
            return None
        return TargetRow(code, target, period, value, bonus, row=r.number)

    def _deductions(self, r: _Row) -> DeductionRow | None:
        code = r.agent()
        month = r.month("month")
        amounts = [
            r.decimal(key, required=False, non_negative=True, money=True) or ZERO for key in _DEDUCTION_KEYS
        ]
        if code and month:
            r.duplicate("month", (code_key(code), month), self.seen, ("工号和月份", "code and month"))
        r.locked("month", month)
        if r.bad:
            return None
        return DeductionRow(code, month, *amounts, row=r.number)

    def _tax_opening(self, r: _Row) -> TaxOpeningRow | None:
        code = r.agent()
        year = _whole(r, "year", 2000, 2100)
        through = _whole(r, "through_month", 1, 12)
        months = _whole(r, "months", 0, 12)
        if through is not None and months is not None and months > through:
            r.err(
                "months",
                f"月数 {months} 大于截至月份 {through}",
                f"{months} months is more than the through month {through}",
                "月数是截至月份之前在职发薪的月数",
                "months counts the months paid up to the through month",
            )
        income = r.decimal("income", required=True, money=True)
        rest = [
            r.decimal(key, required=False, non_negative=True, money=True) or ZERO
            for key in ("si_hf", "special", "other", "tax_withheld")
        ]
        if code and year is not None:
            r.duplicate("year", (code_key(code), year), self.seen, ("工号和年度", "code and year"))
        if r.bad or year is None or through is None or months is None or income is None:
            return None
        return TaxOpeningRow(code, year, through, months, income, *rest, row=r.number)

    def _appeals(self, r: _Row) -> AppealRow | None:
        code = r.agent()
        record = r.word("record", APPEAL_RECORD_WORDS, ("申诉对象", "appealed record"), _RECORD_SHOWN, None)
        record_date = r.day("record_date", required=True)
        indicator = r.text("indicator")
        if record == "metric":
            if not indicator:
                r.err(
                    "indicator",
                    "指标申诉必须填写指标代码",
                    "an appeal against a metric needs the indicator",
                    "请填写方案中的指标代码",
                    "enter the indicator code of the plan",
                )
            indicator = self._known_indicator(r, indicator)
        filed = r.day("filed", required=True)
        reason = r.text_req("reason")
        override = r.text("override_reason")
        if r.bad or record_date is None or filed is None:
            return None
        return AppealRow(code, record, record_date, indicator if record == "metric" else "", filed, reason,
                         override, row=r.number)


def _agent_extra(r: _Row) -> dict[str, Any]:
    """The optional §9.1 columns of an agents row (docs/formats.md part two); problems name the
    row and column and never quote a whole ID or account number."""
    from app.personal import account_problem, id_problem, normalize_account, normalize_id

    given = frozenset(k for k in _AGENT_EXTRA if r.raw(k) is not None)  # an empty cell keeps the stored value
    out: dict[str, Any] = {"given": given}
    if not given:
        return out
    raw_id = r.text("id_number")
    if raw_id:
        problem = id_problem(raw_id)
        if problem is not None:
            r.err("id_number", problem[0], problem[1], "请核对身份证号", "check the ID number")
        out["id_number"] = normalize_id(raw_id)
    out["bank_name"] = r.text("bank_name")
    raw_account = r.text("bank_account")
    if raw_account:
        problem = account_problem(raw_account)
        if problem is not None:
            r.err("bank_account", problem[0], problem[1], "请核对银行账号", "check the bank account")
        out["bank_account"] = normalize_account(raw_account)
    out["si_base"] = r.decimal("si_base", required=False, non_negative=True, money=True)
    out["hf_base"] = r.decimal("hf_base", required=False, non_negative=True, money=True)
    out["statutory"] = r.boolean("statutory", True)
    return out


# The columns of a sales row, in the order of :meth:`_Parser._plain_sale_of`'s arguments.
_SALES_KEYS = ("policy_no", "code", "product", "premium", "customer_level", "new_customer", "sign_date", "cancel_date")
_SALES_TEXT_KEYS = ("policy_no", "code", "product", "customer_level")  # the columns with a maximum length


def _plain_day(text: str, locked: frozenset[str]) -> tuple[date, bool] | None:
    """A ``YYYY-MM-DD`` text as :func:`plain_date` reads it, and whether its month is locked; None if not plain."""
    day = plain_date(text)
    return None if day is None else (day, _month_of(day) in locked)


_AGENT_EXTRA = ("id_number", "bank_name", "bank_account", "si_base", "hf_base", "statutory")


_DEDUCTION_KEYS = (
    "children_education",
    "continuing_education",
    "housing_loan_interest",
    "housing_rent",
    "elderly_care",
    "infant_care",
    "other",
)


def _whole(r: _Row, key: str, low: int, high: int) -> int | None:
    """A required whole number from ``low`` to ``high``."""
    value = r.decimal(key, required=True)
    if value is None:
        return None
    if value != value.to_integral_value() or not low <= value <= high:
        r.err(
            key,
            f"应为 {low}–{high} 之间的整数 “{show(r.raw(key))}”",
            f'must be a whole number from {low} to {high} "{show(r.raw(key))}"',
            "请填写整数",
            "enter a whole number",
        )
        return None
    return int(value)


_PERIOD_ACTION = ("请填写如 2026-10、2026-Q4、2026-H2 或 2026 的期间", "write the period as 2026-10, 2026-Q4, 2026-H2 or 2026")


def _as_period(cell: Cell) -> str:
    """A period as written (``2026-10``, ``2026-Q4``, ``2026-H2``, ``2026``); a year typed as a number and
    a date (Excel turns a typed ``2026-10`` into 2026-10-01) are understood too."""
    if isinstance(cell, date):
        return f"{cell.year:04d}-{cell.month:02d}"
    if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool) and cell == int(cell):
        cell = str(int(cell))
    if isinstance(cell, str):
        try:
            return parse_period(cell).text
        except ValueError:
            pass
    raise CellError(f"不是期间 “{show(cell)}”", f'not a period "{show(cell)}"', *_PERIOD_ACTION)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {', '.join(KINDS)}")


def parse_table(kind: str, table: Table, ctx: ImportContext | None = None) -> ImportResult[Any]:
    """Validate a table of ``kind``; never raises for any table content (only for an unknown ``kind``)."""
    _check_kind(kind)
    ctx = ctx or ImportContext()
    try:
        return _Parser(kind, table, ctx).run()
    except Exception:  # last line of defence: a bug must surface as a problem, not a traceback
        problem = Problem(
            str(getattr(table, "file", "")),
            None,
            None,
            "读取文件时发生内部错误",
            "请检查文件内容；如问题持续，请联系技术支持",
            ERROR,
            "an internal error occurred while reading the file",
            "check the file; if it keeps happening, contact support",
        )
        return ImportResult(kind, str(getattr(table, "file", "")), problems=[problem])


def column_keys(kind: str, table: Table, key: str) -> set[str]:
    """Every text a row's ``key`` column (found by its header, as the parser finds it) can be read as:
    the cell as written, trimmed, without control characters, and as :func:`as_text` shows a number
    or date cell. A superset of the values the parse gives that column, for the services to look up
    just those records (a file's policy numbers among the stored ones) before parsing it."""
    parser = _Parser(kind, table, ImportContext())
    try:
        parser.map_headers()
    except Exception:  # the parse itself will say what is wrong with the header
        return set()
    i = parser.index.get(key)
    out: set[str] = set()
    if i is None:
        return out
    for _, cells in table.rows:
        if i >= len(cells) or cells[i] is None:
            continue
        v = cells[i]
        if v.__class__ is str:
            text: str = v  # type: ignore[assignment]
            out.add(text)
            trimmed = text.strip()
            out.add(trimmed)
            if not text.isprintable():
                out.add(strip_controls(text)[0].strip())
        else:
            try:
                out.add(as_text(v))
            except Exception:  # noqa: BLE001 - an unreadable cell is the parse's to explain
                continue
    return out


def read_file(kind: str, path: Path) -> Table | ImportResult[Any]:
    """Read an import file into a table (the slow part, no checks against the database yet);
    an unreadable file is an :class:`ImportResult` with the problem, not an exception."""
    _check_kind(kind)
    path = Path(path)
    try:
        return read_table(path, is_header=header_test(kind))
    except TableError as exc:
        return ImportResult(kind, path.name, problems=[exc.problem])
    except Exception:
        problem = Problem(
            path.name,
            None,
            None,
            "不是可读取的表格文件（.xlsx 或 .csv）",
            "请使用导入模板，在 Excel 中保存为 .xlsx 或 CSV 后重新导入",
            ERROR,
            "this is not a readable spreadsheet (.xlsx or .csv)",
            "use the import template and save it from Excel as .xlsx or CSV",
        )
        return ImportResult(kind, path.name, problems=[problem])


def parse_file(kind: str, path: Path, ctx: ImportContext | None = None) -> ImportResult[Any]:
    """Read and validate an import file; an unreadable file is a problem in the result, not an exception."""
    table = read_file(kind, path)
    if isinstance(table, ImportResult):
        return table
    return parse_table(kind, table, ctx)




def _sales_row_maker() -> Callable[[str, str, str, Decimal, str, bool, date, date | None, int], SalesRow]:
    """``SalesRow(policy, …, row=row)`` for a row the quick path has checked, with the fields set through
    the slots directly: twice as fast as the frozen dataclass's ``__init__``, which has nothing else to
    do (tests/importers/test_sales_plain_path.py compares the two)."""
    names = ("policy_no", "code", "product", "premium", "customer_level", "new_customer", "sign_date",
             "cancel_date", "row")
    if tuple(f.name for f in fields(SalesRow)) != names or hasattr(SalesRow, "__post_init__"):
        raise TypeError("SalesRow changed: update _sales_row_maker")  # every field, in order, nothing else to run
    s0, s1, s2, s3, s4, s5, s6, s7, s8 = (getattr(SalesRow, name).__set__ for name in names)
    new = object.__new__

    def make(policy: str, code: str, product: str, premium: Decimal, level: str, new_customer: bool, sign: date,
             cancel: date | None, row: int) -> SalesRow:
        rec: SalesRow = new(SalesRow)
        s0(rec, policy)
        s1(rec, code)
        s2(rec, product)
        s3(rec, premium)
        s4(rec, level)
        s5(rec, new_customer)
        s6(rec, sign)
        s7(rec, cancel)
        s8(rec, row)
        return rec

    return make


_new_sales_row = _sales_row_maker()
