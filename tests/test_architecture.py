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


def test_engine_uses_no_float() -> None:
    for path in (ROOT / "app" / "engine").rglob("*.py"):
        assert "float(" not in path.read_text(encoding="utf-8"), path


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
