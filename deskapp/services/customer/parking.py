"""停车 — parking spaces and monthly passes (月卡) at the desk (issue #20, part 3).

A space is owned (产权车位: a unit owns it), rented (租赁车位) or for visitors (临停, never
leased). A monthly pass is the cashier's ``ParkingLease``: one space, one plate, a unit
that pays, from ``start_date`` to ``end_date`` (its last day). The cashier bills every pass
each month it covers (:mod:`deskapp.services.cashier.parking_bills`, part months by the
day). A pass is renewed by moving its end date on, ended early with a reason, amended
(new plate, holder, phone) with a reason — never deleted; the audit log keeps who, when and
why, and the pass's card shows that history.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from deskapp import clock
from deskapp.db.models import Staff, Unit, UnitUse
from deskapp.db.models.cashier import Bill, BillStatus, FeeBasis, ParkingLease
from deskapp.db.models.parking import ParkingSpace, SpaceKind
from deskapp.errors import Conflict, InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.money import format_fen
from deskapp.services import audit
from deskapp.services.cashier.fees import standard_for
from deskapp.services.customer.common import day
from deskapp.services.customer.common import text as _text
from deskapp.services.customer.parking_common import (
    DESK_ROLES,
    FEE_CODES,
    MAX_MONTHS,
    OFFICE_FEE_CODE,
    _months,
    _phone,
    _reason,
    add_months,
    kind_label,
)
from deskapp.services.customer.parking_spaces import space_by_number
from deskapp.services.preview import ActionPreview
from deskapp.services.staff import require_role
from deskapp.validators import plate as valid_plate

# --------------------------------------------------------------------------------------
# Spaces
# --------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------
# Passes
# --------------------------------------------------------------------------------------


def _lease(session: Session, lease_id: int) -> ParkingLease:
    lease = session.get(ParkingLease, lease_id)
    if lease is None:
        raise NotFound("parking.pass.not_found")
    return lease


def _overlapping(session: Session, *, start: date, end: date | None,
                 space_id: int | None = None, plate: str | None = None,
                 other_than: int | None = None) -> ParkingLease | None:
    """A pass on the space (or for the plate) sharing a day with ``start``…``end``."""
    query = select(ParkingLease).where(
        or_(col(ParkingLease.end_date).is_(None), col(ParkingLease.end_date) >= start))
    if end is not None:
        query = query.where(ParkingLease.start_date <= end)
    if space_id is not None:
        query = query.where(ParkingLease.space_id == space_id)
    if plate is not None:
        query = query.where(ParkingLease.plate == plate)
    if other_than is not None:
        query = query.where(ParkingLease.id != other_than)
    return session.exec(query.order_by(col(ParkingLease.id))).first()


def fee_code_for(space: ParkingSpace, unit: Unit) -> str:
    """The standard a pass is billed at: the owned spaces' management fee, the office
    parking pass for an office unit's rented space, else the rented-space price."""
    if space.kind == SpaceKind.RENTED and unit.use == UnitUse.OFFICE:
        return OFFICE_FEE_CODE
    return FEE_CODES[space.kind]


def _checked_end(start: date, until: str | date | None, months: int | str | None) -> date:
    n = _months(months, field="months")
    if until not in (None, ""):
        end = day(until, field="end_date", allow_future=True)
    elif n is not None:
        end = add_months(start, n)
    else:
        raise ValidationError("parking.end_required", field="end_date")
    if end < start:
        raise ValidationError("parking.end_before_start", field="end_date")
    if end > add_months(start, MAX_MONTHS):
        raise ValidationError("parking.months_invalid", field="end_date", max=MAX_MONTHS)
    return end


@dataclass(frozen=True)
class PassPlan:
    """A checked pass, before it is saved (the form's confirmation shows it)."""

    space: ParkingSpace
    unit: Unit
    plate: str
    start: date
    end: date
    fee_code: str
    fee_name: str
    price_fen: int
    holder: str
    holder_phone: str
    note: str


