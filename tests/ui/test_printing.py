"""Printing a PDF through the print dialog, onto a real QPrinter writing a PDF file.

Under the offscreen platform there is no physical printer, so the printer is pointed at a
file: the dialog is the real ``QPrintDialog`` (accepted or cancelled by a timer), the pages
are rendered by QtPdf and painted by QPainter exactly as for paper, and the printed file is
read back.
"""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import QSize, QTimer, QUrl
from PySide6.QtGui import QColor
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4, A5
from reportlab.pdfgen import canvas

from ui.dialogs.pdf_preview import PdfPreviewDialog
from ui.printing import PrintError, load_pdf, make_printer, pages_to_print, print_pdf, render_to_printer


def _pdf(path: Path, pages: int, size: tuple[float, float]) -> Path:
    c = canvas.Canvas(str(path), pagesize=size)
    for i in range(pages):
        c.setFont("Helvetica-Bold", 28)
        c.drawString(40, size[1] - 80, f"Payslip page {i + 1}")
        c.rect(40, 40, size[0] - 80, 60, fill=1)
        c.showPage()
    c.save()
    return path


def _file_printer(path: Path, out: Path) -> QPrinter:
    printer = make_printer(load_pdf(path), path.stem)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    return printer


def _dark_share(pdf: Path, page: int = 0) -> float:
    """The share of dark pixels on a page of ``pdf``, rendered small (0 for a blank page)."""
    doc = load_pdf(pdf)
    image = doc.render(page, QSize(100, 140))
    dark = sum(
        1
        for x in range(image.width())
        for y in range(image.height())
        if QColor(image.pixel(x, y)).value() < 100
    )
    return dark / (image.width() * image.height())


def _answer_dialog(accept: bool) -> list[str]:
    """Accept or cancel the next modal dialog; returns the titles of the dialogs answered."""
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.windowTitle())
        dialog.accept() if accept else dialog.reject()

    QTimer.singleShot(20, answer)
    return seen


def test_render_keeps_page_count_size_and_content(qtbot: QtBot, tmp_path: Path) -> None:
    source = _pdf(tmp_path / "slips.pdf", 3, A5)
    out = tmp_path / "printed.pdf"
    assert render_to_printer(load_pdf(source), _file_printer(source, out)) == 3
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 3
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (round(A5[0]), round(A5[1]))
    assert _dark_share(out, 2) > 0.02  # the bar and the text arrived, not a blank page
    assert abs(_dark_share(out, 0) - _dark_share(source, 0)) < 0.02  # same picture as the original


def test_landscape_pages_print_landscape(qtbot: QtBot, tmp_path: Path) -> None:
    source = _pdf(tmp_path / "wide.pdf", 1, (A4[1], A4[0]))
    out = tmp_path / "printed.pdf"
    render_to_printer(load_pdf(source), _file_printer(source, out))
    box = pypdf.PdfReader(out).pages[0].mediabox
    assert float(box.width) > float(box.height)


def test_print_dialog_ok_prints_and_cancel_does_not(qtbot: QtBot, tmp_path: Path) -> None:
    source = _pdf(tmp_path / "2026-10_A001_张三.pdf", 1, A5)
    out = tmp_path / "printed.pdf"
    seen = _answer_dialog(accept=False)
    assert print_pdf(None, source, _file_printer(source, out)) is False
    assert seen == ["打印 2026-10_A001_张三.pdf"] and not out.exists()
    seen = _answer_dialog(accept=True)
    assert print_pdf(None, source, _file_printer(source, out)) is True
    assert seen and len(pypdf.PdfReader(out).pages) == 1


def test_an_unreadable_file_is_refused_by_name(qtbot: QtBot, tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(PrintError) as err:
        print_pdf(None, bad)
    assert "broken.pdf" in str(err.value)
    with pytest.raises(PrintError):
        load_pdf(tmp_path / "missing.pdf")


def test_preview_shows_every_page_and_prints_through_the_given_printer(qtbot: QtBot, tmp_path: Path) -> None:
    source = _pdf(tmp_path / "all.pdf", 4, A4)
    printed: list[Path] = []
    opened: list[str] = []

    def printer(_parent: object, path: Path) -> bool:
        printed.append(path)
        return True

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return True

    dialog = PdfPreviewDialog(source, printer=printer, open_url=open_url)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.document.status() == QPdfDocument.Status.Ready and dialog.document.pageCount() == 4
    assert "4" in dialog.info.text()
    assert dialog.print_document() is True and printed == [source]
    assert dialog.open_externally() is True and opened == [str(source)]


def test_a_high_resolution_printer_gets_a_page_image_of_at_most_300_dpi(qtbot: QtBot, tmp_path: Path) -> None:
    """At 1200 dpi an A4 page image would take half a gigabyte; it is rendered at 300 and scaled."""
    source = _pdf(tmp_path / "a4.pdf", 1, A4)
    out = tmp_path / "printed.pdf"
    printer = _file_printer(source, out)
    printer.setResolution(1200)
    assert render_to_printer(load_pdf(source), printer) == 1
    reader = pypdf.PdfReader(out)
    (image,) = reader.pages[0].images
    assert image.image is not None and image.image.width <= round(A4[0] / 72 * 300) + 1
    assert _dark_share(out) > 0.02


def test_a_page_range_prints_only_those_pages(qtbot: QtBot, tmp_path: Path) -> None:
    """Page 2 of a combined file is one agent's payslip: only that page goes to the printer."""
    source = _pdf(tmp_path / "combined.pdf", 5, A5)
    out = tmp_path / "printed.pdf"
    printer = _file_printer(source, out)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert render_to_printer(load_pdf(source), printer) == 2
    assert len(pypdf.PdfReader(out).pages) == 2
    assert pages_to_print(5, printer) == [1, 2]
    printer.setFromTo(4, 99)  # beyond the end: up to the last page
    assert pages_to_print(5, printer) == [3, 4]
    printer.setPrintRange(QPrinter.PrintRange.AllPages)
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    assert pages_to_print(3, printer) == [2, 1, 0]


def test_copies_the_printer_cannot_make_are_repeated(qtbot: QtBot, tmp_path: Path) -> None:
    source = _pdf(tmp_path / "two.pdf", 2, A5)
    printer = _file_printer(source, tmp_path / "printed.pdf")
    printer.setCopyCount(2)
    assert not printer.supportsMultipleCopies()  # a PDF file cannot hold "2 copies": they are painted
    printer.setCollateCopies(True)
    assert pages_to_print(2, printer) == [0, 1, 0, 1]
    printer.setCollateCopies(False)
    assert pages_to_print(2, printer) == [0, 0, 1, 1]
    assert render_to_printer(load_pdf(source), printer) == 4
    assert len(pypdf.PdfReader(tmp_path / "printed.pdf").pages) == 4
