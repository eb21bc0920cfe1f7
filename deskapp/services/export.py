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
* Both through the one table model and its writers (:mod:`deskapp.reporting`); the
  inert-cell rule (``inert``, ``csv_writer``, ``inert_workbook``) lives there and is
  re-exported here.

No Textual here; the record list's export key (Ctrl+E) calls :func:`write_export`.
"""

from __future__ import annotations

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
from deskapp.reporting.csv import BOM, csv_writer, inert
from deskapp.reporting.csv import render as render_csv
from deskapp.reporting.table import Cell, Column, Report, ReportTable
from deskapp.reporting.xlsx import inert_workbook
from deskapp.reporting.xlsx import render as render_xlsx
from deskapp.services.listing import ListQuery, ListRow, ListSource

__all__ = ["BOM", "EXPORT_PAGE", "FORMATS", "csv_writer", "describe_query", "export_bytes",
           "export_dir", "export_rows", "export_table", "header", "inert", "inert_workbook",
           "write_export"]

ExportFormat = Literal["xlsx", "csv"]
FORMATS: tuple[str, ...] = ("xlsx", "csv")
EXPORT_PAGE = 1000
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


def _cell(text: str, numeric: bool) -> Any:
    """A list cell for the table model: the text as the list shows it, and — in a
    right-aligned column whose cell is a plain number or amount — the number for XLSX."""
    number = _number(text) if numeric else None
    if number is None:
        return text
    if isinstance(number, int):
        return Cell(number, "int", text)
    exponent = number.as_tuple().exponent  # an int: _number's text is always finite
    if isinstance(exponent, int) and exponent >= -2:
        return Cell(int(number * 100), "money", text)
    return Cell(number, "number", text)


def export_table(session: Any, source: ListSource, query: ListQuery,
                 title: str = "") -> Report:
    """The list as a :class:`~deskapp.reporting.table.Report`: the title, the filters in
    force and one table of the rows as the list shows them."""
    columns = [Column(c.key, c.title_key, width=c.width) for c in source.columns]
    numeric = [c.align == "right" for c in source.columns]
    rows = [[_cell(text, numeric[i]) for i, text in enumerate(cells)]
            for cells in export_rows(session, source, query)]
    name = title or t("reports.export.sheet")
    return Report(name, [ReportTable(columns, rows)],
                  subtitle=t("reports.export.filters", filters=describe_query(source, query),
                             at=clock.now().strftime("%Y-%m-%d %H:%M")))


def _csv(session: Any, source: ListSource, query: ListQuery) -> tuple[bytes, int]:
    report = export_table(session, source, query)
    text = render_csv(report, lineterminator="\r\n", bom=True)
    return text.encode("utf-8"), len(report.tables[0].rows)


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
    report = export_table(session, source, query, title)
    return render_xlsx(report), len(report.tables[0].rows)


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
