"""The sales page's lazily read table (ui/models/lazy_policies.py) on a real database: rows read in
blocks, sorting, searching and filtering done by the database, totals added up by it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import delete, insert, select

from app.services.sales import PolicyInput, add_policy, list_policies
from app.services.sales_query import PolicyQuery, month_products, policy_totals
from app.services.setup import initialise
from db.models import Agent, Policy
from db.session import Database
from ui.models.lazy_policies import BLOCK, LazyPoliciesModel, read_rows
from ui.models.sales_model import COLUMN_KEYS, totals_of
from ui.pages.sales_page import SalesPage

from .loading import loaded

pytestmark = pytest.mark.gui

MONTH = "2026-03"
COL = {key: i for i, key in enumerate(COLUMN_KEYS)}
MANY = 2 * BLOCK + 57  # more rows than the first block, the last block partly filled


@pytest.fixture
def many_db(db: Database) -> Database:
    """Policies M0000.. over March: premiums 100.01 … , every 7th cancelled, products alternating."""
    with db.session_scope() as session:
        initialise(session)
        agents = {a.code: a.id for a in session.scalars(select(Agent))}
        session.execute(
            insert(Policy),
            [
                {
                    "policy_no": f"M{i:04d}",
                    "agent_id": agents["A001" if i % 3 else "B001"],
                    "product_code": "L10" if i % 2 else "ACC1",
                    "premium": Decimal(100 + (i * 37) % 1000) + Decimal("0.01"),
                    "customer_level": "VIP" if i % 5 == 0 else "",
                    "new_customer": i % 4 == 0,
                    "sign_date": date(2026, 3, 1) + timedelta(days=i % 31),
                    "cancel_date": date(2026, 3, 31) if i % 7 == 0 else None,
                }
                for i in range(MANY)
            ],
        )
        session.flush()
        add_policy(session, PolicyInput("X%_1", "A002", "L10", Decimal("5"), date(2026, 3, 2)))
    return db


def every_policy(db: Database) -> list:  # type: ignore[type-arg]
    with db.session_scope() as session:
        return list_policies(session, MONTH)


def page_of(qtbot: QtBot, db: Database) -> SalesPage:
    page = SalesPage(db)
    qtbot.addWidget(page)
    page.show()
    page.set_month(MONTH)
    return loaded(page)


def column(page: SalesPage, key: str) -> list[str]:
    model = loaded(page).model
    return [model.data(model.index(r, COL[key])) for r in range(model.rowCount())]


def test_rows_past_the_first_block_are_read_when_shown(qtbot: QtBot, many_db: Database) -> None:
    page = page_of(qtbot, many_db)
    expected = every_policy(many_db)  # by sign date, then number: the page's first order
    assert page.model.rowCount() == len(expected) == MANY + 1
    page.refresh()  # (the first read also read a sample of rows for the column widths)
    loaded(page)
    assert len(page.model._views) <= BLOCK < len(expected)  # not every row was read up front
    assert column(page, "policy_no") == [p.policy_no for p in expected]
    assert column(page, "premium")[-1] == f"{expected[-1].premium:.2f}"
    # Cancelled rows are greyed, counted ones not, wherever they are read from.
    model = page.model
    muted = [
        model.data(model.index(r, 0), Qt.ItemDataRole.ForegroundRole) is not None for r in range(MANY + 1)
    ]
    assert muted == [p.cancel_date is not None for p in expected]
    assert column(page, "status").count("已撤单") == sum(p.cancel_date is not None for p in expected)


def test_totals_are_added_up_by_the_database_exactly(qtbot: QtBot, many_db: Database) -> None:
    page = page_of(qtbot, many_db)
    policies = every_policy(many_db)
    assert page.model.totals() == totals_of(policies)
    page.product_filter.setCurrentIndex(page.product_filter.findData("ACC1"))
    loaded(page)
    acc = [p for p in policies if p.product_code == "ACC1"]
    assert page.model.totals() == totals_of(acc)
    assert page.totals.text().startswith(f"筛选出 {len(acc)} / {len(policies)} 张")
    with many_db.session_scope() as session:
        query = PolicyQuery(MONTH, status="counted")
        assert policy_totals(session, query, month_products(session, MONTH)) == totals_of(
            p for p in policies if p.cancel_date is None
        )


@pytest.mark.parametrize("key", [k for k in COLUMN_KEYS])
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_every_column_sorts_as_the_in_memory_table_did(
    qtbot: QtBot, many_db: Database, key: str, order: Qt.SortOrder
) -> None:
    """The database's order is the order of a stable ``list.sort`` by the column's typed key (money
    as numbers, dates as dates, empty values last), ties in the page's first order."""
    page = page_of(qtbot, many_db)
    policies = every_policy(many_db)
    sort_key = page.model.columns[COL[key]].sort_key
    expected = sorted(policies, key=sort_key, reverse=order == Qt.SortOrder.DescendingOrder)
    page.table.sortByColumn(COL[key], order)
    assert column(page, "policy_no") == [p.policy_no for p in expected]


