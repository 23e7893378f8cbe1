"""Read an ``.xlsx`` or ``.csv`` file into a plain grid of header + numbered rows.

Everything format-specific stops here: the kind parsers only ever see a
:class:`Table`, which is why they can be tested (and fuzzed) without files and why
xlsx and csv give the same problems with the same row numbers.

Head office's exports often put title rows ("2026年10月保单明细", "制表人：张三") above
the real header. A caller that knows which headers to expect passes ``is_header`` and
the header is then the first of the first :data:`HEADER_SCAN_ROWS` non-empty rows it
accepts; the skipped rows are remembered in :attr:`Table.title_rows`. Without such a
row (or without ``is_header``) the first non-empty row is the header, as always.

Cells keep the type the file gave them (text, ``int``/``float`` numbers, ``date``,
``datetime``, ``bool``, ``None``); turning a float into a number happens later via
``repr`` so that a 0.1 typed in Excel stays exactly 0.1.
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NamedTuple

from app.importers.problems import Problem

Cell = Any  # str | int | float | Decimal | date | datetime | bool | None

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}

HEADER_SCAN_ROWS = 10
"""How many non-empty rows from the top may be looked at for the header row."""

MAX_UNPACKED = 200 * 1024 * 1024
"""An xlsx is refused before it is parsed when one part, or all parts together, would unpack to more bytes.

An xlsx is a zip; its biggest real parts (a sheet of 35,000 policies, the shared strings)
unpack to tens of MB. A "zip bomb" unpacks a 1 MB file into gigabytes and ties up the PC for
minutes before any row is read."""
MAX_RATIO = 100
"""... or when a part bigger than :data:`RATIO_FROM` unpacks to more than this many times its packed size."""
RATIO_FROM = 1024 * 1024


class HeaderMatch(NamedTuple):
    """How well a row reads as the header: true when it is the header (names every required column)."""

    complete: bool
    known: int  # how many of the kind's column names it holds (to pick the likeliest header otherwise)

    def __bool__(self) -> bool:
        return self.complete


HeaderTest = Callable[[list[str]], "HeaderMatch | bool"]
"""Says whether a row, as header texts (trimmed, ``""`` for an empty cell), is the header row."""


def _load_calamine() -> Any:
    """python-calamine (Rust) reads xlsx ~10x faster than openpyxl; openpyxl stays the fallback."""
    try:
        from python_calamine import CalamineWorkbook
    except Exception:  # pragma: no cover - depends on the environment
        return None
    return CalamineWorkbook


_CalamineWorkbook: Any = _load_calamine()


@dataclass
class Table:
    """A sheet as header + rows; ``rows`` holds ``(row number as the spreadsheet shows it, cells)``.

    Fully empty rows are left out, but numbering is never shifted, so a problem on
    "row 7" is on the row the user sees as 7. ``title_rows`` are the numbers of the
    non-empty rows above ``header_row`` that were skipped as titles.
    """

    file: str
    headers: list[str]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    header_row: int = 1
    title_rows: tuple[int, ...] = ()


class TableError(Exception):
    """The file is not a spreadsheet we can read at all; carries the :class:`Problem` to show."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message("en"))
        self.problem = problem


def _fail(file: str, reason: str, reason_en: str, action: str, action_en: str) -> TableError:
    return TableError(Problem(file, None, None, reason, action, reason_en=reason_en, action_en=action_en))


def _empty(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _header_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).replace("\ufeff", "").strip()


def _match(is_header: HeaderTest, cells: list[Cell]) -> HeaderMatch:
    try:
        match = is_header([_header_text(c) for c in cells])
    except Exception:  # a strange cell must not make the whole file unreadable
        return HeaderMatch(False, 0)
    return match if isinstance(match, HeaderMatch) else HeaderMatch(bool(match), 0)


