"""客服部月报 as a PDF through the one document mechanism (Chinese font): each section's
figures as a ruled grid, each chart as a bar table (label, bar of ■, value), the survey
campaigns closed in the month and the handover notes, then the signatures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session

from deskapp.db.models import Staff
from deskapp.i18n import t
from deskapp.printing.pdf import Document
from deskapp.services.reports.reports import MonthlyReport, is_empty, sections

if TYPE_CHECKING:
    from deskapp.printing.documents import Built

PDF_BAR = 24
"""Cells of the longest bar."""


def pdf_bar(value: int, biggest: int) -> str:
    """■ repeated in proportion (■ is in GB 2312, so the Song face prints it)."""
    if biggest <= 0 or value <= 0:
        return ""
    return "■" * max(1, round(value / biggest * PDF_BAR))


def render_pdf(report: MonthlyReport) -> bytes:
    return report_document(report).render()


def build_monthly_report(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``monthly-report`` (``2026-11``): the
    supervisor's monthly report (the report service checks the role), filed by month."""
    from deskapp.printing.documents import Built
    from deskapp.services.reports import reports

    year, month = reports.parse_month(str(ref))
    report = reports.monthly_report(session, by=by, year=year, month=month)
    return Built(f"{year}-{month:02d}", report_document(report))


def report_document(report: MonthlyReport) -> Document:
    layout = sections(report)
    doc = Document(t("reports.pdf.title", month=report.label), subtitle=report.site_name,
                   footer=t("reports.made_at", at=report.made_at.strftime("%Y-%m-%d %H:%M")),
                   author=report.site_name)
    if report.partial:
        doc.paragraph(t("reports.partial", day=report.as_of.isoformat()))
    if is_empty(layout):
        doc.paragraph(t("reports.empty", month=report.label))
    for section in layout:
        doc.heading(section.title)
        if not section.has_data:
            doc.paragraph(t("reports.no_data"))
            continue
        doc.field_rows([(f.label, f.text) for f in section.figures], columns=2)
        for chart in section.charts:
            if not chart.bars:
                continue
            biggest = max(int(b.value or 0) for b in chart.bars)
            doc.paragraph(chart.title)
            doc.table([t("reports.xlsx.item"), t("reports.pdf.bar"), t("reports.xlsx.value")],
                      [[b.label, pdf_bar(int(b.value or 0), biggest), b.text] for b in chart.bars],
                      col_widths=[2.2, 4, 1.6], align=["left", "left", "right"])
        if section.items:
            doc.table([t("reports.pdf.item"), t("reports.pdf.detail")],
                      [[i.label, i.text] for i in section.items], col_widths=[2, 3])
        if section.note:
            doc.paragraph(section.note)
    doc.signatures([t("reports.pdf.sign.maker"), t("reports.pdf.sign.supervisor"),
                    t("reports.pdf.sign.manager")])
    return doc
