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
import json
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
from deskapp.services.preview import ActionPreview
from deskapp.services.staff import Role, names, require_role
from deskapp.validators import optional_text
from deskapp.validators import phone as valid_phone
from deskapp.validators import plate as valid_plate

DESK_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST)  # passes (a supervisor passes every check)
SPACE_ROLES = (Role.SPECIALIST,)  # the site's spaces
EXPIRING_DAYS = 30
MAX_MONTHS = 36  # one issue or renewal covers at most three years
FEE_CODES = {SpaceKind.OWNED: "PK-OWNED", SpaceKind.RENTED: "PK-MONTH"}
OFFICE_FEE_CODE = "PK-OFFICE"  # a rented space leased by an office unit


def kind_label(kind: SpaceKind | str) -> str:
    return t(f"parking.kind.{SpaceKind(kind).value}")


def kind_options() -> list[tuple[str, str]]:
    return [(k.value, f"parking.kind.{k.value}") for k in SpaceKind]


def _text(value: str | None, *, field: str, label_key: str, max_len: int,
          required: bool = False) -> str:
    label = t(label_key)
    try:
        cleaned = optional_text(value or "", label, max_len) or ""
    except ValidationError as err:
        raise ValidationError(err.key, field=field, **err.params) from None
    if required and not cleaned:
        raise ValidationError("validate.text.required", field=field, label=label)
    return cleaned


def _reason(text: str | None) -> str:
    reason = _text(text, field="reason", label_key="parking.field.reason", max_len=200)
    if len(reason) < 2:
        raise ValidationError("parking.reason_required", field="reason")
    return reason


def _space_number(text: str | None) -> str:
    number = _text(text, field="number", label_key="parking.field.number", max_len=20,
                   required=True).upper().replace(" ", "")
    return number


def _phone(text: str | None) -> str:
    raw = (text or "").strip()
    return valid_phone(raw, field="holder_phone") if raw else ""


def add_months(start: date, months: int) -> date:
    """The last day of ``months`` months from ``start``: 2026-01-15 + 1 → 2026-02-14,
    2026-01-01 + 1 → 2026-01-31; a day the target month lacks gives its last day
    (2026-01-31 + 1 → 2026-02-28)."""
    year, index = divmod(start.month - 1 + months, 12)
    year += start.year
    last = calendar.monthrange(year, index + 1)[1]
    if start.day > last:
        return date(year, index + 1, last)
    return date(year, index + 1, start.day) - timedelta(days=1)


def _months(value: int | str | None, *, field: str) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_MONTHS:
        raise ValidationError("parking.months_invalid", field=field, max=MAX_MONTHS)
    return int(text)


# --------------------------------------------------------------------------------------
# Spaces
# --------------------------------------------------------------------------------------


def get_space(session: Session, space_id: int) -> ParkingSpace:
    space = session.get(ParkingSpace, space_id)
    if space is None:
        raise NotFound("parking.space.not_found")
    return space


def space_by_number(session: Session, number: str) -> ParkingSpace:
    space = session.exec(select(ParkingSpace).where(
        ParkingSpace.number == _space_number(number))).first()
    if space is None:
        raise NotFound("parking.space.unknown", number=_space_number(number))
    return space


def _owner(session: Session, kind: SpaceKind, owner_unit_id: int | None) -> Unit | None:
    if kind != SpaceKind.OWNED:
        if owner_unit_id is not None:
            raise ValidationError("parking.space.owner_only_owned", field="owner_unit")
        return None
    if owner_unit_id is None:
        raise ValidationError("parking.space.owner_required", field="owner_unit")
    unit = session.get(Unit, owner_unit_id)
    if unit is None:
        raise NotFound("unit.not_found")
    return unit


