"""Payslips and the Excel summary: distinct file names, and nothing half-written on a failure."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.writer.excel import ExcelWriter
from pypdf import PdfReader

from app.reports.files import STAGE_PREFIX, name_key
from app.reports.payslip import PayslipOptions
from app.reports.payslip import write_payslips as write_files
from app.reports.summary_xlsx import SHEETS
from app.results import AgentResult
from app.services.errors import ServiceError
from app.services.payroll import show_month
from app.services.reports import export_summary, write_payslips
from db.session import Database
from tests.reports.conftest import MONTH


def _agents(db: Database) -> list[AgentResult]:
    with db.session_scope() as s:
        return list(show_month(s, MONTH).agents)


def _as(agent: AgentResult, code: str, name: str) -> AgentResult:
    return replace(agent, code=code, name=name)


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every entry under ``folder`` (hidden ones too), with the bytes of each file."""
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))
    }


def test_colliding_names_give_one_file_each(example: Database, tmp_path: Path) -> None:
    base = _agents(example)[0]
    agents = [
        _as(base, "X/1", "同名"),
        _as(base, "X:1", "同名"),
        _as(base, "X?1", "同名"),
        _as(base, "A001", "Li"),
        _as(base, "a001", "LI"),
        _as(base, "CON", "x"),
    ]
    paths = write_files(agents, PayslipOptions(branch_name="b", month=MONTH), tmp_path)
    on_disk = sorted(p.name for p in tmp_path.iterdir())
    assert len(paths) == len(agents) == len(on_disk)
    assert sorted(p.name for p in paths) == on_disk
    assert len({name_key(p.name) for p in paths}) == len(agents)  # distinct on Windows and macOS too
    # each file is that agent's payslip
    for path, agent in zip(paths, agents, strict=True):
        assert agent.code in "".join(PdfReader(path).pages[0].extract_text().split())


def _failing_batch(example: Database, out: Path) -> list[AgentResult]:
    """Seven agents; the folder already holds last run's files and a folder named like the 5th payslip."""
    base = _agents(example)[0]
    agents = [_as(base, f"B{i:03d}", f"坐席{i}") for i in range(1, 8)]
    out.mkdir()
    first = write_files(agents[:4], PayslipOptions(branch_name="old", month=MONTH), out)
    assert len(first) == 4
    (out / f"{MONTH}_B005_坐席5.pdf").mkdir()
    (out / "notes.txt").write_text("the manager's own file", encoding="utf-8")
    return agents


def test_failure_in_the_middle_of_a_batch_changes_nothing(example: Database, tmp_path: Path) -> None:
    out = tmp_path / "out"
    agents = _failing_batch(example, out)
    before = _tree(out)
    with pytest.raises(IsADirectoryError):
        write_files(agents, PayslipOptions(branch_name="new", month=MONTH), out)
    assert _tree(out) == before  # last run's four files untouched, no partial file, no temp folder
    assert not any(STAGE_PREFIX in p or p.endswith(".tmp") for p in _tree(tmp_path))


def test_failure_is_one_clear_line_through_the_service(
    example: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{MONTH}_A002_李四.pdf").mkdir()  # the 2nd of 3 payslips cannot be put in place
    with example.session_scope() as s, pytest.raises(ServiceError) as err:
        write_payslips(s, MONTH, out)
    assert "nothing was written" in err.value.message_en and "\n" not in err.value.message_en
    assert "未写入任何文件" in err.value.message
    assert _tree(out) == {f"{MONTH}_A002_李四.pdf": None}


def test_disk_full_message() -> None:
    import errno

    from app.reports.files import output_error_text

    zh, en = output_error_text(OSError(errno.ENOSPC, "No space left on device"), Path("/x/out"))
    assert en.startswith("the disk is full: ") and "nothing was written" in en
    assert zh.startswith("磁盘已满")


def test_failed_export_leaves_the_previous_workbook_and_no_spooled_sheets(
    example: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workbook fails after two of its six sheets went into the zip: nothing changes anywhere."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "summary.xlsx"
    with example.session_scope() as s:
        export_summary(s, MONTH, target)
    previous = target.read_bytes()
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))  # where openpyxl would spool its sheets

    real = ExcelWriter.write_worksheet
    written: list[str] = []

    def fail_third(self: ExcelWriter, ws: Any) -> None:
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        real(self, ws)
        written.append(ws.title)

    monkeypatch.setattr(ExcelWriter, "write_worksheet", fail_third)
    with example.session_scope() as s, pytest.raises(ServiceError) as err:
        export_summary(s, MONTH, target)
    assert len(written) == 2  # it did fail half-way through the zip
    assert err.value.message_en.startswith("the disk is full: ") and "nothing was written" in err.value.message_en
    assert _tree(out) == {"summary.xlsx": previous}
    assert list(system_temp.iterdir()) == []
    monkeypatch.undo()
    assert len(openpyxl.load_workbook(target).sheetnames) == len(SHEETS)


def test_export_spools_nothing_into_the_system_temp_folder(
    example: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    seen: list[list[Path]] = []
    real = ExcelWriter.write_worksheet

    def watch(self: ExcelWriter, ws: Any) -> None:
        seen.append(sorted(system_temp.rglob("*")))
        real(self, ws)

    monkeypatch.setattr(ExcelWriter, "write_worksheet", watch)
    with example.session_scope() as s:
        export_summary(s, MONTH, tmp_path / "new" / "summary.xlsx")
    assert len(seen) == len(SHEETS) and all(listing == [] for listing in seen)
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["summary.xlsx"]


def test_combined_file_under_a_chosen_name_leaves_the_default_named_file(example: Database, tmp_path: Path) -> None:
    (tmp_path / f"{MONTH}_工资条.pdf").write_bytes(b"someone else's file")
    with example.session_scope() as s:
        [path] = write_payslips(s, MONTH, tmp_path, combined=True, combined_name="十月.pdf")
    assert path == tmp_path / "十月.pdf" and len(PdfReader(path).pages) == 3
    assert _tree(tmp_path) == {f"{MONTH}_工资条.pdf": b"someone else's file", "十月.pdf": path.read_bytes()}
