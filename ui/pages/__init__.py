"""The areas of the main window and the page class that shows each.

To put a real page in place of a placeholder, add its factory to ``PAGE_FACTORIES``
(or call :func:`register_page` before the main window is built). A factory takes the
open :class:`~db.session.Database` and returns a :class:`~ui.pages.base.Page`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QStyle

from app.i18n import tr
from db.session import Database
from ui.pages.agents_page import AgentsPage
from ui.pages.appeals_page import AppealsPage
from ui.pages.attendance_page import AttendancePage
from ui.pages.base import Page, PlaceholderPage
from ui.pages.overview_page import OverviewPage
from ui.pages.payroll_page import PayrollPage
from ui.pages.plan_page import PlanPage
from ui.pages.quality_page import QualityPage
from ui.pages.reports_page import ReportsPage
from ui.pages.rewards_page import RewardsPage
from ui.pages.sales_page import SalesPage
from ui.pages.settings_page import SettingsPage

PageFactory = Callable[[Database], Page]


@dataclass(frozen=True)
class Area:
    key: str
    zh: str
    en: str
    icon: QStyle.StandardPixmap

    @property
    def title(self) -> str:
        return tr(self.zh, self.en)


SP = QStyle.StandardPixmap

AREAS: tuple[Area, ...] = (
    Area("overview", "概览", "Overview", SP.SP_ComputerIcon),
    Area("agents", "人员", "Agents", SP.SP_DirHomeIcon),
    Area("attendance", "考勤", "Attendance", SP.SP_FileDialogDetailedView),
    Area("quality", "质检", "Quality", SP.SP_DialogApplyButton),
    Area("sales", "保单", "Sales", SP.SP_FileIcon),
    Area("rewards", "奖惩", "Rewards & penalties", SP.SP_MessageBoxWarning),
    Area("appeals", "申诉", "Appeals", SP.SP_MessageBoxQuestion),
    Area("payroll", "月度核算", "Payroll", SP.SP_BrowserReload),
    Area("plan", "方案", "Plan", SP.SP_FileDialogContentsView),
    Area("reports", "报表", "Reports", SP.SP_DialogSaveButton),
    Area("settings", "设置", "Settings", SP.SP_FileDialogListView),
)

AREA_BY_KEY: dict[str, Area] = {area.key: area for area in AREAS}

PAGE_FACTORIES: dict[str, PageFactory] = {
    "overview": OverviewPage,
    "agents": AgentsPage,
    "attendance": AttendancePage,
    "quality": QualityPage,
    "payroll": PayrollPage,
    "sales": SalesPage,
    "rewards": RewardsPage,
    "appeals": AppealsPage,
    "plan": PlanPage,
    "reports": ReportsPage,
    "settings": SettingsPage,
}


def register_page(key: str, factory: PageFactory) -> None:
    if key not in AREA_BY_KEY:
        raise KeyError(f"unknown area {key!r}; areas are {', '.join(AREA_BY_KEY)}")
    PAGE_FACTORIES[key] = factory


def make_page(key: str, db: Database) -> Page:
    factory = PAGE_FACTORIES.get(key)
    if factory is None:
        return PlaceholderPage(db, AREA_BY_KEY[key].title)
    return factory(db)


__all__ = [
    "AREAS",
    "AREA_BY_KEY",
    "PAGE_FACTORIES",
    "Area",
    "Page",
    "PageFactory",
    "make_page",
    "register_page",
]
