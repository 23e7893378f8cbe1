"""The import preview's rows: what a valid file adds, and for an update which fields change from what
to what, compared with the stored records (the docs/pay-rules.md §6 worked example); nothing is written."""

from __future__ import annotations

from pathlib import Path

from app.services.import_rows import ADD, PREVIEW_ROWS, SAME, UPDATE, FieldChange, ImportRows, preview_rows
from app.services.imports import preview_import
from db.session import Database
from tests.db_fingerprint import fingerprint

EXAMPLE = Path(__file__).resolve().parents[1] / "acceptance" / "worked_example"


def rows_of(db: Database, kind: str, path: Path, *, lang: str = "zh", limit: int = PREVIEW_ROWS) -> ImportRows:
    with db.session_scope() as session:
        result = preview_import(session, kind, path)
        assert result.ok, result.messages()
        return preview_rows(session, result, lang=lang, limit=limit)


def test_sales_update_shows_the_changed_cancel_date_and_new_policies(example: Database, tmp_path: Path) -> None:
    path = tmp_path / "sales.csv"
    path.write_text(
        "policy_no,code,product,premium,customer_level,new_customer,sign_date,cancel_date\n"
        "P-1001,a001,L10,40000,VIP,yes,2026-10-09,2026-10-30\n"  # the code in another case is the same agent
        "P-1002,A001,L10,30000,,no,2026-10-14,\n"
        "P-9001,A003,L10,1000,,no,2026-10-20,\n",
        encoding="utf-8",
    )
    before = fingerprint(example.path, ("policies", "audit_log"))
    rows = rows_of(example, "sales", path)
    assert fingerprint(example.path, ("policies", "audit_log")) == before  # the preview writes nothing
    assert [c[0] for c in rows.columns][:3] == ["policy_no", "code", "product"]
    assert [(r.row, r.action) for r in rows.rows] == [(2, UPDATE), (3, SAME), (4, ADD)]
    assert rows.rows[0].changes == (FieldChange("cancel_date", "", "2026-10-30"),)
    assert rows.rows[2].cells[:4] == ("P-9001", "A003", "L10", "1000")
    assert rows.rows[2].cells[5] == "否"
    assert rows.more == 0


def test_metric_update_shows_old_and_new_value(example: Database, tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    path.write_text("code,month,indicator,value\nA001,2026-10,answer_rate,90%\n", encoding="utf-8")
    rows = rows_of(example, "metrics", path)
    (row,) = rows.rows
    assert row.action == UPDATE
    change = row.change("value")
    assert change is not None and (change.before, change.after) == ("0.962", "0.9")


def test_agent_update_names_fields_and_never_shows_a_password(example: Database, tmp_path: Path) -> None:
    path = tmp_path / "agents.csv"
    path.write_text(
        "工号,姓名,岗位,团队,底薪,入职日期,离职日期,工资条密码\n"
        "A001,张三,电话接听岗,接听一组,4000,2025-03-01,,Secret#2468\n",
        encoding="utf-8",
    )
    rows = rows_of(example, "agents", path, lang="en")
    (row,) = rows.rows
    assert row.action == UPDATE
    assert {c.key for c in row.changes} == {"team", "payslip_password"}
    assert row.change("team") == FieldChange("team", "接听二组", "接听一组")
    assert row.change("payslip_password") == FieldChange("payslip_password", "", "(changed)")
    assert "Secret#2468" not in repr(rows)


def test_only_the_first_rows_are_described_and_the_rest_counted(example: Database, tmp_path: Path) -> None:
    path = tmp_path / "praise.csv"
    lines = "".join(f"A001,2026-10-{1 + i % 28:02d},好评 {i}\n" for i in range(40))
    path.write_text("工号,日期,说明\n" + lines, encoding="utf-8")
    rows = rows_of(example, "praise", path, limit=25)
    assert len(rows.rows) == 25 and rows.more == 15
    assert all(r.action == ADD for r in rows.rows)
    assert rows.rows[0].cells == ("A001", "2026-10-01", "好评 0")
