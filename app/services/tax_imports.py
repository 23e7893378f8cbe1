"""Writing the ``deductions`` and ``tax_opening`` imports (docs/formats.md part two).

A row replaces the stored one with the same key — (agent, month) for deductions, (agent, year)
for an opening balance — so a corrected file can simply be imported again. The parser has
already refused deductions for a locked month.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.fields import code_key
from app.importers import ImportResult
from app.importers.kinds import DeductionRow, TaxOpeningRow
from app.services.audit import audit
from db.models import Agent, TaxDeduction, TaxOpening

_DEDUCTION_FIELDS = ("children_education", "continuing_education", "housing_loan_interest", "housing_rent",
                     "elderly_care", "infant_care", "other")
_OPENING_FIELDS = ("through_month", "months", "income", "si_hf", "special", "other", "tax_withheld")


def _ids(session: Session) -> dict[str, int]:
    return {code_key(code): agent_id for code, agent_id in session.execute(select(Agent.code, Agent.id))}


def write_deductions(session: Session, result: ImportResult[Any]) -> None:
    ids = _ids(session)
    rows: list[DeductionRow] = list(result.rows)
    months = sorted({r.month for r in rows})
    stored = {(d.agent_id, d.month): d for d in session.scalars(select(TaxDeduction).where(TaxDeduction.month.in_(months)))}
    for r in rows:
        agent_id = ids[code_key(r.code)]
        values = {k: getattr(r, k) for k in _DEDUCTION_FIELDS}
        row = stored.get((agent_id, r.month))
        if row is None:
            session.add(TaxDeduction(agent_id=agent_id, month=r.month, **values))
        else:
            for k, v in values.items():
                setattr(row, k, v)


def write_tax_opening(session: Session, result: ImportResult[Any]) -> None:
    ids = _ids(session)
    rows: list[TaxOpeningRow] = list(result.rows)
    stored = {(o.agent_id, o.year): o for o in session.scalars(select(TaxOpening))}
    for r in rows:
        agent_id = ids[code_key(r.code)]
        values = {k: getattr(r, k) for k in _OPENING_FIELDS}
        row = stored.get((agent_id, r.year))
        if row is None:
            session.add(TaxOpening(agent_id=agent_id, year=r.year, **values))
        else:
            before = {k: str(getattr(row, k)) for k in _OPENING_FIELDS}
            for k, v in values.items():
                setattr(row, k, v)
            audit(session, "tax_opening.update", entity="agent", key=r.code, before=before,
                  after={k: str(v) for k, v in values.items()})
