"""The frozen (PyInstaller) build works end to end: slow, so it runs only when asked.

    BRANCHPAY_FROZEN_CHECK=1 .venv/bin/python -m pytest tests/packaging -q

It builds ``packaging/branchpay.spec`` into ``build/pyinstaller/`` and drives the frozen
console and window programs (see ``packaging/check_frozen.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("BRANCHPAY_FROZEN_CHECK") != "1",
        reason="builds the PyInstaller bundle (minutes); set BRANCHPAY_FROZEN_CHECK=1 to run",
    ),
]


def test_frozen_bundle_builds_and_runs() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "check_frozen.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=1800,
    )
    report = f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}"
    assert proc.returncode == 0, report
    assert "[frozen-check] PASSED" in proc.stdout, report
