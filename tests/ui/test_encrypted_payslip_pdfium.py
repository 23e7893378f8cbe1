"""An encrypted payslip opens in QtPdf's engine (pdfium, as in Chrome and Edge) with the agent's
password and with nothing else: AES-256 revision 6 is read by a mainstream reader, not only by
the pypdf that wrote it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication

from app.services.reports import write_payslips
from tests.reports.conftest import MONTH, build_example

pytestmark = pytest.mark.gui


def test_an_encrypted_payslip_opens_in_pdfium_only_with_its_password(
    qapp: QApplication, tmp_path: Path
) -> None:
    db = build_example(
        tmp_path / "db", passwords={"A001": "zs-10001", "A002": "ls-20002", "A003": "ww-30003"}
    )
    try:
        with db.session_scope() as s:
            [path] = write_payslips(s, MONTH, tmp_path / "out", agent="A001", encrypt=True)
    finally:
        db.dispose()
    for password, error, pages in (
        ("", QPdfDocument.Error.IncorrectPassword, 0),
        ("zs-1000", QPdfDocument.Error.IncorrectPassword, 0),
        ("ls-20002", QPdfDocument.Error.IncorrectPassword, 0),  # another agent's
        ("zs-10001", QPdfDocument.Error.None_, 1),
    ):
        document = QPdfDocument()
        document.setPassword(password)
        assert document.load(str(path)) == error, password
        assert document.pageCount() == pages
        document.close()
