"""What the user sees when something goes wrong: a short message, never a traceback.

The traceback goes to ``branchpay.log`` next to the database, where support can read it.
"""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import APP_NAME
from app.i18n import language, tr
from app.services.db_errors import describe as describe_db_error
from app.services.errors import ServiceError
from db.files import make_folder, owner_only

LOG_FILENAME = "branchpay.log"
log = logging.getLogger("branchpay.ui")

_log_path: Path | None = None


class OwnerOnlyFileHandler(RotatingFileHandler):
    """The log names agents and files: each log file (the rotated ones too) is readable by its owner only."""

    def _open(self):  # type: ignore[no-untyped-def]  # the base class leaves it untyped
        stream = super()._open()
        owner_only(self.baseFilename)
        return stream
_showing = False


def configure_logging(folder: Path) -> Path:
    """Send log records (warnings and up, plus unexpected errors) to ``folder/branchpay.log``."""
    global _log_path
    make_folder(folder)
    path = folder / LOG_FILENAME
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path.resolve():
            break
    else:
        handler = OwnerOnlyFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    _log_path = path
    return path


def unexpected_text() -> str:
    """The one short sentence shown for an error nobody planned for."""
    where = str(_log_path) if _log_path else LOG_FILENAME
    return tr(
        f"出现了意外错误，操作没有完成。详细信息已记录在 {where}，请把该文件发给技术支持。",
        f"An unexpected error occurred and the action was not completed. Details were written to {where}; "
        "please send that file to support.",
    )


def error_text(exc: BaseException) -> str:
    """A refusal from a service explains itself; anything else gets the short generic text."""
    if isinstance(exc, ServiceError):
        return exc.text(language())
    problem = describe_db_error(exc)
    if problem is not None:
        return problem.text(language())
    return unexpected_text()


def show_message(
    parent: QWidget | None,
    text: str,
    *,
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
    title: str | None = None,
) -> QMessageBox:
    """Open a message box without blocking (``open()``, not ``exec()``) so tests and timers keep running."""
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title or APP_NAME)
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    if not isinstance(exc, ServiceError):
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    return show_message(parent, error_text(exc), icon=QMessageBox.Icon.Critical)


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    global _showing
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    log.error("unhandled exception:\n%s", "".join(traceback.format_exception(kind, value, tb)))
    if _showing or QApplication.instance() is None:
        return
    _showing = True
    try:
        parent = QApplication.activeWindow()
        text = error_text(value) if isinstance(value, ServiceError) else unexpected_text()
        QMessageBox.critical(parent, APP_NAME, text)
    except Exception:  # noqa: BLE001 - the hook itself must never raise
        log.exception("could not show the error message")
    finally:
        _showing = False


def install_excepthook() -> None:
    """Route uncaught exceptions (including those raised in Qt slots) to the log and a short message."""
    sys.excepthook = _excepthook