def _build(
    file: str, numbered: Iterable[tuple[int, list[Cell]]], is_header: HeaderTest | None = None
) -> Table:
    """Find the header row and keep the non-empty rows after it.

    The header is the first of the first :data:`HEADER_SCAN_ROWS` non-empty rows that
    ``is_header`` accepts. When none is (a header with a misspelt column under title rows),
    it is the row holding the most known column names if that is at least two and more than
    the first row holds — so the problems name the one misspelt column, not every column —
    else the first non-empty row.
    """
    it: Iterator[tuple[int, list[Cell]]] = iter(numbered)
    seen: list[tuple[int, list[Cell]]] = []  # the non-empty rows looked at, in order
    known: list[int] = []  # known column names in each of them
    found: int | None = None  # index in ``seen`` of the header
    for number, cells in it:
        if all(_empty(c) for c in cells):
            continue
        seen.append((number, cells))
        if is_header is None:
            found = 0
            break
        match = _match(is_header, cells)
        known.append(match.known)
        if match.complete:
            found = len(seen) - 1
            break
        if len(seen) >= HEADER_SCAN_ROWS:
            break
    if found is None and known:
        best = max(range(len(known)), key=lambda i: (known[i], -i))  # the most names; the first of equals
        if known[best] >= 2 and known[best] > known[0]:
            found = best
            it = itertools.chain(seen[best + 1 :], it)
    if not seen:
        raise _fail(
            file,
            "文件是空的，没有表头",
            "the file is empty: no header row",
            "请使用导入模板，第1行为表头，从第2行开始填写数据",
            "use the import template: headers in row 1, data from row 2",
        )
    if found is None:
        # No row looks like the header: the first non-empty row is, and the rows read past it are data.
        header_no, header = seen[0]
        title_rows: tuple[int, ...] = ()
        it = itertools.chain(seen[1:], it)
    else:
        header_no, header = seen[found]
        title_rows = tuple(n for n, _ in seen[:found])  # (rows read past a best-match header are data)
    headers = [_header_text(c) for c in header]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    rows: list[tuple[int, list[Cell]]] = []
    append = rows.append
    for number, cells in it:
        for c in cells:
            if c is not None and (not isinstance(c, str) or c.strip()):
                break
        else:
            continue
        if len(cells) > width:
            cells = cells[:width]
        append((number, cells))
    return Table(file=file, headers=headers, rows=rows, header_row=header_no, title_rows=title_rows)


