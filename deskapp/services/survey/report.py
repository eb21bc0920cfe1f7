"""满意度调查分析报告 — the analysis report of one campaign, as text, JSON and XLSX (the
PDF is :mod:`deskapp.printing.survey_report`).

:func:`build_report` gathers everything once (rates against the targets, statistics per
item / section / building and against the previous campaign, the lowest-scoring items,
the opinions grouped by question, the follow-up state); the renderers only format it.
:func:`bar` draws the terminal/text bar charts with block characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from rich.cells import cell_len
from sqlmodel import Session

from deskapp import clock
from deskapp.db.models.survey import OpinionQuestion, SurveyCampaign
from deskapp.i18n import t
from deskapp.reporting.table import Cell, Column, Report, ReportTable, format_percent, share
from deskapp.reporting.text import bar, pad
from deskapp.services.survey import campaigns, constants, rates
from deskapp.services.survey import followups as survey_followups
from deskapp.services.survey import stats as survey_stats
from deskapp.services.survey.followups import FollowUpCounts
from deskapp.services.survey.rates import Progress
from deskapp.services.survey.stats import CampaignStats, ItemStat, Opinion, Tally

LOWEST = 5


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
    target = f"{p.target:.0%}"
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


def _tally_cells(tally: Tally) -> list[str]:
    return [str(tally.n), mean(tally.mean), *(str(c) for c in reversed(tally.counts)),
            pct(tally.satisfaction_rate)]


def render_text(report: SurveyReport, *, width: int = 24) -> str:
    """The report as plain text with bar charts (CJK-aware column widths)."""
    c, p, s = report.campaign, report.progress, report.stats
    out: list[str] = []
    out.append(t("survey.report.title", title=c.title))
    if report.site_name:
        out.append(report.site_name)
    out.append(t("survey.report.dates", distribution=c.distribution_date.isoformat(),
                 deadline=c.collection_deadline.isoformat(),
                 statistics=c.statistics_due.isoformat(), report=c.report_due.isoformat()))
    out.append(t("survey.report.made_at", at=report.made_at.strftime("%Y-%m-%d %H:%M")))
    out.append("")
    out.append(t("survey.report.h.rates"))
    label_w = max(cell_len(label) for label, _ in rate_lines(p)) + 2
    for label, value in rate_lines(p):
        out.append("  " + pad(label, label_w) + value)
    out.append("")
    out.append(t("survey.report.h.overall"))
    out.append("  " + t("survey.report.overall_line", rate=pct(s.overall.satisfaction_rate),
                        mean=mean(s.overall.mean), n=s.overall.n, responses=s.responses))
    if s.previous_overall is not None and s.previous_overall.n:
        prev = s.previous_overall.satisfaction_rate
        change = (s.overall.satisfaction_rate - prev
                  if s.overall.satisfaction_rate is not None and prev is not None else None)
        out.append("  " + t("survey.report.previous_line", title=s.previous_title,
                            rate=pct(prev), delta=delta(change)))
    out.append("")
    out.append(t("survey.report.h.items"))
    title_w = max([cell_len(i.title) for i in s.items] + [cell_len(x.title) for x in s.sections]
                  + [8]) + 2
    head = ("  " + pad(t("survey.report.col.item"), title_w)
            + "".join(pad(h, w, "right") for h, w in zip(_num_heads(), _NUM_W, strict=True))
            + "  " + pad(t("survey.report.col.bar"), width) + pad(t("survey.report.col.delta"),
                                                                 8, "right"))
    out.append(head)
    for section in s.sections:
        out.append(_stat_line("■ " + section.title, section.tally, title_w, width,
                              _change(section.tally, section.previous)))
        for item in (i for i in s.items if i.section_no == section.section_no):
            out.append(_stat_line("  " + item.title, item.tally, title_w, width,
                                  item.delta))
    out.append(_stat_line(t("survey.report.all_items"), s.overall, title_w, width,
                          _change(s.overall, s.previous_overall)))
    out.append("")
    out.append(t("survey.report.h.buildings"))
    if s.buildings:
        bw = max(cell_len(b.name) for b in s.buildings) + 2
        for b in s.buildings:
            out.append("  " + pad(b.name, bw) + pad(t("survey.report.forms", n=b.responses), 10)
                       + pad(mean(b.tally.mean), 6, "right") + "  "
                       + pad(pct(b.tally.satisfaction_rate), 7, "right") + "  "
                       + bar(b.tally.satisfaction_rate, width))
    else:
        out.append("  " + t("survey.report.none"))
    out.append("")
    out.append(t("survey.report.h.lowest"))
    for n, item in enumerate(report.lowest, start=1):
        out.append(f"  {n}. " + t("survey.report.lowest_line", section=item.section,
                                  item=item.title, rate=pct(item.tally.satisfaction_rate),
                                  mean=mean(item.tally.mean)))
    if not report.lowest:
        out.append("  " + t("survey.report.none"))
    out.append("")
    out.append(t("survey.report.h.opinions"))
    for question in OpinionQuestion:
        items = report.opinions.get(question, [])
        out.append("  " + t(f"survey.question.{question.value}") + f"（{len(items)}）")
        for op in items:
            out.append(f"    · {op.unit_code}  {' '.join(op.text.split())}")
    out.append("")
    out.append(t("survey.report.h.followups"))
    f = report.followups
    out.append("  " + t("survey.report.followup_line", total=f.total, open=f.open,
                        answered=f.answered, replied=f.replied, escalated=f.escalated))
    return "\n".join(out) + "\n"


_NUM_W = (6, 7, 5, 5, 5, 5, 5, 8)


def _num_heads() -> list[str]:
    return [t("survey.report.col.n"), t("survey.report.col.mean"), "5", "4", "3", "2", "1",
            t("survey.report.col.rate")]


def _change(now: Tally, before: Tally | None) -> float | None:
    if before is None or before.satisfaction_rate is None or now.satisfaction_rate is None:
        return None
    return now.satisfaction_rate - before.satisfaction_rate


def _stat_line(title: str, tally: Tally, title_w: int, width: int,
               change: float | None) -> str:
    cells = "".join(pad(v, w, "right") for v, w in zip(_tally_cells(tally), _NUM_W, strict=True))
    return ("  " + pad(title, title_w) + cells + "  " + bar(tally.satisfaction_rate, width)
            + pad(delta(change), 8, "right"))


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


def _numbers(tally: Tally) -> list[Any]:
    return [Cell(tally.n, "int"),
            Cell(None if tally.mean is None else round(tally.mean, 4), "number",
                 mean(tally.mean)),
            *(Cell(c, "int") for c in reversed(tally.counts)), _rate(tally.satisfaction_rate)]


def _tally_columns() -> list[Column]:
    return [Column("n", "survey.report.col.n", "int"),
            Column("mean", "survey.report.col.mean", "number"),
            *(Column(f"s{score}", label=str(score), type="int") for score in (5, 4, 3, 2, 1)),
            Column("rate", "survey.report.col.rate", "percent")]


def table(report: SurveyReport) -> Report:
    """The report as the table model (the XLSX writer's sheets: 概况 — the rates and the
    overall figure, 分项统计 — items and sections, 分楼栋, 意见)."""
    s = report.stats
    out = Report(t("survey.report.title", title=report.campaign.title),
                 sheet=t("survey.xlsx.sheet.summary"))
    overall = [[t("survey.report.h.overall"),
                Cell(pct(s.overall.satisfaction_rate)), Cell(mean(s.overall.mean))]]
    out.add(ReportTable([Column("label", "reporting.col.figure"),
                         Column("value", "reporting.col.value"),
                         Column("extra", "reporting.col.value")],
                        [[label, value, ""] for label, value in rate_lines(report.progress)]
                        + overall, show_header=False, layout="fields"))
    items_sheet = t("survey.xlsx.sheet.items")
    rows: list[list[Any]] = []
    for section in s.sections:
        rows.append([section.title, t("survey.report.section_total"),
                     *_numbers(section.tally), Cell(None, "percent")])
        for item in (i for i in s.items if i.section_no == section.section_no):
            rows.append([section.title, item.title, *_numbers(item.tally),
                         Cell(None if item.delta is None else Decimal(str(item.delta)) * 100,
                              "percent", delta(item.delta))])
    rows.append([t("survey.report.all_items"), "", *_numbers(s.overall), Cell(None, "percent")])
    out.add(ReportTable([Column("section", "survey.report.col.section"),
                         Column("item", "survey.report.col.item"), *_tally_columns(),
                         Column("delta", "survey.report.col.delta", "percent")],
                        rows, sheet=items_sheet))
    out.add(ReportTable([Column("building", "survey.col.building"),
                         Column("responses", "survey.col.responses", "int"), *_tally_columns()],
                        [[b.name, b.responses, *_numbers(b.tally)] for b in s.buildings],
                        sheet=t("survey.xlsx.sheet.buildings")))
    out.add(ReportTable([Column("question", "survey.col.question"),
                         Column("unit", "survey.col.unit"), Column("opinion", "survey.col.opinion")],
                        [[t(f"survey.question.short.{question.value}"), op.unit_code, op.text]
                         for question in OpinionQuestion
                         for op in report.opinions.get(question, [])],
                        sheet=t("survey.xlsx.sheet.opinions")))
    return out


def to_xlsx(report: SurveyReport) -> bytes:
    """A workbook: 概况 (rates), 分项统计 (items and sections), 分楼栋, 意见 — the table
    model through the XLSX writer."""
    from deskapp.reporting import xlsx

    return xlsx.render(table(report))
