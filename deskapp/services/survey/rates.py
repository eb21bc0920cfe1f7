"""A campaign's progress: the distribution rate and the valid recovery rate."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, exists, func, select
from sqlmodel import Session, col

from deskapp.db.models import Unit
from deskapp.db.models.survey import (
    ResponseStatus,
    SurveyDistribution,
    SurveyExclusion,
    SurveyResponse,
)
from deskapp.services.survey.constants import TARGET_RATE

# --------------------------------------------------------------------------------------
# Progress: distribution and recovery rates
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    campaign_id: int
    total_units: int
    excluded: int
    distributed: int
    responses: int  # valid responses
    responses_distributed: int  # valid responses from units that got a form
    target: float = TARGET_RATE

    @property
    def valid_units(self) -> int:
        return self.total_units - self.excluded

    @property
    def undistributed_responses(self) -> int:
        return self.responses - self.responses_distributed

    @property
    def distribution_rate(self) -> float:
        return self.distributed / self.valid_units if self.valid_units else 0.0

    @property
    def recovery_rate(self) -> float:
        return self.responses_distributed / self.distributed if self.distributed else 0.0

    @property
    def distribution_met(self) -> bool:
        return self.valid_units > 0 and self.distribution_rate >= self.target

    @property
    def recovery_met(self) -> bool:
        return self.distributed > 0 and self.recovery_rate >= self.target


def progress(session: Session, campaign_id: int) -> Progress:
    """Distribution rate = forms out / valid units (all units less the excluded ones);
    valid recovery rate = valid forms back from units that got one / forms out."""
    total = session.execute(select(func.count()).select_from(Unit)).one()[0]
    excluded = session.execute(select(func.count()).select_from(SurveyExclusion).where(
        col(SurveyExclusion.campaign_id) == campaign_id,
        col(SurveyExclusion.active) == True)).one()[0]  # noqa: E712
    distributed = session.execute(select(func.count()).select_from(SurveyDistribution).where(
        col(SurveyDistribution.campaign_id) == campaign_id,
        col(SurveyDistribution.active) == True)).one()[0]  # noqa: E712
    dist_exists = exists().where(col(SurveyDistribution.campaign_id) == campaign_id,
                                 col(SurveyDistribution.unit_id) == SurveyResponse.unit_id,
                                 col(SurveyDistribution.active) == True)  # noqa: E712
    responses, from_distributed = session.execute(select(
        func.count(), func.coalesce(func.sum(case((dist_exists, 1), else_=0)), 0)).where(
        col(SurveyResponse.campaign_id) == campaign_id,
        col(SurveyResponse.status) == ResponseStatus.VALID)).one()
    return Progress(campaign_id, int(total), int(excluded), int(distributed), int(responses),
                    int(from_distributed))
