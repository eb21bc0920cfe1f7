"""Meter readings (抄表): a reading bills the consumption since the last one, at the water
or electricity standard in force on the period's first day (reading × price, rounded once,
HALF_UP). Moved out of :mod:`deskapp.services.cashier.fees` (issue #20: fees.py ≤ 500
lines).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from deskapp import clock
from deskapp.db.models import Staff
from deskapp.db.models.cashier import Bill, BillStatus, FeeKind, MeterKind, MeterReading
from deskapp.errors import Conflict, NotFound, ValidationError
from deskapp.money import multiply_rate
from deskapp.services import audit
from deskapp.services.cashier.fees import (
    CASHIERS,
    _by_scope,
    _pick,
    _unit,
    list_standards,
    parse_period,
    parse_quantity,
    period_bounds,
)
from deskapp.services.staff import require_role


def last_reading(session: Session, unit_id: int, kind: MeterKind) -> MeterReading | None:
    return session.exec(
        select(MeterReading).where(MeterReading.unit_id == unit_id, MeterReading.kind == kind,
                                   col(MeterReading.active_key).is_not(None))
        .order_by(col(MeterReading.read_on).desc(), col(MeterReading.id).desc())).first()


_METER_FEE = {MeterKind.WATER: FeeKind.WATER, MeterKind.ELECTRICITY: FeeKind.ELECTRICITY}


def record_meter_reading(session: Session, *, by: Staff, unit_id: int, kind: MeterKind,
                         period: str, value: Decimal | int | str, read_on: date | None = None,
                         meter_changed: bool = False, old_final: Decimal | int | str | None = None,
                         new_start: Decimal | int | str | None = None,
                         start_value: Decimal | int | str | None = None,
                         note: str = "") -> MeterReading:
    """Record a meter reading and bill the consumption (reading × price, rounded once).

    A reading below the previous one is refused unless ``meter_changed``: then
    ``old_final`` (the old meter's last figure, ≥ the previous reading) and ``new_start``
    (the new meter's first figure, default 0) are given and consumption is
    ``(old_final − previous) + (value − new_start)``. ``start_value`` is the baseline of a
    meter's very first reading (default 0). One reading per meter and month."""
    require_role(by, *CASHIERS)
    unit = _unit(session, unit_id)
    assert unit.id is not None and by.id is not None
    kind = MeterKind(kind)
    period = parse_period(period)
    today = clock.today()
    read_on = read_on or today
    if read_on > today:
        raise ValidationError("cashier.meter.future", field="read_on")
    reading = parse_quantity(value, field="value")
    last = last_reading(session, unit.id, kind)
    if last is not None and last.period >= period and not meter_changed:
        raise ValidationError("cashier.meter.period_order", field="period", last=last.period)
    previous = last.value if last is not None else (
        parse_quantity(start_value, field="start_value") if start_value not in (None, "")
        else Decimal(0))
    old_final_d = new_start_d = None
    if meter_changed:
        if old_final in (None, ""):
            raise ValidationError("cashier.meter.old_final_required", field="old_final")
        old_final_d = parse_quantity(old_final, field="old_final")
        if old_final_d < previous:
            raise ValidationError("cashier.meter.below_last", field="old_final",
                                  last=f"{previous:f}")
        new_start_d = (parse_quantity(new_start, field="new_start")
                       if new_start not in (None, "") else Decimal(0))
        if reading < new_start_d:
            raise ValidationError("cashier.meter.below_start", field="value",
                                  start=f"{new_start_d:f}")
        consumption = (old_final_d - previous) + (reading - new_start_d)
    else:
        if reading < previous:
            raise ValidationError("cashier.meter.below_last", field="value",
                                  last=f"{previous:f}")
        consumption = reading - previous
    key = f"{unit.id}:{kind.value}:{period}"
    if session.exec(select(MeterReading.id).where(MeterReading.active_key == key)).first():
        raise Conflict("cashier.meter.duplicate", unit=unit.code, period=period)
    scoped = _by_scope(list_standards(session, on=period_bounds(period)[0],
                                      kinds=[_METER_FEE[kind]]), _METER_FEE[kind])
    std = _pick(scoped, unit.use)
    if std is None:
        raise NotFound("cashier.meter.no_standard", kind=kind.value)
    row = MeterReading(unit_id=unit.id, kind=kind, period=period, read_on=read_on,
                       previous_value=previous, value=reading, meter_changed=meter_changed,
                       old_final=old_final_d, new_start=new_start_d, consumption=consumption,
                       active_key=key, note=" ".join(note.split())[:200],
                       created_at=clock.now(), created_by=by.id)
    session.add(row)
    session.flush()
    amount = multiply_rate(consumption, std.unit_price_fen)
    if amount > 0:
        figures = (f"{previous:f}→{old_final_d:f}, {new_start_d:f}→{reading:f}" if meter_changed
                   else f"{previous:f}→{reading:f}")
        bill = Bill(unit_id=unit.id, unit_code=unit.code, fee_code=std.code, standard_id=std.id,
                    kind=std.kind, period=period,
                    description=f"{std.name} {period}（{figures}）"[:200],
                    quantity=consumption, unit_price_fen=std.unit_price_fen, amount_fen=amount,
                    due_date=period_bounds(period)[1] if period_bounds(period)[1] > read_on
                    else read_on,
                    status=BillStatus.OPEN, source_kind="meter_reading", source_id=row.id,
                    created_at=clock.now(), created_by=by.id)
        session.add(bill)
        session.flush()
        row.bill_id = bill.id
        session.add(row)
        session.flush()
    audit.record(session, by=by, action="cashier.meter.read", entity="meter_reading",
                 entity_id=row.id,
                 detail={"unit": unit.code, "kind": kind.value, "period": period,
                         "value": f"{reading:f}", "consumption": f"{consumption:f}",
                         "meter_changed": meter_changed, "amount_fen": amount})
    return row
