"""Agents (人员): add, edit, deactivate, list. One function per user action."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.fields import CODE_MAX, NAME_MAX, clean_text, code_key, too_long
from app.money import D, MoneyError, check_money
from app.personal import BANK_NAME_MAX, account_problem, id_problem, mask, normalize_account, normalize_id
from app.services.audit import audit
from app.services.errors import EmploymentInLockedMonth, ValidationFailed
from app.services.months import Employment, employment_locked_months
from app.services.record_changes import records_changing
from app.services.record_versions import check_version
from app.text import Text
from db.models import Agent
from db.session import claim_write_lock

ROLES = ("电话回访岗", "电话接听岗", "电话咨诉岗")
BASE_SALARY = ("底薪", "the base salary")  # how a money message names the field

# Payslip PDFs are encrypted with the agent's password (AES-256, PDF 2.0 revision 6). Whoever
# gets hold of the file can try passwords offline as fast as their hardware allows, so a new
# password has at least 8 characters. It stays printable ASCII (0x21–0x7E: letters, digits and
# punctuation; no spaces): the agent types it into whatever PDF reader or phone she has, and
# full-width digits or Chinese from an input method would not match. Passwords already stored
# are left as they are.
PAYSLIP_PASSWORD_MIN = 8
PAYSLIP_PASSWORD_MAX = 32
PAYSLIP_PASSWORD_RULE = (
    f"{PAYSLIP_PASSWORD_MIN}–{PAYSLIP_PASSWORD_MAX} 位英文字母、数字或英文符号，不能有空格或中文",
    f"{PAYSLIP_PASSWORD_MIN}–{PAYSLIP_PASSWORD_MAX} English letters, digits or ASCII symbols; "
    "no spaces or Chinese characters",
)


def _char_name(c: str, space: str) -> str:
    if c == " ":
        return space
    return f"“{c}”" if c.isprintable() else f"U+{ord(c):04X}"


def payslip_password_problem(password: str) -> tuple[str, str] | None:
    """Why ``password`` cannot be a new payslip password, in Chinese and English; ``None`` when it can.

    Both messages start with the field's name (工资条密码 / payslip password) so a form can show
    them under the password field.
    """
    bad = sorted({c for c in password if not "\x21" <= c <= "\x7e"})
    if bad:
        more = "…" if len(bad) > 5 else ""
        shown = "、".join(_char_name(c, "空格") for c in bad[:5]) + more
        shown_en = ", ".join(_char_name(c, "space") for c in bad[:5]) + more
        return (
            f"工资条密码只能用英文字母、数字和英文符号，不能含有：{shown}",
            f"payslip password may use only English letters, digits and ASCII symbols, not: {shown_en}",
        )
    if not PAYSLIP_PASSWORD_MIN <= len(password) <= PAYSLIP_PASSWORD_MAX:
        return (
            f"工资条密码须为 {PAYSLIP_PASSWORD_MIN}–{PAYSLIP_PASSWORD_MAX} 位（现为 {len(password)} 位）",
            f"payslip password must be {PAYSLIP_PASSWORD_MIN}–{PAYSLIP_PASSWORD_MAX} characters "
            f"(it has {len(password)})",
        )
    return None


@dataclass(frozen=True)
class AgentInput:
    code: str
    name: str
    base_salary: Decimal
    hire_date: date
    role: str = ""
    team: str = ""
    leave_date: date | None = None
    payslip_password: str | None = None
    # docs/pay-rules.md §9.1; None for si_base / hf_base: the defaults (base salary / the SI base)
    id_number: str | None = None
    bank_name: str = ""
    bank_account: str | None = None
    si_base: Decimal | None = None
    hf_base: Decimal | None = None
    statutory: bool = True


@dataclass(frozen=True)
class AgentView:
    id: int
    code: str
    name: str
    role: str
    team: str
    base_salary: Decimal
    hire_date: date
    leave_date: date | None
    has_payslip_password: bool
    # Whole, for the agent form only; every other screen shows app.personal.mask of them.
    id_number: str | None = None
    bank_name: str = ""
    bank_account: str | None = None
    si_base: Decimal | None = None
    hf_base: Decimal | None = None
    statutory: bool = True
    version: int = 1  # what the form sends back to save (app.services.record_versions)

    @property
    def active(self) -> bool:
        return self.leave_date is None

    def employed_in(self, first: date, last: date) -> bool:
        return self.hire_date <= last and (self.leave_date is None or self.leave_date >= first)


def _view(agent: Agent) -> AgentView:
    return AgentView(
        id=agent.id,
        code=agent.code,
        name=agent.name,
        role=agent.role,
        team=agent.team,
        base_salary=agent.base_salary,
        hire_date=agent.hire_date,
        leave_date=agent.leave_date,
        has_payslip_password=bool(agent.payslip_password),
        id_number=agent.id_number,
        bank_name=agent.bank_name or "",
        bank_account=agent.bank_account,
        si_base=agent.si_base,
        hf_base=agent.hf_base,
        statutory=bool(agent.statutory),
        version=agent.version or 1,
    )


def _snapshot(agent: Agent) -> dict[str, object]:
    return {
        "code": agent.code,
        "name": agent.name,
        "role": agent.role,
        "team": agent.team,
        "base_salary": str(agent.base_salary),
        "hire_date": str(agent.hire_date),
        "leave_date": str(agent.leave_date) if agent.leave_date else None,
        # the audit log never holds a whole ID number or account (§9.1)
        "id_number": mask(agent.id_number),
        "bank_name": agent.bank_name or "",
        "bank_account": mask(agent.bank_account),
        "si_base": str(agent.si_base) if agent.si_base is not None else None,
        "hf_base": str(agent.hf_base) if agent.hf_base is not None else None,
        "statutory": bool(agent.statutory),
    }


def validate(data: AgentInput) -> tuple[list[str], list[str]]:
    """Field problems in Chinese and English; empty lists when the input is fine."""
    zh: list[str] = []
    en: list[str] = []
    code, name = clean_text(data.code).strip(), clean_text(data.name).strip()
    if not code:
        zh.append("工号不能为空")
        en.append("code is required")
    elif len(code) > CODE_MAX:
        zh.append(f"工号最长 {CODE_MAX} 个字符")
        en.append(f"code is at most {CODE_MAX} characters")
    if not name:
        zh.append("姓名不能为空")
        en.append("name is required")
    # The same limits as the agents import (app.fields): a payslip file is named after code and name.
    for text, limit, label in (
        (name, NAME_MAX, ("姓名", "name")),
        (clean_text(data.role).strip(), NAME_MAX, ("岗位", "role")),
        (clean_text(data.team).strip(), NAME_MAX, ("团队", "team")),
    ):
        if len(text) > limit:
            long_zh, long_en = too_long(label, limit, len(text))
            zh.append(long_zh)
            en.append(long_en)
    try:
        base = D(data.base_salary)
        if base < 0:
            zh.append("底薪不能为负数")
            en.append("base salary cannot be negative")
        else:
            check_money(base, what=BASE_SALARY)
    except MoneyError as exc:  # more than two decimals: refused, never rounded
        zh.append(exc.message)
        en.append(exc.message_en)
    except (InvalidOperation, TypeError, ValueError):
        zh.append("底薪不是数字")
        en.append("base salary is not a number")
    if data.leave_date is not None and data.leave_date < data.hire_date:
        zh.append("离职日期早于入职日期")
        en.append("leave date is before hire date")
    if data.payslip_password:  # empty: no password (add) or keep the stored one (edit)
        problem = payslip_password_problem(data.payslip_password)
        if problem is not None:
            zh.append(problem[0])
            en.append(problem[1])
    for found in _personal_problems(data):
        zh.append(found[0])
        en.append(found[1])
    return zh, en


def _personal_problems(data: AgentInput) -> list[tuple[str, str]]:
    """§9.1: the ID number, the bank account and the two bases (messages start with the field's name)."""
    out: list[tuple[str, str]] = []
    if data.id_number and data.id_number.strip():
        problem = id_problem(data.id_number)
        if problem is not None:
            out.append(problem)
    if data.bank_account and data.bank_account.strip():
        problem = account_problem(data.bank_account)
        if problem is not None:
            out.append(problem)
    if len(clean_text(data.bank_name).strip()) > BANK_NAME_MAX:
        out.append(too_long(("开户行", "bank name"), BANK_NAME_MAX, len(clean_text(data.bank_name).strip())))
    for value, label in ((data.si_base, ("社保基数", "the social insurance base")),
                         (data.hf_base, ("公积金基数", "the housing fund base"))):
        if value is None:
            continue
        try:
            number = D(value)
            if number < 0:
                out.append((f"{label[0]}不能为负数", f"{label[1]} cannot be negative"))
            else:
                check_money(number, what=label)
        except MoneyError as exc:
            out.append((exc.message, exc.message_en))
        except (InvalidOperation, TypeError, ValueError):
            out.append((f"{label[0]}不是数字", f"{label[1]} is not a number"))
    return out


def _check(data: AgentInput) -> AgentInput:
    zh, en = validate(data)
    if zh:
        raise ValidationFailed(zh, en)
    return AgentInput(  # control characters (a pasted ESC, say) never reach the database
        code=clean_text(data.code).strip(),
        name=clean_text(data.name).strip(),
        base_salary=D(data.base_salary),
        hire_date=data.hire_date,
        role=clean_text(data.role).strip(),
        team=clean_text(data.team).strip(),
        leave_date=data.leave_date,
        payslip_password=(data.payslip_password or None),
        id_number=normalize_id(data.id_number) or None if data.id_number else None,
        bank_name=clean_text(data.bank_name).strip(),
        bank_account=normalize_account(data.bank_account) or None if data.bank_account else None,
        si_base=D(data.si_base) if data.si_base is not None else None,
        hf_base=D(data.hf_base) if data.hf_base is not None else None,
        statutory=data.statutory,
    )


def find_agent(session: Session, code: str) -> Agent | None:
    """The agent whose code matches ``code`` the way codes compare (:func:`code_key`: case and
    surrounding spaces ignored), or ``None``. The exact spelling is looked up first (indexed)."""
    agent = session.scalar(select(Agent).where(Agent.code == code.strip()))
    if agent is not None:
        return agent
    key = code_key(code)
    if not key:
        return None
    # A branch has tens or hundreds of agents: comparing every code in Python keeps the one rule
    # (full Unicode casefolding), which SQLite's ASCII-only lower() would not.
    for agent_id, stored in session.execute(select(Agent.id, Agent.code)):
        if code_key(stored) == key:
            return session.get(Agent, agent_id)
    return None


def agents_by_code(session: Session, codes: Collection[str]) -> dict[str, Agent]:
    """The agents that ``codes`` name (each matched as :func:`find_agent` does), keyed by the code
    as given; codes naming no agent are left out."""
    if not codes:
        return {}
    by_key = {code_key(a.code): a for a in session.scalars(select(Agent))}
    exact = {a.code: a for a in by_key.values()}
    found = {code: exact.get(code) or by_key.get(code_key(code)) for code in codes}
    return {code: agent for code, agent in found.items() if agent is not None}


def get_agent(session: Session, code: str) -> Agent:
    """The agent with ``code`` (case and surrounding spaces ignored); a validation problem when there is none."""
    code = code.strip()
    agent = find_agent(session, code)
    if agent is None:
        raise ValidationFailed([f"没有工号为 {code} 的人员"], [f"no agent with code {code}"])
    return agent


@dataclass(frozen=True)
class SheetAgent:
    """A row of an agents × values sheet (the KPI metrics grid, the targets grid)."""

    agent_code: str
    agent_name: str


def sheet_agents(
    session: Session, first: date, last: date, holders: Iterable[int]
) -> tuple[dict[int, str], tuple[SheetAgent, ...]]:
    """The rows of a sheet covering ``first``..``last``: the agents employed on any day of it, and
    the agents among ``holders`` (ids of agents with a stored value in it) who were not, so that
    no stored value is hidden. Returns their codes by id, and the rows ordered by code."""
    known = {a.id: a for a in session.scalars(select(Agent).where(
        Agent.hire_date <= last, Agent.leave_date.is_(None) | (Agent.leave_date >= first)))}
    missing = set(holders) - set(known)
    if missing:
        known.update({a.id: a for a in session.scalars(select(Agent).where(Agent.id.in_(missing)))})
    rows = tuple(SheetAgent(a.code, a.name) for a in sorted(known.values(), key=lambda a: a.code))
    return {agent_id: a.code for agent_id, a in known.items()}, rows


def agent_employment(session: Session) -> dict[str, tuple[date, date | None]]:
    """Every agent's hire and leave date by code: what imports and forms check dates against."""
    return {
        code: (hire, leave)
        for code, hire, leave in session.execute(select(Agent.code, Agent.hire_date, Agent.leave_date))
    }


def refuse_locked_employment(session: Session, code: str, old: Employment | None, new: Employment | None) -> None:
    """Refuse an employment change (a new agent, a hire or leave date moved) that would alter the pay
    of a locked month, naming the agent and what to do instead; a change of anything else passes.

    The write lock is taken first: the months read as open stay open until the caller's write commits."""
    claim_write_lock(session)
    records_changing(session, None)  # an agent's details reach every month they work in (§10)
    found = employment_locked_months(session, code, old, new)
    if not found:
        return
    reasons = [f.reason() for f in found]
    months = sorted({m for f in found for m in f.months})
    raise EmploymentInLockedMonth(
        code, months, ("；".join(r[0] for r in reasons), "; ".join(r[1] for r in reasons)), found[0].action()
    )


def list_agents(session: Session, *, include_inactive: bool = True, search: str = "") -> list[AgentView]:
    stmt = select(Agent).order_by(Agent.code)
    if not include_inactive:
        stmt = stmt.where(Agent.leave_date.is_(None))
    agents = [_view(a) for a in session.scalars(stmt)]
    needle = search.strip().lower()
    if needle:
        agents = [
            a
            for a in agents
            if needle in a.code.lower() or needle in a.name.lower() or needle in a.team.lower() or needle in a.role.lower()
        ]
    return agents


def _ensure_code_free(session: Session, code: str, agent: Agent | None = None) -> None:
    """Refuse ``code`` when another agent has it, in any case: ``a001`` is taken when ``A001`` exists."""
    other = find_agent(session, code)
    if other is not None and other is not agent:
        same = other.code == code
        raise ValidationFailed(
            [f"工号 {code} 已存在" if same else f"工号 {code} 已存在（与 {other.code} 只差大小写，视为同一工号）"],
            [f"code {code} already exists" if same
             else f"code {code} already exists (as {other.code}; codes ignore upper/lower case)"],
        )


def add_agent(session: Session, data: AgentInput) -> AgentView:
    clean = _check(data)
    _ensure_code_free(session, clean.code)
    refuse_locked_employment(session, clean.code, None, (clean.hire_date, clean.leave_date))
    agent = Agent(**asdict(clean))
    session.add(agent)
    session.flush()
    audit(session, "agent.add", entity="agent", key=agent.code, after=_snapshot(agent))
    return _view(agent)


def edit_agent(session: Session, code: str, data: AgentInput, *, expected_version: int | None = None) -> AgentView:
    """Change an agent's data; the code itself may be changed when the new one is free.
    ``expected_version``: the version the form showed; an agent changed since is refused."""
    clean = _check(data)
    agent = get_agent(session, code)
    check_version(agent, expected_version, Text(f"人员 {agent.code} ", f"agent {agent.code}"))
    _ensure_code_free(session, clean.code, agent)
    refuse_locked_employment(
        session, agent.code, (agent.hire_date, agent.leave_date), (clean.hire_date, clean.leave_date)
    )
    before = _snapshot(agent)
    for key, value in asdict(clean).items():
        if key == "payslip_password" and value is None:
            continue  # an empty password field keeps the stored one
        setattr(agent, key, value)
    session.flush()
    audit(session, "agent.edit", entity="agent", key=agent.code, before=before, after=_snapshot(agent))
    return _view(agent)


def deactivate_agent(session: Session, code: str, leave_date: date) -> AgentView:
    agent = get_agent(session, code)
    if leave_date < agent.hire_date:
        raise ValidationFailed(["离职日期早于入职日期"], ["leave date is before hire date"])
    refuse_locked_employment(session, agent.code, (agent.hire_date, agent.leave_date), (agent.hire_date, leave_date))
    before = _snapshot(agent)
    agent.leave_date = leave_date
    session.flush()
    audit(session, "agent.deactivate", entity="agent", key=agent.code, before=before, after=_snapshot(agent))
    return _view(agent)
