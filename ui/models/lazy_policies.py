"""The sales table over a month of any size: it holds the ordered ids of the policies shown and
reads their rows in blocks as the table paints them.

Counting, adding up, filtering, searching and sorting happen in the database
(:mod:`app.services.sales_query`), in one read the page runs off the GUI thread
(:func:`read_rows`); the table then asks only for the rows on screen, read a block of
:data:`BLOCK` rows at a time by primary key (milliseconds). The first rows, the selected policy's
block and a sample of rows for the column widths come with the read itself.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontMetrics

from app.money import ZERO
from app.services.months import month_status
from app.services.sales import PolicyView, ProductView
from app.services.sales_query import (
    PolicyQuery,
    SalesTotals,
    SortSpec,
    month_policy_count,
    month_product_codes,
    month_products,
    policy_id,
    policy_ids,
    policy_totals_and_codes,
    policy_views,
    sample_ids,
)
from db.session import Database
from ui.models.common import Index
from ui.models.record_list import WIDTH_SAMPLE
from ui.models.sales_model import COLUMNS
from ui.models.sales_table import ColumnsModel

#: Rows read at once when the table paints a row not read yet.
BLOCK = 200
#: Rows kept read; past this the oldest blocks are read again when scrolled back to.
KEEP = 50 * BLOCK
#: Sorts remembered to break ties (a stable sort's memory of the orders before).
SORT_MEMORY = 4

NO_TOTALS = SalesTotals(0, 0, ZERO, ZERO, ZERO)


@dataclass(frozen=True)
class PolicyRows:
    """One read of the table: what the page applies on the GUI thread."""

    query: PolicyQuery
    ids: list[int]
    views: dict[int, PolicyView]
    totals: SalesTotals
    month_count: int
    products: dict[str, ProductView]
    product_codes: list[str]
    status: str
    sample: list[PolicyView] = field(default_factory=list)


def read_rows(
    db: Database, query: PolicyQuery, *, keep: str | None = None, sample: bool = False
) -> PolicyRows:
    """Everything the table needs for ``query``: ids in order, totals, the first block, the block
    of policy ``keep`` (to select it again) and, with ``sample``, rows to size the columns on.
    Runs on a worker thread (its own session)."""
    with db.session_scope() as session:
        products = month_products(session, query.month)
        status = month_status(session, query.month)
    locked = status == "locked"

    # The totals are added up on a second connection meanwhile (the driver lets go of the
    # interpreter while the database works): both cores.
    added: list[tuple[SalesTotals, int, list[str]]] = []
    failed: list[BaseException] = []

    def add_up() -> None:
        try:
            with db.session_scope() as other:
                totals, codes = policy_totals_and_codes(other, query, products)
                if query.filtered():  # the whole month's count and products, for the filters
                    added.append(
                        (
                            totals,
                            month_policy_count(other, query.month),
                            month_product_codes(other, query.month),
                        )
                    )
                else:
                    added.append((totals, totals.count, codes))
        except BaseException as exc:  # noqa: BLE001 - raised again on the reading thread
            failed.append(exc)

    adding = threading.Thread(target=add_up, name="sales-totals", daemon=True)
    adding.start()
    with db.session_scope() as session:
        ids = policy_ids(session, query, products)
        adding.join()
        if failed:
            raise failed[0]
        totals, month_count, codes = added[0]
        wanted = list(ids[:BLOCK])
        if keep is not None:
            kept = policy_id(session, keep)
            if kept is not None:
                try:
                    start = ids.index(kept) // BLOCK * BLOCK
                except ValueError:
                    pass
                else:
                    wanted += ids[start : start + BLOCK]
        picked = sample_ids(ids, WIDTH_SAMPLE) if sample else []
        views = policy_views(session, dict.fromkeys(wanted + picked), products, locked)
        return PolicyRows(
            query,
            ids,
            views,
            totals,
            month_count,
            products,
            codes,
            status,
            [views[i] for i in picked if i in views],
        )


class LazyPoliciesModel(ColumnsModel):
    """One row per policy the query selects; cancelled policies greyed. Filters, search and sort
    only change the query: ``query_changed`` asks the page to read again (off the GUI thread)."""

    query_changed = Signal()

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(
            COLUMNS, key=lambda p: p.policy_no, muted=lambda p: p.cancel_date is not None, parent=parent
        )
        self.db = db
        self._product: str | None = None
        self._status: str | None = None
        self._search = ""
        self._sorts: SortSpec = ()
        self._clear()

    def _clear(self) -> None:
        self._month = ""
        self._ids: list[int] = []
        self._views: dict[int, PolicyView] = {}
        self._products: dict[str, ProductView] = {}
        self._locked = False
        self._totals = NO_TOTALS
        self._month_count = 0
        self._sample: list[PolicyView] = []

    # --- the query --------------------------------------------------------------------

    def query(self, month: str) -> PolicyQuery:
        return PolicyQuery(month, self._product, self._status, self._search, self._sorts)

    @property
    def sort_column(self) -> int | None:
        return self.column(self._sorts[0][0]) if self._sorts else None

    def set_product(self, code: str | None) -> None:
        if (code or None) != self._product:
            self._product = code or None
            self.query_changed.emit()

    def set_status(self, status: str | None) -> None:
        """``"counted"``, ``"cancelled"`` or ``None`` for all."""
        if status != self._status:
            self._status = status
            self.query_changed.emit()

    def set_search(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self._search:
            self._search = needle
            self.query_changed.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt's sort (a header click): the database sorts on the next read, the sorts before
        breaking ties as a stable sort keeps them; the page selects the selected policy again."""
        if not (0 <= column < len(self.columns)):
            return
        key = self.columns[column].key
        newest = (key, order == Qt.SortOrder.DescendingOrder)
        sorts = (newest, *(s for s in self._sorts if s[0] != key))[:SORT_MEMORY]
        if sorts != self._sorts:
            self._sorts = sorts
            self.query_changed.emit()

    # --- rows ------------------------------------------------------------------------

    def clear(self) -> None:
        """Show nothing (another month is being read)."""
        self.beginResetModel()
        self._clear()
        self.endResetModel()

    def apply(self, rows: PolicyRows) -> None:
        self.beginResetModel()
        self._month = rows.query.month
        self._ids = rows.ids
        self._views = dict(rows.views)
        self._products = rows.products
        self._locked = rows.status == "locked"
        self._totals = rows.totals
        self._month_count = rows.month_count
        if rows.sample:
            self._sample = rows.sample
        self.endResetModel()

    def total(self) -> int:
        """How many policies the month has, filtered out or not."""
        return self._month_count

    def totals(self) -> SalesTotals:
        """Of the policies shown (added up by the database)."""
        return self._totals

    def policy(self, row: int) -> PolicyView:
        pid = self._ids[row]
        view = self._views.get(pid)
        if view is None:
            self._read_block(row)
            view = self._views[pid]
        return view

    def record(self, row: int) -> PolicyView:
        return self.policy(row)

    def view_at(self, row: int) -> PolicyView | None:
        """The policy shown in ``row``; ``None`` when it was deleted since the ids were read (the
        page reads again after every change it makes, another user's may come first)."""
        if not 0 <= row < len(self._ids):
            return None
        pid = self._ids[row]
        if pid not in self._views:
            self._read_block(row)
        return self._views.get(pid)

    def _read_block(self, row: int) -> None:
        if len(self._views) >= KEEP:
            self._views.clear()
        start = row // BLOCK * BLOCK
        with self.db.session_scope() as session:
            self._views.update(
                policy_views(session, self._ids[start : start + BLOCK], self._products, self._locked)
            )

    def row_of(self, policy_no: str) -> int:
        """The row showing policy ``policy_no``; -1 when none does."""
        pid = next((v.id for v in self._views.values() if v.policy_no == policy_no), None)
        if pid is None and self._ids:
            with self.db.session_scope() as session:
                pid = policy_id(session, policy_no)
        try:
            return self._ids.index(pid) if pid is not None else -1
        except ValueError:
            return -1

    # --- sizes --------------------------------------------------------------------------

    def sampled_texts(self) -> list[set[str]]:
        return [{column.title, *(column.text(r) for r in self._sample)} for column in self.columns]

    def column_widths(self, metrics: QFontMetrics, *, minimum: int = 72, pad: int = 24) -> list[int]:
        """The width of each column's widest sampled text (measured: 中文 is wider than 0-9)."""
        return [
            max(minimum, max(metrics.horizontalAdvance(t) for t in texts) + pad)
            for texts in self.sampled_texts()
        ]

    # --- Qt overrides -------------------------------------------------------------------

    def _count(self) -> int:
        return len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < len(self._ids) and 0 <= col < len(self.columns)):
            return None
        view = self.view_at(row)
        return None if view is None else self.cell(view, self.columns[col], role)
