"""满意度调查分析报告 as a PDF, through the one document mechanism (Chinese font)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session

from deskapp.db.models import Staff
from deskapp.db.models.survey import OpinionQuestion
from deskapp.i18n import t
from deskapp.printing.pdf import Document
from deskapp.services.survey.report import SurveyReport, delta, mean, pct, rate_lines
from deskapp.services.survey.stats import Tally

if TYPE_CHECKING:
    from deskapp.printing.documents import Built


def _cells(tally: Tally) -> list[str]:
    return [str(tally.n), mean(tally.mean), *(str(c) for c in reversed(tally.counts)),
            pct(tally.satisfaction_rate)]


def render_pdf(report: SurveyReport) -> bytes:
    return report_document(report).render()


def build_survey_report(session: Session, *, by: Staff, ref: int | str) -> Built:
    """The documents service's builder for ``survey-report``: the analysis report of a
    campaign (``2026-12``, ``2026H2`` or its id), filed as ``2026H2``."""
    from deskapp.printing.documents import Built
    from deskapp.services.survey import campaigns
    from deskapp.services.survey.report import build_report

    campaign = campaigns.find_campaign(session, str(ref))
    report = build_report(session, campaign.id)  # type: ignore[arg-type]
    return Built(f"{campaign.year}H{campaign.half}", report_document(report))


def report_document(report: SurveyReport) -> Document:
    c, s = report.campaign, report.stats
    doc = Document(t("survey.report.title", title=c.title), subtitle=report.site_name,
                   footer=t("survey.report.made_at", at=report.made_at.strftime("%Y-%m-%d %H:%M")),
                   author=report.site_name)
    doc.field_rows([
        (t("survey.col.distribution_date"), c.distribution_date.isoformat()),
        (t("survey.col.deadline"), c.collection_deadline.isoformat()),
        (t("survey.col.statistics_due"), c.statistics_due.isoformat()),
        (t("survey.col.report_due"), c.report_due.isoformat()),
    ], columns=2)
    doc.heading(t("survey.report.h.rates"))
    doc.field_rows(rate_lines(report.progress), columns=1)
    doc.heading(t("survey.report.h.overall"))
    doc.paragraph(t("survey.report.overall_line", rate=pct(s.overall.satisfaction_rate),
                    mean=mean(s.overall.mean), n=s.overall.n, responses=s.responses))
    if s.previous_overall is not None and s.previous_overall.n:
        prev = s.previous_overall.satisfaction_rate
        now = s.overall.satisfaction_rate
        doc.paragraph(t("survey.report.previous_line", title=s.previous_title, rate=pct(prev),
                        delta=delta(now - prev if now is not None and prev is not None
                                    else None)))
    doc.heading(t("survey.report.h.items"))
    heads = [t("survey.report.col.item"), t("survey.report.col.n"), t("survey.report.col.mean"),
             "5", "4", "3", "2", "1", t("survey.report.col.rate"), t("survey.report.col.delta")]
    rows: list[list[str]] = []
    for section in s.sections:
        rows.append([f"【{section.title}】", *_cells(section.tally), ""])
        for item in (i for i in s.items if i.section_no == section.section_no):
            rows.append([item.title, *_cells(item.tally), delta(item.delta)])
    rows.append([t("survey.report.all_items"), *_cells(s.overall), ""])
    doc.table(heads, rows, col_widths=[4, 1, 1.2, 0.8, 0.8, 0.8, 0.8, 0.8, 1.4, 1.2],
              align=["left", *["right"] * 9])
    doc.heading(t("survey.report.h.buildings"))
    doc.table([t("survey.col.building"), t("survey.col.responses"), t("survey.report.col.n"),
               t("survey.report.col.mean"), "5", "4", "3", "2", "1", t("survey.report.col.rate")],
              [[b.name, str(b.responses), *_cells(b.tally)] for b in s.buildings],
              col_widths=[3, 1, 1, 1.2, 0.8, 0.8, 0.8, 0.8, 0.8, 1.4],
              align=["left", *["right"] * 9])
    doc.heading(t("survey.report.h.lowest"))
    doc.table([t("survey.report.col.section"), t("survey.report.col.item"),
               t("survey.report.col.mean"), t("survey.report.col.rate")],
              [[i.section, i.title, mean(i.tally.mean), pct(i.tally.satisfaction_rate)]
               for i in report.lowest], col_widths=[2, 3, 1, 1],
              align=["left", "left", "right", "right"])
    doc.heading(t("survey.report.h.opinions"))
    for question in OpinionQuestion:
        ops = report.opinions.get(question, [])
        doc.paragraph(f"{t('survey.question.' + question.value)}（{len(ops)}）")
        if ops:
            doc.table([t("survey.col.unit"), t("survey.col.opinion")],
                      [[o.unit_code, o.text] for o in ops], col_widths=[1, 5])
    doc.heading(t("survey.report.h.followups"))
    f = report.followups
    doc.paragraph(t("survey.report.followup_line", total=f.total, open=f.open,
                    answered=f.answered, replied=f.replied, escalated=f.escalated))
    doc.signatures([t("survey.report.sign.maker"), t("survey.report.sign.supervisor")])
    return doc
