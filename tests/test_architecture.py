"""The layer rules of DESIGN.md hold: app/ never imports Qt, the engine is pure (import-linter)."""

from __future__ import annotations

import ast
import re
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


def _two_decimal_formats(path: Path) -> list[str]:
    """Where ``path`` formats a number to two decimals itself: ``f"{x:.2f}"``, ``format(x, ".2f")``,
    ``"{:.2f}".format(x)`` or ``"%.2f" % x``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[str] = []
    in_specs: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and isinstance(node.format_spec, ast.JoinedStr):
            parts = [v for v in node.format_spec.values if isinstance(v, ast.Constant)]
            in_specs.update(id(v) for v in parts)
            spec = "".join(str(v.value) for v in parts)
            if re.search(r"\.2[fF%]$", spec):
                found.append(f"{path.name}:{node.lineno}: {{…:{spec}}}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in in_specs:
            text = node.value
            if re.fullmatch(r"[-+ 0#,_]*\d*[,_]?\.2[fF]", text) or re.search(
                r"\{[^{}]*:[^{}]*\.2[fF%]\}|%[-+ 0#]*\d*\.2[fF]", text
            ):
                found.append(f"{path.name}:{node.lineno}: {text!r}")
    return sorted(found, key=lambda hit: int(hit.split(":")[1]))


def test_money_and_scores_are_formatted_by_app_money_only() -> None:
    """Issue #12: a Decimal formatted with ``:.2f`` rounds half to even (0.125 → "0.12") while the
    rulebook rounds half up (docs/pay-rules.md §1). Amounts go through ``app.money.fmt_money``,
    scores through ``app.money.fmt_score``; nothing in app/ or ui/ formats two decimals itself."""
    found = [
        hit
        for folder in ("app", "ui")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for hit in (f"{path.parent.relative_to(ROOT)}/{h}" for h in _two_decimal_formats(path))
    ]
    assert not found, "\n".join(found)


def test_the_two_decimal_check_sees_every_spelling(tmp_path: Path) -> None:
    """The check above would catch each way of writing it (so it cannot pass by being blind)."""
    sample = tmp_path / "sample.py"
    lines = [
        'a = f"{x:.2f}"',
        'b = f"{x:,.2f} 元"',
        'c = format(x, ".2f")',
        'd = "{:.2f}".format(x)',
        'e = "%.2f" % x',
        'f = f"{x:.1f} MB"  # a file size: not two decimals',
        'g = "docs mention :.2f in prose"',
    ]
    sample.write_text("\n".join(lines) + "\n", encoding="utf-8")
    hits = _two_decimal_formats(sample)
    assert [int(h.split(":")[1]) for h in hits] == [1, 2, 3, 4, 5]


def test_payroll_run_loads_no_workbook_or_pdf_library(tmp_path: Path) -> None:
    """`branchpay payroll run` writes no workbook or PDF: openpyxl (0.3-0.4 s to import) and
    reportlab stay unloaded, in a real process running the command on a real database."""
    from datetime import date

    from app.services.demo import demo_months, fill_demo
    from db.session import Database

    path = tmp_path / "demo.sqlite3"
    db = Database(path)
    with db.session_scope() as session:
        fill_demo(session, today=date(2026, 5, 10), agents=6)
    db.dispose()
    month = demo_months(date(2026, 5, 10))[-1]
    code = (
        "import sys\n"
        "from app.cli import main\n"
        f"assert main(['--db', {str(path)!r}, 'payroll', 'run', '--month', {month!r}]) == 0\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('openpyxl', 'reportlab'))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == ""
