"""Time ``branchpay region consolidate`` as head office waits for it (goal ≤ 10 s for 10 branches).

Ten branches (``--branches``), each a demo branch of ``--agents`` agents with its first demo month
calculated and locked, are built once and cached in the system's temp folder (a second run reuses
them); ``--packages`` of them are consolidated from their export package (``export package``), the
others from their SQLite file. Then the whole command is timed as a fresh process each time (process
start, imports, opening each database read-only, checks, the workbook), with its peak memory, and
the branch files are checked to be unchanged.

Run: ``.venv/bin/python benchmarks/bench_region.py [--branches 10] [--agents 150] [--packages 5] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks._whole_command import cli as run_cli  # noqa: E402
from benchmarks._whole_command import median, run  # noqa: E402

TARGET_S = 10.0


def _build(folder: Path, branches: int, agents: int, month: str) -> list[Path]:
    """The branch databases (built once; reused while the demo month is the same)."""
    from app.services import payroll
    from app.services.demo import fill_demo
    from app.services.settings import set_setting
    from app.services.setup import initialise
    from db.session import Database

    paths = []
    for i in range(1, branches + 1):
        path = folder / f"branch{i:02d}.sqlite3"
        paths.append(path)
        if path.exists() and Path(f"{path}.ready").exists():
            continue
        for suffix in ("", "-wal", "-shm", ".checked"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        db = Database(path)
        try:
            with db.session_scope(write=True) as s:
                initialise(s)
                fill_demo(s, seed=1000 + i, agents=agents)
                set_setting(s, "branch_code", f"R{i:02d}")
                set_setting(s, "branch_name", f"第{i}网点")
            with db.session_scope(write=True) as s:
                payroll.calculate_month(s, month)
            with db.session_scope(write=True) as s:
                payroll.lock_month(s, month, with_pending_appeals=False, reason="")
        finally:
            db.dispose()
        Path(f"{path}.ready").write_text("ok\n")
        print(f"  built {path.name}")
    return paths


def _fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--branches", type=int, default=10)
    ap.add_argument("--agents", type=int, default=150, help="agents per branch")
    ap.add_argument("--packages", type=int, default=5, help="how many branches come as export packages")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    from app.services.demo import demo_months

    month = demo_months()[0]
    folder = Path(tempfile.gettempdir()) / f"branchpay-bench-region-{args.branches}x{args.agents}-{month}"
    folder.mkdir(exist_ok=True)
    print(f"branches: {args.branches} × {args.agents} agents, month {month}, cached in {folder}")
    dbs = _build(folder, args.branches, args.agents, month)

    sources: list[Path] = []
    for i, db in enumerate(dbs):
        if i < args.packages:
            package = folder / f"{db.stem}.zip"
            package.unlink(missing_ok=True)
            export = run_cli(db, "export", "package", "--month", month, "--out", str(package))
            sources.append(package)
            if i == 0:
                print(f"export package (one branch, whole command): {export.seconds:.2f} s")
        else:
            sources.append(db)
    watched = [s for s in sources if s.suffix == ".sqlite3"]
    before = {p: _fingerprint(p) for p in watched}

    out = folder / "region.xlsx"
    command = [sys.executable, "-m", "app.cli", "region", "consolidate", "--month", month, "--out", str(out),
               *map(str, sources)]
    run(command)  # untimed: compiles the bytecode, as an installed program has it
    runs = [run(command) for _ in range(args.repeat)]
    times = [r.seconds for r in runs]
    agents_total = args.branches * args.agents
    print(f"region consolidate: {len(sources)} sources ({args.packages} packages, {len(watched)} SQLite files), "
          f"{agents_total} agents")
    print(f"  whole command: median {median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}) "
          f"over {args.repeat} runs; peak memory {max(r.peak_mb for r in runs):.0f} MB")
    print(f"  per branch: {median(times) / len(sources) * 1000:.0f} ms; workbook {out.stat().st_size / 1024:.0f} KB")
    print(f"  goal ≤ {TARGET_S:.0f} s: {'met' if median(times) <= TARGET_S else 'NOT met'} "
          f"({median(times) / TARGET_S:.0%} of it)")
    unchanged = all(_fingerprint(p) == before[p] for p in watched)
    print(f"  branch database files unchanged (bytes and mtime): {'yes' if unchanged else 'NO'}")
    if not unchanged:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
