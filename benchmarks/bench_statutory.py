"""Time ``branchpay payroll run --month 2026-12`` with statutory deductions (goal ≤ 2.5 s, issue #15).

300 agents with ID numbers and special deductions, the statutory tests' plan (base pay and a
``[statutory]`` section with income tax, ``tests/statutory/helpers.py``), and January–November
calculated and locked: December's income tax reads the eleven locked months' recorded lines. The command is timed as a fresh process each time.

Run: ``.venv/bin/python benchmarks/bench_statutory.py [--agents 300] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks._whole_command import cli, median  # noqa: E402
from tests.statutory.helpers import ID_A, plan_text  # noqa: E402

TARGET_S = 2.5


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.sqlite3"
        (folder / "plan.toml").write_text(plan_text(), encoding="utf-8")
        with (folder / "agents.csv").open("w", encoding="utf-8") as fh:
            fh.write("code,name,base_salary,hire_date,id_number,bank_account\n")
            for i in range(args.agents):
                fh.write(f"A{i:04d},坐席{i},{8000 + 100 * (i % 50)},2024-01-01,{ID_A},62220202{i:08d}\n")
        with (folder / "deductions.csv").open("w", encoding="utf-8") as fh:
            fh.write("code,month,children_education,elderly_care\n")
            for m in range(1, 13):
                for i in range(0, args.agents, 3):
                    fh.write(f"A{i:04d},2026-{m:02d},2000,1500\n")
        cli(db, "init")
        cli(db, "plan", "import", str(folder / "plan.toml"))
        cli(db, "import", "agents", str(folder / "agents.csv"))
        cli(db, "import", "deductions", str(folder / "deductions.csv"))
        start = time.perf_counter()
        for m in range(1, 12):
            cli(db, "payroll", "run", "--month", f"2026-{m:02d}")
            cli(db, "payroll", "lock", "--month", f"2026-{m:02d}")
        print(f"set-up: eleven months calculated and locked in {time.perf_counter() - start:.1f} s")
        times = [cli(db, "payroll", "run", "--month", "2026-12").seconds for _ in range(args.repeat)]
        best = median(times)
        print(f"payroll run 2026-12, {args.agents} agents: median {best:.2f} s "
              f"({', '.join(f'{t:.2f}' for t in times)}); goal ≤ {TARGET_S} s")
        return 0 if best <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
