"""PySide6 6.12.0 on Python 3.11 gives back a reference to None on every call of a Qt method that
returns nothing; without the guard a few thousand such calls abort Python (none_dealloc)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.refcount_guard import NEEDED

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication, QLabel
from ui.refcount_guard import top_up
app = QApplication([])
label = QLabel()
guarded = sys.argv[1] == "guarded"
for i in range(40_000):
    label.setText(str(i))
    if guarded and i % 1000 == 0:
        top_up()
print("survived")
"""


def _run(mode: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.skipif(not NEEDED, reason="None and bools are immortal from Python 3.12")
def test_forty_thousand_qt_calls_abort_python_without_the_guard() -> None:
    bare = _run("bare")
    assert bare.returncode != 0 and "none_dealloc" in bare.stderr  # the bug this guards against
    guarded = _run("guarded")
    assert guarded.returncode == 0 and guarded.stdout.strip() == "survived", guarded.stderr


def test_the_guard_is_free_where_it_is_not_needed() -> None:
    from ui.refcount_guard import top_up

    assert top_up() == 0 or NEEDED  # on 3.12+ it never holds anything
    top_up()
    assert not NEEDED or sys.getrefcount(None) >= 1_000_000
