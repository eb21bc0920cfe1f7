"""Refunds (退款): what is still refundable on a receipt, the refund document (supervisor) and
its preview.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Role, Staff
from deskapp.db.models.cashier import (
    PayMethod,
    ReceiptLine,
    ReceiptTender,
    Refund,
    RefundLine,
)
from deskapp.errors import Conflict, InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.money import chinese_capital, format_fen
from deskapp.services import audit, numbering
from deskapp.services.cashier.close import (
    is_day_closed,
)
from deskapp.services.cashier.fees import (
    CASHIERS,
    check_amount,
    required_reason,
)
from deskapp.services.cashier.payments import (
    REFUND_SERIES,
    _dependents,
    _receipt_lines,
    format_number,
    get_receipt,
    series_for,
)
from deskapp.services.preview import ActionPreview
from deskapp.services.staff import require_role

__all__ = [
    "get_refund",
    "refund",
    "refundable",
    "refund_preview",
]


# --------------------------------------------------------------------------------------
# Refunds
# --------------------------------------------------------------------------------------


def refundable(session: Session, receipt_id: int) -> tuple[int, dict[int, int]]:
    """What may still be refunded on a receipt: in total, and per bill."""
    receipt = get_receipt(session, receipt_id)
    refunded = session.exec(select(func.coalesce(func.sum(Refund.amount_fen), 0)).where(
        Refund.receipt_id == receipt.id)).one()
    per_bill: dict[int, int] = {}
    for bill_id, amount in session.exec(select(ReceiptLine.bill_id, ReceiptLine.amount_fen)
                                        .where(ReceiptLine.receipt_id == receipt.id)).all():
        per_bill[bill_id] = per_bill.get(bill_id, 0) + amount
    for bill_id, amount in session.exec(
            select(RefundLine.bill_id, func.sum(RefundLine.amount_fen))
            .join(Refund, Refund.id == RefundLine.refund_id)
            .where(Refund.receipt_id == receipt.id).group_by(RefundLine.bill_id)).all():
        per_bill[bill_id] = per_bill.get(bill_id, 0) - int(amount)
    return receipt.total_fen - int(refunded), per_bill


def refund(session: Session, *, by: Staff, receipt_id: int, amount_fen: int, reason: str,
           request_id: str, bill_ids: list[int] | None = None, method: PayMethod | None = None,
           cashier: Staff | None = None, origin: str = "") -> Refund:
    """Refund (part of) a receipt — also the renovation deposit return — as a new numbered
    document approved by a supervisor (``by``). Never more than is left of the receipt;
    with ``bill_ids``, never more than is left of those bills (spread in order). The
    money leaves ``cashier``'s drawer (default ``by``) today, by ``method`` (default: cash
    if the receipt had cash, else its first method). Same ``request_id`` again → the same
    refund."""
    require_role(by, Role.SUPERVISOR)
    request_id = (request_id or "").strip()
    if not request_id or len(request_id) > 64:
        raise ValidationError("cashier.request_id.invalid", field="request_id")
    existing = session.exec(select(Refund).where(Refund.request_id == request_id)).first()
    if existing is not None:
        if existing.receipt_id != receipt_id or existing.amount_fen != amount_fen:
            raise Conflict("cashier.request_id.reused", number=existing.number)
        return existing
    amount_fen = check_amount(amount_fen)
    reason = required_reason(reason, key="cashier.refund.reason_required")
    receipt = get_receipt(session, receipt_id)
    if receipt.voided:
        raise InvalidTransition("cashier.refund.voided", number=receipt.number)
    left, per_bill = refundable(session, receipt.id)  # type: ignore[arg-type]
    if amount_fen > left:
        raise ValidationError("cashier.refund.exceeds", field="amount", max=format_fen(left))
    dependents = _dependents(session, "refund", receipt, origin=origin)
    lines: list[tuple[int, int]] = []
    if bill_ids:
        if len(set(bill_ids)) != len(bill_ids):
            raise ValidationError("cashier.pay.duplicate_item", field="items")
        rest = amount_fen
        for bill_id in bill_ids:
            if bill_id not in per_bill:
                raise ValidationError("cashier.refund.not_on_receipt", field="items",
                                      number=receipt.number)
            part = min(rest, per_bill[bill_id])
            if part > 0:
                lines.append((bill_id, part))
                rest -= part
        if rest > 0:
            room = sum(per_bill[b] for b in bill_ids)
            raise ValidationError("cashier.refund.exceeds", field="amount", max=format_fen(room))
    tenders = list(session.exec(select(ReceiptTender).where(
        ReceiptTender.receipt_id == receipt.id).order_by(ReceiptTender.id)).all())
    if method is None:
        methods = [x.method for x in tenders]
        method = PayMethod.CASH if PayMethod.CASH in methods else methods[0]
    method = PayMethod(method)
    payer = cashier or by
    if cashier is not None:
        require_role(cashier, *CASHIERS)
    today = clock.today()
    if is_day_closed(session, payer.id, today):  # type: ignore[arg-type]
        raise Conflict("cashier.day_closed", date=today.isoformat())
    series = series_for(REFUND_SERIES, today)
    seq = numbering.next_value(session, f"refund.{series}")
    doc = Refund(number=format_number(series, seq), series=series, seq=seq,
                 receipt_id=receipt.id, unit_id=receipt.unit_id,  # type: ignore[arg-type]
                 unit_code=receipt.unit_code, amount_fen=amount_fen, method=method,
                 reason=reason, request_id=request_id, business_date=today,
                 issued_at=clock.now(), issued_by=payer.id, approved_by=by.id)  # type: ignore[arg-type]
    session.add(doc)
    session.flush()
    for bill_id, part in lines:
        session.add(RefundLine(refund_id=doc.id, bill_id=bill_id, amount_fen=part))  # type: ignore[arg-type]
    session.flush()
    audit.record(session, by=by, action="cashier.refund", entity="refund", entity_id=doc.id,
                 detail={"number": doc.number, "receipt": receipt.number,
                         "amount_fen": amount_fen, "method": method.value, "reason": reason,
                         "bills": [b for b, _ in lines]})
    for dependent in dependents:
        if dependent.reverse is not None:
            dependent.reverse(session, by)
    return doc


def refund_preview(session: Session, *, by: Staff, receipt_id: int, amount_fen: int,
                   reason: str, method: PayMethod | None = None) -> ActionPreview:
    """What the refund will do, for the confirmation, after the refund's own checks."""
    require_role(by, Role.SUPERVISOR)
    amount_fen = check_amount(amount_fen)
    reason = required_reason(reason, key="cashier.refund.reason_required")
    receipt = get_receipt(session, receipt_id)
    if receipt.voided:
        raise InvalidTransition("cashier.refund.voided", number=receipt.number)
    left, _per_bill = refundable(session, receipt.id)  # type: ignore[arg-type]
    if amount_fen > left:
        raise ValidationError("cashier.refund.exceeds", field="amount", max=format_fen(left))
    dependents = _dependents(session, "refund", receipt)
    today = clock.today()
    if is_day_closed(session, by.id, today):  # type: ignore[arg-type]
        raise Conflict("cashier.day_closed", date=today.isoformat())
    how = t(f"cashier.method.{PayMethod(method).value}") if method else ""
    lines = _receipt_lines(session, receipt) + [
        (t("cashier.confirm.refund"), f"{format_fen(amount_fen)}"
                                      f"（{chinese_capital(amount_fen)}）{how}"),
        (t("cashier.confirm.left_after"), format_fen(left - amount_fen)),
        (t("cashier.confirm.reason"), " ".join(reason.split())),
    ]
    return ActionPreview(t("cashier.confirm.refund_title", number=receipt.number), lines,
                         [d.text for d in dependents])


def get_refund(session: Session, refund_id: int) -> Refund:
    doc = session.get(Refund, refund_id)
    if doc is None:
        raise NotFound("cashier.refund.not_found")
    return doc
