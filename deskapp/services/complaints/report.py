"""The monthly complaint analysis as text, JSON, CSV or an Excel workbook — for
``deskapp report complaints --month YYYY-MM`` and the export key of the analysis screen.
The figures come from :func:`deskapp.services.complaints.complaints.monthly_analysis`."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import Decimal

from deskapp.i18n import t
from deskapp.services.complaints.complaints import ComplaintMonthFigures, Count, format_minutes
from deskapp.services.export import csv_writer, inert_workbook

__all__ = ["FORMATS", "render", "rows"]

FORMATS = ("text", "json", "csv", "xlsx")


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def _plain(value: object) -> str:
    return "—" if value is None else str(value)


_LINES: list[tuple[str, Callable[[ComplaintMonthFigures], str]]] = [
    ("complaints.report.volume", lambda f: str(f.volume)),
    ("complaints.report.valid", lambda f: str(f.valid)),
    ("complaints.report.invalid", lambda f: str(f.invalid)),
    ("complaints.report.unclassified", lambda f: str(f.unclassified)),
    ("complaints.report.valid_share", lambda f: _pct(f.valid_share)),
    ("complaints.report.major", lambda f: str(f.major)),
    ("complaints.report.escalated", lambda f: str(f.escalated)),
    ("complaints.report.overdue", lambda f: str(f.overdue)),
    ("complaints.report.first_median", lambda f: format_minutes(f.first_response_median)),
    ("complaints.report.first_p90", lambda f: format_minutes(f.first_response_p90)),
    ("complaints.report.closed", lambda f: str(f.closed)),
    ("complaints.report.close_median", lambda f: format_minutes(f.close_median)),
    ("complaints.report.close_p90", lambda f: format_minutes(f.close_p90)),
    ("complaints.report.replied_valid", lambda f: str(f.replied_valid)),
    ("complaints.report.return_visited", lambda f: str(f.return_visited)),
    ("complaints.report.return_rate", lambda f: _pct(f.return_visit_rate)),
    ("complaints.report.visits", lambda f: str(f.visits)),
    ("complaints.report.satisfied_share", lambda f: _pct(f.satisfied_share)),
    ("complaints.report.satisfaction_avg", lambda f: _plain(f.satisfaction_avg)),
]


def rows(f: ComplaintMonthFigures) -> list[tuple[str, str, str]]:
    """(figure, this month, previous month) rows, translated; then the breakdowns as
    (group: label, this month, previous month)."""
    prev = f.previous or ComplaintMonthFigures(year=f.year, month=f.month)
    out = [(t(key), fn(f), fn(prev)) for key, fn in _LINES]

    def breakdown(title_key: str, now: list[Count], before: list[Count]) -> None:
        earlier = {c.key: c.count for c in before}
        labels = {c.key: c.label for c in before}
        keys = [c.key for c in now] + [k for k in earlier if k not in {c.key for c in now}]
        current = {c.key: c.count for c in now}
        labels.update({c.key: c.label for c in now})
        for key in keys:
            out.append((f"{t(title_key)}：{labels[key]}", str(current.get(key, 0)),
                        str(earlier.get(key, 0))))

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


def render(f: ComplaintMonthFigures, fmt: str) -> str | bytes:
    """The analysis in ``fmt`` (text, json, csv: str; xlsx: bytes)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    header = (t("complaints.report.figure"), _month(f), _prev_month(f))
    if fmt == "json":
        return json.dumps(f.as_dict(), ensure_ascii=False, indent=2)
    table = rows(f)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv_writer(buf)
        writer.writerow(header)
        writer.writerows(table)
        return buf.getvalue()
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        ws = wb.active
        ws.title = _month(f)
        ws.append([t("complaints.report.title", month=_month(f))])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(list(header))
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for label, now, before in table:
            ws.append([label, _number(now), _number(before)])
        ws.column_dimensions["A"].width = 40
        ws.column_dimensions["B"].width = 18
        ws.column_dimensions["C"].width = 18
        out = io.BytesIO()
        inert_workbook(wb).save(out)
        return out.getvalue()
    from rich.cells import cell_len

    width = max(cell_len(r[0]) for r in table) + 2
    lines = [t("complaints.report.title", month=_month(f)), ""]

    def line(a: str, b: str, c: str) -> str:
        return a + " " * (width - cell_len(a)) + b + " " * max(2, 18 - cell_len(b)) + c

    lines.append(line(*header))
    lines += [line(*r) for r in table]
    return "\n".join(lines) + "\n"


def _number(text: str) -> object:
    """Counts as numbers in the workbook; everything else as shown."""
    return int(text) if text.isdigit() else text
