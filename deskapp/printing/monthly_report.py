"""客服部月报 in every format — ``deskapp report monthly`` and the report screen's export:
the report's table model (:func:`deskapp.services.reports.render.table`) through the one
writer of each format — text (rich), XLSX (with the charts), PDF (the one document
mechanism: each section's figures as a ruled grid, each chart as a bar table of ■, the
handover notes, then the signatures) — and JSON, the figures as data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session

from deskapp.db.models import Staff
from deskapp.i18n import t
from deskapp.printing.pdf import Document
from deskapp.printing.report_pdf import add_table
from deskapp.services.reports.monthly import MonthlyReport
from deskapp.services.reports.render import render_json, table

if TYPE_CHECKING:
    from deskapp.printing.documents import Built

__all__ = ["FORMATS", "build_monthly_report", "render", "render_pdf", "render_text",
           "render_xlsx", "report_document"]

FORMATS = ("text", "json", "xlsx", "pdf")


def render_text(report: MonthlyReport) -> str:
    from deskapp.reporting import text

    return text.render(table(report))


def render_xlsx(report: MonthlyReport) -> bytes:
    """Sheet 月报: every figure, section by section (amounts in yuan with two decimals,
    counts as numbers, rates as percentages, each with its key); sheet 图表: each chart's
    data with a bar chart next to it; sheet 交接说明: the handovers with notes."""
    from deskapp.reporting import xlsx

    return xlsx.render(table(report))


def render_pdf(report: MonthlyReport) -> bytes:
    return report_document(report).render()


def render(report: MonthlyReport, fmt: str) -> str | bytes:
    """``text`` / ``json`` → str; ``xlsx`` / ``pdf`` → bytes."""
    if fmt == "text":
        return render_text(report)
    if fmt == "json":
        return render_json(report)
    if fmt == "xlsx":
        return render_xlsx(report)
    if fmt == "pdf":
        return render_pdf(report)
    raise ValueError(fmt)


def build_monthly_report(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``monthly-report`` (``2026-11``): the
    supervisor's monthly report (the report service checks the role), filed by month."""
    from deskapp.printing.documents import Built
    from deskapp.services.reports import monthly, months

    year, month = months.parse_month(str(ref))
    report = monthly.monthly_report(session, by=by, year=year, month=month)
    return Built(f"{year}-{month:02d}", report_document(report))


def report_document(report: MonthlyReport) -> Document:
    model = table(report)
    doc = Document(t("reports.pdf.title", month=report.label), subtitle=report.site_name,
                   footer=t("reports.made_at", at=report.made_at.strftime("%Y-%m-%d %H:%M")),
                   author=report.site_name)
    for line in model.lines[1:]:  # the state of the month; the title and time are printed
        doc.paragraph(line)
    for part in model.tables:
        add_table(doc, part, heading=part.layout == "fields")
    doc.signatures([t("reports.pdf.sign.maker"), t("reports.pdf.sign.supervisor"),
                    t("reports.pdf.sign.manager")])
    return doc
