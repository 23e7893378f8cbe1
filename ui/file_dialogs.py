"""File dialogs that start where the user expects: the folder last used for that kind of file,
or Documents the first time — never the program's working folder.

The folders are remembered per user (:mod:`ui.preferences`: a preference of this PC, not
payroll data, so not in the database); each kind of file keeps its own folder, so the import
folder does not move when the payslips are saved somewhere else.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from ui.preferences import preference, set_preference

IMPORTS = "imports"  # spreadsheets to import
REPORTS = "reports"  # payslips and the Excel summary
TEMPLATES = "templates"  # import templates
PLANS = "plans"  # plan files (TOML)
BACKUPS = "backups"  # a database file to restore
IMAGES = "images"  # the branch logo
DATABASES = "databases"  # a database file to open or create


def documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def start_folder(kind: str) -> Path:
    """The folder last used for ``kind`` while it still exists; Documents otherwise."""
    value = preference(f"folders/{kind}")
    if isinstance(value, str) and value and Path(value).is_dir():
        return Path(value)
    return documents_folder()


def remember(kind: str, chosen: Path) -> None:
    folder = chosen if chosen.is_dir() else chosen.parent
    set_preference(f"folders/{kind}", str(folder))


def open_file(parent: QWidget, kind: str, title: str, file_filter: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, str(start_folder(kind)), file_filter)
    if not name:
        return None
    remember(kind, Path(name))
    return Path(name)


def save_file(parent: QWidget, kind: str, title: str, suggested: str, file_filter: str) -> Path | None:
    """``suggested`` is a file name; the dialog opens in the kind's folder with that name filled in."""
    name, _ = QFileDialog.getSaveFileName(parent, title, str(start_folder(kind) / suggested), file_filter)
    if not name:
        return None
    remember(kind, Path(name))
    return Path(name)


def choose_folder(parent: QWidget, kind: str, title: str) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, title, str(start_folder(kind)))
    if not folder:
        return None
    remember(kind, Path(folder))
    return Path(folder)
