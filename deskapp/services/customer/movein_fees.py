"""入伙 fees (issue #20 part 2): months of property fee billed and paid through the cashier\nin one receipt, with the preview the confirm dialog shows."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from deskapp.db.models import Staff, Unit
from deskapp.db.models.movein import (
    MoveIn,
    MoveInStatus,
)
from deskapp.errors import Conflict, InvalidTransition, ValidationError
from deskapp.i18n import t
from deskapp.money import format_fen
from deskapp.services import audit
from deskapp.services.customer.movein import _open, get
from deskapp.services.customer.movein_common import DESK_ROLES, MAX_MONTHS, _count
from deskapp.services.staff import require_role


def _fee_periods(start: date, months: int) -> list[str]:
    out = []
    year, month = start.year, start.month
    for _ in range(months):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _fee_request(session: Session, movein_id: int, months: str | int, method: str, *,
                 lock: bool = False) -> tuple[MoveIn, Any, list[str]]:
    """The checks of a fee collection: the move-in open and unpaid, 1–24 months, a known
    way to pay; returns the move-in, the pay method and the months."""
    from deskapp.db.models.cashier import PayMethod

    mv = _open(session, movein_id) if lock else get(session, movein_id)
    if mv.status != MoveInStatus.OPEN:
        raise InvalidTransition("movein.completed_already", number=mv.number)
    if mv.receipt_id is not None:
        raise Conflict("movein.fees.paid_already", receipt=mv.receipt_no)
    n = _count(months, field="months", most=MAX_MONTHS)
    if n == 0:
        raise ValidationError("movein.fees.months", field="months", most=MAX_MONTHS)
    try:
        pay = PayMethod(method)
    except ValueError:
        raise ValidationError("movein.fees.method", field="method") from None
    return mv, pay, _fee_periods(mv.moved_in_on, n)


def collect_fees(session: Session, *, by: Staff, movein_id: int, request_id: str,
                 months: str | int, method: str, tendered_fen: int | None = None,
                 payer_name: str = "") -> MoveIn:
    """The first fees: ``months`` of property fee from the move-in month, billed by the
    cashier's fee standards (:func:`generate_bills`) and paid at once — one receipt.
    Months already paid are not billed again; nothing to pay is refused."""
    require_role(by, *DESK_ROLES)
    from deskapp.db.models.cashier import Bill, BillStatus, FeeKind, PayMethod
    from deskapp.services.cashier.fees import generate_bills
    from deskapp.services.cashier.payments import Tender, take_payment

    mv, pay, periods = _fee_request(session, movein_id, months, method, lock=True)
    for period in periods:
        generate_bills(session, by=by, period=period, unit_id=mv.unit_id,
                       kinds=[FeeKind.PROPERTY])
    bills = list(session.execute(select(Bill).where(
        col(Bill.unit_id) == mv.unit_id, col(Bill.kind) == FeeKind.PROPERTY,
        col(Bill.status) == BillStatus.OPEN, col(Bill.period).in_(periods))
        .order_by(col(Bill.period))).scalars())
    if not bills:
        raise ValidationError("movein.fees.nothing", field="months")
    total = sum(b.amount_fen for b in bills)
    if pay == PayMethod.CASH:
        tender = Tender(pay, total, tendered_fen if tendered_fen is not None else total)
    elif tendered_fen:
        raise ValidationError("cashier.pay.tendered_without_cash", field="tendered")
    else:
        tender = Tender(pay, total)
    receipt = take_payment(session, by=by, request_id=request_id, unit_id=mv.unit_id,
                           bill_ids=[b.id or 0 for b in bills], tenders=[tender],
                           payer_name=payer_name or mv.owner_name)
    mv.receipt_id, mv.receipt_no, mv.fees_fen = receipt.id, receipt.number, total
    session.add(mv)
    session.flush()
    audit.record(session, by=by, action="movein.fees", entity="movein", entity_id=mv.id,
                 detail={"receipt": receipt.number, "total_fen": total, "periods": periods})
    return mv


def fees_preview(session: Session, *, by: Staff, movein_id: int, months: str | int,
                 method: str, **_: Any) -> Any:
    """What :func:`collect_fees` will take: the months, each month's property fee (months
    already billed are paid at their bill's amount, months already paid are skipped) and
    the total — checked the same way first."""
    from deskapp.db.models.cashier import Bill, BillStatus, FeeKind
    from deskapp.services.cashier.fees import property_fee
    from deskapp.services.preview import ActionPreview

    require_role(by, *DESK_ROLES)
    mv, pay, periods = _fee_request(session, movein_id, months, method)
    billed = {b.period: b for b in session.execute(select(Bill).where(
        col(Bill.unit_id) == mv.unit_id, col(Bill.kind) == FeeKind.PROPERTY,
        col(Bill.period).in_(periods), col(Bill.status) != BillStatus.CANCELLED)).scalars()}
    total, due = 0, []
    for period in periods:
        bill = billed.get(period)
        if bill is not None and bill.status == BillStatus.PAID:
            continue
        amount = bill.amount_fen if bill is not None else property_fee(
            session, unit_id=mv.unit_id, period=period)
        if amount:
            total += amount
            due.append(period)
    if not due:
        raise ValidationError("movein.fees.nothing", field="months")
    unit = session.get(Unit, mv.unit_id)
    return ActionPreview(t("movein.fees.title", number=mv.number), [
        (t("movein.col.unit"), unit.code if unit else ""),
        (t("movein.fees.periods"), f"{due[0]} — {due[-1]}（{len(due)}）"),
        (t("movein.fees.total"), format_fen(total)),
        (t("movein.field.method"), t(f"cashier.method.{pay.value}")),
    ])
