"""Cashier (收费): payments and receipts (收据), voids, refunds and their printouts.

The rules:

* :func:`take_payment` pays chosen bills of one unit with one or more tenders (cash with
  change, WeChat Pay, Alipay, bank card, transfer). The receipt number is taken inside the
  payment's own transaction (:func:`deskapp.services.numbering.next_value`: ``BEGIN
  IMMEDIATE`` on SQLite, a locked counter row on PostgreSQL), so numbers are gap-free per
  series (``SJ2026-000123``) and never reused. A payment carries a ``request_id``: saving
  the same payment again returns the receipt already issued.
* A receipt is never deleted or edited. :func:`void_receipt` (supervisor, with a reason)
  marks it void — the number stays — and reopens its bills. A database trigger refuses
  every other change.
* :func:`~deskapp.services.cashier.refunds.refund` (supervisor) issues a new numbered document (``TK2026-000007``) against a
  receipt, never more than was paid (per bill too, when bills are named).
* After a cashier's daily close (:mod:`deskapp.services.cashier.close`) nothing dated on
  that day for that cashier may be added or voided; corrections go to a later day.

Fees, bills, meters and parking live in :mod:`deskapp.services.cashier.fees`, arrears and
reminders in :mod:`deskapp.services.cashier.arrears`, the close and reports in
:mod:`deskapp.services.cashier.close`, refunds in :mod:`deskapp.services.cashier.refunds`
and the receipt's and refund's view data in :mod:`deskapp.services.cashier.views`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Role, Staff, Unit
from deskapp.db.models.cashier import (
    Bill,
    BillStatus,
    PayMethod,
    Receipt,
    ReceiptLine,
    ReceiptTender,
    Refund,
)
from deskapp.errors import Conflict, InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.money import chinese_capital, format_fen
from deskapp.services import audit, hooks, numbering
from deskapp.services.cashier.close import (
    is_day_closed,
)
from deskapp.services.cashier.fees import (
    CASHIERS,
    check_amount,
    required_reason,
)
from deskapp.services.preview import ActionPreview
from deskapp.services.staff import require_role
from deskapp.services.units import owner_of

__all__ = [
    "Tender",
    "get_receipt",
    "void_preview",
    "take_payment",
    "void_receipt",
]


RECEIPT_SERIES = "SJ"  # 收据


REFUND_SERIES = "TK"  # 退款


@dataclass(frozen=True)
class Tender:
    """One way the payer pays. ``tendered_fen`` (cash only): what was handed over; the
    change is ``tendered_fen - amount_fen``."""

    method: PayMethod
    amount_fen: int
    tendered_fen: int | None = None


def tenders_from(amounts: Mapping[PayMethod, int], tendered_fen: int | None) -> list[Tender]:
    """The tenders of a payment as the desk enters it: an amount per method (0 = not used)
    and, for cash, what was handed over. Handed-over money without a cash amount is refused
    (``tendered``): change is only given on cash."""
    tenders = [Tender(method, amount, tendered_fen if method == PayMethod.CASH else None)
               for method, amount in amounts.items() if amount]
    if tendered_fen and not any(x.method == PayMethod.CASH for x in tenders):
        raise ValidationError("cashier.pay.tendered_without_cash", field="tendered")
    return tenders


def series_for(prefix: str, day: date) -> str:
    return f"{prefix}{day.year}"


def format_number(series: str, seq: int) -> str:
    return f"{series}-{seq:06d}"


def _staff_name(session: Session, staff_id: int | None) -> str:
    from deskapp.services.staff import names

    return names(session, staff_id).get(staff_id or 0, "")


def get_receipt(session: Session, receipt_id: int) -> Receipt:
    receipt = session.get(Receipt, receipt_id)
    if receipt is None:
        raise NotFound("cashier.receipt.not_found")
    return receipt


# --------------------------------------------------------------------------------------
# Taking a payment
# --------------------------------------------------------------------------------------


def _check_tenders(tenders: list[Tender], total: int) -> tuple[list[Tender], int]:
    if not tenders:
        raise ValidationError("cashier.pay.no_tender", field="tenders")
    seen: set[PayMethod] = set()
    checked: list[Tender] = []
    change = 0
    for tender in tenders:
        try:
            method = PayMethod(tender.method)
        except ValueError:
            raise ValidationError("cashier.pay.bad_method", field="tenders",
                                  method=str(tender.method)) from None
        fld = f"tender_{method.value}"
        amount = check_amount(tender.amount_fen, field=fld)
        if method in seen:
            raise ValidationError("cashier.pay.duplicate_method", field=fld,
                                  method=t(f"cashier.method.{method.value}"))
        seen.add(method)
        tendered = tender.tendered_fen
        if tendered is not None:
            if method != PayMethod.CASH and tendered != amount:
                raise ValidationError("cashier.pay.tendered_cash_only", field=fld)
            tendered = check_amount(tendered, field="tendered")
            if tendered < amount:
                raise ValidationError("cashier.pay.tendered_short", field="tendered",
                                      amount=format_fen(amount), tendered=format_fen(tendered))
            change += tendered - amount
        checked.append(Tender(method, amount, tendered))
    paid = sum(x.amount_fen for x in checked)
    if paid < total:
        raise ValidationError("cashier.pay.short", field="tenders", total=format_fen(total),
                              paid=format_fen(paid), missing=format_fen(total - paid))
    if paid > total:
        raise ValidationError("cashier.pay.over", field="tenders", total=format_fen(total),
                              paid=format_fen(paid))
    return checked, change


def take_payment(session: Session, *, by: Staff, request_id: str, unit_id: int,
                 bill_ids: list[int], tenders: list[Tender], payer_name: str = "",
                 desk: str = "") -> Receipt:
    """Pay ``bill_ids`` of ``unit_id`` with ``tenders``; issue the receipt.

    Refused with nothing written and no number used: no items, an item of another unit,
    an item already paid or cancelled, a non-positive amount, tenders that do not add up
    to the items, cash tendered below the cash amount, a day already closed for ``by``.
    Saving the same ``request_id`` again returns the receipt issued the first time."""
    require_role(by, *CASHIERS)
    request_id = (request_id or "").strip()
    if not request_id or len(request_id) > 64:
        raise ValidationError("cashier.request_id.invalid", field="request_id")
    ids = list(bill_ids or [])
    existing = session.exec(select(Receipt).where(Receipt.request_id == request_id)).first()
    if existing is not None:
        paid_ids = set(session.exec(select(ReceiptLine.bill_id).where(
            ReceiptLine.receipt_id == existing.id)).all())
        if existing.unit_id != unit_id or paid_ids != set(ids):
            raise Conflict("cashier.request_id.reused", number=existing.number)
        return existing
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit.not_found")
    if not ids:
        raise ValidationError("cashier.pay.no_items", field="items")
    if len(set(ids)) != len(ids):
        raise ValidationError("cashier.pay.duplicate_item", field="items")
    bills = list(session.exec(
        select(Bill).where(Bill.id.in_(ids)).order_by(Bill.due_date, Bill.id)  # type: ignore[union-attr]
        .with_for_update()).all())
    if len(bills) != len(ids):
        raise NotFound("cashier.bill.not_found")
    for bill in bills:
        if bill.unit_id != unit.id:
            raise ValidationError("cashier.pay.other_unit", field="items", item=bill.description)
        if bill.status == BillStatus.PAID:
            number = session.exec(select(Receipt.number).where(
                Receipt.id == bill.receipt_id)).first() or ""
            raise Conflict("cashier.pay.already_paid", item=bill.description, number=number)
        if bill.status == BillStatus.CANCELLED:
            raise Conflict("cashier.pay.cancelled", item=bill.description)
    total = sum(b.amount_fen for b in bills)
    checked, change = _check_tenders(list(tenders or []), total)
    today = clock.today()
    if is_day_closed(session, by.id, today):  # type: ignore[arg-type]
        raise Conflict("cashier.day_closed", date=today.isoformat())
    payer = " ".join((payer_name or "").split())
    if not payer:
        owner = owner_of(session, unit.id)
        payer = owner.name if owner else ""
    series = series_for(RECEIPT_SERIES, today)
    seq = numbering.next_value(session, f"receipt.{series}")
    receipt = Receipt(number=format_number(series, seq), series=series, seq=seq,
                      unit_id=unit.id, unit_code=unit.code, payer_name=payer[:50],
                      total_fen=total, change_fen=change,
                      methods=",".join(x.method.value for x in checked), request_id=request_id,
                      business_date=today, issued_at=clock.now(), issued_by=by.id,  # type: ignore[arg-type]
                      desk=desk[:40])
    session.add(receipt)
    session.flush()
    for bill in bills:
        session.add(ReceiptLine(receipt_id=receipt.id, bill_id=bill.id, fee_code=bill.fee_code,  # type: ignore[arg-type]
                                kind=bill.kind, description=bill.description,
                                period=bill.period, amount_fen=bill.amount_fen))
        bill.status = BillStatus.PAID
        bill.receipt_id = receipt.id
        session.add(bill)
    for x in checked:
        session.add(ReceiptTender(receipt_id=receipt.id, method=x.method,  # type: ignore[arg-type]
                                  amount_fen=x.amount_fen, tendered_fen=x.tendered_fen,
                                  change_fen=(x.tendered_fen - x.amount_fen)
                                  if x.tendered_fen is not None else 0))
    session.flush()
    audit.record(session, by=by, action="cashier.receipt.issue", entity="receipt",
                 entity_id=receipt.id,
                 detail={"number": receipt.number, "unit": unit.code, "total_fen": total,
                         "methods": receipt.methods, "bills": [b.id for b in bills]})
    return receipt


# --------------------------------------------------------------------------------------
# Void
# --------------------------------------------------------------------------------------


def _dependents(session: Session, action: str, receipt: Receipt, *,
                origin: str = "") -> list[hooks.DocumentDependent]:
    """What the other areas say about voiding/refunding ``receipt``: refused (with what
    to do instead) when any of them vetoes; else the records they will reverse."""
    found = hooks.document_dependents(
        session, hooks.DocumentAction(action, "receipt", receipt.id, origin))  # type: ignore[arg-type]
    vetoes = [d.text for d in found if d.veto]
    if vetoes:
        raise Conflict(f"cashier.{action}.refused", number=receipt.number,
                       reasons="；".join(vetoes))
    return found


def _void_checks(session: Session, *, by: Staff, receipt_id: int
                 ) -> tuple[Receipt, list[hooks.DocumentDependent]]:
    require_role(by, Role.SUPERVISOR)
    receipt = get_receipt(session, receipt_id)
    if receipt.voided:
        raise InvalidTransition("cashier.void.already", number=receipt.number)
    if session.exec(select(Refund.id).where(Refund.receipt_id == receipt.id)).first():
        raise Conflict("cashier.void.has_refunds", number=receipt.number)
    if is_day_closed(session, receipt.issued_by, receipt.business_date):
        raise Conflict("cashier.void.day_closed", number=receipt.number,
                       date=receipt.business_date.isoformat())
    return receipt, _dependents(session, "void", receipt)


def void_receipt(session: Session, *, by: Staff, receipt_id: int, reason: str) -> Receipt:
    """A supervisor voids a mistaken receipt: it keeps its number, marked void with who,
    when and why; its bills are open again. Refused on a day already closed for the
    receipt's cashier (correct it with a refund on a later day), when refunds exist, and
    when another area vetoes (``hooks.document_dependents``: a renovation deposit still
    held on an approved filing); records of other areas that depend on the receipt are
    reversed in this same transaction (see docs/cashier.md)."""
    reason = required_reason(reason, key="cashier.void.reason_required")
    receipt, dependents = _void_checks(session, by=by, receipt_id=receipt_id)
    receipt.voided = True
    receipt.void_reason = reason
    receipt.voided_at = clock.now()
    receipt.voided_by = by.id
    session.add(receipt)
    for bill in session.exec(select(Bill).where(Bill.receipt_id == receipt.id)).all():
        bill.status = BillStatus.OPEN
        bill.receipt_id = None
        session.add(bill)
    session.flush()
    audit.record(session, by=by, action="cashier.receipt.void", entity="receipt",
                 entity_id=receipt.id,
                 detail={"number": receipt.number, "total_fen": receipt.total_fen,
                         "reason": reason})
    for dependent in dependents:
        if dependent.reverse is not None:
            dependent.reverse(session, by)
    return receipt


def _receipt_lines(session: Session, receipt: Receipt) -> list[tuple[str, str]]:
    return [
        (t("cashier.confirm.number"), receipt.number),
        (t("cashier.confirm.unit"), receipt.unit_code),
        (t("cashier.confirm.payer"), receipt.payer_name or "—"),
        (t("cashier.confirm.paid"), f"{format_fen(receipt.total_fen)}"
                                    f"（{chinese_capital(receipt.total_fen)}）"),
        (t("cashier.confirm.issued"), f"{receipt.issued_at:%Y-%m-%d %H:%M} "
                                      f"{_staff_name(session, receipt.issued_by)}"),
    ]


def void_preview(session: Session, *, by: Staff, receipt_id: int, reason: str) -> ActionPreview:
    """What voiding the receipt will do, for the confirmation (the void's own checks
    first: a refusal shows before anyone is asked to confirm)."""
    reason = required_reason(reason, key="cashier.void.reason_required")
    receipt, dependents = _void_checks(session, by=by, receipt_id=receipt_id)
    bills = session.exec(select(func.count()).select_from(Bill)
                         .where(Bill.receipt_id == receipt.id)).one()
    lines = _receipt_lines(session, receipt) + [
        (t("cashier.confirm.reason"), reason),
        (t("cashier.confirm.effect"), t("cashier.confirm.void_effect", n=int(bills))),
    ]
    return ActionPreview(t("cashier.confirm.void_title", number=receipt.number), lines,
                         [d.text for d in dependents])
