"""The text writer: a :class:`~deskapp.reporting.table.Report` as plain text for the
terminal and ``--format text`` files, through ``rich`` tables — widths in terminal cells,
so Chinese (two cells a character) lines up. Also the one padder (:func:`pad`) and the
one block-character bar (:func:`bar`) used wherever text is laid out by hand."""

from __future__ import annotations

import io
from typing import Any, Literal

from rich.box import SIMPLE_HEAD
from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.table import Table

from deskapp.i18n import t
from deskapp.reporting.table import (
    Column,
    Report,
    ReportTable,
    cell_text,
    cell_type,
    cell_value,
)

__all__ = ["BAR_WIDTH", "bar", "lines", "pad", "render", "render_table", "rich_table", "to_text"]

BAR_WIDTH = 30
_EIGHTHS = " ▏▎▍▌▋▊▉"
_WIDE = 400


def pad(text: str, width: int, align: Literal["left", "right"] | str = "left") -> str:
    """``text`` padded (or cut) to ``width`` terminal cells; CJK characters take two."""
    size = cell_len(text)
    if size > width:
        return set_cell_size(text, width)
    fill = " " * (width - size)
    return fill + text if align == "right" else text + fill


def bar(fraction: float | None, width: int = BAR_WIDTH, *, fill: bool = True) -> str:
    """A bar of ``width`` cells filled to ``fraction`` (0–1), in eighths of a cell. With
    ``fill`` the rest is spaces (a fixed-width column); a non-zero ``fraction`` never
    shows as nothing when ``fill`` is false (a chart's bar: at least a sliver)."""
    if width <= 0:
        return ""
    if fraction is None:
        return " " * width if fill else ""
    fraction = min(max(float(fraction), 0.0), 1.0)
    eighths = round(fraction * width * 8)
    if not fill and fraction > 0:
        eighths = max(1, eighths)
    full, part = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[part] if part else "")
    return text + " " * (width - len(text)) if fill else text


def _cell(table: ReportTable, i: int, value: Any) -> str:
    column = table.columns[i]
    if cell_type(column, value) == "bar":
        return bar(cell_value(value), column.width or BAR_WIDTH, fill=False)
    return cell_text(column, value)


def rich_table(table: ReportTable) -> Table:
    """The table as a ``rich`` Table (header underlined, numbers right-aligned, no
    wrapping: a long cell widens its column)."""
    out = Table(box=SIMPLE_HEAD if table.show_header else None, show_header=table.show_header,
                show_edge=False, pad_edge=False, padding=(0, 1), expand=False)
    shown = table.shown()
    for i in shown:
        column = table.columns[i]
        out.add_column(column.title, justify=column.align, no_wrap=True)
    for n, row in enumerate(table.rows):
        out.add_row(*(_cell(table, i, row[i]) for i in shown),
                    end_section=bool(table.totals) and n == len(table.rows) - 1)
    if table.totals:
        out.add_row(*(_cell(table, i, table.totals[i]) for i in shown))
    return out


def _lines(renderable: Any) -> list[str]:
    buffer = io.StringIO()
    console = Console(file=buffer, width=_WIDE, color_system=None, force_terminal=False,
                      legacy_windows=False, emoji=False, highlight=False, markup=False,
                      soft_wrap=True)
    console.print(renderable)
    return [line.rstrip() for line in buffer.getvalue().splitlines()]


def lines(rows: list[list[str]], *, right: tuple[int, ...] = ()) -> str:
    """Plain rows (no header) as aligned text: the CLI's lists (``deskapp staff list``).
    Columns in ``right`` are right-aligned."""
    n = max((len(r) for r in rows), default=0)
    table = ReportTable([Column(str(i), label="", type="number" if i in right else "text")
                         for i in range(n)], [[*r, *[""] * (n - len(r))] for r in rows],
                        show_header=False)
    return "\n".join(_lines(rich_table(table))) + "\n" if rows else ""


def render_table(table: ReportTable, *, indent: str = "") -> list[str]:
    """A titled table as lines: title, subtitle, the grid (or its ``empty`` text), notes."""
    lines: list[str] = []
    if table.title:
        lines.append(f"{indent}{table.title}")
    if table.subtitle:
        lines.append(f"{indent}{table.subtitle}")
    if table.rows or table.totals:
        lines += [f"{indent}{line}" if line else "" for line in _lines(rich_table(table))]
    elif table.columns:
        lines.append(f"{indent}{table.empty or t('print.table.empty')}")
    lines += [f"{indent}{note}" for note in table.notes]
    return lines


def to_text(report: Report) -> list[str]:
    lines = [report.title, "=" * cell_len(report.title)]
    if report.subtitle:
        lines.append(report.subtitle)
    lines += report.lines
    for table in report.tables:
        lines.append("")
        lines += render_table(table)
    return lines


def render(report: Report) -> str:
    """The whole report as text (ends with a newline)."""
    return "\n".join(to_text(report)) + "\n"
