"""Returned forms: fast entry of a unit's answers, voiding, reading one response."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Role, Staff, Unit
from deskapp.db.models.survey import (
    ResponseStatus,
    SurveyAnswer,
    SurveyDistribution,
    SurveyFollowUp,
    SurveyItem,
    SurveyResponse,
)
from deskapp.errors import Conflict, InvalidTransition, NotFound, ValidationError
from deskapp.masking import mask_phone
from deskapp.services import audit
from deskapp.services.staff import require_role
from deskapp.services.survey.campaigns import _open_campaign, _reason, get_campaign
from deskapp.services.survey.constants import FILLED_EARLIEST_DAYS, MAX_TEXT, SCORES
from deskapp.services.survey.forms import form_items
from deskapp.validators import phone as valid_phone


def _unit_code(session: Session, unit_id: int) -> str:
    return session.execute(
        select(col(Unit.code)).where(col(Unit.id) == unit_id)).scalars().first() or "?"


# --------------------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------------------


def valid_response(session: Session, *, campaign_id: int, unit_id: int) -> SurveyResponse | None:
    return session.execute(select(SurveyResponse).where(
        col(SurveyResponse.campaign_id) == campaign_id, col(SurveyResponse.unit_id) == unit_id,
        col(SurveyResponse.status) == ResponseStatus.VALID)).scalars().first()


def _clean_opinion(text: str, field_name: str) -> str:
    value = (text or "").strip().replace("\r\n", "\n")
    if len(value) > MAX_TEXT:
        raise ValidationError("survey.text.too_long", field=field_name, n=MAX_TEXT)
    return value


def record_response(
    session: Session,
    *,
    by: Staff,
    campaign_id: int,
    unit_id: int,
    ratings: Mapping[int, int | None] | Sequence[int | None],
    name: str,
    phone: str,
    filled_on: date | None = None,
    improve: str = "",
    add_services: str = "",
    other: str = "",
    replace: bool = False,
) -> SurveyResponse:
    """Enter one returned form.

    ``ratings``: item id → score, or one score per item in form order; ``None`` / ``0``
    leaves an item unanswered. Name and phone are required (the statistics need them).
    A unit that never got a form is accepted (the list flags it). A second form for the
    same unit raises :class:`Conflict` unless ``replace`` — then the first one is kept as
    ``replaced`` and points at the new one.
    """
    require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
    campaign = _open_campaign(session, campaign_id)
    if session.get(Unit, unit_id) is None:
        raise ValidationError("survey.response.unit_required", field="unit")
    items = form_items(session, campaign.form_id)
    scores = _scores(items, ratings)
    if not scores:
        raise ValidationError("survey.response.no_ratings", field="ratings")
    name = (name or "").strip()
    if not name:
        raise ValidationError("survey.response.name_required", field="name")
    if len(name) > 50:
        raise ValidationError("survey.text.too_long", field="name", n=50)
    if not (phone or "").strip():
        raise ValidationError("survey.response.phone_required", field="phone")
    phone = valid_phone(phone, field="phone")
    filled_on = filled_on or clock.today()
    if filled_on > clock.today():
        raise ValidationError("survey.date.future", field="filled_on")
    if filled_on < campaign.distribution_date - timedelta(days=FILLED_EARLIEST_DAYS):
        raise ValidationError("survey.response.date_too_early", field="filled_on",
                              date=campaign.distribution_date.isoformat())
    texts = {f: _clean_opinion(v, f) for f, v in
             (("improve", improve), ("add_services", add_services), ("other", other))}
    previous = valid_response(session, campaign_id=campaign_id, unit_id=unit_id)
    if previous is not None and not replace:
        raise Conflict("survey.response.exists", unit=_unit_code(session, unit_id),
                       name=previous.respondent_name, date=previous.filled_on.isoformat())
    if previous is not None:
        previous.status = ResponseStatus.REPLACED
        session.add(previous)
        session.flush()
    assert by.id is not None
    response = SurveyResponse(
        campaign_id=campaign_id, unit_id=unit_id, status=ResponseStatus.VALID,
        respondent_name=name, respondent_phone=phone, filled_on=filled_on,
        improve=texts["improve"], add_services=texts["add_services"], other=texts["other"],
        answered=len(scores), entered_by_id=by.id, entered_at=clock.now())
    session.add(response)
    session.flush()
    assert response.id is not None
    for item_id, score in scores.items():
        session.add(SurveyAnswer(response_id=response.id, item_id=item_id, score=score))
    if previous is not None:
        previous.replaced_by_id = response.id
        session.add(previous)
    session.flush()
    distributed = session.execute(select(col(SurveyDistribution.id)).where(
        col(SurveyDistribution.campaign_id) == campaign_id,
        col(SurveyDistribution.unit_id) == unit_id,
        col(SurveyDistribution.active) == True)).first() is not None  # noqa: E712
    audit.record(session, by=by, action="survey.response.replace" if previous else
                 "survey.response.create", entity="survey_response", entity_id=response.id,
                 detail={"campaign": campaign_id, "unit": _unit_code(session, unit_id),
                         "answered": len(scores), "distributed": distributed,
                         "phone": mask_phone(phone),
                         "replaces": previous.id if previous else None})
    return response


def _scores(items: list[SurveyItem],
            ratings: Mapping[int, int | None] | Sequence[int | None]) -> dict[int, int]:
    by_id = {item.id: item for item in items}
    if isinstance(ratings, Mapping):
        pairs = list(ratings.items())
        unknown = next((k for k in ratings if k not in by_id), None)
        if unknown is not None:
            raise ValidationError("survey.response.unknown_item", field="ratings")
    else:
        if len(ratings) > len(items):
            raise ValidationError("survey.response.too_many", field="ratings", n=len(items))
        pairs = [(item.id, score) for item, score in zip(items, ratings, strict=False)
                 if item.id is not None]
    scores: dict[int, int] = {}
    for item_id, score in pairs:
        if score is None or score == 0:
            continue
        if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
            item = by_id[item_id]
            raise ValidationError("survey.response.bad_score", field="ratings",
                                  item=item.title, position=item.position, score=score)
        scores[item_id] = score
    return scores


def void_response(session: Session, *, by: Staff, response_id: int,
                  reason: str) -> SurveyResponse:
    """Take a form out of the statistics (entered for the wrong unit …), with the reason."""
    require_role(by, Role.SUPERVISOR)
    response = get_response(session, response_id)
    _open_campaign(session, response.campaign_id)
    if response.status != ResponseStatus.VALID:
        raise InvalidTransition("survey.response.not_valid")
    reason = _reason(reason)
    response.status = ResponseStatus.VOIDED
    response.voided_at, response.voided_by_id, response.void_reason = clock.now(), by.id, reason
    session.add(response)
    audit.record(session, by=by, action="survey.response.void", entity="survey_response",
                 entity_id=response.id, detail={"reason": reason})
    return response


def get_response(session: Session, response_id: int) -> SurveyResponse:
    response = session.get(SurveyResponse, response_id)
    if response is None:
        raise NotFound("survey.response.not_found")
    return response


@dataclass(frozen=True)
class ResponseDetail:
    response: SurveyResponse
    unit_code: str
    campaign_title: str
    distributed: bool
    answers: list[tuple[SurveyItem, int | None]]  # every item of the form, in order
    entered_by: str
    followups: list[SurveyFollowUp]


def response_detail(session: Session, response_id: int) -> ResponseDetail:
    response = get_response(session, response_id)
    campaign = get_campaign(session, response.campaign_id)
    scores = dict(session.execute(select(col(SurveyAnswer.item_id), col(SurveyAnswer.score)).where(
        col(SurveyAnswer.response_id) == response_id)).all())
    items = form_items(session, campaign.form_id)
    distributed = session.execute(select(col(SurveyDistribution.id)).where(
        col(SurveyDistribution.campaign_id) == campaign.id,
        col(SurveyDistribution.unit_id) == response.unit_id,
        col(SurveyDistribution.active) == True)).first() is not None  # noqa: E712
    staff = session.get(Staff, response.entered_by_id)
    followups = list(session.execute(select(SurveyFollowUp).where(
        col(SurveyFollowUp.response_id) == response_id).order_by(col(SurveyFollowUp.id))).scalars())
    return ResponseDetail(response, _unit_code(session, response.unit_id), campaign.title,
                          distributed, [(i, scores.get(i.id)) for i in items],
                          staff.name if staff else "", followups)