def add_space(session: Session, *, by: Staff, number: str, kind: SpaceKind | str,
              zone: str = "", floor: str = "", owner_unit_id: int | None = None,
              note: str = "") -> ParkingSpace:
    """A new space: its number is unique; an owned space names the unit that owns it."""
    require_role(by, *SPACE_ROLES)
    number = _space_number(number)
    try:
        kind = SpaceKind(kind)
    except ValueError:
        raise ValidationError("parking.space.kind_required", field="kind") from None
    zone = _text(zone, field="zone", label_key="parking.field.zone", max_len=20)
    floor = _text(floor, field="floor", label_key="parking.field.floor", max_len=10)
    note = _text(note, field="note", label_key="parking.field.note", max_len=200)
    owner = _owner(session, kind, owner_unit_id)
    if session.exec(select(ParkingSpace.id).where(ParkingSpace.number == number)).first():
        raise Conflict("parking.space.exists", number=number)
    space = ParkingSpace(number=number, kind=kind, zone=zone, floor=floor,
                         owner_unit_id=owner.id if owner else None, note=note,
                         created_by=by.id or 0, created_at=clock.now())
    session.add(space)
    session.flush()
    audit.record(session, by=by, action="parking.space.add", entity="parking_space",
                 entity_id=space.id, detail={"number": number, "kind": kind.value,
                                             "zone": zone, "floor": floor,
                                             "owner": owner.code if owner else ""})
    return space


def amend_space(session: Session, *, by: Staff, space_id: int, reason: str,
                zone: str | None = None, floor: str | None = None,
                kind: SpaceKind | str | None = None, owner_unit_id: int | None = None,
                active: bool | None = None) -> ParkingSpace:
    """Correct a space (zone, floor, kind, owner) or take it out of use, with a reason.
    A space with a pass running today keeps its kind and stays in use."""
    require_role(by, *SPACE_ROLES)
    space = get_space(session, space_id)
    reason = _reason(reason)
    before = {"zone": space.zone, "floor": space.floor, "kind": space.kind.value,
              "owner_unit_id": space.owner_unit_id, "active": space.active}
    new_kind = SpaceKind(kind) if kind not in (None, "") else space.kind
    running = current_pass(session, space.id or 0) is not None
    if running and (new_kind != space.kind or active is False):
        raise InvalidTransition("parking.space.in_use", number=space.number)
    owner = _owner(session, new_kind, owner_unit_id if new_kind == SpaceKind.OWNED else None)
    if zone is not None:
        space.zone = _text(zone, field="zone", label_key="parking.field.zone", max_len=20)
    if floor is not None:
        space.floor = _text(floor, field="floor", label_key="parking.field.floor", max_len=10)
    space.kind = new_kind
    space.owner_unit_id = owner.id if owner else None
    if active is not None:
        space.active = active
    after = {"zone": space.zone, "floor": space.floor, "kind": space.kind.value,
             "owner_unit_id": space.owner_unit_id, "active": space.active}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changed:
        raise ValidationError("parking.nothing_changed", field="reason")
    session.add(space)
    session.flush()
    audit.record(session, by=by, action="parking.space.amend", entity="parking_space",
                 entity_id=space.id, detail={"number": space.number, "changed": changed,
                                             "reason": reason})
    return space


def current_pass(session: Session, space_id: int, on: date | None = None) -> ParkingLease | None:
    on = on or clock.today()
    return session.exec(select(ParkingLease).where(
        ParkingLease.space_id == space_id, ParkingLease.start_date <= on,
        or_(col(ParkingLease.end_date).is_(None), col(ParkingLease.end_date) >= on))).first()


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


def pass_status(lease: ParkingLease, today: date | None = None) -> str:
    """``ended`` (ended early), ``expired``, ``future``, ``expiring`` (≤ 30 days left)
    or ``active``."""
    today = today or clock.today()
    if lease.ended_at is not None:
        return "ended"
    if lease.end_date is not None and lease.end_date < today:
        return "expired"
    if lease.start_date > today:
        return "future"
    if lease.end_date is not None and lease.end_date <= today + timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return "active"


@dataclass(frozen=True)
class PassCard:
    lease: ParkingLease
    unit_code: str
    space: ParkingSpace | None
    fee_name: str
    bills: list[Bill]
    history: list[str]

    def lines(self) -> list[str]:
        le = self.lease
        sp = self.space
        where = " ".join(x for x in (sp.zone, sp.floor) if x) if sp else ""
        out = [
            f"{le.plate or '—'}  {le.space_no}  {t('parking.status.' + pass_status(le))}",
            t("parking.card.space", kind=kind_label(sp.kind) if sp else "—", where=where or "—"),
            t("parking.card.unit", unit=self.unit_code, holder=le.holder or "—",
              phone=mask_phone(le.holder_phone) if le.holder_phone else "—"),
            t("parking.card.period", start=le.start_date.isoformat(),
              end=le.end_date.isoformat() if le.end_date else "—"),
            t("parking.card.fee", name=self.fee_name or le.fee_code),
        ]
        if le.ended_at is not None:
            out.append(t("parking.card.ended", reason=le.end_reason))
        if le.note:
            out.append(le.note)
        if self.bills:
            out.append(t("parking.card.bills"))
            out.extend(f"  {b.period}  {format_fen(b.amount_fen):>10}  "
                       f"{t('parking.bill.' + b.status.value)}" for b in self.bills)
        if self.history:
            out.append(t("parking.card.history"))
            out.extend(f"  {h}" for h in self.history)
        return out


