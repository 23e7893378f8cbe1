"""Payslips (工资条) as PDF: one page per agent, every pay line with its explanation.

The input is the stored month result in the shape of ``payroll show --json`` (one dict per
agent), so a payslip can never disagree with what the payroll page and the JSON show. This
module knows nothing of the database; :mod:`app.services.reports` gathers the data.

Each agent's content is wrapped in a shrink-to-fit frame: an agent with many adjustment lines
gets slightly smaller type rather than a second page, because a payslip is handed out (or
e-mailed) as one sheet.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    Image,
    KeepInFrame,
    PageBreak,
    PageTemplate,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.fact_rows import SCOPE_LABEL, TARGETS_LABEL, fact_rows, scope_text, target_texts
from app.i18n import language, set_language, tr
from app.money import fmt_money
from app.reports.amount_words import chinese_amount
from app.reports.files import file_name, safe_name, staged_output, unique_names
from app.reports.fonts import BUILTIN_CID_FONT, CID_SUBSTITUTES, FontChoice, PayslipTTFont, cjk_font
from app.reports.payslip_pool import new_pool, pool_size
from app.results import AgentResult
from app.summary_columns import (
    DEDUCTIONS,
    GROSS_COLUMNS,
    TOTAL_LABELS,
    has_statutory,
    shown_columns,
    summary_amounts,
)

# Binary (Flate-only) streams instead of Flate + ASCII85: ASCII85 exists for 7-bit mail transport,
# makes every file a quarter larger and costs milliseconds per payslip to encode (and encrypt).
rl_config.useA85 = 0

PAGE_SIZES = {"A4": A4, "A5": A5}
# ``PayslipOptions.two_up`` (the ``payslip_size`` setting's "A5X2"): two A5 slips to an A4 sheet.
TWO_UP_SHEET = landscape(A4)  # two A5 portrait slips side by side, cut along the middle
_PAD = 6  # reportlab's default left/right cell padding (points)


@dataclass(frozen=True)
class Payee:
    """Where an agent's pay goes, as a payslip may show it: the ID number and the account only as
    their last 4 characters (docs/pay-rules.md §9.1; the caller masks, this module never sees more)."""

    id_tail: str = ""  # "****1234" (app.personal.mask)
    bank_name: str = ""
    account_tail: str = ""  # "****5678"

    def __bool__(self) -> bool:
        return bool(self.id_tail or self.bank_name or self.account_tail)


@dataclass(frozen=True)
class PayslipOptions:
    """What every payslip of a batch shares: the branch, the month, paper and font."""

    branch_name: str
    month: str
    page_size: str = "A5"
    font_path: str = ""
    logo_path: str = ""
    draft: bool = False  # the month is calculated but not locked: mark the slip as a draft
    approved_by: str = ""  # §10: the sign-offs of an approved month ("审核：rita 2026-11-02；签批：…")
    generated_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    builtin_font_only: bool = False  # skip system fonts (tests of the STSong-Light fallback)
    # Two A5 slips on each A4 sheet (landscape, side by side, a dashed cut line between them):
    # branches print on A4 paper and cut. Only for a file holding several slips (the combined
    # file); one agent's own file stays one A5 page.
    two_up: bool = False
    # Agent code → masked ID number and bank account, shown under the name when the agent has them.
    payees: Mapping[str, Payee] = field(default_factory=dict)

    @property
    def size(self) -> tuple[float, float]:
        if self.two_up:
            return A5
        return PAGE_SIZES.get(self.page_size.upper(), A5)


class MissingPasswords(ValueError):
    """Encryption was asked for, but these agents (code, name) have no payslip password."""

    def __init__(self, agents: Sequence[tuple[str, str]]) -> None:
        super().__init__(", ".join(f"{code} {name}" for code, name in agents))
        self.agents = list(agents)


# ---------------------------------------------------------------------------------------------
# Layout


@dataclass(frozen=True)
class _Styles:
    font: str
    base: float
    title: ParagraphStyle
    branch: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    head: ParagraphStyle
    detail: ParagraphStyle
    strong: ParagraphStyle
    strong_right: ParagraphStyle
    words: ParagraphStyle


@lru_cache(maxsize=16)
def _styles(font: str, page: str, lang: str) -> _Styles:
    """Paragraph styles per font, paper and language, built once (the same for every slip).

    Chinese wraps between any two characters ("CJK"); English must wrap at spaces, or
    "attendance" would break as "atten-dance".
    """
    base = 10.0 if page == "A4" else 8.5

    def style(
        name: str, size: float, align: int = TA_LEFT, color: Any = colors.black, leading: float | None = None
    ) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=leading or size * 1.3,
            alignment=align,
            textColor=color,
            wordWrap="CJK" if lang == "zh" else None,
        )

    return _Styles(
        font=font,
        base=base,
        title=style("title", base * 1.8, TA_CENTER),
        branch=style("branch", base * 1.25, TA_CENTER),
        note=style("note", base * 0.85, TA_CENTER, colors.HexColor("#b03a2e")),
        cell=style("cell", base),
        cell_right=style("cell_right", base, TA_RIGHT),
        head=style("head", base * 0.95, TA_LEFT, colors.HexColor("#333333")),
        detail=style("detail", base * 0.8, TA_LEFT, colors.HexColor("#444444")),
        strong=style("strong", base * 1.2),
        strong_right=style("strong_right", base * 1.2, TA_RIGHT),
        words=style("words", base * 1.05),
    )


@lru_cache(maxsize=8)
def _logo_size(path: str) -> tuple[int, int] | None:
    """The logo's pixel size, or ``None`` when it is missing or not an image (then no logo)."""
    if not path:
        return None
    try:
        return ImageReader(path).getSize()  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001 - any unreadable file simply means no logo
        return None


