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
* :func:`refund` (supervisor) issues a new numbered document (``TK2026-000007``) against a
  receipt, never more than was paid (per bill too, when bills are named).
* After a cashier's daily close (:mod:`deskapp.services.cashier.close`) nothing dated on
  that day for that cashier may be added or voided; corrections go to a later day.

Fees and bills live in :mod:`deskapp.services.cashier.fees` (meter readings in ``meters``,
parking bills in ``parking_bills``), arrears and reminders in
:mod:`deskapp.services.cashier.arrears`, the close and reports in
:mod:`deskapp.services.cashier.close`; their public functions are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from deskapp import clock
from deskapp.db.models import Role, Staff, Unit
from deskapp.db.models.cashier import (
    Bill,
    BillStatus,
    FeeKind,
    PayMethod,
    Receipt,
    ReceiptLine,
    ReceiptTender,
    Refund,
    RefundLine,
)
from deskapp.errors import Conflict, InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.money import chinese_capital, format_fen
from deskapp.services import audit, hooks, numbering
from deskapp.services.cashier.arrears import (
    ArrearsRow,
    ArrearsTotals,
    arrears,
    arrears_count,
    arrears_totals,
    log_reminder,
    reminders_of,
    unit_owed,
)
from deskapp.services.cashier.close import (
    DENOMINATIONS_FEN,
    SIGNOFF_SETTING,
    SIGNOFF_THRESHOLD_FEN,
    CashierMonthSummary,
    DayReport,
    DaySummary,
    close_day,
    close_preview,
    day_report,
    day_summary,
    is_day_closed,
    monthly_summary,
    sign_off_close,
    signoff_threshold_from_settings,
)
from deskapp.services.cashier.fees import (
    CASHIERS,
    GenerateResult,
    LoadResult,
    StandardSpec,
    add_charge,
    cancel_bill,
    charge_item,
    check_amount,
    generate_bills,
    list_standards,
    load_standards,
    open_bills,
    parse_period,
    read_standards_file,
    required_reason,
    standard_for,
)
from deskapp.services.cashier.meters import last_reading, record_meter_reading
from deskapp.services.preview import ActionPreview
from deskapp.services.staff import require_role
from deskapp.services.units import owner_of

