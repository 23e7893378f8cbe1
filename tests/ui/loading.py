"""Wait for a page that reads its data off the GUI thread (:class:`ui.loader.Loader`)."""

from __future__ import annotations

from typing import Protocol, TypeVar

from PySide6.QtCore import QEventLoop, QTimer

from ui.loader import Loader


class Loading(Protocol):
    loader: Loader

    @property
    def loading(self) -> bool: ...


P = TypeVar("P", bound=Loading)


def loaded(page: P, timeout_ms: int = 30_000) -> P:
    """Run the event loop until the page's newest read has been applied (or ``timeout_ms``)."""
    if page.loading:
        loop = QEventLoop()
        page.loader.ended.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        try:
            loop.exec()
        finally:
            page.loader.ended.disconnect(loop.quit)
    assert not page.loading, "the page never finished reading its data"
    return page
