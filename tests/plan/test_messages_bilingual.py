"""Plan validation problems exist in Chinese and English, in the same order, with the same key paths."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.i18n import set_language
from app.plan.toml_io import PlanError, load_plan
from app.services.errors import ValidationFailed
from app.services.plans import save_plan

CJK = re.compile(r"[\u4e00-\u9fff]")

# unknown key, tiers not starting at 0, non-increasing tiers, negative rate, weight 0,
# bands without min 0, bad effective_from
BAD = """
name = "坏方案"
effective_from = "2026-13"

[pay]
colour = "blue"

[commission]
tiers = [
  { from = 100, rate = 0.02 },
  { from = 50, rate = -0.03 },
]

[quality]
bands = [ { min = 90, coefficient = 1.1 }, { min = 60, coefficient = 1 } ]

[kpi]
indicators = [ { code = "answer_rate", weight = 0, target = 0.9, step = 0.01 } ]
"""

EXPECTED_PATHS = [
    "effective_from",
    "pay.colour",
    "commission.tiers[0].from",
    "commission.tiers[1].rate",
    "commission.tiers[1].from",
    "quality.bands",
    "kpi.indicators[0].weight",
]


@pytest.fixture(autouse=True)
def _chinese_by_default() -> Iterator[None]:
    set_language("zh")
    yield
    set_language("zh")


def _error(text: str) -> PlanError:
    with pytest.raises(PlanError) as info:
        load_plan(text)
    return info.value


def _path(problem: str) -> str:
    return problem.partition(": ")[0]


def test_chinese_problems_mirror_the_english_ones() -> None:
    err = _error(BAD)
    assert [_path(p) for p in err.problems] == EXPECTED_PATHS
    assert len(err.problems_zh) == len(err.problems)
    assert [_path(p) for p in err.problems_zh] == EXPECTED_PATHS
    for en, zh in zip(err.problems, err.problems_zh, strict=True):
        assert zh.startswith(_path(en) + ": "), (en, zh)
        assert CJK.search(zh.partition(": ")[2]), zh
        assert not CJK.search(en), en
    assert err.messages("en") == err.problems
    assert err.messages("zh") == err.problems_zh


def test_english_text_is_unchanged_and_chinese_reads_naturally() -> None:
    err = _error(BAD)
    assert "commission.tiers[1].rate: must not be negative (got -0.03)" in err.problems
    assert "commission.tiers[1].rate: 不能为负数（当前为 -0.03）" in err.problems_zh
    assert "pay.colour: 未知的键（此处允许：calendar, days_per_month）" in err.problems_zh
    assert "kpi.indicators[0].weight: 必须大于 0（当前为 0）" in err.problems_zh
    assert any(p.startswith("quality.bands: ") and "min = 0" in p for p in err.problems_zh)


def test_messages_follow_the_app_language_by_default() -> None:
    err = _error(BAD)
    assert err.messages() == err.problems_zh
    set_language("en")
    assert err.messages() == err.problems


def test_not_toml_is_bilingual() -> None:
    err = _error("name = [")
    assert err.problems[0].startswith("not valid TOML")
    assert len(err.problems_zh) == 1 and CJK.search(err.problems_zh[0])


def test_every_message_kind_has_chinese() -> None:
    text = """
schema = 2
name = ""
effective_from = 202601
extra = 1
leave_pay_ratio = { sick = "lots", annual = 2 }
products = [ { code = "P", factor = true }, { code = "P" }, 3 ]
[commission]
mode = "flat"
tiers = [ { from = 0, rate = 0.02 }, { from = 0, rate = 0.03 } ]
level_bonus_rate = { VIP = "x%" }
[quality]
min_evaluations = 1.5
bands = [ { min = 0, coefficient = 1 }, { min = 0, coefficient = 2 } ]
grades = "A"
[kpi]
standard = 90
bonus_from = 80
indicators = [ { code = "a", target = 1, step = 1, better = "more" }, { code = "a", target = 1, step = 1 } ]
[attendance]
late_free = -1
late = [ { up_to_minutes = 30, amount = 10 }, { up_to_minutes = 10, amount = 20 } ]
full_attendance_breakers = ["holiday"]
[awards]
top_share = 2
exclude_penalized = "yes"
[limits]
penalty_share = "abc"
"""
    err = _error(text)
    assert len(err.problems) >= 20
    assert len(err.problems_zh) == len(err.problems)
    for en, zh in zip(err.problems, err.problems_zh, strict=True):
        assert _path(zh) == _path(en)
        assert CJK.search(zh), zh


def test_save_plan_reports_both_languages(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as info:
        save_plan(None, BAD, source="bad.toml")  # type: ignore[arg-type]  # fails before the session is used
    exc = info.value
    assert len(exc.problems) == len(exc.problems_en) == len(EXPECTED_PATHS)
    assert all(p.startswith("bad.toml: ") for p in exc.problems + exc.problems_en)
    assert "bad.toml: commission.tiers[1].rate: 不能为负数（当前为 -0.03）" in exc.problems
    assert "bad.toml: commission.tiers[1].rate: must not be negative (got -0.03)" in exc.problems_en
    assert "不能为负数" in exc.text("zh") and "must not be negative" in exc.text("en")


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    from app.cli import main

    assert main(["--db", str(tmp_path / "x.sqlite3"), "init"]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD, encoding="utf-8")
    return bad


def test_cli_plan_import_prints_chinese_by_default(
    bad_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    capsys.readouterr()
    code = main(["--db", str(tmp_path / "x.sqlite3"), "plan", "import", str(bad_file)])
    err = capsys.readouterr().err
    assert code != 0
    assert "bad.toml: commission.tiers[1].rate: 不能为负数（当前为 -0.03）" in err
    assert "pay.colour: 未知的键" in err
    assert "must not be negative" not in err


def test_cli_plan_import_prints_english_with_lang_en(
    bad_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    capsys.readouterr()
    code = main(["--lang", "en", "--db", str(tmp_path / "x.sqlite3"), "plan", "import", str(bad_file)])
    first_line = capsys.readouterr().err.splitlines()[0]
    assert code != 0
    assert "bad.toml: commission.tiers[1].rate: must not be negative (got -0.03)" in first_line
    assert "pay.colour: unknown key" in first_line
    assert not CJK.search(first_line)


def test_cli_plan_import_with_lang_en_prints_no_chinese_details(
    bad_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    capsys.readouterr()
    main(["--lang", "en", "--db", str(tmp_path / "x.sqlite3"), "plan", "import", str(bad_file)])
    assert not CJK.search(capsys.readouterr().err)
