"""The one PDF document mechanism: receipts, work orders, certificates, passes, reports.

Build a :class:`Document`, add blocks in reading order, then :meth:`Document.render`::

    doc = Document("收据", subtitle="物业服务中心", copies=["第一联 存根", "第二联 交款人"],
                   page_size="A5-landscape", number="SJ-2026-000123", page_numbers=False)
    doc.field_rows([("房号", "3-1-1201"), ("交款人", "张三")], columns=2)
    doc.table(["项目", "金额"], [["物业费", "¥254.70"]], col_widths=[3, 1], align=["left", "right"])
    doc.paragraph("合计（大写）：贰佰伍拾肆元柒角整")
    doc.signatures(["经办人", "交款人"])
    doc.stamp_note("本收据加盖财务专用章有效")
    pdf = doc.render()

Every copy (联) is a fresh section starting on a new page, with the same content and the
copy's label printed in the top-right corner of each of its pages.

Font: the Adobe CID font ``STSong-Light`` (reportlab's :class:`UnicodeCIDFont`), which
needs no font file — the PDF viewer supplies a Song face. Its text is stored as UCS-2 under
the ``UniGB-UCS2-H`` CMap, so text extraction (pypdf) gives back the Chinese exactly.
The half-width yen sign ``¥`` (U+00A5) is not in GB 2312, so it is printed as the
full-width ``￥`` (U+FFE5); :func:`pdf_text` maps it back.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Self
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from deskapp.i18n import t
from deskapp.masking import mask_text

__all__ = ["FONT", "Align", "Document", "PageSize", "Unmasked", "pdf_pages", "pdf_text",
           "register_fonts"]

FONT = "STSong-Light"

PageSize = Literal["A4", "A4-landscape", "A5", "A5-landscape"]
Align = Literal["left", "center", "right"]
_LEFT: Align = "left"

_PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": A4,
    "A4-landscape": landscape(A4),
    "A5": A5,
    "A5-landscape": landscape(A5),
}
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
_LINE = colors.HexColor("#555555")
_SHADE = colors.HexColor("#EEEEEE")
_MUTED = colors.HexColor("#444444")


def register_fonts() -> str:
    """Register the CJK font with reportlab (idempotent); return its name."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


class Unmasked(str):
    """A value printed as it is, not masked: only for an internal copy whose reader needs
    the number (the engineering copy of a work order calls the owner). The documents
    service audits every print, so who printed a full number is on record."""

    __slots__ = ()


def _pdf_safe(text: str) -> str:
    """Text as printed: every ID number or mobile in it masked (printed paper leaves the
    desk, so no document carries a full one — the desk reads it out through the audited
    reveal when a caller needs it), and ``¥`` as the full-width ``￥`` the font has. An
    :class:`Unmasked` value is printed in full."""
    shown = str(text) if isinstance(text, Unmasked) else mask_text(text)
    return shown.replace("\u00a5", "\uffe5")


def _markup(text: object) -> str:
    """Plain text → Paragraph markup: escaped, newlines kept."""
    value = "" if text is None else text if isinstance(text, Unmasked) else str(text)
    return escape(_pdf_safe(value)).replace("\n", "<br/>")


# --------------------------------------------------------------------------------------
# Blocks: a document is a list of these, turned into fresh flowables for every copy.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    text: str


@dataclass(frozen=True)
class _Paragraph:
    text: str
    align: Align
    size: float | None


@dataclass(frozen=True)
class _FieldRows:
    pairs: tuple[tuple[str, str], ...]
    columns: int


@dataclass(frozen=True)
class _Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    col_widths: tuple[float, ...] | None
    align: tuple[Align, ...] | None


@dataclass(frozen=True)
class _Signatures:
    labels: tuple[str, ...]
    date: bool


@dataclass(frozen=True)
class _StampNote:
    text: str


@dataclass(frozen=True)
class _Space:
    height_mm: float


@dataclass(frozen=True)
class _PageBreak:
    pass


_Block = (
    _Heading | _Paragraph | _FieldRows | _Table | _Signatures | _StampNote | _Space | _PageBreak
)


class _CopyStart(Flowable):
    """Invisible marker: records which copy the following pages belong to."""

    def __init__(self, state: dict[str, Any], label: str) -> None:
        super().__init__()
        self._state = state
        self._label = label

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self._state["label"] = self._label
        self._state["start"] = self.canv.getPageNumber()


# --------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------


