"""Importing a file of records: validate everything first, then write it all in one transaction.

The importers (``app.importers``) turn a file into typed rows and problems without
touching the database; this module gives them what the database knows (agents,
products, locked months, existing keys), adds the checks only the database can
make, and writes the rows. Nothing is written when any problem exists.

An import reads its file first (:func:`read_import`, the slow part, no lock held), then
takes the database's write lock and, inside that one transaction, checks the rows against
the database as it is *now* (locked months, agents, policies) and writes them
(:func:`commit_import`): no month can be locked, nor an agent changed, between the check and
the write (issue #10).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Table as SqlTable
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from app.bulk import collector_paused
from app.fields import code_key
from app.importers import (
    COLUMNS,
    ImportContext,
    ImportResult,
    Problem,
    Table,
    column_keys,
    parse_table,
    read_file,
)
from app.periods import parse_period
from app.services.agents import PAYSLIP_PASSWORD_RULE, agent_employment, payslip_password_problem
from app.services.audit import audit
from app.services.errors import ServiceError
from app.services.months import employment_locked_months, locked_months, month_of
from app.services.plans import plan_for_month
from app.services.record_changes import note_months, records_changing
from app.services.scorecards import scorecard_names
from app.services.tax_imports import write_deductions, write_tax_opening
from app.text import Text
from db.bulk_insert import insert_rows
from db.models import (
    Adjustment,
    Agent,
    AttendanceRecord,
    Complaint,
    KpiMetric,
    PlanVersion,
    Policy,
    Praise,
    QAEvaluation,
    TargetValue,
)
from db.session import claim_write_lock
from db.types import decimal_text
from db.versioning import bump_values


class ImportRefused(ServiceError):
    """The file has problems; nothing was written. ``result`` lists them."""

    def __init__(self, result: ImportResult) -> None:
        n = len(result.problems)
        first_zh = result.problems[0].message("zh") if result.problems else ""
        first_en = result.problems[0].message("en") if result.problems else ""
        # The count alone, for where every problem is listed after it (the command line).
        self.summary = Text(
            f"{result.file}：发现 {n} 个问题，未导入任何数据。",
            f"{result.file}: {n} problem(s) found, nothing was imported.",
        )
        super().__init__(f"{self.summary.zh}{first_zh}", f"{self.summary.en} {first_en}")
        self.result = result


def _all_products_and_indicators(session: Session) -> tuple[set[str], set[str]]:
    """Products and KPI indicators of every stored plan version: a row is checked against the plan
    of its own month in :func:`_month_checks`."""
    products: set[str] = set()
    indicators: set[str] = set()
    from app.plan.toml_io import load_plan

    for text in session.scalars(select(PlanVersion.toml_text)):
        plan = load_plan(text)
        products.update(p.code for p in plan.products)
        indicators.update(i.code for i in plan.all_indicators() if i.source == "metric")
    return products, indicators


def build_context(session: Session, kind: str, table: Table | None = None) -> ImportContext:
    """What the database knows that a file of ``kind`` is checked against. With the file's ``table``, the
    stored policies are those the file names (looked up by number when the database holds more policies
    than the file has rows), not every policy on file."""
    agents = agent_employment(session)
    products: set[str] = set()
    indicators: set[str] = set()
    if kind in ("sales", "metrics", "appeals"):
        products, indicators = _all_products_and_indicators(session)
    existing_policies: dict[str, date] = {}
    if kind == "sales":
        existing_policies = _stored_sign_dates(session, table)
    existing_metric_keys: set[tuple[str, str, str]] = set()
    if kind == "metrics":
        existing_metric_keys = {
            (code, month, ind)
            for code, month, ind in session.execute(
                select(Agent.code, KpiMetric.month, KpiMetric.indicator).join(Agent, Agent.id == KpiMetric.agent_id)
            )
        }
    existing_target_keys: set[tuple[str, str, str]] = set()
    if kind == "targets":
        existing_target_keys = {(code, target, period) for code, target, period in session.execute(
            select(Agent.code, TargetValue.target, TargetValue.period).join(Agent, Agent.id == TargetValue.agent_id)
        )}
    return ImportContext(
        agents=agents,
        check_agents=kind != "agents",
        products=products,
        indicators=indicators,
        scorecards=set(scorecard_names(session)) if kind == "qa" else set(),
        locked_months=locked_months(session),
        existing_policies=existing_policies,
        existing_metric_keys=existing_metric_keys,
        existing_target_keys=existing_target_keys,
    )


def _problem(result: ImportResult, row: int, column: str, zh: str, en: str, action_zh: str, action_en: str) -> Problem:
    return Problem(file=result.file, row=row, column=column, reason=zh, action=action_zh, reason_en=en,
                   action_en=action_en)


def _database_checks(session: Session, result: ImportResult) -> list[Problem]:
    """Checks that need stored rows: a product or indicator must belong to the plan of the row's month,
    and a policy of a locked month may only receive a cancel date."""
    problems: list[Problem] = []
    if result.kind == "sales":
        plans: dict[str, set[str]] = {}
        locked = locked_months(session)
        codes = dict(session.execute(select(Agent.id, Agent.code)).all())
        month_by_day: dict[date, str] = {}
        for r, old in with_stored_policies(session, result.rows):
            month = month_by_day.get(r.sign_date)
            if month is None:
                month = month_by_day[r.sign_date] = month_of(r.sign_date)
            if month not in plans:
                try:
                    plans[month] = {p.code for p in plan_for_month(session, month)[1].products}
                except ServiceError:
                    plans[month] = set()
            if plans[month] and r.product not in plans[month]:
                problems.append(_problem(result, r.row, "产品", f"产品 {r.product} 不在 {month} 适用的方案中",
                                         f"product {r.product} is not in the plan in force for {month}",
                                         "请使用方案中的产品代码", "use a product code of the plan"))
            if old is not None and month_of(old.sign_date) in locked:
                changed = (
                    code_key(codes.get(old.agent_id, "")) != code_key(r.code) or old.product_code != r.product or old.premium != r.premium
                    or old.customer_level != r.customer_level or old.new_customer != r.new_customer
                    or old.sign_date != r.sign_date
                )
                if changed:
                    problems.append(_problem(
                        result, r.row, "保单号",
                        f"保单 {r.policy_no} 的签单月份 {month_of(old.sign_date)} 已锁定，只能填写撤单日期",
                        f"policy {r.policy_no} belongs to locked month {month_of(old.sign_date)}: only its cancel date "
                        "may change", "只修改撤单日期，其他更正请录入调整项", "change only the cancel date; enter "
                        "other corrections as adjustments"))
            if old is not None and old.clawed_month is not None and r.cancel_date != old.cancel_date:
                problems.append(_problem(
                    result, r.row, "撤单日期", f"保单 {r.policy_no} 已在 {old.clawed_month} 追回提成，撤单日期不能再改",
                    f"policy {r.policy_no} was already clawed back in {old.clawed_month}; its cancel date is final",
                    "如需更正请录入调整项", "enter an adjustment to correct it"))
    if result.kind == "targets":
        problems.extend(_target_checks(session, result))
    return problems


def _target_checks(session: Session, result: ImportResult) -> list[Problem]:
    """A target must be one of the plan in force in its period's last month (the month it pays in), and
    the period must be of that target's kind: a refused row, not a warning, because a value that no
    target reads would be silently ignored (docs/formats.md, kind ``targets``)."""
    from app.periods import KIND_WORDS

    problems: list[Problem] = []

    def problem(row: int, key: str, zh: str, en: str, action_zh: str, action_en: str) -> Problem:
        column, column_en = _column("targets", key)
        return Problem(file=result.file, row=row, column=column, column_alt=column_en, reason=zh, reason_en=en,
                       action=action_zh, action_en=action_en)

    plans: dict[str, dict[str, str] | None] = {}
    for r in result.rows:
        period = parse_period(r.period)
        month = period.last_month
        if month not in plans:
            try:
                plans[month] = {t.code: t.period for t in plan_for_month(session, month)[1].targets}
            except ServiceError:
                plans[month] = None
        targets = plans[month]
        if targets is None:
            problems.append(problem(r.row, "period", f"{month}（期间 {r.period} 的末月）没有适用的方案",
                                     f"no plan is in force for {month}, the last month of {r.period}",
                                     "请先导入该月适用的方案", "import the plan for that month first"))
        elif r.target not in targets:
            known_zh = "、".join(targets) or "无"
            known_en = ", ".join(targets) or "none"
            problems.append(problem(r.row, "target", f"目标 {r.target} 不在 {month} 适用的方案中（方案中的目标：{known_zh}）",
                                     f"target {r.target} is not in the plan in force for {month} (the plan's targets: "
                                     f"{known_en})", "请使用方案中的目标代码，或先在方案中添加该目标",
                                     "use a target code of the plan, or add the target to the plan first"))
        elif targets[r.target] != period.kind:
            zh_word, en_word = KIND_WORDS[targets[r.target]]
            problems.append(problem(r.row, "period", f"目标 {r.target} 是{zh_word}目标，期间 {r.period} 不是{zh_word}期间",
                                     f"target {r.target} is {en_word}: {r.period} is not a {targets[r.target]} period",
                                     "请填写如 2026-10（月）、2026-Q4（季度）、2026-H2（半年）或 2026（年）的对应期间",
                                     "write the matching period: 2026-10 (month), 2026-Q4 (quarter), 2026-H2 (half "
                                     "year) or 2026 (year)"))
    return problems


def _column(kind: str, key: str) -> tuple[str, str]:
    """A column's Chinese header and its English one (shown in brackets, so either can be found)."""
    col = next(c for c in COLUMNS[kind] if c.key == key)
    return col.zh, col.en


