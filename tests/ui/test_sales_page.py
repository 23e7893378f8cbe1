from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services.sales import PolicyInput, add_policy, list_policies
from app.services.setup import initialise
from db.models import AuditLog, MonthStatus, Policy
from db.session import Database
from ui.dialogs.policy_dialog import CancelPolicyDialog, PolicyDialog
from ui.models.sales_model import COLUMN_KEYS, PoliciesModel
from ui.pages.sales_page import SalesPage

from .loading import loaded
from .typing_helpers import type_text

pytestmark = pytest.mark.gui

MONTH = "2026-03"
COL = {key: i for i, key in enumerate(COLUMN_KEYS)}


@pytest.fixture
def sales_db(db: Database) -> Database:
    with db.session_scope() as session:
        initialise(session)
        add_policy(session, PolicyInput("P001", "A001", "L10", Decimal("10000"), date(2026, 3, 3)))
        add_policy(
            session, PolicyInput("P002", "B001", "ACC1", Decimal("2000"), date(2026, 3, 8), "VIP", True)
        )
    return db


@pytest.fixture
def page(qtbot: QtBot, sales_db: Database) -> SalesPage:
    widget = SalesPage(sales_db)
    widget.set_month(MONTH)
    widget.ask_confirm = lambda _text: True  # type: ignore[method-assign, assignment]
    qtbot.addWidget(widget)
    widget.show()
    loaded(widget)
    return widget


def shown(page: SalesPage, column: str = "policy_no") -> list[str]:
    model = loaded(page).model
    return [model.data(model.index(r, COL[column])) for r in range(model.rowCount())]


def lock(db: Database, month: str = MONTH) -> None:
    with db.session_scope() as session:
        session.add(MonthStatus(month=month, status="locked"))


def test_models_pass_the_model_tester(qtmodeltester: ModelTester, sales_db: Database) -> None:
    model = PoliciesModel()
    with sales_db.session_scope() as session:
        model.set_records(list_policies(session, MONTH))
    qtmodeltester.check(model, force_py=True)
    model.set_search("p00")
    model.sort(COL["premium"], Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model, force_py=True)


def test_table_shows_standard_premium_filters_and_totals(qtbot: QtBot, page: SalesPage) -> None:
    assert shown(page) == ["P001", "P002"]
    assert shown(page, "std_premium") == ["10000.00", "200.00"]
    assert shown(page, "factor") == ["1", "0.1"]
    assert shown(page, "product")[1] == "ACC1 一年期意外险"
    assert page.totals.text() == (
        "共 2 张保单（计入 2 张）；保费合计 12000.00 元；标准保费合计 10200.00 元，其中计入业绩 10200.00 元"
    )
    page.table.sortByColumn(COL["premium"], Qt.SortOrder.AscendingOrder)
    assert shown(page) == ["P002", "P001"]  # 2000 before 10000: numbers, not text

    type_text(qtbot, page.search, "王五")
    assert shown(page) == ["P002"]
    assert page.totals.text().startswith("筛选出 1 / 2 张")
    page.search.clear()
    page.product_filter.setCurrentIndex(page.product_filter.findData("L10"))
    assert shown(page) == ["P001"]
    page.product_filter.setCurrentIndex(0)
    page.status_filter.setCurrentIndex(page.status_filter.findData("cancelled"))
    assert shown(page) == []


