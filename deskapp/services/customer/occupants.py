"""客户档案 over time: occupants added, edited, moved in and out with dates, and sales.

An ``Occupant`` row is one person's stay at a unit. Moving out sets ``moved_out`` and
clears ``active``; nothing is deleted, so the unit card shows who lived there when. An
owner leaves by a sale (:func:`transfer`): the old owners (and co-owners) move out on the
transfer date, the new owner moves in on it, and what the cashier says the unit owed on
that day is recorded with the old owners' names — those bills stay theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Occupant, OccupantKind, Staff, Unit
from deskapp.db.models.customer import OwnershipTransfer
from deskapp.errors import InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_id, mask_phone
from deskapp.money import format_fen
from deskapp.services import audit, hooks, units
from deskapp.services.customer import cards
from deskapp.services.customer.common import day
from deskapp.services.listing import AnySelect, FilterSpec, ListColumn, ListRow, SqlListSource
from deskapp.services.preview import ActionPreview
from deskapp.services.staff import Role, require_role
from deskapp.validators import has_visible, optional_text, resident_id
from deskapp.validators import phone as any_phone

DESK_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST)
OWNERS = (OccupantKind.OWNER, OccupantKind.CO_OWNER)
KIND_ORDER = case({k.value: n for n, k in enumerate(
    (OccupantKind.OWNER, OccupantKind.CO_OWNER, OccupantKind.TENANT, OccupantKind.FAMILY,
     OccupantKind.EMERGENCY))}, value=Occupant.kind, else_=9)
"""Owners first, then co-owners, tenants, family, emergency contacts."""


def kind_label(kind: OccupantKind | str) -> str:
    return t(f"occupant.{OccupantKind(kind).value}")


def kind_options() -> list[tuple[str, str]]:
    return [(k.value, f"occupant.{k.value}") for k in OccupantKind]


def _name(value: str) -> str:
    name = (value or "").strip()
    if not has_visible(name):
        raise ValidationError("unit.occupant.name_required", field="name")
    if len(name) > 50:
        raise ValidationError("customer.name_too_long", field="name")
    return name


def _phone(value: str, field: str) -> str:
    value = (value or "").strip()
    return any_phone(value, field=field) if value else ""


def _id_number(value: str | None) -> str | None:
    value = (value or "").strip()
    return resident_id(value, field="id_number") if value else None


def _unit(session: Session, unit_id: int | None) -> Unit:
    if unit_id is None:
        raise ValidationError("customer.unit_required", field="unit")
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit.not_found")
    return unit


def _occupant(session: Session, occupant_id: int) -> Occupant:
    occ = session.get(Occupant, occupant_id)
    if occ is None:
        raise NotFound("customer.occupant_not_found")
    return occ


def add(session: Session, *, by: Staff, unit_id: int | None, name: str,
        kind: OccupantKind | str = OccupantKind.TENANT, phone: str = "", other_phone: str = "",
        id_number: str | None = None, moved_in: str | date | None = None) -> Occupant:
    """Add a person to a unit (moving in on ``moved_in``, default today). An owner is
    added by a sale (:func:`transfer`) when the unit already has one."""
    require_role(by, *DESK_ROLES)
    unit = _unit(session, unit_id)
    try:
        kind = OccupantKind(kind)
    except ValueError:
        raise ValidationError("customer.kind_required", field="kind") from None
    name = _name(name)
    phone, phone2 = _phone(phone, "phone"), _phone(other_phone, "other_phone")
    id_no = _id_number(id_number)
    moved_in_day = day(moved_in, field="moved_in", default=clock.today())
    if kind == OccupantKind.OWNER and units.owner_of(session, unit.id or 0) is not None:
        raise ValidationError("customer.owner_exists", field="kind", unit=unit.code)
    occ = units.add_occupant(session, unit=unit, name=name, phone=phone, kind=kind,
                             id_number=id_no, moved_in=moved_in_day, phone2=phone2)
    if unit.vacant and kind in (OccupantKind.OWNER, OccupantKind.TENANT, OccupantKind.FAMILY):
        unit.vacant = False
        session.add(unit)
    audit.record(session, by=by, action="occupant.create", entity="occupant", entity_id=occ.id,
                 detail={"unit": unit.code, "name": occ.name, "kind": kind.value,
                         "phone": mask_phone(phone) if phone else "",
                         "moved_in": moved_in_day.isoformat()})
    return occ


def edit(session: Session, *, by: Staff, occupant_id: int, name: str, phone: str = "",
         other_phone: str = "", id_number: str | None = None) -> Occupant:
    """Correct a name, phones or ID number; the audit says what changed (masked). An
    empty ID number keeps the one on file (the form never shows it unmasked)."""
    require_role(by, *DESK_ROLES)
    occ = _occupant(session, occupant_id)
    new = {"name": _name(name), "phone": _phone(phone, "phone"),
           "phone2": _phone(other_phone, "other_phone"),
           "id_number": _id_number(id_number) or occ.id_number}
    changed: dict[str, str] = {}
    masks = {"phone": mask_phone, "phone2": mask_phone, "id_number": mask_id}
    for key, value in new.items():
        old = getattr(occ, key)
        if (old or None) != (value or None):
            show = masks.get(key, str)
            changed[key] = f"{show(old) if old else ''} → {show(value) if value else ''}"
            setattr(occ, key, value)
    if not changed:
        raise ValidationError("customer.nothing_changed", field="name")
    occ.initials, occ.spelling = units.pinyin_keys(occ.name)
    occ.phone_tail = occ.phone[-4:] if occ.phone else ""
    session.add(occ)
    session.flush()
    unit = session.get(Unit, occ.unit_id)
    audit.record(session, by=by, action="occupant.edit", entity="occupant", entity_id=occ.id,
                 detail={"unit": unit.code if unit else "", **changed})
    return occ


def _check_move_out(session: Session, occ: Occupant, moved_out: str | date | None) -> date:
    if not occ.active:
        raise InvalidTransition("customer.already_moved_out", name=occ.name)
    if occ.kind == OccupantKind.OWNER:
        raise InvalidTransition("customer.owner_leaves_by_sale", name=occ.name)
    left = day(moved_out, field="moved_out", default=clock.today())
    if occ.moved_in is not None and left < occ.moved_in:
        raise ValidationError("customer.out_before_in", field="moved_out",
                              moved_in=occ.moved_in.isoformat())
    return left


def move_out_preview(session: Session, *, by: Staff, occupant_id: int,
                     moved_out: str | date | None = None) -> ActionPreview:
    require_role(by, *DESK_ROLES)
    occ = _occupant(session, occupant_id)
    left = _check_move_out(session, occ, moved_out)
    unit = session.get(Unit, occ.unit_id)
    card_note = cards.leaver_note(session, [occ])
    return ActionPreview(t("customer.move_out.title"), [
        (t("customer.col.unit"), unit.code if unit else ""),
        (t("customer.col.name"), f"{occ.name}（{kind_label(occ.kind)}）"),
        (t("customer.col.moved_in"), occ.moved_in.isoformat() if occ.moved_in else "—"),
        (t("customer.col.moved_out"), left.isoformat()),
    ], notes=[t("customer.move_out.note")] + ([card_note] if card_note else []))


def move_out(session: Session, *, by: Staff, occupant_id: int,
             moved_out: str | date | None = None) -> Occupant:
    """A tenant, family member or contact leaves on ``moved_out`` (kept in the history)."""
    require_role(by, *DESK_ROLES)
    occ = _occupant(session, occupant_id)
    left = _check_move_out(session, occ, moved_out)
    occ.moved_out = left
    occ.active = False
    session.add(occ)
    session.flush()
    cards.end_for_leavers(session, by=by, people=[occ])
    unit = session.get(Unit, occ.unit_id)
    audit.record(session, by=by, action="occupant.move_out", entity="occupant",
                 entity_id=occ.id, detail={"unit": unit.code if unit else "", "name": occ.name,
                                           "moved_out": left.isoformat()})
    return occ


# -- sale (过户) ---------------------------------------------------------------------------


def _old_owners(session: Session, unit_id: int) -> list[Occupant]:
    return list(session.execute(select(Occupant).where(
        col(Occupant.unit_id) == unit_id, col(Occupant.active) == True,  # noqa: E712
        col(Occupant.kind).in_(OWNERS)).order_by(KIND_ORDER, col(Occupant.id))).scalars().all())


@dataclass(frozen=True)
class _Sale:
    unit: Unit
    when: date
    name: str
    phone: str
    id_number: str | None
    note: str
    old: list[Occupant]
    owed_fen: int


def _check_sale(session: Session, *, unit_id: int | None, transfer_date: str | date | None,
                name: str, phone: str, id_number: str | None, note: str) -> _Sale:
    from deskapp.services.cashier.arrears import unit_owed  # the cashier's arrears, not ours

    unit = _unit(session, unit_id)
    when = day(transfer_date, field="transfer_date", default=clock.today())
    name = _name(name)
    phone = _phone(phone, "phone")
    id_no = _id_number(id_number)
    note = optional_text(note or "", t("customer.field.note"), 200) or ""
    old = _old_owners(session, unit.id or 0)
    for occ in old:
        if occ.moved_in is not None and when < occ.moved_in:
            raise ValidationError("customer.sale_before_owner", field="transfer_date",
                                  name=occ.name, moved_in=occ.moved_in.isoformat())
        if occ.name == name and (not id_no or occ.id_number == id_no):
            raise ValidationError("customer.sale_same_owner", field="name", name=name)
    owed = unit_owed(session, unit.id or 0, as_of=min(when, clock.today()))
    return _Sale(unit, when, name, phone, id_no, note, old, owed)


def transfer_preview(session: Session, *, by: Staff, unit_id: int | None,
                     transfer_date: str | date | None, name: str, phone: str = "",
                     id_number: str | None = None, note: str = "") -> ActionPreview:
    require_role(by, *DESK_ROLES)
    sale = _check_sale(session, unit_id=unit_id, transfer_date=transfer_date, name=name,
                       phone=phone, id_number=id_number, note=note)
    notes = [t("customer.sale.note_history")]
    card_note = cards.leaver_note(session, sale.old)
    if card_note:
        notes.append(card_note)
    if sale.owed_fen:
        notes.insert(0, t("customer.sale.arrears", amount=format_fen(sale.owed_fen),
                          date=sale.when.isoformat()))
    return ActionPreview(t("customer.sale.title"), [
        (t("customer.col.unit"), sale.unit.code),
        (t("customer.sale.old"), "、".join(o.name for o in sale.old) or "—"),
        (t("customer.sale.new"), sale.name),
        (t("customer.field.transfer_date"), sale.when.isoformat()),
    ], notes=notes)


def transfer(session: Session, *, by: Staff, unit_id: int | None,
             transfer_date: str | date | None, name: str, phone: str = "",
             id_number: str | None = None, note: str = "") -> OwnershipTransfer:
    """Record a sale: old owners and co-owners move out, the new owner moves in, on the
    transfer date; the arrears owed that day are recorded as the old owners'."""
    require_role(by, *DESK_ROLES)
    sale = _check_sale(session, unit_id=unit_id, transfer_date=transfer_date, name=name,
                       phone=phone, id_number=id_number, note=note)
    for occ in sale.old:
        occ.active = False
        occ.moved_out = sale.when
        session.add(occ)
    session.flush()
    cards.end_for_leavers(session, by=by, people=sale.old)
    new = units.add_occupant(session, unit=sale.unit, name=sale.name, phone=sale.phone,
                             kind=OccupantKind.OWNER, id_number=sale.id_number,
                             moved_in=sale.when)
    record = OwnershipTransfer(unit_id=sale.unit.id or 0, transfer_date=sale.when,
                               old_owners="、".join(o.name for o in sale.old)[:200],
                               new_owner_id=new.id or 0, arrears_fen=sale.owed_fen,
                               note=sale.note, created_by=by.id or 0, created_at=clock.now())
    session.add(record)
    session.flush()
    audit.record(session, by=by, action="occupant.transfer", entity="cust_transfer",
                 entity_id=record.id,
                 detail={"unit": sale.unit.code, "date": sale.when.isoformat(),
                         "old": record.old_owners, "new": sale.name,
                         "arrears_fen": sale.owed_fen})
    return record


