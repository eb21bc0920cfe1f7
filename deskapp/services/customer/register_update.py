"""Re-importing a unit register (issue #20): the file is compared with the customer file
and the differences are listed first (:func:`compare`); :func:`apply` then makes them, all
or nothing, with one audit entry.

- a unit not yet in the database is added (with its owner, as a first import does);
- a changed area or use is updated;
- the owner's phone or ID number (same name) is updated;
- a different owner name is listed but not applied: a sale has a date and moves the old
  owner out, so it is recorded in the customer file (F11, S), never guessed from a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Occupant, OccupantKind, Staff, Unit
from deskapp.i18n import t
from deskapp.masking import mask_id, mask_phone
from deskapp.services import audit
from deskapp.services.staff import Role, require_role
from deskapp.services.unit_import import RegisterRow, read_table, validate_rows
from deskapp.services.units import add_occupant, create_unit, get_or_create_building


@dataclass(frozen=True)
class Change:
    row: int
    code: str
    kind: str  # new_unit | area | use | phone | id_number | owner_differs
    old: str
    new: str
    applied: bool = True  # owner_differs is only reported

    def text(self) -> str:
        return t(f"customer.reimport.{self.kind}", row=self.row, code=self.code, old=self.old,
                 new=self.new)


def _changes(session: Session, rows: list[RegisterRow]) -> list[Change]:
    out: list[Change] = []
    units = {u.code: u for u in session.execute(select(Unit).where(
        col(Unit.code).in_([r.code for r in rows]))).scalars()}
    for row in rows:
        unit = units.get(row.code)
        if unit is None:
            out.append(Change(row.number, row.code, "new_unit", "", row.owner or "—"))
            continue
        if unit.area != row.area:
            out.append(Change(row.number, row.code, "area", str(unit.area), str(row.area)))
        if unit.use != row.use:
            out.append(Change(row.number, row.code, "use", t(f"unit.use.{unit.use.value}"),
                              t(f"unit.use.{row.use.value}")))
        if not row.owner:
            continue
        owner = session.execute(select(Occupant).where(
            col(Occupant.unit_id) == unit.id, col(Occupant.active) == True,  # noqa: E712
            col(Occupant.kind) == OccupantKind.OWNER).order_by(col(Occupant.id))
        ).scalars().first()
        if owner is None or owner.name != row.owner:
            out.append(Change(row.number, row.code, "owner_differs",
                              owner.name if owner else "—", row.owner, applied=False))
            continue
        if row.phone and row.phone != owner.phone:
            out.append(Change(row.number, row.code, "phone",
                              mask_phone(owner.phone) if owner.phone else "—",
                              mask_phone(row.phone)))
        if row.id_number and row.id_number != owner.id_number:
            out.append(Change(row.number, row.code, "id_number",
                              mask_id(owner.id_number) if owner.id_number else "—",
                              mask_id(row.id_number)))
    return out


def _rows(session: Session, path: Path) -> list[RegisterRow]:
    path = Path(path)
    return validate_rows(session, read_table(path), file=path.name, allow_existing=True)


def compare(session: Session, *, by: Staff, path: Path) -> list[Change]:
    """What re-importing ``path`` would change (nothing is written)."""
    require_role(by, Role.SUPERVISOR)
    return _changes(session, _rows(session, path))


def apply(session: Session, *, by: Staff, path: Path) -> list[Change]:
    """Make the listed changes (all or nothing, the caller's transaction; one audit)."""
    require_role(by, Role.SUPERVISOR)
    rows = _rows(session, path)
    changes = _changes(session, rows)
    by_row = {r.number: r for r in rows}
    for change in changes:
        if not change.applied:
            continue
        row = by_row[change.row]
        if change.kind == "new_unit":
            building = get_or_create_building(session, code=row.building, floors=row.floor,
                                              name=row.building_label
                                              if row.building_label and
                                              not row.building_label.isascii() else None)
            unit = create_unit(session, building=building, entrance=row.entrance,
                               floor=row.floor, room=row.room, area=row.area, use=row.use,
                               vacant=not row.owner)
            if row.owner:
                add_occupant(session, unit=unit, name=row.owner, phone=row.phone,
                             id_number=row.id_number, moved_in=None)
            continue
        unit = session.execute(select(Unit).where(col(Unit.code) == row.code)).scalar_one()
        if change.kind == "area":
            unit.area = row.area
        elif change.kind == "use":
            unit.use = row.use
        session.add(unit)
        if change.kind in ("phone", "id_number"):
            owner = session.execute(select(Occupant).where(
                col(Occupant.unit_id) == unit.id, col(Occupant.active) == True,  # noqa: E712
                col(Occupant.kind) == OccupantKind.OWNER).order_by(col(Occupant.id))
            ).scalars().first()
            if owner is not None:
                if change.kind == "phone":
                    owner.phone, owner.phone_tail = row.phone, row.phone[-4:]
                else:
                    owner.id_number = row.id_number
                session.add(owner)
    session.flush()
    applied = [c for c in changes if c.applied]
    audit.record(session, by=by, action="unit.reimport", entity="unit",
                 detail={"file": Path(path).name, "applied": len(applied),
                         "not_applied": len(changes) - len(applied),
                         "changes": [f"{c.code} {c.kind}: {c.old} → {c.new}"
                                     for c in applied][:50],
                         "at": clock.now().isoformat()})
    return changes


