"""Appeals through the real ``branchpay`` command (docs/formats.md): import, list, lock refusal and
override, decide, and the locked month's correction in the next month."""

from __future__ import annotations

from pathlib import Path

from tests.acceptance.conftest import Cli

HEADER = "工号,对象,记录日期,指标,申诉日期,理由\n"


def _file(tmp_path: Path, name: str, rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_appeals_from_import_to_correction(example_db: Cli, tmp_path: Path) -> None:
    cli = example_db
    # A row that matches no record (A001 has no complaint) refuses the whole file, naming the row.
    bad = _file(tmp_path, "bad.csv", "A003,投诉,2026-10-20,,2026-10-22,解释过\nA001,投诉,2026-10-05,,2026-10-06,没有\n")
    r = cli("import", "appeals", bad, ok=False)
    assert r.code == 1 and "第3行" in r.err and "没有可申诉的投诉记录" in r.err
    assert cli("appeal", "list", "--json").json() == []
    # Late without an override reason: a problem naming the row and the filing date column.
    late = _file(tmp_path, "late.csv", "A003,投诉,2026-10-20,,2026-11-20,解释过\n")
    r = cli("--lang", "en", "import", "appeals", late, ok=False)
    assert "row 2" in r.err and "appeals closed on 2026-10-27" in r.err

    good = _file(tmp_path, "good.csv", "A003,投诉,2026-10-20,,2026-10-22,解释过\n"
                 "A002,指标,2026-10-31,answer_rate,2026-11-02,话务系统漏计\n"
                 "A003,考勤,2026-10-14,,2026-10-15,系统故障\n")
    cli("import", "appeals", good)
    listed = cli("appeal", "list", "--month", "2026-10", "--json").json()
    assert listed == [
        {"id": 1, "code": "A003", "record": "complaint", "record_date": "2026-10-20", "status": "pending"},
        {"id": 2, "code": "A002", "record": "metric", "record_date": "2026-10-31", "status": "pending"},
        {"id": 3, "code": "A003", "record": "attendance", "record_date": "2026-10-14", "status": "pending"},
    ]

    cli("payroll", "run", "--month", "2026-10")
    shown = cli("--lang", "en", "payroll", "show", "--month", "2026-10", "--json").json()
    assert shown["notices"][0]["text"].startswith("3 appeal(s) against this month's records are still pending")
    r = cli("--lang", "en", "payroll", "lock", "--month", "2026-10", ok=False)
    assert r.code == 1 and "3 appeal(s)" in r.err and "--with-pending-appeals" in r.err
    r = cli("payroll", "lock", "--month", "2026-10", "--with-pending-appeals", ok=False)
    assert "须填写原因" in r.err

    cli("appeal", "decide", "1", "--rejected", "--comment", "录音不支持")
    r = cli("appeal", "decide", "2", "--upheld", "--comment", "x", ok=False)  # a metric needs --value
    assert r.code == 1
    cli("appeal", "decide", "2", "--upheld", "--value", "0.95", "--comment", "系统漏计已核实")
    cli("payroll", "run", "--month", "2026-10")  # the metric changed in the open month
    cli("payroll", "lock", "--month", "2026-10", "--with-pending-appeals", "--reason", "考勤申诉待人事核实")

    # Hand-derived: A003's lates were 5, 25 and 45 minutes → 20 + 50 + 100, away twice 60: 230 under the cap.
    # Voiding the 25-minute late gives back exactly 50.00; nothing else about A003 moves.
    r = cli("appeal", "decide", "3", "--upheld", "--comment", "打卡机故障已核实")
    assert "2026-11" in r.out and "50.00" in r.out
    cli("payroll", "run", "--month", "2026-11")
    nov = cli("payroll", "show", "--month", "2026-11", "--json").json()
    a003 = next(a for a in nov["agents"] if a["code"] == "A003")
    corrections = [line for line in a003["lines"] if line["code"] == "appeal_correction"]
    assert [(c["amount"], c["label"]) for c in corrections] == [("50.00", "申诉更正")]
    assert "2026-10" in corrections[0]["detail"] and "#3" in corrections[0]["detail"]
    assert "考勤扣款 -230.00 → -180.00" in corrections[0]["detail"]
    oct_ = cli("payroll", "show", "--month", "2026-10", "--json").json()
    assert next(a for a in oct_["agents"] if a["code"] == "A003")["net"] == "4091.90"  # untouched
    statuses = [a["status"] for a in cli("appeal", "list", "--json").json()]
    assert statuses == ["rejected", "upheld", "upheld"]


def test_export_publication_of_a_locked_month(example_db: Cli, tmp_path: Path) -> None:
    cli = example_db
    cli("payroll", "run", "--month", "2026-10")
    r = cli("--lang", "en", "export", "publication", "--month", "2026-10", "--out", tmp_path / "p.pdf", ok=False)
    assert r.code == 1 and "locked month only" in r.err and not (tmp_path / "p.pdf").exists()
    cli("payroll", "lock", "--month", "2026-10")
    cli("export", "publication", "--month", "2026-10", "--out", tmp_path / "p.pdf")
    cli("export", "publication", "--month", "2026-10", "--out", tmp_path / "p.xlsx")
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF") and (tmp_path / "p.xlsx").stat().st_size > 0
    cli("export", "--month", "2026-10", "--out", tmp_path / "summary.xlsx")  # the summary, as before
    assert (tmp_path / "summary.xlsx").exists()
