"""Editing a plan's schema-2 sections in the plan editor (docs/pay-rules.md §7–§9), with real widgets:
turn a schema-1 plan into format 2, enter product groups and indicator kinds, scopes, targets and
awards and [statutory], save through the save dialog, read the stored version back and compare it
with the expected plan and with what `plan export` writes."""

from __future__ import annotations

import difflib
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from app.cli import main as cli_main
from app.plan.model import CommissionGroup, Indicator, ScoreBand, Tier
from app.plan.toml_io import default_plan, dump_plan, load_plan, plan_from_dict
from app.resources import read_text
from app.services.plans import plan_for_month, save_plan
from app.services.setup import initialise
from db.session import Database
from tests.ui.test_plan_page import make_page
from ui.pages.plan_page import PlanPage
from ui.widgets.plan_v2_forms import RecordForm, RecordList

pytestmark = pytest.mark.gui

D = Decimal


def cell(model, row: int, key: str, text: str) -> None:  # type: ignore[no-untyped-def]
    if model.cell(row, key) == text:  # already so (a column's default)
        return
    assert model.setData(model.index(row, model.column_of(key)), text, Qt.ItemDataRole.EditRole)


def type_into(qtbot: QtBot, form: RecordForm, key: str, text: str) -> None:
    edit = form.widgets[key]
    assert isinstance(edit, QLineEdit) and edit.isVisibleTo(form), key
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def choose(form: RecordForm, key: str, value: str) -> None:
    combo = form.widgets[key]
    assert isinstance(combo, QComboBox)
    position = combo.findData(value)
    assert position >= 0, value
    combo.setCurrentIndex(position)
    combo.activated.emit(position)


def add_row(records: RecordList) -> int:
    row = records.table.add_row()
    assert records.current_row == row
    return row


def convert(page: PlanPage) -> None:
    assert page.convert_button.isVisible()
    box = page.ask_convert()
    assert "schema = 2" in box.informativeText() and "不变" in box.informativeText()
    accept = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    accept.click()
    assert page.editor.schema == 2
    assert not page.convert_button.isVisible()


