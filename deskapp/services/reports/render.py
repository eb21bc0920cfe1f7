"""The monthly report (月报) as the one report table model (:func:`table`) and as plain
data (:func:`as_dict`, JSON) — built from the layout of
:func:`deskapp.services.reports.layout.sections`; no figure is computed here, and nothing is
rendered: ``deskapp report monthly`` and the report screen's export render the model with
the report writers (:func:`deskapp.printing.monthly_report.render`)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from deskapp.i18n import t
from deskapp.reporting.table import Cell, Column, ColumnType, Report, ReportTable
from deskapp.services.reports.layout import Chart, Figure, Section, is_empty, sections
from deskapp.services.reports.monthly import MonthlyReport

__all__ = ["as_dict", "chart_table", "header_lines", "render_json", "table"]


def header_lines(report: MonthlyReport) -> list[str]:
    """Title, site and the state of the month (running / no data)."""
    lines = [t("reports.title", site=report.site_name, month=report.label).strip()]
    lines.append(t("reports.made_at", at=report.made_at.strftime("%Y-%m-%d %H:%M")))
    if report.partial:
        lines.append(t("reports.partial", day=report.as_of.isoformat()))
    return lines


def _num(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def as_dict(report: MonthlyReport, layout: list[Section] | None = None) -> dict[str, Any]:
    """The report as plain data: every figure by its key (counts and fen as integers,
    rates in per cent); a section without data carries ``has_data: false`` and no
    figures at all."""
    layout = layout if layout is not None else sections(report)
    out: dict[str, Any] = {
        "report": "monthly", "month": report.label, "site": report.site_name,
        "made_at": report.made_at.isoformat(sep=" "), "as_of": report.as_of.isoformat(),
        "partial": report.partial, "empty": is_empty(layout), "sections": {},
    }
    for section in layout:
        entry: dict[str, Any] = {"title": section.title, "has_data": section.has_data}
        if section.has_data:
            entry["figures"] = {f.key: _num(f.value) for f in section.figures}
            if section.charts:
                entry["charts"] = {c.key: {b.key: _num(b.value) for b in c.bars}
                                   for c in section.charts}
            if section.items:
                entry["items"] = [{"key": i.key, "label": i.label, "text": i.text,
                                   "ref": {"kind": i.ref.kind, "id": i.ref.id} if i.ref else None}
                                  for i in section.items]
        else:
            entry["note"] = t("reports.no_data")
        if section.note and section.has_data:
            entry["note"] = section.note
        out["sections"][section.key] = entry
    return out


def render_json(report: MonthlyReport) -> str:
    return json.dumps(as_dict(report), ensure_ascii=False, indent=2)


def figure_cell(f: Figure) -> Cell:
    """A figure as a typed cell; its display text is the service's own."""
    kind: ColumnType = "text"
    if f.value is not None:
        if f.money:
            kind = "money"
        elif isinstance(f.value, int):
            kind = "int"
        elif isinstance(f.value, Decimal):
            kind = "percent" if f.text.endswith("%") else "number"
    return Cell(f.value, kind, f.text)


def chart_table(chart: Chart, *, sheet: str = "") -> ReportTable:
    """A chart's bars: label, bar (its share of the biggest), value."""
    biggest = max((int(b.value or 0) for b in chart.bars), default=0)
    unit = t("reports.xlsx.yuan") if chart.money else t("reports.xlsx.count")
    columns = [Column("item", "reports.xlsx.item", width=22),
               Column("bar", "reports.pdf.bar", "bar", width=30),
               Column("value", "reports.xlsx.value", "money" if chart.money else "int",
                      label=unit, width=16)]
    rows = [[b.label, Cell((int(b.value or 0) / biggest) if biggest > 0 else None, "bar"),
             figure_cell(b)] for b in chart.bars]
    return ReportTable(columns, rows, title=chart.title, empty=t("reports.chart.empty"),
                       chart=True, sheet=sheet)


def table(report: MonthlyReport, layout: list[Section] | None = None) -> Report:
    """The report as the table model: per section its figures (a ``fields`` table with
    each figure's key for XLSX), its charts (on the 图表 sheet) and its single records
    (handover notes on the 交接说明 sheet), the note under them."""
    layout = layout if layout is not None else sections(report)
    lines = header_lines(report)
    out = Report(lines[0], lines=lines[1:], sheet=t("reports.xlsx.sheet"))
    if is_empty(layout):
        out.lines.append(t("reports.empty", month=report.label))
        return out
    figure_columns = [Column("label", "reports.xlsx.figure"),
                      Column("value", "reports.xlsx.value"),
                      Column("key", "reports.xlsx.key", data_only=True)]
    for section in layout:
        title = section.title
        if not section.has_data:
            out.add(ReportTable(figure_columns, title=title, empty=t("reports.no_data"),
                                show_header=False, layout="fields"))
            continue
        out.add(ReportTable(figure_columns,
                            [[f.label, figure_cell(f), f.key] for f in section.figures],
                            title=title, show_header=False, layout="fields"))
        for chart in section.charts:
            out.add(chart_table(chart, sheet=t("reports.xlsx.charts")))
        if section.items:
            handovers = section.key == "handovers"
            out.add(ReportTable(
                [Column("item", "reports.xlsx.handover" if handovers else "reports.pdf.item",
                        width=2),
                 Column("text", "reports.xlsx.notes" if handovers else "reports.pdf.detail",
                        width=3)],
                [[i.label, i.text] for i in section.items],
                sheet=t("reports.xlsx.handovers") if handovers else ""))
        if section.note:
            out.add(ReportTable([], notes=[section.note]))
    return out
