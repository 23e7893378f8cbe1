"""The docs/pay-rules.md §6 worked example, imported through the services (no subprocess, no Qt)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from app.services.imports import commit_import
from app.services.payroll import calculate_month
from app.services.settings import set_setting
from app.services.setup import initialise
from db.models import Agent
from db.session import Database
from tests.acceptance.conftest import EXAMPLE

MONTH = "2026-10"
KINDS = ("agents", "sales", "qa", "metrics", "attendance", "praise", "complaints")


def build_example(
    folder: Path,
    *,
    agents_csv: str | None = None,
    passwords: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
    extra: dict[str, str] | None = None,
    calculate: bool = True,
    location: str | None = None,
) -> Database:
    """A database holding the worked example, calculated for 2026-10 (unless ``calculate=False``).

    ``agents_csv`` replaces the agents file (e.g. to give someone a hostile name), ``extra``
    adds import files (kind → CSV text) after the example's, ``passwords`` sets payslip
    passwords by agent code. ``location`` puts the database elsewhere than ``folder``: a server URL
    (the ``db_location`` fixture).
    """
    files = folder / "files"
    files.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        shutil.copy(EXAMPLE / f"{kind}.csv", files / f"{kind}.csv")
    if agents_csv is not None:
        (files / "agents.csv").write_text(agents_csv, encoding="utf-8")
    db = Database(location or folder / "branchpay.sqlite3")
    with db.session_scope() as s:
        initialise(s)
        for kind in KINDS:
            commit_import(s, kind, files / f"{kind}.csv")
        for kind, text in (extra or {}).items():
            path = files / f"extra_{kind}.csv"
            path.write_text(text, encoding="utf-8")
            commit_import(s, kind, path)
        for code, password in (passwords or {}).items():
            s.execute(update(Agent).where(Agent.code == code).values(payslip_password=password))
        for key, value in (settings or {}).items():
            set_setting(s, key, value)
        if calculate:
            calculate_month(s, MONTH)
    return db


@pytest.fixture
def make_example(tmp_path: Path) -> Iterator[Callable[..., Database]]:
    made: list[Database] = []

    def make(**kwargs: object) -> Database:
        db = build_example(tmp_path / f"db{len(made)}", **kwargs)  # type: ignore[arg-type]
        made.append(db)
        return db

    yield make
    for db in made:
        db.dispose()


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The plain worked example, shared by the read-only tests of a module."""
    db = build_example(
        tmp_path_factory.mktemp("example"),
        passwords={"A001": "zs-10001", "A002": "ls-20002", "A003": "ww-30003"},
    )
    yield db
    db.dispose()
