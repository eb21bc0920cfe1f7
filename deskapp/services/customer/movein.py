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
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session, col

from deskapp import clock
from deskapp.db.models import Role, Staff, Unit
from deskapp.db.models.movein import (
    KeyKind,
    MoveIn,
    MoveInCheck,
    MoveInItem,
    MoveInItemKind,
    MoveInKey,
    MoveInStatus,
)
from deskapp.db.models.reception import WorkOrder, WorkOrderCategory, WorkOrderUrgency
from deskapp.errors import Conflict, InvalidTransition, NotFound, ValidationError
from deskapp.i18n import t
from deskapp.masking import mask_phone
from deskapp.money import format_fen
from deskapp.services import audit
from deskapp.services.customer.common import day
from deskapp.services.hooks import (
    DocumentAction,
    DocumentDependent,
    HandoverContext,
    OpenItem,
    RecordRef,
)
from deskapp.services.listing import FilterSpec, ListColumn, ListRow, SqlListSource
from deskapp.services.numbering import next_value
from deskapp.services.staff import names, require_role
from deskapp.services.units import owner_of
from deskapp.validators import optional_text
from deskapp.validators import phone as any_phone

DESK_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST)
MAX_KEYS = 20  # of one kind
MAX_MONTHS = 24  # property fee collected in advance at a move-in


# --------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------


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


def _phone(value: str | None, *, field: str) -> str:
    text = (value or "").strip()
    return any_phone(text, field=field) if text else ""


def _reading(value: str | Decimal | int | None, *, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip().replace("，", "").replace(",", ""))
    except ArithmeticError:
        raise ValidationError("movein.reading.invalid", field=field,
                              text=str(value).strip()) from None
    if not number.is_finite() or number < 0 or number >= Decimal("1e10"):
        raise ValidationError("movein.reading.invalid", field=field, text=str(value).strip())
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError("movein.reading.places", field=field)
    return number.quantize(Decimal("0.01"))


def _count(value: str | int | None, *, field: str, most: int) -> int:
    text = str(value if value is not None else "").strip()
    if not text:
        return 0
    if not text.isdigit() or int(text) > most:
        raise ValidationError("movein.count.invalid", field=field, most=most, text=text)
    return int(text)


def key_label(kind: KeyKind | str) -> str:
    return t(f"movein.key.{KeyKind(kind).value}")


# --------------------------------------------------------------------------------------
# The site's checklist (a supervisor edits it)
# --------------------------------------------------------------------------------------


def checklist(session: Session, *, kind: MoveInItemKind | None = None,
              active_only: bool = True) -> list[MoveInItem]:
    stmt = select(MoveInItem)
    if kind is not None:
        stmt = stmt.where(col(MoveInItem.kind) == kind)
    if active_only:
        stmt = stmt.where(col(MoveInItem.active).is_(True))
    return list(session.execute(stmt.order_by(col(MoveInItem.kind), col(MoveInItem.sort),
                                              col(MoveInItem.id))).scalars())


def add_item(session: Session, *, by: Staff, kind: MoveInItemKind | str,
             name: str) -> MoveInItem:
    """A supervisor adds an inspection point or a document to the site's checklist."""
    require_role(by, Role.SUPERVISOR)
    try:
        kind = MoveInItemKind(kind)
    except ValueError:
        raise ValidationError("movein.item.kind_required", field="item_kind") from None
    name = _text(name, field="item_name", label_key="movein.field.item_name", max_len=50,
                 required=True)
    same = session.execute(select(MoveInItem).where(
        col(MoveInItem.kind) == kind, col(MoveInItem.name) == name)).scalars().first()
    if same is not None and same.active:
        raise Conflict("movein.item.exists", name=name)
    last = session.execute(select(func.max(MoveInItem.sort)).where(
        col(MoveInItem.kind) == kind)).scalar_one()
    if same is not None:  # a retired line comes back rather than a second of the same name
        item = same
        item.active = True
    else:
        item = MoveInItem(kind=kind, name=name, sort=(last or 0) + 10)
    item.updated_by, item.updated_at = by.id, clock.now()
    session.add(item)
    session.flush()
    audit.record(session, by=by, action="movein.item.add", entity="movein_item",
                 entity_id=item.id, detail={"kind": kind.value, "name": name})
    return item


def retire_item(session: Session, *, by: Staff, item_id: int) -> MoveInItem:
    """A supervisor takes a line off the checklist (kept: move-ins made with it keep it)."""
    require_role(by, Role.SUPERVISOR)
    item = session.get(MoveInItem, item_id)
    if item is None:
        raise NotFound("movein.item.not_found")
    if not item.active:
        raise InvalidTransition("movein.item.retired_already", name=item.name)
    item.active = False
    item.updated_by, item.updated_at = by.id, clock.now()
    session.add(item)
    session.flush()
    audit.record(session, by=by, action="movein.item.retire", entity="movein_item",
                 entity_id=item.id, detail={"kind": item.kind.value, "name": item.name})
    return item


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


