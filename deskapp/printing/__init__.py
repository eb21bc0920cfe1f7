"""Printing: every printable document is a :class:`Document` rendered to PDF bytes.

See :mod:`deskapp.printing.pdf`.
"""

from __future__ import annotations

from deskapp.printing.pdf import (
    FONT,
    Align,
    Document,
    PageSize,
    pdf_pages,
    pdf_text,
    register_fonts,
)

__all__ = ["FONT", "Align", "Document", "PageSize", "pdf_pages", "pdf_text", "register_fonts"]