def _row_checks(session: Session, result: ImportResult) -> list[Problem]:
    """Rules of the services that a manual entry obeys too, applied to each valid row of the file:
    a new payslip password must follow the rule of :func:`app.services.agents.validate`.
    (Dates outside an agent's employment are refused by the parser, as for attendance.)"""
    problems: list[Problem] = []
    if result.kind == "agents":
        column, column_en = _column("agents", "payslip_password")
        # A password stored before the rule, repeated unchanged in the file, is kept as it is.
        stored = {
            code_key(code): password
            for code, password in session.execute(select(Agent.code, Agent.payslip_password))
        } if any(r.payslip_password for r in result.rows) else {}
        for r in result.rows:
            unchanged = r.payslip_password == stored.get(code_key(r.code))
            problem = payslip_password_problem(r.payslip_password) if r.payslip_password and not unchanged else None
            if problem is None:
                continue
            problems.append(Problem(
                file=result.file, row=r.row, column=column, column_alt=column_en, reason=problem[0],
                reason_en=problem[1], action=f"请改正或留空（工资条密码须为 {PAYSLIP_PASSWORD_RULE[0]}）",
                action_en=f"correct it or leave it empty (a payslip password is {PAYSLIP_PASSWORD_RULE[1]})"))
        problems.extend(_locked_employment_problems(session, result))
    if result.kind == "appeals":
        from app.services.appeals import appeal_import_problems

        for row, key, zh, en in appeal_import_problems(session, result.rows):
            column, column_en = _column("appeals", key)
            problems.append(Problem(
                file=result.file, row=row, column=column, column_alt=column_en, reason=zh, reason_en=en,
                action="请核对工号、对象和记录日期（有两条时请在页面上选中那一条申诉）；超期须填写超期原因",
                action_en="check the code, record and record date (when two match, file it from the record's page); "
                "a late appeal needs an override reason"))
    return problems


