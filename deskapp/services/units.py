"""Buildings, units and occupants; the search behind the one unit picker.

A query finds units by room code (``3-1-1201``, ``1201``), occupant name (any part),
pinyin initials (``zs`` → 张三) or full pinyin prefix, and the last four digits of a phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from deskapp.db.models import Building, Occupant, OccupantKind, Staff, Unit, UnitUse
from deskapp.errors import NotFound, ValidationError
from deskapp.masking import mask_phone
from deskapp.services import audit
from deskapp.services.staff import Role, require_role
from deskapp.validators import has_visible, mobile_phone, resident_id
from deskapp.validators import phone as any_phone

DEFAULT_LIMIT = 50


def pinyin_keys(name: str) -> tuple[str, str]:
    """张三 → ("zs", "zhangsan"); Latin names are kept lower-case. pypinyin (about 55 MB
    of dictionary) is imported on the first name written, not at login (issue #17)."""
    from pypinyin import Style, lazy_pinyin

    initials = "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER) if p).lower()
    spelling = "".join(lazy_pinyin(name)).lower().replace(" ", "")
    return initials[:20], spelling[:100]


def unit_code(building: str, entrance: str, room: str) -> str:
    return f"{building}-{entrance}-{room}" if entrance else f"{building}-{room}"


def get_or_create_building(session: Session, *, code: str, name: str | None = None,
                           floors: int = 0) -> Building:
    b = session.exec(select(Building).where(Building.code == code)).first()
    if b is None:
        b = Building(code=code, name=name or f"{code}号楼", floors=floors,
                     sort=int(code) if code.isdigit() else 999)
        session.add(b)
        session.flush()
    elif floors > b.floors:
        b.floors = floors
        session.add(b)
    return b


def create_unit(session: Session, *, building: Building, entrance: str, floor: int, room: str,
                area: Decimal, use: UnitUse = UnitUse.RESIDENCE, vacant: bool = False) -> Unit:
    assert building.id is not None
    unit = Unit(building_id=building.id, entrance=entrance, floor=floor, room=room,
                code=unit_code(building.code, entrance, room), area=area, use=use, vacant=vacant)
    session.add(unit)
    session.flush()
    return unit


def add_occupant(session: Session, *, unit: Unit, name: str, phone: str = "",
                 kind: OccupantKind = OccupantKind.OWNER, id_number: str | None = None,
                 moved_in: date | None = None, phone2: str = "") -> Occupant:
    assert unit.id is not None
    occ = Occupant(**occupant_values(unit_id=unit.id, name=name, phone=phone, kind=kind,
                                     id_number=id_number, moved_in=moved_in, phone2=phone2))
    session.add(occ)
    session.flush()
    return occ


def occupant_values(*, unit_id: int, name: str, phone: str = "",
                    kind: OccupantKind = OccupantKind.OWNER, id_number: str | None = None,
                    moved_in: date | None = None, phone2: str = "") -> dict[str, Any]:
    """An occupant's columns, checked and normalised (name, phones, ID number, pinyin
    keys): what :func:`add_occupant` writes, for a bulk insert (the demo build)."""
    name = name.strip()
    if not has_visible(name):  # empty, or zero-width characters only
        raise ValidationError("unit.occupant.name_required", field="name")
    phone = any_phone(phone) if phone else ""
    phone2 = any_phone(phone2) if phone2 else ""
    id_number = resident_id(id_number) if id_number else None
    initials, spelling = pinyin_keys(name)
    return {"unit_id": unit_id, "kind": kind, "name": name, "initials": initials,
            "spelling": spelling, "phone": phone, "phone_tail": phone[-4:] if phone else "",
            "phone2": phone2, "id_number": id_number, "moved_in": moved_in}


def register_occupant(session: Session, *, by: Staff, unit_id: int, name: str, phone: str,
                      kind: OccupantKind = OccupantKind.OWNER, id_number: str | None = None,
                      moved_in: date | None = None) -> Occupant:
    """Desk action: add an owner or tenant to the customer file (validated, audited)."""
    require_role(by, Role.RECEPTIONIST, Role.SPECIALIST)
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit.not_found")
    if phone:
        phone = mobile_phone(phone) if len(re.sub(r"\D", "", phone)) == 11 else any_phone(phone)
    occ = add_occupant(session, unit=unit, name=name, phone=phone, kind=kind,
                       id_number=id_number, moved_in=moved_in)
    audit.record(session, by=by, action="occupant.create", entity="occupant", entity_id=occ.id,
                 detail={"unit": unit.code, "name": occ.name, "phone": mask_phone(occ.phone)})
    return occ


@dataclass(frozen=True)
class UnitHit:
    """One row of the unit picker: a unit and (if any) the matching/primary occupant."""

    unit_id: int
    code: str
    building: str
    floor: int
    area: Decimal
    use: UnitUse
    vacant: bool
    occupant_id: int | None
    occupant_name: str
    occupant_kind: OccupantKind | None
    phone: str  # full number; mask before showing in a list

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone) if self.phone else ""