def _plan(session: Session, *, by: Staff, space: str, unit_id: int | None, plate: str,
          start_date: str | date | None, end_date: str | date | None = None,
          months: int | str | None = None, holder: str = "", holder_phone: str = "",
          note: str = "") -> PassPlan:
    require_role(by, *DESK_ROLES)
    plate = valid_plate(plate or "", field="plate")
    if not str(space or "").strip():
        raise ValidationError("parking.space.required", field="space")
    found = space_by_number(session, space)
    if unit_id is None:
        raise ValidationError("parking.unit_required", field="unit")
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit.not_found")
    if not found.active:
        raise InvalidTransition("parking.space.retired", number=found.number)
    if found.kind == SpaceKind.VISITOR:
        raise InvalidTransition("parking.space.visitor", number=found.number)
    if found.kind == SpaceKind.OWNED and found.owner_unit_id != unit.id:
        owner = session.get(Unit, found.owner_unit_id) if found.owner_unit_id else None
        raise ValidationError("parking.space.not_owner", field="unit", number=found.number,
                              owner=owner.code if owner else "—")
    start = day(start_date, field="start_date", default=clock.today(), allow_future=True)
    end = _checked_end(start, end_date, months)
    taken = _overlapping(session, start=start, end=end, space_id=found.id)
    if taken is not None:
        raise Conflict("parking.space.taken", number=found.number, plate=taken.plate or "—",
                       until=taken.end_date.isoformat() if taken.end_date else "—")
    twice = _overlapping(session, start=start, end=end, plate=plate)
    if twice is not None:
        raise Conflict("parking.plate.taken", plate=plate, space=twice.space_no)
    std = standard_for(session, fee_code_for(found, unit), start)
    if std.basis != FeeBasis.PER_SPACE_MONTH:
        raise ValidationError("parking.not_monthly", field="space", name=std.name)
    return PassPlan(
        space=found, unit=unit, plate=plate, start=start, end=end, fee_code=std.code,
        fee_name=std.name, price_fen=std.unit_price_fen,
        holder=_text(holder, field="holder", label_key="parking.field.holder", max_len=50),
        holder_phone=_phone(holder_phone),
        note=_text(note, field="note", label_key="parking.field.note", max_len=200))


def issue_preview(session: Session, *, by: Staff, **values: object) -> ActionPreview:
    """What :func:`issue_pass` would save, after its checks."""
    p = _plan(session, by=by, **values)  # type: ignore[arg-type]
    return ActionPreview(t("parking.issue.title"), [
        (t("parking.field.plate"), p.plate),
        (t("parking.field.space"), f"{p.space.number} {kind_label(p.space.kind)}"),
        (t("parking.field.unit"), p.unit.code),
        (t("parking.field.period"), f"{p.start.isoformat()} ~ {p.end.isoformat()}"),
        (t("parking.field.fee"), t("parking.fee_line", name=p.fee_name,
                                   price=format_fen(p.price_fen))),
    ], notes=[t("parking.issue.note_billing")])


def issue_pass(session: Session, *, by: Staff, space: str, unit_id: int | None, plate: str,
               start_date: str | date | None = None, end_date: str | date | None = None,
               months: int | str | None = None, holder: str = "", holder_phone: str = "",
               note: str = "") -> ParkingLease:
    """A monthly pass: a leasable space in use, the unit that pays (an owned space: its
    owner), a valid plate, from ``start_date`` to ``end_date`` (or ``months`` months).
    Neither the space nor the plate may have another pass on any of those days."""
    p = _plan(session, by=by, space=space, unit_id=unit_id, plate=plate,
              start_date=start_date, end_date=end_date, months=months, holder=holder,
              holder_phone=holder_phone, note=note)
    lease = ParkingLease(unit_id=p.unit.id or 0, space_no=p.space.number, fee_code=p.fee_code,
                         start_date=p.start, end_date=p.end, note=p.note,
                         created_at=clock.now(), created_by=by.id or 0, space_id=p.space.id,
                         plate=p.plate, holder=p.holder, holder_phone=p.holder_phone)
    session.add(lease)
    session.flush()
    audit.record(session, by=by, action="parking.pass.issue", entity="parking_lease",
                 entity_id=lease.id,
                 detail={"unit": p.unit.code, "space": p.space.number, "plate": p.plate,
                         "from": p.start.isoformat(), "to": p.end.isoformat(),
                         "fee_code": p.fee_code, "holder": p.holder,
                         "phone": mask_phone(p.holder_phone) if p.holder_phone else ""})
    return lease


