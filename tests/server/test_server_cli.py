"""The real ``branchpay`` command line on a server database (issue #19): ``--db postgresql+psycopg://…``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.acceptance.conftest import EXAMPLE, Cli
from tests.acceptance.test_write_race import SALES

pytestmark = pytest.mark.slow


@pytest.fixture
def server_cli(pg_server: object) -> Cli:
    return Cli(pg_server.new_database(template=None))  # type: ignore[attr-defined, arg-type]


def test_the_worked_example_on_a_server_database(server_cli: Cli, tmp_path: Path) -> None:
    ready = server_cli("--lang", "en", "init")
    assert "database ready: postgresql+psycopg://branchpay@127.0.0.1:" in ready.out
    for kind in ("agents", "sales", "qa", "metrics", "attendance", "praise", "complaints"):
        server_cli("import", kind, EXAMPLE / f"{kind}.csv")
    server_cli("payroll", "run", "--month", "2026-10")
    shown = server_cli("payroll", "show", "--month", "2026-10", "--json").json()
    assert server_cli("payroll", "verify", "--month", "2026-10").code == 0
    server_cli("payroll", "lock", "--month", "2026-10")
    again = server_cli("payroll", "show", "--month", "2026-10", "--json").json()
    assert {k: v for k, v in again.items() if k != "status"} == {k: v for k, v in shown.items() if k != "status"}
    # A locked month refuses an import into it, as on SQLite.
    late = tmp_path / "late_sales.csv"
    late.write_text(SALES, encoding="utf-8")
    refused = server_cli("--lang", "en", "import", "sales", late, ok=False)
    assert refused.code != 0 and "locked" in refused.err
    assert server_cli("payroll", "show", "--month", "2026-10", "--json").json() == again


def test_an_unreachable_server_is_named_without_its_password() -> None:
    cli = Cli("postgresql+psycopg://clerk:TopSecret99@127.0.0.1:1/pay?connect_timeout=3")  # type: ignore[arg-type]
    result = cli("--lang", "en", "payroll", "show", "--month", "2026-10", ok=False)
    assert result.code != 0
    assert "TopSecret99" not in result.out + result.err
    assert "database server cannot be reached" in result.err