def save(qtbot: QtBot, page: PlanPage, month: str) -> None:
    assert page.problems == [], page.problems
    dialog = page.save_as_new_version()
    assert dialog is not None
    dialog.effective_from.setText(month)
    with qtbot.waitSignal(page.data_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def stored(db: Database, month: str):  # type: ignore[no-untyped-def]
    with db.session_scope() as session:
        return plan_for_month(session, month)[1]


def exported(db: Database, month: str, tmp_path: Path) -> str:
    out = tmp_path / f"export-{month}.toml"
    assert cli_main(["--db", str(db.path), "plan", "export", "--month", month, "--out", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def assert_round_trip(db: Database, month: str, tmp_path: Path, expected, page: PlanPage | None = None) -> None:  # type: ignore[no-untyped-def]
    if page is not None:  # the saved version, re-loaded into the forms, gives the same plan back
        assert page.shown is not None and page.shown.effective_from == month and not page.dirty
        doc, problems = page.editor.document()
        assert problems == [] and page.problems == []
        assert plan_from_dict(doc) == expected
    plan = stored(db, month)
    got, want = dump_plan(plan), dump_plan(expected)
    assert plan == expected, "\n".join(difflib.unified_diff(want.splitlines(), got.splitlines(), lineterm=""))
    text = exported(db, month, tmp_path)
    assert load_plan(text) == expected
    assert dump_plan(load_plan(text)) == text  # the export is the plan as stored, unchanged


def test_converting_keeps_the_plan_and_saves_it_as_schema_2(
    qtbot: QtBot, plan_db: Database, tmp_path: Path
) -> None:
    page = make_page(qtbot, plan_db)
    assert page.editor.schema == 1
    assert not page.editor.isTabVisible(page.editor.v2.scopes_tab)
    convert(page)
    editor = page.editor
    assert page.dirty and page.problems == []
    for tab in (editor.v2.scopes_tab, editor.v2.targets_tab, editor.v2.statutory_tab):
        assert editor.isTabVisible(tab)
    assert [editor.v2.indicators.kind_of(r) for r in range(4)] == ["linear"] * 4
    page.revert()  # 放弃修改: back to the stored schema-1 plan
    assert editor.schema == 1 and not editor.isTabVisible(editor.v2.scopes_tab)
    assert page.convert_button.isVisible() and not page.dirty
    convert(page)
    save(qtbot, page, "2026-11")
    base = default_plan()
    expected = replace(
        base, schema=2, effective_from="2026-11",
        kpi=replace(base.kpi, indicators=tuple(replace(i, kind="linear") for i in base.kpi.indicators)),
    )
    assert_round_trip(plan_db, "2026-11", tmp_path, expected, page)
    assert page.editor.schema == 2  # the saved version is shown again, now in format 2


def test_product_groups_and_indicator_kinds_are_entered_in_forms(
    qtbot: QtBot, plan_db: Database, tmp_path: Path
) -> None:
    page = make_page(qtbot, plan_db)
    convert(page)
    editor = page.editor
    v2 = editor.v2
    # a group per product: L10 → life, with its own tier table
    products = editor.tables["products"].model
    assert not editor.tables["products"].view.isColumnHidden(products.column_of("group"))
    cell(products, 0, "group", "life")
    groups = v2.groups
    row = add_row(groups)
    cell(groups.model, row, "code", "life")
    cell(groups.model, row, "name", "寿险")
    cell(groups.model, row, "mode", "whole")
    tiers = groups.tiers.model
    cell(tiers, 0, "rate", "2.5%")
    groups.tiers.table.add_row()
    cell(tiers, 1, "from", "50000")
    cell(tiers, 1, "rate", "4%")
    # indicators: answer_rate gets asymmetric steps; satisfaction becomes bands; response_s relative;
    # a new count indicator of complaints by level, capped; a direct score
    ind = v2.indicators
    ind.select(0)
    type_into(qtbot, ind.detail, "step_down", "0.02")
    type_into(qtbot, ind.detail, "step_up", "0.05")
    ind.select(1)
    cell(ind.model, 1, "kind", "bands")
    assert not ind.detail.widgets["target"].isVisibleTo(ind.detail)  # a kind shows its own fields only
    bands = ind.bands.model
    assert bands.rowCount() == 0
    for min_, score in (("85", "100"), ("0", "90"), ("60", "95")):
        r = ind.bands.table.add_row()
        cell(bands, r, "min", min_)
        cell(bands, r, "score", score)
    ind.select(2)
    cell(ind.model, 2, "kind", "relative")
    row = add_row(ind)
    for key, text in (("code", "complaints"), ("name", "有效投诉"), ("weight", "0.1"), ("kind", "count")):
        cell(ind.model, row, key, text)
    choose(ind.detail, "source", "complaints")
    assert ind.levels.isVisibleTo(ind.detail) and not ind.detail.widgets["points"].isVisibleTo(ind.detail)
    for level, points in (("hotline", "-3"), ("city", "-5"), ("province", "-8")):
        ind.levels.edits[level].setText(points)
        ind.levels.edits[level].textEdited.emit(points)
    type_into(qtbot, ind.detail, "max_down", "30")
    row = add_row(ind)
    for key, text in (("code", "execution"), ("name", "执行力"), ("weight", "0.1"), ("kind", "score")):
        cell(ind.model, row, key, text)
    type_into(qtbot, ind.detail, "max_down", "20")
    ind.select(0)  # going back and forth keeps what was typed
    step_up = ind.detail.widgets["step_up"]
    assert isinstance(step_up, QLineEdit) and step_up.text() == "0.05"
    save(qtbot, page, "2026-11")

    base = default_plan()
    old = base.kpi.indicators
    expected = replace(
        base, schema=2, effective_from="2026-11",
        products=(replace(base.products[0], group="life"), base.products[1]),
        commission=replace(base.commission, groups=(
            CommissionGroup("life", "寿险", (Tier(D(0), D("0.025")), Tier(D(50000), D("0.04"))), "whole"),)),
        kpi=replace(base.kpi, indicators=(
            replace(old[0], kind="linear", step_down=D("0.02"), step_up=D("0.05")),
            Indicator("satisfaction", "客户满意度", D("0.3"), D(0), D(1), kind="bands",
                      bands=(ScoreBand(D(85), D(100)), ScoreBand(D(60), D(95)), ScoreBand(D(0), D(90)))),
            Indicator("response_s", "来电响应时间", D("0.1"), D(0), D(1), kind="relative"),
            replace(old[3], kind="linear"),
            Indicator("complaints", "有效投诉", D("0.1"), D(0), D(1), kind="count", source="complaints",
                      points_by_level={"hotline": D(-3), "city": D(-5), "province": D(-8)}, max_down=D(30)),
            Indicator("execution", "执行力", D("0.1"), D(0), D(1), kind="score", max_down=D(20)),
        )),
    )
    assert_round_trip(plan_db, "2026-11", tmp_path, expected, page)
    # re-loaded, the forms show what was saved
    editor = page.editor
    editor.v2.indicators.select(1)
    assert editor.v2.indicators.bands.model.rowCount() == 3
    assert editor.v2.groups.model.cell(0, "code") == "life"


def test_a_problem_in_a_kind_field_names_the_key_path_and_blocks_saving(qtbot: QtBot, plan_db: Database) -> None:
    page = make_page(qtbot, plan_db)
    convert(page)
    ind = page.editor.v2.indicators
    ind.select(1)
    cell(ind.model, 1, "kind", "bands")
    r = ind.bands.table.add_row()
    cell(ind.bands.model, r, "min", "85")
    cell(ind.bands.model, r, "score", "100")
    assert any(p.startswith("kpi.indicators[1].bands: ") and "min = 0" in p for p in page.problems)
    assert not page.save_button.isEnabled()
    assert any("绩效 › 考核指标 › 第 2 行" in t for t in page.problem_texts())
    assert "min = 0" in ind.detail_problem.text()  # next to the fields of that indicator
    assert ind.bands.table.error.text()
    r = ind.bands.table.add_row()
    cell(ind.bands.model, r, "min", "0")
    cell(ind.bands.model, r, "score", "90")
    assert page.problems == [] and page.save_button.isEnabled()


def test_money_fields_read_amounts_as_written(qtbot: QtBot, plan_db: Database) -> None:
    page = make_page(qtbot, plan_db)
    convert(page)
    v2 = page.editor.v2
    v2.team_enabled.click()
    type_into(qtbot, v2.team, "amount", "¥1,200")
    assert page.problems == []
    doc, _ = page.editor.document()
    assert doc["team_award"]["amount"] == 1200
    type_into(qtbot, v2.team, "amount", "12.345")
    assert any(p.startswith("team_award.amount: ") and "两位小数" in p for p in page.problems)
    assert "两位小数" in v2.team.widgets["amount"].toolTip()


def test_the_posts_plan_loads_into_the_forms_and_saves_unchanged(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    posts = read_text("plans/posts_schema2.toml")
    with db.session_scope() as session:
        initialise(session)
        save_plan(session, posts, source="posts_schema2.toml")
    page = make_page(qtbot, db)
    assert page.problems == []
    assert not page.convert_button.isVisible()
    scopes = page.editor.v2.scopes
    cell(scopes.model, 0, "name", "回访岗")  # an edit, to make it dirty
    save(qtbot, page, "2026-11")
    original = load_plan(posts)
    expected = replace(original, effective_from="2026-11",
                       scopes=(replace(original.scopes[0], name="回访岗"), *original.scopes[1:]))
    assert_round_trip(db, "2026-11", tmp_path, expected, page)


def test_a_frozen_schema_2_version_cannot_be_edited(qtbot: QtBot, db: Database) -> None:
    from tests.ui.test_plan_page import freeze

    with db.session_scope() as session:
        initialise(session)
        save_plan(session, read_text("plans/posts_schema2.toml"))
    freeze(db, "2026-01", ("2026-01",))
    page = make_page(qtbot, db, "2026-01")
    v2 = page.editor.v2
    assert v2.indicators.model.read_only and not v2.indicators.detail.isEnabled()
    assert v2.scopes.model.read_only
    assert not isinstance(v2.within_scope, QCheckBox) or not v2.within_scope.isEnabled()


def test_scopes_are_edited_with_their_own_tables_and_show_whom_they_match(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    from app.plan.model import Scope
    from ui.widgets.plan_v2_forms import IndicatorsEditor, ScopeDetail

    with db.session_scope() as session:
        initialise(session)
    page = make_page(qtbot, db)
    convert(page)
    scopes = page.editor.v2.scopes
    row = add_row(scopes)
    for key, text in (("code", "callback"), ("name", "电话回访岗"), ("roles", "电话回访岗")):
        cell(scopes.model, row, key, text)
    detail = scopes.detail
    assert isinstance(detail, ScopeDetail)
    assert detail.matches.text() == "当前匹配 1 人：A001 张三"  # B002 has the same role but has left
    cell(scopes.model, row, "agents", "a002，B001")  # codes in any case, Chinese comma
    assert detail.matches.text() == "当前匹配 3 人：A001 张三，A002 李四，B001 王五"
    cell(scopes.model, row, "agents", "")
    assert not detail.tabs.isVisible()
    detail.own["kpi"].click()  # starts from a copy of the top-level KPI table
    kpi = detail.forms["kpi"]
    indicators = kpi.nested["indicators"]
    assert isinstance(indicators, IndicatorsEditor) and indicators.model.rowCount() == 4
    cell(indicators.model, 0, "kind", "relative")
    type_into(qtbot, kpi, "bonus_per_point", "60")
    detail.own["quality"].click()
    type_into(qtbot, detail.forms["quality"], "no_data_coefficient", "0.9")
    assert page.problems == []
    save(qtbot, page, "2026-11")

    base = default_plan()
    linear = tuple(replace(i, kind="linear") for i in base.kpi.indicators)
    scope_kpi = replace(base.kpi, bonus_per_point=D(60), indicators=(
        Indicator("answer_rate", "电话人工接通率", D("0.3"), D(0), D(1), kind="relative"), *linear[1:]))
    expected = replace(
        base, schema=2, effective_from="2026-11", kpi=replace(base.kpi, indicators=linear),
        scopes=(Scope("callback", "电话回访岗", roles=("电话回访岗",), kpi=scope_kpi,
                      quality=replace(base.quality, no_data_coefficient=D("0.9"))),),
    )
    assert_round_trip(db, "2026-11", tmp_path, expected, page)
    scopes = page.editor.v2.scopes
    assert scopes.model.cell(0, "roles") == "电话回访岗"
    page.editor.v2.scopes.select(0)
    assert isinstance(scopes.detail, ScopeDetail) and scopes.detail.own["kpi"].isChecked()
    assert not scopes.detail.own["commission"].isChecked()


def test_a_scope_problem_is_shown_in_the_scope(qtbot: QtBot, plan_db: Database) -> None:
    page = make_page(qtbot, plan_db)
    convert(page)
    scopes = page.editor.v2.scopes
    row = add_row(scopes)
    cell(scopes.model, row, "code", "nobody")
    assert any(p.startswith("scopes[0]: ") for p in page.problems)
    assert scopes.model.problem(0, "code")
    cell(scopes.model, row, "teams", "一组")
    assert page.problems == []


def test_targets_awards_team_award_and_statutory_are_entered_in_forms(
    qtbot: QtBot, plan_db: Database, tmp_path: Path
) -> None:
    from app.plan.statutory import SIItem, StatutoryConfig
    from app.plan.targets import PayoutBand, PeriodAward, Target, TeamAward

    page = make_page(qtbot, plan_db)
    convert(page)
    v2 = page.editor.v2
    assert page.editor.isTabVisible(v2.targets_tab) and page.editor.isTabVisible(v2.statutory_tab)
    targets = v2.targets
    row = add_row(targets)
    for key, text in (("code", "q_premium"), ("name", "季度保费目标"), ("measure", "standard_premium"),
                      ("period", "quarter"), ("bonus", "1,000")):
        cell(targets.model, row, key, text)
    payout = targets.detail.nested["payout"]
    r = payout.table.add_row()
    cell(payout.model, r, "from", "120%")
    cell(payout.model, r, "rate", "120%")
    awards = v2.period_awards
    r = awards.table.add_row()
    for key, text in (("code", "q_top"), ("name", "季度优胜"), ("period", "quarter"), ("top_share", "10%"),
                      ("amount", "800")):
        cell(awards.model, r, key, text)
    v2.team_enabled.click()
    type_into(qtbot, v2.team, "amount", "500")
    st = v2.statutory
    st.enabled.click()
    for code, name, rate, fixed in (("pension", "养老保险", "8%", "0"), ("medical", "医疗保险", "2%", "3")):
        r = st.items.table.add_row()
        for key, text in (("code", code), ("name", name), ("rate", rate), ("fixed", fixed)):
            cell(st.items.model, r, key, text)
    type_into(qtbot, st.form, "housing_fund_rate", "7%")
    type_into(qtbot, st.form, "si_base_floor", "22311")
    type_into(qtbot, st.form, "si_base_ceiling", "4462")
    assert any(p.startswith("statutory.si_base_ceiling: ") for p in page.problems)
    assert st.form.widgets["si_base_ceiling"].styleSheet()  # shaded next to the field
    assert any("代扣代缴" in t for t in page.problem_texts())
    type_into(qtbot, st.form, "si_base_floor", "4462")
    type_into(qtbot, st.form, "si_base_ceiling", "22311")
    choose(st.form, "hf_rounding", "yuan")
    st.own_table.click()  # starts from the statutory table
    assert st.brackets.model.rowCount() == 7
    save(qtbot, page, "2026-11")

    base = default_plan()
    expected = replace(
        base, schema=2, effective_from="2026-11",
        kpi=replace(base.kpi, indicators=tuple(replace(i, kind="linear") for i in base.kpi.indicators)),
        targets=(Target("q_premium", "季度保费目标", "standard_premium", "quarter", D(1000),
                        (PayoutBand(D(1), D(1)), PayoutBand(D("1.2"), D("1.2")))),),
        period_awards=(PeriodAward("q_top", "季度优胜", "quarter", D("0.1"), D(800)),),
        team_award=TeamAward(D(500)),
        statutory=StatutoryConfig(
            social_insurance=(SIItem("pension", "养老保险", D("0.08")), SIItem("medical", "医疗保险", D("0.02"), D(3))),
            si_base_floor=D(4462), si_base_ceiling=D(22311), housing_fund_rate=D("0.07"), hf_rounding="yuan"),
    )
    assert_round_trip(plan_db, "2026-11", tmp_path, expected, page)
    v2 = page.editor.v2
    assert v2.statutory.enabled.isChecked() and v2.team_enabled.isChecked()
    assert v2.targets.model.cell(0, "bonus") == "1000"


def test_an_unknown_target_measure_is_named_on_its_cell(qtbot: QtBot, plan_db: Database) -> None:
    page = make_page(qtbot, plan_db)
    convert(page)
    targets = page.editor.v2.targets
    row = add_row(targets)
    for key, text in (("code", "t"), ("measure", "calls"), ("period", "month")):
        cell(targets.model, row, key, text)
    assert any(p.startswith("targets[0].measure: ") for p in page.problems)
    assert "calls" in targets.model.problem(0, "measure")
    assert page.editor.focus_path("targets[0].measure")
    assert page.editor.currentIndex() == page.editor.v2.targets_tab
    cell(targets.model, row, "measure", "answer_rate")
    assert page.problems == []


def test_removing_rows_keeps_each_remaining_row_with_its_own_settings(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    posts = read_text("plans/posts_schema2.toml")
    with db.session_scope() as session:
        initialise(session)
        save_plan(session, posts)
    page = make_page(qtbot, db)
    scopes = page.editor.v2.scopes
    scopes.select(0)
    scopes.table.remove_selected()  # 电话回访岗 goes; 电话接听岗 and 电话咨诉岗 keep their own tables
    assert scopes.model.rowCount() == 2
    scopes.select(0)
    detail = scopes.detail
    kpi = detail.forms["kpi"]  # type: ignore[attr-defined]
    indicators = kpi.nested["indicators"]
    assert indicators.model.cell(0, "code") == "answer_rate"
    indicators.select(3)  # calls (relative)
    indicators.table.remove_selected()
    indicators.select(3)  # now absence (count of absence records, -5 each)
    assert indicators.kind_of(3) == "count"
    assert indicators.detail.widgets["points"].text() == "-5"
    save(qtbot, page, "2026-11")
    original = load_plan(posts)
    answer = original.scopes[1]
    assert answer.kpi is not None
    expected = replace(original, effective_from="2026-11", scopes=(
        replace(answer, kpi=replace(answer.kpi, indicators=tuple(
            i for i in answer.kpi.indicators if i.code != "calls"))),
        original.scopes[2],
    ))
    assert_round_trip(db, "2026-11", tmp_path, expected, page)


def test_the_format_2_forms_speak_english(qtbot: QtBot, plan_db: Database) -> None:
    from app.i18n import set_language

    set_language("en")
    page = make_page(qtbot, plan_db)
    box = page.ask_convert()
    assert "schema = 2" in box.informativeText() and "pay comes out the same" in box.informativeText()
    page.convert_to_schema2()
    editor = page.editor
    assert editor.tabText(editor.v2.targets_tab) == "Targets && awards"  # shown as “Targets & awards”
    ind = editor.v2.indicators
    assert ind.model.data(ind.model.index(0, ind.model.column_of("kind"))) == "Linear (points per step)"
    ind.select(0)
    cell(ind.model, 0, "weight", "0")
    assert any(p.startswith("kpi.indicators[0].weight: must be greater than 0") for p in page.problems)
    assert any("KPI › Indicators › row 1" in t for t in page.problem_texts())
