"""Which keys a contact, a work order and a handover offer to whom now (issue #16 part 2):
the reception screens' keys and footers come from here, never from rules of their own.

Each ``*_actions(record, staff)`` answers with the action names of the screen's keys;
each ``why_not_*(record, action, staff)`` is the error the action itself would raise
(the role first, then the record's state), for a refused key to say why.
"""

from __future__ import annotations

from deskapp.db.models import Role, Staff
from deskapp.db.models.reception import Contact, Handover, HandoverStatus, WorkOrder
from deskapp.errors import Conflict, DeskError, InvalidTransition
from deskapp.services.reception import workorders as wo
from deskapp.services.reception.common import DESK_ROLES
from deskapp.services.staff import require_role


def _role(staff: Staff | None, *roles: Role) -> DeskError | None:
    try:
        require_role(staff, *roles)
    except DeskError as err:
        return err
    return None


def _allowed(actions: tuple[str, ...], why: object, record: object,
             staff: Staff | None) -> frozenset[str]:
    return frozenset(a for a in actions if why(record, a, staff) is None)  # type: ignore[operator]


# --------------------------------------------------------------------------------------
# Contacts
# --------------------------------------------------------------------------------------

#: the contact detail's keys: edit it, make a work order of it, open what it became
CONTACT_ACTIONS = ("edit", "workorder", "open_linked")


def why_not_contact(contact: Contact, action: str, staff: Staff | None) -> DeskError | None:
    if action not in CONTACT_ACTIONS:
        return None
    if action == "open_linked":  # looking, not changing: anyone at the desk
        return None if contact.linked_kind else Conflict("reception.contact.not_linked")
    err = _role(staff, *DESK_ROLES)
    if err is not None:
        return err
    if action == "workorder" and contact.linked_kind:
        return Conflict("reception.contact.already_linked", kind=contact.linked_kind,
                        id=contact.linked_id)
    return None


def contact_actions(contact: Contact, staff: Staff | None) -> frozenset[str]:
    """What ``staff`` may do with ``contact`` now."""
    return _allowed(CONTACT_ACTIONS, why_not_contact, contact, staff)


# --------------------------------------------------------------------------------------
# Work orders
# --------------------------------------------------------------------------------------

#: the work order's steps in their order (``cancel`` last: never the step that is due)
WORK_ORDER_ACTIONS = ("dispatch", "complete", "visit", "close", "cancel")


def why_not_work_order(order: WorkOrder, action: str,
                       staff: Staff | None) -> DeskError | None:
    """The error the step would raise: the role first, then the order's state."""
    if action not in WORK_ORDER_ACTIONS:
        return None
    return _role(staff, *DESK_ROLES) or wo.why_not(order, action)


def work_order_actions(order: WorkOrder, staff: Staff | None) -> frozenset[str]:
    """The steps ``staff`` may take on ``order`` now."""
    return _allowed(WORK_ORDER_ACTIONS, why_not_work_order, order, staff)


# --------------------------------------------------------------------------------------
# Handovers
# --------------------------------------------------------------------------------------

#: confirm (接班确认) and 已阅 (mark read)
HANDOVER_ACTIONS = ("confirm", "mark_read")


def why_not_handover(handover: Handover, action: str,
                     staff: Staff | None) -> DeskError | None:
    """Confirming: at the desk, a handover still waiting (as
    :func:`reception_shifts.confirm_handover`; the incoming staff member signs in the
    confirmation with their own login, which is refused there when it is the writer's).
    已阅: the incoming staff while it waits (before confirming), a supervisor any time
    (:func:`mark_handover_read`)."""
    if action not in HANDOVER_ACTIONS:
        return None
    waiting = handover.status == HandoverStatus.WRITTEN
    if action == "mark_read":
        if waiting:
            return _role(staff, *DESK_ROLES)
        return _role(staff, Role.SUPERVISOR)
    err = _role(staff, *DESK_ROLES)
    if err is not None:
        return err
    if not waiting:
        return InvalidTransition("reception.handover.confirmed")
    return None


def handover_actions(handover: Handover, staff: Staff | None) -> frozenset[str]:
    """What ``staff`` may do with ``handover`` now."""
    return _allowed(HANDOVER_ACTIONS, why_not_handover, handover, staff)
