"""质检 page: the evaluation form, appeals from the list, the monthly summary, scorecards, locked months."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QTableWidgetItem
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.i18n import set_language
from app.services.payroll import calculate_month, lock_month
from app.services.quality import (
    ScorecardView,
    add_evaluation,
    list_evaluations,
    list_scorecards,
    month_summary,
)
from app.services.setup import initialise
from db.models import QAEvaluation, QAItemScore, Scorecard
from db.session import Database
from ui.dialogs.evaluation_dialog import EvaluationDialog, OverturnDialog
from ui.dialogs.scorecard_dialog import COL_MAX, ScorecardDialog
from ui.models.quality_models import (
    EvaluationsModel,
    EvaluationsProxy,
    ScorecardItemsModel,
    ScorecardsModel,
    SummaryModel,
    TypedSortProxy,
)
from ui.pages.quality_page import TAB_SUMMARY, QualityPage

from .loading import loaded
from .typing_helpers import type_text

pytestmark = pytest.mark.gui

MONTH = "2026-03"
EV_COL = {key: i for i, key in enumerate(EvaluationsModel.keys())}
SUM_COL = {key: i for i, key in enumerate(SummaryModel.keys())}


@pytest.fixture
def qa_db(db: Database) -> Database:
    """The four agents of the GUI fixtures plus the default plan and the seed scorecards."""
    with db.session_scope() as session:
        initialise(session)
    return db


def cards(db: Database) -> dict[str, ScorecardView]:
    with db.session_scope() as session:
        return {c.code: c for c in list_scorecards(session)}


def seed(db: Database) -> list[int]:
    """Three evaluations of 张三 (A001) in March: 90 (items), 95.5 and 87 (totals)."""
    hf = cards(db)["HF"]
    points = {i.id: i.max_points for i in hf.items}
    points[hf.items[0].id] = Decimal(0)
    points[hf.items[1].id] = Decimal(0)
    with db.session_scope() as session:
        ids = [
            add_evaluation(
                session, "A001", date(2026, 3, 3), hf.id, points, None, False, "王敏", "通话 0303"
            ).id,
            add_evaluation(session, "A001", date(2026, 3, 9), hf.id, None, Decimal("95.5"), False, "周杰").id,
            add_evaluation(session, "A001", date(2026, 3, 17), None, None, Decimal(87)).id,
        ]
    return ids


@pytest.fixture
def page(qtbot: QtBot, qa_db: Database) -> QualityPage:
    widget = QualityPage(qa_db)
    qtbot.addWidget(widget)
    widget.set_month(MONTH)
    loaded(widget)
    widget.resize(1200, 800)
    widget.show()
    return loaded(widget)


def shown(page: QualityPage, column: str) -> list[str]:
    loaded(page)
    return [page.proxy.data(page.proxy.index(r, EV_COL[column])) for r in range(page.proxy.rowCount())]


def summary_cell(page: QualityPage, code: str, column: str) -> str:
    model = loaded(page).summary_model
    value = model.data(model.index(model.row_of(code), SUM_COL[column]))
    assert isinstance(value, str)
    return value


def item_edit(dialog: EvaluationDialog, position: int) -> QLineEdit:
    item = next(i for i in dialog._items if i.position == position)
    return dialog.item_edits[item.id]


def card_code(dialog: EvaluationDialog) -> str | None:
    card = dialog.current_card()
    return card.code if card else None


def cell(dialog: ScorecardDialog, row: int) -> QTableWidgetItem:
    item = dialog.table.item(row, COL_MAX)
    assert item is not None
    return item


def retype(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def test_models_pass_the_model_tester(qtmodeltester: ModelTester, qa_db: Database) -> None:
    seed(qa_db)
    with qa_db.session_scope() as session:
        evaluations = list_evaluations(session, MONTH)
        summary = month_summary(session, MONTH)
        scorecards = list_scorecards(session)
    model = EvaluationsModel()
    model.set_evaluations(evaluations)
    qtmodeltester.check(model, force_py=True)
    proxy = EvaluationsProxy()
    proxy.setSourceModel(model)
    proxy.set_search("a00")
    proxy.set_scorecard("HF")
    proxy.sort(EV_COL["score"], Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy, force_py=True)
    summary_model = SummaryModel()
    summary_model.set_rows(summary)
    qtmodeltester.check(summary_model, force_py=True)
    summary_proxy = TypedSortProxy()
    summary_proxy.setSourceModel(summary_model)
    summary_proxy.sort(SUM_COL["average"], Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(summary_proxy, force_py=True)
    cards_model = ScorecardsModel()
    cards_model.set_cards(scorecards)
    qtmodeltester.check(cards_model, force_py=True)
    items = ScorecardItemsModel()
    items.set_items(scorecards[0].items)
    qtmodeltester.check(items, force_py=True)


def test_list_filters_sort_and_totals(qtbot: QtBot, page: QualityPage) -> None:
    seed(page.db)
    page.refresh()
    loaded(page)
    assert shown(page, "date") == ["2026-03-03", "2026-03-09", "2026-03-17"]
    assert shown(page, "scorecard") == ["电话回访岗", "电话回访岗", "（无）"]
    assert page.totals.text() == "共 3 条：有效 3，已撤销 0，致命差错 0"
    page.table.sortByColumn(EV_COL["score"], Qt.SortOrder.DescendingOrder)
    assert shown(page, "score") == ["95.5", "90", "87"]  # numbers, not text
    page.scorecard_filter.setCurrentIndex(page.scorecard_filter.findData("HF"))
    assert shown(page, "score") == ["95.5", "90"]
    assert page.totals.text().startswith("筛选出 2 / 3 条；")
    page.scorecard_filter.setCurrentIndex(0)
    type_text(qtbot, page.search, "周杰")
    assert shown(page, "evaluator") == ["周杰"]


def summary_codes(page: QualityPage, column: str = "code") -> list[str]:
    proxy = page.summary_proxy
    return [proxy.data(proxy.index(r, SUM_COL[column])) for r in range(proxy.rowCount())]


def selected_score(page: QualityPage) -> Decimal | None:
    evaluation = page.selected_evaluation()
    return None if evaluation is None else evaluation.score


def test_sorting_is_the_models_own_and_survives_a_refresh(qtbot: QtBot, page: QualityPage) -> None:
    """A header click orders the model's rows (the proxy only filters): "no data" stays last both
    ways, the order is kept when the month is read again, and the selection follows its row."""
    seed(page.db)
    page.refresh()
    loaded(page)
    agents = page.summary_proxy.rowCount()
    assert agents >= 3
    rated_first = ["90.83"] + ["—"] * (agents - 1)
    page.summary_table.sortByColumn(SUM_COL["average"], Qt.SortOrder.AscendingOrder)
    assert summary_codes(page, "average") == rated_first
    page.summary_table.sortByColumn(SUM_COL["code"], Qt.SortOrder.DescendingOrder)
    descending = summary_codes(page)
    assert descending == sorted(descending, reverse=True) and len(descending) == agents
    page.summary_table.sortByColumn(SUM_COL["average"], Qt.SortOrder.DescendingOrder)
    assert summary_codes(page, "average") == rated_first
    assert page.summary_proxy.sortColumn() == -1  # no Python lessThan: the model sorted itself
    assert page.summary_proxy.source_sort_column() == SUM_COL["average"]

    page.table.sortByColumn(EV_COL["score"], Qt.SortOrder.AscendingOrder)
    assert shown(page, "score") == ["87", "90", "95.5"]
    page.table.selectRow(0)
    assert selected_score(page) == Decimal(87)
    page.table.sortByColumn(EV_COL["score"], Qt.SortOrder.DescendingOrder)
    assert shown(page, "score") == ["95.5", "90", "87"]
    selected = page.table.selectionModel().selectedRows()
    assert [i.row() for i in selected] == [2]  # the selection followed 87 to the bottom
    assert selected_score(page) == Decimal(87)

    page.refresh()  # read again: still by score, descending, 87 still selected
    loaded(page)
    assert shown(page, "score") == ["95.5", "90", "87"]
    assert selected_score(page) == Decimal(87)
    assert summary_codes(page, "average") == rated_first


def test_evaluation_form_sums_items_and_saves_them(qtbot: QtBot, page: QualityPage, qa_db: Database) -> None:
    dialog = page.new_evaluation()
    assert isinstance(dialog, EvaluationDialog) and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()  # no agent yet
    assert dialog.error.isHidden()  # not scolded before touching anything

    dialog.agent.setEditText("A00")  # typed text that is no agent (setEditText: no completer popup offscreen)
    assert not dialog.ok_button.isEnabled()
    assert dialog.error.text() == "请从列表中选择人员"
    assert dialog.select_agent("A001")
    assert card_code(dialog) == "HF"  # by the agent's role
    assert len(dialog.item_edits) == 20
    assert dialog.total.text() == "合计：100 / 100"  # every item starts at full marks

    dialog.date.setDate(dialog.date.date().fromString("2026-03-12", "yyyy-MM-dd"))
    retype(qtbot, item_edit(dialog, 1), "3")
    retype(qtbot, item_edit(dialog, 4), "4.5")
    assert dialog.total.text() == "合计：97.5 / 100"
    retype(qtbot, item_edit(dialog, 7), "6")  # max 5
    assert not dialog.ok_button.isEnabled()
    assert "第 7 项得分 6 超出 0–5" in dialog.error.text()
    retype(qtbot, item_edit(dialog, 7), "2.5")
    assert dialog.total.text() == "合计：95 / 100"
    assert dialog.ok_button.isEnabled() and dialog.error.isHidden()
    type_text(qtbot, dialog.evaluator, "王敏")
    dialog.note.setText("通话 0312-07")

    with qtbot.waitSignal(page.data_changed) as changed:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert changed.args == ["quality"]
    assert not dialog.isVisible()
    loaded(page)
    with qa_db.session_scope() as session:
        ev = session.scalars(select(QAEvaluation)).one()
        assert (ev.date, ev.score, ev.fatal, ev.status) == (date(2026, 3, 12), Decimal(95), False, "valid")
        assert (ev.evaluator, ev.note) == ("王敏", "通话 0312-07")
        points = session.scalars(select(QAItemScore).where(QAItemScore.evaluation_id == ev.id)).all()
        assert len(points) == 20 and sum((p.points for p in points), Decimal(0)) == Decimal(95)
        eval_id = ev.id
    assert shown(page, "score") == ["95"]
    selected = page.selected_evaluation()
    assert selected is not None and selected.id == eval_id


def test_fatal_flag_is_stored_and_counts_zero_in_the_summary(
    qtbot: QtBot, page: QualityPage, qa_db: Database
) -> None:
    dialog = page.new_evaluation()
    assert dialog is not None
    dialog.select_agent("A002")
    assert card_code(dialog) == "JT"
    dialog.date.setDate(dialog.date.date().fromString("2026-03-05", "yyyy-MM-dd"))
    assert "0 分" in dialog.fatal_note.text() and "200" in dialog.fatal_note.text()
    dialog.fatal.setChecked(True)
    assert "致命差错" in dialog.total.text()
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    loaded(page)
    with qa_db.session_scope() as session:
        ev = session.scalars(select(QAEvaluation)).one()
        assert ev.fatal and ev.score == Decimal(100)  # stored as entered
    assert shown(page, "fatal") == ["致命"]
    assert summary_cell(page, "A002", "average") == "0.00"
    assert summary_cell(page, "A002", "grade") == "E"
    assert summary_cell(page, "A002", "fatal") == "1"


def test_direct_score_and_employment_check(qtbot: QtBot, page: QualityPage, qa_db: Database) -> None:
    dialog = page.new_evaluation()
    assert dialog is not None
    dialog.select_agent("A001")
    dialog.by_item.setChecked(False)
    assert dialog.items_area.isHidden() and not dialog.score_row.isHidden()
    assert dialog.score.text() == "100"  # carried over from the items
    retype(qtbot, dialog.score, "88.5")
    assert dialog.total.text() == "得分：88.5 / 100"
    retype(qtbot, dialog.score, "101")
    assert not dialog.ok_button.isEnabled()
    retype(qtbot, dialog.score, "88.5")
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    loaded(page)
    with qa_db.session_scope() as session:
        ev = session.scalars(select(QAEvaluation)).one()
        assert ev.score == Decimal("88.5")
        assert session.scalars(select(QAItemScore)).all() == []

    # B002 left in 2025 and is not on March 2026's list at all.
    again = page.new_evaluation()
    assert again is not None and not again.select_agent("B002")
    again.reject()


def test_overturn_from_the_list_with_a_reason(qtbot: QtBot, page: QualityPage, qa_db: Database) -> None:
    ids = seed(qa_db)
    page.refresh()
    loaded(page)
    assert summary_cell(page, "A001", "average") == "90.83"
    assert page.select_evaluation(ids[0])
    assert page.overturn_button.isEnabled() and not page.reinstate_button.isEnabled()
    dialog = page.overturn_selected()
    assert isinstance(dialog, OverturnDialog)
    assert not dialog.ok_button.isEnabled()
    dialog.reason.setPlainText("   ")
    assert not dialog.ok_button.isEnabled()
    dialog.reason.setPlainText("申诉成立：录音不完整")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    loaded(page)
    with qa_db.session_scope() as session:
        ev = session.get(QAEvaluation, ids[0])
        assert ev is not None and ev.status == "overturned" and ev.overturn_reason == "申诉成立：录音不完整"
    row = page.model.row_of(ids[0])
    assert page.model.data(page.model.index(row, EV_COL["status"])) == "已撤销"
    tip = page.model.data(page.model.index(row, EV_COL["status"]), Qt.ItemDataRole.ToolTipRole)
    assert "录音不完整" in tip
    assert summary_cell(page, "A001", "average") == "91.25"
    assert summary_cell(page, "A001", "overturned") == "1"
    assert page.reinstate_button.isEnabled() and not page.overturn_button.isEnabled()

    with qtbot.waitSignal(page.data_changed):
        assert page.reinstate_selected()
    loaded(page)
    assert summary_cell(page, "A001", "average") == "90.83"


def test_summary_tab_shows_average_grade_and_coefficient(qtbot: QtBot, page: QualityPage) -> None:
    seed(page.db)
    page.refresh()
    loaded(page)
    page.tabs.setCurrentIndex(TAB_SUMMARY)
    assert summary_cell(page, "A001", "count") == "3"
    assert summary_cell(page, "A001", "average") == "90.83"
    assert summary_cell(page, "A001", "grade") == "A"
    assert summary_cell(page, "A001", "coefficient") == "1.1"
    assert summary_cell(page, "A002", "average") == "—"  # no evaluations: no data, coefficient 1
    assert summary_cell(page, "A002", "coefficient") == "1"
    assert "A ≥ 90" in page.rules.text()
    page.summary_table.sortByColumn(SUM_COL["average"], Qt.SortOrder.DescendingOrder)
    first = page.summary_proxy.index(0, SUM_COL["code"])
    assert page.summary_proxy.data(first) == "A001"
    page.show_agent_evaluations("A001")
    assert page.tabs.currentIndex() == 0 and page.search.text() == "A001"


def test_delete_asks_first(
    qtbot: QtBot, page: QualityPage, qa_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = seed(qa_db)
    page.refresh()
    loaded(page)
    page.select_evaluation(ids[1])
    monkeypatch.setattr(page, "ask_confirm", lambda _text: False)
    assert not page.delete_selected()
    monkeypatch.setattr(page, "ask_confirm", lambda _text: True)
    with qtbot.waitSignal(page.data_changed):
        assert page.delete_selected()
    loaded(page)
    with qa_db.session_scope() as session:
        assert session.get(QAEvaluation, ids[1]) is None
    assert page.model.rowCount() == 2


def test_locked_month_is_read_only_with_a_banner(qtbot: QtBot, page: QualityPage, qa_db: Database) -> None:
    ids = seed(qa_db)
    assert page.banner.isHidden()
    with qa_db.session_scope() as session:
        calculate_month(session, MONTH)
        lock_month(session, MONTH)
    page.refresh()
    loaded(page)
    assert page.banner.isVisible() and "已锁定" in page.banner.text()
    page.select_evaluation(ids[0])
    for button in (
        page.new_button,
        page.edit_button,
        page.delete_button,
        page.overturn_button,
        page.import_button,
    ):
        assert not button.isEnabled()
    assert page.new_evaluation() is None and page.overturn_selected() is None
    assert page.template_button.isEnabled()
    page.set_month("2026-04")
    loaded(page)
    assert page.banner.isHidden() and page.new_button.isEnabled()


def test_edit_keeps_items_and_status(qtbot: QtBot, page: QualityPage, qa_db: Database) -> None:
    ids = seed(qa_db)
    page.refresh()
    loaded(page)
    page.select_evaluation(ids[0])
    dialog = page.edit_selected()
    assert dialog is not None
    assert dialog.by_item.isChecked() and dialog.total.text() == "合计：90 / 100"
    assert item_edit(dialog, 1).text() == "0"
    retype(qtbot, item_edit(dialog, 1), "5")
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    loaded(page)
    with qa_db.session_scope() as session:
        ev = session.get(QAEvaluation, ids[0])
        assert ev is not None and ev.score == Decimal(95) and ev.note == "通话 0303"


def test_scorecard_edit_after_use_makes_a_new_version(
    qtbot: QtBot, page: QualityPage, qa_db: Database
) -> None:
    seed(qa_db)  # uses HF
    page.refresh()
    loaded(page)
    page.tabs.setCurrentIndex(2)
    assert page.select_card("HF")
    assert page.items_model.rowCount() == 20
    dialog = page.edit_scorecard()
    assert isinstance(dialog, ScorecardDialog)
    assert "第 2 版" in dialog.version_note.text()
    assert dialog.ok_button.isEnabled() and dialog.total.text().startswith("满分合计：100 / 100")

    cell(dialog, 0).setText("4")
    assert not dialog.ok_button.isEnabled()
    assert "合计为 99" in dialog.error.text() and dialog.total.text().startswith("满分合计：99 ")
    cell(dialog, 1).setText("6")
    assert dialog.ok_button.isEnabled()
    dialog.table.setCurrentCell(0, 0)
    dialog.move_item(1)
    assert cell(dialog, 1).text() == "4"

    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    loaded(page)
    assert page.message is not None and "第 2 版" in page.message.text()
    page.message.close()
    with qa_db.session_scope() as session:
        versions = session.scalars(
            select(Scorecard).where(Scorecard.code == "HF").order_by(Scorecard.version)
        ).all()
        assert [(v.version, v.active) for v in versions] == [(1, False), (2, True)]
        assert [i.max_points for i in versions[1].items[:2]] == [Decimal(6), Decimal(4)]
    current = page.current_card()
    assert current is not None and current.version == 2
    # Old evaluations still show the card they were scored on.
    assert shown(page, "scorecard")[:2] == ["电话回访岗", "电话回访岗"]


def test_english_labels(qtbot: QtBot, qa_db: Database) -> None:
    set_language("en")
    ids = seed(qa_db)
    widget = QualityPage(qa_db)
    qtbot.addWidget(widget)
    widget.set_month(MONTH)
    loaded(widget)
    assert [widget.tabs.tabText(i) for i in range(3)] == ["Evaluations", "Monthly summary", "Scorecards"]
    header = widget.model.headerData(EV_COL["score"], Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
    assert header == "Score"
    assert widget.totals.text() == "3 evaluations: 3 valid, 0 overturned, 0 fatal"
    assert "Grades: A ≥ 90" in widget.rules.text()
    assert widget.select_evaluation(ids[0])
    dialog = widget.edit_selected()
    assert dialog is not None and dialog.total.text() == "Total: 90 / 100"
    dialog.reject()


def test_the_page_reads_off_the_gui_thread_and_says_loading(qtbot: QtBot, qa_db: Database) -> None:
    seed(qa_db)
    page = QualityPage(qa_db)
    qtbot.addWidget(page)
    page.show()
    page.set_month(MONTH)
    assert page.loading and page.totals.text() == "加载中…"
    assert not page.new_button.isEnabled()  # whether the month is locked is not known yet
    loaded(page)
    assert page.model.rowCount() == 3 and page.totals.text().startswith("共 3 条")
    assert page.new_button.isEnabled()
    page.set_month("2026-04")  # March's evaluations go at once, never shown as April's
    assert page.loading and page.model.rowCount() == 0 and page.summary_model.rowCount() == 0
    assert loaded(page).model.rowCount() == 0
