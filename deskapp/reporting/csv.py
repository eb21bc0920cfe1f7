"""The CSV writer, and the inert-cell rule every CSV and XLSX the application writes
follows.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab or carriage return) as a formula: a name typed as
``=HYPERLINK("http://…"&F5,"查看详情")`` would send the neighbouring cell's data away
when the export is opened. :func:`inert` writes such text as text: prefixed with ``'``
(the OWASP CSV-injection rule). Plain numbers (``-12.50``, ``+3``) are not formulas and
stay as they are; numeric cells (int, Decimal, float) are never touched.

CSV cells are machine-friendly: money in yuan without ``¥`` or grouping (``1234.56``),
per cent as ``66.7%``, dates ISO. :func:`render` writes the report's tables one after
the other (a table's title on its own line when there are several)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from deskapp.money import format_fen
from deskapp.reporting.table import (
    Cell,
    Column,
    Report,
    ReportTable,
    cell_text,
    cell_type,
    cell_value,
)

__all__ = ["BOM", "csv_cell", "csv_writer", "inert", "render", "table_rows"]

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[-+]?¥?[-+]?(?:\d[\d,]*)?(?:\.\d+)?%?$")


def inert(value: Any) -> Any:
    """``value`` safe to put into a CSV or spreadsheet cell (non-text values unchanged)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not (
            any(c.isdigit() for c in value) and _PLAIN_NUMBER.match(value)):
        return "'" + value
    return value


class _InertWriter:
    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Any) -> Any:
        return self._writer.writerow([inert(v) for v in row])

    def writerows(self, rows: Any) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(buffer: Any, **kwargs: Any) -> Any:
    """``csv.writer(buffer, **kwargs)`` whose rows are written through :func:`inert`."""
    return _InertWriter(csv.writer(buffer, **kwargs))


def csv_cell(column: Column, value: Any) -> str:
    """Money as plain yuan (``-1234.50``: no ``¥``, no grouping); else :func:`cell_text`."""
    if cell_type(column, value) == "money" and not (isinstance(value, Cell) and value.text):
        raw = cell_value(value)
        return "" if raw is None else format_fen(int(raw), symbol=False, grouping=False)
    return cell_text(column, value)


def table_rows(table: ReportTable) -> list[list[str]]:
    """The header and every row (bars left out), as CSV cells."""
    keep = [i for i, c in enumerate(table.columns) if c.type != "bar"]
    rows = [[table.columns[i].title for i in keep]] if table.show_header else []
    for row in table.all_rows():
        rows.append([csv_cell(table.columns[i], row[i]) for i in keep])
    return rows


def render(report: Report, *, tables: list[ReportTable] | None = None,
           lineterminator: str = "\n", bom: bool = False) -> str:
    """The tables (default: all of the report's) as CSV text."""
    chosen = report.tables if tables is None else tables
    buffer = io.StringIO(newline="")
    writer = csv_writer(buffer, lineterminator=lineterminator)
    for n, table in enumerate(t for t in chosen if t.columns):
        if len(chosen) > 1:
            if n:
                writer.writerow([])
            if table.title:
                writer.writerow([table.title])
        writer.writerows(table_rows(table))
    return (BOM if bom else "") + buffer.getvalue()
