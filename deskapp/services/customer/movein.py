"""入伙 / 交付 — a unit handed over to its owner (issue #20 part 2, SPEC §10).

A move-in is started for a unit (owner, move-in date) and copies the site's checklist
(:class:`MoveInItem`: inspection points and documents to sign, edited by a supervisor).
While it is open the desk records, in any order and as often as needed:

* the inspection (验房): every point checked; a defect opens a repair work order through
  the reception's :func:`~deskapp.services.reception.workorders.create_work_order`;
* the keys handed over (钥匙移交), by kind and count;
* the first meter readings: water and electricity go to the cashier's meters
  (:func:`~deskapp.services.cashier.meters.record_meter_reading`, the reading as the
  meter's baseline, so nothing is billed for what was used before); gas is kept here;
* the documents signed (业主公约, 装修须知 …);
* the first fees: months of property fee billed and paid through the cashier (one
  receipt, the cashier's ledger).

It is completed when every point was inspected, keys were handed over and every document
signed. A completed move-in is amended with a reason (who/when/why in the audit log),
never deleted. Its date starts the renovation refund's "lived in for 3 months" rule
(:func:`moved_in_on`). Open move-ins, and defects whose work order is still open, are
listed at the shift handover.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Staff, Unit
from deskapp.db.models.movein import (
    KeyKind,
    MoveIn,
    MoveInCheck,
    MoveInItemKind,
    MoveInKey,
    MoveInStatus,
)
from deskapp.db.models.reception import WorkOrder, WorkOrderCategory, WorkOrderUrgency
from deskapp.errors import Conflict, InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.services import audit
from deskapp.services.customer.common import day
from deskapp.services.customer.common import text as _text
from deskapp.services.customer.movein_checklist import checklist
from deskapp.services.customer.movein_common import DESK_ROLES, MAX_KEYS, _count, _phone, _reading
from deskapp.services.numbering import next_value
from deskapp.services.staff import require_role
from deskapp.services.units import owner_of

# --------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------
# The site's checklist (a supervisor edits it)
# --------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------
# The move-in
# --------------------------------------------------------------------------------------


def get(session: Session, movein_id: int, *, lock: bool = False) -> MoveIn:
    stmt = select(MoveIn).where(col(MoveIn.id) == movein_id)
    if lock:
        stmt = stmt.with_for_update()
    found = session.execute(stmt).scalars().first()
    if found is None:
        raise NotFound("movein.not_found")
    return found


def _open(session: Session, movein_id: int) -> MoveIn:
    mv = get(session, movein_id, lock=True)
    if mv.status != MoveInStatus.OPEN:
        raise InvalidTransition("movein.completed_already", number=mv.number)
    return mv


def _checks(session: Session, movein_id: int,
            kind: MoveInItemKind | None = None) -> list[MoveInCheck]:
    stmt = select(MoveInCheck).where(col(MoveInCheck.movein_id) == movein_id)
    if kind is not None:
        stmt = stmt.where(col(MoveInCheck.kind) == kind)
    return list(session.execute(stmt.order_by(col(MoveInCheck.kind), col(MoveInCheck.sort),
                                              col(MoveInCheck.id))).scalars())


def start(session: Session, *, by: Staff, unit_id: int, moved_in_on: str | date | None = None,
          owner_name: str = "", owner_phone: str = "", note: str = "") -> MoveIn:
    """Start a unit's move-in (date default today, never in the future; owner default the
    unit's owner on file). One open move-in per unit."""
    require_role(by, *DESK_ROLES)
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit.not_found")
    when = day(moved_in_on, field="moved_in_on", default=clock.today())
    owner = owner_of(session, unit_id)
    name = _text(owner_name, field="owner_name", label_key="movein.field.owner_name",
                 max_len=50) or (owner.name if owner else "")
    if not name:
        raise ValidationError("validate.text.required", field="owner_name",
                              label=t("movein.field.owner_name"))
    phone = _phone(owner_phone, field="owner_phone") or \
        (owner.phone if owner and owner.name == name else "")
    note = _text(note, field="note", label_key="movein.field.note", max_len=200)
    pending = session.execute(select(col(MoveIn.number)).where(
        col(MoveIn.unit_id) == unit_id, col(MoveIn.status) == MoveInStatus.OPEN)).scalars().first()
    if pending:
        raise Conflict("movein.open_exists", unit=unit.code, number=pending)
    items = checklist(session)
    if not any(i.kind == MoveInItemKind.INSPECT for i in items):
        raise Conflict("movein.no_checklist")
    now = clock.now()
    number = f"RH{now:%Y%m}-{next_value(session, f'movein:{now:%Y%m}'):04d}"
    mv = MoveIn(number=number, unit_id=unit_id, owner_name=name, owner_phone=phone,
                moved_in_on=when, note=note, created_by=by.id or 0, created_at=now)
    session.add(mv)
    session.flush()
    for item in items:
        session.add(MoveInCheck(movein_id=mv.id or 0, item_id=item.id or 0, kind=item.kind,
                                name=item.name, sort=item.sort))
    session.flush()
    audit.record(session, by=by, action="movein.start", entity="movein", entity_id=mv.id,
                 detail={"number": number, "unit": unit.code, "owner": name,
                         "phone": mask_phone(phone) if phone else "",
                         "moved_in_on": when.isoformat()})
    return mv