def test_search_and_filters_are_sql_and_match_like_the_list(qtbot: QtBot, many_db: Database) -> None:
    page = page_of(qtbot, many_db)
    page.search.setText("m000")  # case-insensitive
    assert column(page, "policy_no") == [f"M000{i}" for i in sorted(range(10), key=lambda i: (i % 31, i))]
    page.search.setText("X%_")  # the LIKE wildcards are searched for, not used
    assert column(page, "policy_no") == ["X%_1"]
    page.search.setText("王五")  # the agent's name
    assert set(column(page, "agent_code")) == {"B001"}
    page.search.setText("")
    page.status_filter.setCurrentIndex(page.status_filter.findData("cancelled"))
    assert column(page, "status") == ["已撤单"] * sum(1 for i in range(MANY) if i % 7 == 0)


def test_the_selection_is_found_again_in_an_unread_block(qtbot: QtBot, many_db: Database) -> None:
    page = page_of(qtbot, many_db)
    last = every_policy(many_db)[-1].policy_no
    assert page.select_policy(last)  # its block was not read yet
    assert page.selected_policy() is not None and page.selected_policy().policy_no == last  # type: ignore[union-attr]
    page.table.sortByColumn(COL["policy_no"], Qt.SortOrder.DescendingOrder)
    loaded(page)
    assert page.selected_policy() is not None and page.selected_policy().policy_no == last  # type: ignore[union-attr]


def test_the_lazy_model_passes_the_model_tester(qtmodeltester: ModelTester, many_db: Database) -> None:
    model = LazyPoliciesModel(many_db)
    model.apply(read_rows(many_db, model.query(MONTH)))
    qtmodeltester.check(model, force_py=True)
    model.set_search("m01")
    model.sort(COL["premium"], Qt.SortOrder.DescendingOrder)
    model.apply(read_rows(many_db, model.query(MONTH)))
    assert model.rowCount() == 100
    qtmodeltester.check(model, force_py=True)


def test_a_month_among_many_reads_through_the_index_with_the_same_answers(
    qtbot: QtBot, many_db: Database
) -> None:
    """When the month is a small part of the file the reads go through the sign-date index (when
    it is most of the file, straight through the table): the same rows, order and totals."""
    with many_db.session_scope() as session:
        agent = session.scalar(select(Agent.id).where(Agent.code == "A001"))
        session.execute(
            insert(Policy),
            [
                {
                    "policy_no": f"F{i:05d}",
                    "agent_id": agent,
                    "product_code": "L10",
                    "premium": Decimal(7),
                    "sign_date": date(2026, 2, 1 + i % 28),
                }
                for i in range(4 * MANY)
            ],
        )
    policies = every_policy(many_db)
    page = page_of(qtbot, many_db)
    assert page.model.totals() == totals_of(policies)
    page.table.sortByColumn(COL["premium"], Qt.SortOrder.DescendingOrder)
    key = page.model.columns[COL["premium"]].sort_key
    assert column(page, "policy_no") == [p.policy_no for p in sorted(policies, key=key, reverse=True)]
    page.search.setText("m01")
    assert len(column(page, "policy_no")) == 100
    assert page.model.total() == len(policies)


def test_a_policy_deleted_elsewhere_shows_as_an_empty_row_until_the_next_read(
    qtbot: QtBot, many_db: Database
) -> None:
    page = page_of(qtbot, many_db)
    page.refresh()
    loaded(page)  # only the first block read
    last = page.model.rowCount() - 1
    with many_db.session_scope() as session:  # another window, another user
        session.execute(delete(Policy).where(Policy.id == page.model._ids[last]))
    assert page.model.data(page.model.index(last, 0)) is None
    assert page.model.data(page.model.index(last - 1, 0)) is not None
    page.table.selectRow(last)
    assert page.selected_policy() is None and not page.edit_button.isEnabled()
    page.refresh()
    assert loaded(page).model.rowCount() == last
