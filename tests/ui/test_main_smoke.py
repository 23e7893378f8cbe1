"""The real program, started the way a user starts it, opens its window without a warning or traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.gui
def test_main_opens_the_demo_database_offscreen_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    for args in (["init"], ["demo"]):
        subprocess.run([sys.executable, "-m", "app.cli", "--db", str(db), *args], cwd=ROOT, check=True,
                       capture_output=True, timeout=120)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "main.py", "--db", str(db)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        time.sleep(6)
        assert proc.poll() is None, "the window closed by itself:\n" + proc.stderr.read()  # type: ignore[union-attr]
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    lines = [line for line in err.splitlines()
             if line.strip() and "propagateSizeHints" not in line]  # offscreen platform's own notice
    assert "Traceback" not in err
    assert lines == [], err