def _history_line(action: str, at_text: str, who: str, detail: dict[str, object]) -> str:
    what = t(f"parking.audit.{action.rsplit('.', 1)[-1]}")
    extra = ""
    if "to" in detail and action.endswith(("renew", "end", "issue")):
        extra = f" → {detail['to']}"
    if "changed" in detail and isinstance(detail["changed"], dict):
        extra = " " + "，".join(f"{k}: {v[0] or '—'}→{v[1] or '—'}"
                               for k, v in detail["changed"].items())
    if detail.get("reason"):
        extra += f"（{detail['reason']}）"
    return f"{at_text} {who} {what}{extra}"


def card(session: Session, lease_id: int) -> PassCard:
    from deskapp.db.models.cashier import FeeStandard

    lease = _lease(session, lease_id)
    unit = session.get(Unit, lease.unit_id)
    space = session.get(ParkingSpace, lease.space_id) if lease.space_id else None
    fee = session.exec(select(FeeStandard.name).where(
        FeeStandard.code == lease.fee_code)).first()
    bills = list(session.exec(select(Bill).where(
        Bill.source_kind == "parking_lease", Bill.source_id == lease.id)
        .order_by(col(Bill.period).desc())).all())[:6]
    entries = audit.entries_for(session, entity="parking_lease", entity_id=lease.id)
    who = names(session, *(e.staff_id for e in entries))
    history = []
    for e in entries:
        try:
            detail = json.loads(e.detail) if e.detail else {}
        except ValueError:
            detail = {}
        history.append(_history_line(e.action, e.at.strftime("%Y-%m-%d %H:%M"),
                                     who.get(e.staff_id or 0, ""), detail))
    return PassCard(lease, unit.code if unit else "", space, fee or "", bills, history)


@dataclass(frozen=True)
class PlateHit:
    lease_id: int
    plate: str
    space_no: str
    unit_code: str
    holder: str
    phone_masked: str
    start: date
    end: date | None
    status: str


def find_plate(session: Session, text: str, *, limit: int = 20) -> list[PlateHit]:
    """Passes whose plate contains ``text`` (``京A·12`` and ``a12`` both work), the
    current ones first; the holder's phone masked."""
    import unicodedata

    needle = "".join(c for c in unicodedata.normalize("NFKC", text or "").upper()
                     if c.isalnum())
    if len(needle) < 2:
        raise ValidationError("parking.search.short", field="plate")
    rows = session.exec(select(ParkingLease, Unit.code)
                        .join(Unit, col(Unit.id) == ParkingLease.unit_id)
                        .where(col(ParkingLease.plate).contains(needle))
                        .order_by(col(ParkingLease.start_date).desc()).limit(limit * 3)).all()
    hits = [PlateHit(le.id or 0, le.plate, le.space_no, code, le.holder,
                     mask_phone(le.holder_phone) if le.holder_phone else "", le.start_date,
                     le.end_date, pass_status(le)) for le, code in rows]
    order = {"active": 0, "expiring": 0, "future": 1, "expired": 2, "ended": 3}
    return sorted(hits, key=lambda h: order[h.status])[:limit]


def expiring(session: Session, *, within_days: int = EXPIRING_DAYS,
             today: date | None = None) -> list[tuple[ParkingLease, str]]:
    """Passes ending in the next ``within_days`` days (not ended early), soonest first,
    with their unit's code."""
    today = today or clock.today()
    return [(le, code) for le, code in session.exec(
        select(ParkingLease, Unit.code).join(Unit, col(Unit.id) == ParkingLease.unit_id)
        .where(col(ParkingLease.ended_at).is_(None), col(ParkingLease.end_date) >= today,
               col(ParkingLease.end_date) <= today + timedelta(days=within_days))
        .order_by(col(ParkingLease.end_date), col(ParkingLease.id))).all()]