def record_inspection(session: Session, *, by: Staff, movein_id: int,
                      defects: Mapping[int, str],
                      category: WorkOrderCategory | str = WorkOrderCategory.OTHER) -> list[WorkOrder]:
    """The inspection: ``defects`` maps each inspection line (``MoveInCheck.id``) to what
    is wrong (empty: fine). Every line is then inspected; each new defect opens a repair
    work order for the unit (returned). A line whose defect already has a work order keeps
    it (the order is followed up in reception)."""
    require_role(by, *DESK_ROLES)
    from deskapp.services.reception.workorders import WorkOrderCreate, create_work_order

    mv = _open(session, movein_id)
    lines = _checks(session, movein_id, MoveInItemKind.INSPECT)
    known = {c.id for c in lines}
    unknown = [k for k in defects if k not in known]
    if unknown:
        raise NotFound("movein.check.not_found")
    orders: list[WorkOrder] = []
    cleaned = {c.id: _text(defects.get(c.id or 0, ""), field=f"defect_{c.id}",
                           label_key="movein.field.defect", max_len=200) for c in lines}
    for check in lines:
        text = cleaned[check.id]
        check.done = True
        if check.work_order_id is None:
            check.defect = text
            if text:
                order = create_work_order(session, by=by, contact_id=None, data=WorkOrderCreate(
                    category=WorkOrderCategory(category), urgency=WorkOrderUrgency.NORMAL,
                    description=t("movein.defect.description", number=mv.number,
                                  item=check.name, defect=text),
                    unit_id=mv.unit_id, requester_name=mv.owner_name,
                    requester_phone=mv.owner_phone))
                check.work_order_id = order.id
                orders.append(order)
        session.add(check)
    session.flush()
    audit.record(session, by=by, action="movein.inspect", entity="movein", entity_id=mv.id,
                 detail={"defects": {c.name: c.defect for c in lines if c.defect},
                         "work_orders": [o.number for o in orders]})
    return orders


def set_keys(session: Session, *, by: Staff, movein_id: int,
             counts: Mapping[str, str | int]) -> list[MoveInKey]:
    """The keys handed over, a count per kind (``KeyKind`` value → count, 0–20)."""
    require_role(by, *DESK_ROLES)
    mv = _open(session, movein_id)
    return _write_keys(session, by=by, mv=mv, counts=counts, action="movein.keys")


def _write_keys(session: Session, *, by: Staff, mv: MoveIn, counts: Mapping[str, str | int],
                action: str, reason: str = "") -> list[MoveInKey]:
    parsed: dict[KeyKind, int] = {}
    for raw, value in counts.items():
        try:
            kind = KeyKind(raw)
        except ValueError:
            raise ValidationError("movein.key.kind_invalid", field="keys") from None
        parsed[kind] = _count(value, field=f"key_{kind.value}", most=MAX_KEYS)
    if not any(parsed.values()):
        raise ValidationError("movein.keys.none", field=f"key_{KeyKind.DOOR.value}")
    rows = {k.kind: k for k in session.execute(select(MoveInKey).where(
        col(MoveInKey.movein_id) == mv.id)).scalars()}
    before = {k.value: r.count for k, r in rows.items()}
    out = []
    for kind, n in parsed.items():
        row = rows.get(kind) or MoveInKey(movein_id=mv.id or 0, kind=kind)
        row.count = n
        session.add(row)
        out.append(row)
    session.flush()
    detail: dict[str, Any] = {"keys": {k.value: n for k, n in parsed.items()},
                              "before": before}
    if reason:
        detail["reason"] = reason
    audit.record(session, by=by, action=action, entity="movein", entity_id=mv.id,
                 detail=detail)
    return out


