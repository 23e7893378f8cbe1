"""A user-facing text in both of the app's languages.

The engine and the services write every message for the user as a :class:`Text` — the Chinese
and the English side by side — and the screen, the payslip or the command line picks one with
:meth:`Text.in_`. (Pay lines keep their ``label``/``label_en`` and ``detail``/``detail_en``
columns: the same pair, stored as two columns.)
"""

from __future__ import annotations

from typing import NamedTuple


class Text(NamedTuple):
    zh: str
    en: str

    def in_(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def to_json(self) -> list[str]:
        return [self.zh, self.en]

    @classmethod
    def from_json(cls, value: object) -> Text:
        """A stored text: ``[zh, en]``, or the ``"中文 / English"`` string that older results stored."""
        if isinstance(value, list | tuple) and len(value) == 2:
            return cls(str(value[0]), str(value[1]))
        text = str(value)
        zh, sep, en = text.partition(" / ")
        return cls(zh.strip(), en.strip()) if sep else cls(text, text)
