"""Start the BranchPay window: ``python main.py [--db PATH] [--lang zh|en]``.

Also the GUI-script entry point ``main:main``; importing this module does nothing by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

log = logging.getLogger("branchpay")

#: When set, the window prints ``ready <seconds>`` once it is shown and painted, then quits:
#: how ``benchmarks/bench_window.py`` times a cold start the way the user waits for it.
READY_ENV = "BRANCHPAY_READY_EXIT"
_STARTED = time.perf_counter()


def _db_argument(text: str) -> Path | str:
    """``--db``: a SQLite file, or a server database URL kept as text (db/server.py)."""
    from db.server import is_server_url

    return text if is_server_url(text) else Path(text)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    from app import APP_NAME, __version__
    from app.calendar import is_month
    from app.i18n import LANGUAGES
    from db.session import default_db_path

    parser = argparse.ArgumentParser(prog="branchpay-gui", description=APP_NAME)
    parser.add_argument("--db", type=_db_argument, default=None,
                        help=f"database file (default: the one used last, else {default_db_path()}), "
                             "or a server database: postgresql+psycopg://user@host/dbname")
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="language of the window (zh or en; default: the saved setting)",
    )
    from ui.pages import AREAS  # the window loads them anyway

    pages = [area.key for area in AREAS]
    parser.add_argument(
        "--page", default=None, choices=pages, metavar="PAGE", help=f"area to show first: {', '.join(pages)}"
    )
    parser.add_argument("--month", default=None, help="month to open on, YYYY-MM (default: the previous month)")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.month is not None and not is_month(args.month):
        parser.error(f"--month: not a month (YYYY-MM): {args.month!r}")
    if args.db is None:
        from ui.preferences import remembered_database

        # The database chosen last in this window (文件 → 打开/新建), else the standard one.
        args.db = remembered_database() or default_db_path()
    args.version_text = f"{APP_NAME} {__version__}"
    return args


def build_window(db_path: Path, *, month: str | None = None) -> MainWindow:
    """Open (and migrate) the database and build the main window; a QApplication must exist."""
    from db.session import Database
    from ui.main_window import MainWindow

    return MainWindow(Database(db_path), month=month)


def _set_icon(app: QApplication) -> None:
    from PySide6.QtGui import QIcon

    from app.resources import resource_path

    icon = resource_path("icons/branchpay.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))


def _report_ready_and_quit(app: QApplication) -> None:
    from PySide6.QtCore import QTimer

    def ready() -> None:
        app.processEvents()  # the first paint of the shown window
        if sys.stdout is not None:
            print(f"ready {time.perf_counter() - _STARTED:.3f}", flush=True)
        app.quit()

    QTimer.singleShot(0, ready)


WINDOW_SHOWN = "window shown"  # the log line that says the window is on screen (support and the smoke test read it)


def _log_when_shown(window: MainWindow) -> None:
    """Write ``WINDOW_SHOWN`` to the log once the window is really on screen (its first expose event)."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtGui import QWindow

    class ShownNote(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Expose and isinstance(watched, QWindow) and watched.isExposed():
                watched.removeEventFilter(self)
                log.info("%s: %s", WINDOW_SHOWN, window.windowTitle())
            return False

    handle = window.windowHandle()
    if handle is None:  # not shown
        return
    if handle.isExposed():
        log.info("%s: %s", WINDOW_SHOWN, window.windowTitle())
    else:
        handle.installEventFilter(ShownNote(handle))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.version:
        if sys.stdout is not None:  # a windowed (pythonw) start has no console
            print(args.version_text)
        return 0

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app import APP_NAME, ORG_NAME, __version__
    from app.i18n import tr
    from db.server import display_url, is_server_url
    from db.session import default_data_dir
    from ui.errors import configure_logging, install_excepthook, unexpected_text

    server = is_server_url(args.db)
    db_path: Path | str = args.db if server else Path(args.db).expanduser()
    with contextlib.suppress(OSError):  # a folder we cannot write to is reported when the database opens
        configure_logging(default_data_dir() if isinstance(db_path, str) else db_path.parent)
    install_excepthook()

    from PySide6.QtCore import QTimer

    from ui.refcount_guard import NEEDED, top_up

    top_up()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if NEEDED:  # PySide6 6.12.0 on Python 3.11 leaks references to None/True/False (ui/refcount_guard.py)
        guard = QTimer(app)
        guard.timeout.connect(top_up)
        guard.start(1000)
    _set_icon(app)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)

    from ui.startup import DialogPrompter, apply_language, peek_language, start

    # The language comes first: every dialog of the start-up checks already speaks it.
    apply_language(args.lang or (None if isinstance(db_path, str) else peek_language(db_path)) or "zh")
    try:
        shell = start(db_path, DialogPrompter(), lang_override=args.lang, month=args.month)
    except Exception:  # noqa: BLE001 - the user sees a short message, the log has the details
        shown = display_url(db_path)  # a server URL's password never reaches the log or the screen
        log.exception("could not start with the database %s", shown)
        QMessageBox.critical(
            None,
            APP_NAME,
            tr(f"无法打开数据库 {shown}。", f"Could not open the database {shown}.")
            + "\n\n"
            + unexpected_text(),
        )
        return 1
    if shell is None:
        return 1
    shell.show(page=args.page)
    _log_when_shown(shell.window)
    if os.environ.get(READY_ENV):
        _report_ready_and_quit(app)
    try:
        code = app.exec()
    finally:
        QThreadPool.globalInstance().waitForDone()
        shell.close()
    return int(code)


if __name__ == "__main__":
    # The frozen BranchPay.exe is also what the payslip workers start (app/reports/payslip_pool.py,
    # "spawn"): in such a child this runs the worker and exits instead of opening a second window.
    import multiprocessing

    multiprocessing.freeze_support()
    sys.exit(main())