def _locked_employment_problems(session: Session, result: ImportResult) -> list[Problem]:
    """A new agent employed in a locked month, or a hire or leave date moved into or out of one, would
    change that month's locked pay: refused like any other record of a locked month."""
    problems: list[Problem] = []
    if not locked_months(session):
        return problems
    stored = {code_key(code): employment for code, employment in agent_employment(session).items()}
    for r in result.rows:
        old = stored.get(code_key(r.code))  # codes ignore case, as in _write_agents
        for found in employment_locked_months(session, r.code, old, (r.hire_date, r.leave_date)):
            column, column_en = _column("agents", found.field)
            reason, action = found.reason(), found.action()
            problems.append(Problem(
                file=result.file, row=r.row, column=column, column_alt=column_en, reason=reason[0],
                reason_en=reason[1], action=action[0], action_en=action[1]))
    return problems


@dataclass(frozen=True)
class ReadImport:
    """An import file read before the write lock is taken (:func:`read_import`).

    ``table`` is the file's content; ``failed`` the problem of a file that cannot be read.
    ``checked`` is the parse of the rows against a snapshot of the database (the context it
    was checked against, and the result): :func:`commit_import` reuses it only when the
    database, read again inside the write lock, still gives the very same context.
    """

    kind: str
    path: Path
    table: Table | None
    failed: ImportResult | None = None
    checked: tuple[ImportContext, ImportResult] | None = None


