"""The monthly complaint analysis in the one report table model — for
``deskapp report complaints --month YYYY-MM`` and the export key of the analysis screen,
which render it with the report writers (text, CSV, XLSX). The figures come from
:func:`deskapp.services.complaints.figures.monthly_analysis`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from deskapp.i18n import t
from deskapp.reporting.table import Cell, Column, Report, ReportTable
from deskapp.services.complaints.figures import ComplaintMonthFigures, Count
from deskapp.services.complaints.labels import format_minutes

__all__ = ["FORMATS", "rows", "table"]

FORMATS = ("text", "json", "csv", "xlsx")


def _int(value: int) -> Cell:
    return Cell(value, "int")


def _pct(value: Any) -> Cell:
    return Cell(value, "percent")


_LINES: list[tuple[str, Callable[[ComplaintMonthFigures], Any]]] = [
    ("complaints.report.volume", lambda f: _int(f.volume)),
    ("complaints.report.valid", lambda f: _int(f.valid)),
    ("complaints.report.invalid", lambda f: _int(f.invalid)),
    ("complaints.report.unclassified", lambda f: _int(f.unclassified)),
    ("complaints.report.valid_share", lambda f: _pct(f.valid_share)),
    ("complaints.report.major", lambda f: _int(f.major)),
    ("complaints.report.escalated", lambda f: _int(f.escalated)),
    ("complaints.report.overdue", lambda f: _int(f.overdue)),
    ("complaints.report.first_median", lambda f: format_minutes(f.first_response_median)),
    ("complaints.report.first_p90", lambda f: format_minutes(f.first_response_p90)),
    ("complaints.report.closed", lambda f: _int(f.closed)),
    ("complaints.report.close_median", lambda f: format_minutes(f.close_median)),
    ("complaints.report.close_p90", lambda f: format_minutes(f.close_p90)),
    ("complaints.report.replied_valid", lambda f: _int(f.replied_valid)),
    ("complaints.report.return_visited", lambda f: _int(f.return_visited)),
    ("complaints.report.return_rate", lambda f: _pct(f.return_visit_rate)),
    ("complaints.report.visits", lambda f: _int(f.visits)),
    ("complaints.report.satisfied_share", lambda f: _pct(f.satisfied_share)),
    ("complaints.report.satisfaction_avg", lambda f: Cell(f.satisfaction_avg, "number")),
]


def rows(f: ComplaintMonthFigures) -> list[list[Any]]:
    """(figure, this month, previous month) rows, translated; then the breakdowns as
    (group: label, this month, previous month)."""
    prev = f.previous or ComplaintMonthFigures(year=f.year, month=f.month)
    out = [[t(key), fn(f), fn(prev)] for key, fn in _LINES]

    def breakdown(title_key: str, now: list[Count], before: list[Count]) -> None:
        earlier = {c.key: c.count for c in before}
        labels = {c.key: c.label for c in before}
        keys = [c.key for c in now] + [k for k in earlier if k not in {c.key for c in now}]
        current = {c.key: c.count for c in now}
        labels.update({c.key: c.label for c in now})
        for key in keys:
            out.append([f"{t(title_key)}：{labels[key]}", _int(current.get(key, 0)),
                        _int(earlier.get(key, 0))])

    breakdown("complaints.report.by_category", f.by_category, prev.by_category)
    breakdown("complaints.report.by_channel", f.by_channel, prev.by_channel)
    breakdown("complaints.report.by_department", f.by_department, prev.by_department)
    breakdown("complaints.report.by_responsible", f.by_responsible, prev.by_responsible)
    return out


def _month(f: ComplaintMonthFigures) -> str:
    return f"{f.year}-{f.month:02d}"


def _prev_month(f: ComplaintMonthFigures) -> str:
    y, m = (f.year - 1, 12) if f.month == 1 else (f.year, f.month - 1)
    return f"{y}-{m:02d}"


def table(f: ComplaintMonthFigures) -> Report:
    """The analysis as one table: figure, this month, the previous month."""
    columns = [Column("figure", "complaints.report.figure"),
               Column("month", label=_month(f)), Column("previous", label=_prev_month(f))]
    return Report(t("complaints.report.title", month=_month(f)),
                  [ReportTable(columns, rows(f))], sheet=_month(f))
