from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.plan.toml_io import default_plan_text, load_plan
from app.services.plans import list_versions, plan_for_month
from db.models import MonthStatus, PlanVersion
from db.session import Database
from ui.models.plan_tables import Column, PlanRowsModel, PlanVersionsModel, cell_value
from ui.pages.plan_page import PlanPage
from ui.widgets.plan_editor import INDICATOR_COLUMNS
from ui.widgets.plan_save_dialog import PlanSaveDialog

pytestmark = pytest.mark.gui


def make_page(qtbot: QtBot, db: Database, month: str = "2026-10") -> PlanPage:
    page = PlanPage(db)
    qtbot.addWidget(page)
    page.set_month(month)
    page.resize(1200, 800)
    page.show()
    return page


@pytest.fixture
def page(qtbot: QtBot, plan_db: Database) -> PlanPage:
    return make_page(qtbot, plan_db)


def set_cell(page: PlanPage, table: str, row: int, key: str, text: str) -> None:
    model = page.editor.tables[table].model
    index = model.index(row, model.column_of(key))
    assert model.setData(index, text, Qt.ItemDataRole.EditRole)


def retype(qtbot: QtBot, page: PlanPage, path: str, text: str) -> None:
    edit = page.editor.fields[path]
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def freeze(db: Database, effective_from: str, locked: tuple[str, ...]) -> None:
    with db.session_scope() as session:
        version = session.scalar(select(PlanVersion).where(PlanVersion.effective_from == effective_from))
        assert version is not None
        version.frozen = True
        for month in locked:
            session.add(MonthStatus(month=month, status="locked", plan_version_id=version.id))


def test_models_pass_the_model_tester(qtmodeltester: ModelTester, plan_db: Database) -> None:
    rows = PlanRowsModel(INDICATOR_COLUMNS)
    rows.set_items(
        [
            {"code": "qa", "name": "质检", "weight": Decimal("0.3"), "target": 85, "step": 1, "source": "qa"},
            {"code": "x", "weight": 1, "target": 1, "step": 1, "max_up": 10},
        ]
    )
    rows.add_row()
    rows.set_problems({(0, "weight"): "must be greater than 0"})
    qtmodeltester.check(rows, force_py=True)
    versions = PlanVersionsModel()
    with plan_db.session_scope() as session:
        versions.set_versions(list_versions(session), "2026-01")
    qtmodeltester.check(versions, force_py=True)


def test_cells_become_exact_numbers_never_floats() -> None:
    assert cell_value("0.045") == Decimal("0.045") and isinstance(cell_value("0.045"), Decimal)
    assert cell_value("50000") == 50000 and isinstance(cell_value("50000"), int)
    assert cell_value(" 1.0 ") == Decimal("1.0")
    assert cell_value("5%") == "5%"  # a rate key accepts it; the validator decides
    assert cell_value("abc") == "abc"
    assert cell_value("abc", "text") == "abc"
    model = PlanRowsModel((Column("a", "甲", "A"), Column("b", "乙", "B", optional=True)))
    model.set_items([{"a": Decimal("0.1")}])
    assert model.items() == [{"a": Decimal("0.1")}]  # an empty optional cell is left out


def test_shows_the_plan_in_force_for_the_month(page: PlanPage) -> None:
    assert page.title.text() == "客服提成方案 2026"
    assert "2026-01" in page.subtitle.text() and "2026-10" in page.subtitle.text()
    assert page.badge.isHidden()
    assert page.versions_model.rowCount() == 1
    assert page.editor.fields["pay.days_per_month"].text() == "21.75"
    assert page.editor.fields["leave_pay_ratio.sick"].text() == "60%"  # rates read as percentages
    assert page.editor.combos["commission.mode"].currentData() == "marginal"
    tiers = page.editor.tables["commission.tiers"].model
    assert [tiers.cell(r, "rate") for r in range(tiers.rowCount())] == ["2%", "3%", "4.5%"]
    assert page.editor.tables["kpi.indicators"].model.rowCount() == 4
    assert page.editor.breakers["personal"].isChecked() and not page.editor.breakers["annual"].isChecked()
    assert page.problems == []
    assert page.save_button.isEnabled()
    assert not page.revert_button.isEnabled()
    assert "没有问题" in page.problems_summary.text()