def read_import(kind: str, path: Path, session: Session | None = None) -> ReadImport:
    """Read ``path`` as a file of ``kind`` (the slow part of an import), holding no lock.

    With ``session`` (a unit of work that only reads) the rows are parsed against the database
    as it is now too, so that :func:`commit_import`, inside the write lock, only has to confirm
    that nothing they were checked against has changed meanwhile.
    """
    with collector_paused():
        table = read_file(kind, Path(path))
        if isinstance(table, ImportResult):
            return ReadImport(kind, Path(path), None, table)
        checked = None
        if session is not None:
            ctx = build_context(session, kind, table)
            checked = (ctx, parse_table(kind, table, ctx))
        return ReadImport(kind, Path(path), table, checked=checked)


def _parse(session: Session, read: ReadImport) -> ImportResult:
    """The rows of a file that was read, parsed against the database as it is now."""
    assert read.table is not None
    ctx = build_context(session, read.kind, read.table)
    if read.checked is not None and read.checked[0] == ctx:
        done = read.checked[1]  # parsed against the same context: the parse is a function of (table, context)
        return replace(done, rows=list(done.rows), problems=list(done.problems), warnings=list(done.warnings))
    return parse_table(read.kind, read.table, ctx)


def _validate(session: Session, read: ReadImport) -> ImportResult:
    """Check a file that was read against the database as it is now."""
    if read.failed is not None or read.table is None:
        assert read.failed is not None
        return read.failed
    result = _parse(session, read)
    row_problems = _row_checks(session, result)
    if result.ok:
        result.problems.extend(_database_checks(session, result))
    if row_problems:  # listed with the parser's own problems, in the file's row order
        result.problems.extend(row_problems)
        result.problems.sort(key=lambda p: p.row or 0)
    return result


def preview_import(session: Session, kind: str, path: Path) -> ImportResult:
    """Validate ``path`` as records of ``kind``; nothing is written."""
    return _validate(session, read_import(kind, path))


class _AgentIds(dict[str, int]):
    """Agent ids by code, found the way codes compare (:func:`app.fields.code_key`)."""

    def __missing__(self, code: str) -> int:
        key = code_key(code)
        if key == code:
            raise KeyError(code)
        return self[key]


def _agent_ids(session: Session) -> dict[str, int]:
    ids = _AgentIds()
    for code, agent_id in session.execute(select(Agent.code, Agent.id)):
        ids[code] = agent_id
        ids.setdefault(code_key(code), agent_id)
    return ids


def _write_agents(session: Session, result: ImportResult) -> None:
    # Codes are case-insensitive: "a001" in the file updates the stored "A001" (the preview
    # counted it as an update), keeping the stored spelling of the code.
    existing = {code_key(a.code): a for a in session.scalars(select(Agent))}
    for r in result.rows:
        agent = existing.get(code_key(r.code))
        values: dict[str, Any] = {
            "name": r.name, "role": r.role or "", "team": r.team or "", "base_salary": r.base_salary,
            "hire_date": r.hire_date, "leave_date": r.leave_date,
        }
        if r.payslip_password:
            values["payslip_password"] = r.payslip_password
        for key in r.given:  # §9.1 columns: only those the file has
            values[key] = getattr(r, key)
        if agent is None:
            agent = Agent(code=r.code, **values)
            session.add(agent)
            existing[code_key(r.code)] = agent
        else:
            before = {k: _logged(k, getattr(agent, k)) for k in values if k != "payslip_password"}
            for k, v in values.items():
                setattr(agent, k, v)
            after = {k: _logged(k, getattr(agent, k)) for k in values if k != "payslip_password"}
            if before != after:
                audit(session, "agent.update", entity="agent", key=agent.code, before=before, after=after)


