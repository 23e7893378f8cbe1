"""An .xlsx that would unpack to gigabytes ("zip bomb") is refused at once, before any parser sees it."""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.importers import parse_file
from app.importers.table import MAX_UNPACKED, TableError, check_xlsx_package
from app.services.imports import ImportRefused, commit_import
from db.session import Database
from tests.db_fingerprint import fingerprint
from tests.importers.helpers import CTX, write_file
from tests.reports.conftest import build_example

GIB = 1 << 30


def _skeleton() -> dict[str, bytes]:
    """The parts of a real one-sheet workbook (openpyxl's), whose cell A1 is shared string 0."""
    wb = Workbook()
    wb.active["A1"] = "工号"
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        return {name: z.read(name) for name in z.namelist()}


def _deflate_repeated(head: bytes, piece: bytes, count: int, tail: bytes) -> tuple[bytes, int, int]:
    """A raw deflate stream of ``head + piece * count + tail``, its CRC-32 and its unpacked size.

    ``piece`` is compressed once and its (independent, byte-aligned) deflate blocks repeated,
    so a 1 GiB part takes a fraction of a second and about 1 MB to make.
    """

    def blocks(data: bytes, mode: int) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(mode)

    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(piece, crc)
    crc = zlib.crc32(tail, crc)
    data = blocks(head, zlib.Z_FULL_FLUSH) + blocks(piece, zlib.Z_FULL_FLUSH) * count + blocks(tail, zlib.Z_FINISH)
    return data, crc, len(head) + len(piece) * count + len(tail)


def _write_deflated(zf: zipfile.ZipFile, name: str, data: bytes, crc: int, size: int) -> None:
    """Add an already-deflated member: zipfile itself cannot take pre-compressed data."""
    info = zipfile.ZipInfo(name, date_time=(2026, 10, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.file_size, info.compress_size, info.CRC = size, len(data), crc
    info.header_offset = zf.fp.tell()  # type: ignore[union-attr]
    zf.fp.write(info.FileHeader(zip64=True))  # type: ignore[union-attr]
    zf.fp.write(data)  # type: ignore[union-attr]
    zf.filelist.append(info)
    zf.NameToInfo[info.filename] = info
    zf.start_dir = zf.fp.tell()  # type: ignore[union-attr]


def write_bomb(path: Path, unpacked: int = GIB) -> Path:
    """A real workbook whose ``xl/sharedStrings.xml`` is one string of ``unpacked`` bytes of "A"."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
    )
    piece = b"A" * (1 << 20)
    data, crc, size = _deflate_repeated(head, piece, unpacked // len(piece), b"</t></si></sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in _skeleton().items():
            if name != "xl/sharedStrings.xml":
                zf.writestr(name, content)
        # the already-deflated part goes in as it is (zipfile cannot take pre-compressed data)
        _write_deflated(zf, "xl/sharedStrings.xml", data, crc, size)
    return path


def test_the_bomb_is_a_real_workbook(tmp_path: Path) -> None:
    """The test file is what it claims: a valid zip whose shared strings really unpack to 1 GiB."""
    path = write_bomb(tmp_path / "agents.xlsx", unpacked=64 << 20)  # the same, smaller, to read through here
    assert path.stat().st_size < 1 << 20
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        unpacked = 0
        with z.open("xl/sharedStrings.xml") as fh:
            while chunk := fh.read(1 << 22):
                unpacked += len(chunk)
    assert unpacked > 64 << 20
    big = write_bomb(tmp_path / "big.xlsx")
    [info] = [i for i in zipfile.ZipFile(big).infolist() if i.filename == "xl/sharedStrings.xml"]
    assert info.file_size > GIB and big.stat().st_size < 2 << 20


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_bomb_is_refused_in_seconds_naming_the_file(tmp_path: Path, engine: str) -> None:
    from app.importers.table import read_table

    path = write_bomb(tmp_path / "坐席名单.xlsx")
    started = time.monotonic()
    with pytest.raises(TableError) as err:
        read_table(path, engine=engine)
    assert time.monotonic() - started < 5
    problem = err.value.problem
    assert problem.file == "坐席名单.xlsx"
    assert "damaged or not a real export" in problem.reason_en and "xl/sharedStrings.xml" in problem.reason_en
    assert "save it again from Excel" in problem.action_en
    assert "损坏" in problem.reason and "Excel" in problem.action


@pytest.fixture
def example(tmp_path: Path) -> Iterator[Database]:
    db = build_example(tmp_path / "db", calculate=False)
    yield db
    db.dispose()


def test_bomb_import_writes_nothing(example: Database, tmp_path: Path) -> None:
    tables = ("agents", "attendance", "audit_log")
    before = fingerprint(example.path, tables)
    path = write_bomb(tmp_path / "agents.xlsx")
    started = time.monotonic()
    with example.session_scope() as s, pytest.raises(ImportRefused) as err:
        commit_import(s, "agents", path)
    assert time.monotonic() - started < 5
    assert "agents.xlsx" in err.value.message_en and "damaged" in err.value.message_en
    assert fingerprint(example.path, tables) == before


def test_highly_packed_part_is_refused_even_when_smaller_than_the_limit(tmp_path: Path) -> None:
    path = write_bomb(tmp_path / "sales.xlsx", unpacked=32 << 20)  # ~1000:1
    result = parse_file("sales", path, CTX)
    [problem] = result.problems
    assert "xl/sharedStrings.xml is packed" in problem.reason_en and problem.file == "sales.xlsx"


def test_total_size_is_limited(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in _skeleton().items():
            zf.writestr(name, content)
        for i in range(3):  # three parts of MAX_UNPACKED / 2 each: each fine, together too much
            data, crc, size = _deflate_repeated(b"", b"<x/>" * (1 << 18), MAX_UNPACKED // 2 // (1 << 20), b"")
            _write_deflated(zf, f"xl/media/pad{i}.xml", data, crc, size)
    with pytest.raises(TableError) as err:
        check_xlsx_package("many.xlsx", path)
    assert "damaged or not a real export" in err.value.problem.reason_en


def test_ordinary_xlsx_passes_the_check(tmp_path: Path) -> None:
    row = {"code": "B001", "name": "张三", "base_salary": "4000", "hire_date": "2025-03-01"}
    path = write_file(tmp_path, "agents", [row], fmt="xlsx", keys=list(row))
    check_xlsx_package(path.name, path)
    assert not parse_file("agents", path, CTX).problems


@pytest.mark.parametrize("data", [b"just text, not a zip", b"PK\x03\x04" + b"\x00" * 200])
def test_non_zip_xlsx_is_a_clear_problem(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "agents.xlsx"
    path.write_bytes(data)
    [problem] = parse_file("agents", path, CTX).problems
    assert problem.file == "agents.xlsx" and problem.row is None
    assert "not a readable spreadsheet" in problem.reason_en and "Excel" in problem.action_en
