"""Which campaign keys the survey screen offers to whom now (issue #16 part 2): the
footer follows the campaign's state (no 截止回收 after closing, 重新开放 and 报告已提交 only
once closed, distribution only while collecting) and the staff's role.

``allowed_actions(campaign, staff)`` answers with the survey screen's action names;
``why_not(campaign, action, staff)`` is the error the service function would raise —
the role first, then the campaign's state — for a refused key to say why.
"""

from __future__ import annotations

from deskapp.db.models import Role, Staff
from deskapp.db.models.survey import CampaignStatus, SurveyCampaign
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
