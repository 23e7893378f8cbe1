"""The pure pay engine: facts in, pay lines with explanations out (docs/pay-rules.md §2–3).

No I/O, no database: the services layer builds :class:`~app.engine.facts.MonthFacts`
and stores the :class:`~app.engine.facts.MonthPay` it gets back.

The names below load on first use (PEP 562): importing ``app.engine.facts`` — as every
importer does for its value words — does not load the whole engine at each command-line start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.engine.compute import compute_agent, compute_month
    from app.engine.lines import LINE_CODES, LINE_LABELS
    from app.engine.period import Period, in_payroll

_WHERE = {
    "compute_agent": "app.engine.compute",
    "compute_month": "app.engine.compute",
    "LINE_CODES": "app.engine.lines",
    "LINE_LABELS": "app.engine.lines",
    "Period": "app.engine.period",
    "in_payroll": "app.engine.period",
}

__all__ = ["LINE_CODES", "LINE_LABELS", "Period", "compute_agent", "compute_month", "in_payroll"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'app.engine' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
