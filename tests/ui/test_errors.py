from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from app.services.errors import ServiceError
from ui import errors

pytestmark = pytest.mark.gui


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    before = list(root.handlers)
    path = errors.configure_logging(tmp_path)
    yield path
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()


def test_unexpected_exception_goes_to_the_log_and_a_short_message(
    qtbot: object, log_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []

    def critical(parent: QWidget | None, title: str, text: str) -> QMessageBox.StandardButton:
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", critical)
    try:
        raise KeyError("secret-detail")
    except KeyError:
        errors._excepthook(*sys.exc_info())  # type: ignore[arg-type]
    assert log_file.name == "branchpay.log"
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback" in text and "secret-detail" in text
    assert len(shown) == 1 and str(log_file) in shown[0]
    assert "secret-detail" not in shown[0] and "Traceback" not in shown[0]


def test_service_errors_speak_for_themselves(qtbot: object) -> None:
    assert errors.error_text(ServiceError("工号已存在", "code exists")) == "工号已存在"
    assert "意外错误" in errors.error_text(RuntimeError("x"))