def record_meters(session: Session, *, by: Staff, movein_id: int,
                  water: str | Decimal | None = None, power: str | Decimal | None = None,
                  gas: str | Decimal | None = None) -> MoveIn:
    """The first readings. Water and electricity become the cashier's meter readings of
    this month (the figure as the meter's baseline when it has none); each is recorded
    once. Gas stays on the move-in (the cashier does not bill gas)."""
    require_role(by, *DESK_ROLES)
    from deskapp.db.models.cashier import MeterKind
    from deskapp.services.cashier.meters import record_meter_reading

    mv = _open(session, movein_id)
    values = {"water": _reading(water, field="water"), "power": _reading(power, field="power"),
              "gas": _reading(gas, field="gas")}
    if all(v is None for v in values.values()):
        raise ValidationError("movein.meters.none", field="water")
    period = f"{clock.today():%Y-%m}"
    for name, kind in (("water", MeterKind.WATER), ("power", MeterKind.ELECTRICITY)):
        value = values[name]
        if value is None:
            continue
        if getattr(mv, f"{name}_reading_id") is not None:
            raise Conflict("movein.meter.recorded", meter=t(f"movein.field.{name}"),
                           value=f"{getattr(mv, f'{name}_reading'):f}")
        reading = record_meter_reading(
            session, by=by, unit_id=mv.unit_id, kind=kind, period=period, value=value,
            read_on=min(mv.moved_in_on, clock.today()) if mv.moved_in_on.strftime("%Y-%m")
            == period else clock.today(), start_value=value,
            note=t("movein.meter.note", number=mv.number))
        setattr(mv, f"{name}_reading", value)
        setattr(mv, f"{name}_reading_id", reading.id)
    if values["gas"] is not None:
        mv.gas_reading = values["gas"]
    session.add(mv)
    session.flush()
    audit.record(session, by=by, action="movein.meters", entity="movein", entity_id=mv.id,
                 detail={k: f"{v:f}" for k, v in values.items() if v is not None})
    return mv


def sign_documents(session: Session, *, by: Staff, movein_id: int,
                   signed: Mapping[int, bool]) -> list[MoveInCheck]:
    """Which documents the owner has signed (``MoveInCheck.id`` → signed)."""
    require_role(by, *DESK_ROLES)
    mv = _open(session, movein_id)
    lines = {c.id: c for c in _checks(session, movein_id, MoveInItemKind.DOCUMENT)}
    if any(k not in lines for k in signed):
        raise NotFound("movein.check.not_found")
    for check_id, value in signed.items():
        lines[check_id].done = bool(value)
        session.add(lines[check_id])
    session.flush()
    audit.record(session, by=by, action="movein.documents", entity="movein", entity_id=mv.id,
                 detail={"signed": [c.name for c in lines.values() if c.done],
                         "unsigned": [c.name for c in lines.values() if not c.done]})
    return list(lines.values())


def missing(session: Session, mv: MoveIn) -> list[str]:
    """What the move-in still needs before it is completed (each named)."""
    out = []
    checks = _checks(session, mv.id or 0)
    if any(not c.done for c in checks if c.kind == MoveInItemKind.INSPECT):
        out.append(t("movein.missing.inspection"))
    keys = session.execute(select(func.coalesce(func.sum(MoveInKey.count), 0)).where(
        col(MoveInKey.movein_id) == mv.id)).scalar_one()
    if not keys:
        out.append(t("movein.missing.keys"))
    unsigned = [c.name for c in checks if c.kind == MoveInItemKind.DOCUMENT and not c.done]
    if unsigned:
        out.append(t("movein.missing.documents", items="、".join(unsigned)))
    return out


def complete(session: Session, *, by: Staff, movein_id: int) -> MoveIn:
    """The unit is handed over: refused while a point is not inspected, no key was handed
    over or a document is unsigned (all named). Defects may still be under repair."""
    require_role(by, *DESK_ROLES)
    mv = _open(session, movein_id)
    gaps = missing(session, mv)
    if gaps:
        raise Conflict("movein.complete.missing", items="；".join(gaps))
    mv.status = MoveInStatus.COMPLETED
    mv.completed_by, mv.completed_at = by.id, clock.now()
    session.add(mv)
    session.flush()
    audit.record(session, by=by, action="movein.complete", entity="movein", entity_id=mv.id,
                 detail={"number": mv.number, "moved_in_on": mv.moved_in_on.isoformat()})
    return mv