def _logged(key: str, value: Any) -> str:
    """A field's value as the audit log records it: an ID number or bank account by its last 4 characters."""
    if key in ("id_number", "bank_account"):
        from app.personal import mask

        return mask(value)
    return str(value)


LOOKUP_CHUNK = 500
"""How many keys one lookup query names: SQLite refuses a statement with more than 32,766 variables
(999 before SQLite 3.32), and a file may hold 350,000 policy numbers."""

_POLICY: SqlTable = Policy.__table__  # type: ignore[assignment]
_STORED_POLICY_COLUMNS = (
    _POLICY.c.policy_no, _POLICY.c.id, _POLICY.c.agent_id, _POLICY.c.product_code, _POLICY.c.premium,
    _POLICY.c.customer_level, _POLICY.c.new_customer, _POLICY.c.sign_date, _POLICY.c.cancel_date,
    _POLICY.c.clawed_month,
)
_POLICY_VALUES = ("agent_id", "product_code", "premium", "customer_level", "new_customer", "sign_date", "cancel_date")


def _stored_query() -> Any:
    return select(*_STORED_POLICY_COLUMNS).where(_POLICY.c.policy_no.in_(bindparam("nos", expanding=True)))


def _few_stored(session: Session, than: int) -> bool:
    """Whether the database holds at most ``than`` policies (by the highest id, one index step): reading
    them all is then cheaper than looking a file's numbers up."""
    top = session.connection().execute(select(func.max(_POLICY.c.id))).scalar()
    return top is None or top <= than


def _in_chunks(session: Session, query: Any, numbers: list[str]) -> Iterator[Any]:
    conn = session.connection()
    for start in range(0, len(numbers), LOOKUP_CHUNK):
        yield from conn.execute(query, {"nos": numbers[start:start + LOOKUP_CHUNK]})


def _stored_sign_dates(session: Session, table: Table | None) -> dict[str, date]:
    """Sign dates of the stored policies a sales file names (every stored policy without the file)."""
    everything = select(_POLICY.c.policy_no, _POLICY.c.sign_date)
    if table is None or _few_stored(session, len(table.rows)):
        return dict(session.connection().execute(everything).all())  # no more than the file has rows
    nos = sorted(column_keys("sales", table, "policy_no"))
    query = everything.where(_POLICY.c.policy_no.in_(bindparam("nos", expanding=True)))
    return {no: day for no, day in _in_chunks(session, query, nos)}


def _stored_numbers(session: Session, numbers: list[str] | None = None) -> set[str]:
    """The stored policy numbers among ``numbers`` (all of them without): one query, or lookups in chunks
    of :data:`LOOKUP_CHUNK` when the database holds more policies than ``numbers`` has."""
    conn = session.connection()
    if numbers is None or _few_stored(session, len(numbers)):
        return set(conn.execute(select(_POLICY.c.policy_no)).scalars())
    query = select(_POLICY.c.policy_no).where(_POLICY.c.policy_no.in_(bindparam("nos", expanding=True)))
    return {no for (no,) in _in_chunks(session, query, sorted(set(numbers)))}


def stored_policies(session: Session, policy_nos: list[str]) -> dict[str, Any]:
    """The stored policies among ``policy_nos`` by number, as typed rows (attribute access like the model),
    read in chunks of :data:`LOOKUP_CHUNK` numbers."""
    known = _stored_numbers(session, policy_nos)
    wanted = [no for no in dict.fromkeys(policy_nos) if no in known]
    conn, query = session.connection(), _stored_query()
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        for row in conn.execute(query, {"nos": wanted[start:start + LOOKUP_CHUNK]}):
            found[row.policy_no] = row
    return found


