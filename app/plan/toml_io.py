"""Read and write a plan as TOML (docs/pay-rules.md §5).

Loading validates the whole document before anything is built and reports *every*
problem at once, each naming its key path (``commission.tiers[1].from: …``), so the
manager can fix a file in one go instead of one error per attempt.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

import tomli_w

from app.i18n import language
from app.money import D, fmt_num
from app.plan.model import (
    BETTER_VALUES,
    CALENDARS,
    COMMISSION_MODES,
    COMPLAINT_LEVELS,
    DEFAULT_GRADES,
    DEFAULT_GROUP,
    DEFAULT_LEAVE_PAY_RATIO,
    LEAVE_TYPES,
    SOURCE_VALUES,
    AttendanceConfig,
    AwardsConfig,
    Band,
    CommissionConfig,
    CommissionGroup,
    ComplaintsConfig,
    Grade,
    Indicator,
    KpiConfig,
    LimitsConfig,
    MinuteTier,
    PayConfig,
    Plan,
    Product,
    QualityConfig,
    Scope,
    Tier,
)
from app.plan.statutory_toml import load_statutory, statutory_to_dict
from app.plan.targets_io import SECTION_KEYS, load_period_sections, period_sections_to_dict

SCHEMA_VERSION = 1
SUPPORTED_SCHEMAS = (1, 2)  # 2: docs/pay-rules.md part two (§7 scheme language, §8 targets, §9 statutory)
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_MISSING: Any = object()


class PlanError(ValueError):
    """A plan document that cannot be used; ``problems`` lists each one with its key path.

    ``problems`` is English; ``problems_zh`` holds the same problems, in the same order and with
    the same ASCII key-path prefix, explained in Chinese. ``messages(lang)`` picks one list.
    """

    def __init__(
        self, problems: list[str], *, source: str = "plan", problems_zh: list[str] | None = None
    ) -> None:
        self.problems = list(problems)
        self.problems_zh = list(problems_zh) if problems_zh is not None else list(self.problems)
        if len(self.problems_zh) != len(self.problems):
            raise ValueError("problems_zh must list the same problems as problems")
        self.source = source
        summary = "; ".join(self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"{source}: {len(self.problems)} problem(s): {summary}{more}")

    def messages(self, lang: str | None = None) -> list[str]:
        """The problems in ``lang`` ("zh" or "en"; the app's current language by default)."""
        return list(self.problems if (lang or language()) == "en" else self.problems_zh)


@dataclass
class _Checker:
    """Collects problems while walking the document, so one pass reports them all."""

    problems: list[str] = field(default_factory=list)
    problems_zh: list[str] = field(default_factory=list)
    schema: int = 1  # the document's schema, once read: schema-2 keys are refused in a schema-1 file

    def v2_only(self, tbl: dict[str, Any], keys: Iterable[str], path: str) -> bool:
        """Whether the document is schema 2; in a schema-1 document, report each of ``keys`` present."""
        if self.schema >= 2:
            return True
        for key in keys:
            if key in tbl:
                self.fail(
                    _join(path, key),
                    "is only allowed in a plan with schema = 2 (add `schema = 2` at the top of the file)",
                    "仅在 schema = 2 的方案中可用（请在文件开头写 `schema = 2`）",
                )
        return False

    def fail(self, path: str, en: str, zh: str) -> None:
        """Record one problem at ``path`` in both languages (the key path stays ASCII, first)."""
        self.problems.append(f"{path}: {en}" if path else en)
        self.problems_zh.append(f"{path}: {zh}" if path else zh)

    def unique(
        self,
        seen: dict[Any, int],
        key: object,
        i: int,
        *,
        at: str,
        shown: str,
        other: str,
        what: tuple[str, str],
        then: tuple[str, str] = ("", ""),
    ) -> None:
        """Entry ``i`` has ``key`` (shown as ``shown``): a problem at ``at`` when an earlier entry had it.

        ``other`` names the earlier entry with ``{}`` for its index (``"products[{}]"``); ``what`` is
        what the key is, in English and Chinese; ``then`` says what to do (appended as written)."""
        if key in seen:
            earlier = other.format(seen[key])
            self.fail(
                at,
                f"duplicate {what[0]} {shown} (also {earlier}){then[0]}",
                f"{what[1]} {shown} 重复（{earlier} 已使用）{then[1]}",
            )
        seen.setdefault(key, i)

    def error(self, source: str) -> PlanError:
        return PlanError(self.problems, source=source, problems_zh=self.problems_zh)

    # -- containers -------------------------------------------------------------------------
    def table(self, value: Any, path: str, allowed: Iterable[str] | None) -> dict[str, Any]:
        """Return ``value`` as a table, reporting a wrong type and every unknown key.

        ``allowed=None`` accepts any key (customer levels are the branch's own words).
        """
        if not isinstance(value, dict):
            self.fail(
                path, f"must be a table, not {_kind(value)}", f"应为表（table），当前为{_kind_zh(value)}"
            )
            return {}
        if allowed is None:
            return value
        allowed = tuple(allowed)
        for key in value:
            if key not in allowed:
                self.fail(
                    _join(path, key),
                    f"unknown key (allowed here: {', '.join(allowed)})",
                    f"未知的键（此处允许：{', '.join(allowed)}）",
                )
        return value

    def array(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            self.fail(path, f"must be a list, not {_kind(value)}", f"应为列表，当前为{_kind_zh(value)}")
            return []
        return value

    # -- scalars ----------------------------------------------------------------------------
    def number(
        self,
        tbl: dict[str, Any],
        key: str,
        path: str,
        *,
        default: Any = _MISSING,
        rate: bool = False,
        min_value: Decimal | None = Decimal(0),
        positive: bool = False,
        max_value: Decimal | None = None,
    ) -> Any:
        """A Decimal from an int/float (already Decimal via ``parse_float``) or, for rates, text.

        ``min_value`` defaults to 0 because nearly every plan number is an amount or a rate,
        and the rulebook forbids negative ones; pass ``None`` where a sign is meaningful.
        """
        full = _join(path, key)
        if key not in tbl:
            if default is _MISSING:
                self.fail(full, "is required", "必须填写")
            return default
        raw = tbl[key]
        value: Decimal | None = None
        if isinstance(raw, bool):
            value = None
        elif isinstance(raw, int | Decimal):
            value = D(raw)
        elif isinstance(raw, str) and rate:
            try:
                value = D(raw)
            except (InvalidOperation, ValueError, TypeError):
                self.fail(full, f"{raw!r} is not a number or percentage", f"{raw!r} 不是数字，也不是百分比")
                return default if default is not _MISSING else None
        if value is None or not value.is_finite():
            what = 'a number or a percentage text like "95%"' if rate else "a number"
            what_zh = '数字或百分比文本（如 "95%"）' if rate else "数字"
            self.fail(full, f"must be {what}, not {_kind(raw)}", f"应为{what_zh}，当前为{_kind_zh(raw)}")
            return default if default is not _MISSING else None
        if positive and value <= 0:
            self.fail(
                full,
                f"must be greater than 0 (got {fmt_num(value)})",
                f"必须大于 0（当前为 {fmt_num(value)}）",
            )
        elif min_value is not None and value < min_value:
            if min_value == 0:
                self.fail(
                    full,
                    f"must not be negative (got {fmt_num(value)})",
                    f"不能为负数（当前为 {fmt_num(value)}）",
                )
            else:
                self.fail(
                    full,
                    f"must be at least {fmt_num(min_value)} (got {fmt_num(value)})",
                    f"不能小于 {fmt_num(min_value)}（当前为 {fmt_num(value)}）",
                )
        if max_value is not None and value > max_value:
            self.fail(
                full,
                f"must be at most {fmt_num(max_value)} (got {fmt_num(value)})",
                f"不能大于 {fmt_num(max_value)}（当前为 {fmt_num(value)}）",
            )
        return value

    def integer(
        self, tbl: dict[str, Any], key: str, path: str, *, default: Any = _MISSING, min_value: int = 0
    ) -> Any:
        full = _join(path, key)
        if key not in tbl:
            if default is _MISSING:
                self.fail(full, "is required", "必须填写")
            return default
        raw = tbl[key]
        if isinstance(raw, Decimal) and raw.is_finite() and raw == raw.to_integral_value():
            raw = int(raw)
        if isinstance(raw, bool) or not isinstance(raw, int):
            self.fail(full, f"must be a whole number, not {_kind(raw)}", f"应为整数，当前为{_kind_zh(raw)}")
            return default if default is not _MISSING else None
        if raw < min_value:
            self.fail(
                full, f"must be at least {min_value} (got {raw})", f"不能小于 {min_value}（当前为 {raw}）"
            )
        return raw

    def text(
        self,
        tbl: dict[str, Any],
        key: str,
        path: str,
        *,
        default: Any = _MISSING,
        choices: tuple[str, ...] | None = None,
    ) -> Any:
        full = _join(path, key)
        if key not in tbl:
            if default is _MISSING:
                self.fail(full, "is required", "必须填写")
            return default
        raw = tbl[key]
        if not isinstance(raw, str):
            self.fail(full, f"must be text, not {_kind(raw)}", f"应为文本，当前为{_kind_zh(raw)}")
            return default if default is not _MISSING else None
        if choices is not None and raw not in choices:
            self.fail(
                full,
                f"unknown value {raw!r} (expected one of: {', '.join(choices)})",
                f"无效的取值 {raw!r}（可选：{', '.join(choices)}）",
            )
        elif choices is None and not raw.strip():
            self.fail(full, "must not be empty", "不能为空")
        return raw

    def boolean(self, tbl: dict[str, Any], key: str, path: str, *, default: bool) -> bool:
        full = _join(path, key)
        raw = tbl.get(key, default)
        if not isinstance(raw, bool):
            self.fail(
                full, f"must be true or false, not {_kind(raw)}", f"应为 true 或 false，当前为{_kind_zh(raw)}"
            )
            return default
        return raw


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | Decimal):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _kind_zh(value: Any) -> str:
    """What ``value`` is, in Chinese, for "应为…，当前为…" (mirrors :func:`_kind`)."""
    if isinstance(value, bool):
        return "是/否值（true/false）"
    if isinstance(value, int | Decimal):
        return f"数字 {value}"
    if isinstance(value, str):
        return f"文本 {value!r}"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "表"
    return type(value).__name__


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------

_TOP_KEYS = (
    "schema",
    "name",
    "effective_from",
    "pay",
    "leave_pay_ratio",
    "products",
    "commission",
    "quality",
    "kpi",
    "attendance",
    "complaints",
    "awards",
    "limits",
    "scopes",
    "statutory",
    "appeals",
    "publication",
    *SECTION_KEYS,
)


def load_plan(text: str, *, source: str = "plan") -> Plan:
    """Parse and validate a plan document; raise :class:`PlanError` listing every problem."""
    try:
        doc = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(
            [f"not valid TOML: {exc}"], source=source, problems_zh=[f"文件不是有效的 TOML 格式：{exc}"]
        ) from exc
    return plan_from_dict(doc, source=source)


def plan_from_dict(doc: dict[str, Any], *, source: str = "plan") -> Plan:
    """Validate an already-parsed document (floats must already be Decimal)."""
    ck = _Checker()
    top = ck.table(doc, "", _TOP_KEYS)
    schema = ck.integer(top, "schema", "", default=SCHEMA_VERSION)
    if isinstance(schema, int) and schema not in SUPPORTED_SCHEMAS:
        ck.fail(
            "schema",
            f"unsupported schema version {schema} (this app reads 1 and 2)",
            f"不支持的方案格式版本 {schema}（本程序能读取版本 1 和 2）",
        )
    elif isinstance(schema, int):
        ck.schema = schema
    name = ck.text(top, "name", "")
    effective_from = ck.text(top, "effective_from", "")
    if isinstance(effective_from, str) and not _MONTH_RE.match(effective_from):
        ck.fail(
            "effective_from",
            f"must be a month written YYYY-MM, e.g. 2026-01 (got {effective_from!r})",
            f"应为 YYYY-MM 格式的月份，例如 2026-01（当前为 {effective_from!r}）",
        )

    pay = _load_pay(ck, top.get("pay", {}))
    leave = _load_leave(ck, top.get("leave_pay_ratio", {}))
    products = _load_products(ck, top.get("products", []))
    commission = _load_commission(ck, top.get("commission", _MISSING))
    quality = _load_quality(ck, top.get("quality", {}))
    kpi = _load_kpi(ck, top.get("kpi", {}))
    attendance = _load_attendance(ck, top.get("attendance", {}))
    complaints = _load_complaints(ck, top.get("complaints", {}))
    awards = _load_awards(ck, top.get("awards", {}))
    limits = _load_limits(ck, top.get("limits", {}))
    scopes: tuple[Scope, ...] = ()
    if ck.v2_only(top, ("scopes",), ""):
        from app.plan.schema2 import load_scopes

        scopes = load_scopes(ck, top.get("scopes", []))
    statutory = None
    if ck.v2_only(top, ("statutory",), ""):  # part two: schema 2 only, like every new section
        statutory = load_statutory(ck, top.get("statutory"))
    if ck.v2_only(top, ("appeals", "publication"), ""):  # part two §11: schema 2, like every new section
        _load_appeals(ck, top.get("appeals", {}))
        _load_publication(ck, top.get("publication", {}))
    targets, period_awards, team_award = load_period_sections(ck, top)

    if ck.problems:
        raise ck.error(source)
    assert commission is not None
    return Plan(
        schema=schema,
        name=name,
        effective_from=effective_from,
        pay=pay,
        leave_pay_ratio=leave,
        products=products,
        commission=commission,
        quality=quality,
        kpi=kpi,
        attendance=attendance,
        complaints=complaints,
        awards=awards,
        limits=limits,
        scopes=scopes,
        statutory=statutory,
        targets=targets,
        period_awards=period_awards,
        team_award=team_award,
    )


def _load_pay(ck: _Checker, raw: Any) -> PayConfig:
    t = ck.table(raw, "pay", ("calendar", "days_per_month"))
    return PayConfig(
        calendar=ck.text(t, "calendar", "pay", default="cn", choices=CALENDARS),
        days_per_month=ck.number(t, "days_per_month", "pay", default=Decimal("21.75"), positive=True),
    )


def _load_leave(ck: _Checker, raw: Any) -> dict[str, Decimal]:
    t = ck.table(raw, "leave_pay_ratio", LEAVE_TYPES)
    return {
        kind: ck.number(
            t, kind, "leave_pay_ratio", default=DEFAULT_LEAVE_PAY_RATIO[kind], rate=True, max_value=Decimal(1)
        )
        for kind in LEAVE_TYPES
    }


def _load_products(ck: _Checker, raw: Any) -> tuple[Product, ...]:
    out: list[Product] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(ck.array(raw, "products")):
        path = f"products[{i}]"
        t = ck.table(item, path, ("code", "name", "factor", "group"))
        code = ck.text(t, "code", path)
        name = ck.text(t, "name", path, default=code if isinstance(code, str) else "")
        factor = ck.number(t, "factor", path, default=Decimal(1), rate=True)
        group = DEFAULT_GROUP
        if ck.v2_only(t, ("group",), path):
            group = ck.text(t, "group", path, default=DEFAULT_GROUP) or DEFAULT_GROUP
        if isinstance(code, str):
            ck.unique(seen, code, i, at=f"{path}.code", shown=repr(code), other="products[{}]",
                      what=("product code", "产品代码"))
        out.append(Product(code=code or "", name=name or "", factor=factor or Decimal(0), group=group))
    return tuple(out)


def _load_commission(ck: _Checker, raw: Any, path: str = "commission") -> CommissionConfig | None:
    if raw is _MISSING:
        ck.fail(
            path,
            f"is required (at least {path}.tiers)",
            f"必须填写（至少要有 {path}.tiers 提成阶梯）",
        )
        return None
    t = ck.table(raw, path, ("mode", "tiers", "level_bonus_rate", "new_customer_bonus", "groups"))
    mode = ck.text(t, "mode", path, default="marginal", choices=COMMISSION_MODES)
    tiers: list[Tier] = []
    if "tiers" not in t:
        ck.fail(f"{path}.tiers", "is required", "必须填写")
    raw_tiers = ck.array(t.get("tiers", []), f"{path}.tiers")
    if "tiers" in t and not raw_tiers and isinstance(t.get("tiers"), list):
        ck.fail(f"{path}.tiers", "needs at least one tier starting at 0", "至少要有一档，且第一档从 0 开始")
    previous: Decimal | None = None
    for i, item in enumerate(raw_tiers):
        tp = f"{path}.tiers[{i}]"
        tt = ck.table(item, tp, ("from", "rate"))
        start = ck.number(tt, "from", tp)
        rate = ck.number(tt, "rate", tp, rate=True)
        if isinstance(start, Decimal):
            if i == 0 and start != 0:
                ck.fail(
                    f"{tp}.from",
                    f"the first tier must start at 0 (got {fmt_num(start)})",
                    f"第一档必须从 0 开始（当前为 {fmt_num(start)}）",
                )
            if previous is not None and start <= previous:
                ck.fail(
                    f"{tp}.from",
                    f"must be greater than the previous tier ({fmt_num(previous)})",
                    f"必须大于上一档的起点（{fmt_num(previous)}）",
                )
            previous = start if previous is None or start > previous else previous
        tiers.append(Tier(from_=start if start is not None else Decimal(0), rate=rate or Decimal(0)))
    lb = ck.table(t.get("level_bonus_rate", {}), f"{path}.level_bonus_rate", None)
    level_bonus = {
        str(level): ck.number(lb, level, f"{path}.level_bonus_rate", rate=True) or Decimal(0) for level in lb
    }
    ncb = ck.number(t, "new_customer_bonus", path, default=Decimal(0))
    groups: tuple[CommissionGroup, ...] = ()
    if ck.v2_only(t, ("groups",), path) and "groups" in t:
        from app.plan.schema2 import load_groups

        groups = load_groups(ck, t["groups"], f"{path}.groups", mode if isinstance(mode, str) else "marginal")
    return CommissionConfig(
        tiers=tuple(tiers), mode=mode, level_bonus_rate=level_bonus, new_customer_bonus=ncb, groups=groups
    )


def _bands(
    ck: _Checker,
    raw: Any,
    path: str,
    value_key: str,
    read_value: Callable[[dict[str, Any], str], Any],
) -> list[tuple[Decimal, Any]]:
    """Shared by QA bands and grades: each needs a ``min``, mins are unique and one is 0."""
    items: list[tuple[Decimal, Any]] = []
    seen: dict[Decimal, int] = {}
    raw_list = ck.array(raw, path)
    for i, item in enumerate(raw_list):
        ip = f"{path}[{i}]"
        t = ck.table(item, ip, ("min", value_key))
        low = ck.number(t, "min", ip, max_value=Decimal(100))
        value = read_value(t, ip)
        if isinstance(low, Decimal):
            ck.unique(seen, low, i, at=f"{ip}.min", shown=fmt_num(low), other=path + "[{}]", what=("min", "min 值"))
            items.append((low, value))
    if isinstance(raw, list) and not any(low == 0 for low in seen):
        ck.fail(
            path,
            "must include an entry with min = 0 (so every score has a value)",
            "必须有一条 min = 0 的记录（这样任何分数都有对应的值）",
        )
    items.sort(key=lambda pair: pair[0], reverse=True)
    return items


def _load_quality(ck: _Checker, raw: Any, path: str = "quality") -> QualityConfig:
    t = ck.table(raw, path, ("min_evaluations", "no_data_coefficient", "fatal_penalty", "bands", "grades"))
    defaults = QualityConfig()
    bands = defaults.bands
    if "bands" in t:
        pairs = _bands(
            ck,
            t["bands"],
            f"{path}.bands",
            "coefficient",
            lambda bt, bp: ck.number(bt, "coefficient", bp, rate=True),
        )
        bands = tuple(Band(low, coef or Decimal(0)) for low, coef in pairs)
    grades = DEFAULT_GRADES
    if "grades" in t:
        gpairs = _bands(ck, t["grades"], f"{path}.grades", "grade", lambda gt, gp: ck.text(gt, "grade", gp))
        grades = tuple(Grade(low, g or "") for low, g in gpairs)
    return QualityConfig(
        min_evaluations=ck.integer(t, "min_evaluations", path, default=1),
        no_data_coefficient=ck.number(t, "no_data_coefficient", path, default=Decimal(1), rate=True),
        fatal_penalty=ck.number(t, "fatal_penalty", path, default=Decimal(0)),
        bands=bands,
        grades=grades,
    )


_INDICATOR_KEYS = (
    "code",
    "name",
    "weight",
    "target",
    "step",
    "down",
    "up",
    "max_down",
    "max_up",
    "better",
    "source",
)
# Schema 2 (§7.2): the indicator kinds and their own keys.
INDICATOR_KEYS_V2 = ("kind", "step_up", "step_down", "bands", "points", "points_by_level")


def linear_indicator(ck: _Checker, it: dict[str, Any], ip: str, base: Indicator, *, steps: bool = False) -> Indicator:
    """``base`` with the keys of a linear indicator read from ``it`` (schema 1's only kind; with
    ``steps``, schema 2's ``step_up`` and ``step_down`` too), in the order the problems are reported."""
    target = ck.number(it, "target", ip, rate=True, min_value=None) or Decimal(0)
    step = ck.number(it, "step", ip, rate=True, positive=True) or Decimal(1)
    step_up = ck.number(it, "step_up", ip, default=None, rate=True, positive=True) if steps else None
    step_down = ck.number(it, "step_down", ip, default=None, rate=True, positive=True) if steps else None
    return replace(
        base,
        target=target,
        step=step,
        step_up=step_up,
        step_down=step_down,
        down=ck.number(it, "down", ip, default=Decimal(1)),
        up=ck.number(it, "up", ip, default=Decimal(1)),
        max_down=ck.number(it, "max_down", ip, default=None),
        max_up=ck.number(it, "max_up", ip, default=None),
        better=ck.text(it, "better", ip, default="higher", choices=BETTER_VALUES),
        source=ck.text(it, "source", ip, default="metric", choices=SOURCE_VALUES),
    )


def _load_kpi(ck: _Checker, raw: Any, path: str = "kpi") -> KpiConfig:
    t = ck.table(
        raw, path, ("standard", "bonus_from", "bonus_per_point", "deduction_per_point", "indicators")
    )
    standard = ck.number(t, "standard", path, default=Decimal(80))
    bonus_from = ck.number(t, "bonus_from", path, default=Decimal(90))
    if isinstance(standard, Decimal) and isinstance(bonus_from, Decimal) and bonus_from < standard:
        ck.fail(
            f"{path}.bonus_from",
            f"must not be below {path}.standard ({fmt_num(standard)})",
            f"不能低于 kpi.standard 达标分（{fmt_num(standard)}）",
        )
    indicators: list[Indicator] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(ck.array(t.get("indicators", []), f"{path}.indicators")):
        ip = f"{path}.indicators[{i}]"
        it = ck.table(item, ip, _INDICATOR_KEYS + INDICATOR_KEYS_V2)
        code = ck.text(it, "code", ip)
        if isinstance(code, str):
            ck.unique(seen, code, i, at=f"{ip}.code", shown=repr(code), other=path + ".indicators[{}]",
                      what=("indicator code", "指标代码"))
        if ck.v2_only(it, INDICATOR_KEYS_V2, ip):
            from app.plan.schema2 import load_v2_indicator

            indicators.append(load_v2_indicator(ck, it, ip, code if isinstance(code, str) else ""))
            continue
        base = Indicator(
            code=code or "",
            name=ck.text(it, "name", ip, default=code if isinstance(code, str) else "") or "",
            weight=ck.number(it, "weight", ip, rate=True, positive=True) or Decimal(1),
            target=Decimal(0),
            step=Decimal(1),
        )
        indicators.append(linear_indicator(ck, it, ip, base))
    return KpiConfig(
        standard=standard if standard is not None else Decimal(80),
        bonus_from=bonus_from if bonus_from is not None else Decimal(90),
        bonus_per_point=ck.number(t, "bonus_per_point", path, default=Decimal(0)),
        deduction_per_point=ck.number(t, "deduction_per_point", path, default=Decimal(0)),
        indicators=tuple(indicators),
    )


def _minute_tiers(ck: _Checker, raw: Any, path: str) -> tuple[MinuteTier, ...]:
    tiers: list[MinuteTier] = []
    previous: int | None = None
    for i, item in enumerate(ck.array(raw, path)):
        ip = f"{path}[{i}]"
        t = ck.table(item, ip, ("up_to_minutes", "amount"))
        up_to = ck.integer(t, "up_to_minutes", ip)
        amount = ck.number(t, "amount", ip)
        if isinstance(up_to, int):
            if previous is not None and up_to <= previous:
                ck.fail(
                    f"{ip}.up_to_minutes",
                    f"must be greater than the previous tier ({previous})",
                    f"必须大于上一档的分钟数（{previous}）",
                )
            previous = up_to if previous is None or up_to > previous else previous
        tiers.append(MinuteTier(up_to_minutes=up_to or 0, amount=amount or Decimal(0)))
    return tuple(tiers)


def _load_attendance(ck: _Checker, raw: Any) -> AttendanceConfig:
    path = "attendance"
    t = ck.table(
        raw,
        path,
        (
            "late_free",
            "late",
            "early_leave",
            "away",
            "swap",
            "absence_multiplier",
            "cap",
            "full_attendance_bonus",
            "full_attendance_breakers",
        ),
    )
    breakers: tuple[str, ...] = ("personal", "sick")
    if "full_attendance_breakers" in t:
        items = ck.array(t["full_attendance_breakers"], "attendance.full_attendance_breakers")
        good: list[str] = []
        for i, kind in enumerate(items):
            if kind not in LEAVE_TYPES:
                ck.fail(
                    f"attendance.full_attendance_breakers[{i}]",
                    f"unknown leave type {kind!r} (expected one of: {', '.join(LEAVE_TYPES)})",
                    f"未知的假别 {kind!r}（可选：{', '.join(LEAVE_TYPES)}）",
                )
            else:
                good.append(kind)
        breakers = tuple(good)
    return AttendanceConfig(
        late_free=ck.integer(t, "late_free", path, default=0),
        late=_minute_tiers(ck, t.get("late", []), "attendance.late"),
        early_leave=_minute_tiers(ck, t.get("early_leave", []), "attendance.early_leave"),
        away=ck.number(t, "away", path, default=Decimal(0)),
        swap=ck.number(t, "swap", path, default=Decimal(0)),
        absence_multiplier=ck.number(t, "absence_multiplier", path, default=Decimal(1), rate=True),
        cap=ck.number(t, "cap", path, default=None),
        full_attendance_bonus=ck.number(t, "full_attendance_bonus", path, default=Decimal(0)),
        full_attendance_breakers=breakers,
    )


def _load_complaints(ck: _Checker, raw: Any) -> ComplaintsConfig:
    t = ck.table(raw, "complaints", ("amounts", "cap"))
    amounts_t = ck.table(t.get("amounts", {}), "complaints.amounts", COMPLAINT_LEVELS)
    amounts = {
        level: ck.number(amounts_t, level, "complaints.amounts", default=Decimal(0))
        for level in COMPLAINT_LEVELS
    }
    return ComplaintsConfig(amounts=amounts, cap=ck.number(t, "cap", "complaints", default=None))


def _load_awards(ck: _Checker, raw: Any) -> AwardsConfig:
    path = "awards"
    t = ck.table(
        raw,
        path,
        ("top_share", "top_amount", "min_score", "exclude_penalized", "praise_amount", "within_scope"),
    )
    within_scope = False
    if ck.v2_only(t, ("within_scope",), path):
        within_scope = ck.boolean(t, "within_scope", path, default=False)
    return AwardsConfig(
        top_share=ck.number(t, "top_share", path, default=Decimal(0), rate=True, max_value=Decimal(1)),
        top_amount=ck.number(t, "top_amount", path, default=Decimal(0)),
        min_score=ck.number(t, "min_score", path, default=Decimal(0)),
        exclude_penalized=ck.boolean(t, "exclude_penalized", path, default=True),
        praise_amount=ck.number(t, "praise_amount", path, default=Decimal(0)),
        within_scope=within_scope,
    )


def _load_limits(ck: _Checker, raw: Any) -> LimitsConfig:
    t = ck.table(raw, "limits", ("penalty_share",))
    return LimitsConfig(
        penalty_share=ck.number(t, "penalty_share", "limits", default=None, rate=True, max_value=Decimal(1))
    )


DEFAULT_APPEAL_WINDOW_DAYS = 7


def _load_appeals(ck: _Checker, raw: Any) -> int:
    """The optional ``[appeals]`` table (docs/pay-rules.md §11): ``window_days``, default 7."""
    t = ck.table(raw, "appeals", ("window_days",))
    days = ck.integer(t, "window_days", "appeals", default=DEFAULT_APPEAL_WINDOW_DAYS)
    return days if isinstance(days, int) else DEFAULT_APPEAL_WINDOW_DAYS


def _load_publication(ck: _Checker, raw: Any) -> bool:
    t = ck.table(raw, "publication", ("show_amounts",))
    return ck.boolean(t, "show_amounts", "publication", default=False)


def appeal_settings(text: str) -> tuple[int, bool]:
    """``(appeals.window_days, publication.show_amounts)`` of a stored plan text (defaults 7 and false).

    The plan text was validated when it was saved; a section missing here means the default.
    """
    try:
        doc = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError:
        return DEFAULT_APPEAL_WINDOW_DAYS, False
    ck = _Checker()
    days = _load_appeals(ck, doc.get("appeals", {}))
    show = _load_publication(ck, doc.get("publication", {}))
    if ck.problems:
        return DEFAULT_APPEAL_WINDOW_DAYS, False
    return days, show


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------


def _num(value: Decimal) -> int | Decimal:
    """Whole numbers written without a point (``100``, not ``100.0``), others as their exact text.

    tomli-w writes a Decimal with its ``str``, so ``0.045`` comes back as exactly ``0.045``.
    """
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return value


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The TOML document of ``plan`` with every key written out (defaults included)."""
    q, k, a, c, aw = plan.quality, plan.kpi, plan.attendance, plan.complaints, plan.awards
    doc: dict[str, Any] = {
        "schema": plan.schema,
        "name": plan.name,
        "effective_from": plan.effective_from,
        "pay": {"calendar": plan.pay.calendar, "days_per_month": _num(plan.pay.days_per_month)},
        "leave_pay_ratio": {kind: _num(plan.leave_ratio(kind)) for kind in LEAVE_TYPES},
        "products": [{"code": p.code, "name": p.name, "factor": _num(p.factor)} for p in plan.products],
        "commission": {
            "mode": plan.commission.mode,
            "tiers": [{"from": _num(t.from_), "rate": _num(t.rate)} for t in plan.commission.tiers],
            "level_bonus_rate": {lvl: _num(r) for lvl, r in plan.commission.level_bonus_rate.items()},
            "new_customer_bonus": _num(plan.commission.new_customer_bonus),
        },
        "quality": {
            "min_evaluations": q.min_evaluations,
            "no_data_coefficient": _num(q.no_data_coefficient),
            "fatal_penalty": _num(q.fatal_penalty),
            "bands": [{"min": _num(b.min), "coefficient": _num(b.coefficient)} for b in q.bands],
            "grades": [{"min": _num(g.min), "grade": g.grade} for g in q.grades],
        },
        "kpi": {
            "standard": _num(k.standard),
            "bonus_from": _num(k.bonus_from),
            "bonus_per_point": _num(k.bonus_per_point),
            "deduction_per_point": _num(k.deduction_per_point),
            "indicators": [_indicator_dict(ind) for ind in k.indicators],
        },
        "attendance": {
            "late_free": a.late_free,
            "late": [{"up_to_minutes": t.up_to_minutes, "amount": _num(t.amount)} for t in a.late],
            "early_leave": [
                {"up_to_minutes": t.up_to_minutes, "amount": _num(t.amount)} for t in a.early_leave
            ],
            "away": _num(a.away),
            "swap": _num(a.swap),
            "absence_multiplier": _num(a.absence_multiplier),
            "full_attendance_bonus": _num(a.full_attendance_bonus),
            "full_attendance_breakers": list(a.full_attendance_breakers),
        },
        "complaints": {"amounts": {lvl: _num(v) for lvl, v in c.amounts.items()}},
        "awards": {
            "top_share": _num(aw.top_share),
            "top_amount": _num(aw.top_amount),
            "min_score": _num(aw.min_score),
            "exclude_penalized": aw.exclude_penalized,
            "praise_amount": _num(aw.praise_amount),
        },
        "limits": {},
    }
    # TOML has no null: an absent optional key is how "no cap" is written.
    if a.cap is not None:
        doc["attendance"]["cap"] = _num(a.cap)
    if c.cap is not None:
        doc["complaints"]["cap"] = _num(c.cap)
    if plan.limits.penalty_share is not None:
        doc["limits"]["penalty_share"] = _num(plan.limits.penalty_share)
    if plan.schema >= 2:
        from app.plan.schema2 import add_v2_sections

        add_v2_sections(plan, doc)
    if plan.statutory is not None:
        doc["statutory"] = statutory_to_dict(plan.statutory)
    doc.update(period_sections_to_dict(plan))
    return doc


def _indicator_dict(ind: Indicator) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": ind.code,
        "name": ind.name,
        "weight": _num(ind.weight),
        "target": _num(ind.target),
        "step": _num(ind.step),
        "down": _num(ind.down),
        "up": _num(ind.up),
    }
    if ind.max_down is not None:
        out["max_down"] = _num(ind.max_down)
    if ind.max_up is not None:
        out["max_up"] = _num(ind.max_up)
    out["better"] = ind.better
    out["source"] = ind.source
    return out


def dump_plan(plan: Plan) -> str:
    """Write ``plan`` as TOML such that ``load_plan(dump_plan(p)) == p``."""
    return tomli_w.dumps(plan_to_dict(plan))


def default_plan_text() -> str:
    """The shipped default plan (``resources/default_plan.toml``), comments included."""
    from app.resources import read_text

    return read_text("default_plan.toml")


def default_plan() -> Plan:
    """The shipped default plan, validated."""
    return load_plan(default_plan_text(), source="default_plan.toml")
