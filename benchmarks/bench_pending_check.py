"""Time the background "does the stored result still match the records?" check (ui/pending_check.py).

On the busy month of ``bench_window.py`` (300 agents, ~35,000 policies, calculated), with the 概览 page
showing: the first check after the month is shown, the page shown again with nothing changed (the
check answers from memory while the database's data-change counter stands still), and the page shown
again after another program wrote (an adjustment through a second database object): the check
recomputes. Each figure is from the page's refresh to its ``pending_checked`` signal, with the longest
event-loop stall meanwhile. The check runs off the GUI thread, so these are not waits of the user,
but each recomputation keeps one of the two cores busy for that long.

Run: ``.venv/bin/python benchmarks/bench_pending_check.py [--repeat 5] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.services.demo import demo_months  # noqa: E402
from benchmarks.bench_window import StallMeter, build  # noqa: E402
from db.session import Database  # noqa: E402


def until_checked(app: object, page: object, action: object, meter: StallMeter) -> tuple[float, float]:
    from PySide6.QtCore import QEventLoop, QThreadPool, QTimer

    QThreadPool.globalInstance().waitForDone()
    app.processEvents()  # type: ignore[attr-defined]
    loop = QEventLoop()
    page.pending_checked.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(120_000, loop.quit)
    meter.start()
    start = time.perf_counter()
    action()  # type: ignore[operator]
    loop.exec()
    elapsed = time.perf_counter() - start
    page.pending_checked.disconnect(loop.quit)  # type: ignore[attr-defined]
    return elapsed, meter.stop()


def adjust_from_another_program(path: Path, month: str, code: str) -> None:
    from app.services.rewards import AdjustmentInput, add_adjustment

    other = Database(path)
    try:
        with other.session_scope(write=True) as session:
            add_adjustment(session, AdjustmentInput(code, month, Decimal("1"), "补发", "bench"))
    finally:
        other.dispose()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--keep", type=Path, default=None, help="folder to build (or reuse) the database in")
    args = ap.parse_args()
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from db.models import Agent
    from ui.pages.overview_page import OverviewPage

    app = QApplication.instance() or QApplication([])
    meter = StallMeter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "window-300-35000.sqlite3"
        month = demo_months()[-1]
        if not path.exists():
            build(path, 300, 35_000)
        db = Database(path)
        with db.session_scope() as s:
            code = s.scalars(select(Agent.code).order_by(Agent.code)).first()
        assert code is not None
        page = OverviewPage(db)
        page.resize(1200, 800)
        page.show()
        first = until_checked(app, page, lambda: page.set_month(month), meter)
        again = [until_checked(app, page, page.refresh, meter) for _ in range(args.repeat)]
        changed = []
        for _ in range(args.repeat):
            adjust_from_another_program(path, month, code)
            changed.append(until_checked(app, page, page.refresh, meter))
        runs = getattr(page.checker, "recomputations", None)
        print(f"staleness check on {month} (300 agents, 35,000 policies), overview showing, load average "
              f"{os.getloadavg()[0]:.1f}:")
        print(f"  first check                        {first[0]:6.3f} s   longest stall {first[1]:.3f} s")
        print(f"  shown again, nothing changed       {statistics.median(r[0] for r in again):6.3f} s   "
              f"longest stall {max(r[1] for r in again):.3f} s   (median of {args.repeat})")
        print(f"  shown again after another program's write {statistics.median(r[0] for r in changed):6.3f} s   "
              f"longest stall {max(r[1] for r in changed):.3f} s   (median of {args.repeat})")
        print(f"  recomputations: {runs if runs is not None else 'not counted (every check recomputes)'} "
              f"of {1 + 2 * args.repeat} checks")
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone()
        page.close()
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
