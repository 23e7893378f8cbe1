"""Printing a PDF (a payslip) through the system print dialog.

The payslips are PDFs made by reportlab; to print one, Qt's PDF module (QtPdf, the
PySide6-Pdf package) renders each page to an image at the printer's resolution and paints
it onto a ``QPrinter`` chosen in the system print dialog (the Windows dialog on Windows).
The page size is preset to the PDF's own (A4 or A5) with no extra margins, so the printout
matches the preview; the user can change printer, copies and paper in the dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRect, QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from app.i18n import tr

PRINT_DPI = 300  # sharp text on paper; an A4 page image is then 2480 × 3508 pixels


class PrintError(Exception):
    """The PDF could not be printed; ``str()`` is a sentence for the user."""


def load_pdf(path: Path, document: QPdfDocument | None = None) -> QPdfDocument:
    """``path`` read into memory and opened with QtPdf, or :class:`PrintError` saying why not.

    From memory, not from the file: a preview left open must not hold the file (Windows would
    then refuse to replace it when the payslips are written again), and what is printed from a
    preview is what it shows.
    """
    document = document if document is not None else QPdfDocument()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PrintError(
            tr(
                f"无法打开 PDF 文件 {path}：{exc.strerror or exc}。请重新生成工资条后再试。",
                f"Cannot open the PDF file {path}: {exc.strerror or exc}. Write the payslip again and retry.",
            )
        ) from exc
    buffer = QBuffer(document)  # lives as long as the document that reads it
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    error = document.error()
    if error != QPdfDocument.Error.None_ or document.pageCount() < 1:
        raise PrintError(
            tr(
                f"无法读取 PDF 文件 {path.name}（{error.name}）。请重新生成工资条后再试。",
                f"Cannot read the PDF file {path.name} ({error.name}). Write the payslip again and retry.",
            )
        )
    return document


def make_printer(document: QPdfDocument, title: str) -> QPrinter:
    """A printer preset to the document's page size, portrait or landscape, no margins."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setResolution(PRINT_DPI)
    printer.setDocName(title)
    size = document.pagePointSize(0)
    orientation = QPageLayout.Orientation.Portrait
    if size.width() > size.height():
        orientation = QPageLayout.Orientation.Landscape
        size.transpose()
    printer.setPageLayout(
        QPageLayout(QPageSize(size, QPageSize.Unit.Point), orientation, QMarginsF(0, 0, 0, 0))
    )
    return printer


def pages_to_print(count: int, printer: QPrinter) -> list[int]:
    """The page indexes (0-based) to paint, in order, as the print dialog left them on ``printer``.

    A page range ("pages 7 to 7" of the combined payslips: one agent's) limits the pages; "last
    page first" reverses them; copies are repeated here when the printer cannot make them itself
    (collated: 1 2 3 1 2 3, otherwise 1 1 2 2 3 3).
    """
    first, last = 1, count
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(1, printer.fromPage())
        last = min(count, printer.toPage() or count)
    pages = list(range(first - 1, last))
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        pages.reverse()
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    if copies > 1:
        pages = pages * copies if printer.collateCopies() else [p for p in pages for _ in range(copies)]
    return pages


def render_to_printer(document: QPdfDocument, printer: QPrinter) -> int:
    """Paint the chosen pages of ``document`` onto ``printer``, each fitted to the page.

    The pages are those the print dialog set on the printer (:func:`pages_to_print`); returns
    how many pages were printed.
    """
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(
            tr(
                "打印机无法开始打印。请检查打印机是否连接、是否有纸，然后再试。",
                "The printer could not start. Check that it is connected and has paper, then retry.",
            )
        )
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    try:
        pages = pages_to_print(document.pageCount(), printer)
        for n, i in enumerate(pages):
            if n and not printer.newPage():
                raise PrintError(tr("打印机在换页时出错。", "The printer failed to start a new page."))
            area = painter.viewport()
            point_size = document.pagePointSize(i)
            scale = min(area.width() / point_size.width(), area.height() / point_size.height())
            width, height = round(point_size.width() * scale), round(point_size.height() * scale)
            # A Windows printer driver may insist on 600 or 1200 dpi (an A4 image of 0.5 GB at
            # 1200): the page is rendered at no more than PRINT_DPI and scaled up by the painter.
            dpi = painter.device().logicalDpiX()
            factor = min(1.0, PRINT_DPI / dpi) if dpi > 0 else 1.0
            image = document.render(i, QSize(max(1, round(width * factor)), max(1, round(height * factor))))
            left = area.x() + (area.width() - width) // 2
            top = area.y() + (area.height() - height) // 2
            painter.drawImage(QRect(left, top, width, height), image)
        return len(pages)
    finally:
        painter.end()


def print_pdf(parent: QWidget | None, path: Path, printer: QPrinter | None = None) -> bool:
    """Show the system print dialog for ``path`` and print it; False when the user cancels.

    ``printer`` is preset in the dialog (default: :func:`make_printer`, the system's default
    printer at the PDF's page size). Raises :class:`PrintError` (a sentence for the user)
    when the file cannot be read or the printer fails.
    """
    document = load_pdf(path)
    if printer is None:
        printer = make_printer(document, path.stem)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(tr(f"打印 {path.name}", f"Print {path.name}"))
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, True)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
    dialog.setMinMax(1, document.pageCount())  # "pages from … to …" within the file
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    render_to_printer(document, printer)
    return True