def test_policy_dialog_refuses_bad_input_then_adds(qtbot: QtBot, page: SalesPage, sales_db: Database) -> None:
    dialog = page.add_policy()
    assert isinstance(dialog, PolicyDialog) and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()
    assert dialog.errors["policy_no"].isHidden()  # untouched fields are not scolded
    assert dialog.sign.date() == QDate(2026, 3, 1)  # a new policy lands in the page's month

    qtbot.keyClicks(dialog.policy_no, "P001")  # already taken: only the database can tell
    dialog.select_agent("B002")  # left in 2025
    dialog.agent.activated.emit(dialog.agent.currentIndex())
    assert "不在职" in dialog.errors["agent_code"].text()
    dialog.select_agent("A002")
    dialog.select_product("ACC1")
    assert dialog.factor.text() == "折标系数 0.1"
    qtbot.keyClicks(dialog.premium, "0")
    assert dialog.errors["premium"].text() == "保费必须大于 0"
    assert not dialog.ok_button.isEnabled()
    dialog.premium.clear()
    qtbot.keyClicks(dialog.premium, "-3000.555")  # the validator refuses the sign and a third decimal
    assert dialog.premium.text() == "3000.55"
    assert dialog.factor.text() == "折标系数 0.1 → 标准保费 300.06"
    dialog.cancelled.setChecked(True)
    dialog.cancel.setDate(QDate(2026, 2, 27))
    assert "早于签单日期" in dialog.errors["cancel_date"].text()
    dialog.cancelled.setChecked(False)
    assert dialog.ok_button.isEnabled()

    dialog.ok_button.click()
    assert dialog.isVisible()
    assert dialog.errors["form"].text() == "保单号 P001 已存在"

    dialog.policy_no.clear()
    qtbot.keyClicks(dialog.policy_no, "P003")
    dialog.sign.setDate(QDate(2026, 3, 15))
    dialog.level.setCurrentText("VIP")
    dialog.new_customer.setChecked(True)
    with qtbot.waitSignal(page.data_changed) as changed:
        dialog.ok_button.click()
    assert changed.args == ["sales"]
    assert shown(page) == ["P001", "P002", "P003"]
    assert page.selected_policy() is not None and page.selected_policy().policy_no == "P003"  # type: ignore[union-attr]
    assert "共 3 张保单（计入 3 张）；保费合计 15000.55 元；标准保费合计 10500.06 元" in page.totals.text()
    with sales_db.session_scope() as session:
        stored = session.scalar(select(Policy).where(Policy.policy_no == "P003"))
        assert stored is not None
        assert (stored.premium, stored.customer_level, stored.new_customer) == (
            Decimal("3000.55"),
            "VIP",
            True,
        )


def test_product_list_follows_the_plan_of_the_sign_month(page: SalesPage) -> None:
    dialog = page.add_policy()
    assert dialog is not None
    dialog.sign.setDate(QDate(2025, 12, 20))  # before the plan's effective_from: no products
    assert dialog.product.count() == 1
    dialog.sign.setDate(QDate(2026, 3, 20))
    assert dialog.product.findData("L10") > 0


def test_edit_changes_the_premium(qtbot: QtBot, page: SalesPage) -> None:
    page.select_policy("P001")
    dialog = page.edit_selected()
    assert dialog is not None and dialog.ok_button.isEnabled()
    assert dialog.premium.text() == "10000.00"
    dialog.premium.clear()
    qtbot.keyClicks(dialog.premium, "12000")
    dialog.ok_button.click()
    assert shown(page, "premium") == ["12000.00", "2000.00"]


def test_cancel_from_the_page(qtbot: QtBot, page: SalesPage, sales_db: Database) -> None:
    page.select_policy("P001")
    dialog = page.cancel_selected()
    assert isinstance(dialog, CancelPolicyDialog)
    assert not dialog.withdraw.isVisibleTo(dialog)
    dialog.date.setDate(QDate(2026, 3, 20))
    with qtbot.waitSignal(page.data_changed):
        dialog.ok_button.click()
    assert shown(page, "status") == ["已撤单", "计入"]
    assert shown(page, "cancel_date")[0] == "2026-03-20"
    assert "共 2 张保单（计入 1 张）" in page.totals.text()
    assert "其中计入业绩 200.00 元" in page.totals.text()
    page.status_filter.setCurrentIndex(page.status_filter.findData("cancelled"))
    assert shown(page) == ["P001"]
    with sales_db.session_scope() as session:
        assert (
            session.scalar(
                select(AuditLog.action).where(AuditLog.entity_key == "P001").order_by(AuditLog.id.desc())
            )
            == "policy.cancel"
        )


def test_delete_from_the_page(page: SalesPage) -> None:
    page.select_policy("P002")
    assert page.delete_selected()
    assert shown(page) == ["P001"]


