"""Parking spaces (issue #20 part 3): the site's spaces — owned by a unit, rented, visitor —\nadded and amended by a specialist with a reason."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, col, select

from deskapp import clock
from deskapp.db.models import Staff, Unit
from deskapp.db.models.cashier import ParkingLease
from deskapp.db.models.parking import ParkingSpace, SpaceKind
from deskapp.errors import Conflict, InvalidTransition, NotFound, ValidationError
from deskapp.services import audit
from deskapp.services.customer.common import text as _text
from deskapp.services.customer.parking_common import SPACE_ROLES, _reason, _space_number
from deskapp.services.staff import require_role


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