class _Para(Paragraph):
    """A Paragraph that breaks its lines once per width. A table wraps each cell paragraph when it is
    measured, again when the slip's KeepInFrame draws it and again when it draws the cell, each time
    at the same width; breaking a Chinese paragraph measures every character, so the second and third
    time reuse the first. (A different width, as when KeepInFrame shrinks a slip, breaks it again.)"""

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab's names
        done = self._wrapped
        if done is not None and done[0] == availWidth:
            return done[1]
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size


class _Table(Table):
    """A Table that lays itself out once per space: KeepInFrame measures a slip's tables and then lays
    them out again, in the same space, to draw them. (The table's content and style are complete before
    it is first measured; a different space, as when a slip is shrunk, lays it out again.)"""

    _laid_out: tuple[float, float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab's names
        done = self._laid_out
        if done is not None and done[0] == availWidth and done[1] == availHeight:
            return done[2]
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._laid_out = (availWidth, availHeight, size)
        return size


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph of user or computed text; escaped, since names and reasons are not markup."""
    value = str(text)
    if style.fontName == BUILTIN_CID_FONT:
        value = value.translate(CID_SUBSTITUTES)
    return _Para(escape(value).replace("\n", "<br/>"), style)


def _fit(text: object, style: ParagraphStyle, width: float) -> str | Paragraph:
    """Plain text when it fits on one line of ``width``, else a wrapping Paragraph.

    A plain table cell costs a fraction of a Paragraph (no line breaking, measured once);
    with ~15 cells a page that is what keeps a batch above 50 payslips a second. The cell's
    font, size and colour then come from the table style, set to match ``style``.
    """
    value = str(text)
    if style.fontName == BUILTIN_CID_FONT:
        value = value.translate(CID_SUBSTITUTES)
    if "\n" not in value and stringWidth(value, style.fontName, style.fontSize) <= width - 2 * _PAD:
        return value
    return _p(value, style)


def _text_style(cells: tuple[int, int, int, int], style: ParagraphStyle) -> list[tuple[Any, ...]]:
    """Table-style commands that make plain-string cells look like ``style``."""
    (c0, r0, c1, r1) = cells
    align = {TA_RIGHT: "RIGHT", TA_CENTER: "CENTER"}.get(style.alignment, "LEFT")
    return [
        ("FONT", (c0, r0), (c1, r1), style.fontName, style.fontSize, style.leading),
        ("TEXTCOLOR", (c0, r0), (c1, r1), style.textColor),
        ("ALIGN", (c0, r0), (c1, r1), align),
    ]


def _money(value: object) -> str:
    """Two decimals rounded half up (app.money.fmt_money), as in the JSON and on the payroll page."""
    try:
        return fmt_money(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


def month_title(month: str) -> str:
    year, mon = month[:4], month[5:7]
    return tr(f"{year}年{int(mon)}月", f"{month}")


def _facts_rows(agent: AgentResult, st: _Styles, key_w: float, value_w: float) -> list[list[Any]]:
    """The facts the pay was computed from (:func:`app.fact_rows.fact_rows`: the same texts as the
    payroll page's side panel and the workbook), two to a row."""
    lang = language()
    pairs = [(row.label.in_(lang), row.value.in_(lang)) for row in fact_rows(agent.facts)]
    scope = scope_text(agent.facts)  # schema 2: the agent's scope (docs/pay-rules.md §7.3)
    if scope is not None:
        pairs.append((SCOPE_LABEL.in_(lang), scope.in_(lang)))
    if len(pairs) % 2:
        pairs.append(("", ""))
    rows = []
    for i in range(0, len(pairs), 2):
        (k1, v1), (k2, v2) = pairs[i], pairs[i + 1]
        rows.append(
            [
                _fit(k1, st.head, key_w),
                _fit(v1, st.cell, value_w),
                _fit(k2, st.head, key_w),
                _fit(v2, st.cell, value_w),
            ]
        )
    return rows


def _summary_block(agent: AgentResult, st: _Styles, width: float) -> Table:
    """应发 and 扣款 by the summary columns (:mod:`app.summary_columns`, the payroll table's
    columns), their totals, 实发 and 实发 in words: the same figures as the screen and the workbook."""
    lang = language()
    amounts = summary_amounts(agent.lines)
    label_w, amount_w = width * 0.24, width * 0.18
    label2_w = width * 0.34
    amount2_w = width - label_w - amount_w - label2_w
    rows: list[list[Any]] = [[tr("应发项目", "Pay"), tr("金额（元）", "Amount"), tr("扣款项目", "Deductions"), tr("金额（元）", "Amount")]]
    # 社保, 公积金 and 个税 (docs/pay-rules.md §9) are columns of their own when the agent has statutory lines
    deduction_columns = shown_columns(DEDUCTIONS, has_statutory(agent.lines))
    for i in range(max(len(GROSS_COLUMNS), len(deduction_columns))):
        row: list[Any] = []
        for cols, (lw, _aw) in ((GROSS_COLUMNS, (label_w, amount_w)), (deduction_columns, (label2_w, amount2_w))):
            if i < len(cols):
                row += [_fit(cols[i].label.in_(lang), st.cell, lw), _money(amounts[cols[i].key])]
            else:
                row += ["", ""]
        rows.append(row)
    first_total = len(rows)
    rows.append(
        [
            TOTAL_LABELS["gross"].in_(lang),
            _money(agent.gross),
            TOTAL_LABELS["deductions"].in_(lang),
            _money(agent.deductions),
        ]
    )
    net = agent.net
    net_row = len(rows)
    rows.append([TOTAL_LABELS["net"].in_(lang), _money(net), tr("应发合计 + 扣款合计", "gross + deductions"), ""])
    rows.append(
        [
            tr("实发（大写）", "Net in words"),
            _fit(tr("人民币", "RMB ") + chinese_amount(net), st.words, width - label_w),
            "",
            "",
        ]
    )
    table = _Table(rows, colWidths=[label_w, amount_w, label2_w, amount2_w])
    table.setStyle(
        TableStyle(
            [
                *_text_style((0, 0, -1, -1), st.cell),
                *_text_style((1, 0, 1, -1), st.cell_right),
                *_text_style((3, 0, 3, -1), st.cell_right),
                *_text_style((0, 0, -1, 0), st.head),
                *_text_style((2, net_row, 2, net_row), st.detail),
                *_text_style((0, net_row, 1, net_row), st.strong),
                ("ALIGN", (1, net_row), (1, net_row), "RIGHT"),
                *_text_style((1, net_row + 1, 1, net_row + 1), st.words),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe6ee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LINEABOVE", (0, first_total), (-1, first_total), 1.0, colors.HexColor("#4a5a6a")),
                ("BACKGROUND", (0, net_row), (-1, net_row), colors.HexColor("#fff4d6")),
                ("SPAN", (2, net_row), (3, net_row)),
                ("SPAN", (1, net_row + 1), (3, net_row + 1)),
            ]
        )
    )
    return table


def _agent_story(agent: AgentResult, options: PayslipOptions, st: _Styles, width: float) -> list[Flowable]:
    """One agent's page content, top to bottom."""
    story: list[Flowable] = []
    logo = _logo_size(options.logo_path)
    branch = _p(options.branch_name, st.branch)
    if logo:
        h = st.base * 2.6
        w = h * logo[0] / max(1, logo[1])
        header = _Table(
            [[Image(options.logo_path, width=w, height=h), branch, ""]],
            colWidths=[w + 4, width - 2 * (w + 4), w + 4],
        )
        header.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        story.append(header)
    else:
        story.append(branch)
    story.append(Spacer(1, st.base * 0.3))
    story.append(_p(tr(f"工资条　{month_title(options.month)}", f"Payslip  {options.month}"), st.title))
    if options.draft:
        story.append(
            _p(
                tr(
                    "草稿（试算稿）：本月尚未锁定，金额可能变动",
                    "DRAFT: the month is not locked yet; amounts may change",
                ),
                st.note,
            )
        )
    if options.approved_by and not options.draft:  # §10: who signed the month off, and when
        story.append(_p(options.approved_by, st.note))
    story.append(Spacer(1, st.base * 0.6))

    who_widths = [width * f for f in (0.1, 0.17, 0.1, 0.23, 0.1, 0.3)]
    who_cells = [
        tr("工号", "Code"),
        agent.code,
        tr("姓名", "Name"),
        agent.name,
        tr("团队", "Team"),
        agent.team or "—",
    ]
    who_rows = [who_cells]
    payee = options.payees.get(agent.code)
    if payee:
        who_rows.append([
            tr("身份证", "ID no."),
            payee.id_tail or "—",
            tr("开户行", "Bank"),
            payee.bank_name or "—",
            tr("账号", "Account"),
            payee.account_tail or "—",
        ])
    who = _Table(
        [[_fit(text, st.head if i % 2 == 0 else st.cell, who_widths[i]) for i, text in enumerate(row)]
         for row in who_rows],
        colWidths=who_widths,
    )
    who.setStyle(
        TableStyle(
            [
                *_text_style((0, 0, -1, -1), st.cell),
                *[cmd for c in (0, 2, 4) for cmd in _text_style((c, 0, c, -1), st.head)],
                ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                ("LINEABOVE", (0, 1), (-1, 1), 0.3, colors.HexColor("#c3ccd5")),
                *[("BACKGROUND", (c, 0), (c, -1), colors.HexColor("#eef2f7")) for c in (0, 2, 4)],
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story.append(who)
    story.append(Spacer(1, st.base * 0.6))

    label_w, amount_w = width * 0.24, width * 0.18
    detail_w = width - label_w - amount_w
    rows: list[list[Any]] = [
        [tr("项目", "Item"), tr("金额（元）", "Amount"), tr("计算说明", "How it was computed")]
    ]
    lang = language()
    for line in agent.lines:
        rows.append(
            [
                _fit(line.label_in(lang), st.cell, label_w),
                _money(line.amount),
                _fit(line.detail_in(lang), st.detail, detail_w),
            ]
        )
    if len(rows) == 1:
        rows.append([tr("（本月无工资项目）", "(no pay lines this month)"), "", ""])
    lines = _Table(rows, colWidths=[label_w, amount_w, detail_w], repeatRows=1)
    lines.setStyle(
        TableStyle(
            [
                *_text_style((0, 0, 0, -1), st.cell),
                *_text_style((1, 0, 1, -1), st.cell_right),
                *_text_style((2, 0, 2, -1), st.detail),
                *_text_style((0, 0, -1, 0), st.head),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe6ee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    story.append(lines)
    story.append(Spacer(1, st.base * 0.4))
    story.append(_summary_block(agent, st, width))
    story.append(Spacer(1, st.base * 0.6))

    key_w, value_w = width * 0.17, width * 0.33
    facts = _Table(_facts_rows(agent, st, key_w, value_w), colWidths=[key_w, value_w, key_w, value_w])
    facts.setStyle(
        TableStyle(
            [
                *_text_style((0, 0, -1, -1), st.cell),
                *_text_style((0, 0, 0, -1), st.head),
                *_text_style((2, 0, 2, -1), st.head),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c3ccd5")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f5f8")),
                ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#f3f5f8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    story.append(facts)
    targets = target_texts(agent.facts)  # §8.1: the paying month's targets, a missed one too
    if targets:
        rows = [[_fit(TARGETS_LABEL.in_(lang) if i == 0 else "", st.head, key_w),
                 _fit(text.in_(lang), st.detail, width - key_w)] for i, text in enumerate(targets)]
        block = _Table(rows, colWidths=[key_w, width - key_w])
        block.setStyle(
            TableStyle(
                [
                    *_text_style((1, 0, 1, -1), st.detail),
                    *_text_style((0, 0, 0, -1), st.head),
                    ("SPAN", (0, 0), (0, -1)),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c3ccd5")),
                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f5f8")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ]
            )
        )
        story.append(Spacer(1, st.base * 0.4))
        story.append(block)
    story.append(Spacer(1, st.base * 2.2))
    story.append(
        _p(
            tr(
                "员工签收：________________　　日期：______年____月____日",
                "Received by: ________________    Date: ____________",
            ),
            st.cell,
        )
    )
    return story


def _footer(options: PayslipOptions, font: str, size: float) -> Any:
    stamp = options.generated_at.strftime("%Y-%m-%d %H:%M")
    left = tr(f"生成时间：{stamp}", f"Generated {stamp}")
    if options.draft:  # §10: 草稿 on every page, not only under the title
        left = tr(f"草稿 · {left}", f"DRAFT · {left}")
    right = tr("工资信息保密，请勿外传", "Confidential")

    def draw(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, size)
        canvas.setFillColor(colors.HexColor("#666666"))
        y = doc.bottomMargin * 0.5
        canvas.drawString(doc.leftMargin, y, left)
        canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, y, right)
        canvas.restoreState()

    return draw


def render_payslips(
    agents: Iterable[AgentResult], options: PayslipOptions, *, password: str | None = None, seed: str = ""
) -> bytes:
    """The PDF (bytes) with one page per agent (two per A4 sheet when ``options.two_up``);
    encrypted for ``password`` when given. ``seed``: the characters a batch of files embeds first
    (:func:`subset_seed`), so that their first font subset is the same and made once.

    Encryption is AES-256 (:func:`app.reports.encryption.encrypt_pdf`). Printing stays allowed
    on an encrypted slip; changing it needs an owner password nobody knows (a random one), so
    the figures cannot be edited without re-issuing the slip.
    """
    font: FontChoice = cjk_font(options.font_path, allow_system=not options.builtin_font_only)
    page = "A4" if options.page_size.upper() == "A4" and not options.two_up else "A5"
    st = _styles(font.name, page, language())
    margin = (16 if page == "A4" else 10) * mm
    buf = io.BytesIO()
    agents = list(agents)
    title = tr(f"工资条 {options.month}", f"Payslip {options.month}")
    if len(agents) == 1:
        title += f" {agents[0].code} {agents[0].name}"
    meta = {"title": title, "author": options.branch_name, "creator": "BranchPay", "subject": title}
    slip_w, slip_h = options.size
    # The frame every slip is laid out in: the same on an A5 page and in half an A4 sheet.
    width, height = slip_w - 2 * margin, slip_h - margin - margin * 1.3
    footer = _footer(options, font.name, st.base * 0.75)
    story: list[Flowable] = []
    for i, agent in enumerate(agents):
        if i:
            story.append(FrameBreak() if options.two_up else PageBreak())
        # KeepInFrame shrinks a long slip to fit: one agent, one page.
        story.append(KeepInFrame(width, height - 2, _agent_story(agent, options, st, width), mode="shrink"))
    if not story:
        story.append(_p(tr("没有可打印的工资条。", "No payslips to print."), st.cell))
    canvasmaker = _seeded_canvas(font, seed)
    if options.two_up:
        doc: BaseDocTemplate = _two_up_doc(buf, len(agents), margin, width, height, footer, meta)
        doc.build(story, canvasmaker=canvasmaker)
    else:
        doc = SimpleDocTemplate(
            buf,
            pagesize=options.size,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=margin,
            bottomMargin=margin * 1.3,
            **meta,
        )
        doc.build(story, onFirstPage=footer, onLaterPages=footer, canvasmaker=canvasmaker)
    if password is not None:
        from app.reports.encryption import encrypt_pdf  # pypdf loads only for an encrypted batch

        return encrypt_pdf(buf.getvalue(), password)
    return buf.getvalue()


def _seeded_canvas(font: FontChoice, seed: str) -> Callable[..., Canvas]:
    """The canvas class of a document: one that gives ``seed``'s characters their font codes first."""
    ttf = pdfmetrics.getFont(font.name) if seed and font.embedded else None
    if not isinstance(ttf, PayslipTTFont):
        return Canvas
    seeded: PayslipTTFont = ttf

    class SeededCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            seeded.seed(self._doc, seed)

    return SeededCanvas


def _data_texts(agent: AgentResult, lang: str) -> Iterator[str]:
    """What a payslip prints from the agent's result apart from who the agent is (code, name, team,
    bank details): the pay lines, the facts, the scope, the targets and the net in words."""
    for line in agent.lines:
        yield line.label_in(lang)
        yield line.detail_in(lang)
    for row in fact_rows(agent.facts):
        yield row.label.in_(lang)
        yield row.value.in_(lang)
    scope = scope_text(agent.facts)
    if scope is not None:
        yield scope.in_(lang)
    for text in target_texts(agent.facts):
        yield text.in_(lang)
    yield chinese_amount(agent.net)


def common_characters(agents: Sequence[AgentResult], lang: str) -> str:
    """The characters (beyond ASCII) that most of the batch's payslips print from their results,
    in code point order: a character in more than half of them is never one agent's own text."""
    counts: Counter[str] = Counter()
    for agent in agents:
        counts.update({ch for text in _data_texts(agent, lang) for ch in text if ord(ch) > 127})
    return "".join(sorted(ch for ch, n in counts.items() if 2 * n > len(agents)))


@dataclass(frozen=True)
class SeedSource:
    """What :func:`subset_seed` makes a batch's seed from (sent to every worker with its share):
    ``common`` from :func:`common_characters`, and ``probe``, a slip of the batch without the agent's
    identity or pay lines, whose characters are the labels every slip prints. ``batch`` names the
    batch, so that a worker works the seed out once."""

    batch: str
    common: str
    probe: AgentResult | None


def seed_source(agents: Sequence[AgentResult], lang: str) -> SeedSource:
    import uuid

    probe = replace(agents[0], code="", name="", team="", lines=()) if agents else None
    return SeedSource(uuid.uuid4().hex, common_characters(agents, lang), probe)


_seed_made: tuple[str, str] | None = None  # (batch, seed) of the last batch this process worked for


def subset_seed(source: SeedSource, options: PayslipOptions) -> str:
    """The characters every file of a batch gives its first font codes (:func:`render_payslips`'s
    ``seed``): the labels of a slip (those of the probe) and the batch's common characters, in code
    point order. A file that does not print some of them embeds a few glyphs more; every file starts
    with the same subset, cut out of the font and compressed once per process."""
    global _seed_made
    if _seed_made is not None and _seed_made[0] == source.batch:
        return _seed_made[1]
    chars = set(source.common)
    font = cjk_font(options.font_path, allow_system=not options.builtin_font_only)
    ttf = pdfmetrics.getFont(font.name) if font.embedded else None
    if isinstance(ttf, PayslipTTFont) and source.probe is not None:
        render_payslips([source.probe], replace(options, payees={}, two_up=False))
        chars.update(chr(code) for code in ttf.last_characters if code > 127)
    seed = "".join(sorted(chars))
    _seed_made = (source.batch, seed)
    return seed


def _two_up_doc(
    buf: io.BytesIO, count: int, margin: float, width: float, height: float, footer: Any, meta: dict[str, str]
) -> BaseDocTemplate:
    """An A4 landscape document with two A5 frames side by side and a dashed cut line between.

    Each half is an A5 page as :func:`render_payslips` lays it out alone (same margins, same
    frame, same footer), centred in its half of the sheet; the second half of the last sheet
    stays empty (no footer) when the number of slips is odd.
    """
    sheet_w, sheet_h = TWO_UP_SHEET
    half = sheet_w / 2
    slip_w, slip_h = A5
    left = (half - slip_w) / 2  # A4 is 0.5 mm wider than two A5: split it evenly
    bottom = (sheet_h - slip_h) / 2
    frames = [
        Frame(h * half + left + margin, bottom + margin * 1.3, width, height, id=f"slip{h}") for h in (0, 1)
    ]

    class _Half:
        """What the single-page footer reads from its document, for one half of the sheet."""

        def __init__(self, x0: float) -> None:
            self.pagesize = (x0 + slip_w, slip_h)
            self.leftMargin = x0 + margin
            self.rightMargin = margin
            self.bottomMargin = bottom + margin * 1.3

    halves = [_Half(h * half + left) for h in (0, 1)]

    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        on_sheet = min(2, count - 2 * (canvas.getPageNumber() - 1))
        for h in range(max(on_sheet, 0)):
            footer(canvas, halves[h])
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#888888"))
        canvas.setLineWidth(0.5)
        canvas.setDash(4, 3)
        canvas.line(half, 4 * mm, half, sheet_h - 4 * mm)
        canvas.restoreState()

    doc = BaseDocTemplate(
        buf,
        pagesize=TWO_UP_SHEET,
        leftMargin=0,
        rightMargin=0,
        topMargin=0,
        bottomMargin=0,
        **meta,
    )
    doc.addPageTemplates([PageTemplate(id="two_up", frames=frames, onPage=draw)])
    return doc


# ---------------------------------------------------------------------------------------------
# Files


def payslip_filename(month: str, code: str, name: str) -> str:
    """``2026-10_A001_张三.pdf`` — sorts by month, then agent code, in any file manager.

    Safe on every file system (:func:`app.reports.files.file_name`); :func:`payslip_filenames`
    also makes the names of one batch distinct.
    """
    return file_name(f"{safe_name(month)}_{safe_name(code)}_{safe_name(name)}", ".pdf")


def payslip_filenames(month: str, agents: Sequence[AgentResult]) -> list[str]:
    """The file name of each agent's payslip, distinct even ignoring case (``A001`` / ``a001``)."""
    return unique_names(
        payslip_filename(month, a.code, a.name) for a in agents
    )


def combined_filename(month: str) -> str:
    return file_name(f"{safe_name(month)}_{tr('工资条', 'payslips')}", ".pdf")


def write_payslips(
    agents: Sequence[AgentResult],
    options: PayslipOptions,
    out_dir: Path,
    *,
    passwords: Mapping[str, str | None] | None = None,
    combined: bool = False,
    combined_name: str | None = None,
    workers: int | None = None,
    pool: Executor | None = None,
) -> list[Path]:
    """Write the payslips into ``out_dir``; returns the files written (one per agent, or one).

    ``combined_name`` is the combined file's name when the user chose one (default
    :func:`combined_filename`).

    ``passwords`` (agent code → password) means "encrypt each file". The files are written
    into a temporary folder and moved into ``out_dir`` only when all of them are complete
    (:func:`app.reports.files.staged_output`): a refusal, a rendering error or a full disk
    leaves the folder as it was.

    A batch of many files is rendered by several processes (:func:`pool_size`; ``workers``
    overrides the choice): the same bytes in content, written by this process in order.
    ``pool`` is one already started (:func:`start_pool`) while the caller read the month.
    """
    if passwords is not None:
        if combined:
            raise ValueError("a combined file cannot be encrypted: each agent has a different password")
        missing = [(a.code, a.name) for a in agents if not passwords.get(a.code)]
        if missing:
            raise MissingPasswords(missing)
    if combined:
        name = combined_name or combined_filename(options.month)
        jobs: list[tuple[str, Sequence[AgentResult], str | None]] = [(name, agents, None)]
    else:
        options = replace(options, two_up=False)  # one agent's own file: one slip, one page
        jobs = [
            (name, [agent], passwords.get(agent.code) if passwords is not None else None)
            for name, agent in zip(payslip_filenames(options.month, agents), agents, strict=True)
        ]
    size = pool_size(len(jobs), workers)
    # Files of one agent each share their first font subset (subset_seed); one file has nothing to share.
    source = seed_source(agents, language()) if len(jobs) > 1 else None
    with staged_output(Path(out_dir), durable=len(jobs) == 1) as stage:
        if pool is not None or size > 1:
            # The workers render (and encrypt) bytes; only this process writes, through the
            # stage, so a failure in any worker still leaves the folder as it was.
            for name, data in zip(
                (name for name, _, _ in jobs), _render_in_pool(jobs, options, size, pool, source), strict=True
            ):
                stage.write_bytes(name, data)
        else:
            seed = subset_seed(source, options) if source is not None else ""
            for name, group, password in jobs:
                stage.write_bytes(name, render_payslips(group, options, password=password, seed=seed))
    return stage.written


def _render_chunk(
    lang: str, options: PayslipOptions, chunk: Sequence[tuple[Sequence[AgentResult], str | None]],
    source: SeedSource | None = None,
) -> list[bytes]:
    """A worker's share: the language is the parent's (a spawned worker starts at the default)."""
    set_language(lang)
    seed = subset_seed(source, options) if source is not None else ""
    return [render_payslips(group, options, password=password, seed=seed) for group, password in chunk]


def _render_in_pool(
    jobs: Sequence[tuple[str, Sequence[AgentResult], str | None]],
    options: PayslipOptions,
    workers: int,
    started: Executor | None = None,
    source: SeedSource | None = None,
) -> Iterator[bytes]:
    """The files' bytes in the order of ``jobs``, rendered by ``workers`` spawned processes.

    ``spawn`` (not ``fork``): the caller may hold a database connection, threads or Qt, none of
    which survive a fork safely; the workers import only reportlab and this module. Jobs go out
    in chunks (a few per worker) so the pickling overhead stays small and the load balanced.
    """
    work = [(list(group), password) for _, group, password in jobs]
    per = max(1, min(16, -(-len(work) // (workers * 4))))
    chunks = [work[i : i + per] for i in range(0, len(work), per)]
    lang = language()
    own = started is None
    pool = started or new_pool(workers)
    try:
        futures = [pool.submit(_render_chunk, lang, options, chunk, source) for chunk in chunks]
        try:
            for future in futures:
                yield from future.result()
        finally:
            for future in futures:
                future.cancel()
    finally:
        if own:
            pool.shutdown()