def amend(session: Session, *, by: Staff, movein_id: int, reason: str,
          moved_in_on: str | date | None = None, owner_name: str | None = None,
          owner_phone: str | None = None, keys: Mapping[str, str | int] | None = None,
          note: str | None = None) -> MoveIn:
    """Correct a completed move-in (its date, owner, keys, note) with a reason; the old
    and new values go to the audit log. Readings, inspection and fees are corrected where
    they live (the cashier voids, the work order)."""
    require_role(by, *DESK_ROLES)
    mv = get(session, movein_id, lock=True)
    if mv.status != MoveInStatus.COMPLETED:
        raise InvalidTransition("movein.amend.open", number=mv.number)
    reason = _text(reason, field="reason", label_key="movein.field.reason", max_len=200,
                   required=True)
    changes: dict[str, list[str]] = {}
    if moved_in_on not in (None, ""):
        new_day = day(moved_in_on, field="moved_in_on")
        if new_day != mv.moved_in_on:
            changes["moved_in_on"] = [mv.moved_in_on.isoformat(), new_day.isoformat()]
            mv.moved_in_on = new_day
    if owner_name is not None:
        name = _text(owner_name, field="owner_name", label_key="movein.field.owner_name",
                     max_len=50, required=True)
        if name != mv.owner_name:
            changes["owner_name"] = [mv.owner_name, name]
            mv.owner_name = name
    if owner_phone not in (None, ""):
        phone = _phone(owner_phone, field="owner_phone")
        if phone != mv.owner_phone:
            changes["owner_phone"] = [mask_phone(mv.owner_phone), mask_phone(phone)]
            mv.owner_phone = phone
    if note is not None:
        text = _text(note, field="note", label_key="movein.field.note", max_len=200)
        if text != mv.note:
            changes["note"] = [mv.note, text]
            mv.note = text
    key_changed = False
    if keys is not None:
        current = {k.kind.value: k.count for k in session.execute(select(MoveInKey).where(
            col(MoveInKey.movein_id) == mv.id)).scalars()}
        wanted = {KeyKind(k).value if k in KeyKind._value2member_map_ else k:
                  _count(v, field=f"key_{k}", most=MAX_KEYS) for k, v in keys.items()}
        key_changed = any(current.get(k, 0) != n for k, n in wanted.items())
    if not changes and not key_changed:
        raise ValidationError("movein.amend.nothing", field="reason")
    mv.amended_by, mv.amended_at, mv.amend_reason = by.id, clock.now(), reason
    session.add(mv)
    session.flush()
    if key_changed and keys is not None:
        _write_keys(session, by=by, mv=mv, counts=keys, action="movein.amend.keys",
                    reason=reason)
    if changes:
        audit.record(session, by=by, action="movein.amend", entity="movein", entity_id=mv.id,
                     detail={"reason": reason, "changes": changes})
    return mv


def amend_preview(session: Session, *, by: Staff, movein_id: int, reason: str,
                  **changes: Any) -> Any:
    """What an amendment will change, for the confirm dialog."""
    from deskapp.services.preview import ActionPreview

    require_role(by, *DESK_ROLES)
    mv = get(session, movein_id)
    if mv.status != MoveInStatus.COMPLETED:
        raise InvalidTransition("movein.amend.open", number=mv.number)
    _text(reason, field="reason", label_key="movein.field.reason", max_len=200, required=True)
    lines = [(t("movein.col.number"), mv.number), (t("movein.field.reason"), reason)]
    if changes.get("moved_in_on"):
        lines.append((t("movein.field.moved_in_on"),
                      f"{mv.moved_in_on.isoformat()} → {changes['moved_in_on']}"))
    if changes.get("owner_name") and changes["owner_name"] != mv.owner_name:
        lines.append((t("movein.field.owner_name"),
                      f"{mv.owner_name} → {changes['owner_name']}"))
    return ActionPreview(t("movein.amend.title", number=mv.number), lines)


def moved_in_on(session: Session, unit_id: int) -> date | None:
    """The date the unit's latest completed move-in says its owner moved in (None: no
    move-in recorded). The renovation refund counts its 3 months lived in from it."""
    return session.execute(select(col(MoveIn.moved_in_on)).where(
        col(MoveIn.unit_id) == unit_id, col(MoveIn.status) == MoveInStatus.COMPLETED)
        .order_by(col(MoveIn.moved_in_on).desc(), col(MoveIn.id).desc())).scalars().first()
