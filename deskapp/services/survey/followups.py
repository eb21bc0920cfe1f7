"""Follow-up of opinions (意见整改 / 意见回复): answered owner by owner, never
collectively, and never before an official answer exists (:func:`record_reply` refuses
until :func:`record_answer`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Role, Staff
from deskapp.db.models.survey import (
    FollowUpScope,
    FollowUpStatus,
    OpinionQuestion,
    ResponseStatus,
    SurveyFollowUp,
    SurveyResponse,
)
from deskapp.errors import InvalidTransition, NotFound, ValidationError
from deskapp.services import audit
from deskapp.services.staff import require_role
from deskapp.services.survey.campaigns import _reason
from deskapp.services.survey.constants import REPLY_CHANNELS
from deskapp.services.survey.responses import _clean_opinion, get_response

# --------------------------------------------------------------------------------------
# Follow-up of opinions (意见整改 / 意见回复)
# --------------------------------------------------------------------------------------


def _question_text(response: SurveyResponse, question: OpinionQuestion) -> str:
    return {OpinionQuestion.IMPROVE: response.improve, OpinionQuestion.ADD: response.add_services,
            OpinionQuestion.OTHER: response.other}[question]


def create_followup(session: Session, *, by: Staff, response_id: int,
                    question: OpinionQuestion | str, department: str,
                    scope: FollowUpScope | str = FollowUpScope.IN_SCOPE,
                    opinion: str | None = None) -> SurveyFollowUp:
    """Turn one owner's opinion into an item to follow up. ``opinion`` defaults to what
    the owner wrote for ``question``."""
    require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
    response = get_response(session, response_id)
    if response.status != ResponseStatus.VALID:
        raise InvalidTransition("survey.response.not_valid")
    try:
        question = OpinionQuestion(question)
    except ValueError:
        raise ValidationError("survey.followup.bad_question", field="question") from None
    try:
        scope = FollowUpScope(scope)
    except ValueError:
        raise ValidationError("survey.followup.bad_scope", field="scope") from None
    text = _clean_opinion(opinion if opinion is not None else
                          _question_text(response, question), "opinion")
    if not text:
        raise ValidationError("survey.followup.opinion_required", field="opinion")
    department = (department or "").strip()
    if not department:
        raise ValidationError("survey.followup.department_required", field="department")
    if len(department) > 40:
        raise ValidationError("survey.text.too_long", field="department", n=40)
    assert response.id is not None and by.id is not None
    item = SurveyFollowUp(campaign_id=response.campaign_id, response_id=response.id,
                          unit_id=response.unit_id, question=question, opinion=text,
                          department=department, scope=scope, status=FollowUpStatus.OPEN,
                          created_at=clock.now(), created_by_id=by.id)
    session.add(item)
    session.flush()
    audit.record(session, by=by, action="survey.followup.create", entity="survey_followup",
                 entity_id=item.id, detail={"response": response.id, "question": question.value,
                                            "department": department, "scope": scope.value})
    return item


def get_followup(session: Session, followup_id: int) -> SurveyFollowUp:
    item = session.get(SurveyFollowUp, followup_id)
    if item is None:
        raise NotFound("survey.followup.not_found")
    return item


def set_scope(session: Session, *, by: Staff, followup_id: int, scope: FollowUpScope | str,
              department: str | None = None) -> SurveyFollowUp:
    """Escalate to the developer/group (or bring back in scope) while no answer exists."""
    require_role(by, Role.SPECIALIST)
    item = get_followup(session, followup_id)
    if item.status != FollowUpStatus.OPEN:
        raise InvalidTransition("survey.followup.not_open")
    try:
        scope = FollowUpScope(scope)
    except ValueError:
        raise ValidationError("survey.followup.bad_scope", field="scope") from None
    item.scope = scope
    if department is not None and department.strip():
        item.department = department.strip()[:40]
    session.add(item)
    audit.record(session, by=by, action="survey.followup.scope", entity="survey_followup",
                 entity_id=item.id, detail={"scope": scope.value, "department": item.department})
    return item


def record_answer(session: Session, *, by: Staff, followup_id: int,
                  answer: str) -> SurveyFollowUp:
    """The official answer (正式意见): the project manager's fix for a matter in scope, or
    the decision after reporting to the developer/group. Only now may the owner be told."""
    require_role(by, Role.SPECIALIST)
    item = get_followup(session, followup_id)
    if item.status != FollowUpStatus.OPEN:
        raise InvalidTransition("survey.followup.not_open")
    answer = _clean_opinion(answer, "answer")
    if not answer:
        raise ValidationError("survey.followup.answer_required", field="answer")
    item.answer, item.answered_at, item.answered_by_id = answer, clock.now(), by.id
    item.status = FollowUpStatus.ANSWERED
    session.add(item)
    audit.record(session, by=by, action="survey.followup.answer", entity="survey_followup",
                 entity_id=item.id, detail={"scope": item.scope.value})
    return item


def record_reply(session: Session, *, by: Staff, followup_id: int, reply: str,
                 channel: str) -> SurveyFollowUp:
    """The reply to this one owner. Refused before the official answer exists (the plan
    forbids replying without one) — and there is deliberately no collective reply."""
    require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
    item = get_followup(session, followup_id)
    if item.status == FollowUpStatus.OPEN:
        raise InvalidTransition("survey.followup.answer_first")
    if item.status != FollowUpStatus.ANSWERED:
        raise InvalidTransition("survey.followup.not_answered")
    reply = _clean_opinion(reply, "reply")
    if not reply:
        raise ValidationError("survey.followup.reply_required", field="reply")
    if channel not in REPLY_CHANNELS:
        raise ValidationError("survey.followup.bad_channel", field="channel")
    item.reply, item.reply_channel = reply, channel
    item.replied_at, item.replied_by_id = clock.now(), by.id
    item.status = FollowUpStatus.REPLIED
    session.add(item)
    audit.record(session, by=by, action="survey.followup.reply", entity="survey_followup",
                 entity_id=item.id, detail={"channel": channel})
    return item


def withdraw_followup(session: Session, *, by: Staff, followup_id: int,
                      reason: str) -> SurveyFollowUp:
    """Withdraw an item made by mistake (a duplicate …) before the owner had a reply."""
    require_role(by, Role.SPECIALIST)
    item = get_followup(session, followup_id)
    if item.status not in (FollowUpStatus.OPEN, FollowUpStatus.ANSWERED):
        raise InvalidTransition("survey.followup.closed")
    reason = _reason(reason)
    item.status = FollowUpStatus.WITHDRAWN
    item.withdraw_reason, item.withdrawn_at, item.withdrawn_by_id = reason, clock.now(), by.id
    session.add(item)
    audit.record(session, by=by, action="survey.followup.withdraw", entity="survey_followup",
                 entity_id=item.id, detail={"reason": reason})
    return item


@dataclass(frozen=True)
class FollowUpCounts:
    open: int = 0
    answered: int = 0
    replied: int = 0
    withdrawn: int = 0
    escalated: int = 0

    @property
    def total(self) -> int:
        return self.open + self.answered + self.replied + self.withdrawn


def followup_counts(session: Session, campaign_id: int) -> FollowUpCounts:
    rows = dict(session.execute(select(col(SurveyFollowUp.status), func.count()).where(
        col(SurveyFollowUp.campaign_id) == campaign_id).group_by(col(SurveyFollowUp.status))).all())
    escalated = session.execute(select(func.count()).select_from(SurveyFollowUp).where(
        col(SurveyFollowUp.campaign_id) == campaign_id,
        col(SurveyFollowUp.scope) == FollowUpScope.ESCALATED,
        col(SurveyFollowUp.status) != FollowUpStatus.WITHDRAWN)).one()[0]
    return FollowUpCounts(
        open=int(rows.get(FollowUpStatus.OPEN, 0)),
        answered=int(rows.get(FollowUpStatus.ANSWERED, 0)),
        replied=int(rows.get(FollowUpStatus.REPLIED, 0)),
        withdrawn=int(rows.get(FollowUpStatus.WITHDRAWN, 0)), escalated=int(escalated))
