"""How many appeals of a month wait for a decision (docs/pay-rules.md §11).

Kept apart from :mod:`app.services.appeals` (which loads the importers and every record service it
decides through): the payroll page, the sign-off strip and ``branchpay payroll run``'s notices only
count, and a command line should not load what it does not use.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Appeal


def pending_count(session: Session, month: str) -> int:
    """How many appeals against records of ``month`` still wait for a decision."""
    return session.scalar(
        select(func.count(Appeal.id)).where(Appeal.month == month, Appeal.status == "pending")
    ) or 0
