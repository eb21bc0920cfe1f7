"""The XLSX writer (openpyxl, imported lazily): a
:class:`~deskapp.reporting.table.Report` as a workbook.

The first sheet starts with the report's title (bold), subtitle and lines; each table
follows (its title bold, the header row bold, the rows, the totals bold); a table with a
``sheet`` starts a sheet of its own. Money goes in as yuan numbers (``#,##0.00``), per
cent as real percentages (``0.0%``), counts as integers; the first table of a sheet
freezes the rows above its data; ``chart`` tables get a bar chart beside them. Tables go on the sheet their ``sheet``
names (``""``: the first one), in order. Every
text cell goes through :func:`deskapp.reporting.csv.inert` (:func:`inert_workbook`)."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

from rich.cells import cell_len

from deskapp.reporting.csv import inert
from deskapp.reporting.table import Report, ReportTable, cell_text, cell_type, cell_value

__all__ = ["inert_workbook", "render", "sheet_name", "workbook"]

_MAX_WIDTH = 60


def sheet_name(text: str) -> str:
    """A valid sheet name: no ``[]:*?/\\``, at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "_", text)[:31] or "Sheet"


def inert_workbook(book: Any) -> Any:
    """Every text cell of every sheet through :func:`inert` (call it before saving); no
    formula survives: the application never writes one on purpose."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or isinstance(cell.value, str):
                    value = inert(str(cell.value))
                    if value != cell.value:
                        cell.value = value
                        cell.data_type = "s"
    return book


def _value(table: ReportTable, i: int, value: Any) -> tuple[Any, str | None]:
    """The cell's value in the sheet and its number format."""
    column = table.columns[i]
    kind, raw = cell_type(column, value), cell_value(value)
    if raw is None:
        return (cell_text(column, value) or None), None
    if kind == "money":
        return Decimal(int(raw)) / 100, "#,##0.00"
    if kind == "percent":
        return Decimal(str(raw)) / 100, "0.0%"
    if kind == "int":
        return int(raw), None
    if kind == "number":
        return raw, ("0.0#" if isinstance(raw, Decimal | float) else None)
    return cell_text(column, value), None


def _write_table(sheet: Any, table: ReportTable, *, first: bool, widths: dict[int, int]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    keep = [i for i, c in enumerate(table.columns) if c.type != "bar"]
    if not table.columns:
        for line in ([table.title] if table.title else []) + table.notes:
            sheet.append([line])
        return
    if table.title:
        sheet.append([table.title])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    if table.subtitle:
        sheet.append([table.subtitle])
    if table.show_header:
        sheet.append([table.columns[i].title for i in keep])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    head_row = sheet.max_row
    if not table.rows and not table.totals and table.empty:
        sheet.append([table.empty])
    rows = table.all_rows()
    for n, row in enumerate(rows):
        values = [_value(table, i, row[i]) for i in keep]
        sheet.append([v for v, _ in values])
        r = sheet.max_row
        for col, (value, fmt) in enumerate(values, start=1):
            cell = sheet.cell(r, col)
            if fmt:
                cell.number_format = fmt
            elif isinstance(value, str) and "\n" in value:
                cell.alignment = Alignment(wrap_text=True)
            if table.totals and n == len(rows) - 1:
                cell.font = Font(bold=True)
    if first and table.show_header and rows:
        sheet.freeze_panes = sheet.cell(head_row + 1, 1)
    for note in table.notes:
        sheet.append([note])
    for col, i in enumerate(keep, start=1):
        column = table.columns[i]
        texts = [cell_len(column.title)] + [cell_len(cell_text(column, row[i]).split("\n")[0])
                                            for row in rows[:200]]
        wanted = max(6, column.width + 2 if column.width else min(_MAX_WIDTH, max(texts) + 2))
        widths[col] = max(widths.get(col, 0), wanted)
        sheet.column_dimensions[get_column_letter(col)].width = widths[col]
    if table.chart and rows:
        _chart(sheet, table, head_row, len(rows), len(keep))


def _chart(sheet: Any, table: ReportTable, head_row: int, count: int, width: int) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.utils import get_column_letter

    drawing = BarChart()
    drawing.type = "bar"
    drawing.title = table.title or None
    drawing.legend = None
    drawing.height = max(4.0, 0.7 * count + 2)
    drawing.width = 14
    data = Reference(sheet, min_col=width, min_row=head_row, max_row=head_row + count)
    cats = Reference(sheet, min_col=1, min_row=head_row + 1, max_row=head_row + count)
    drawing.add_data(data, titles_from_data=True)
    drawing.set_categories(cats)
    sheet.add_chart(drawing, f"{get_column_letter(width + 2)}{head_row - 1 or 1}")
    # room for the drawing before the next table
    for _ in range(max(0, int(drawing.height * 2) - count)):
        sheet.append([])


def workbook(report: Report) -> Any:
    """The report as an openpyxl ``Workbook`` (already made inert)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name(report.sheet or report.title)
    sheet.append([report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    if report.subtitle:
        sheet.append([report.subtitle])
    for line in report.lines:
        sheet.append([line])
    groups: dict[str, list[ReportTable]] = {}
    for table in report.tables:
        groups.setdefault(table.sheet, []).append(table)
    for name, tables in groups.items():
        if name:
            sheet = book.create_sheet(sheet_name(name))
        else:
            sheet = book.worksheets[0]
        widths: dict[int, int] = {}
        for n, table in enumerate(tables):
            if n:
                sheet.append([])
            _write_table(sheet, table, first=n == 0, widths=widths)
    return inert_workbook(book)


def render(report: Report) -> bytes:
    out = io.BytesIO()
    workbook(report).save(out)
    return out.getvalue()
