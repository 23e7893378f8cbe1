"""奖惩公示 (publication notice, docs/pay-rules.md §11): an A4 PDF and an ``.xlsx`` for a locked month.

It lists the month's awards and the penalties that stood (upheld complaints by level, attendance
categories, fatal QA errors) by agent code and name, with the date the appeal window closes and a
signature block. Salaries and net pay are never on it; amounts only when the plan's
``publication.show_amounts`` is true (``Publication.show_amounts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from app.money import fmt_money

SIGNATURES: tuple[tuple[str, str], ...] = (("制表", "Prepared by"), ("审核", "Checked by"), ("负责人", "Approved by"))


@dataclass(frozen=True)
class PublicationEntry:
    """One line of the notice: an award or a penalty of one agent. ``amount`` is None when not shown."""

    code: str
    name: str
    item: str  # 月度优秀奖, 投诉, 考勤, 质检致命差错 …
    detail: str  # 市级投诉 1 次; 迟到 3 次、空岗 2 次 …
    amount: Decimal | None


@dataclass(frozen=True)
class Publication:
    month: str
    branch_name: str
    awards: tuple[PublicationEntry, ...]
    penalties: tuple[PublicationEntry, ...]
    window_closes: date
    show_amounts: bool
    published_on: date


def title(pub: Publication) -> str:
    year, month = pub.month.split("-")
    return f"{year}年{int(month)}月 奖惩公示"


def _intro(pub: Publication) -> str:
    return (
        f"根据客户服务人员奖励机制，现将 {title(pub).removesuffix(' 奖惩公示')} 的奖励和处罚结果公示如下。"
        f"如有异议，请于 {pub.window_closes.year}年{pub.window_closes.month}月{pub.window_closes.day}日"
        "（含当日）前提出申诉，逾期不予受理。"
    )


def _rows(entries: tuple[PublicationEntry, ...], show_amounts: bool) -> list[list[str]]:
    head = ["工号", "姓名", "项目", "说明"] + (["金额（元）"] if show_amounts else [])
    rows = [head]
    for e in entries:
        row = [e.code, e.name, e.item, e.detail]
        if show_amounts:
            row.append(fmt_money(e.amount) if e.amount is not None else "")
        rows.append(row)
    return rows


def write_publication_pdf(pub: Publication, out_path: Path, *, font_path: str = "") -> None:
    """The notice on A4 (it runs onto a second page only for a very long list)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from app.reports.fonts import CID_SUBSTITUTES, cjk_font

    font = cjk_font(font_path)

    def text(value: str) -> str:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return value if font.embedded else value.translate(CID_SUBSTITUTES)

    def style(name: str, size: float, align: int = 0) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font.name, fontSize=size, leading=size * 1.4, alignment=align,
                              wordWrap="CJK")

    h1, h2, body, cell = style("h1", 18, TA_CENTER), style("h2", 12), style("body", 10.5), style("cell", 9.5)
    width = A4[0] - 36 * mm

    def table(entries: tuple[PublicationEntry, ...], empty: str) -> list[object]:
        if not entries:
            return [Paragraph(text(empty), body)]
        data = [[Paragraph(text(c), cell) for c in row] for row in _rows(entries, pub.show_amounts)]
        widths = [0.12, 0.12, 0.2, 0.4, 0.16] if pub.show_amounts else [0.14, 0.14, 0.22, 0.5]
        t = Table(data, colWidths=[w * width for w in widths], repeatRows=1)
        t.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))
        return [t]

    story: list[object] = []
    if pub.branch_name:
        story.append(Paragraph(text(pub.branch_name), style("branch", 13, TA_CENTER)))
    story += [Paragraph(text(title(pub)), h1), Spacer(1, 4 * mm), Paragraph(text(_intro(pub)), body),
              Spacer(1, 4 * mm), Paragraph(text("一、奖励"), h2), Spacer(1, 2 * mm)]
    story += table(pub.awards, "本月无奖励项目。")
    story += [Spacer(1, 5 * mm), Paragraph(text("二、处罚"), h2), Spacer(1, 2 * mm)]
    story += table(pub.penalties, "本月无处罚项目。")
    story += [Spacer(1, 8 * mm)]
    signs = [[Paragraph(text(f"{zh}：________________"), body) for zh, _en in SIGNATURES],
             [Paragraph(text("日期：____年__月__日"), body), Paragraph("", body),
              Paragraph(text(f"公示日期：{pub.published_on.isoformat()}"), body)]]
    story.append(Table(signs, colWidths=[width / 3] * 3))
    doc = SimpleDocTemplate(str(out_path), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm, title=text(title(pub)),
                            author=text(pub.branch_name or "BranchPay"))
    doc.build(story)


# The kinds of row of :func:`notice_rows`: how the xlsx sets them.
TITLE, TEXT, HEADING, HEAD, ROW, BLANK = "title", "text", "heading", "head", "row", "blank"
XLSX_WIDTHS = (12, 12, 18, 40, 14)  # columns A–E


def notice_rows(pub: Publication) -> list[tuple[str, list[str]]]:
    """The notice as spreadsheet rows, top to bottom, each with its kind (title, heading, table
    head …): the publication xlsx and the Excel summary's 公示 sheet write exactly these."""
    out: list[tuple[str, list[str]]] = [
        (TITLE, [f"{pub.branch_name} {title(pub)}".strip()]),
        (TEXT, [_intro(pub)]),
        (BLANK, []),
    ]
    for heading, entries in (("一、奖励", pub.awards), ("二、处罚", pub.penalties)):
        out.append((HEADING, [heading]))
        for i, row in enumerate(_rows(entries, pub.show_amounts)):
            out.append((HEAD if i == 0 else ROW, row))
        if not entries:
            out.append((TEXT, ["（无）"]))
        out.append((BLANK, []))
    out.append((TEXT, [f"申诉截止日期：{pub.window_closes.isoformat()}", "", f"公示日期：{pub.published_on.isoformat()}"]))
    out.append((BLANK, []))
    out.append((TEXT, [f"{zh}：" for zh, _en in SIGNATURES]))
    return out


def write_publication_xlsx(pub: Publication, out_path: Path) -> None:
    """The same content as the PDF on one sheet named 公示."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "公示"
    bold = Font(bold=True)
    for kind, row in notice_rows(pub):
        ws.append(row)
        if kind == TITLE:
            ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=14)
        elif kind == HEADING:
            ws.cell(row=ws.max_row, column=1).font = bold
        elif kind == HEAD:
            for c in ws[ws.max_row]:
                c.font = bold
    for letter, w in zip("ABCDE", XLSX_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = w
    wb.save(out_path)
