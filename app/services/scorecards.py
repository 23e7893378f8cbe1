"""QA scorecards (评分表): the three seed cards shipped as defaults."""

from __future__ import annotations

import tomllib
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.resources import read_text
from db.models import Scorecard, ScorecardItem


def default_scorecards() -> list[dict[str, object]]:
    data = tomllib.loads(read_text("scorecards.toml"), parse_float=Decimal)
    cards: list[dict[str, object]] = data["scorecards"]
    return cards


def ensure_default_scorecards(session: Session) -> None:
    if session.scalar(select(Scorecard.id).limit(1)) is not None:
        return
    for card in default_scorecards():
        items = card["items"]
        assert isinstance(items, list)
        sc = Scorecard(code=str(card["code"]), name=str(card["name"]), version=1)
        sc.items = [
            ScorecardItem(position=i, section=str(it["section"]), name=str(it["name"]), max_points=Decimal(str(it["max"])))
            for i, it in enumerate(items, start=1)
        ]
        session.add(sc)
    session.flush()


def scorecard_names(session: Session) -> dict[str, int]:
    """Name or code → id of the newest version of each active card."""
    result: dict[str, int] = {}
    for card in session.scalars(select(Scorecard).where(Scorecard.active.is_(True)).order_by(Scorecard.version)):
        result[card.name] = card.id
        result[card.code] = card.id
    return result
