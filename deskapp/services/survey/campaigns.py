"""Survey campaigns (June and December): planned dates, opening, closing and
reopening collection, marking the analysis reported."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Role, Staff
from deskapp.db.models.survey import CampaignStatus, SurveyCampaign, SurveyForm
from deskapp.errors import Conflict, InvalidTransition, NotFound, ValidationError
from deskapp.services import audit
from deskapp.services.staff import require_role
from deskapp.services.survey.constants import (
    COLLECTION_WORKDAYS,
    DISTRIBUTION_DAY,
    STATISTICS_WORKDAYS,
)
from deskapp.services.survey.forms import ensure_form
from deskapp.services.survey.rates import progress
from deskapp.services.workdays import WorkCalendar, default_calendar

# --------------------------------------------------------------------------------------
# Campaigns
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignDates:
    distribution: date
    collection_deadline: date
    statistics_due: date
    report_due: date
    exact: bool  # False: a year the working-day calendar does not know yet


def campaign_month(half: int) -> int:
    if half not in (1, 2):
        raise ValidationError("survey.campaign.bad_half", field="half")
    return 6 if half == 1 else 12


def plan_dates(year: int, half: int, distribution: date | None = None, *,
               calendar: WorkCalendar | None = None) -> CampaignDates:
    """The plan's dates: distribution around the 15th of June/December (the next working
    day when the 15th is a day off), collection 10 working days later, statistics 3
    working days after that, the report by the end of the following month."""
    cal = calendar or default_calendar()
    month = campaign_month(half)
    if distribution is None:
        distribution = cal.next_workday(date(year, month, DISTRIBUTION_DAY))
    collection = cal.add_workdays(distribution, COLLECTION_WORKDAYS)
    statistics_due = cal.add_workdays(collection, STATISTICS_WORKDAYS)
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    report_due = date(next_year, next_month, _calendar.monthrange(next_year, next_month)[1])
    exact = all(cal.is_exact(d.year) for d in (distribution, collection, statistics_due))
    return CampaignDates(distribution, collection, statistics_due, report_due, exact)


def campaign_title(year: int, half: int) -> str:
    return f"{year}年{'上' if half == 1 else '下'}半年客户满意度调查"


def open_campaign(session: Session, *, by: Staff, year: int, half: int,
                  distribution_date: date | None = None, form_id: int | None = None,
                  note: str = "") -> SurveyCampaign:
    """Open the June (half 1) or December (half 2) campaign of ``year``."""
    require_role(by, Role.SUPERVISOR)
    if not 2000 <= year <= 2100:
        raise ValidationError("survey.campaign.bad_year", field="year")
    month = campaign_month(half)
    if distribution_date is not None and (distribution_date.year, distribution_date.month) != \
            (year, month):
        raise ValidationError("survey.campaign.date_month", field="distribution_date",
                              month=month)
    if session.execute(select(col(SurveyCampaign.id)).where(col(SurveyCampaign.year) == year,
                                                    col(SurveyCampaign.half) == half)).first():
        raise Conflict("survey.campaign.exists", title=campaign_title(year, half))
    form: SurveyForm | None
    if form_id is None:
        form = ensure_form(session, by=by)
    else:
        form = session.get(SurveyForm, form_id)
        if form is None:
            raise NotFound("survey.form.not_found")
    assert form.id is not None and by.id is not None
    dates = plan_dates(year, half, distribution_date)
    if len(note.strip()) > 500:
        raise ValidationError("survey.text.too_long", field="note", n=500)
    campaign = SurveyCampaign(
        year=year, half=half, title=campaign_title(year, half), form_id=form.id,
        distribution_date=dates.distribution, collection_deadline=dates.collection_deadline,
        statistics_due=dates.statistics_due, report_due=dates.report_due,
        status=CampaignStatus.OPEN, note=note.strip(), created_at=clock.now(),
        created_by_id=by.id)
    session.add(campaign)
    session.flush()
    audit.record(session, by=by, action="survey.campaign.open", entity="survey_campaign",
                 entity_id=campaign.id,
                 detail={"title": campaign.title, "distribution": dates.distribution,
                         "deadline": dates.collection_deadline, "form": form.id})
    return campaign


def get_campaign(session: Session, campaign_id: int) -> SurveyCampaign:
    campaign = session.get(SurveyCampaign, campaign_id)
    if campaign is None:
        raise NotFound("survey.campaign.not_found")
    return campaign


def find_campaign(session: Session, ref: str) -> SurveyCampaign:
    """A campaign by id (``3``) or by month (``2026-06``, ``2026-12``, ``2026H1``)."""
    text = ref.strip().upper()
    if text.isdigit():
        return get_campaign(session, int(text))
    year_text, half = "", 0
    if "-" in text:
        year_text, _, month = text.partition("-")
        half = {"06": 1, "6": 1, "12": 2}.get(month, 0)
    elif "H" in text:
        year_text, _, h = text.partition("H")
        half = {"1": 1, "2": 2}.get(h, 0)
    if not year_text.isdigit() or not half:
        raise NotFound("survey.campaign.not_found")
    campaign = session.execute(select(SurveyCampaign).where(
        col(SurveyCampaign.year) == int(year_text),
        col(SurveyCampaign.half) == half)).scalars().first()
    if campaign is None:
        raise NotFound("survey.campaign.not_found")
    return campaign


def list_campaigns(session: Session) -> list[SurveyCampaign]:
    return list(session.execute(select(SurveyCampaign).order_by(
        col(SurveyCampaign.year).desc(), col(SurveyCampaign.half).desc())).scalars().all())


def current_campaign(session: Session) -> SurveyCampaign | None:
    """The newest open campaign, else the newest campaign."""
    campaigns = list_campaigns(session)
    return next((c for c in campaigns if c.status == CampaignStatus.OPEN),
                campaigns[0] if campaigns else None)


def previous_campaign(session: Session, campaign: SurveyCampaign) -> SurveyCampaign | None:
    return session.execute(select(SurveyCampaign).where(
        or_(col(SurveyCampaign.year) < campaign.year,
            and_(col(SurveyCampaign.year) == campaign.year,
                 col(SurveyCampaign.half) < campaign.half)))
        .order_by(col(SurveyCampaign.year).desc(),
                  col(SurveyCampaign.half).desc())).scalars().first()


def close_collection(session: Session, *, by: Staff, campaign_id: int) -> SurveyCampaign:
    """Collection is over: no more forms are entered; the statistics are final."""
    require_role(by, Role.SUPERVISOR)
    campaign = get_campaign(session, campaign_id)
    if campaign.status != CampaignStatus.OPEN:
        raise InvalidTransition("survey.campaign.not_open", title=campaign.title)
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = clock.now()
    campaign.closed_by_id = by.id
    session.add(campaign)
    assert campaign.id is not None
    figures = progress(session, campaign.id)
    audit.record(session, by=by, action="survey.campaign.close", entity="survey_campaign",
                 entity_id=campaign.id,
                 detail={"distributed": figures.distributed, "responses": figures.responses,
                         "distribution_rate": round(figures.distribution_rate, 4),
                         "recovery_rate": round(figures.recovery_rate, 4)})
    return campaign


def reopen_collection(session: Session, *, by: Staff, campaign_id: int,
                      reason: str) -> SurveyCampaign:
    """Back to collecting (late forms), with the reason; not once the report is in."""
    require_role(by, Role.SUPERVISOR)
    campaign = get_campaign(session, campaign_id)
    if campaign.status != CampaignStatus.CLOSED:
        raise InvalidTransition("survey.campaign.not_closed", title=campaign.title)
    reason = _reason(reason)
    campaign.status = CampaignStatus.OPEN
    campaign.reopen_reason = reason
    campaign.closed_at = None
    campaign.closed_by_id = None
    session.add(campaign)
    audit.record(session, by=by, action="survey.campaign.reopen", entity="survey_campaign",
                 entity_id=campaign.id, detail={"reason": reason})
    return campaign


def mark_reported(session: Session, *, by: Staff, campaign_id: int) -> SurveyCampaign:
    """The analysis report has been submitted (collection must be closed first)."""
    require_role(by, Role.SUPERVISOR)
    campaign = get_campaign(session, campaign_id)
    if campaign.status != CampaignStatus.CLOSED:
        raise InvalidTransition("survey.campaign.report_needs_closed", title=campaign.title)
    campaign.status = CampaignStatus.REPORTED
    campaign.reported_at = clock.now()
    campaign.reported_by_id = by.id
    session.add(campaign)
    audit.record(session, by=by, action="survey.campaign.reported", entity="survey_campaign",
                 entity_id=campaign.id)
    return campaign


def _open_campaign(session: Session, campaign_id: int) -> SurveyCampaign:
    campaign = get_campaign(session, campaign_id)
    if campaign.status != CampaignStatus.OPEN:
        raise InvalidTransition("survey.campaign.closed_for_entry", title=campaign.title)
    return campaign


def _reason(reason: str, field_name: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("survey.reason_required", field=field_name)
    if len(reason) > 200:
        raise ValidationError("survey.text.too_long", field=field_name, n=200)
    return reason
