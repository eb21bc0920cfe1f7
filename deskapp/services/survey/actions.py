"""Which campaign keys the survey screen offers to whom now (issue #16 part 2): the
footer follows the campaign's state (no 截止回收 after closing, 重新开放 and 报告已提交 only
once closed, distribution only while collecting) and the staff's role.

``allowed_actions(campaign, staff)`` answers with the survey screen's action names;
``why_not(campaign, action, staff)`` is the error the service function would raise —
the role first, then the campaign's state — for a refused key to say why.
``response_actions`` / ``followup_actions`` do the same for the keys of an opened
response (follow up, void) and follow-up (answer, scope, reply, withdraw).
"""

from __future__ import annotations

from deskapp.db.models import Role, Staff
from deskapp.db.models.survey import (
    CampaignStatus,
    FollowUpStatus,
    ResponseStatus,
    SurveyCampaign,
    SurveyFollowUp,
    SurveyResponse,
)
from deskapp.errors import DeskError, InvalidTransition
from deskapp.services.staff import require_role

_DESK = (Role.RECEPTIONIST, Role.SPECIALIST)

#: action → (roles, the campaign states it needs, the error key in another state);
#: the same rules as :mod:`deskapp.services.survey.campaigns`' functions of those names
_RULES: dict[str, tuple[tuple[Role, ...], tuple[CampaignStatus, ...], str]] = {
    "new_campaign": ((Role.SUPERVISOR,), tuple(CampaignStatus), ""),
    "close_campaign": ((Role.SUPERVISOR,), (CampaignStatus.OPEN,), "survey.campaign.not_open"),
    "reopen_campaign": ((Role.SUPERVISOR,), (CampaignStatus.CLOSED,),
                        "survey.campaign.not_closed"),
    "mark_reported": ((Role.SUPERVISOR,), (CampaignStatus.CLOSED,),
                      "survey.campaign.report_needs_closed"),
    **{action: (_DESK, (CampaignStatus.OPEN,), "survey.campaign.closed_for_entry")
       for action in ("distribute", "distribute_batch", "exclude", "exclude_vacant",
                      "include", "cancel_distribution")},
}

#: every action this module answers for
ACTIONS = tuple(_RULES)


def why_not(campaign: SurveyCampaign | None, action: str,
            staff: Staff | None) -> DeskError | None:
    """The error ``action`` meets on ``campaign`` for ``staff`` now, or ``None``. Without a
    campaign only the role is checked (a new campaign needs none)."""
    rule = _RULES.get(action)
    if rule is None:
        return None
    roles, states, key = rule
    try:
        require_role(staff, *roles)
    except DeskError as err:
        return err
    if campaign is not None and campaign.status not in states:
        return InvalidTransition(key, title=campaign.title)
    return None


def allowed_actions(campaign: SurveyCampaign | None, staff: Staff | None) -> frozenset[str]:
    """What ``staff`` may do to ``campaign`` now (those needing a campaign: only with one)."""
    return frozenset(a for a in ACTIONS if why_not(campaign, a, staff) is None
                     and (campaign is not None or a == "new_campaign"))


#: response key → (roles, the response states it needs, the error key in another state);
#: as in ``survey.create_followup`` / ``survey.void_response``
_RESPONSE_RULES: dict[str, tuple[tuple[Role, ...], tuple[ResponseStatus, ...], str]] = {
    "followup": (_DESK, (ResponseStatus.VALID,), "survey.response.not_valid"),
    "void": ((Role.SUPERVISOR,), (ResponseStatus.VALID,), "survey.response.not_valid"),
}

_OPEN, _ANSWERED = FollowUpStatus.OPEN, FollowUpStatus.ANSWERED
#: follow-up key → (roles, the states it needs, the error key in another state); as in
#: ``survey.record_answer`` / ``set_scope`` / ``record_reply`` / ``withdraw_followup``
_FOLLOWUP_RULES: dict[str, tuple[tuple[Role, ...], tuple[FollowUpStatus, ...], str]] = {
    "answer": ((Role.SPECIALIST,), (_OPEN,), "survey.followup.not_open"),
    "scope": ((Role.SPECIALIST,), (_OPEN,), "survey.followup.not_open"),
    "reply": (_DESK, (_ANSWERED,), "survey.followup.not_answered"),
    "withdraw": ((Role.SPECIALIST,), (_OPEN, _ANSWERED), "survey.followup.closed"),
}


def _refusal(rule: tuple[tuple[Role, ...], tuple[object, ...], str], status: object,
             staff: Staff | None) -> DeskError | None:
    roles, states, key = rule
    try:
        require_role(staff, *roles)
    except DeskError as err:
        return err
    if status not in states:
        if key == "survey.followup.not_answered" and status == _OPEN:
            key = "survey.followup.answer_first"
        return InvalidTransition(key)
    return None


def why_not_response(response: SurveyResponse, action: str,
                     staff: Staff | None) -> DeskError | None:
    """The error ``action`` (``followup``, ``void``) meets on ``response`` now, or ``None``."""
    rule = _RESPONSE_RULES.get(action)
    return None if rule is None else _refusal(rule, response.status, staff)


def response_actions(response: SurveyResponse, staff: Staff | None) -> frozenset[str]:
    """The keys of an opened response ``staff`` may use now."""
    return frozenset(a for a in _RESPONSE_RULES if why_not_response(response, a, staff) is None)


def why_not_followup(item: SurveyFollowUp, action: str,
                     staff: Staff | None) -> DeskError | None:
    """The error ``action`` (``answer``, ``scope``, ``reply``, ``withdraw``) meets on the
    follow-up ``item`` now, or ``None``."""
    rule = _FOLLOWUP_RULES.get(action)
    return None if rule is None else _refusal(rule, item.status, staff)


def followup_actions(item: SurveyFollowUp, staff: Staff | None) -> frozenset[str]:
    """The keys of an opened follow-up ``staff`` may use now."""
    return frozenset(a for a in _FOLLOWUP_RULES if why_not_followup(item, a, staff) is None)
