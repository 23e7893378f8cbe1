"""The money fields of the dialogs read amounts the one way (app.money.parse_money, issue #12):
a third decimal cannot be typed, and an amount stored with one (before amounts were limited to
the cent) is shown as stored and refused until corrected — saving the form never rounds it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.i18n import set_language
from app.services.agents import list_agents
from app.services.rewards import AdjustmentInput, add_adjustment, list_adjustments
from app.services.sales import PolicyInput, add_policy, list_policies
from app.services.setup import initialise
from db.models import Adjustment, Agent, Policy
from db.session import Database
from ui.dialogs.agent_dialog import AgentDialog
from ui.dialogs.policy_dialog import PolicyDialog
from ui.dialogs.record_dialogs import AdjustmentDialog
from ui.pages.agents_page import AgentsPage
from ui.pages.rewards_page import RewardsPage
from ui.pages.sales_page import SalesPage

from .typing_helpers import type_text

pytestmark = pytest.mark.gui

MONTH = "2026-03"


def test_the_agent_dialog_does_not_take_a_third_decimal(qtbot: QtBot, agents_page: AgentsPage) -> None:
    dialog = agents_page.add_agent()
    assert isinstance(dialog, AgentDialog)
    qtbot.keyClicks(dialog.base, "4000.125")
    assert dialog.base.text() == "4000.12"
    dialog.base.setText("4000.125")  # however the text got there, it is not accepted
    qtbot.keyClicks(dialog.code, "C001")
    type_text(qtbot, dialog.name, "新人")
    assert not dialog.ok_button.isEnabled()
    assert dialog.errors["base"].text() == "底薪最多两位小数：4000.125"
    dialog.reject()


def test_an_agent_stored_with_a_third_decimal_is_not_rounded_by_the_edit_dialog(
    qtbot: QtBot, agents_page: AgentsPage, db: Database
) -> None:
    with db.session_scope() as session:  # as an import before the rule could have stored it
        session.scalars(select(Agent).where(Agent.code == "A002")).one().base_salary = Decimal("3500.125")
    with db.session_scope() as session:
        agent = next(a for a in list_agents(session) if a.code == "A002")
    dialog = agents_page.edit_agent(agent)
    assert dialog.base.text() == "3500.125"  # not "3500.13"
    assert not dialog.ok_button.isEnabled()
    assert dialog.errors["base"].text() == "底薪最多两位小数：3500.125"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with db.session_scope() as session:
        assert session.scalars(select(Agent.base_salary).where(Agent.code == "A002")).one() == Decimal("3500.125")
    dialog.base.clear()
    qtbot.keyClicks(dialog.base, "3500.13")  # the user decides the cent
    assert dialog.ok_button.isEnabled()
    dialog.reject()


def test_the_english_message_names_the_base_salary(qtbot: QtBot, agents_page: AgentsPage) -> None:
    set_language("en")
    dialog = agents_page.add_agent()
    qtbot.keyClicks(dialog.base, "12.3")
    dialog.base.setText("12.345")
    qtbot.keyClicks(dialog.code, "C001")
    assert dialog.errors["base"].text() == "the base salary has at most 2 decimals: 12.345"
    dialog.reject()


@pytest.fixture
def sales_page(qtbot: QtBot, db: Database) -> SalesPage:
    with db.session_scope() as session:
        initialise(session)
        add_policy(session, PolicyInput("P001", "A001", "L10", Decimal("10000"), date(2026, 3, 3)))
        session.flush()
        session.scalars(select(Policy).where(Policy.policy_no == "P001")).one().premium = Decimal("10000.005")
    page = SalesPage(db)
    page.set_month(MONTH)
    qtbot.addWidget(page)
    page.show()
    return page


def test_the_policy_dialog_refuses_a_stored_third_decimal_until_corrected(
    qtbot: QtBot, sales_page: SalesPage, db: Database
) -> None:
    with db.session_scope() as session:
        policy = next(p for p in list_policies(session, MONTH) if p.policy_no == "P001")
    dialog = sales_page.edit_policy(policy)
    assert isinstance(dialog, PolicyDialog)
    assert dialog.premium.text() == "10000.005"
    assert not dialog.ok_button.isEnabled()
    assert dialog.errors["premium"].text() == "保费最多两位小数：10000.005"
    dialog.premium.clear()
    qtbot.keyClicks(dialog.premium, "10000.005")  # typing stops at the cent
    assert dialog.premium.text() == "10000.00"
    assert dialog.ok_button.isEnabled()
    dialog.reject()


@pytest.fixture
def rewards_page(qtbot: QtBot, db: Database) -> RewardsPage:
    with db.session_scope() as session:
        initialise(session)
        add_adjustment(session, AdjustmentInput("B001", MONTH, Decimal("150"), "补发", "交通补贴"))
        session.flush()
        session.scalars(select(Adjustment)).one().amount = Decimal("10.005")
    page = RewardsPage(db)
    page.set_month(MONTH)
    qtbot.addWidget(page)
    page.show()
    return page


def test_the_adjustment_dialog_refuses_a_third_decimal(
    qtbot: QtBot, rewards_page: RewardsPage, db: Database
) -> None:
    with db.session_scope() as session:
        (adjustment,) = list_adjustments(session, MONTH)
    assert rewards_page.adjustments.select_key(adjustment.id)
    dialog = rewards_page.edit_adjustment()
    assert isinstance(dialog, AdjustmentDialog)
    assert dialog.amount.text() == "10.005"  # not "10.01", which saving would then pay
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem.text() == "金额最多两位小数：10.005"
    dialog.amount.clear()
    qtbot.keyClicks(dialog.amount, "-10.005")
    assert dialog.amount.text() == "-10.00"
    assert dialog.sign_hint.text() == "实发减少 10.00 元"
    assert dialog.ok_button.isEnabled()
    dialog.reject()


def test_the_settings_page_reads_the_minimum_wage_like_every_amount(qtbot: QtBot, db: Database) -> None:
    from app.services.settings import all_settings
    from ui.pages.settings_page import SettingsPage

    page = SettingsPage(db)
    qtbot.addWidget(page)
    page.show()
    page.minimum_wage.setText("2360.125")
    assert page.minimum_wage_error.text() == "最低工资提醒线最多两位小数：2360.125"
    assert not page.save()
    page.minimum_wage.setText("¥2,360.5")  # written as in an import file
    assert not page.minimum_wage_error.isVisibleTo(page)
    assert page.save()
    with db.session_scope() as session:
        assert all_settings(session)["minimum_wage"] == "2360.50"
