"""The user's language. Simplified Chinese by default; English selectable in settings.

Strings are written in both languages at the place they are used — ``tr("人员", "Agents")`` —
so a screen, a PDF or an error message never shows one language hard-coded.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")
_current = "zh"


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _current = lang


def language() -> str:
    return _current


def tr(zh: str, en: str) -> str:
    """The text in the current language."""
    return en if _current == "en" else zh
