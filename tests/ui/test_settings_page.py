"""设置 Settings: saved values come back, bad input is refused as typed, calendar exceptions are written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QUrl
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services.security import verify_password
from app.services.settings import all_settings, get_setting
from db.models import AuditLog, CalendarOverride
from db.session import Database
from ui.pages.settings_page import SettingsPage, parse_minimum_wage

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot: QtBot, db: Database) -> SettingsPage:
    widget = SettingsPage(db)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _cell(page: SettingsPage, row: int, column: int) -> str:
    item = page.calendar_table.item(row, column)
    assert item is not None
    return item.text()


def _settings(db: Database) -> dict[str, str]:
    with db.session_scope() as s:
        return all_settings(s)


def test_saves_and_reloads_values(qtbot: QtBot, db: Database, page: SettingsPage) -> None:
    assert not page.save_button.isEnabled()  # nothing changed yet
    page.branch_name.setText("南山客服中心")
    page.language.setCurrentIndex(page.language.findData("en"))
    page.payslip_size.setCurrentIndex(page.payslip_size.findData("A4"))
    page.minimum_wage.setText("2360")
    page.backup_every_days.setValue(3)
    page.backup_keep.setValue(20)
    page.idle_minutes.setValue(5)
    assert page.save_button.isEnabled()
    with qtbot.waitSignal(page.language_changed) as blocker:
        assert page.save()
    assert blocker.args == ["en"]
    saved = _settings(db)
    assert saved["branch_name"] == "南山客服中心"
    assert saved["language"] == "en"
    assert saved["payslip_size"] == "A4"
    assert saved["minimum_wage"] == "2360.00"
    assert (saved["backup_every_days"], saved["backup_keep"], saved["idle_lock_minutes"]) == ("3", "20", "5")
    with db.session_scope() as s:
        actions = s.scalars(select(AuditLog.entity_key).where(AuditLog.action == "setting.change")).all()
    assert {"branch_name", "minimum_wage", "backup_keep"} <= set(actions)

    again = SettingsPage(db)
    qtbot.addWidget(again)
    assert again.branch_name.text() == "南山客服中心"
    assert again.language.currentData() == "en"
    assert again.payslip_size.currentData() == "A4"
    assert again.minimum_wage.text() == "2360.00"
    assert again.backup_keep.value() == 20
    assert not again.is_dirty()


def test_branch_code_is_saved_for_the_region_workbook(qtbot: QtBot, db: Database, page: SettingsPage) -> None:
    """网点代码 tells branches apart in head office's region workbook (docs/formats.md section 6)."""
    assert page.branch_code.text() == ""
    page.branch_code.setText("  SZ01 ")
    assert page.save_button.isEnabled()
    assert page.save()
    with db.session_scope() as s:
        assert get_setting(s, "branch_code") == "SZ01"
        from app.services.region import branch_of

        assert branch_of(s).label == "SZ01 客户服务中心"
    again = SettingsPage(db)
    qtbot.addWidget(again)
    assert again.branch_code.text() == "SZ01"
    assert not again.is_dirty()


@pytest.mark.parametrize("typed", ["abc", "-1", "12.345", "", "NaN"])
def test_refuses_a_bad_minimum_wage(db: Database, page: SettingsPage, typed: str) -> None:
    before = _settings(db)["minimum_wage"]
    page.minimum_wage.setText(typed)
    assert page.minimum_wage_error.isVisibleTo(page)
    assert page.minimum_wage_error.text()
    assert not page.save_button.isEnabled()
    assert not page.save()
    assert _settings(db)["minimum_wage"] == before
    page.minimum_wage.setText("0")
    assert not page.minimum_wage_error.isVisibleTo(page)
    assert page.save_button.isEnabled()


def test_parse_minimum_wage() -> None:
    assert parse_minimum_wage("2,200.5")[0] is not None
    assert str(parse_minimum_wage("2200.5")[0]) == "2200.50"
    assert parse_minimum_wage("-0.01")[0] is None


def test_empty_branch_name_is_refused(page: SettingsPage) -> None:
    page.branch_name.setText("  ")
    assert page.branch_name_error.isVisibleTo(page)
    assert not page.save()


def test_unsaved_edits_survive_a_refresh_and_can_be_undone(page: SettingsPage) -> None:
    page.branch_name.setText("未保存")
    page.refresh()
    assert page.branch_name.text() == "未保存"
    page.revert_button.click()
    assert page.branch_name.text() == "客户服务中心"


def test_calendar_override_add_and_remove_write_rows(qtbot: QtBot, db: Database, page: SettingsPage) -> None:
    with qtbot.waitSignal(page.data_changed):
        assert page.add_override(date(2025, 5, 10), True, "调休上班")
    assert page.add_override(date(2025, 6, 3), False, "网点年会")
    with db.session_scope() as s:
        rows = {r.date: (r.workday, r.note) for r in s.scalars(select(CalendarOverride))}
        audited = s.scalars(select(AuditLog.entity_key).where(AuditLog.action == "calendar.override")).all()
    assert rows == {date(2025, 5, 10): (True, "调休上班"), date(2025, 6, 3): (False, "网点年会")}
    assert set(audited) == {"2025-05-10", "2025-06-03"}
    assert page.calendar_table.rowCount() == 2
    assert _cell(page, 0, 0) == "2025-06-03"  # newest first
    assert _cell(page, 0, 1) == "休息"

    page.calendar_table.selectRow(1)
    page.override_remove.click()
    with db.session_scope() as s:
        assert [r.date for r in s.scalars(select(CalendarOverride))] == [date(2025, 6, 3)]
    assert page.calendar_table.rowCount() == 1


