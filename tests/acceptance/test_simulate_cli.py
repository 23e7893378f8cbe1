"""``branchpay simulate`` (docs/formats.md): the JSON shape, the table, bad draft files, nothing written."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from app.services.demo import demo_months
from tests.acceptance.conftest import Cli
from tests.db_fingerprint import fingerprint

MONTHS = demo_months()


@pytest.fixture
def demo(cli: Cli, tmp_path: Path) -> Cli:
    """The demo branch as filled (the first two months locked, the last calculated); the plan in force and a
    richer draft."""
    cli("demo")
    cli("plan", "export", "--month", MONTHS[0], "--out", tmp_path / "same.toml")
    text = (tmp_path / "same.toml").read_text(encoding="utf-8")
    (tmp_path / "rich.toml").write_text(
        text.replace("rate = 0.02", "rate = 0.03", 1).replace('name = "', 'name = "草稿 ', 1), encoding="utf-8")
    return cli


def _tables(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]


def test_json_shape_and_zero_difference_for_the_plan_in_force(demo: Cli, tmp_path: Path) -> None:
    tables = _tables(demo.db)
    before = fingerprint(demo.db, tables)
    out = demo("simulate", "--month", ",".join(MONTHS), "--plan", tmp_path / "same.toml",
               "--plan", tmp_path / "rich.toml", "--json").json()
    assert fingerprint(demo.db, tables) == before
    assert list(out) == ["months"] and list(out["months"]) == MONTHS
    shown = demo("payroll", "show", "--month", MONTHS[0], "--json").json()
    for month in MONTHS:
        same, rich = out["months"][month]["plans"]
        assert list(out["months"][month]) == ["plans"]
        assert set(same) == {"name", "totals", "agents"}
        assert same["totals"]["delta"] == "0.00" and same["totals"]["gainers"] == 0
        for agent in same["agents"]:
            assert set(agent) == {"code", "net", "delta", "lines"}
            assert agent["delta"] == "0.00"
            for line in agent["lines"]:
                assert set(line) == {"code", "amount", "delta"} and line["delta"] == "0.00"
                assert Decimal(line["amount"]).as_tuple().exponent == -2
        assert rich["name"].startswith("草稿")
        assert Decimal(rich["totals"]["delta"]) > 0 and rich["totals"]["losers"] == 0
        assert rich["totals"]["net"] == f"{sum(Decimal(a['net']) for a in rich['agents']):.2f}"
    same_first = out["months"][MONTHS[0]]["plans"][0]
    assert {a["code"]: a["net"] for a in same_first["agents"]} == {a["code"]: a["net"] for a in shown["agents"]}


def test_table_names_the_months_and_who_gains(demo: Cli, tmp_path: Path) -> None:
    out = demo("--lang", "en", "simulate", "--month", MONTHS[-1], "--plan", tmp_path / "rich.toml").out
    assert MONTHS[-1] in out and "against the stored result" in out
    assert " gain, 0 lose" in out and "largest changes:" in out
    zh = demo("simulate", "--month", MONTHS[0], "--plan", tmp_path / "same.toml").out
    assert "已锁定" in zh and "增加 0 人，减少 0 人" in zh


def test_a_bad_draft_is_refused_in_one_line_naming_the_file(demo: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text('schema = 1\nname = "x"\neffective_from = "2026-13"\n[commission]\ntiers = []\n', encoding="utf-8")
    result = demo("simulate", "--month", MONTHS[0], "--plan", tmp_path / "same.toml", "--plan", bad, ok=False)
    assert result.code == 1 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and "broken.toml" in result.err
    missing = demo("simulate", "--month", MONTHS[0], "--plan", tmp_path / "nope.toml", ok=False)
    assert missing.code == 1 and "nope.toml" in missing.err
    four = demo("simulate", "--month", MONTHS[0], *["--plan", str(tmp_path / "same.toml")] * 4, ok=False)
    assert four.code == 1 and "1 至 3" in four.err
