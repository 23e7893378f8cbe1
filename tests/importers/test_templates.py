"""Each template opens as its kind's headers, and its example row imports cleanly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from app.importers import COLUMNS, KINDS, ImportContext, parse_file, read_table
from app.importers.templates import (
    EXAMPLE_AGENT,
    EXAMPLE_INDICATOR,
    EXAMPLE_PRODUCT,
    EXAMPLE_SCORECARD,
    write_template,
)

CTX = ImportContext(
    agents={EXAMPLE_AGENT: (date(2020, 1, 1), None)},
    products={EXAMPLE_PRODUCT},
    indicators={EXAMPLE_INDICATOR},
    scorecards={EXAMPLE_SCORECARD},
)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_template_round_trip(tmp_path: Path, kind: str, lang: str) -> None:
    path = tmp_path / f"{kind}.xlsx"
    write_template(kind, path, lang=lang)
    table = read_table(path)
    expected = [c.zh if lang == "zh" else c.en for c in COLUMNS[kind]]
    assert table.headers == expected
    result = parse_file(kind, path, CTX)
    assert result.ok, result.messages("en")
    assert result.warnings == []
    assert len(result.rows) == 1 and result.rows[0].row == 2


@pytest.mark.parametrize("kind", KINDS)
def test_template_formatting(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.xlsx"
    write_template(kind, path, lang="zh")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "A2"
    assert all(ws.cell(row=1, column=i + 1).font.bold for i in range(len(COLUMNS[kind])))
    assert wb.sheetnames[1] == "说明"
    help_ws = wb.worksheets[1]
    assert [help_ws.cell(row=i + 2, column=1).value for i in range(len(COLUMNS[kind]))] == [
        c.zh for c in COLUMNS[kind]
    ]
    for i, col in enumerate(COLUMNS[kind], start=1):
        if col.key.endswith("date"):
            assert ws.cell(row=2, column=i).number_format == "yyyy-mm-dd"
            assert ws.cell(row=500, column=i).number_format == "yyyy-mm-dd"
        if col.key == "month":
            assert ws.cell(row=3, column=i).number_format == "@"
    validations = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    if kind == "attendance":
        assert "迟到" in validations["C2"] and "其他假" in validations["C2"]
    if kind == "complaints":
        assert validations["C2"] == '"热线,市级,省级"'
        assert validations["D2"] == '"待定,成立,不成立"'
    if kind == "qa":
        assert set(validations.values()) == {'"是,否"', '"有效,撤销"'}
    if kind == "sales":
        assert list(validations.values()) == ['"是,否"']


def test_english_template_has_help_sheet_and_english_words(tmp_path: Path) -> None:
    path = tmp_path / "attendance.xlsx"
    write_template("attendance", path, lang="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Attendance", "Help"]
    dv = wb.worksheets[0].data_validations.dataValidation[0]
    assert dv.formula1 == '"late,early_leave,away,swap,absence,personal,sick,annual,other"'


def test_unknown_kind(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_template("nope", tmp_path / "x.xlsx")


def test_help_sheet_states_each_text_columns_maximum_length(tmp_path: Path) -> None:
    from app.fields import NAME_MAX

    path = tmp_path / "agents.xlsx"
    write_template("agents", path, lang="en")
    help_ws = openpyxl.load_workbook(path)["Help"]
    texts = {help_ws.cell(row=r, column=1).value: help_ws.cell(row=r, column=4).value for r in range(2, 10)}
    assert str(texts["name"]).endswith(f"at most {NAME_MAX} characters")
    assert "at most" not in str(texts["base_salary"])