def test_negative_tier_rate_is_a_problem_and_disables_save(qtbot: QtBot, page: PlanPage) -> None:
    set_cell(page, "commission.tiers", 1, "rate", "-0.03")
    assert any(p.startswith("commission.tiers[1].rate:") for p in page.problems)
    assert not page.save_button.isEnabled()
    assert page.dirty and page.revert_button.isEnabled()
    shown = page.problem_texts()
    assert any(
        "commission.tiers[1].rate" in text and "提成阶梯 › 第 2 行 › 提成比例" in text for text in shown
    )
    model = page.editor.tables["commission.tiers"].model
    bad = model.index(1, model.column_of("rate"))
    assert model.data(bad, Qt.ItemDataRole.BackgroundRole) is not None
    assert "不能为负数" in model.data(bad, Qt.ItemDataRole.ToolTipRole)

    retype(qtbot, page, "pay.days_per_month", "abc")  # a typed field is checked as well
    assert any(p.startswith("pay.days_per_month:") for p in page.problems)
    assert page.editor.fields["pay.days_per_month"].styleSheet() != ""

    page.editor.focus_path("commission.tiers[1].rate")
    assert page.editor.currentIndex() == 2
    assert page.editor.tables["commission.tiers"].view.currentIndex() == bad

    set_cell(page, "commission.tiers", 1, "rate", "3%")
    retype(qtbot, page, "pay.days_per_month", "21.75")
    assert page.problems == []
    assert page.save_button.isEnabled()
    assert page.editor.fields["pay.days_per_month"].styleSheet() == ""
    assert model.data(bad, Qt.ItemDataRole.BackgroundRole) is None


def test_table_level_and_builder_problems(page: PlanPage) -> None:
    bands = page.editor.tables["quality.bands"]
    zero_row = next(r for r in range(bands.model.rowCount()) if bands.model.cell(r, "min") == "0")
    bands.model.removeRows(zero_row, 1)
    assert any(p.startswith("quality.bands:") for p in page.problems)
    assert not bands.error.isHidden() and "min = 0" in bands.error.text()
    levels = page.editor.tables["commission.level_bonus_rate"]
    row = levels.add_row()
    set_cell(page, "commission.level_bonus_rate", row, "level", "VIP")
    assert any(p.startswith(f"commission.level_bonus_rate[{row}].level:") for p in page.problems)
    assert not page.save_button.isEnabled()


def test_save_a_valid_edit_as_a_later_version(qtbot: QtBot, page: PlanPage, plan_db: Database) -> None:
    set_cell(page, "commission.tiers", 1, "rate", "3.5%")  # typed as a percentage, stored exactly
    dialog = page.save_as_new_version()
    assert isinstance(dialog, PlanSaveDialog)
    assert dialog.effective_from.text() == "2026-10"  # the selected month by default
    assert dialog.name.text() == "客服提成方案 2026"
    dialog.effective_from.setText("2026-11")
    dialog.name.setText("2026 年 11 月起方案")
    with qtbot.waitSignal(page.data_changed) as signal:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["plan"]
    assert not dialog.isVisible()
    assert [v.effective_from for v in page.versions_model.versions()] == ["2026-01", "2026-11"]
    assert page.shown is not None and page.shown.effective_from == "2026-11"
    assert not page.dirty
    assert "2026-11" in page.status.text()
    with plan_db.session_scope() as session:
        _, november = plan_for_month(session, "2026-11")
        _, october = plan_for_month(session, "2026-10")
    assert november.commission.tiers[1].rate == Decimal("0.035")
    assert november.name == "2026 年 11 月起方案"
    assert october.commission.tiers[1].rate == Decimal("0.03")

    page.select_version("2026-01")  # the versions list shows the older one again
    assert page.shown is not None and page.shown.effective_from == "2026-01"
    assert page.editor.tables["commission.tiers"].model.cell(1, "rate") == "3%"
    assert not page.editor.read_only


