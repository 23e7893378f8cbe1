"""The sales page on its own, at 1× and 10× (3,000 agents / 350,000 policies in a month): what the
user waits for from showing the month until the table, its totals and column widths are there,
and for a re-read, a header click (sort), a search and a filter; with the longest stall of the
event loop meanwhile (a 10 ms timer's longest gap) and the peak memory.

    QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_sales_page [--big] [--repeat 3] [--keep DIR]

Goals (issue #13): load ≤ 0.3 s at 1×, ≤ 1 s at 10×; no stall over 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

from app.services.demo import demo_months
from benchmarks.bench_window import StallMeter, database, peak_rss_mb, report
from benchmarks.bench_window import timed as window_timed
from db.session import Database

GOALS = {"load": 0.3, "refresh": 1.0, "sort by premium": 1.0, "search": 1.0, "filter by status": 1.0}
BIG_GOALS = {"load": 1.0}


def timed(app: object, page: object, action: Callable[[], object], meter: StallMeter) -> tuple[float, float]:
    """The sales page's ``action`` until its rows are read and the rows on screen painted."""
    table = page.table  # type: ignore[attr-defined]
    return window_timed(app, action, lambda: [page], meter, then=lambda: table.viewport().repaint())


def one_page(
    app: object, db_path: Path, month: str, meter: StallMeter, out: dict[str, list[tuple[float, float]]]
) -> None:
    from PySide6.QtCore import Qt

    from ui.pages.sales_page import SalesPage

    db = Database(db_path)
    page = SalesPage(db)
    page.resize(1400, 900)
    page.show()
    out["load"].append(timed(app, page, lambda: page.set_month(month), meter))
    out["refresh"].append(timed(app, page, page.refresh, meter))
    premium = page.model.column("premium")
    out["sort by premium"].append(
        timed(app, page, lambda: page.table.sortByColumn(premium, Qt.SortOrder.DescendingOrder), meter)
    )
    out["search"].append(timed(app, page, lambda: page.search.setText("BENCH00012"), meter))
    page.search.setText("")
    timed(app, page, lambda: None, meter)
    cancelled = page.status_filter.findData("cancelled")
    out["filter by status"].append(
        timed(app, page, lambda: page.status_filter.setCurrentIndex(cancelled), meter)
    )
    page.close()
    page.deleteLater()
    app.processEvents()  # type: ignore[attr-defined]
    db.dispose()


def main() -> int:
    from PySide6.QtWidgets import QApplication

    ap = argparse.ArgumentParser()
    ap.add_argument("--big", action="store_true", help="also the 10× month: 3,000 agents, 350,000 policies")
    ap.add_argument("--only-big", action="store_true", help="only the 10× month")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="folder to build (or reuse) the databases in")
    args = ap.parse_args()
    sizes = [] if args.only_big else [(300, 35_000)]
    sizes += [(3_000, 350_000)] if args.big or args.only_big else []
    app = QApplication.instance() or QApplication([])
    meter = StallMeter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for agents, policies in sizes:
            path = database(folder, agents, policies)
            month = demo_months()[-1]
            goals = dict(GOALS, **(BIG_GOALS if policies > 100_000 else {}))
            out: dict[str, list[tuple[float, float]]] = {k: [] for k in GOALS}
            for _ in range(args.repeat):
                one_page(app, path, month, meter, out)
            print(f"sales page, {agents} agents, {policies:,} policies in {month} (median of {args.repeat}):")
            for name, runs in out.items():
                report(name, statistics.median(r[0] for r in runs), goals[name], max(r[1] for r in runs), width=20)
            print(f"  peak memory of this process so far: {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
