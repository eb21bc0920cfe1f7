"""Which steps a filing offers to whom now (issue #16 part 2): the screen's keys and footer
come from here, never from rules of their own.

``allowed_actions(filing, staff)`` answers with the action names of the filing screen's
keys; ``why_not(filing, action, staff)`` is the error the step itself would raise (the
role first, then the state), for a refused key to say why.
"""

from __future__ import annotations

from deskapp.db.models.core import Staff
from deskapp.db.models.renovation import RenovationFiling, RenovationStatus
from deskapp.errors import Conflict, DeskError
from deskapp.i18n import t
from deskapp.roles import Role
from deskapp.services.renovation.rules import DESK, state_refusal
from deskapp.services.staff import require_role

S = RenovationStatus

#: action → the states in which the step is allowed (the same states the step functions
#: of :mod:`deskapp.services.renovation.filings` require)
ACTION_STATES: dict[str, tuple[RenovationStatus, ...]] = {
    "edit": (S.DRAFT,),
    "documents": (S.DRAFT, S.SUBMITTED, S.REVIEWED),
    "workers": (S.DRAFT, S.SUBMITTED, S.REVIEWED, S.APPROVED, S.IN_PROGRESS,
                S.COMPLETION_APPLIED, S.INSPECTED, S.REFUNDED),
    "confirm_owner": (S.DRAFT, S.SUBMITTED, S.REVIEWED),
    "submit": (S.DRAFT,),
    "review": (S.SUBMITTED,),
    "agreement": (S.REVIEWED,),
    "deposit": (S.REVIEWED,),
    "approve": (S.REVIEWED,),
    "print": (S.APPROVED, S.IN_PROGRESS, S.COMPLETION_APPLIED, S.INSPECTED),
    "start": (S.APPROVED,),
    "extend": (S.APPROVED, S.IN_PROGRESS),
    "completion": (S.IN_PROGRESS,),
    "inspect": (S.COMPLETION_APPLIED,),
    "downstairs": (S.IN_PROGRESS, S.COMPLETION_APPLIED, S.INSPECTED),
    "lived_in": (S.APPROVED, S.IN_PROGRESS, S.COMPLETION_APPLIED, S.INSPECTED),
    "refund": (S.INSPECTED,),
    "close": (S.REFUNDED, S.INSPECTED),
    "cancel": (S.DRAFT, S.SUBMITTED, S.REVIEWED),
    "tax": tuple(s for s in S if s != S.CANCELLED),
}

#: every action this module answers for (the filing screen's key actions)
ACTIONS = tuple(ACTION_STATES)

#: the roles each action needs (default: the desk; a supervisor passes every check).
#: The refund key stays with the desk: its form is the checklist of the refund's
#: conditions the desk works through with the owner; saving it needs a supervisor
#: (:func:`deskapp.services.renovation.deposit.refund_deposit` says so).
_ROLES: dict[str, tuple[Role, ...]] = {}

#: an action whose step has a label of another name in the catalogue
_LABEL = {"workers": "add_worker", "agreement": "sign_agreement", "deposit": "collect_deposit",
          "completion": "apply_completion"}

#: the filing's steps in their order: the first one allowed is the step that is due
WORKFLOW = ("submit", "review", "agreement", "deposit", "approve", "start", "completion",
            "inspect", "refund", "close")


def why_not(filing: RenovationFiling, action: str, staff: Staff | None) -> DeskError | None:
    """The error ``action`` meets on ``filing`` for ``staff`` now, or ``None`` when it is
    allowed (or not one of :data:`ACTIONS`)."""
    states = ACTION_STATES.get(action)
    if states is None:
        return None
    try:
        require_role(staff, *_ROLES.get(action, DESK))
    except DeskError as err:
        return err
    if action == "confirm_owner" and filing.applicant_is_owner:
        return Conflict("renovation.refused.owner_applies")
    return state_refusal(filing, action_label=t(f"renovation.action.{_LABEL.get(action, action)}"), states=states)


def allowed_actions(filing: RenovationFiling, staff: Staff | None) -> frozenset[str]:
    """What ``staff`` may do to ``filing`` now — the keys its screen shows."""
    return frozenset(a for a in ACTIONS if why_not(filing, a, staff) is None)


def next_step(filing: RenovationFiling, staff: Staff | None) -> str | None:
    """The first step of :data:`WORKFLOW` that ``staff`` may take now, if any."""
    allowed = allowed_actions(filing, staff)
    return next((a for a in WORKFLOW if a in allowed), None)