def with_stored_policies(session: Session, rows: list[Any], known: set[str] | None = None) -> Iterator[tuple[Any, Any]]:
    """Each file row with its stored policy (a typed row, or None for a new policy).

    Which numbers are stored is read first (one query, no variables); the stored ones are then read
    chunk by chunk of :data:`LOOKUP_CHUNK` numbers, so a file of any length stays below SQLite's
    variable limit, only one chunk of stored rows is in memory at a time, and a file of new
    policies costs one query. ``known``: the stored numbers, when the caller has read them already."""
    if known is None:
        known = _stored_numbers(session, [r.policy_no for r in rows])
    conn, query = session.connection(), _stored_query()
    for start in range(0, len(rows), LOOKUP_CHUNK):
        chunk = rows[start:start + LOOKUP_CHUNK]
        wanted = [r.policy_no for r in chunk if r.policy_no in known]
        found = {row[0]: row for row in conn.execute(query, {"nos": wanted}).all()} if wanted else {}
        for r in chunk:
            yield r, found.get(r.policy_no)


# The columns of policy_values, in order (db/bulk_insert.py writes them on SQLite and PostgreSQL).
_POLICY_COLUMNS = ("policy_no", "agent_id", "product_code", "premium", "customer_level", "new_customer",
                   "sign_date", "cancel_date")
INSERT_BATCH = 20_000  # rows per executemany: the pre-formatted tuples of one batch at a time in memory


def policy_values(r: Any, agent_id: int) -> tuple[Any, ...]:
    """A new policy as the driver stores it, formatted exactly as the model's column types store it
    (:mod:`db.types`: money as decimal text; dates as ``YYYY-MM-DD``, which ``date.isoformat`` gives and
    SQLAlchemy's SQLite ``Date`` stores; booleans as 0/1). tests/services/test_import_bulk.py checks both agree."""
    cancel = r.cancel_date
    return (r.policy_no, agent_id, r.product, decimal_text(r.premium), r.customer_level or "",
            1 if r.new_customer else 0, r.sign_date.isoformat(), None if cancel is None else cancel.isoformat())


