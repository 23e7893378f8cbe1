"""Qt's own texts (OK/Cancel/Yes/No, file dialogs, context menus) in the user's language.

Our strings are bilingual at the place they are written (:func:`app.i18n.tr`), but the
buttons Qt draws itself come from Qt's translation catalogues; without them a Chinese
screen would show English "Cancel" and "Open" buttons. PySide6 ships the catalogues
(``qtbase_zh_CN.qm``); a frozen build bundles the same folder.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger("branchpay.ui.translations")

CATALOGUES = ("qtbase",)
_QT_LOCALE = {"zh": "zh_CN"}
_installed: list[QTranslator] = []
_command_line_language: str | None = None  # ``--lang``: the window's language for this run, not the saved one


def set_command_line_language(lang: str | None) -> None:
    """Record the language the app was started with (``--lang``), or None when it follows the saved setting."""
    global _command_line_language
    _command_line_language = lang


def command_line_language() -> str | None:
    return _command_line_language


def translations_folder() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def install_qt_translations(app: QCoreApplication, lang: str) -> list[str]:
    """Load Qt's catalogues for ``lang`` (replacing any loaded before); returns the files loaded.

    English needs none: Qt's own texts are English. A missing catalogue is logged, not fatal —
    the buttons then stay in English, which is better than not starting.
    """
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    locale = (
        QLocale(QLocale.Language.Chinese, QLocale.Country.China)
        if lang == "zh"
        else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    )
    QLocale.setDefault(locale)
    suffix = _QT_LOCALE.get(lang)
    if suffix is None:
        return []
    folder = translations_folder()
    loaded: list[str] = []
    for name in CATALOGUES:
        translator = QTranslator(app)
        filename = f"{name}_{suffix}"
        if translator.load(filename, str(folder)):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded.append(filename)
        else:
            log.warning("Qt translation %s not found in %s", filename, folder)
    return loaded
