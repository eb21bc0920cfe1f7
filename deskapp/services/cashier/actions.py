"""Which keys a receipt offers to whom now (issue #16 part 2): void, refund, reprint.
The receipt screen's keys and footer come from here, never from rules of their own.

``receipt_state(session, receipt_id)`` reads what the rules need (voided, refunds, what
is left to refund, whether its day is closed); ``receipt_actions(state, staff)`` and
``why_not_receipt(state, action, staff)`` answer from it without the database — the
same checks, in the same order, as :func:`cashier.void_receipt` and :func:`cashier.refund`
(another area's veto of a void or refund is named by the confirmation's preview).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from deskapp.db.models import Role, Staff
from deskapp.db.models.cashier import Refund
from deskapp.errors import Conflict, DeskError, InvalidTransition, PermissionDenied
from deskapp.money import format_fen
from deskapp.services.cashier import payments, refunds
from deskapp.services.cashier.close import is_day_closed
from deskapp.services.staff import require_role

#: the receipt detail's keys: reprint (补打), void (作废), refund (退款)
RECEIPT_ACTIONS = ("print", "void", "refund")


@dataclass(frozen=True)
class ReceiptState:
    id: int
    number: str
    business_date_text: str
    voided: bool
    has_refunds: bool
    refundable_fen: int
    day_closed: bool


def receipt_state(session: Session, receipt_id: int) -> ReceiptState:
    receipt = payments.get_receipt(session, receipt_id)
    left, _ = refunds.refundable(session, receipt_id)
    refunded = session.exec(select(Refund.id).where(Refund.receipt_id == receipt_id)).first()
    return ReceiptState(
        id=receipt_id, number=receipt.number,
        business_date_text=receipt.business_date.isoformat(), voided=receipt.voided,
        has_refunds=refunded is not None, refundable_fen=left,
        day_closed=is_day_closed(session, receipt.issued_by, receipt.business_date))


def why_not_receipt(state: ReceiptState, action: str, staff: Staff | None) -> DeskError | None:
    """The error ``action`` meets on the receipt for ``staff`` now, or ``None``."""
    if action not in RECEIPT_ACTIONS:
        return None
    if staff is None or not staff.active:
        return PermissionDenied("auth.denied.login")
    if action == "print":  # a reprint (marked 补打) for anyone at the desk
        return None
    try:
        require_role(staff, Role.SUPERVISOR)
    except DeskError as err:
        return err
    if action == "void":
        if state.voided:
            return InvalidTransition("cashier.void.already", number=state.number)
        if state.has_refunds:
            return Conflict("cashier.void.has_refunds", number=state.number)
        if state.day_closed:
            return Conflict("cashier.void.day_closed", number=state.number,
                            date=state.business_date_text)
        return None
    if state.voided:
        return InvalidTransition("cashier.refund.voided", number=state.number)
    if state.refundable_fen <= 0:
        return Conflict("cashier.refund.exceeds", max=format_fen(0))
    return None


def receipt_actions(state: ReceiptState, staff: Staff | None) -> frozenset[str]:
    """What ``staff`` may do with the receipt now."""
    return frozenset(a for a in RECEIPT_ACTIONS if why_not_receipt(state, a, staff) is None)
