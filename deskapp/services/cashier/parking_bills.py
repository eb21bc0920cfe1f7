"""Parking fees (停车费): the monthly bill of every parking lease (月卡) a month covers.

A lease covering the whole month pays the standard's price per space; a lease that starts
or ends inside the month pays ``price × days covered ÷ days in the month``, rounded once,
HALF_UP (:func:`deskapp.money.round_half_up`). The bill's ``gen_key``
(``parking:<lease>:<YYYY-MM>``) makes a month's bill of a lease once (paid or cancelled
since, it is not made again). A pass renewed after its last month was billed in part gets
a second bill for the days added (``…:<days>``): the month's bills then add up to the
whole month's amount, rounded once.

The passes themselves (spaces, plates, renewals) are the parking desk's
(:mod:`deskapp.services.customer.parking`); :func:`parking_bill_rows` is called by
:func:`deskapp.services.cashier.fees.generate_bills`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_
from sqlmodel import Session, col, select

from deskapp.db.models import Building, Unit
from deskapp.db.models.cashier import Bill, BillStatus, FeeKind, FeeStandard, ParkingLease
from deskapp.money import round_half_up


def covered_days(lease: ParkingLease, first: date, last: date) -> int:
    """How many days of ``first``…``last`` the lease covers (0: none)."""
    start = max(lease.start_date, first)
    end = min(lease.end_date or last, last)
    return max(0, (end - start).days + 1)


def month_amount(price_fen: int, days: int, month_days: int) -> int:
    """The month's fee for ``days`` of ``month_days``: the whole price for a whole month,
    else ``price × days ÷ month_days`` rounded once, HALF_UP (exact: a true half is a
    finite decimal, anything else is never on the half)."""
    if days >= month_days:
        return price_fen
    return round_half_up(Decimal(price_fen * days) / Decimal(month_days))


@dataclass
class ParkingRows:
    rows: list[dict[str, object]] = field(default_factory=list)
    existing: int = 0
    missing: int = 0
    total_fen: int = 0


def parking_bill_rows(session: Session, *, period: str, first: date, last: date,
                      standards: Iterable[FeeStandard], done: set[str], by_id: int,
                      now: datetime, unit_id: int | None = None, building: str | None = None,
                      unit_ids: list[int] | None = None) -> ParkingRows:
    """The bill rows (for one ``insert``) of the leases overlapping ``first``…``last``,
    leaving out the ones in ``done`` (their ``gen_key`` exists) and the leases whose
    ``fee_code`` has no standard in force (counted in ``missing``)."""
    out = ParkingRows()
    by_code = {s.code: s for s in standards}
    month_days = (last - first).days + 1
    query = (select(ParkingLease, Unit.code).join(Unit, col(Unit.id) == ParkingLease.unit_id)
             .join(Building, col(Building.id) == Unit.building_id)
             .where(ParkingLease.start_date <= last,
                    or_(col(ParkingLease.end_date).is_(None), col(ParkingLease.end_date) >= first)))
    if unit_id is not None:
        query = query.where(ParkingLease.unit_id == unit_id)
    if building:
        query = query.where(Building.code == building)
    if unit_ids is not None:
        query = query.where(col(ParkingLease.unit_id).in_(unit_ids))
    leases = list(session.exec(query.order_by(col(ParkingLease.id))).all())
    billed: dict[int, tuple[int, bool]] = {}  # lease → (fen billed, any bill not cancelled)
    if leases:
        for source_id, amount, status in session.exec(
                select(Bill.source_id, Bill.amount_fen, Bill.status).where(
                    Bill.source_kind == "parking_lease", Bill.period == period,
                    col(Bill.source_id).in_([le.id for le, _ in leases]))).all():
            fen, live = billed.get(source_id or 0, (0, False))
            cancelled = status == BillStatus.CANCELLED
            billed[source_id or 0] = (fen + (0 if cancelled else amount), live or not cancelled)
    for lease, code in leases:
        days = covered_days(lease, first, last)
        std = by_code.get(lease.fee_code)
        if std is None:
            out.missing += 1
            continue
        if days <= 0:
            continue
        expected = month_amount(std.unit_price_fen, days, month_days)
        key = f"parking:{lease.id}:{period}"
        if key in done:
            fen, live = billed.get(lease.id or 0, (0, False))
            # renewed (or started earlier) since the month's bill: the days not billed yet,
            # so the month's bills add up to the month's amount, rounded once
            key = f"{key}:{days}"
            if not live or fen >= expected or key in done:
                out.existing += 1
                continue
            amount = expected - fen
        else:
            amount = expected
        part = "" if days >= month_days else f"（{days}/{month_days}）"
        label = " ".join(x for x in (std.name, lease.space_no, lease.plate, period) if x)
        quantity = (Decimal(1) if days >= month_days
                    else (Decimal(days) / Decimal(month_days)).quantize(Decimal("0.001")))
        out.rows.append(dict(
            unit_id=lease.unit_id, unit_code=code, fee_code=std.code, standard_id=std.id,
            kind=FeeKind.PARKING, period=period, description=(label + part)[:200],
            quantity=quantity, unit_price_fen=std.unit_price_fen, amount_fen=amount,
            due_date=last, status=BillStatus.OPEN, gen_key=key, source_kind="parking_lease",
            source_id=lease.id, created_at=now, created_by=by_id))
        out.total_fen += amount
    return out