# --------------------------------------------------------------------------------------
# Reading it back
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoveInDetail:
    movein: MoveIn
    unit_code: str
    checks: list[MoveInCheck]
    keys: list[MoveInKey]
    orders: dict[int, WorkOrder]
    staff: dict[int, str]
    gaps: list[str]

    @property
    def inspections(self) -> list[MoveInCheck]:
        return [c for c in self.checks if c.kind == MoveInItemKind.INSPECT]

    @property
    def documents(self) -> list[MoveInCheck]:
        return [c for c in self.checks if c.kind == MoveInItemKind.DOCUMENT]

    def key_text(self) -> str:
        return "、".join(f"{key_label(k.kind)}×{k.count}" for k in self.keys if k.count) or "—"

    def meter_text(self) -> str:
        m = self.movein
        parts = [f"{t('movein.field.' + name)} {value:f}" for name, value in
                 (("water", m.water_reading), ("power", m.power_reading),
                  ("gas", m.gas_reading)) if value is not None]
        return "，".join(parts) or "—"

    def defect_lines(self) -> list[str]:
        from deskapp.services.reception.workorders import status_label

        out = []
        for c in self.inspections:
            if not c.defect:
                continue
            order = self.orders.get(c.work_order_id or 0)
            state = f"{order.number} {status_label(order.status)}" if order else "—"
            out.append(t("movein.line.defect", item=c.name, defect=c.defect, order=state))
        return out

    def lines(self) -> list[str]:
        m = self.movein
        out = [f"{m.number}  {self.unit_code}  {t('movein.status.' + m.status.value)}",
               t("movein.line.owner", name=m.owner_name,
                 phone=mask_phone(m.owner_phone) if m.owner_phone else "",
                 date=m.moved_in_on.isoformat())]
        inspected = [c for c in self.inspections if c.done]
        out.append(t("movein.line.inspection", done=len(inspected),
                     total=len(self.inspections),
                     defects=sum(1 for c in self.inspections if c.defect)))
        out.extend(self.defect_lines())
        out.append(t("movein.line.keys", keys=self.key_text()))
        out.append(t("movein.line.meters", meters=self.meter_text()))
        signed = [c.name for c in self.documents if c.done]
        out.append(t("movein.line.documents", done=len(signed), total=len(self.documents),
                     items="、".join(signed) or "—"))
        out.append(t("movein.line.fees", amount=format_fen(m.fees_fen), receipt=m.receipt_no)
                   if m.receipt_id else t("movein.line.no_fees"))
        out.append(t("movein.line.by", name=self.staff.get(m.created_by, ""),
                     at=m.created_at.strftime("%Y-%m-%d %H:%M")))
        if m.completed_at:
            out.append(t("movein.line.completed", name=self.staff.get(m.completed_by or 0, ""),
                         at=m.completed_at.strftime("%Y-%m-%d %H:%M")))
        if m.amended_at:
            out.append(t("movein.line.amended", name=self.staff.get(m.amended_by or 0, ""),
                         at=m.amended_at.strftime("%Y-%m-%d %H:%M"), reason=m.amend_reason))
        if m.note:
            out.append(m.note)
        if m.status == MoveInStatus.OPEN and self.gaps:
            out.append(t("movein.line.missing", items="；".join(self.gaps)))
        return out


def detail(session: Session, movein_id: int) -> MoveInDetail:
    mv = get(session, movein_id)
    unit = session.get(Unit, mv.unit_id)
    checks = _checks(session, movein_id)
    keys = list(session.execute(select(MoveInKey).where(col(MoveInKey.movein_id) == movein_id)
                                .order_by(col(MoveInKey.id))).scalars())
    order_ids = [c.work_order_id for c in checks if c.work_order_id]
    orders = {o.id or 0: o for o in session.execute(select(WorkOrder).where(
        col(WorkOrder.id).in_(order_ids))).scalars()} if order_ids else {}
    staff = names(session, mv.created_by, mv.completed_by, mv.amended_by)
    return MoveInDetail(mv, unit.code if unit else "", checks, keys, orders, staff,
                        missing(session, mv))


def open_items(session: Session, ctx: HandoverContext) -> list[OpenItem]:
    """Move-ins still being handled, and defects of a move-in still under repair."""
    from deskapp.services.reception.workorders import OPEN_STATES

    items = []
    for mv, code in session.execute(
        select(MoveIn, col(Unit.code)).join(Unit, col(Unit.id) == MoveIn.unit_id)
        .where(col(MoveIn.status) == MoveInStatus.OPEN).order_by(col(MoveIn.created_at))
    ).all():
        items.append(OpenItem("movein.section", t(
            "movein.open.started", number=mv.number, unit=code,
            since=mv.created_at.strftime("%m-%d %H:%M")),
            RecordRef("movein", mv.id or 0), mv.created_at, False))
    for check, mv, order in session.execute(
        select(MoveInCheck, MoveIn, WorkOrder)
        .join(MoveIn, col(MoveIn.id) == MoveInCheck.movein_id)
        .join(WorkOrder, col(WorkOrder.id) == MoveInCheck.work_order_id)
        .where(col(WorkOrder.status).in_(OPEN_STATES)).order_by(col(WorkOrder.created_at))
    ).all():
        items.append(OpenItem("movein.section", t(
            "movein.open.defect", number=mv.number, unit=order.unit_code, item=check.name,
            order=order.number), RecordRef("movein", mv.id or 0), order.created_at, False))
    return items


