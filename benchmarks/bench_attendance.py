"""Time the attendance month grid for a large branch: 300 agents × 31 days (target well under 1 s).

Run: ``.venv/bin/python benchmarks/bench_attendance.py``. Measures the service (one query per month,
totals for every agent) and, offscreen, the page's reload with its first paint.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import insert, select  # noqa: E402

from app.services.attendance import month_grid  # noqa: E402
from app.services.setup import initialise  # noqa: E402
from db.models import Agent, AttendanceRecord  # noqa: E402
from db.session import Database  # noqa: E402

MONTH = "2026-10"
TARGET_S = 1.0


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "bench.sqlite3")
        with db.session_scope() as s:
            initialise(s)
            s.execute(insert(Agent), [{"code": f"P{i:04d}", "name": f"员工{i}", "base_salary": Decimal(4000),
                                        "hire_date": date(2024, 1, 1)} for i in range(300)])
            ids = list(s.scalars(select(Agent.id)))
            s.execute(insert(AttendanceRecord), [
                {"agent_id": a, "date": date(2026, 10, 1) + timedelta(days=d), "kind": "late", "minutes": 5}
                for a in ids for d in range(0, 31, 2)])
        with db.session_scope() as s:
            start = time.perf_counter()
            grid = month_grid(s, MONTH)
            grid.totals()
            service = time.perf_counter() - start
        from PySide6.QtWidgets import QApplication

        from ui.pages.attendance_page import AttendancePage

        app = QApplication.instance() or QApplication([])
        page = AttendancePage(db)
        page.resize(1400, 850)
        page.show()
        start = time.perf_counter()
        page.set_month(MONTH)
        app.processEvents()
        page_s = time.perf_counter() - start
        page.close()
        db.dispose()
    print(f"month_grid + totals (300 agents): {service:.3f} s → {service / TARGET_S:.2f} × the {TARGET_S:.0f} s target")
    print(f"attendance page reload and first paint: {page_s:.3f} s → {page_s / TARGET_S:.2f} × the target")
    return 0 if max(service, page_s) <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