def _open_pass(session: Session, lease_id: int) -> ParkingLease:
    lease = _lease(session, lease_id)
    if lease.ended_at is not None:
        raise InvalidTransition("parking.pass.ended_already", plate=lease.plate or lease.space_no)
    return lease


def renew_pass(session: Session, *, by: Staff, lease_id: int, until: str | date | None = None,
               months: int | str | None = None) -> ParkingLease:
    """Move the pass's end on (``until`` or ``months`` more months after the current end).
    The days added must be free on the space and for the plate; a pass ended early is
    not renewed (issue a new one)."""
    require_role(by, *DESK_ROLES)
    lease = _open_pass(session, lease_id)
    if lease.end_date is None:
        raise InvalidTransition("parking.pass.open_ended")
    old_end = lease.end_date
    if until not in (None, "") and day(until, field="end_date", allow_future=True) <= old_end:
        raise ValidationError("parking.renew.not_later", field="end_date",
                              end=old_end.isoformat())
    new_end = _checked_end(old_end + timedelta(days=1), until, months)
    if new_end <= old_end:
        raise ValidationError("parking.renew.not_later", field="end_date",
                              end=old_end.isoformat())
    after = old_end + timedelta(days=1)
    if lease.space_id is not None:
        taken = _overlapping(session, start=after, end=new_end, space_id=lease.space_id,
                             other_than=lease.id)
        if taken is not None:
            raise Conflict("parking.space.taken", number=lease.space_no,
                           plate=taken.plate or "—", until=(taken.end_date or new_end).isoformat())
    if lease.plate:
        twice = _overlapping(session, start=after, end=new_end, plate=lease.plate,
                             other_than=lease.id)
        if twice is not None:
            raise Conflict("parking.plate.taken", plate=lease.plate, space=twice.space_no)
    lease.end_date = new_end
    session.add(lease)
    session.flush()
    audit.record(session, by=by, action="parking.pass.renew", entity="parking_lease",
                 entity_id=lease.id, detail={"plate": lease.plate, "space": lease.space_no,
                                             "from": old_end.isoformat(),
                                             "to": new_end.isoformat()})
    return lease


def _bills_after(session: Session, lease: ParkingLease, end: date) -> list[Bill]:
    """The pass's bills for months after ``end`` (made before it was ended)."""
    after = f"{end:%Y-%m}"
    return list(session.exec(select(Bill).where(
        Bill.source_kind == "parking_lease", Bill.source_id == lease.id,
        col(Bill.period) > after, Bill.status != BillStatus.CANCELLED)
        .order_by(col(Bill.period))).all())


def _over_billed(session: Session, lease: ParkingLease, end: date) -> tuple[int, int] | None:
    """(billed, due) for the end's month when its bills charge more days than the pass
    now covers (the month was billed before the pass was ended)."""
    from deskapp.services.cashier.parking_bills import month_amount

    bills = list(session.exec(select(Bill).where(
        Bill.source_kind == "parking_lease", Bill.source_id == lease.id,
        Bill.period == f"{end:%Y-%m}", Bill.status != BillStatus.CANCELLED)).all())
    if not bills or bills[0].unit_price_fen is None:
        return None
    first = end.replace(day=1)
    month_days = calendar.monthrange(end.year, end.month)[1]
    days = max(0, (end - max(lease.start_date, first)).days + 1)
    billed = sum(b.amount_fen for b in bills)
    due = month_amount(bills[0].unit_price_fen, days, month_days) if days else 0
    return (billed, due) if billed > due else None


def _end_checks(session: Session, *, by: Staff, lease_id: int, end_date: str | date | None,
                reason: str) -> tuple[ParkingLease, date, str]:
    require_role(by, *DESK_ROLES)
    lease = _open_pass(session, lease_id)
    end = day(end_date, field="end_date", default=clock.today(), allow_future=True)
    if end < lease.start_date - timedelta(days=1):
        raise ValidationError("parking.end_before_start", field="end_date")
    if lease.end_date is not None and end > lease.end_date:
        raise ValidationError("parking.end.after_end", field="end_date",
                              end=lease.end_date.isoformat())
    return lease, end, _reason(reason)


