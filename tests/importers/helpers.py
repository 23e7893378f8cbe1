"""Build import files the way users' tools do: CSV in several encodings, xlsx via openpyxl."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from app.importers import COLUMNS, ImportContext

FORMATS = ("csv-utf8", "csv-bom", "csv-gb18030", "xlsx")

CTX = ImportContext(
    agents={
        "A001": (date(2025, 3, 1), None),
        "A002": (date(2026, 10, 16), None),
        "A003": (date(2024, 1, 1), date(2026, 10, 20)),
    },
    products={"L10", "ACC1"},
    indicators={"answer_rate", "satisfaction"},
    scorecards={"电话回访岗", "SC01"},
    locked_months={"2026-09"},
    existing_policies={"P900": date(2026, 9, 10)},
    existing_metric_keys={("A001", "2026-10", "answer_rate")},
    existing_target_keys={("A001", "q_premium", "2026-Q4")},
)


def header_names(kind: str, lang: str, keys: Sequence[str]) -> list[str]:
    by_key = {c.key: c for c in COLUMNS[kind]}
    return [by_key[k].zh if lang == "zh" else by_key[k].en for k in keys]


def write_file(
    tmp_path: Path,
    kind: str,
    rows: Sequence[Mapping[str, object]],
    *,
    fmt: str = "csv-utf8",
    lang: str = "zh",
    keys: Sequence[str] | None = None,
    shuffle: int | None = None,
    name: str | None = None,
) -> Path:
    """Write ``rows`` (column key → cell) under headers in ``lang``; ``shuffle`` seeds a column order."""
    keys = list(keys or [c.key for c in COLUMNS[kind]])
    if shuffle is not None:
        random.Random(shuffle).shuffle(keys)
    headers = header_names(kind, lang, keys)
    table = [[row.get(k) for k in keys] for row in rows]
    ext = "xlsx" if fmt == "xlsx" else "csv"
    path = tmp_path / (name or f"{kind}.{ext}")
    if fmt == "xlsx":
        write_xlsx(path, [headers, *table])
    else:
        encoding = {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-gb18030": "gb18030"}[fmt]
        write_csv(path, [headers, *table], encoding)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for r in rows:
        w.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else v for v in r])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path