@dataclass
class Document:
    """A printable document. Add blocks with the methods below (they chain), then render.

    * ``copies`` — one section per copy (联); each label (e.g. ``"第一联 存根"``) is printed
      in the top-right corner of that copy's pages. ``[""]`` means a single unlabelled copy.
    * ``page_size`` — ``"A4"`` (default), ``"A4-landscape"``, ``"A5"``, ``"A5-landscape"``
      (receipts).
    * ``number`` — a document number printed under the title (``编号：…``).
    * ``footer`` — small text at the bottom left of every page (e.g. print time).
    * ``page_numbers`` — ``第 n 页`` at the bottom right, counted within each copy.
    * ``mark`` — a bold mark at the top left of every page (``补打`` on a reprint; set by
      the documents service, :mod:`deskapp.printing.documents`).
    """

    title: str
    subtitle: str = ""
    copies: list[str] = field(default_factory=lambda: [""])
    page_size: PageSize = "A4"
    number: str = ""
    footer: str = ""
    page_numbers: bool = True
    author: str = ""
    mark: str = ""
    _blocks: list[_Block] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.page_size not in _PAGE_SIZES:
            raise ValueError(f"unknown page size {self.page_size!r}")
        if not self.copies:
            self.copies = [""]

    # -- blocks -------------------------------------------------------------------------

    @property
    def blocks(self) -> tuple[_Block, ...]:
        return tuple(self._blocks)

    def heading(self, text: str) -> Self:
        """A section heading."""
        self._blocks.append(_Heading(text))
        return self

    def paragraph(self, text: str, *, align: Align = "left", size: float | None = None) -> Self:
        """Running text; wraps between Chinese characters; ``\\n`` starts a new line."""
        if align not in _ALIGN:
            raise ValueError(f"unknown alignment {align!r}")
        self._blocks.append(_Paragraph(text, align, size))
        return self

    def field_rows(self, pairs: Sequence[tuple[str, object]], columns: int = 2) -> Self:
        """A ruled grid of ``label | value`` pairs, ``columns`` pairs per row.

        Values may be anything (``str()`` is used; ``None`` prints empty).
        """
        if columns < 1:
            raise ValueError("columns must be at least 1")
        cleaned = tuple((str(label), "" if value is None else
                         value if isinstance(value, Unmasked) else str(value))
                        for label, value in pairs)
        self._blocks.append(_FieldRows(cleaned, columns))
        return self

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        col_widths: Sequence[float] | None = None,
        *,
        align: Sequence[Align] | None = None,
    ) -> Self:
        """A ruled table with a shaded header row that repeats on every page.

        ``col_widths`` are relative weights (``[3, 1, 1]``) scaled to the page width;
        ``align`` gives each column's alignment (amounts: ``"right"``). An empty ``rows``
        prints one ``（无）`` row.
        """
        n = len(headers)
        if n == 0:
            raise ValueError("a table needs at least one column")
        if col_widths is not None and (len(col_widths) != n or min(col_widths) <= 0):
            raise ValueError("col_widths needs one positive weight per column")
        if align is not None and (len(align) != n or any(a not in _ALIGN for a in align)):
            raise ValueError("align needs one of left/center/right per column")
        cleaned: list[tuple[str, ...]] = []
        for row in rows:
            if len(row) != n:
                raise ValueError(f"row has {len(row)} cells, the table has {n} columns")
            cleaned.append(tuple("" if cell is None else str(cell) for cell in row))
        self._blocks.append(
            _Table(
                tuple(headers),
                tuple(cleaned),
                tuple(col_widths) if col_widths is not None else None,
                tuple(align) if align is not None else None,
            )
        )
        return self

    def signatures(self, labels: Sequence[str], *, date: bool = True) -> Self:
        """Signature lines side by side (``经办人：______``), up to 3 per row, each with a
        ``日期：  年  月  日`` line under it when ``date`` is true."""
        if labels:
            self._blocks.append(_Signatures(tuple(labels), date))
        return self

    def stamp_note(self, text: str) -> Self:
        """A small right-aligned note, e.g. ``本收据加盖财务专用章有效``."""
        self._blocks.append(_StampNote(text))
        return self

    def spacer(self, height_mm: float = 4) -> Self:
        self._blocks.append(_Space(height_mm))
        return self

    def page_break(self) -> Self:
        """Start a new page within the current copy."""
        self._blocks.append(_PageBreak())
        return self

    # -- rendering ----------------------------------------------------------------------

    def render(self) -> bytes:
        """The PDF as bytes. Rendering is deterministic: same document, same bytes."""
        register_fonts()
        page = _PAGE_SIZES[self.page_size]
        small = self.page_size.startswith("A5")
        margin = (12 if small else 18) * mm  # left and right
        margin_v = (15 if small else 20) * mm  # top and bottom: room for label and footer
        buffer = io.BytesIO()
        template = BaseDocTemplate(
            buffer,
            pagesize=page,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=margin_v,
            bottomMargin=margin_v,
            title=self.title,
            author=self.author or None,
            subject=self.subtitle or None,
            creator="deskapp",
            invariant=1,
            lang="zh-CN",
        )
        state: dict[str, Any] = {"label": "", "start": 1}
        frame = Frame(
            margin,
            margin_v,
            page[0] - 2 * margin,
            page[1] - 2 * margin_v,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )

        def decorate(canv: Canvas, _doc: BaseDocTemplate) -> None:
            canv.saveState()
            canv.setFillColor(_MUTED)
            label = state["label"]
            if self.mark:
                canv.setFont(FONT, 12)
                canv.drawString(margin, page[1] - margin_v / 2 - 4, f"【{self.mark}】")
            if label:
                canv.setFont(FONT, 9)
                canv.drawRightString(page[0] - margin, page[1] - margin_v / 2 - 3, label)
            canv.setFont(FONT, 8)
            if self.footer:
                canv.drawString(margin, margin_v / 2 - 3, _pdf_safe(self.footer))
            if self.page_numbers:
                number = canv.getPageNumber() - state["start"] + 1
                canv.drawRightString(
                    page[0] - margin, margin_v / 2 - 3, t("print.page", page=number)
                )
            canv.restoreState()

        template.addPageTemplates(
            [PageTemplate(id="page", frames=[frame], onPageEnd=decorate, pagesize=page)]
        )
        story: list[Flowable] = []
        styles = _Styles(small)
        for index, label in enumerate(self.copies):
            if index:
                story.append(PageBreak())
            story.append(_CopyStart(state, label))
            story.extend(self._header(styles))
            for block in self._blocks:
                story.extend(_flowables(block, styles, frame.width))
        template.build(story)
        return buffer.getvalue()

    def _header(self, styles: _Styles) -> list[Flowable]:
        parts: list[Flowable] = [Paragraph(_markup(self.title), styles.title)]
        if self.subtitle:
            parts.append(Paragraph(_markup(self.subtitle), styles.subtitle))
        if self.number:
            parts.append(
                Paragraph(_markup(t("print.doc_number", number=self.number)), styles.number)
            )
        parts.append(Spacer(1, 3 * mm))
        return parts


class _Styles:
    def __init__(self, small: bool) -> None:
        base = 9.5 if small else 10.0
        self.size = base
        self.body = ParagraphStyle(
            "body", fontName=FONT, fontSize=base, leading=base * 1.45, wordWrap="CJK"
        )
        self.title = ParagraphStyle(
            "title",
            parent=self.body,
            fontSize=16 if small else 18,
            leading=(16 if small else 18) * 1.3,
            alignment=TA_CENTER,
            spaceAfter=1 * mm,
        )
        self.subtitle = ParagraphStyle(
            "subtitle", parent=self.body, fontSize=base + 1, alignment=TA_CENTER, textColor=_MUTED
        )
        self.number = ParagraphStyle(
            "number", parent=self.body, fontSize=base - 1, alignment=TA_RIGHT, textColor=_MUTED
        )
        self.heading = ParagraphStyle(
            "heading",
            parent=self.body,
            fontSize=base + 2,
            leading=(base + 2) * 1.4,
            spaceBefore=2 * mm,
            spaceAfter=1 * mm,
        )
        self.label = ParagraphStyle("label", parent=self.body, textColor=colors.black)
        self.note = ParagraphStyle(
            "note", parent=self.body, fontSize=base - 1, alignment=TA_RIGHT, textColor=_MUTED
        )

    def aligned(self, align: Align, size: float | None = None) -> ParagraphStyle:
        size = size or self.size
        return ParagraphStyle(
            f"body-{align}-{size}",
            parent=self.body,
            alignment=_ALIGN[align],
            fontSize=size,
            leading=size * 1.45,
        )


def _grid_style(extra: list[tuple[Any, ...]]) -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, _LINE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            *extra,
        ]
    )