def test_unsaved_edits_are_not_dropped_without_asking(
    qtbot: QtBot, page: PlanPage, plan_db: Database
) -> None:
    with plan_db.session_scope() as session:
        from app.services.plans import save_plan

        save_plan(session, default_plan_text().replace('"2026-01"', '"2026-06"'))
    page.refresh()
    assert page.shown is not None and page.shown.effective_from == "2026-06"
    set_cell(page, "commission.tiers", 0, "rate", "0.025")
    page.select_version("2026-01")
    box = page.message
    assert isinstance(box, QMessageBox) and box.isVisible()
    keep = next(b for b in box.buttons() if b.text() == "继续编辑")
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert page.shown.effective_from == "2026-06" and page.dirty
    assert page.versions_table.selectionModel().selectedRows()[0].row() == 1

    page.select_version("2026-01")
    box = page.message
    assert isinstance(box, QMessageBox)
    discard = next(b for b in box.buttons() if b.text() == "放弃修改")
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    assert page.shown is not None and page.shown.effective_from == "2026-01" and not page.dirty


def test_frozen_version_is_read_only_and_copied_to_a_later_month(qtbot: QtBot, plan_db: Database) -> None:
    freeze(plan_db, "2026-01", ("2026-03", "2026-04"))
    page = make_page(qtbot, plan_db)
    assert not page.badge.isHidden()
    assert "已冻结" in page.badge.text() and "2026-03、2026-04" in page.badge.text()
    assert page.editor.read_only
    assert page.editor.fields["pay.days_per_month"].isReadOnly()
    assert not page.editor.combos["commission.mode"].isEnabled()
    assert (
        not page.editor.tables["commission.tiers"].model.flags(
            page.editor.tables["commission.tiers"].model.index(0, 0)
        )
        & Qt.ItemFlag.ItemIsEditable
    )
    assert page.editor.tables["commission.tiers"].add_button.isHidden()
    assert page.save_button.isHidden() and not page.copy_button.isHidden()
    assert page.versions_model.data(page.versions_model.index(0, 3)) == "2026-03 至 2026-04"

    page.copy_button.click()
    assert not page.editor.read_only and page.dirty
    assert page.editor.text("effective_from") == "2026-10"
    assert "正在编辑副本" in page.badge.text()
    set_cell(page, "commission.tiers", 2, "rate", "0.05")
    assert page.save_button.isEnabled()

    dialog = page.save_as_new_version()
    assert dialog is not None and dialog.effective_from.text() == "2026-10"
    dialog.effective_from.setText("2026-01")  # the frozen month itself: the service refuses
    assert "不能替换" in dialog.hint.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "不能修改" in dialog.error.text()
    dialog.effective_from.setText("2026-02")  # before the latest locked month: refused too
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "2026-04 已锁定" in dialog.error.text()

    dialog.effective_from.setText("2026-05")
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert page.shown is not None and page.shown.effective_from == "2026-05"
    assert not page.editor.read_only and page.badge.isHidden()
    with plan_db.session_scope() as session:
        _, plan = plan_for_month(session, "2026-05")
        frozen_version, frozen = plan_for_month(session, "2026-04")
        assert frozen_version.effective_from == "2026-01"
    assert plan.commission.tiers[2].rate == Decimal("0.05")
    assert frozen.commission.tiers[2].rate == Decimal("0.045")


