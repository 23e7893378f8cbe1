"""Timing a whole command the way the user waits for it: a fresh process, its imports, its database writes.

Shared by the benchmarks. Each run is a child process; its peak memory comes from ``os.wait4`` (the
child's own ``getrusage``), not from the benchmark's process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child_env() -> dict[str, str]:
    # An installed program has its bytecode compiled once; a sandbox that forbids writing .pyc files
    # would make every run recompile the app (and measure that instead).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@dataclass
class Run:
    seconds: float
    peak_mb: float
    out: str


def run(args: list[str], *, check: bool = True, cwd: Path = ROOT) -> Run:
    """Run ``args`` as a child process; wall time of the whole process and its peak resident memory.

    ``cwd``: the checkout whose code a ``-m app.cli`` child runs (another one: the code before, side by side)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = out.decode("utf-8", "replace")
    if check and proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{text[:2000]}")
    peak_kb = usage.ru_maxrss  # kilobytes on Linux
    return Run(elapsed, peak_kb / 1024, text)


def cli(db: Path, *args: str, check: bool = True, code: Path = ROOT) -> Run:
    return run([sys.executable, "-m", "app.cli", "--db", str(db), *args], check=check, cwd=code)


def python(code: str, *args: str) -> Run:
    return run([sys.executable, "-c", code, *args])


def median(values: list[float]) -> float:
    return statistics.median(values)


def warm_up(db: Path, *args: str, code: Path = ROOT) -> None:
    """One untimed run that compiles the bytecode of what the timed runs load, as an installed program has it."""
    cli(db, *args, code=code)


def timed(db: Path, repeat: int, *args: str) -> float:
    """``branchpay ARGS`` warmed up, then run ``repeat`` times; prints and returns the median seconds."""
    warm_up(db, *args)
    runs = [cli(db, *args) for _ in range(repeat)]
    t = median([r.seconds for r in runs])
    print(f"branchpay {' '.join(args)}: median {t:.2f} s (best {min(r.seconds for r in runs):.2f} s), "
          f"peak {max(r.peak_mb for r in runs):.0f} MB over {repeat} runs")
    return t


def branch_size_args(repeat: int = 3) -> argparse.Namespace:
    """``--agents``, ``--policies`` (a month) and ``--repeat`` from the command line, with the usual branch."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=300)
    parser.add_argument("--policies", type=int, default=35_000)
    parser.add_argument("--repeat", type=int, default=repeat)
    return parser.parse_args()
