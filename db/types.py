"""Column types that keep money exact on every database.

Money and rates are stored as text holding a canonical Decimal: SQLite has no
exact decimal type and REAL would turn 0.10 + 0.20 into 0.30000000000000004.
Text compares wrongly as numbers, so never sort or sum these in SQL; the app
does arithmetic in Python, where it is exact.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def decimal_text(value: Decimal) -> str:
    """How a Decimal is stored: its plain decimal text, never an exponent (``Decimal("1E+3")`` → ``"1000"``).

    The one formatting of :class:`DecimalText`, shared by the importers' driver-level inserts."""
    text = str(value)  # plain digits unless the exponent is positive or the number is tiny (C-fast)
    return format(value, "f") if "E" in text else text


class DecimalText(TypeDecorator[Decimal]):
    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("floats are not stored as money; use Decimal")
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if not number.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return decimal_text(number)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(value)

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal
