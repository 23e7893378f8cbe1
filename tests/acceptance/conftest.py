"""Helpers that drive the real ``branchpay`` command line in a subprocess, as a user's script would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = Path(__file__).resolve().parent / "worked_example"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class Cli:
    def __init__(self, db: Path) -> None:
        self.db = db

    def __call__(self, *args: str | Path, ok: bool = True) -> Result:
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        proc = subprocess.run(
            [sys.executable, "-m", "app.cli", "--db", str(self.db), *map(str, args)],
            cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env, timeout=120,
        )
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        if ok:
            assert proc.returncode == 0, f"branchpay {' '.join(map(str, args))} failed:\n{proc.stderr}"
        return result


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "branchpay.sqlite3")


@pytest.fixture
def example_db(cli: Cli) -> Cli:
    """A database holding the docs/pay-rules.md §6 worked example, imported from its files."""
    cli("init")
    for kind in ("agents", "sales", "qa", "metrics", "attendance", "praise", "complaints"):
        cli("import", kind, EXAMPLE / f"{kind}.csv")
    return cli
