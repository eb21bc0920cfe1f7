"""The monthly report (月报) as text, JSON or an Excel workbook with charts — for
``deskapp report monthly`` and the report screen's export. The PDF is
:mod:`deskapp.printing.monthly_report`. Everything here only formats the layout of
:func:`deskapp.services.reports.reports.sections`; no figure is computed here."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

from rich.cells import cell_len

from deskapp.i18n import t
from deskapp.services.export import inert_workbook
from deskapp.services.reports.reports import Chart, MonthlyReport, Section, is_empty, sections

__all__ = ["FORMATS", "as_dict", "header_lines", "render", "render_json", "render_text",
           "render_xlsx", "text_bar"]

FORMATS = ("text", "json", "xlsx", "pdf")
BAR_WIDTH = 30
_EIGHTHS = " ▏▎▍▌▋▊▉"


def text_bar(value: int, biggest: int, width: int = BAR_WIDTH) -> str:
    """A bar of at most ``width`` cells for ``value`` against the chart's ``biggest``
    (eighths of a cell; a non-zero value always shows at least a sliver)."""
    if biggest <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value / biggest * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


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


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def chart_lines(chart: Chart, indent: str = "    ") -> list[str]:
    """One line per bar: label, bar, value — aligned by terminal cells."""
    if not chart.bars:
        return [f"{indent}{t('reports.chart.empty')}"]
    biggest = max(int(b.value or 0) for b in chart.bars)
    width = max(cell_len(b.label) for b in chart.bars) + 2
    return [f"{indent}{_pad(b.label, width)}{_pad(text_bar(int(b.value or 0), biggest), BAR_WIDTH + 1)}"
            f" {b.text}" for b in chart.bars]


def render_text(report: MonthlyReport) -> str:
    layout = sections(report)
    lines = header_lines(report)
    if is_empty(layout):
        lines += ["", t("reports.empty", month=report.label)]
        return "\n".join(lines) + "\n"
    for section in layout:
        lines += ["", f"【{section.title}】"]
        if not section.has_data:
            lines.append(f"  {t('reports.no_data')}")
            continue
        width = max((cell_len(f.label) for f in section.figures), default=0) + 2
        lines += [f"  {_pad(f.label, width)}{f.text}" for f in section.figures]
        for chart in section.charts:
            lines += ["", f"  {chart.title}"] + chart_lines(chart)
        if section.items:
            lines.append("")
            for item in section.items:
                lines.append(f"  · {item.label}")
                lines += [f"      {line}" for line in item.text.splitlines() or [""]]
        if section.note:
            lines.append(f"  {section.note}")
    return "\n".join(lines) + "\n"


def render_xlsx(report: MonthlyReport) -> bytes:
    """Sheet 月报: every figure, section by section (amounts in yuan with two decimals,
    counts as numbers, rates in per cent); sheet 图表: each chart's data with a bar chart
    next to it; sheet 交接记录: the handovers with notes."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font

    layout = sections(report)
    wb = Workbook()
    ws = wb.active
    ws.title = t("reports.xlsx.sheet")
    for line in header_lines(report):
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    if is_empty(layout):
        ws.append([t("reports.empty", month=report.label)])
    ws.append([])
    ws.append([t("reports.xlsx.figure"), t("reports.xlsx.value"), t("reports.xlsx.key")])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for section in layout:
        ws.append([section.title])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        if not section.has_data:
            ws.append([t("reports.no_data")])
            continue
        for f in section.figures:
            ws.append([f.label, _cell_value(f.value, f.money, f.text), f.key])
            _format(ws.cell(ws.max_row, 2), f.money, f.value)
        if section.note:
            ws.append([section.note])
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 34

    charts = wb.create_sheet(t("reports.xlsx.charts"))
    row = 1
    for section in layout:
        if not section.has_data:
            continue
        for chart in section.charts:
            if not chart.bars:
                continue
            charts.cell(row, 1, chart.title).font = Font(bold=True)
            unit = t("reports.xlsx.yuan") if chart.money else t("reports.xlsx.count")
            charts.cell(row + 1, 1, t("reports.xlsx.item"))
            charts.cell(row + 1, 2, unit)
            for i, bar in enumerate(chart.bars):
                charts.cell(row + 2 + i, 1, bar.label)
                cell = charts.cell(row + 2 + i, 2, _cell_value(bar.value, chart.money, bar.text))
                _format(cell, chart.money, bar.value)
            drawing = BarChart()
            drawing.type = "bar"
            drawing.title = chart.title
            drawing.legend = None
            drawing.height = max(4.0, 0.7 * len(chart.bars) + 2)
            drawing.width = 14
            data = Reference(charts, min_col=2, min_row=row + 1, max_row=row + 1 + len(chart.bars))
            cats = Reference(charts, min_col=1, min_row=row + 2, max_row=row + 1 + len(chart.bars))
            drawing.add_data(data, titles_from_data=True)
            drawing.set_categories(cats)
            charts.add_chart(drawing, f"D{row}")
            row += max(len(chart.bars) + 3, int(drawing.height * 2) + 2)
    charts.column_dimensions["A"].width = 24
    charts.column_dimensions["B"].width = 16

    notes = wb.create_sheet(t("reports.xlsx.handovers"))
    notes.append([t("reports.xlsx.handover"), t("reports.xlsx.notes")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for section in layout:
        if section.key == "handovers":
            for item in section.items:
                notes.append([item.label, item.text])
                notes.cell(notes.max_row, 2).alignment = Alignment(wrap_text=True)
    notes.column_dimensions["A"].width = 44
    notes.column_dimensions["B"].width = 70
    out = io.BytesIO()
    inert_workbook(wb).save(out)
    return out.getvalue()


def _cell_value(value: Any, money: bool, text: str) -> Any:
    if value is None:
        return text
    if money:
        return Decimal(int(value)) / 100
    return value


def _format(cell: Any, money: bool, value: Any) -> None:
    if money:
        cell.number_format = "#,##0.00"
    elif isinstance(value, Decimal):
        cell.number_format = "0.0#"


def render(report: MonthlyReport, fmt: str) -> str | bytes:
    """``text`` / ``json`` → str; ``xlsx`` / ``pdf`` → bytes."""
    if fmt == "text":
        return render_text(report)
    if fmt == "json":
        return render_json(report)
    if fmt == "xlsx":
        return render_xlsx(report)
    if fmt == "pdf":
        from deskapp.printing.monthly_report import render_pdf

        return render_pdf(report)
    raise ValueError(fmt)
