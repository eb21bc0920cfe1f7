"""满意度调查分析报告 as a PDF: the report's table model through the one PDF writer
(:mod:`deskapp.printing.report_pdf`) and the one document mechanism (Chinese font)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session

from deskapp.db.models import Staff
from deskapp.i18n import t
from deskapp.printing.pdf import Document
from deskapp.printing.report_pdf import add_table
from deskapp.services.survey.report import SurveyReport, table

if TYPE_CHECKING:
    from deskapp.printing.documents import Built


def render_pdf(report: SurveyReport) -> bytes:
    return report_document(report).render()


def build_survey_report(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``survey-report``: the analysis report of a
    campaign (``2026-12``, ``2026H2`` or its id), filed as ``2026H2``."""
    from deskapp.printing.documents import Built
    from deskapp.services.survey import campaigns
    from deskapp.services.survey.report import build_report

    campaign = campaigns.find_campaign(session, str(ref))
    assert campaign.id is not None
    report = build_report(session, campaign.id)
    return Built(f"{campaign.year}H{campaign.half}", report_document(report))


def report_document(report: SurveyReport) -> Document:
    """The report's table model (:func:`deskapp.services.survey.report.table`) through the
    one PDF writer of tables, each under its heading; the time made in the footer; the
    signatures."""
    model = table(report)
    doc = Document(model.title, subtitle=model.subtitle,
                   footer=t("survey.report.made_at", at=report.made_at.strftime("%Y-%m-%d %H:%M")),
                   author=report.site_name)
    for line in model.lines[:-1]:  # the dates; the time made is in the footer
        doc.paragraph(line)
    for part in model.tables:
        add_table(doc, part, heading=True, fields_per_row=1)
    doc.signatures([t("survey.report.sign.maker"), t("survey.report.sign.supervisor")])
    return doc
