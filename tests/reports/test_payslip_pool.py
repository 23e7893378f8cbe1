"""Payslips rendered by a process pool read exactly like the ones rendered in one process."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.i18n import language, set_language
from app.reports.payslip_pool import POOL_MIN_FILES, pool_size
from app.services.demo import demo_months, fill_demo
from app.services.payroll import calculate_month
from app.services.reports import write_payslips
from db.session import Database

STAMP = re.compile(r"(生成时间：|Generated )\d{4}-\d\d-\d\d \d\d:\d\d")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, str]]:
    db = Database(tmp_path_factory.mktemp("pool") / "demo.sqlite3")
    month = demo_months()[-1]
    with db.session_scope() as s:
        fill_demo(s)
    with db.session_scope() as s:
        calculate_month(s, month)
    yield db, month
    db.dispose()


@pytest.fixture
def english() -> Iterator[None]:
    before = language()
    set_language("en")
    yield
    set_language(before)


def _pages(folder: Path, password_of: dict[str, str] | None = None) -> dict[str, list[str]]:
    """Each file's text, page by page, without the minute it was generated in."""
    out = {}
    for path in sorted(folder.iterdir()):
        reader = PdfReader(path)
        if password_of is not None:
            code = path.name.split("_")[1]
            assert reader.is_encrypted and reader.decrypt(password_of[code])
        out[path.name] = [STAMP.sub("", page.extract_text()) for page in reader.pages]
    return out


def _serial_and_pooled(db: Database, month: str, tmp_path: Path, *, encrypt: bool = False) -> tuple[Path, Path]:
    with db.session_scope() as s:
        serial = write_payslips(s, month, tmp_path / "serial", workers=1, encrypt=encrypt)
    with db.session_scope() as s:
        pooled = write_payslips(s, month, tmp_path / "pooled", workers=2, encrypt=encrypt)
    assert [p.name for p in pooled] == [p.name for p in serial]  # same files, same order
    assert len(serial) > 2
    return tmp_path / "serial", tmp_path / "pooled"


def test_pooled_payslips_have_the_same_text_as_serial(demo: tuple[Database, str], tmp_path: Path) -> None:
    serial, pooled = _serial_and_pooled(*demo, tmp_path)
    expected = _pages(serial)
    assert _pages(pooled) == expected
    assert all("工资条" in pages[0] for pages in expected.values())
    assert not list(tmp_path.glob("*/.*"))  # no stage or partial file left behind


def test_pooled_payslips_follow_the_language(
    demo: tuple[Database, str], tmp_path: Path, english: None
) -> None:
    serial, pooled = _serial_and_pooled(*demo, tmp_path)
    expected = _pages(serial)
    assert _pages(pooled) == expected
    assert all("Payslip" in pages[0] for pages in expected.values())  # not the worker's default zh


def test_pooled_encrypted_payslips_open_with_each_password(demo: tuple[Database, str], tmp_path: Path) -> None:
    from sqlalchemy import select

    from db.models import Agent

    db, month = demo
    with db.session_scope() as s:
        for agent in s.scalars(select(Agent)):
            agent.payslip_password = f"pw-{agent.code}"
        password_of = {a.code: f"pw-{a.code}" for a in s.scalars(select(Agent))}
    serial, pooled = _serial_and_pooled(db, month, tmp_path, encrypt=True)
    assert _pages(pooled, password_of) == _pages(serial, password_of)


def test_pool_only_for_batches_worth_its_start_up() -> None:
    assert pool_size(1) == 1
    assert pool_size(POOL_MIN_FILES - 1) == 1
    assert pool_size(POOL_MIN_FILES) >= 1
    assert pool_size(5, workers=2) == 2
    assert pool_size(1, workers=4) == 1


def test_the_command_renders_a_big_batch_in_worker_processes(tmp_path: Path) -> None:
    """``branchpay payslips`` as a real process: a batch big enough for the pool, spawned
    workers re-importing the command's module, every file complete and nothing half-written."""
    import subprocess
    import sys

    from app.services.payroll import show_month

    db = Database(tmp_path / "big.sqlite3")
    month = demo_months()[-1]
    with db.session_scope() as s:
        fill_demo(s, agents=POOL_MIN_FILES + 10)
    with db.session_scope() as s:
        calculate_month(s, month)
    with db.session_scope() as s:
        codes = sorted(a.code for a in show_month(s, month).agents)
    db.dispose()
    assert len(codes) >= POOL_MIN_FILES
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "app.cli", "--db", str(tmp_path / "big.sqlite3"), "payslips", "--month", month,
         "--out", str(out)],
        capture_output=True, timeout=300, cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    files = sorted(out.iterdir())
    assert sorted(p.name.split("_")[1] for p in files) == codes
    for path in files:
        (page,) = PdfReader(path).pages
        assert path.name.split("_")[1] in "".join(page.extract_text().split())
