"""xlsx/csv → validated rows; problems are returned as data, never half-imported.

Pure: no database and no Qt. The services layer passes in what the database knows
(:class:`ImportContext`) and writes :attr:`ImportResult.rows` only when
:attr:`ImportResult.ok`.
"""

from app.importers.kinds import (
    COLUMNS,
    KINDS,
    AdjustmentRow,
    AgentRow,
    AppealRow,
    AttendanceRow,
    Column,
    ComplaintRow,
    ImportRow,
    MetricRow,
    PraiseRow,
    QARow,
    SalesRow,
    TargetRow,
)
from app.importers.parse import ImportContext, ImportResult, column_keys, parse_file, parse_table, read_file
from app.importers.problems import Problem
from app.importers.table import Table, TableError, read_table

__all__ = [
    "COLUMNS",
    "KINDS",
    "AdjustmentRow",
    "AgentRow",
    "AppealRow",
    "AttendanceRow",
    "Column",
    "ComplaintRow",
    "ImportContext",
    "ImportResult",
    "ImportRow",
    "MetricRow",
    "PraiseRow",
    "Problem",
    "QARow",
    "SalesRow",
    "Table",
    "TableError",
    "TargetRow",
    "column_keys",
    "parse_file",
    "parse_table",
    "read_file",
    "read_table",
]
