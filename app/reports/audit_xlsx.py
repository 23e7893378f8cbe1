"""The audit log as an Excel workbook (``audit --out``, the audit log viewer's export)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.audit_log import AuditEntry

HEADERS = (
    ("时间", "Time"), ("用户", "User"), ("操作", "Action"), ("对象", "Entity"), ("键", "Key"),
    ("修改前", "Before"), ("修改后", "After"), ("原因", "Reason"),
)


def write_audit_xlsx(entries: Sequence[AuditEntry], path: Path, *, title: str, lang: str = "zh") -> None:
    """One sheet: a title row, the header row, then one row per entry (as text; the time as a date-time)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "审计日志" if lang != "en" else "Audit log"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([en if lang == "en" else zh for zh, en in HEADERS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for e in entries:
        sheet.append([e.at, e.user, e.action, e.entity, e.key, e.before, e.after, e.reason])
    for row in sheet.iter_rows(min_row=3, max_col=1):
        row[0].number_format = "yyyy-mm-dd hh:mm:ss"
    for letter, width in zip("ABCDEFGH", (20, 12, 22, 12, 16, 40, 40, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    book.save(path)