def test_calendar_override_through_the_form(db: Database, page: SettingsPage) -> None:
    page.override_date.setDate(QDate(2025, 10, 11))
    page.override_kind.setCurrentIndex(page.override_kind.findData(False))
    page.override_note.setText("停电")
    page.override_add.click()
    with db.session_scope() as s:
        row = s.get(CalendarOverride, date(2025, 10, 11))
        assert row is not None and (row.workday, row.note) == (False, "停电")
    assert page.override_note.text() == ""


def test_logo_is_previewed_and_copied_into_the_data_folder(
    db: Database, page: SettingsPage, tmp_path: Path
) -> None:
    image = QImage(40, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("navy"))
    source = tmp_path / "elsewhere" / "logo.png"
    source.parent.mkdir()
    assert image.save(str(source))
    page.ask_image_file = lambda: source  # type: ignore[method-assign]
    page.choose_logo()
    assert not page.logo_preview.pixmap().isNull()
    assert page.save()
    stored = Path(_settings(db)["branch_logo"])
    assert stored.parent == db.path.parent / "branding" and stored.exists()
    source.unlink()
    page.refresh()
    assert not page.logo_preview.pixmap().isNull()  # still shown: the copy is ours
    page.logo_clear.click()
    assert page.save()
    assert _settings(db)["branch_logo"] == ""


def test_font_file_and_automatic(db: Database, page: SettingsPage, tmp_path: Path) -> None:
    font = tmp_path / "simsun.ttf"
    font.write_bytes(b"\0")
    page.ask_font_file = lambda: font  # type: ignore[method-assign]
    page.choose_font()
    assert page.save()
    assert _settings(db)["payslip_font"] == str(font)
    page.font_auto.click()
    assert page.font_label.text() == ""
    assert page.save()
    assert _settings(db)["payslip_font"] == ""


def test_open_folders(db: Database, page: SettingsPage) -> None:
    opened: list[QUrl] = []

    def record(url: QUrl) -> bool:
        opened.append(url)
        return True

    page.open_url = record  # type: ignore[method-assign]
    page.open_data_button.click()
    page.open_backups_button.click()
    assert [Path(u.toLocalFile()) for u in opened] == [db.path.parent, db.path.parent / "backups"]
    assert str(db.path) in page.db_path_label.text()


def test_password_set_change_remove(db: Database, page: SettingsPage) -> None:
    assert page.password_status.text() == "未设置"
    assert not page.password_remove.isEnabled()
    assert page.change_password("", "abcd") == ""
    with db.session_scope() as s:
        stored = get_setting(s, "app_password_hash")
        audit = s.scalars(select(AuditLog).where(AuditLog.entity_key == "app_password_hash")).one()
    assert verify_password("abcd", stored)
    assert stored not in audit.after and audit.after == "***"  # the hash never goes to the audit log
    assert page.password_status.text() == "已设置"
    assert page.change_password("wrong", "efgh") == "当前密码不正确。"
    assert page.change_password("abcd", "efgh") == ""
    assert page.remove_password("abcd") == "密码不正确。"
    assert page.remove_password("efgh") == ""
    with db.session_scope() as s:
        assert get_setting(s, "app_password_hash") == ""


def test_password_dialog_validates_as_typed(qtbot: QtBot, db: Database, page: SettingsPage) -> None:
    dialog = page.open_password_dialog()
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    dialog.new.setText("ab")
    assert not ok.isEnabled() and "至少" in dialog.error.text()
    dialog.new.setText("abcd")
    dialog.repeat.setText("abce")
    assert not ok.isEnabled() and "不一致" in dialog.error.text()
    dialog.repeat.setText("abcd")
    assert ok.isEnabled()
    ok.click()
    assert page.has_password()


def test_two_a5_per_a4_sheet_is_a_paper_choice(qtbot: QtBot, db: Database, page: SettingsPage) -> None:
    index = page.payslip_size.findData("A5X2")
    assert index >= 0 and "A5" in page.payslip_size.itemText(index)
    page.payslip_size.setCurrentIndex(index)
    assert page.save_button.isEnabled()
    assert page.save()
    assert _settings(db)["payslip_size"] == "A5X2"
    again = SettingsPage(db)
    qtbot.addWidget(again)
    assert again.payslip_size.currentData() == "A5X2"
    assert not again.is_dirty()


def test_a_window_started_with_another_language_says_so_beside_the_saved_setting(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.i18n import language, set_language
    from ui import translations

    assert _settings(db)["language"] == "zh"
    before = language()
    monkeypatch.setattr(translations, "_command_line_language", None)  # restored after the test
    translations.set_command_line_language("en")  # what start() records for --lang en
    set_language("en")
    try:
        page = SettingsPage(db)
        qtbot.addWidget(page)
        page.show()
        assert page.language.currentData() == "zh"  # the combo shows the saved setting
        note = page.language_override_note
        assert note.isVisible()
        assert note.text() == (
            "本窗口以英文显示（启动参数 --lang en）/ This window is in English (started with --lang en)"
        )
        page.branch_name.setText("南山")  # saving other settings keeps the saved language
        assert page.save()
        assert _settings(db)["language"] == "zh" and note.isVisible()
        page.language.setCurrentIndex(page.language.findData("en"))  # saved = shown: nothing to explain
        assert page.save()
        assert _settings(db)["language"] == "en" and not note.isVisible()
    finally:
        set_language(before)


def test_no_language_note_without_a_command_line_language(
    qtbot: QtBot, db: Database, page: SettingsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import translations

    monkeypatch.setattr(translations, "_command_line_language", None)
    page.load()
    assert not page.language_override_note.isVisible() and page.language_override_note.text() == ""
