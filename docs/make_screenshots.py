"""Regenerate the README screenshots (the overview window and the payroll page) from a fresh demo database.

    QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py

Needs a Chinese font on the machine (e.g. Debian's fonts-wqy-microhei) for readable text.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from app.services.demo import demo_months, fill_demo
    from app.services.payroll import calculate_month
    from db.session import Database
    from ui.pages.payroll_page import PayrollPage

    app = QApplication.instance() or QApplication([])
    month = demo_months()[-1]
    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(folder) / "demo.sqlite3")
        with db.session_scope(write=True) as session:
            fill_demo(session)
            calculate_month(session, month)
        page = PayrollPage(db)
        page.set_month(month)
        page.resize(1400, 860)
        page.show()
        for _ in range(20):
            app.processEvents()
        page.select_code("A002")
        for _ in range(20):
            app.processEvents()
        page.grab().save(str(ROOT / "docs" / "screenshot-payroll.png"))
        page.close()
        from ui.main_window import MainWindow

        window = MainWindow(db, month=month)
        window.resize(1353, 828)
        window.show()
        overview = window.pages["overview"]
        deadline = time.monotonic() + 60
        while getattr(overview, "loading", False) and time.monotonic() < deadline:  # read off the GUI thread
            app.processEvents()
            time.sleep(0.01)
        for _ in range(40):
            app.processEvents()
        window.grab().save(str(ROOT / "docs" / "screenshot-overview.png"))
        window.close()
        db.dispose()
    print("wrote docs/screenshot-payroll.png and docs/screenshot-overview.png")


if __name__ == "__main__":
    main()
