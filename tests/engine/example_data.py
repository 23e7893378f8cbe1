"""Turn a worked-example TOML file (inputs and expected lines) into engine facts."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.engine.facts import AgentMonth, AttendanceFact, ComplaintFact, MonthFacts, PolicyFact, QAFact
from app.money import D
from app.plan.model import Plan
from app.plan.toml_io import plan_from_dict

DATA = Path(__file__).resolve().parent.parent / "data"


def load_example(name: str) -> dict[str, Any]:
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"), parse_float=Decimal)


def example_plan(doc: dict[str, Any]) -> Plan:
    return plan_from_dict(doc["plan"], source="worked example")


def _agent(raw: dict[str, Any]) -> AgentMonth:
    return AgentMonth(
        code=raw["code"],
        name=raw["name"],
        base_salary=D(raw["base_salary"]),
        hire_date=raw["hire_date"],
        leave_date=raw.get("leave_date"),
        praise_count=raw.get("praise_count", 0),
        metrics={k: D(v) for k, v in raw.get("metrics", {}).items()},
        policies=tuple(
            PolicyFact(
                policy_no=p["policy_no"],
                product_code=p["product"],
                premium=D(p["premium"]),
                customer_level=p.get("level", ""),
                new_customer=p.get("new", False),
                sign_date=p["sign_date"],
                cancel_date=p.get("cancel_date"),
            )
            for p in raw.get("policies", [])
        ),
        qa=tuple(
            QAFact(
                date=q["date"],
                score=D(q["score"]),
                fatal=q.get("fatal", False),
                status=q.get("status", "valid"),
            )
            for q in raw.get("qa", [])
        ),
        attendance=tuple(
            AttendanceFact(
                date=a["date"],
                kind=a["kind"],
                minutes=a.get("minutes"),
                days=D(a["days"]) if "days" in a else None,
                count=a.get("count", 1),
            )
            for a in raw.get("attendance", [])
        ),
        complaints=tuple(
            ComplaintFact(date=c["date"], level=c["level"], status=c.get("status", "upheld"))
            for c in raw.get("complaints", [])
        ),
    )


def example_facts(doc: dict[str, Any]) -> MonthFacts:
    workdays: list[date] = doc["workdays"]
    return MonthFacts(
        month=doc["month"], workdays=tuple(workdays), agents=tuple(_agent(a) for a in doc["agents"])
    )
