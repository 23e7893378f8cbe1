"""File dialogs start in the folder last used for that kind of file (Documents the first time),
and suggested names carry the branch name."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.i18n import set_language
from ui import file_dialogs
from ui.report_actions import combined_file_name, summary_file_name


def test_each_kind_of_file_remembers_its_own_folder(tmp_path: Path) -> None:
    reports, imports = tmp_path / "工资 2026", tmp_path / "imports"
    reports.mkdir()
    imports.mkdir()
    file_dialogs.remember(file_dialogs.REPORTS, reports / "华东二区-工资汇总-2026-11.xlsx")
    file_dialogs.remember(file_dialogs.IMPORTS, imports)
    assert file_dialogs.start_folder(file_dialogs.REPORTS) == reports
    assert file_dialogs.start_folder(file_dialogs.IMPORTS) == imports
    shutil.rmtree(reports)  # a folder that is gone: back to Documents, never the working folder
    assert file_dialogs.start_folder(file_dialogs.REPORTS) == file_dialogs.documents_folder()
    assert file_dialogs.start_folder(file_dialogs.PLANS) == file_dialogs.documents_folder()
    assert file_dialogs.documents_folder() != Path.cwd() or Path.cwd() == Path.home()


def test_suggested_names_start_with_the_branch() -> None:
    assert summary_file_name("2026-11", "华东二区") == "华东二区-工资汇总-2026-11.xlsx"
    assert combined_file_name("2026-11", "华东二区") == "华东二区-工资条-2026-11.pdf"
    assert summary_file_name("2026-11") == "工资汇总-2026-11.xlsx"
    assert "/" not in summary_file_name("2026-11", "一区/二区:三") and "二区" in summary_file_name("2026-11", "一区/二区:三")
    set_language("en")
    assert summary_file_name("2026-11", "East 2") == "East 2-payroll-2026-11.xlsx"