_ROOM_RE = re.compile(r"^[0-9A-Za-z]+(?:[-－—][0-9A-Za-z]+){0,2}$")


def _normalise_query(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKC", text).strip()
    text = text.replace("栋", "-").replace("号楼", "-").replace("单元", "-").replace("室", "")
    return re.sub(r"-+", "-", text).strip("-")


def search_units(session: Session, query: str, *, limit: int = DEFAULT_LIMIT) -> list[UnitHit]:
    """The unit picker's search. Empty query → first units in building order."""
    q = _normalise_query(query)
    base = (
        select(Unit, Building.code, Occupant)
        .join(Building, col(Building.id) == Unit.building_id)
        .outerjoin(Occupant, (col(Occupant.unit_id) == Unit.id)
                   & (col(Occupant.active) == True))  # noqa: E712
    )
    conditions: list[ColumnElement[bool]] = []
    if q:
        lowered = q.lower()
        if _ROOM_RE.match(q):
            conditions.append(col(Unit.code).like(f"{q}%"))
            if "-" not in q:
                conditions.append(col(Unit.room) == q)
        if q.isdigit() and len(q) == 4:
            conditions.append(col(Occupant.phone_tail) == q)
        if q.isdigit() and len(q) == 11:
            conditions.append(col(Occupant.phone) == q)
        if lowered.isascii() and lowered.isalpha():
            conditions.append(col(Occupant.initials).like(f"{lowered}%"))
            if len(lowered) >= 3:
                conditions.append(col(Occupant.spelling).like(f"{lowered}%"))
        if not q.isascii():
            conditions.append(col(Occupant.name).like(f"%{q}%"))
        if not conditions:
            return []
        base = base.where(or_(*conditions))
    rows = session.exec(
        base.order_by(col(Building.sort), col(Building.code), col(Unit.entrance),
                      col(Unit.floor), col(Unit.room), col(Occupant.kind), col(Occupant.id))
        .limit(limit * 3)
    ).all()
    hits: list[UnitHit] = []
    seen: set[int] = set()
    for unit, bcode, occ in rows:
        assert unit.id is not None
        if unit.id in seen:
            continue
        seen.add(unit.id)
        hits.append(UnitHit(unit_id=unit.id, code=unit.code, building=bcode, floor=unit.floor,
                            area=unit.area, use=unit.use, vacant=unit.vacant,
                            occupant_id=occ.id if occ else None,
                            occupant_name=occ.name if occ else "",
                            occupant_kind=occ.kind if occ else None,
                            phone=occ.phone if occ else ""))
        if len(hits) >= limit:
            break
    return hits


def get_unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit.not_found")
    return unit


def find_unit_by_code(session: Session, code: str) -> Unit | None:
    return session.exec(select(Unit).where(Unit.code == _normalise_query(code))).first()


def occupants_of(session: Session, unit_id: int, *, active_only: bool = True) -> list[Occupant]:
    query = select(Occupant).where(Occupant.unit_id == unit_id)
    if active_only:
        query = query.where(Occupant.active == True)  # noqa: E712
    return list(session.exec(query.order_by(col(Occupant.kind), col(Occupant.id))).all())


def owner_of(session: Session, unit_id: int) -> Occupant | None:
    return session.exec(
        select(Occupant).where(Occupant.unit_id == unit_id, Occupant.active == True,  # noqa: E712
                               col(Occupant.kind) == OccupantKind.OWNER).order_by(col(Occupant.id))
    ).first()


def list_buildings(session: Session) -> list[Building]:
    return list(session.exec(
        select(Building).order_by(col(Building.sort), col(Building.code))).all())
