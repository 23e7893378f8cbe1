"""§10 in the window, with real widgets: sign-in, the user in the status bar, the payroll page's sign-off
strip and role-disabled buttons, users in 设置, and the audit log viewer."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services import signoff
from db.session import Database
from tests.ui.branch_users import PW, add_chain
from ui.dialogs.audit_dialog import AuditDialog
from ui.dialogs.sign_in_dialog import SignInDialog, last_user
from ui.main_window import MainWindow
from ui.pages.agents_page import AgentsPage
from ui.pages.payroll_page import PayrollPage
from ui.pages.plan_page import PlanPage
from ui.pages.rewards_page import RewardsPage
from ui.pages.settings_page import SettingsPage
from ui.startup import check_sign_in, sign_in_verifier
from ui.widgets.users_panel import UsersPanel

pytestmark = pytest.mark.gui

MONTH = "2026-10"


@pytest.fixture
def branch(example_db: Database) -> Database:
    """boss (admin), clara (clerk), rita (reviewer), alan (approver); the branch uses 审核 and 签批."""
    return add_chain(example_db, (("clara", "clerk"), ("rita", "reviewer"), ("alan", "approver")), ("review", "approve"))


def payroll_page(qtbot: QtBot, db: Database) -> PayrollPage:
    page = PayrollPage(db)
    page.confirm = lambda _t, _x: True  # type: ignore[method-assign,assignment]
    qtbot.addWidget(page)
    page.set_month(MONTH)
    page.resize(1400, 860)
    page.show()
    return page


def calculate(qtbot: QtBot, page: PayrollPage) -> None:
    with qtbot.waitSignal(page.data_changed, timeout=30000):
        assert page.calculate() is not None
    qtbot.waitUntil(lambda: page.op is None)


def act_as(page: PayrollPage, name: str) -> None:
    page.db.acting_user = name
    page.refresh()


def test_without_users_there_is_no_strip_and_the_lock_button_works_as_before(
    qtbot: QtBot, example_db: Database
) -> None:
    page = payroll_page(qtbot, example_db)
    calculate(qtbot, page)
    assert page.signoffs.isHidden()
    assert page.lock_button.isEnabled()


def test_the_chain_on_the_payroll_page(qtbot: QtBot, branch: Database) -> None:
    page = payroll_page(qtbot, branch)
    act_as(page, "clara")
    assert page.signoffs.isVisible()
    assert page.calculate_button.isEnabled()
    assert not page.lock_button.isEnabled() and "签批" in page.lock_button.toolTip()
    assert not page.signoffs.buttons["review"].isEnabled()
    assert "审核（reviewer）" in page.signoffs.buttons["review"].toolTip()
    assert page.signoffs.buttons["check"].isHidden()  # the branch does not use 复核
    calculate(qtbot, page)

    act_as(page, "rita")
    assert not page.calculate_button.isEnabled() and "核算（clerk）" in page.calculate_button.toolTip()
    review = page.signoffs.buttons["review"]
    assert review.isEnabled()
    page.signoffs.ask_comment = lambda _title: "A002 checked"  # type: ignore[method-assign,assignment]
    qtbot.mouseClick(review, Qt.MouseButton.LeftButton)
    assert "已审核" in page.signoffs.summary.text() and "rita" in page.signoffs.summary.text()
    assert "A002 checked" in page.signoffs.summary.text()
    assert not review.isEnabled()

    act_as(page, "alan")
    assert page.signoffs.buttons["approve"].isEnabled()
    page.signoffs.ask_reason = lambda _title: "A001's leave is missing"  # type: ignore[method-assign,assignment]
    qtbot.mouseClick(page.signoffs.reject_button, Qt.MouseButton.LeftButton)
    assert page.signoffs.rejection.isVisible()
    assert "A001's leave is missing" in page.signoffs.rejection.text()
    assert not page.signoffs.buttons["approve"].isEnabled()  # back to calculated: the review comes first

    act_as(page, "rita")
    page.signoffs.ask_comment = lambda _title: ""  # type: ignore[method-assign,assignment]
    qtbot.mouseClick(page.signoffs.buttons["review"], Qt.MouseButton.LeftButton)
    act_as(page, "alan")
    page.signoffs.ask_comment = lambda _title: "pay it"  # type: ignore[method-assign,assignment]
    qtbot.mouseClick(page.signoffs.buttons["approve"], Qt.MouseButton.LeftButton)
    assert page.state is not None and page.state.status == "locked"
    assert page.unlock_button.isEnabled()  # alan is the approver
    act_as(page, "clara")
    assert not page.unlock_button.isEnabled() and "签批（approver）" in page.unlock_button.toolTip()


def test_the_sign_in_dialog_counts_wrong_passwords_and_remembers_only_the_name(
    qtbot: QtBot, branch: Database
) -> None:
    dialog = SignInDialog(None, ["alan", "boss", "clara", "rita"], sign_in_verifier(branch))
    qtbot.addWidget(dialog)
    dialog.name.setCurrentText("rita")
    dialog.password.setText("wrong")
    dialog.try_sign_in()
    assert dialog.signed_in is None and "用户名或密码不正确" in dialog.error.text()
    assert dialog.password.text() == ""
    dialog.password.setText(PW)
    dialog.try_sign_in()
    assert dialog.signed_in == "rita" and last_user() == "rita"
    again = SignInDialog(None, ["alan", "boss", "clara", "rita"], sign_in_verifier(branch))
    qtbot.addWidget(again)
    assert again.name.currentText() == "rita" and again.password.text() == ""


class SignInOnly:
    def __init__(self, answers: list[tuple[str, str]]) -> None:
        self.answers = answers
        self.problems: list[str] = []

    def sign_in(self, names: list[str], verify: object) -> str | None:
        assert callable(verify)
        for name, password in self.answers:
            problem = verify(name, password)
            if problem is None:
                return name
            self.problems.append(problem)
        return None


def test_start_signs_in_and_the_window_shows_the_user(qtbot: QtBot, branch: Database) -> None:
    branch.acting_user = None
    prompter = SignInOnly([("rita", "nope"), ("RITA", PW)])
    assert check_sign_in(branch, prompter)  # type: ignore[arg-type]
    assert branch.acting_user == "rita" and len(prompter.problems) == 1
    window = MainWindow(branch, month=MONTH)
    qtbot.addWidget(window)
    assert window.user_label.text() == "用户：rita"
    branch.acting_user = None
    assert not check_sign_in(branch, SignInOnly([]))  # type: ignore[arg-type]


def test_users_are_managed_in_settings_and_only_by_the_admin(qtbot: QtBot, example_db: Database) -> None:
    panel = UsersPanel(example_db)
    qtbot.addWidget(panel)
    assert "尚未设置用户" in panel.state.text()
    dialog = panel.open_add()
    assert dialog.role_boxes["admin"].isChecked() and not dialog.role_boxes["admin"].isEnabled()
    dialog.name.setText("boss")
    dialog.password.setText(PW)
    dialog.repeat.setText(PW + "x")
    dialog.try_save()
    assert "不一致" in dialog.error.text()
    dialog.repeat.setText(PW)
    dialog.role_boxes["clerk"].setChecked(True)
    dialog.try_save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert example_db.acting_user == "boss"  # the one who set up users works on as the admin
    assert [u.name for u in panel.users] == ["boss"]

    second = panel.open_add()
    second.name.setText("rita")
    second.password.setText("short")
    second.repeat.setText("short")
    second.role_boxes["reviewer"].setChecked(True)
    second.try_save()
    assert "至少 8 个字符" in second.error.text()
    second.password.setText(PW)
    second.repeat.setText(PW)
    second.try_save()
    assert [u.name for u in panel.users] == ["boss", "rita"]

    panel.step_boxes["review"].setChecked(True)
    assert panel.apply_chain()
    with example_db.session_scope() as s:
        assert signoff.enabled_steps(s) == ("review", "approve")

    example_db.acting_user = "rita"
    panel.refresh()
    for b in (panel.add_button, panel.chain_button):
        assert not b.isEnabled() and "管理员（admin）" in b.toolTip()


def test_the_audit_log_viewer_filters_and_exports(qtbot: QtBot, branch: Database, tmp_path: Path) -> None:
    branch.acting_user = "clara"
    from app.services.payroll import calculate_month

    with branch.session_scope(write=True) as s:
        calculate_month(s, MONTH)
    branch.acting_user = "rita"
    with branch.session_scope(write=True) as s:
        signoff.sign(s, MONTH, "review", "fine")
    dialog = AuditDialog(branch, MONTH)
    qtbot.addWidget(dialog)
    everything = len(dialog.entries)
    assert everything >= 2
    dialog.user.setCurrentIndex(dialog.user.findData("rita"))
    assert [e.action for e in dialog.entries] == ["signoff.review"]
    item = dialog.table.item(0, 1)
    assert dialog.table.rowCount() == 1 and item is not None and item.text() == "rita"
    dialog.user.setCurrentIndex(0)
    dialog.kind.setCurrentIndex(dialog.kind.findData("payroll"))
    assert {e.action for e in dialog.entries} == {"payroll.calculate"}
    out = tmp_path / "audit.xlsx"
    dialog.ask_save_file = lambda _suggested: out  # type: ignore[method-assign,assignment]
    assert dialog.export() == out
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[1][0] == "时间" and [r[2] for r in rows[2:]] == ["payroll.calculate"]


def test_pages_disable_what_the_users_roles_do_not_allow(qtbot: QtBot, branch: Database) -> None:
    branch.acting_user = "rita"  # a reviewer: no records, no plan, no settings
    window = MainWindow(branch, month=MONTH)
    qtbot.addWidget(window)
    agents = window.pages["agents"]
    assert isinstance(agents, AgentsPage)
    add = agents.add_button
    assert not add.isEnabled() and "核算（clerk）" in add.toolTip()
    add.setEnabled(True)  # what a page does when the selection changes: the gate keeps it off
    assert not add.isEnabled()
    plan = window.pages["plan"]
    assert isinstance(plan, PlanPage)
    plan_save = plan.save_button
    assert not plan_save.isEnabled() and "管理员（admin）" in plan_save.toolTip()
    rewards = window.pages["rewards"]
    assert isinstance(rewards, RewardsPage)
    for button in rewards.import_buttons.values():
        assert not button.isEnabled()
    settings = window.pages["settings"]
    assert isinstance(settings, SettingsPage)
    assert not settings.override_add.isEnabled() and "核算（clerk）" in settings.override_add.toolTip()

    branch.acting_user = "clara"  # signs in again as the clerk
    window.update_user_label()
    assert window.user_label.text() == "用户：clara"
    assert add.isEnabled() and "clerk" not in add.toolTip()


def test_the_status_bar_says_how_far_the_signoff_got(qtbot: QtBot, branch: Database) -> None:
    from app.services.payroll import calculate_month

    branch.acting_user = "clara"
    with branch.session_scope(write=True) as s:
        calculate_month(s, MONTH)
    branch.acting_user = "rita"
    with branch.session_scope(write=True) as s:
        signoff.sign(s, MONTH, "review")
    window = MainWindow(branch, month=MONTH)
    qtbot.addWidget(window)
    assert window.month_status_label.text() == f"{MONTH}：已审核（未锁定）"


def test_the_strip_asks_why_when_appeals_are_pending(qtbot: QtBot, branch: Database) -> None:
    from sqlalchemy import select

    from app.services.appeals import AppealInput, file_appeal
    from db.models import QAEvaluation

    page = payroll_page(qtbot, branch)
    act_as(page, "clara")
    calculate(qtbot, page)
    with branch.session_scope(write=True) as s:
        ev = s.scalars(select(QAEvaluation).order_by(QAEvaluation.date)).first()
        assert ev is not None
        file_appeal(s, AppealInput("qa", "A001", ev.date, ev.date, "不认可", record_id=ev.id))
    act_as(page, "rita")
    asked: list[int] = []
    page.signoffs.ask_comment = lambda _title: ""  # type: ignore[method-assign,assignment]
    page.signoffs.ask_pending_reason = lambda _m, n: asked.append(n)  # type: ignore[method-assign,assignment,func-returns-value]
    qtbot.mouseClick(page.signoffs.buttons["review"], Qt.MouseButton.LeftButton)
    assert asked == [1] and page.signoffs.state is not None and page.signoffs.state.status == "calculated"
    page.signoffs.ask_pending_reason = lambda _m, _n: "decided later"  # type: ignore[method-assign,assignment]
    qtbot.mouseClick(page.signoffs.buttons["review"], Qt.MouseButton.LeftButton)
    assert page.signoffs.state is not None and page.signoffs.state.status == "reviewed"
