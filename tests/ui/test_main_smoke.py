"""The real program, started the way a user starts it, opens its window without a warning or traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from main import WINDOW_SHOWN
from ui.errors import LOG_FILENAME

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90.0  # seconds; a slow, busy machine still opens the window much sooner


def _wait_for_window(proc: subprocess.Popen[str], log_file: Path) -> str:
    """Poll the program's log until it says the window is shown; fail at once if the program ends."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the program ended (exit {proc.returncode}) before its window was shown:\n{out}\n{err}")
        text = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
        if WINDOW_SHOWN in text:
            return text
        time.sleep(0.1)
    pytest.fail(f"no {WINDOW_SHOWN!r} in {log_file} after {START_TIMEOUT:.0f} s")


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
        log_text = _wait_for_window(proc, tmp_path / LOG_FILENAME)
        assert proc.poll() is None, "the window closed by itself"
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert f"{WINDOW_SHOWN}: 客户服务中心 — 演示数据 — BranchPay" in log_text  # the branch, marked as the demo
    assert "Traceback" not in log_text and " WARNING " not in log_text and " ERROR " not in log_text, log_text
    lines = [line for line in err.splitlines()
             if line.strip() and "propagateSizeHints" not in line]  # offscreen platform's own notice
    assert "Traceback" not in err
    assert lines == [], err
