"""What a valid import file will do, row by row, for the preview: each row to add, and for a row that
updates a stored record (an agent by code, a policy by number, a KPI value by agent/month/indicator)
the fields it changes, from what to what.

Preview side only: :func:`preview_rows` reads the stored records the shown rows would update and
writes nothing; the import itself (:mod:`app.services.imports`) does not use it. Only the first
:data:`PREVIEW_ROWS` rows are described; the rest are counted. Payslip passwords are never shown:
a changed password says only that it changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.fields import code_key
from app.importers import COLUMNS, ImportResult
from app.importers.kinds import (
    ATTENDANCE_ZH,
    COMPLAINT_LEVEL_ZH,
    COMPLAINT_STATUS_ZH,
    QA_STATUS_ZH,
)
from app.personal import mask
from db.models import Agent, KpiMetric, Policy

#: How many rows the preview describes; the others are only counted.
PREVIEW_ROWS = 300

ADD, UPDATE, SAME = "add", "update", "same"

#: A column key whose row attribute has another name.
_ATTRIBUTE = {"type": "kind"}

#: Canonical words shown in Chinese in a Chinese preview, by column key.
_WORDS_ZH: dict[tuple[str, str], dict[str, str]] = {
    ("attendance", "type"): ATTENDANCE_ZH,
    ("qa", "status"): QA_STATUS_ZH,
    ("complaints", "level"): COMPLAINT_LEVEL_ZH,
    ("complaints", "status"): COMPLAINT_STATUS_ZH,
}

_SECRET = "payslip_password"
_MASKED = ("id_number", "bank_account")


@dataclass(frozen=True)
class FieldChange:
    """One field an update changes: its column (key), and the stored and the new value as shown."""

    key: str
    before: str
    after: str


@dataclass(frozen=True)
class PreviewRow:
    """One row of the file: its spreadsheet row, ``add`` / ``update`` / ``same`` (an update that
    changes nothing), its cells in the kind's column order, and an update's changes."""

    row: int
    action: str
    cells: tuple[str, ...]
    changes: tuple[FieldChange, ...] = ()

    def change(self, key: str) -> FieldChange | None:
        return next((c for c in self.changes if c.key == key), None)


@dataclass(frozen=True)
class ImportRows:
    """The rows a valid file will import, as the preview shows them."""

    kind: str
    columns: tuple[tuple[str, str, str], ...]  # (key, 中文, English) of each cell
    rows: tuple[PreviewRow, ...]
    more: int  # rows of the file not described (beyond the limit)


def _show(kind: str, key: str, value: Any, lang: str) -> str:
    if value is None:
        return ""
    if key == _SECRET:
        return "••••••" if value else ""
    if key in _MASKED:  # docs/pay-rules.md §9.1: a screen shows the last 4 characters only
        return mask(str(value))
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if lang == "zh":
        return _WORDS_ZH.get((kind, key), {}).get(text, text)
    return text


def _cells(kind: str, row: Any, lang: str) -> tuple[str, ...]:
    return tuple(
        _show(kind, col.key, getattr(row, _ATTRIBUTE.get(col.key, col.key), None), lang) for col in COLUMNS[kind]
    )


def _same(a: Any, b: Any) -> bool:
    """Stored and new values compare as the import writes them: empty text is no value."""
    a = None if a == "" else a
    b = None if b == "" else b
    return bool(a == b)


def _changes(kind: str, new: dict[str, Any], old: dict[str, Any], lang: str) -> tuple[FieldChange, ...]:
    changes = []
    for key, value in new.items():
        if key == _SECRET:
            if value and value != old.get(key):
                word = "（更改）" if lang == "zh" else "(changed)"
                changes.append(FieldChange(key, "", word))
            continue
        if not _same(old.get(key), value):
            changes.append(FieldChange(key, _show(kind, key, old.get(key), lang), _show(kind, key, value, lang)))
    return tuple(changes)


def _stored_agents(session: Session, rows: list[Any]) -> dict[str, dict[str, Any]]:
    wanted = {code_key(r.code) for r in rows}
    found: dict[str, dict[str, Any]] = {}
    for agent in session.scalars(select(Agent)):
        key = code_key(agent.code)
        if key in wanted:
            found[key] = {
                "name": agent.name, "role": agent.role, "team": agent.team, "base_salary": agent.base_salary,
                "hire_date": agent.hire_date, "leave_date": agent.leave_date, _SECRET: agent.payslip_password,
                **{key: getattr(agent, key) for key in _AGENT_EXTRA},
            }
    return found


def _agent_new(r: Any) -> dict[str, Any]:
    return {
        "name": r.name, "role": r.role or "", "team": r.team or "", "base_salary": r.base_salary,
        "hire_date": r.hire_date, "leave_date": r.leave_date, _SECRET: r.payslip_password,
        **{key: getattr(r, key) for key in _AGENT_EXTRA if key in r.given},
    }


_AGENT_EXTRA = ("id_number", "bank_name", "bank_account", "si_base", "hf_base", "statutory")


def _stored_policies(session: Session, rows: list[Any]) -> dict[str, dict[str, Any]]:
    numbers = [r.policy_no for r in rows]
    if not numbers:
        return {}
    codes = dict(session.execute(select(Agent.id, Agent.code)).all())
    return {
        p.policy_no: {
            "code": codes.get(p.agent_id, ""), "product": p.product_code, "premium": p.premium,
            "customer_level": p.customer_level, "new_customer": p.new_customer, "sign_date": p.sign_date,
            "cancel_date": p.cancel_date,
        }
        for p in session.scalars(select(Policy).where(Policy.policy_no.in_(numbers)))
    }


def _policy_new(r: Any) -> dict[str, Any]:
    return {
        "code": r.code, "product": r.product, "premium": r.premium, "customer_level": r.customer_level or "",
        "new_customer": r.new_customer, "sign_date": r.sign_date, "cancel_date": r.cancel_date,
    }


def _stored_metrics(session: Session, rows: list[Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    months = {r.month for r in rows}
    if not months:
        return {}
    return {
        (code_key(code), month, indicator): {"value": value}
        for code, month, indicator, value in session.execute(
            select(Agent.code, KpiMetric.month, KpiMetric.indicator, KpiMetric.value)
            .join(Agent, Agent.id == KpiMetric.agent_id)
            .where(KpiMetric.month.in_(months))
        )
    }


def preview_rows(session: Session, result: ImportResult[Any], *, lang: str = "zh", limit: int = PREVIEW_ROWS) -> ImportRows:
    """The first ``limit`` rows of a checked file as the preview shows them (nothing is written).

    A row of a kind that can update (agents, sales, metrics) whose key is stored is an update:
    its changed fields are compared with the stored record (a code compares as codes do, ignoring
    case); an update that changes nothing is ``same``. Other rows are adds.
    """
    kind = result.kind
    columns = tuple((c.key, c.zh, c.en) for c in COLUMNS[kind])
    shown = list(result.rows[:limit])
    stored: dict[Any, dict[str, Any]] = {}
    if kind == "agents":
        stored = dict(_stored_agents(session, shown))
    elif kind == "sales":
        stored = dict(_stored_policies(session, shown))
    elif kind == "metrics":
        stored = dict(_stored_metrics(session, shown))
    out = []
    for r in shown:
        cells = _cells(kind, r, lang)
        old: dict[str, Any] | None = None
        new: dict[str, Any] = {}
        if kind == "agents":
            old, new = stored.get(code_key(r.code)), _agent_new(r)
        elif kind == "sales":
            old, new = stored.get(r.policy_no), _policy_new(r)
            if old is not None and code_key(str(old["code"])) == code_key(r.code):
                old = {**old, "code": r.code}  # the same agent, spelt in another case
        elif kind == "metrics":
            old, new = stored.get((code_key(r.code), r.month, r.indicator)), {"value": r.value}
        if old is None:
            out.append(PreviewRow(r.row, ADD, cells))
            continue
        changes = _changes(kind, new, old, lang)
        out.append(PreviewRow(r.row, UPDATE if changes else SAME, cells, changes))
    return ImportRows(kind, columns, tuple(out), max(0, len(result.rows) - len(shown)))


__all__ = ["ADD", "PREVIEW_ROWS", "SAME", "UPDATE", "FieldChange", "ImportRows", "PreviewRow", "preview_rows"]