def end_preview(session: Session, *, by: Staff, lease_id: int, end_date: str | date | None,
                reason: str) -> ActionPreview:
    lease, end, reason = _end_checks(session, by=by, lease_id=lease_id, end_date=end_date,
                                     reason=reason)
    notes = [t("parking.end.bill_after", period=b.period or "", amount=format_fen(b.amount_fen),
               status=t(f"parking.bill.{b.status.value}"))
             for b in _bills_after(session, lease, end)]
    over = _over_billed(session, lease, end)
    if over is not None:
        notes.insert(0, t("parking.end.over_billed", period=f"{end:%Y-%m}",
                          billed=format_fen(over[0]), due=format_fen(over[1])))
    return ActionPreview(t("parking.end.title"), [
        (t("parking.field.plate"), lease.plate or "—"),
        (t("parking.field.space"), lease.space_no),
        (t("parking.field.end_date"), end.isoformat()),
        (t("parking.field.reason"), reason),
    ], notes=notes)


def end_pass(session: Session, *, by: Staff, lease_id: int, end_date: str | date | None,
             reason: str) -> ParkingLease:
    """End a pass early (moved out, sold the car, stopped paying), with a reason. Its last
    day is ``end_date``; the day before its start withdraws a pass not yet begun. The
    cashier bills nothing after it; bills already made for later months are named by
    :func:`end_preview` (the cashier cancels them)."""
    lease, end, reason = _end_checks(session, by=by, lease_id=lease_id, end_date=end_date,
                                     reason=reason)
    old = lease.end_date
    lease.end_date = end
    lease.ended_at = clock.now()
    lease.ended_by = by.id
    lease.end_reason = reason
    session.add(lease)
    session.flush()
    audit.record(session, by=by, action="parking.pass.end", entity="parking_lease",
                 entity_id=lease.id, detail={"plate": lease.plate, "space": lease.space_no,
                                             "was": old.isoformat() if old else "",
                                             "to": end.isoformat(), "reason": reason})
    return lease


def amend_pass(session: Session, *, by: Staff, lease_id: int, reason: str,
               plate: str | None = None, holder: str | None = None,
               holder_phone: str | None = None, note: str | None = None) -> ParkingLease:
    """Correct a pass (a new car's plate, the holder, a phone, the note) with a reason;
    the old values stay in the audit log (phones masked)."""
    require_role(by, *DESK_ROLES)
    lease = _lease(session, lease_id)
    reason = _reason(reason)
    changed: dict[str, list[str]] = {}
    if plate not in (None, ""):
        new_plate = valid_plate(plate or "", field="plate")
        if new_plate != lease.plate:
            twice = _overlapping(session, start=max(lease.start_date, clock.today()),
                                 end=lease.end_date, plate=new_plate, other_than=lease.id)
            if twice is not None:
                raise Conflict("parking.plate.taken", plate=new_plate, space=twice.space_no)
            changed["plate"] = [lease.plate, new_plate]
            lease.plate = new_plate
    if holder is not None:
        new_holder = _text(holder, field="holder", label_key="parking.field.holder", max_len=50)
        if new_holder != lease.holder:
            changed["holder"] = [lease.holder, new_holder]
            lease.holder = new_holder
    if holder_phone not in (None, ""):
        new_phone = _phone(holder_phone)
        if new_phone != lease.holder_phone:
            changed["phone"] = [mask_phone(lease.holder_phone) if lease.holder_phone else "",
                                mask_phone(new_phone)]
            lease.holder_phone = new_phone
    if note is not None:
        new_note = _text(note, field="note", label_key="parking.field.note", max_len=200)
        if new_note != lease.note:
            changed["note"] = [lease.note, new_note]
            lease.note = new_note
    if not changed:
        raise ValidationError("parking.nothing_changed", field="reason")
    session.add(lease)
    session.flush()
    audit.record(session, by=by, action="parking.pass.amend", entity="parking_lease",
                 entity_id=lease.id, detail={"space": lease.space_no, "changed": changed,
                                             "reason": reason})
    return lease


# --------------------------------------------------------------------------------------
# Reading: status, the pass's card, expiring passes, the plate search
# --------------------------------------------------------------------------------------