def test_import_of_a_bad_file_lists_its_problems(qtbot: QtBot, page: PlanPage, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    text = default_plan_text().replace('effective_from = "2026-01"', 'effective_from = "2026-12"')
    text = text.replace("{ from = 0, rate = 0.02 }", "{ from = 0, rate = -0.02 }")
    assert text.count("rate = -0.02") == 1
    bad.write_text(text + "\n[extra]\nfoo = 1\n", encoding="utf-8")
    page.ask_open_file = lambda: bad  # type: ignore[method-assign]
    assert page.import_file() is None
    box = page.message
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "bad.toml" in box.text() and "没有导入" in box.text()
    assert "commission.tiers[0].rate" in box.informativeText()
    assert "extra" in box.informativeText()
    assert page.versions_model.rowCount() == 1
    box.close()

    broken = tmp_path / "broken.toml"
    broken.write_text("name = [", encoding="utf-8")
    page.ask_open_file = lambda: broken  # type: ignore[method-assign]
    assert page.import_file() is None
    assert "不是有效的 TOML" in page.message.informativeText()  # type: ignore[union-attr]


def test_import_a_good_file_and_export_it(qtbot: QtBot, page: PlanPage, tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(default_plan_text().replace('"2026-01"', '"2026-09"'), encoding="utf-8")
    page.ask_open_file = lambda: good  # type: ignore[method-assign]
    with qtbot.waitSignal(page.data_changed):
        assert page.import_file() == "2026-09"
    assert page.versions_model.rowCount() == 2
    assert page.shown is not None and page.shown.effective_from == "2026-09"
    assert "2026-09" in page.subtitle.text()

    target = tmp_path / "out"
    page.ask_save_file = lambda suggested: target  # type: ignore[method-assign]
    written = page.export_file()
    assert written == tmp_path / "out.toml"
    plan = load_plan(written.read_text(encoding="utf-8"))
    assert plan.effective_from == "2026-09"
    assert plan.commission.tiers[2].rate == Decimal("0.045")


def test_without_any_plan_the_default_can_be_saved(qtbot: QtBot, empty_db: Database) -> None:
    page = make_page(qtbot, empty_db, "2026-10")
    assert page.shown is None
    assert "没有适用的方案版本" in page.subtitle.text()
    assert page.editor.text("effective_from") == "2026-10"
    assert not page.export_button.isEnabled()
    dialog = page.save_as_new_version()
    assert dialog is not None and dialog.effective_from.text() == "2026-10"
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert page.shown is not None and page.shown.effective_from == "2026-10"
    assert page.in_force == "2026-10"


def test_month_change_follows_the_version_in_force(qtbot: QtBot, page: PlanPage, plan_db: Database) -> None:
    with plan_db.session_scope() as session:
        from app.services.plans import save_plan

        save_plan(
            session, default_plan_text().replace('"2026-01"', '"2026-11"').replace('name = "', 'name = "新')
        )
    page.set_month("2026-11")
    assert page.shown is not None and page.shown.effective_from == "2026-11"
    page.set_month("2026-10")
    assert page.shown is not None and page.shown.effective_from == "2026-01"
    # Unsaved edits survive a month change.
    set_cell(page, "commission.tiers", 0, "rate", "0.021")
    page.set_month("2026-12")
    assert page.dirty and page.shown.effective_from == "2026-01"
    assert "2026-12 适用的是 2026-11 版本" in page.subtitle.text()


def test_english_labels(qtbot: QtBot, plan_db: Database) -> None:
    from app.i18n import set_language

    set_language("en")
    page = make_page(qtbot, plan_db)
    assert page.save_button.text() == "Save as new version…"
    assert page.editor.tabText(2) == "Commission"
    assert "In force from 2026-01" in page.subtitle.text()


def test_rates_round_trip_exactly_as_percentages() -> None:
    from ui.models.plan_tables import percent_text

    for rate in ("0.045", "0.0333333", "1", "0", "0.125", "0.00005"):
        shown = percent_text(Decimal(rate))
        assert shown.endswith("%")
        assert Decimal(shown[:-1]) / 100 == Decimal(rate), (rate, shown)
    assert percent_text(Decimal("0.045")) == "4.5%" and percent_text("abc") == "abc"


def test_english_tab_titles_keep_their_ampersand(qtbot: QtBot) -> None:
    from app.i18n import set_language
    from ui.widgets.plan_editor import PlanEditor

    set_language("en")
    editor = PlanEditor()
    qtbot.addWidget(editor)
    titles = [editor.tabText(i).replace("&&", "&") for i in range(editor.count())]
    assert "Complaints & awards" in titles
    assert all("&" not in editor.tabText(i).replace("&&", "") for i in range(editor.count()))
