"""Setting up a new database: the default plan and the seed scorecards."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.services.plans import ensure_default_plan
from app.services.scorecards import ensure_default_scorecards


def initialise(session: Session) -> None:
    ensure_default_plan(session)
    ensure_default_scorecards(session)