# -- the unit card ------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitCard:
    unit_id: int
    code: str
    detail: str
    flags: list[str]
    current: list[Occupant]
    past: list[Occupant]
    transfers: list[OwnershipTransfer]


def unit_card(session: Session, unit_id: int) -> UnitCard:
    unit = _unit(session, unit_id)
    rows = list(session.execute(select(Occupant).where(col(Occupant.unit_id) == unit.id).order_by(
        KIND_ORDER, col(Occupant.moved_in), col(Occupant.id))).scalars().all())
    transfers = list(session.execute(select(OwnershipTransfer).where(
        col(OwnershipTransfer.unit_id) == unit.id)
        .order_by(col(OwnershipTransfer.transfer_date).desc(), col(OwnershipTransfer.id).desc())
    ).scalars().all())
    flags = [f.text for f in hooks.unit_flags(session, [unit.id or 0]).get(unit.id or 0, [])]
    detail = t("unit.detail.line", floor=unit.floor, area=unit.area,
               use=t("unit.use." + unit.use.value))
    past = sorted((o for o in rows if not o.active),
                  key=lambda o: (o.moved_out or date.min, o.id or 0), reverse=True)
    return UnitCard(unit.id or 0, unit.code, detail, flags, [o for o in rows if o.active],
                    past, transfers)