def test_locked_month_is_read_only_except_cancel(qtbot: QtBot, sales_db: Database) -> None:
    lock(sales_db)
    page = SalesPage(sales_db)
    qtbot.addWidget(page)
    page.set_month(MONTH)
    page.show()
    loaded(page)
    assert page.banner.isVisible()
    assert "已锁定" in page.banner.text()
    assert not page.add_button.isEnabled()
    page.select_policy("P002")
    assert not page.edit_button.isEnabled()
    assert not page.delete_button.isEnabled()
    assert page.cancel_button.isEnabled()
    assert page.edit_selected() is None and not page.delete_selected()

    dialog = page.cancel_selected()
    assert dialog is not None
    dialog.date.setDate(QDate(2026, 4, 2))
    dialog.ok_button.click()
    assert shown(page, "cancel_date")[1] == "2026-04-02"

    page.set_month("2026-04")
    loaded(page)
    assert not page.banner.isVisible()
    assert page.add_button.isEnabled()


def test_template_export_uses_the_replaceable_dialog(page: SalesPage, tmp_path: object) -> None:
    from pathlib import Path

    target = Path(str(tmp_path)) / "sales"
    page.ask_save_file = lambda _suggested: target  # type: ignore[method-assign, assignment]
    saved = page.export_template()
    assert saved == target.with_name("sales.xlsx") and saved.exists()


def test_sorting_by_premium_date_and_code_orders_by_value(qtbot: QtBot, sales_db: Database) -> None:
    with sales_db.session_scope() as session:
        for no, code, premium, day in (
            ("P010", "A002", "900", 20),  # 900 < 2000 < 10000: as text "900" would sort last
            ("P011", "A001", "10000.5", 3),
            ("P012", "B001", "95", 31),
        ):
            add_policy(session, PolicyInput(no, code, "L10", Decimal(premium), date(2026, 3, day)))
    page = SalesPage(sales_db)
    qtbot.addWidget(page)
    page.set_month(MONTH)
    assert shown(page) == ["P001", "P011", "P002", "P010", "P012"]  # by sign date, then number

    page.table.sortByColumn(COL["premium"], Qt.SortOrder.AscendingOrder)
    assert shown(page, "premium") == ["95.00", "900.00", "2000.00", "10000.00", "10000.50"]
    page.table.sortByColumn(COL["premium"], Qt.SortOrder.DescendingOrder)
    assert shown(page) == ["P011", "P001", "P002", "P010", "P012"]
    page.table.sortByColumn(COL["sign_date"], Qt.SortOrder.DescendingOrder)
    assert shown(page, "sign_date") == ["2026-03-31", "2026-03-20", "2026-03-08", "2026-03-03", "2026-03-03"]
    page.table.sortByColumn(COL["agent_code"], Qt.SortOrder.AscendingOrder)
    assert shown(page, "agent_code") == ["A001", "A001", "A002", "B001", "B001"]
    # Equal codes keep the order they had (the sign date, newest first): a stable sort.
    assert shown(page) == ["P011", "P001", "P010", "P012", "P002"]

    # The selection follows its policy through a re-sort, and the sort stays through a reload.
    page.select_policy("P010")
    page.table.sortByColumn(COL["premium"], Qt.SortOrder.AscendingOrder)
    loaded(page)  # the database sorts, off the GUI thread
    assert page.selected_policy() is not None and page.selected_policy().policy_no == "P010"  # type: ignore[union-attr]
    assert page.table.selectionModel().selectedRows()[0].row() == 1
    page.refresh()
    assert shown(page) == ["P012", "P010", "P002", "P001", "P011"]
    assert page.selected_policy() is not None and page.selected_policy().policy_no == "P010"  # type: ignore[union-attr]


def test_the_page_says_loading_until_the_policies_are_read(qtbot: QtBot, sales_db: Database) -> None:
    page = SalesPage(sales_db)
    qtbot.addWidget(page)
    page.show()
    page.set_month(MONTH)
    assert page.loading and page.totals.text() == "加载中…"  # read off the GUI thread
    assert not page.add_button.isEnabled()
    loaded(page)
    assert page.totals.text().startswith("共 2 张保单") and page.add_button.isEnabled()
    page.set_month("2026-04")  # another month: the March rows go at once, never shown as April's
    assert page.model.rowCount() == 0 and page.loading
    assert shown(page) == []


def test_columns_are_as_wide_as_their_widest_text(page: SalesPage) -> None:
    metrics = page.table.fontMetrics()
    for column, text in (("product", "ACC1 一年期意外险"), ("premium", "10000.00"), ("policy_no", "保单号")):
        assert page.table.columnWidth(COL[column]) > metrics.horizontalAdvance(text), column
