"""帮助 → 使用指南 opens the shipped guide in the window's language; dialogs fit a small screen."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.i18n import set_language
from db.session import Database
from ui.dialogs.guide_dialog import GuideDialog, guide_text
from ui.dialogs.pdf_preview import PdfPreviewDialog
from ui.main_window import MainWindow
from ui.screen import SCREEN_SHARE


def test_the_guide_is_shipped_in_both_languages_and_covers_the_month() -> None:
    zh, en = guide_text("zh"), guide_text("en")
    for text, words in ((zh, ("锁定", "工资条", "备份", "程序密码")), (en, ("Lock", "Payslips", "backup", "app password"))):
        for word in words:
            assert word in text, word


def test_the_help_menu_opens_the_guide(qtbot: QtBot, db: Database) -> None:
    window = MainWindow(db)
    qtbot.addWidget(window)
    dialog = window.show_guide()
    qtbot.addWidget(dialog)
    assert "BranchPay" in dialog.browser.toPlainText() and "锁定" in dialog.browser.toPlainText()
    dialog.close()
    set_language("en")
    english = GuideDialog(window)
    qtbot.addWidget(english)
    assert "user guide" in english.browser.toPlainText().lower()


def test_the_payslip_preview_fits_the_available_screen(qtbot: QtBot, tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    pdf = tmp_path / "slip.pdf"
    canvas = Canvas(str(pdf))
    canvas.drawString(72, 720, "payslip")
    canvas.save()
    preview = PdfPreviewDialog(pdf)
    qtbot.addWidget(preview)
    screen = preview.screen()
    assert screen is not None
    area = screen.availableGeometry()  # 800×600 on the offscreen platform: smaller than 760×900
    assert preview.height() == min(900, int(area.height() * SCREEN_SHARE))
    assert preview.width() <= area.width() and preview.height() <= area.height()
