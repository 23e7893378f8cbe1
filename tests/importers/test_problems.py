from __future__ import annotations

from app.importers import Problem


def test_message_in_both_languages() -> None:
    p = Problem(
        "sales.csv",
        3,
        "保费",
        "不是数字 “abc”",
        "请填写数字，例如 1200.50",
        reason_en='not a number "abc"',
        action_en="enter a number such as 1200.50",
        column_alt="premium",
    )
    assert p.message("zh") == "sales.csv 第3行 保费(premium): 不是数字 “abc” — 请填写数字，例如 1200.50"
    assert (
        p.message("en")
        == 'sales.csv row 3, 保费 (premium): not a number "abc" — enter a number such as 1200.50'
    )
    assert str(p) == p.message("zh")
    assert p.reason_zh == p.reason and p.action_zh == p.action and p.is_error


def test_english_header_and_positional_construction() -> None:
    p = Problem(
        "sales.csv",
        3,
        "premium",
        "不是数字",
        "请填写数字",
        "error",
        'not a number "abc"',
        "enter a number such as 1200.50",
    )
    assert p.message("en") == 'sales.csv row 3, premium: not a number "abc" — enter a number such as 1200.50'


def test_message_without_row_or_column_and_english_fallback() -> None:
    p = Problem("x.xlsx", None, None, "文件是空的", "")
    assert p.message("zh") == "x.xlsx: 文件是空的"
    assert p.message("en") == "x.xlsx: 文件是空的"
    assert Problem("x.csv", 1, "foo", "未知的列", severity="warning").is_error is False