def get_occupant(session: Session, occupant_id: int) -> Occupant:
    return _occupant(session, occupant_id)


class OccupantSource(SqlListSource):
    """Everyone in the customer file (or one unit's people: the fixed filter ``unit``),
    current first; phones and ID numbers masked."""

    columns = [
        ListColumn("unit", "customer.col.unit", 11, priority=0),
        ListColumn("name", "customer.col.name", 10, priority=0),
        ListColumn("kind", "customer.col.kind", 10, priority=1, fits=("occupant.",)),
        ListColumn("phone", "customer.col.phone", 13, priority=2),
        ListColumn("id_number", "customer.col.id_number", 18, priority=5),
        ListColumn("moved_in", "customer.col.moved_in", 10, priority=4),
        ListColumn("moved_out", "customer.col.moved_out", 10, priority=3),
    ]
    model = Occupant
    order_by = (col(Occupant.active).desc(), col(Unit.code).asc(), KIND_ORDER.asc(),
                col(Occupant.id).desc())
    search_like_columns = (col(Occupant.name), col(Occupant.initials), col(Unit.code),
                           col(Occupant.phone_tail))

    def __init__(self) -> None:
        self.filters = [
            FilterSpec("status", "customer.filter.status", "choice",
                       [("current", t("customer.status.current")),
                        ("past", t("customer.status.past"))]),
            FilterSpec("kind", "customer.col.kind", "choice",
                       [(k.value, kind_label(k)) for k in OccupantKind]),
        ]
        self.filter_columns = {"kind": col(Occupant.kind)}

    def filter_clause(self, key: str, value: object) -> Any:
        if key == "unit":
            return Occupant.unit_id == int(str(value))
        if key == "status":
            return Occupant.active == (value == "current")
        return super().filter_clause(key, value)

    def select(self) -> AnySelect:
        return select(Occupant, col(Unit.code)).join(Unit, col(Unit.id) == Occupant.unit_id)

    def to_row(self, item: Any) -> ListRow:
        occ: Occupant = item[0]
        return ListRow(occ.id or 0, (
            item[1], occ.name, kind_label(occ.kind),
            mask_phone(occ.phone) if occ.phone else "",
            mask_id(occ.id_number) if occ.id_number else "",
            occ.moved_in.isoformat() if occ.moved_in else "",
            occ.moved_out.isoformat() if occ.moved_out else "",
        ), "" if occ.active else "muted")

