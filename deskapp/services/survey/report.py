"""满意度调查分析报告 — the analysis report of one campaign.

:func:`build_report` gathers everything once (rates against the targets, statistics per
item / section / building and against the previous campaign, the lowest-scoring items,
the opinions grouped by question, the follow-up state); :func:`table` lays it out as the
one report table model (:mod:`deskapp.reporting.table`), which the one writer of each
format renders: text and XLSX here, the PDF in :mod:`deskapp.printing.survey_report`
(through :mod:`deskapp.printing.report_pdf`). :func:`to_json` gives the figures as data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from deskapp import clock
from deskapp.db.models.survey import OpinionQuestion, SurveyCampaign
from deskapp.i18n import t
from deskapp.reporting.table import Cell, Column, Report, ReportTable, format_percent, share
from deskapp.services.survey import campaigns, constants, rates
from deskapp.services.survey import followups as survey_followups
from deskapp.services.survey import stats as survey_stats
from deskapp.services.survey.followups import FollowUpCounts
from deskapp.services.survey.rates import Progress
from deskapp.services.survey.stats import CampaignStats, ItemStat, Opinion, Tally

LOWEST = 5
BAR = 24
"""Cells of a full satisfaction bar in the text report."""


def pct(value: float | None) -> str:
    """A 0–1 share as ``66.7%`` (the one per-cent rounding: HALF_UP, once)."""
    return format_percent(share(value))


def mean(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def delta(value: float | None) -> str:
    """A change in percentage points: ``+3.2`` / ``-1.0`` / ``—``."""
    return "—" if value is None else f"{value * 100:+.1f}"


@dataclass(frozen=True)
class SurveyReport:
    campaign: SurveyCampaign
    progress: Progress
    stats: CampaignStats
    lowest: list[ItemStat]
    opinions: dict[OpinionQuestion, list[Opinion]]
    followups: FollowUpCounts
    site_name: str
    made_at: datetime


def build_report(session: Session, campaign_id: int) -> SurveyReport:
    from deskapp.services.site import get_site

    campaign = campaigns.get_campaign(session, campaign_id)
    stats = survey_stats.statistics(session, campaign_id)
    site = get_site(session)
    return SurveyReport(campaign, rates.progress(session, campaign_id), stats,
                        stats.lowest(LOWEST), survey_stats.opinions(session, campaign_id),
                        survey_followups.followup_counts(session, campaign_id),
                        site.name if site else "", clock.now())


def _met(ok: bool) -> str:
    return t("survey.report.met") if ok else t("survey.report.not_met")


def rate_lines(p: Progress) -> list[tuple[str, str]]:
    """(label, value) pairs of the distribution/recovery figures against the targets."""
    target = format_percent(share(p.target, 0))
    return [
        (t("survey.report.valid_units"),
         t("survey.report.valid_units_value", valid=p.valid_units, total=p.total_units,
           excluded=p.excluded)),
        (t("survey.report.distributed"),
         t("survey.report.rate_value", n=p.distributed, rate=pct(p.distribution_rate),
           target=target, met=_met(p.distribution_met))),
        (t("survey.report.recovered"),
         t("survey.report.rate_value", n=p.responses_distributed, rate=pct(p.recovery_rate),
           target=target, met=_met(p.recovery_met))),
        (t("survey.report.undistributed"), str(p.undistributed_responses)),
    ]


def render_text(report: SurveyReport) -> str:
    """The report as plain text through the one text writer (rich: CJK-aware widths, the
    satisfaction bars in block characters)."""
    from deskapp.reporting import text

    return text.render(table(report))


def _change(now: Tally, before: Tally | None) -> float | None:
    if before is None or before.satisfaction_rate is None or now.satisfaction_rate is None:
        return None
    return now.satisfaction_rate - before.satisfaction_rate


def _tally_json(tally: Tally) -> dict[str, Any]:
    return {"n": tally.n, "mean": None if tally.mean is None else round(tally.mean, 4),
            "distribution": {str(score): tally.counts[score - 1] for score in constants.SCORES},
            "satisfaction_rate": None if tally.satisfaction_rate is None
            else round(tally.satisfaction_rate, 4)}


def to_json(report: SurveyReport) -> dict[str, Any]:
    c, p, s = report.campaign, report.progress, report.stats
    return {
        "campaign": {"id": c.id, "title": c.title, "year": c.year, "half": c.half,
                     "status": c.status.value,
                     "distribution_date": c.distribution_date.isoformat(),
                     "collection_deadline": c.collection_deadline.isoformat(),
                     "statistics_due": c.statistics_due.isoformat(),
                     "report_due": c.report_due.isoformat()},
        "site": report.site_name,
        "made_at": report.made_at.isoformat(),
        "rates": {"total_units": p.total_units, "excluded": p.excluded,
                  "valid_units": p.valid_units, "distributed": p.distributed,
                  "responses": p.responses, "responses_from_distributed": p.responses_distributed,
                  "undistributed_responses": p.undistributed_responses,
                  "distribution_rate": round(p.distribution_rate, 4),
                  "recovery_rate": round(p.recovery_rate, 4), "target": p.target,
                  "distribution_met": p.distribution_met, "recovery_met": p.recovery_met},
        "overall": _tally_json(s.overall),
        "previous": None if s.previous_overall is None else {
            "title": s.previous_title, "overall": _tally_json(s.previous_overall)},
        "sections": [{"section": x.title, **_tally_json(x.tally)} for x in s.sections],
        "items": [{"position": i.position, "code": i.code, "section": i.section,
                   "item": i.title, **_tally_json(i.tally),
                   "delta": None if i.delta is None else round(i.delta, 4)} for i in s.items],
        "buildings": [{"code": b.code, "name": b.name, "responses": b.responses,
                       **_tally_json(b.tally)} for b in s.buildings],
        "lowest": [i.code for i in report.lowest],
        "opinions": {q.value: [{"unit": o.unit_code, "text": o.text,
                                "followed_up": o.followed_up}
                               for o in report.opinions.get(q, [])] for q in OpinionQuestion},
        "followups": {"total": report.followups.total, "open": report.followups.open,
                      "answered": report.followups.answered,
                      "replied": report.followups.replied,
                      "withdrawn": report.followups.withdrawn,
                      "escalated": report.followups.escalated},
    }


def _rate(value: float | None) -> Cell:
    return Cell(None if value is None else Decimal(str(value)) * 100, "percent")


def _delta(change: float | None) -> Cell:
    return Cell(None if change is None else Decimal(str(change)) * 100, "percent", delta(change))


def _numbers(tally: Tally) -> list[Any]:
    return [Cell(tally.n, "int"),
            Cell(None if tally.mean is None else round(tally.mean, 4), "number",
                 mean(tally.mean)),
            *(Cell(c, "int") for c in reversed(tally.counts)), _rate(tally.satisfaction_rate)]


def _tally_columns() -> list[Column]:
    return [Column("n", "survey.report.col.n", "int"),
            Column("mean", "survey.report.col.mean", "number"),
            *(Column(f"s{score}", label=str(score), type="int") for score in (5, 4, 3, 2, 1)),
            Column("rate", "survey.report.col.rate", "percent"),
            Column("bar", "survey.report.col.bar", "bar", width=BAR)]


def table(report: SurveyReport) -> Report:
    """The report as the one table model, read by every writer (text, XLSX, the PDF of
    :mod:`deskapp.printing.survey_report`): the dates, then 一 rates, 二 overall, 三 items
    and sections (with the satisfaction bar and the change against the previous
    campaign), 四 buildings, 五 lowest items, 六 opinions, 七 follow-up. XLSX sheets: 概况
    (rates, overall, follow-up), 分项统计 (items, lowest), 分楼栋, 意见; the bars are left
    out of XLSX."""
    c, s = report.campaign, report.stats
    out = Report(t("survey.report.title", title=c.title), subtitle=report.site_name,
                 lines=[t("survey.report.dates", distribution=c.distribution_date.isoformat(),
                          deadline=c.collection_deadline.isoformat(),
                          statistics=c.statistics_due.isoformat(),
                          report=c.report_due.isoformat()),
                        t("survey.report.made_at",
                          at=report.made_at.strftime("%Y-%m-%d %H:%M"))],
                 sheet=t("survey.xlsx.sheet.summary"))
    out.add(ReportTable([Column("label", "reporting.col.figure"),
                         Column("value", "reporting.col.value")],
                        [[label, value] for label, value in rate_lines(report.progress)],
                        title=t("survey.report.h.rates"), show_header=False, layout="fields"))
    overall = [t("survey.report.overall_line", rate=pct(s.overall.satisfaction_rate),
                 mean=mean(s.overall.mean), n=s.overall.n, responses=s.responses)]
    if s.previous_overall is not None and s.previous_overall.n:
        overall.append(t("survey.report.previous_line", title=s.previous_title,
                         rate=pct(s.previous_overall.satisfaction_rate),
                         delta=delta(_change(s.overall, s.previous_overall))))
    out.add(ReportTable([], title=t("survey.report.h.overall"), notes=overall))
    items_sheet = t("survey.xlsx.sheet.items")
    rows: list[list[Any]] = []
    for section in s.sections:
        rows.append([section.title, t("survey.report.section_total"),
                     *_numbers(section.tally), section.tally.satisfaction_rate,
                     _delta(_change(section.tally, section.previous))])
        for item in (i for i in s.items if i.section_no == section.section_no):
            rows.append([section.title, item.title, *_numbers(item.tally),
                         item.tally.satisfaction_rate, _delta(item.delta)])
    rows.append([t("survey.report.all_items"), "", *_numbers(s.overall),
                 s.overall.satisfaction_rate, _delta(_change(s.overall, s.previous_overall))])
    out.add(ReportTable([Column("section", "survey.report.col.section"),
                         Column("item", "survey.report.col.item"), *_tally_columns(),
                         Column("delta", "survey.report.col.delta", "percent")],
                        rows, title=t("survey.report.h.items"), sheet=items_sheet))
    out.add(ReportTable([Column("building", "survey.col.building"),
                         Column("responses", "survey.col.responses", "int"), *_tally_columns()],
                        [[b.name, b.responses, *_numbers(b.tally), b.tally.satisfaction_rate]
                         for b in s.buildings],
                        title=t("survey.report.h.buildings"), empty=t("survey.report.none"),
                        sheet=t("survey.xlsx.sheet.buildings")))
    out.add(ReportTable([Column("section", "survey.report.col.section"),
                         Column("item", "survey.report.col.item"),
                         Column("mean", "survey.report.col.mean", "number"),
                         Column("rate", "survey.report.col.rate", "percent")],
                        [[i.section, i.title, Cell(i.tally.mean, "number", mean(i.tally.mean)),
                          _rate(i.tally.satisfaction_rate)] for i in report.lowest],
                        title=t("survey.report.h.lowest"), empty=t("survey.report.none"),
                        sheet=items_sheet))
    counts = "；".join(f"{t('survey.question.' + q.value)}（{len(report.opinions.get(q, []))}）"
                      for q in OpinionQuestion)
    out.add(ReportTable([Column("question", "survey.col.question"),
                         Column("unit", "survey.col.unit"), Column("opinion", "survey.col.opinion")],
                        [[t(f"survey.question.short.{question.value}"), op.unit_code,
                          " ".join(op.text.split())]
                         for question in OpinionQuestion
                         for op in report.opinions.get(question, [])],
                        title=t("survey.report.h.opinions"), subtitle=counts,
                        empty=t("survey.report.none"), sheet=t("survey.xlsx.sheet.opinions")))
    f = report.followups
    out.add(ReportTable([], title=t("survey.report.h.followups"),
                        notes=[t("survey.report.followup_line", total=f.total, open=f.open,
                                 answered=f.answered, replied=f.replied,
                                 escalated=f.escalated)]))
    return out


def to_xlsx(report: SurveyReport) -> bytes:
    """A workbook: 概况 (rates), 分项统计 (items and sections), 分楼栋, 意见 — the table
    model through the XLSX writer."""
    from deskapp.reporting import xlsx

    return xlsx.render(table(report))