def insert_policies(session: Session, rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert new policies (tuples from :func:`policy_values`) with the driver's ``executemany``, in the
    session's own transaction: SQLAlchemy's bulk insert spends ~6 times as long on the same rows."""
    conn = session.connection()
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= INSERT_BATCH:
            insert_rows(conn, "policies", _POLICY_COLUMNS, batch)
            batch = []
    if batch:
        insert_rows(conn, "policies", _POLICY_COLUMNS, batch)


def _compare_stored(
    r: Any, old: Any, agent_id: int, changed: list[dict[str, Any]]
) -> tuple[dict[str, str], dict[str, str]] | None:
    """A file row of a policy on file: what changed (for the audit log) and, queued in ``changed``, the
    update; None when the row repeats the stored policy."""
    values = {
        "agent_id": agent_id, "product_code": r.product, "premium": r.premium,
        "customer_level": r.customer_level or "", "new_customer": r.new_customer,
        "sign_date": r.sign_date, "cancel_date": r.cancel_date,
    }
    stored = tuple(getattr(old, k) for k in _POLICY_VALUES)
    if stored == tuple(values.values()) and str(old.premium) == str(r.premium):
        return None  # the same policy again (a re-imported file): nothing to write or to audit
    before = {k: str(v) for k, v in zip(_POLICY_VALUES, stored, strict=True)}
    after = {k: str(v) for k, v in values.items()}
    if before == after:
        return None
    # A value equal to the stored one (1000 and 1000.0) keeps the stored text, as an ORM update would.
    changed.append({"b_id": old.id, **{k: s if v == s else v for (k, v), s in zip(values.items(), stored, strict=True)}})
    return before, after


def _write_sales(session: Session, result: ImportResult) -> None:
    ids = _agent_ids(session)
    known = _stored_numbers(session, [r.policy_no for r in result.rows])
    # New policies (usually the whole of a month's file) go straight to the driver in file order; only the
    # rows of policies on file are read back and compared.
    new = [r for r in result.rows if r.policy_no not in known] if known else result.rows
    insert_policies(session, (policy_values(r, ids[r.code]) for r in new))
    if not known:
        return
    changed: list[dict[str, Any]] = []
    for r, old in with_stored_policies(session, [r for r in result.rows if r.policy_no in known], known):
        if old is not None:
            diff = _compare_stored(r, old, ids[r.code], changed)
            if diff is not None:
                audit(session, "policy.update", entity="policy", key=r.policy_no, before=diff[0], after=diff[1])
    if changed:
        # An import's change counts as an edit: a policy form opened before it cannot overwrite it.
        session.connection().execute(
            update(_POLICY).where(_POLICY.c.id == bindparam("b_id")).values(bump_values(session, Policy)), changed
        )


def _write_metrics(session: Session, result: ImportResult) -> None:
    ids = _agent_ids(session)
    months = {r.month for r in result.rows}
    existing = {(m.agent_id, m.month, m.indicator): m for m in session.scalars(
        select(KpiMetric).where(KpiMetric.month.in_(months)))}
    new_rows = []
    for r in result.rows:
        key = (ids[r.code], r.month, r.indicator)
        old = existing.get(key)
        if old is None:
            new_rows.append({"agent_id": key[0], "month": r.month, "indicator": r.indicator, "value": r.value})
        elif old.value != r.value:
            audit(session, "metric.update", entity="kpi_metric", key=f"{r.code}/{r.month}/{r.indicator}",
                  before=str(old.value), after=str(r.value))
            old.value = r.value
    if new_rows:
        session.execute(insert(KpiMetric), new_rows)


def _write_targets(session: Session, result: ImportResult) -> None:
    """Key (code, target, period): a row already stored is updated (and audited), a new one added."""
    ids = _agent_ids(session)
    existing = {(t.agent_id, t.target, t.period): t for t in session.scalars(
        select(TargetValue).where(TargetValue.period.in_({r.period for r in result.rows})))}
    new_rows = []
    for r in result.rows:
        key = (ids[r.code], r.target, r.period)
        old = existing.get(key)
        if old is None:
            new_rows.append({"agent_id": key[0], "target": r.target, "period": r.period, "value": r.value,
                             "bonus": r.bonus})
        elif old.value != r.value or old.bonus != r.bonus:
            audit(session, "target.update", entity="target", key=f"{r.code}/{r.target}/{r.period}",
                  before={"value": str(old.value), "bonus": str(old.bonus)},
                  after={"value": str(r.value), "bonus": str(r.bonus)})
            old.value, old.bonus = r.value, r.bonus
    if new_rows:
        session.execute(insert(TargetValue), new_rows)


def _bulk(model: type, make: Callable[[Any, dict[str, int]], dict[str, Any]]) -> Callable[[Session, ImportResult], None]:
    def write(session: Session, result: ImportResult) -> None:
        ids = _agent_ids(session)
        rows = [make(r, ids) for r in result.rows]
        if rows:
            session.execute(insert(model), rows)
    return write


def _qa_row(session: Session) -> Callable[[Any, dict[str, int]], dict[str, Any]]:
    cards = scorecard_names(session)

    def make(r: Any, ids: dict[str, int]) -> dict[str, Any]:
        return {"agent_id": ids[r.code], "date": r.date, "scorecard_id": cards.get(r.scorecard or ""),
                "score": r.score, "fatal": r.fatal, "status": r.status, "evaluator": r.evaluator or "",
                "note": r.note or ""}
    return make


WRITERS: dict[str, Callable[[Session, ImportResult], None]] = {
    "agents": _write_agents,
    "sales": _write_sales,
    "metrics": _write_metrics,
    "targets": _write_targets,
    "attendance": _bulk(AttendanceRecord, lambda r, ids: {
        "agent_id": ids[r.code], "date": r.date, "kind": r.kind, "minutes": r.minutes, "days": r.days,
        "note": r.note or ""}),
    "complaints": _bulk(Complaint, lambda r, ids: {
        "agent_id": ids[r.code], "date": r.date, "level": r.level, "status": r.status,
        "description": r.description or ""}),
    "praise": _bulk(Praise, lambda r, ids: {"agent_id": ids[r.code], "date": r.date,
                                            "description": r.description or ""}),
    "adjustments": _bulk(Adjustment, lambda r, ids: {
        "agent_id": ids[r.code], "month": r.month, "amount": r.amount, "category": r.category or "",
        "reason": r.reason or ""}),
}


def _write_appeals(session: Session, result: ImportResult) -> None:
    from app.services.appeals import file_imported

    file_imported(session, result.rows)


WRITERS["appeals"] = _write_appeals

WRITERS["deductions"] = write_deductions
WRITERS["tax_opening"] = write_tax_opening


def _import_months(kind: str, rows: list[Any]) -> set[str] | None:
    """The months whose records an import of ``kind`` changes (None: any month — agents reach every
    month they work in, and a policy's cancel date reaches the open months after it)."""
    if kind in ("agents", "sales", "tax_opening"):  # tax_opening: the year's cumulative tax of every month
        return None
    months: set[str] = set()
    for row in rows:
        value = getattr(row, "month", None)
        if isinstance(value, str):
            months.add(value)
        day = getattr(row, "date", None)
        if isinstance(day, date):
            months.add(month_of(day))
        period = getattr(row, "period", None)  # a target value changes the pay of its period's last month
        if isinstance(period, str) and period:
            months.add(parse_period(period).last_month)
    return months


def write_generated(session: Session, kind: str, rows: list[Any], *, source: str) -> ImportResult:
    """Write rows built in code (the demo branch) as an import of ``kind`` would write them.

    The rows are already typed (``TargetRow``, ``DeductionRow``, ``TaxOpeningRow`` …) and so skip the
    file parser; the checks only the database can make (:func:`_database_checks`: a target of the plan in
    force, a policy of a locked month) and the writer are the import's own. Refused whole on a problem."""
    claim_write_lock(session)
    result: ImportResult = ImportResult(kind=kind, file=source, rows=list(rows), adds=len(rows))
    result.problems.extend(_database_checks(session, result))
    if result.problems:
        raise ImportRefused(result)
    WRITERS[kind](session, result)
    note_months(session, _import_months(kind, result.rows))
    audit(session, f"import.{kind}", entity=kind, key=source, after={"rows": len(result.rows)})
    return result


def commit_import(session: Session, kind: str, path: Path, *, read: ReadImport | None = None) -> ImportResult:
    """Validate and write ``path`` in the caller's transaction; refuse the whole file on any problem.

    ``read`` is the file as :func:`read_import` read it beforehand, outside the transaction, so
    that the write lock is held only for the checks and the writes; without it the file is read
    here. The write lock is taken before anything is checked: what the rows are checked against
    (locked months, agents, stored policies) is read inside the transaction that writes them.
    """
    if read is None:
        read = read_import(kind, path)
    return _commit(session, read, Path(path).name)


def commit_table(session: Session, kind: str, table: Table, *, action: str | None = None) -> ImportResult:
    """Validate and write rows entered in the window (the targets grid, issue #14) exactly as a file of
    ``kind`` with these cells would be: the same checks, the same refusal, the same writer. ``table.file``
    names the rows in the problems and the audit log; ``action`` is the audit entry (``import.KIND``)."""
    return _commit(session, ReadImport(kind, Path(table.file), table), table.file, action=action)


def _commit(session: Session, read: ReadImport, name: str, *, action: str | None = None) -> ImportResult:
    kind = read.kind
    claim_write_lock(session)
    records_changing(session, ())  # the clerk's role (§10); the months are noted once the rows are known
    with collector_paused():
        result = _validate(session, read)
        if not result.ok or result.problems:
            raise ImportRefused(result)
        if kind == "qa":
            _bulk(QAEvaluation, _qa_row(session))(session, result)
        else:
            WRITERS[kind](session, result)
    note_months(session, _import_months(kind, result.rows))  # their sign-offs are void on commit (§10)
    audit(session, action or f"import.{kind}", entity=kind, key=name,
          after={"rows": len(result.rows), "adds": result.adds, "updates": result.updates})
    session.flush()
    return result
