"""The pure pay engine: facts in, pay lines with explanations out (docs/pay-rules.md §2–3).

No I/O, no database: the services layer builds :class:`~app.engine.facts.MonthFacts`
and stores the :class:`~app.engine.facts.MonthPay` it gets back.
"""

from app.engine.compute import compute_agent, compute_month
from app.engine.lines import LINE_CODES, LINE_LABELS
from app.engine.period import Period, in_payroll

__all__ = ["LINE_CODES", "LINE_LABELS", "Period", "compute_agent", "compute_month", "in_payroll"]
