"""Whatever a file holds, parsing returns an ImportResult — never an exception (DESIGN: no tracebacks)."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.importers import COLUMNS, KINDS, ImportResult, Table, parse_file, parse_table
from tests.importers.helpers import CTX

HEADERS = sorted({name for cols in COLUMNS.values() for c in cols for name in (c.zh, c.en)})

cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(
        [
            "迟到",
            "late",
            "是",
            "否",
            "2026-10-01",
            "2026-02-30",
            "2026-10",
            "95%",
            "-1",
            "0",
            "1e999",
            "NaN",
            "inf",
            "A001",
            "L10",
            "answer_rate",
            "9" * 40,
            " ",
            "0.5",
            "撤销",
            "市级",
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1, 1, 1)),
    st.datetimes(),
    st.times(),
    st.timedeltas(max_value=timedelta(days=10**5), min_value=timedelta(days=-(10**5))),
    st.booleans(),
)
headers = st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=8)), max_size=10)


def _check(result: ImportResult, kind: str) -> None:
    assert isinstance(result, ImportResult) and result.kind == kind
    for p in (*result.problems, *result.warnings):
        assert p.severity in ("error", "warning")
        assert p.message("zh") and p.message("en")
    assert result.adds + result.updates == len(result.rows)
    if result.ok:
        assert result.rows


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(KINDS),
    hdr=headers,
    rows=st.lists(st.lists(cells, max_size=12), max_size=8),
    use_kind_headers=st.booleans(),
)
def test_random_cells_never_crash(
    kind: str, hdr: list[str], rows: list[list[object]], use_kind_headers: bool
) -> None:
    if use_kind_headers:
        hdr = [c.zh for c in COLUMNS[kind]] + hdr
    table = Table(file="fuzz.xlsx", headers=hdr, rows=[(i + 2, list(r)) for i, r in enumerate(rows)])
    _check(parse_table(kind, table, CTX), kind)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(KINDS),
    data=st.binary(max_size=600),
    suffix=st.sampled_from([".csv", ".xlsx", ".txt"]),
)
def test_random_bytes_never_crash(kind: str, data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{suffix}"
        path.write_bytes(data)
        _check(parse_file(kind, path, CTX), kind)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(KINDS),
    body=st.lists(st.lists(st.text(max_size=10), max_size=8), max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_random_csv_text_never_crashes(kind: str, body: list[list[str]], encoding: str) -> None:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([c.en for c in COLUMNS[kind]])
    for r in body:
        w.writerow(r)
    try:
        data = buf.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buf.getvalue().encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.csv"
        path.write_bytes(data)
        _check(parse_file(kind, path, CTX), kind)


def test_odd_python_values_in_cells() -> None:
    """Values a reader might hand over that no converter expects still become problems, not crashes."""
    weird: list[object] = [
        object(),
        b"bytes",
        [1, 2],
        {"a": 1},
        time(12, 0),
        Decimal("sNaN"),
        complex(1, 2),
        datetime.max,
        date.min,
        float("nan"),
    ]
    for kind in KINDS:
        hdr = [c.en for c in COLUMNS[kind]]
        rows = [(i + 2, [w] * len(hdr)) for i, w in enumerate(weird)]
        result = parse_table(kind, Table("odd.xlsx", hdr, rows), CTX)
        _check(result, kind)
        assert not result.ok