def _decode(file: str, data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030, which is what Excel on Chinese Windows saves."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError:
            pass
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise _fail(
            file,
            "无法识别文件的文字编码",
            "the text encoding of the file is not recognised",
            "请在 Excel 中另存为“CSV UTF-8”或 .xlsx 后重新导入",
            'save it from Excel as "CSV UTF-8" or .xlsx and import again',
        ) from None


def _delimiter(text: str, lines: int = 50) -> str:
    """Tab or comma, judged by the first line that has either (a title line above the header may have neither)."""
    start = 0
    for _ in range(lines):
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if "\t" in line or "," in line:
            return "\t" if "," not in line else ","
        if end < 0:
            break
        start = end + 1
    return ","


def _read_csv(file: str, data: bytes, is_header: HeaderTest | None = None) -> Table:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _not_spreadsheet(file)
    text = _decode(file, data)
    if "\x00" in text:
        raise _not_spreadsheet(file)
    delimiter = _delimiter(text)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        # line_num counts physical lines; a quoted multi-line cell still belongs to its start row,
        # but spreadsheet row numbers count records, which is what Excel shows.
        return _build(file, enumerate(reader, start=1), is_header)
    except csv.Error as exc:
        raise _fail(
            file,
            f"CSV 格式有误：{exc}",
            f"the CSV file is malformed: {exc}",
            "请在 Excel 中打开并重新另存为 CSV 或 .xlsx",
            "open it in Excel and save it again as CSV or .xlsx",
        ) from None


def _not_spreadsheet(file: str) -> TableError:
    return _fail(
        file,
        "不是可读取的表格文件（.xlsx 或 .csv）",
        "this is not a readable spreadsheet (.xlsx or .csv)",
        "请使用导入模板，在 Excel 中保存为 .xlsx 或 CSV 后重新导入",
        "use the import template and save it from Excel as .xlsx or CSV",
    )


def _damaged(file: str, detail: str = "", detail_en: str = "") -> TableError:
    return _fail(
        file,
        f"文件已损坏或不是正常导出的 Excel 表格{detail}",
        f"the file is damaged or not a real export{detail_en}",
        "请在 Excel 中打开并重新另存为 .xlsx 后再导入",
        "save it again from Excel as .xlsx and import again",
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def _part_name(name: str) -> str:
    """A zip member's name as shown in a message: printable, short."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in name)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def check_xlsx_package(file: str, path: Path) -> None:
    """Refuse an xlsx whose parts would unpack to an unreasonable size, before anything parses it.

    Only the zip's directory is read (each part's declared size), which takes milliseconds even
    for a "zip bomb"; a part that unpacks to more than it declares is caught by the readers
    themselves (calamine and Python's zipfile stop at the declared size).
    """
    try:
        with zipfile.ZipFile(path) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError):
        raise _damaged(file, "（zip 结构无法读取）", " (its zip structure cannot be read)") from None
    total = 0
    for part in parts:
        size = part.file_size
        total += size
        name = _part_name(part.filename)
        if size > MAX_UNPACKED:
            raise _damaged(
                file,
                f"：其中的 {name} 解压后达 {_megabytes(size)}，超过上限 {_megabytes(MAX_UNPACKED)}",
                f": its part {name} unpacks to {_megabytes(size)}, more than the limit of {_megabytes(MAX_UNPACKED)}",
            )
        if size > RATIO_FROM and size > MAX_RATIO * max(part.compress_size, 1):
            ratio = size // max(part.compress_size, 1)
            raise _damaged(
                file,
                f"：其中的 {name} 压缩比异常（{ratio}:1，解压后 {_megabytes(size)}）",
                f": its part {name} is packed {ratio}:1, which no spreadsheet is (it unpacks to {_megabytes(size)})",
            )
    if total > MAX_UNPACKED:
        raise _damaged(
            file,
            f"：解压后共 {_megabytes(total)}，超过上限 {_megabytes(MAX_UNPACKED)}",
            f": it unpacks to {_megabytes(total)} in all, more than the limit of {_megabytes(MAX_UNPACKED)}",
        )


def _calamine_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    assert _CalamineWorkbook is not None
    wb = _CalamineWorkbook.from_path(str(path))
    try:
        sheet = wb.get_sheet_by_index(0)
        # skip_empty_area=False keeps leading empty rows so row numbers match Excel's.
        for number, cells in enumerate(sheet.to_python(skip_empty_area=False), start=1):
            yield number, [None if c == "" else c for c in cells]
    finally:
        close = getattr(wb, "close", None)
        if close is not None:
            close()


def _midnight_to_date(value: datetime) -> date | datetime:
    return value.date() if value.time() == time(0) else value


def _openpyxl_rows(path: Path) -> Iterator[tuple[int, list[Cell]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        if hasattr(ws, "reset_dimensions"):
            # Some writers store a wrong <dimension>; read-only mode would then cut rows or columns.
            ws.reset_dimensions()
        for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
            # openpyxl gives every date cell as a datetime; a date is what the user typed.
            yield number, [_midnight_to_date(c) if c.__class__ is datetime else c for c in cells]
    finally:
        wb.close()


def _read_xlsx(file: str, path: Path, engine: str | None, is_header: HeaderTest | None = None) -> Table:
    check_xlsx_package(file, path)
    use = engine or ("calamine" if _CalamineWorkbook is not None else "openpyxl")
    rows = _calamine_rows(path) if use == "calamine" else _openpyxl_rows(path)
    try:
        return _build(file, rows, is_header)
    except TableError:
        raise
    except Exception:
        raise _not_spreadsheet(file) from None


def read_table(path: Path, *, engine: str | None = None, is_header: HeaderTest | None = None) -> Table:
    """Read the first sheet of an ``.xlsx`` or a ``.csv`` file.

    The format is decided by the file's first bytes (a zip is an xlsx), not only its
    name, because users rename files. ``engine`` ("calamine" or "openpyxl") is for
    benchmarks and tests; by default the faster one installed is used.

    ``is_header`` lets the header row sit below title rows: the first of the first
    :data:`HEADER_SCAN_ROWS` non-empty rows it accepts is the header (see
    :attr:`Table.title_rows`); when it accepts none, or is not given, the first
    non-empty row is the header.

    Raises :class:`TableError` (carrying a :class:`Problem`) when the file cannot be
    read as a table at all: missing, empty, random bytes, no header.
    """
    path = Path(path)
    file = path.name
    try:
        if path.suffix.lower() in _XLSX_SUFFIXES:
            with path.open("rb") as fh:
                data_head = fh.read(8)
            if not data_head.startswith(_ZIP_MAGIC) or not zipfile.is_zipfile(path):
                if data_head.startswith(_OLE_MAGIC):
                    raise _old_xls(file)
                raise _not_spreadsheet(file)
            return _read_xlsx(file, path, engine, is_header)
        data = path.read_bytes()
        if data.startswith(_ZIP_MAGIC) and zipfile.is_zipfile(io.BytesIO(data)):
            return _read_xlsx(file, path, engine, is_header)
        if data.startswith(_OLE_MAGIC):
            raise _old_xls(file)
        return _read_csv(file, data, is_header)
    except TableError:
        raise
    except OSError as exc:
        raise _fail(
            file,
            f"无法打开文件：{exc.strerror or exc}",
            f"the file cannot be opened: {exc.strerror or exc}",
            "请确认文件存在且未被 Excel 等程序占用",
            "check that the file exists and is not open in Excel",
        ) from None
    except Exception:
        raise _not_spreadsheet(file) from None


def _old_xls(file: str) -> TableError:
    return _fail(
        file,
        "这是旧版 Excel 97-2003 (.xls) 文件",
        "this is an old Excel 97-2003 (.xls) file",
        "请在 Excel 中另存为 .xlsx 后重新导入",
        "save it from Excel as .xlsx and import again",
    )
