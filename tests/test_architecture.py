"""The layer rules of DESIGN.md hold: app/ never imports Qt, the engine is pure (import-linter)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "import-linter is part of the test extra"
    proc = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def float_uses(source: str) -> list[str]:
    """Float literals (``0.5``, ``1e3``) and ``float(...)`` calls in Python source, as "line: text"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, float | complex):
            found.append(f"{node.lineno}: literal {node.value!r}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name == "float":
                found.append(f"{node.lineno}: float() call")
    return found


def test_the_float_check_sees_literals_and_calls_not_words() -> None:
    assert float_uses("x = 0.5\ny = 1e3\nz = float(t)\nw = builtins.float(t)\n") == [
        "1: literal 0.5",
        "2: literal 1000.0",
        "3: float() call",
        "4: float() call",
    ]
    clean = 'if isinstance(v, float):\n    raise TypeError("float(x) is refused")  # never float(...)\nn = 5 // 2\n'
    assert float_uses(clean) == []


def test_engine_and_money_use_no_float() -> None:
    """Money and rates are Decimal: no float literal and no float() call in the engine or app/money.py."""
    paths = [*sorted((ROOT / "app" / "engine").rglob("*.py")), ROOT / "app" / "money.py"]
    assert len(paths) > 10
    found = {str(p.relative_to(ROOT)): float_uses(p.read_text(encoding="utf-8")) for p in paths}
    assert {name: uses for name, uses in found.items() if uses} == {}


def test_importing_the_engine_loads_no_database_file_or_plan_loader_code() -> None:
    """At run time too (import-linter only sees import statements, not what a package's __init__ pulls in)."""
    forbidden = ("db", "sqlalchemy", "app.services", "app.importers", "app.reports", "app.cli",
                 "app.plan.toml_io", "tomllib", "tomli_w", "openpyxl", "reportlab", "PySide6")
    code = (
        "import sys, app.engine, app.engine.compute\n"
        f"bad = sorted(m for m in sys.modules for f in {forbidden!r} if m == f or m.startswith(f + '.'))\n"
        "print('\\n'.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == []
