"""The PDF writer of :class:`~deskapp.reporting.table.Report`, through the one PDF
mechanism (:class:`deskapp.printing.pdf.Document`: the Chinese face, page numbers).

Each table: its title as a paragraph, then a ruled grid — a ``fields`` table as
``label | value`` pairs (two a row), any other as a table with its header repeated on
every page (numbers right-aligned; a bar column as ■, which the Song face prints). Money
reads ``¥1,234.56``, per cent ``66.7%`` (:func:`deskapp.reporting.table.cell_text`)."""

from __future__ import annotations

from typing import Any

from deskapp.printing.pdf import Document
from deskapp.reporting.table import Report, ReportTable, cell_text, cell_type, cell_value

__all__ = ["PDF_BAR", "add_table", "document", "pdf_bar", "render"]

PDF_BAR = 24
"""Cells of the longest bar."""


def pdf_bar(fraction: float | None) -> str:
    """■ repeated in proportion (at least one for a non-zero value)."""
    if not fraction or fraction <= 0:
        return ""
    return "■" * max(1, round(min(float(fraction), 1.0) * PDF_BAR))


def _text(table: ReportTable, i: int, value: Any) -> str:
    column = table.columns[i]
    if cell_type(column, value) == "bar":
        return pdf_bar(cell_value(value))
    return cell_text(column, value)


def add_table(doc: Document, table: ReportTable, *, heading: bool = False,
              fields_per_row: int = 2) -> Document:
    """Append ``table`` to ``doc`` (its title as a heading when ``heading``)."""
    if table.title:
        doc.heading(table.title) if heading else doc.paragraph(table.title)
    if table.subtitle:
        doc.paragraph(table.subtitle)
    rows, shown = table.all_rows(), table.shown()
    texts = [[_text(table, i, row[i]) for i in shown] for row in rows]
    columns = [table.columns[i] for i in shown]
    if not rows and table.empty:
        doc.paragraph(table.empty)
    elif not columns:
        pass
    elif table.layout == "fields":
        doc.field_rows([(row[0], " ".join(row[1:])) for row in texts], columns=fields_per_row)
    else:
        weights = [float(c.width) for c in columns]
        doc.table([c.title for c in columns], texts,
                  col_widths=weights if all(w > 0 for w in weights) else None,
                  align=[c.align for c in columns])
    for note in table.notes:
        doc.paragraph(note)
    return doc


def document(report: Report, *, footer: str = "", author: str = "") -> Document:
    doc = Document(report.title, subtitle=report.subtitle, footer=footer, author=author)
    for line in report.lines:
        doc.paragraph(line)
    for table in report.tables:
        add_table(doc, table)
    return doc


def render(report: Report, **kwargs: Any) -> bytes:
    return document(report, **kwargs).render()
