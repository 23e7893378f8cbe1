"""The report actions both the payroll page and the reports page offer: one way to do each.

Payslips and the Excel summary are written off the GUI thread; this module holds what the
two pages share — the suggested file names, the suffix a typed name gets, and the work each
action runs in the background — so the pages differ only in how they ask and what they show.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.i18n import tr
from db.session import Database
from ui.ops import CancelToken


def branch_name(db: Database) -> str:
    from app.services.settings import get_setting

    with db.session_scope() as session:
        return get_setting(session, "branch_name").strip()


def _named(branch: str, zh: str, en: str, suffix: str) -> str:
    """``华东二区-工资汇总-2026-11.xlsx``: the branch first, so head office can tell files apart."""
    from app.reports.files import file_name

    stem = tr(zh, en)
    return file_name(f"{branch}-{stem}" if branch else stem, suffix)


def summary_file_name(month: str, branch: str = "") -> str:
    return _named(branch, f"工资汇总-{month}", f"payroll-{month}", ".xlsx")


def combined_file_name(month: str, branch: str = "") -> str:
    return _named(branch, f"工资条-{month}", f"payslips-{month}", ".pdf")


def with_suffix(path: Path, suffix: str) -> Path:
    """``path`` ending in ``suffix`` (a name typed without it gets it added, never replaced)."""
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def payslips_work(
    db: Database,
    month: str,
    folder: Path,
    *,
    agent: str | None = None,
    encrypt: bool = False,
    combined_target: Path | None = None,
    two_up: bool | None = None,
) -> Callable[[CancelToken], list[Path]]:
    """The background work of writing payslips: one file per agent into ``folder``, or one combined
    PDF under the name the user chose (``combined_target``; staged next to it, then moved into place),
    two A5 slips to an A4 sheet when ``two_up`` (``None``: as the paper setting says)."""

    def work(token: CancelToken) -> list[Path]:
        from app.services.reports import write_payslips  # reportlab loads only when needed

        with db.session_scope() as session:
            token.check()
            if combined_target is not None:
                return write_payslips(
                    session,
                    month,
                    combined_target.parent,
                    agent=agent,
                    combined=True,
                    combined_name=combined_target.name,
                    two_up=two_up,
                )
            return write_payslips(session, month, folder, agent=agent, encrypt=encrypt)

    return work


def summary_work(db: Database, month: str, path: Path) -> Callable[[CancelToken], Path]:
    """The background work of exporting the month's Excel summary to ``path``."""

    def work(token: CancelToken) -> Path:
        from app.services.reports import export_summary  # openpyxl loads only when needed

        with db.session_scope() as session:
            token.check()
            return export_summary(session, month, path)

    return work