def receipt_dependents(session: Session, action: DocumentAction) -> list[DocumentDependent]:
    """Voiding the receipt of a move-in's first fees clears it from the move-in (the fees
    can then be collected again); a refund leaves the move-in as it is."""
    if action.kind != "receipt" or action.action != "void":
        return []
    found = list(session.execute(select(MoveIn).where(
        col(MoveIn.receipt_id) == action.id)).scalars())

    def reverse_for(mv: MoveIn) -> Any:
        def reverse(s: Session, by: Staff) -> None:
            mv.receipt_id, mv.receipt_no, mv.fees_fen = None, "", 0
            s.add(mv)
            audit.record(s, by=by, action="movein.fees.voided", entity="movein",
                         entity_id=mv.id, detail={"receipt": action.id})
        return reverse

    return [DocumentDependent(t("movein.receipt_dependent", number=mv.number),
                              reverse=reverse_for(mv)) for mv in found]


# --------------------------------------------------------------------------------------
# Month figures and the record list
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoveInMonth:
    completed: int
    open_now: int
    defects: int


def monthly_summary(session: Session, *, year: int, month: int) -> MoveInMonth:
    """Move-ins handed over in the month (by move-in date), those still open now, and
    the defects found in the month's inspections."""
    start, end = clock.month_range(year, month)
    first, after = start.date(), end.date()
    completed = session.execute(select(func.count(col(MoveIn.id))).where(
        col(MoveIn.status) == MoveInStatus.COMPLETED, col(MoveIn.moved_in_on) >= first,
        col(MoveIn.moved_in_on) < after)).scalar_one()
    open_now = session.execute(select(func.count(col(MoveIn.id))).where(
        col(MoveIn.status) == MoveInStatus.OPEN)).scalar_one()
    defects = session.execute(select(func.count(col(MoveInCheck.id)))
                              .join(MoveIn, col(MoveIn.id) == MoveInCheck.movein_id).where(
        col(MoveInCheck.defect) != "", col(MoveIn.moved_in_on) >= first,
        col(MoveIn.moved_in_on) < after)).scalar_one()
    return MoveInMonth(int(completed), int(open_now), int(defects))


class MoveInSource(SqlListSource):
    """The move-ins, newest first; open ones stand out."""

    columns = [
        ListColumn("number", "movein.col.number", 13, priority=0),
        ListColumn("status", "movein.col.status", 6, priority=0, fits=("movein.status.",)),
        ListColumn("unit", "movein.col.unit", 10, priority=0),
        ListColumn("date", "movein.col.date", 10, priority=1),
        ListColumn("owner", "movein.col.owner", 8, priority=2),
        ListColumn("phone", "movein.col.phone", 11, priority=4),
        ListColumn("defects", "movein.col.defects", 4, priority=3),
    ]
    model = MoveIn
    order_by = (col(MoveIn.created_at).desc(), col(MoveIn.id).desc())
    search_like_columns = (col(MoveIn.number), col(MoveIn.owner_name),
                           col(Unit.code))

    def __init__(self) -> None:
        self.filters = [
            FilterSpec("status", "movein.col.status", "choice",
                       [(s.value, t(f"movein.status.{s.value}")) for s in MoveInStatus]),
        ]
        self.filter_columns = {"status": col(MoveIn.status)}

    def filter_clause(self, key: str, value: object) -> Any:
        if key == "unit":  # the fixed filter of one unit's move-ins
            return col(MoveIn.unit_id) == int(str(value))
        return super().filter_clause(key, value)

    def select(self) -> Select[Any]:
        defects = (select(func.count(col(MoveInCheck.id))).where(
            col(MoveInCheck.movein_id) == MoveIn.id, col(MoveInCheck.defect) != "")
            .correlate(MoveIn).scalar_subquery())
        return select(MoveIn, col(Unit.code), defects).join(Unit, col(Unit.id) == MoveIn.unit_id)

    def to_row(self, item: Any) -> ListRow:
        mv: MoveIn = item[0]
        return ListRow(mv.id or 0, (
            mv.number, t(f"movein.status.{mv.status.value}"), item[1],
            mv.moved_in_on.isoformat(), mv.owner_name,
            mask_phone(mv.owner_phone) if mv.owner_phone else "", str(item[2] or 0),
        ), "warning" if mv.status == MoveInStatus.OPEN else "")
