"""Survey figures for the supervisor's monthly report, and bulk helpers for lists."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, distinct, func, or_, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models.survey import (
    ResponseStatus,
    SurveyCampaign,
    SurveyDistribution,
    SurveyFollowUp,
    SurveyItem,
    SurveyResponse,
)
from deskapp.services.survey.campaigns import get_campaign
from deskapp.services.survey.rates import progress
from deskapp.services.survey.stats import Tally, item_tallies

# --------------------------------------------------------------------------------------
# Monthly figures (the supervisor's monthly report)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignFigures:
    campaign_id: int
    title: str
    distribution_rate: float
    recovery_rate: float
    responses: int
    satisfaction_rate: float | None  # every answer pooled
    overall_item_rate: float | None  # the "overall satisfaction" item


@dataclass(frozen=True)
class SurveyMonthSummary:
    year: int
    month: int
    distributed: int  # forms handed out in the month (still counted)
    responses: int  # forms entered in the month and still valid
    replaced: int  # forms entered in the month that a later form replaced
    voided: int  # forms voided in the month
    followups_created: int
    followups_answered: int
    followups_replied: int
    followups_open: int  # created by the month's end and not yet replied/withdrawn then
    campaigns_closed: list[CampaignFigures] = field(default_factory=list)


def _count(session: Session, model: type, *where: ColumnElement[bool]) -> int:
    return int(session.execute(select(func.count()).select_from(model).where(*where)).one()[0])


def monthly_summary(session: Session, *, year: int, month: int) -> SurveyMonthSummary:
    """The month's survey figures, by site-local month, counted in SQL."""
    start, end = clock.month_range(year, month)
    in_month = lambda column: and_(column >= start, column < end)  # noqa: E731
    distributed = _count(session, SurveyDistribution,
                         col(SurveyDistribution.active) == True,  # noqa: E712
                         in_month(col(SurveyDistribution.at)))
    responses = _count(session, SurveyResponse, in_month(col(SurveyResponse.entered_at)),
                       col(SurveyResponse.status) == ResponseStatus.VALID)
    replaced = _count(session, SurveyResponse, in_month(col(SurveyResponse.entered_at)),
                      col(SurveyResponse.status) == ResponseStatus.REPLACED)
    voided = _count(session, SurveyResponse, in_month(col(SurveyResponse.voided_at)))
    created = _count(session, SurveyFollowUp, in_month(col(SurveyFollowUp.created_at)))
    answered = _count(session, SurveyFollowUp, in_month(col(SurveyFollowUp.answered_at)))
    replied = _count(session, SurveyFollowUp, in_month(col(SurveyFollowUp.replied_at)))
    still_open = _count(session, SurveyFollowUp, col(SurveyFollowUp.created_at) < end,
                        or_(col(SurveyFollowUp.replied_at).is_(None),
                            col(SurveyFollowUp.replied_at) >= end),
                        or_(col(SurveyFollowUp.withdrawn_at).is_(None),
                            col(SurveyFollowUp.withdrawn_at) >= end))
    closed = session.execute(select(SurveyCampaign).where(in_month(col(SurveyCampaign.closed_at)))
                          .order_by(col(SurveyCampaign.closed_at))).scalars().all()
    figures = [campaign_figures(session, c.id) for c in closed]
    return SurveyMonthSummary(year, month, distributed, responses, replaced, voided, created,
                              answered, replied, still_open, figures)


def campaign_figures(session: Session, campaign_id: int) -> CampaignFigures:
    campaign = get_campaign(session, campaign_id)
    figures = progress(session, campaign_id)
    tallies = item_tallies(session, campaign_id)
    overall = Tally()
    for tally in tallies.values():
        overall = overall + tally
    overall_item = session.execute(select(col(SurveyItem.id)).where(
        col(SurveyItem.form_id) == campaign.form_id,
        col(SurveyItem.code) == "overall")).scalars().first()
    item_rate = tallies[overall_item].satisfaction_rate if overall_item in tallies else None
    return CampaignFigures(campaign_id, campaign.title, figures.distribution_rate,
                           figures.recovery_rate, figures.responses, overall.satisfaction_rate,
                           item_rate)


# --------------------------------------------------------------------------------------
# Bulk helpers for lists
# --------------------------------------------------------------------------------------


def responded_unit_ids(session: Session, campaign_id: int) -> set[int]:
    return set(session.execute(select(distinct(col(SurveyResponse.unit_id))).where(
        col(SurveyResponse.campaign_id) == campaign_id,
        col(SurveyResponse.status) == ResponseStatus.VALID)).scalars())