def _flowables(block: _Block, styles: _Styles, width: float) -> list[Flowable]:
    match block:
        case _Heading(text):
            return [Paragraph(_markup(text), styles.heading)]
        case _Paragraph(text, align, size):
            return [Paragraph(_markup(text), styles.aligned(align, size))]
        case _FieldRows(pairs, columns):
            return [_field_table(pairs, columns, styles, width), Spacer(1, 2 * mm)]
        case _Table():
            return [_data_table(block, styles, width), Spacer(1, 2 * mm)]
        case _Signatures(labels, date):
            return [KeepTogether(_signature_table(labels, date, styles, width))]
        case _StampNote(text):
            return [Spacer(1, 1 * mm), Paragraph(_markup(text), styles.note)]
        case _Space(height_mm):
            return [Spacer(1, height_mm * mm)]
        case _PageBreak():
            return [PageBreak()]
    raise TypeError(f"unknown block {block!r}")  # pragma: no cover


def _text_width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(_pdf_safe(text), FONT, size)


def _field_table(
    pairs: tuple[tuple[str, str], ...], columns: int, styles: _Styles, width: float
) -> Table:
    pair_width = width / columns
    widest = max((_text_width(label, styles.size) for label, _ in pairs), default=0.0)
    label_width = min(widest + 10, pair_width * 0.45)
    data: list[list[Paragraph | str]] = []
    for start in range(0, max(len(pairs), 1), columns):
        row: list[Paragraph | str] = []
        for label, value in pairs[start : start + columns]:
            row += [Paragraph(_markup(label), styles.label), Paragraph(_markup(value), styles.body)]
        row += [""] * (2 * columns - len(row))
        data.append(row)
    shade = [("BACKGROUND", (2 * c, 0), (2 * c, -1), _SHADE) for c in range(columns)]
    table = Table(data, colWidths=[label_width, pair_width - label_width] * columns)
    table.setStyle(_grid_style(shade))
    return table


def _data_table(block: _Table, styles: _Styles, width: float) -> Table:
    n = len(block.headers)
    weights = block.col_widths or (1.0,) * n
    total = sum(weights)
    col_widths = [width * w / total for w in weights]
    aligns = block.align or (_LEFT,) * n
    cell_styles = [styles.aligned(a) for a in aligns]
    header_styles = [styles.aligned("center") for _ in aligns]
    data: list[list[Paragraph | str]] = [
        [Paragraph(_markup(h), s) for h, s in zip(block.headers, header_styles, strict=True)]
    ]
    extra: list[tuple[Any, ...]] = [("BACKGROUND", (0, 0), (-1, 0), _SHADE)]
    if block.rows:
        for row in block.rows:
            data.append([Paragraph(_markup(c), s) for c, s in zip(row, cell_styles, strict=True)])
    else:
        data.append([Paragraph(_markup(t("print.table.empty")), styles.aligned("center"))])
        data[-1] += [""] * (n - 1)
        extra.append(("SPAN", (0, 1), (-1, 1)))
    table = Table(data, colWidths=col_widths, repeatRows=1)
    table.setStyle(_grid_style(extra))
    return table


def _signature_table(
    labels: tuple[str, ...], date: bool, styles: _Styles, width: float
) -> list[Flowable]:
    per_row = min(3, len(labels))
    slot = width / per_row
    parts: list[Flowable] = [Spacer(1, 4 * mm)]
    for start in range(0, len(labels), per_row):
        chunk = labels[start : start + per_row]
        label_width = min(max(_text_width(f"{x}：", styles.size) for x in chunk) + 4, slot * 0.5)
        line_width = slot - label_width - 8
        row: list[Paragraph | str] = []
        date_row: list[Paragraph | str] = []
        for label in chunk:
            row += [Paragraph(_markup(f"{label}："), styles.body), ""]
            date_row += [Paragraph(_markup(t("print.signature.date")), styles.body), ""]
        missing = per_row - len(chunk)
        row += ["", ""] * missing
        date_row += ["", ""] * missing
        data = [row, date_row] if date else [row]
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
        ]
        for i in range(len(chunk)):
            commands.append(("LINEBELOW", (2 * i + 1, 0), (2 * i + 1, 0), 0.6, colors.black))
            if date:
                commands.append(("SPAN", (2 * i, 1), (2 * i + 1, 1)))
        table = Table(data, colWidths=[label_width, line_width + 8] * per_row)
        table.setStyle(TableStyle(commands))
        parts += [table, Spacer(1, 3 * mm)]
    return parts


# --------------------------------------------------------------------------------------
# Reading PDFs back (tests)
# --------------------------------------------------------------------------------------


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page (pypdf, a test dependency; imported lazily)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [(page.extract_text() or "").replace("\uffe5", "\u00a5") for page in reader.pages]


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, pages separated by newlines; ``￥`` reads back as ``¥``."""
    return "\n".join(pdf_pages(data))
