"""The one report table model, and the one way each typed value becomes text.

A :class:`Report` is a title, a subtitle (the period, the filters), a few header lines
and :class:`ReportTable` s. A table has typed :class:`Column` s (text, int, money in fen,
percent, date, number, bar), rows of raw values (fen as ``int``, per cent as a
number of per cent (``Decimal``; :func:`percent` / :func:`share`, or unrounded — the
text writers round it HALF_UP, once), dates as ``date``), optional totals and
notes. A cell whose row needs another type than its column (a ``label | value`` table of
mixed figures) is a :class:`Cell`.

:func:`cell_text` is the single formatting of a value for people (text, PDF);
:func:`percent` / :func:`share` the single per-cent rounding (HALF_UP, once); the writers
(text, CSV, XLSX, PDF) all read this model and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from deskapp.i18n import t
from deskapp.money import format_fen

__all__ = ["DASH", "Cell", "Column", "ColumnType", "Report", "ReportTable", "cell_text",
           "cell_type", "cell_value", "format_percent", "percent", "share"]

ColumnType = Literal["text", "int", "money", "percent", "date", "number", "bar"]
NUMERIC: frozenset[str] = frozenset({"int", "money", "percent", "number"})
PERCENT_PLACES = 1
"""Per cent is shown with one decimal everywhere (``66.7%``)."""
DASH = "—"
"""What an empty (``None``) figure shows: not zero, not known."""


def percent(part: int | Decimal | float, whole: int | Decimal | float,
            places: int = 1) -> Decimal | None:
    """``part`` of ``whole`` in per cent, rounded HALF_UP once to ``places`` decimals;
    ``None`` when ``whole`` is 0."""
    if not whole:
        return None
    exact = Decimal(str(part)) * 100 / Decimal(str(whole))
    return exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def share(value: float | Decimal | None, places: int = 1) -> Decimal | None:
    """A 0–1 share in per cent (HALF_UP once, ``places`` decimals); ``None`` stays ``None``."""
    if value is None:
        return None
    return percent(Decimal(str(value)), 1, places)


def format_percent(value: Decimal | float | None, places: int | None = None) -> str:
    """A per-cent value (from :func:`percent` / :func:`share`) as ``66.7%``; ``—`` for
    ``None``. With ``places``, a not yet rounded value is rounded here (HALF_UP)."""
    if value is None:
        return DASH
    number = Decimal(str(value))
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{number}%"


@dataclass(frozen=True)
class Column:
    """One column: ``key`` (machine name), ``label_key`` (catalogue key of its heading),
    ``type`` and ``unit`` (``元``, ``%``, ``件`` — shown after the heading). ``label``
    replaces the catalogue heading where it is not a fixed text (a payment method's name,
    the score ``5``). ``width`` is a hint in terminal cells (XLSX column width)."""

    key: str
    label_key: str = ""
    type: ColumnType = "text"
    unit: str = ""
    label: str | None = None
    width: int = 0
    data_only: bool = False
    """A machine column (a figure's stable key): in CSV and XLSX, not in text or PDF."""

    @property
    def title(self) -> str:
        text = self.label if self.label is not None else t(self.label_key)
        return f"{text}（{self.unit}）" if self.unit else text

    @property
    def align(self) -> Literal["left", "right"]:
        return "right" if self.type in NUMERIC else "left"


@dataclass(frozen=True)
class Cell:
    """A value whose type is not its column's: ``Cell(1234, "money")`` in a figure table.
    ``text`` is how people read it where that is not :func:`cell_text`'s (a list export
    keeps each cell exactly as the list shows it; the XLSX writer still gets the number)."""

    value: Any
    type: ColumnType = "text"
    text: str | None = None


def cell_type(column: Column, value: Any) -> ColumnType:
    return value.type if isinstance(value, Cell) else column.type


def cell_value(value: Any) -> Any:
    return value.value if isinstance(value, Cell) else value


def cell_text(column: Column, value: Any, *, money_symbol: bool = True) -> str:
    """A cell as people read it: money ``¥1,234.56`` (to the fen), per cent ``66.7%``,
    dates ``2026-11-30`` (times ``2026-11-30 09:05``), ``None`` as ``—``."""
    if isinstance(value, Cell) and value.text is not None:
        return value.text
    kind, raw = cell_type(column, value), cell_value(value)
    if raw is None:
        return DASH if kind in NUMERIC or kind == "date" else ""
    if kind == "money":
        return format_fen(int(raw), symbol=money_symbol)
    if kind == "percent":
        return format_percent(raw, PERCENT_PLACES)
    if kind == "date":
        if isinstance(raw, datetime):
            return raw.strftime("%Y-%m-%d %H:%M")
        return raw.isoformat() if isinstance(raw, date) else str(raw)
    if kind == "int":
        return str(int(raw))
    return str(raw)


@dataclass
class ReportTable:
    """A titled table. ``totals`` is a last row (bold in XLSX/PDF); ``notes`` are lines
    printed under it; ``empty`` is shown when there are no rows; ``chart`` asks the XLSX
    writer for a bar chart of the last column against the first; ``sheet`` names the
    XLSX sheet the table goes on (``""``: the report's first sheet; the sheets come in
    the order their first table does). A table without columns is a heading with its
    notes (lines of text)."""

    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    title: str = ""
    subtitle: str = ""
    totals: list[Any] | None = None
    notes: list[str] = field(default_factory=list)
    empty: str = ""
    chart: bool = False
    sheet: str = ""
    show_header: bool = True
    layout: Literal["table", "fields"] = "table"
    """``fields``: a ``label | value`` figure table (the PDF prints it as a ruled grid of
    pairs, two a row)."""

    def __post_init__(self) -> None:
        n = len(self.columns)
        for row in [*self.rows, *([self.totals] if self.totals else [])]:
            if len(row) != n:
                raise ValueError(f"row has {len(row)} cells, the table has {n} columns")

    def all_rows(self) -> list[list[Any]]:
        """The rows, then the totals."""
        return [*self.rows, *([self.totals] if self.totals else [])]

    def shown(self) -> list[int]:
        """The columns people read (text, PDF): all but the ``data_only`` ones."""
        return [i for i, c in enumerate(self.columns) if not c.data_only]


@dataclass
class Report:
    """A report: title, subtitle (period / filters), header lines (made at, state of
    the month), then its tables in order."""

    title: str
    tables: list[ReportTable] = field(default_factory=list)
    subtitle: str = ""
    lines: list[str] = field(default_factory=list)
    sheet: str = ""

    def add(self, table: ReportTable) -> ReportTable:
        self.tables.append(table)
        return table