__all__ = [
    "DENOMINATIONS_FEN",
    "SIGNOFF_SETTING",
    "SIGNOFF_THRESHOLD_FEN",
    "ArrearsRow",
    "ArrearsTotals",
    "CashierMonthSummary",
    "DayReport",
    "DaySummary",
    "GenerateResult",
    "LoadResult",
    "PayMethod",
    "ReceiptView",
    "StandardSpec",
    "Tender",
    "add_charge",
    "arrears",
    "arrears_count",
    "arrears_totals",
    "close_day",
    "close_preview",
    "signoff_threshold_from_settings",
    "day_report",
    "day_summary",
    "get_refund",
    "log_reminder",
    "monthly_summary",
    "refund_view",
    "reminders_of",
    "sign_off_close",
    "unit_owed",
    "cancel_bill",
    "charge_item",
    "generate_bills",
    "get_receipt",
    "is_day_closed",
    "last_reading",
    "list_standards",
    "load_standards",
    "open_bills",
    "parse_period",
    "read_standards_file",
    "receipt_view",
    "record_meter_reading",
    "refund",
    "refundable",
    "refund_preview",
    "standard_for",
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


# --------------------------------------------------------------------------------------
# What a receipt shows (screen preview and PDF)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ViewLine:
    description: str
    period: str
    kind: FeeKind
    amount_fen: int


@dataclass(frozen=True)
class ViewTender:
    method: PayMethod
    amount_fen: int
    tendered_fen: int | None
    change_fen: int


@dataclass(frozen=True)
class ViewRefund:
    id: int
    number: str
    amount_fen: int
    method: PayMethod
    reason: str
    issued_at: datetime
    issued_by: str
    approved_by: str


@dataclass(frozen=True)
class ReceiptView:
    id: int
    number: str
    site_name: str
    company: str
    unit_code: str
    payer_name: str
    issued_at: datetime
    business_date: date
    cashier: str
    desk: str
    total_fen: int
    change_fen: int
    lines: list[ViewLine]
    tenders: list[ViewTender]
    voided: bool = False
    void_reason: str = ""
    voided_at: datetime | None = None
    voided_by: str = ""
    refunds: list[ViewRefund] = field(default_factory=list)

    @property
    def capital(self) -> str:
        return chinese_capital(self.total_fen)

    @property
    def refunded_fen(self) -> int:
        return sum(r.amount_fen for r in self.refunds)

    def tender_text(self) -> str:
        parts = []
        for x in self.tenders:
            text = f"{t('cashier.method.' + x.method.value)} {format_fen(x.amount_fen)}"
            if x.tendered_fen is not None:
                text += t("cashier.view.tendered", tendered=format_fen(x.tendered_fen),
                          change=format_fen(x.change_fen))
            parts.append(text)
        return "；".join(parts)


def _site(session: Session) -> tuple[str, str]:
    from deskapp.services.site import get_site

    site = get_site(session)
    return (site.name, site.company) if site else ("", "")


def receipt_view(session: Session, *, receipt_id: int) -> ReceiptView:
    receipt = get_receipt(session, receipt_id)
    lines = session.exec(select(ReceiptLine).where(ReceiptLine.receipt_id == receipt.id)
                         .order_by(ReceiptLine.id)).all()
    tenders = session.exec(select(ReceiptTender).where(ReceiptTender.receipt_id == receipt.id)
                           .order_by(ReceiptTender.id)).all()
    refunds = session.exec(select(Refund).where(Refund.receipt_id == receipt.id)
                           .order_by(Refund.id)).all()
    site_name, company = _site(session)
    return ReceiptView(
        id=receipt.id, number=receipt.number, site_name=site_name, company=company,  # type: ignore[arg-type]
        unit_code=receipt.unit_code, payer_name=receipt.payer_name,
        issued_at=receipt.issued_at, business_date=receipt.business_date,
        cashier=_staff_name(session, receipt.issued_by), desk=receipt.desk,
        total_fen=receipt.total_fen, change_fen=receipt.change_fen,
        lines=[ViewLine(x.description, x.period or "", x.kind, x.amount_fen) for x in lines],
        tenders=[ViewTender(x.method, x.amount_fen, x.tendered_fen, x.change_fen)
                 for x in tenders],
        voided=receipt.voided, void_reason=receipt.void_reason, voided_at=receipt.voided_at,
        voided_by=_staff_name(session, receipt.voided_by),
        refunds=[ViewRefund(r.id, r.number, r.amount_fen, r.method, r.reason, r.issued_at,  # type: ignore[arg-type]
                            _staff_name(session, r.issued_by),
                            _staff_name(session, r.approved_by)) for r in refunds])


@dataclass(frozen=True)
class RefundView:
    number: str
    site_name: str
    company: str
    receipt_number: str
    receipt_total_fen: int
    unit_code: str
    payer_name: str
    amount_fen: int
    method: PayMethod
    reason: str
    issued_at: datetime
    issued_by: str
    approved_by: str
    bills: list[tuple[str, int]]

    @property
    def capital(self) -> str:
        return chinese_capital(self.amount_fen)


def refund_view(session: Session, *, refund_id: int) -> RefundView:
    doc = get_refund(session, refund_id)
    receipt = get_receipt(session, doc.receipt_id)
    bills = session.exec(select(Bill.description, RefundLine.amount_fen)
                         .join(Bill, Bill.id == RefundLine.bill_id)
                         .where(RefundLine.refund_id == doc.id).order_by(RefundLine.id)).all()
    site_name, company = _site(session)
    return RefundView(number=doc.number, site_name=site_name, company=company,
                      receipt_number=receipt.number, receipt_total_fen=receipt.total_fen,
                      unit_code=doc.unit_code, payer_name=receipt.payer_name,
                      amount_fen=doc.amount_fen, method=doc.method, reason=doc.reason,
                      issued_at=doc.issued_at, issued_by=_staff_name(session, doc.issued_by),
                      approved_by=_staff_name(session, doc.approved_by),
                      bills=[(d, int(a)) for d, a in bills])
