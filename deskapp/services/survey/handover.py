"""The survey's handover items: follow-ups still waiting, collection deadlines passed."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskapp.db.models import Unit
from deskapp.db.models.survey import CampaignStatus, FollowUpStatus, SurveyCampaign, SurveyFollowUp
from deskapp.services import hooks

# --------------------------------------------------------------------------------------
# Handover: follow-ups still waiting, deadlines passed
# --------------------------------------------------------------------------------------

HANDOVER_LIMIT = 30


def handover_items(session: Session, ctx: hooks.HandoverContext) -> list[hooks.OpenItem]:
    from deskapp.i18n import t

    section = "survey.handover.section"
    items: list[hooks.OpenItem] = []
    today = ctx.end.date()
    for campaign in session.execute(select(SurveyCampaign).where(
            col(SurveyCampaign.status) == CampaignStatus.OPEN)).scalars():
        if campaign.collection_deadline < today:
            items.append(hooks.OpenItem(section, t("survey.handover.deadline_passed",
                                                   title=campaign.title,
                                                   date=campaign.collection_deadline.isoformat()),
                                        hooks.RecordRef("survey_campaign", campaign.id),
                                        overdue=True))
    query = (select(SurveyFollowUp, col(Unit.code))
             .join(Unit, col(Unit.id) == SurveyFollowUp.unit_id)
             .where(col(SurveyFollowUp.status).in_([FollowUpStatus.OPEN, FollowUpStatus.ANSWERED]),
                    col(SurveyFollowUp.created_at) < ctx.end)
             .order_by(col(SurveyFollowUp.status).desc(), col(SurveyFollowUp.created_at)))
    total = session.execute(select(func.count()).select_from(query.subquery())).one()[0]
    for item, code in session.execute(query.limit(HANDOVER_LIMIT)).all():
        key = "survey.handover.to_reply" if item.status == FollowUpStatus.ANSWERED \
            else "survey.handover.to_answer"
        items.append(hooks.OpenItem(section, t(key, unit=code, opinion=_one_line(item.opinion)),
                                    hooks.RecordRef("survey_followup", item.id),
                                    since=item.created_at))
    if total > HANDOVER_LIMIT:
        items.append(hooks.OpenItem(section, t("survey.handover.more", n=total - HANDOVER_LIMIT)))
    return items


def _one_line(text: str, width: int = 30) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
